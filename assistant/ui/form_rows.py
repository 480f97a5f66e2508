"""Small layout and text-colour helpers shared by several widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget


def field_row(*widgets: QWidget) -> QWidget:
    """Widgets side by side as one form field, left-aligned."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


def fill_with_scroll_area(owner: QWidget, content: QWidget) -> QScrollArea:
    """Make ``owner`` show ``content`` in a frameless, vertically scrolling area."""
    scroll_area = QScrollArea(owner)
    scroll_area.setWidgetResizable(True)
    scroll_area.setFrameShape(QFrame.Shape.NoFrame)
    scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll_area.setWidget(content)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll_area)
    return scroll_area


def set_text_color(widget: QWidget, color: QColor | None) -> None:
    """Draw ``widget``'s text in ``color``; None gives it the inherited text colour again.

    Only the text role is set, so every other colour still follows the theme. A colour
    chosen for the current theme must be chosen again when the palette changes (the
    owner's ``changeEvent`` on ``QEvent.Type.PaletteChange``).
    """
    palette = QPalette()  # no role set: everything not set below is inherited
    if color is not None:
        palette.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(palette)


class _MutedText(QObject):
    """Keeps a label in the secondary-text colour of the current palette."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QLabel):
            _mute(watched)
        return False


def _mute(label: QLabel) -> None:
    palette = label.palette()
    muted = palette.color(QPalette.ColorRole.PlaceholderText)  # inherited: follows the theme
    if palette.color(QPalette.ColorRole.WindowText) != muted:
        palette.setColor(QPalette.ColorRole.WindowText, muted)
        label.setPalette(palette)


def set_muted(label: QLabel) -> None:
    """Draw ``label`` in the palette's secondary-text colour (readable, unlike disabled),
    also after the theme changes."""
    if label.findChild(_MutedText) is None:
        label.installEventFilter(_MutedText(label))
    _mute(label)
