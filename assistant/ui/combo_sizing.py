"""Combo boxes wide enough for their items as they are drawn."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def fit_to_items(combo: QComboBox) -> None:
    """Make ``combo`` wide enough to draw its longest item uncut (call after adding items).

    QComboBox sizes itself by the ink of its item texts, but draws them by their advance,
    which is wider when a text ends in a glyph with space after its ink: the full-width
    "）" of Chinese clips without this.
    """
    metrics = combo.fontMetrics()
    texts = [combo.itemText(index) for index in range(combo.count())]
    if not texts:
        return
    shortfall = max(metrics.horizontalAdvance(text) for text in texts) \
        - max(metrics.boundingRect(text).width() for text in texts)
    if shortfall > 0:
        combo.setMinimumWidth(combo.sizeHint().width() + shortfall)
