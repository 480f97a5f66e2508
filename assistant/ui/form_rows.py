"""Small layout helpers shared by several widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget


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
