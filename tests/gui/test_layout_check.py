"""The layout checker itself: it finds what is deliberately broken in small windows, and
says nothing about a sound one."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.layout_check import (
    clipped_text,
    crowded_tab_bars,
    layout_problems,
    outside_parent,
    overlapping_siblings,
    window_size_problems,
)

pytestmark = pytest.mark.gui

LONG = "Load the selected model now"


class Panel(QWidget):
    """Stands for one of Mosaic's widgets (the checker names the nearest one)."""


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def sound_form() -> Panel:
    panel = Panel()
    form = QFormLayout(panel)
    form.addRow("&Name:", QLineEdit())
    search = QLineEdit()
    search.setPlaceholderText("Search chats")
    form.addRow("Search:", search)
    combo = QComboBox()
    combo.addItems(["All (when a GPU is available)", "None"])
    form.addRow("GPU:", combo)
    form.addRow(QCheckBox("Send when I let go of the key"))
    note = QLabel("These take effect the next time a model is loaded, which can take a "
                  "while for a large one.")
    note.setWordWrap(True)
    form.addRow(note)
    group = QGroupBox("Where your data lives")
    QVBoxLayout(group).addWidget(QPushButton(LONG))
    form.addRow(group)
    tabs = QTabWidget()
    for title in ("Answers", "Models", "Speech"):
        tabs.addTab(QLabel(title), title)
    form.addRow(tabs)
    return panel


def test_a_sound_layout_has_no_problems(qtbot: QtBot) -> None:
    panel = shown(qtbot, sound_form())
    assert layout_problems(panel) == []
    panel.resize(panel.width() + 200, panel.height() + 100)
    qtbot.wait(10)
    assert layout_problems(panel) == []


def test_a_button_narrower_than_its_text_is_named_with_both_widths(qtbot: QtBot) -> None:
    panel = Panel()
    row = QHBoxLayout(panel)
    button = QPushButton(LONG)
    button.setFixedWidth(60)
    row.addWidget(button)
    shown(qtbot, panel)
    [problem] = clipped_text(panel)
    match = re.fullmatch(rf"QPushButton {LONG!r} in Panel: the text needs (\d+) px, has (\d+)",
                         problem)
    assert match, problem
    needs, has = int(match[1]), int(match[2])
    assert needs >= button.fontMetrics().horizontalAdvance(LONG) and has < 60


@pytest.mark.parametrize("make", [
    lambda: QLabel(LONG),
    lambda: QCheckBox(LONG),
    lambda: QComboBox(),
    lambda: QGroupBox(LONG),
    lambda: QLineEdit(),
], ids=["label", "check box", "combo box", "group box", "placeholder"])
def test_each_kind_of_control_with_cut_text_is_found(qtbot: QtBot, make) -> None:
    panel = Panel()
    row = QHBoxLayout(panel)
    control = make()
    if isinstance(control, QComboBox):
        control.addItem(LONG)
    if isinstance(control, QLineEdit):
        control.setPlaceholderText(LONG)
    control.setFixedWidth(70)
    row.addWidget(control)
    shown(qtbot, panel)
    [problem] = clipped_text(panel)
    assert f"{type(control).__name__} {LONG!r} in Panel: the text needs" in problem


def test_typed_text_in_a_line_edit_scrolls_and_is_not_a_problem(qtbot: QtBot) -> None:
    panel = Panel()
    edit = QLineEdit(LONG * 3)
    edit.setFixedWidth(70)
    QHBoxLayout(panel).addWidget(edit)
    assert clipped_text(shown(qtbot, panel)) == []


def test_a_wrapped_label_too_short_for_its_lines_is_found(qtbot: QtBot) -> None:
    panel = Panel()
    label = QLabel(" ".join([LONG] * 6))
    label.setWordWrap(True)
    label.setFixedSize(200, label.fontMetrics().height() + 2)
    QVBoxLayout(panel).addWidget(label)
    [problem] = clipped_text(shown(qtbot, panel))
    assert problem.startswith("QLabel 'Load the selected model now Load the se…' in Panel: "
                              "the text needs ")
    assert problem.endswith(f"px of height, has {label.height()}")


