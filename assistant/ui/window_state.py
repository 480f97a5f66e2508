"""Remembers where the main window was: its geometry and the sidebar/chat split."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QSplitter, QWidget

from assistant.core.settings import WindowState


def _encode(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _decode(text: str) -> QByteArray:
    return QByteArray.fromBase64(QByteArray(text.encode("ascii", "ignore")))


def capture_window_state(window: QWidget, splitter: QSplitter) -> WindowState:
    """The window's geometry (screen, size, maximized) and the splitter's sizes, as text."""
    return WindowState(geometry=_encode(window.saveGeometry()),
                       splitter=_encode(splitter.saveState()))


def restore_window_state(window: QWidget, splitter: QSplitter, state: WindowState) -> bool:
    """Put the window back where ``state`` says (Qt keeps it on a screen that still exists);
    returns False, leaving the defaults, when nothing usable was saved."""
    restored = bool(state.geometry) and window.restoreGeometry(_decode(state.geometry))
    restored_split = bool(state.splitter) and splitter.restoreState(_decode(state.splitter))
    if restored_split and min(splitter.sizes() or [0]) <= 0:
        splitter.setSizes([260, 840])  # a sidebar squeezed to nothing is not restored
    return restored
