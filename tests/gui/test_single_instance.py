"""The single-instance key and request format, and bring_to_front on a real window.

Two real processes are in tests/e2e/test_single_instance.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from assistant.ui.single_instance import PROTOCOL_VERSION, Request, bring_to_front, instance_key

pytestmark = pytest.mark.gui


def test_key_is_short_safe_and_differs_per_folder_and_user(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 12) / "data"
    key = instance_key(deep, user="someone with spaces/and:odd chars and a long name")
    # A socket file in the temp folder: the whole path must stay under ~100 bytes.
    assert len(key) <= 40
    assert re.fullmatch(r"[a-z]+-[A-Za-z0-9_.-]+-[0-9a-f]{12}", key)
    assert key == instance_key(deep, user="someone with spaces/and:odd chars and a long name")
    assert instance_key(tmp_path / "one", "ann") != instance_key(tmp_path / "two", "ann")
    assert instance_key(tmp_path / "one", "ann") != instance_key(tmp_path / "one", "bob")
    # Same folder spelled differently: same Mosaic.
    assert instance_key(tmp_path / "x" / ".." / "one", "ann") == instance_key(
        tmp_path / "one", "ann")


def test_request_is_one_versioned_json_line() -> None:
    line = Request("show", ("--flag", "ünïcode")).encode()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"version": PROTOCOL_VERSION, "command": "show",
                                "argv": ["--flag", "ünïcode"]}
    assert Request.decode(line.rstrip(b"\n")) == Request("show", ("--flag", "ünïcode"))
    # A newer launcher's extra fields do not break an older primary.
    assert Request.decode(b'{"version": 2, "command": "show", "new": 1}').command == "show"
    for junk in (b"", b"[]", b"not json", b'{"command": "show"}',
                 b'{"version": 1, "command": "show", "argv": [1]}'):
        with pytest.raises(ValueError):
            Request.decode(junk)


def test_bring_to_front_restores_a_hidden_minimized_window(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    window.hide()

    bring_to_front(window)  # pytest fails on any Qt warning (e.g. raise() offscreen)
    qtbot.waitUntil(window.isVisible)
    assert not window.isMinimized()
