"""Mosaic's own light and dark palettes in GUI tests: the whole application switched live
between them, its earlier palette put back afterwards, and the contrast a person sees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from assistant.ui.theme import contrast_ratio, theme_palette


class PaletteSwitch:
    """Switches the application's palette as a change of theme does, without re-applying
    style sheets: the widgets themselves must follow."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.light = theme_palette(dark=False)
        self.dark = theme_palette(dark=True)

    def to_dark(self) -> QPalette:
        """Switch to the dark palette; it is returned."""
        return self._switch(self.dark)

    def to_light(self) -> QPalette:
        """Switch to the light palette; it is returned."""
        return self._switch(self.light)

    def _switch(self, palette: QPalette) -> QPalette:
        self.app.setPalette(palette)
        QCoreApplication.processEvents()  # the posted PaletteChange events
        return palette


@contextmanager
def light_palette_then_back(app: QApplication) -> Iterator[PaletteSwitch]:
    """The application in Mosaic's light palette, as it starts; the palette it had before
    comes back when the block ends."""
    original = QPalette(app.palette())
    switch = PaletteSwitch(app)
    app.setPalette(switch.light)
    try:
        yield switch
    finally:
        app.setPalette(original)


def contrast_over(ink: QColor, background: QColor) -> float:
    """WCAG contrast of ``ink`` drawn over the opaque ``background``: a translucent ink is
    blended with the background first, as the screen shows it."""
    alpha = ink.alphaF()
    shown = QColor.fromRgbF(
        ink.redF() * alpha + background.redF() * (1 - alpha),
        ink.greenF() * alpha + background.greenF() * (1 - alpha),
        ink.blueF() * alpha + background.blueF() * (1 - alpha),
    )
    return contrast_ratio(shown, background)
