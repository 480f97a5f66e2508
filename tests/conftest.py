"""Shared test set-up: every test gets its own MOSAIC_HOME; Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GGML_NO_BACKTRACE", "1")

from assistant.paths import AppPaths, app_paths


@pytest.fixture(autouse=True)
def mosaic_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every Mosaic path at a fresh temporary folder."""
    home = tmp_path / "mosaic-home"
    monkeypatch.setenv("MOSAIC_HOME", str(home))
    return home


@pytest.fixture
def paths(mosaic_home: Path) -> AppPaths:
    return app_paths().ensure()


pytest_plugins = ["tests.support.fixtures"]
