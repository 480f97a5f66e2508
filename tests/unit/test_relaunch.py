"""Restarting Mosaic (after a language change) starts the same installation again."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.ui.relaunch import relaunch_command


def test_a_checkout_or_pip_install_restarts_through_this_interpreter() -> None:
    program, arguments = relaunch_command(["/usr/bin/mosaic", "--smoke-test"])
    assert program == sys.executable
    assert arguments == ["-m", "assistant.app", "--smoke-test"]
    # The command really starts Mosaic (here: its --version, to stay headless).
    done = subprocess.run([program, *arguments[:2], "--version"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("Mosaic ")


def test_a_frozen_bundle_restarts_its_own_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/Mosaic/mosaic")
    assert relaunch_command(["/opt/Mosaic/mosaic"]) == ("/opt/Mosaic/mosaic", [])
