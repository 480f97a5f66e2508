"""Finding the model files already on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.models.registry import find_local_models


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF")
    return path


def test_finds_gguf_files_recursively_sorted_by_name(tmp_path: Path) -> None:
    zeta = _touch(tmp_path / "zeta.gguf")
    alpha = _touch(tmp_path / "nested" / "deeper" / "Alpha.GGUF")
    beta = _touch(tmp_path / "nested" / "beta.gguf")
    assert find_local_models(tmp_path) == [alpha, beta, zeta]


def test_leaves_out_projectors_partial_downloads_hidden_and_other_files(tmp_path: Path) -> None:
    model = _touch(tmp_path / "model.gguf")
    _touch(tmp_path / "mmproj-model-f16.gguf")
    _touch(tmp_path / "MMPROJ-other.gguf")
    _touch(tmp_path / "model2.gguf.part")
    _touch(tmp_path / ".hidden.gguf")
    _touch(tmp_path / ".cache" / "inside-hidden-folder.gguf")
    _touch(tmp_path / "notes.txt")
    (tmp_path / "folder.gguf").mkdir()
    assert find_local_models(tmp_path) == [model]


def test_missing_folder_has_no_models(tmp_path: Path) -> None:
    assert find_local_models(tmp_path / "nowhere") == []


def test_broken_links_are_ignored(tmp_path: Path) -> None:
    model = _touch(tmp_path / "real.gguf")
    (tmp_path / "dangling.gguf").symlink_to(tmp_path / "gone.gguf")
    assert find_local_models(tmp_path) == [model]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a POSIX user that file permissions apply to")
def test_unreadable_files_and_folders_are_ignored(tmp_path: Path) -> None:
    model = _touch(tmp_path / "ok.gguf")
    secret = _touch(tmp_path / "secret.gguf")
    locked = tmp_path / "locked"
    _touch(locked / "inside.gguf")
    secret.chmod(0)
    locked.chmod(0)
    try:
        assert find_local_models(tmp_path) == [model]
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
