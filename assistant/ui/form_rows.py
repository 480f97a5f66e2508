"""Small layout helpers shared by the settings forms."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def field_row(*widgets: QWidget) -> QWidget:
    """Widgets side by side as one form field, left-aligned."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box
