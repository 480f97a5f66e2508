"""Light and dark themes: the Fusion style with a palette chosen for readable contrast.

"system" follows the desktop's colour scheme, live; "light" and "dark" override it (and ask
the platform to draw its parts, such as title bars, to match). Sizes are left to Qt, which
scales everything by the screen's device-pixel ratio; nothing here sets a pixel size.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from assistant.core.settings import THEMES

log = logging.getLogger(__name__)

STYLE = "Fusion"  # the same look on every platform, and offscreen in tests

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Each role's colour in the (light, dark) theme. WCAG contrast of every text/background pair a
# person reads is at least 4.5 (placeholder text at least 3); tests/gui/test_theme.py checks
# it. Borders drawn with palette(mid) / palette(midlight) must show on the dark window, so
# those roles are lighter than the window in the dark theme. One table for both themes: a
# role set in one is set in the other, never left to the platform's own palette.
COLORS: Mapping[Role, tuple[str, str]] = {
    Role.Window: ("#efefef", "#2b2b2b"),
    Role.WindowText: ("#1c1c1c", "#e6e6e6"),
    Role.Base: ("#ffffff", "#1e1e1e"),
    Role.AlternateBase: ("#f5f5f5", "#333333"),
    Role.Text: ("#1c1c1c", "#e6e6e6"),
    Role.Button: ("#f0f0f0", "#353535"),
    Role.ButtonText: ("#1c1c1c", "#e6e6e6"),
    Role.BrightText: ("#ffffff", "#ffffff"),
    Role.Light: ("#ffffff", "#626262"),
    Role.Midlight: ("#e2e2e2", "#4a4a4a"),
    Role.Mid: ("#b4b4b4", "#5a5a5a"),
    Role.Dark: ("#9a9a9a", "#1a1a1a"),
    Role.Shadow: ("#6e6e6e", "#0a0a0a"),
    Role.Highlight: ("#1f6fb8", "#2f6fbf"),
    Role.HighlightedText: ("#ffffff", "#ffffff"),
    Role.Accent: ("#1f6fb8", "#2f6fbf"),
    Role.Link: ("#1a5fb4", "#8ab4f8"),
    Role.LinkVisited: ("#7a3e9d", "#c58af9"),
    Role.ToolTipBase: ("#ffffdc", "#3a3a3a"),
    Role.ToolTipText: ("#1c1c1c", "#f0f0f0"),
    Role.PlaceholderText: ("#6f6f6f", "#9a9a9a"),
}
# The disabled group's (light, dark) colours where they differ. Disabled text stays readable:
# the UI uses disabled labels for secondary notes.
DISABLED_COLORS: Mapping[Role, tuple[str, str]] = {
    Role.WindowText: ("#6a6a6a", "#a0a0a0"),
    Role.Text: ("#6a6a6a", "#a0a0a0"),
    Role.ButtonText: ("#6a6a6a", "#a0a0a0"),
    Role.Base: ("#f7f7f7", "#242424"),
    Role.Button: ("#ebebeb", "#303030"),
    Role.PlaceholderText: ("#8a8a8a", "#7a7a7a"),
    Role.Highlight: ("#b8b8b8", "#4a4a4a"),
    Role.HighlightedText: ("#1c1c1c", "#d0d0d0"),
    Role.Accent: ("#b8b8b8", "#4a4a4a"),
}


def theme_palette(dark: bool) -> QPalette:
    """The complete light or dark palette (every role, every group)."""
    palette = QPalette()
    for role, (light_color, dark_color) in COLORS.items():
        palette.setColor(role, QColor(dark_color if dark else light_color))  # all groups
    for role, (light_color, dark_color) in DISABLED_COLORS.items():
        palette.setColor(Group.Disabled, role, QColor(dark_color if dark else light_color))
    return palette


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of ``color`` (0 black … 1 white)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    return (0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF())
            + 0.0722 * linear(color.blueF()))


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio between two colours (1 … 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark_theme(app: QApplication) -> bool:
    """Whether the palette in force has a dark window."""
    return app.palette().color(Role.Window).lightness() < 128


class _ThemeKeeper(QObject):
    """Lives under the application: the choice in force, and the live link to the desktop's
    colour scheme while that choice is "system"."""

    OBJECT_NAME = "mosaicThemeKeeper"

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(self.OBJECT_NAME)
        self.app = app
        self.choice: str | None = None
        self.following = False

    def follow_system(self, follow: bool) -> None:
        if follow == self.following:
            return
        hints = self.app.styleHints()
        if follow:
            hints.colorSchemeChanged.connect(self.on_color_scheme_changed)
        else:
            hints.colorSchemeChanged.disconnect(self.on_color_scheme_changed)
        self.following = follow

    @Slot(Qt.ColorScheme)
    def on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        _set_palette(self.app, dark=scheme == Qt.ColorScheme.Dark)


def _existing_keeper(app: QApplication) -> _ThemeKeeper | None:
    keeper = app.findChild(_ThemeKeeper, _ThemeKeeper.OBJECT_NAME,
                           Qt.FindChildOption.FindDirectChildrenOnly)
    return keeper if isinstance(keeper, _ThemeKeeper) else None


def _keeper(app: QApplication) -> _ThemeKeeper:
    return _existing_keeper(app) or _ThemeKeeper(app)


def _set_palette(app: QApplication, dark: bool) -> None:
    palette = theme_palette(dark)
    if app.palette() != palette:
        # Widgets under a style sheet get no PaletteChange: the widget that owns each sheet
        # sets it again on its own PaletteChange, which re-resolves the subtree below it.
        app.setPalette(palette)
    QToolTip.setPalette(palette)  # a platform may give tooltips their own palette


def _request_color_scheme(app: QApplication, scheme: Qt.ColorScheme | None) -> None:
    """Ask the platform for ``scheme`` (None: the desktop's own); Qt 6.8 and later."""
    hints = app.styleHints()
    if not hasattr(hints, "unsetColorScheme"):
        return
    if scheme is None:
        hints.unsetColorScheme()
    else:
        hints.setColorScheme(scheme)


def current_theme(app: QApplication) -> str | None:
    """The choice last given to :func:`apply_theme` (None: never applied)."""
    keeper = _existing_keeper(app)
    return keeper.choice if keeper is not None else None


def apply_theme(app: QApplication, choice: str) -> None:
    """Use the Fusion style with the light or dark palette that ``choice`` (one of
    ``THEMES``) names; "system" follows the desktop's colour scheme from now on, an unknown
    desktop scheme counting as light."""
    if choice not in THEMES:
        log.warning("unknown theme %r; following the system", choice)
        choice = "system"
    if app.style().name().lower() != STYLE.lower():
        app.setStyle(STYLE)
    keeper = _keeper(app)
    hints = app.styleHints()
    if choice == "system":
        _request_color_scheme(app, None)  # drop an earlier override: the desktop decides
        keeper.follow_system(True)
        dark = hints.colorScheme() == Qt.ColorScheme.Dark
    else:
        keeper.follow_system(False)
        dark = choice == "dark"
        # Title bars and native dialogs follow where the platform allows (a no-op elsewhere).
        _request_color_scheme(app, Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
    keeper.choice = choice
    _set_palette(app, dark)


@dataclass(frozen=True)
class ThemeSnapshot:
    """How the application looked before a preview, to go back to it."""

    choice: str | None
    style: str
    palette: QPalette
    tooltip_palette: QPalette


def theme_snapshot(app: QApplication) -> ThemeSnapshot:
    return ThemeSnapshot(current_theme(app), app.style().name(), QPalette(app.palette()),
                         QPalette(QToolTip.palette()))


def restore_theme(app: QApplication, snapshot: ThemeSnapshot) -> None:
    """Undo every :func:`apply_theme` since ``snapshot`` was taken."""
    if snapshot.choice is not None:
        apply_theme(app, snapshot.choice)
        return
    keeper = _keeper(app)
    keeper.follow_system(False)
    keeper.choice = None
    _request_color_scheme(app, None)
    if app.style().name().lower() != snapshot.style.lower():
        app.setStyle(snapshot.style)
    if app.palette() != snapshot.palette:
        app.setPalette(snapshot.palette)
    QToolTip.setPalette(snapshot.tooltip_palette)