def test_a_placeholder_that_wraps_out_of_a_one_line_text_box_is_found(qtbot: QtBot) -> None:
    panel = Panel()
    box = QPlainTextEdit()
    box.setPlaceholderText(f"{LONG} (Enter to send, Shift+Enter for a new line)")
    box.setFixedSize(220, box.fontMetrics().lineSpacing() + 12)
    QVBoxLayout(panel).addWidget(box)
    shown(qtbot, panel)
    [problem] = clipped_text(panel)
    assert problem.startswith(f"QPlainTextEdit {LONG + ' (Enter to s…'!r} in Panel: the text "
                              "needs ")
    assert "px of height, has" in problem
    box.setFixedWidth(1000)  # one line: it fits
    qtbot.waitUntil(lambda: box.viewport().width() > 900)
    assert clipped_text(panel) == []
    box.setFixedWidth(220)
    box.setPlainText("typed text scrolls")
    assert clipped_text(panel) == []


def test_a_hidden_control_is_not_a_problem(qtbot: QtBot) -> None:
    panel = Panel()
    button = QPushButton(LONG)
    button.setFixedWidth(40)
    QHBoxLayout(panel).addWidget(button)
    shown(qtbot, panel)
    button.hide()
    assert layout_problems(panel) == []


def test_two_controls_placed_in_one_grid_cell_overlap(qtbot: QtBot) -> None:
    panel = Panel()
    grid = QGridLayout(panel)
    grid.addWidget(QPushButton("Send"), 0, 0)
    grid.addWidget(QPushButton("Stop"), 0, 0)  # a mistake: the same cell
    grid.addWidget(QLabel("Fine"), 1, 0)
    shown(qtbot, panel)
    [problem] = overlapping_siblings(panel)
    assert problem.startswith("QPushButton 'Send' in Panel and QPushButton 'Stop' in Panel "
                              "overlap by ")


def test_an_overlay_the_parent_places_by_hand_may_cover_its_siblings(qtbot: QtBot) -> None:
    panel = Panel()
    QVBoxLayout(panel).addWidget(QLabel("Transcript"))
    badge = QPushButton("New messages", panel)  # not in the layout: floats on purpose
    badge.adjustSize()
    badge.move(0, 0)
    shown(qtbot, panel)
    assert overlapping_siblings(panel) == []


def test_a_child_that_sticks_out_of_its_parent_is_found(qtbot: QtBot) -> None:
    panel = Panel()
    panel.setFixedSize(200, 100)
    QVBoxLayout(panel).addWidget(QLabel("Inside"))
    stray = QPushButton("Go", panel)
    stray.setGeometry(150, 80, 80, 30)
    shown(qtbot, panel)
    assert outside_parent(panel) == [
        "QPushButton 'Go' in Panel reaches 30 px right, 10 px bottom outside Panel"]


def test_what_a_scroll_area_scrolls_is_not_sticking_out(qtbot: QtBot) -> None:
    panel = Panel()
    area = QScrollArea()
    tall = QWidget()
    column = QVBoxLayout(tall)
    for n in range(40):
        column.addWidget(QLabel(f"Line {n}"))
    area.setWidget(tall)
    QVBoxLayout(panel).addWidget(area)
    panel.resize(200, 150)
    shown(qtbot, panel)
    assert tall.height() > area.viewport().height()
    assert layout_problems(panel) == []


def test_tabs_that_do_not_fit_their_bar_are_found(qtbot: QtBot) -> None:
    panel = Panel()
    tabs = QTabWidget()
    for title in ("Installed models", "Get more models", "Downloads in progress"):
        tabs.addTab(QLabel(title), title)
    QVBoxLayout(panel).addWidget(tabs)
    panel.setFixedWidth(160)
    shown(qtbot, panel)
    problems = crowded_tab_bars(panel)
    assert problems and all(p.startswith("tab '") and "of QTabBar in Panel: needs" in p
                            for p in problems)


def test_a_window_that_cannot_shrink_to_the_size_asked_is_found(qtbot: QtBot) -> None:
    window = Panel()
    window.setMinimumSize(900, 640)
    shown(qtbot, window)
    window.resize(800, 600)
    assert window_size_problems(window, QSize(800, 600)) == [
        "Panel: asked for 800×600, it is 900×640 (its minimum is 900×640)"]
    window.setMinimumSize(100, 100)
    window.resize(800, 600)
    assert window_size_problems(window, QSize(800, 600)) == []
