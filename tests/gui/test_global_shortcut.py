"""The global shortcut where the platform has none, and key parsing.

Grabbing and pressing on a real X server: tests/e2e/test_global_shortcut.py (Xvfb).
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from assistant.ui import global_shortcut
from assistant.ui.global_shortcut import GlobalShortcut, KeyChord, parse_key

pytestmark = pytest.mark.gui


def test_offscreen_has_no_global_key_and_says_what_to_do_instead(qtbot: QtBot) -> None:
    shortcut = GlobalShortcut()
    assert shortcut.register() is False
    assert not shortcut.is_registered
    assert "starting Mosaic again shows its window" in shortcut.unavailable_reason
    shortcut.unregister()  # harmless when nothing was taken


def test_wayland_points_to_the_desktops_keyboard_settings(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(global_shortcut, "_platform_name", lambda: "wayland")
    shortcut = GlobalShortcut()
    assert shortcut.register("Ctrl+Alt+M") is False
    assert "Wayland" in shortcut.unavailable_reason
    assert "`mosaic`" in shortcut.unavailable_reason
    assert "keyboard settings" in shortcut.unavailable_reason


def test_a_non_key_is_refused_before_touching_x(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(global_shortcut, "_platform_name", lambda: "xcb")
    monkeypatch.setattr(global_shortcut, "_load_xlib", lambda: pytest.fail("opened X"))
    shortcut = GlobalShortcut()
    assert shortcut.register("Ctrl+Alt") is False
    assert "“Ctrl+Alt” is not a key combination" in shortcut.unavailable_reason


@pytest.mark.parametrize(("key", "chord"), [
    ("Ctrl+Alt+M", KeyChord("m", 4 | 8)),
    ("Meta+Shift+F12", KeyChord("F12", 64 | 1)),
    ("Ctrl+Alt+Space", KeyChord("space", 4 | 8)),
    ("Ctrl+Alt+PgUp", KeyChord("Prior", 4 | 8)),
    ("Ctrl+,", KeyChord(",", 4)),
    ("F9", KeyChord("F9", 0)),
    ("Ctrl+Alt", None),
    ("Ctrl+A, Ctrl+B", None),
    ("", None),
    ("no such key", None),
])
def test_parse_key(key: str, chord: KeyChord | None) -> None:
    assert parse_key(key) == chord
