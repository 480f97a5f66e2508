"""The rounded, accent-tinted box that notices and the recording bar are drawn in."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget


def mix(base: QColor, accent: QColor, amount: float) -> QColor:
    """``base`` tinted by ``amount`` (0..1) of ``accent`` (opaque)."""
    return QColor.fromRgbF(*(b + (a - b) * amount for b, a in zip(
        base.getRgbF()[:3], accent.getRgbF()[:3], strict=True)))


def paint_tinted_box(widget: QWidget, base: QColor, accent: QColor, fill: float,
                     radius: float) -> None:
    """Fill ``widget`` with a rounded box of ``base`` tinted ``fill`` of ``accent``, outlined
    in a stronger tint, so it reads on light and dark palettes alike."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(mix(base, accent, 0.45), 1))
    painter.setBrush(mix(base, accent, fill))
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()
