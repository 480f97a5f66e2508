"""Light and dark themes: readable contrast, the Fusion style, and following the desktop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget

from assistant.ui.theme import (
    apply_theme,
    contrast_ratio,
    current_theme,
    is_dark_theme,
    restore_theme,
    theme_snapshot,
)

pytestmark = pytest.mark.gui

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# (text, background, least contrast): every pair a person reads in the interface
READ_PAIRS = [
    (Role.Text, Role.Base, 4.5),
    (Role.WindowText, Role.Window, 4.5),
    (Role.ButtonText, Role.Button, 4.5),
    (Role.HighlightedText, Role.Highlight, 4.5),
    (Role.Text, Role.AlternateBase, 4.5),
    (Role.Link, Role.Base, 4.5),
    (Role.LinkVisited, Role.Base, 4.5),
    (Role.ToolTipText, Role.ToolTipBase, 4.5),
    (Role.PlaceholderText, Role.Base, 3.0),
]


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, put back as it was after the test."""
    before = theme_snapshot(qapp)
    yield qapp
    restore_theme(qapp, before)


def _contrast(palette: QPalette, group: QPalette.ColorGroup, text: QPalette.ColorRole,
              background: QPalette.ColorRole) -> float:
    return contrast_ratio(palette.color(group, text), palette.color(group, background))


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_every_text_is_readable_on_its_background(app: QApplication, choice: str) -> None:
    apply_theme(app, choice)
    palette = app.palette()
    for group in (Group.Active, Group.Inactive):
        for text, background, least in READ_PAIRS:
            ratio = _contrast(palette, group, text, background)
            assert ratio >= least, f"{choice} {group.name} {text.name}/{background.name}: " \
                                   f"{ratio:.2f}"
    # Disabled labels carry secondary notes in Mosaic: they must stay readable too.
    for text, background in ((Role.WindowText, Role.Window), (Role.Text, Role.Base),
                             (Role.ButtonText, Role.Button)):
        assert _contrast(palette, Group.Disabled, text, background) >= 4.5, text.name
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        assert palette.color(Group.Disabled, role) != palette.color(Group.Active, role), \
            "disabled text looks different from enabled text"


def test_dark_is_dark_and_light_is_light(app: QApplication) -> None:
    apply_theme(app, "dark")
    palette = app.palette()
    assert palette.color(Role.Window).lightness() < 80
    assert palette.color(Role.Base).lightness() < 80
    assert palette.color(Role.WindowText).lightness() > 200
    assert palette.color(Role.Text).lightness() > 200
    assert is_dark_theme(app)
    assert current_theme(app) == "dark"
    assert QToolTip.palette().color(Role.ToolTipBase) == palette.color(Role.ToolTipBase)

    apply_theme(app, "light")
    palette = app.palette()
    assert palette.color(Role.Window).lightness() > 200
    assert palette.color(Role.Base).lightness() > 240
    assert palette.color(Role.WindowText).lightness() < 60
    assert not is_dark_theme(app)


def test_the_theme_uses_fusion_and_leaves_font_sizes_to_the_system(app: QApplication) -> None:
    font = QApplication.font()
    app.setStyle("Windows")
    apply_theme(app, "dark")
    assert app.style().name().lower() == "fusion"
    assert QApplication.font() == font
    assert QApplication.font().pixelSize() == -1, "fonts scale in points, not pixels"


class _PaletteWatcher(QLineEdit):
    def __init__(self) -> None:
        super().__init__()
        self.palette_changes = 0

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.palette_changes += 1
        super().changeEvent(event)


def test_open_widgets_repaint_in_the_new_theme(qtbot, app: QApplication) -> None:
    apply_theme(app, "light")
    field = _PaletteWatcher()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    light_base = field.palette().color(Role.Base)
    apply_theme(app, "dark")
    qtbot.waitUntil(lambda: field.palette_changes >= 1, timeout=1000)  # a posted event
    assert field.palette().color(Role.Base) != light_base
    assert field.palette().color(Role.Base).lightness() < 80
    image = field.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).lightness() < 80, \
        "the field is painted dark"


def _scheme_receivers(app: QApplication) -> int:
    return app.styleHints().receivers("2colorSchemeChanged(Qt::ColorScheme)")


def test_system_follows_the_desktop_live_until_overridden(app: QApplication) -> None:
    hints = app.styleHints()
    apply_theme(app, "light")  # whatever an earlier test left: not following the desktop
    receivers_before = _scheme_receivers(app)
    apply_theme(app, "system")
    # Offscreen, the desktop's scheme is unknown: that counts as light.
    assert hints.colorScheme() == Qt.ColorScheme.Unknown
    assert not is_dark_theme(app)

    # The desktop switches to dark (the offscreen platform cannot, so say it as it would).
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark_theme(app)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark_theme(app)

    apply_theme(app, "system")
    assert _scheme_receivers(app) == receivers_before + 1, "connected once, not per call"

    apply_theme(app, "light")
    assert _scheme_receivers(app) == receivers_before
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark_theme(app), "a chosen theme ignores the desktop"

    apply_theme(app, "dark")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert is_dark_theme(app)


def test_restore_theme_undoes_a_preview(app: QApplication) -> None:
    apply_theme(app, "light")
    before = theme_snapshot(app)
    apply_theme(app, "dark")
    restore_theme(app, before)
    assert current_theme(app) == "light"
    assert not is_dark_theme(app)


def test_an_unknown_theme_follows_the_system(app: QApplication, caplog) -> None:
    apply_theme(app, "sepia")
    assert current_theme(app) == "system"
    assert "sepia" in caplog.text


def test_a_new_window_opens_in_the_theme(qtbot, app: QApplication) -> None:
    apply_theme(app, "dark")
    window = QWidget()
    qtbot.addWidget(window)
    assert window.palette().color(Role.Window) == app.palette().color(Role.Window)
