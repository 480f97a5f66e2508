"""The notice bar: info, error and undo notices, timeouts, replacement, wrapping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent, QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from assistant.ui.notice_bar import NoticeBar, NoticeKind, error_color

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform warns whenever a top-level window gets a minimum size.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def bar(qtbot) -> Iterator[NoticeBar]:
    host = QWidget()
    layout = QVBoxLayout(host)
    notice = NoticeBar(host)
    layout.addWidget(notice)
    layout.addStretch(1)
    host.resize(420, 300)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield notice  # the host stays referenced (and alive) until the test ends


def test_info_shows_text_without_undo(bar: NoticeBar) -> None:
    bar.show_info("The model finished loading.")
    assert bar.isVisible()
    assert bar.kind() is NoticeKind.INFO
    assert bar.text() == "The model finished loading."
    assert not bar.undo_button.isVisible()


def test_error_text_uses_the_error_colour(bar: NoticeBar) -> None:
    bar.show_error("The model file is damaged; download it again.")
    assert bar.kind() is NoticeKind.ERROR
    label_colour = bar._label.palette().color(QPalette.ColorRole.WindowText)
    assert label_colour == error_color(bar.palette())
    bar.show_info("All good.")
    assert bar._label.palette().color(QPalette.ColorRole.WindowText) != label_colour


def test_undo_button_emits_undo_and_never_expires(qtbot, bar: NoticeBar) -> None:
    expired: list[bool] = []
    bar.undoExpired.connect(lambda: expired.append(True))
    bar.show_undo("Deleted “Trip plans”.", timeout_ms=100)
    assert bar.undo_button.isVisible()
    with qtbot.waitSignal(bar.undoRequested, timeout=1000):
        qtbot.mouseClick(bar.undo_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    qtbot.wait(200)
    assert expired == []


def test_undo_notice_expires_after_its_timeout(qtbot, bar: NoticeBar) -> None:
    requested: list[bool] = []
    bar.undoRequested.connect(lambda: requested.append(True))
    bar.show_undo("Deleted “Trip plans”.", timeout_ms=60)
    with qtbot.waitSignal(bar.undoExpired, timeout=2000):
        pass
    assert not bar.isVisible()
    assert bar.kind() is None
    assert requested == []


def test_replacing_an_undo_notice_counts_as_expired(qtbot, bar: NoticeBar) -> None:
    expired: list[bool] = []
    bar.undoExpired.connect(lambda: expired.append(True))
    bar.show_undo("Deleted “A”.", timeout_ms=10_000)
    bar.show_info("Settings saved.")
    assert expired == [True]
    assert bar.kind() is NoticeKind.INFO
    assert bar.text() == "Settings saved."
    assert not bar.undo_button.isVisible()
    qtbot.wait(50)
    assert expired == [True]


def test_a_newer_undo_notice_gets_its_own_timer(qtbot, bar: NoticeBar) -> None:
    expired: list[bool] = []
    bar.undoExpired.connect(lambda: expired.append(True))
    bar.show_undo("Deleted “A”.", timeout_ms=10_000)
    bar.show_undo("Deleted “B”.", timeout_ms=10_000)
    assert expired == [True]
    assert bar.text() == "Deleted “B”."
    assert bar.undo_button.isVisible()


def test_close_button_dismisses(qtbot, bar: NoticeBar) -> None:
    expired: list[bool] = []
    bar.undoExpired.connect(lambda: expired.append(True))
    bar.show_info("Hello")
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert expired == []
    bar.show_undo("Deleted “A”.")
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert expired == [True]


def test_pointer_over_an_undo_notice_pauses_its_timeout(qtbot, bar: NoticeBar) -> None:
    bar.show_undo("Deleted “A”.", timeout_ms=80)
    point = QPointF(5, 5)
    QApplication.sendEvent(bar, QEnterEvent(point, point, bar.mapToGlobal(point)))
    qtbot.wait(250)
    assert bar.kind() is NoticeKind.UNDO
    with qtbot.waitSignal(bar.undoExpired, timeout=2000):
        QApplication.sendEvent(bar, QEvent(QEvent.Type.Leave))
    assert not bar.isVisible()


def test_long_text_wraps_instead_of_clipping(qtbot, bar: NoticeBar) -> None:
    sentence = ("Mosaic could not load gemma-3-270m-it-Q4_K_M.gguf because the file is "
                "incomplete: the download was cut short, so download it again from the "
                "model catalog and try once more.")
    bar.show_error(sentence)
    qtbot.wait(20)  # let the layout settle
    label = bar._label
    one_line = label.fontMetrics().height()
    assert label.height() >= label.heightForWidth(label.width())
    assert label.height() > 2 * one_line
    assert bar.geometry().bottom() >= label.mapTo(bar, label.rect().bottomLeft()).y()
    ARTIFACTS.mkdir(exist_ok=True)
    bar.parentWidget().grab().save(str(ARTIFACTS / "notice_bar_error.png"))
