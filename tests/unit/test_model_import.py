"""Importing model files a person already has: what each file is, and where it ends up."""

from __future__ import annotations

import errno
import io
import os
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from assistant.models import model_import
from assistant.models.gguf_inspect import ModelFileError
from assistant.models.model_import import (
    ImportCandidate,
    ImportKind,
    ImportMode,
    inspect_import,
    register_import,
)
from assistant.models.speech_models import find_whisper_checkpoint
from assistant.models.vision import inspect_vision_model
from tests.support.fake_checkpoint import (
    REAL_TINY_EN,
    SMALL_DIMS,
    openai_dims,
    write_fake_checkpoint,
    write_malicious_checkpoint,
)
from tests.support.synthetic_gguf import write_tiny_llama
from tests.support.synthetic_vision import write_tiny_mmproj, write_tiny_vision_pair


@pytest.fixture
def models(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    return folder


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() \
        else []


# --- what a file is -------------------------------------------------------------------------


def test_a_language_model_and_its_projector_are_described(downloads: Path) -> None:
    pair = write_tiny_vision_pair(downloads)
    model = inspect_import(pair.model)
    assert model.kind is ImportKind.CHAT
    assert model.summary == "tiny-vision-test · llama · F16 · 608 KB · 2k context"
    assert model.destination_name == "tiny-vision-test.gguf" and model.width == 64
    projector = inspect_import(pair.mmproj)
    assert projector.kind is ImportKind.VISION_PROJECTOR
    assert projector.summary.startswith("vision projector for 64-wide models (LLaVA)")


def test_a_projector_without_mmproj_in_its_name_is_renamed_so_it_is_found(
        downloads: Path) -> None:
    projector = inspect_import(write_tiny_mmproj(downloads / "eyes.gguf"))
    assert projector.destination_name == "mmproj-eyes.gguf"
    model = inspect_import(write_tiny_llama(downloads / "mmproj-chat.gguf"))
    assert model.kind is ImportKind.CHAT and model.destination_name == "chat.gguf"


def test_whisper_checkpoints_are_described(downloads: Path) -> None:
    fake = inspect_import(write_fake_checkpoint(downloads / "mine.pt",
                                                openai_dims("base.en")))
    assert fake.kind is ImportKind.SPEECH and fake.name == "Whisper base.en"
    assert fake.summary == "Whisper base.en · 73M parameters · English only"
    assert fake.destination_name == "base.en.pt"
    unnamed = inspect_import(write_fake_checkpoint(downloads / "odd.pt"))
    assert unnamed.name == "odd" and unnamed.destination_name == "odd.pt"


def test_the_real_checkpoint_is_tiny_en() -> None:
    if not REAL_TINY_EN.is_file():
        pytest.skip(f"the real Whisper checkpoint is not at {REAL_TINY_EN}")
    candidate = inspect_import(REAL_TINY_EN)
    assert candidate.destination_name == "tiny.en.pt"
    assert candidate.size_bytes == REAL_TINY_EN.stat().st_size


def test_a_checkpoint_that_would_run_code_is_refused(downloads: Path) -> None:
    marker = downloads / "pwned.txt"
    evil = write_malicious_checkpoint(downloads / "small.pt", marker)
    with pytest.raises(ModelFileError, match="holds more than model weights"):
        inspect_import(evil)
    assert not marker.exists()


def _safetensors() -> bytes:
    header = b'{"w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}'
    return struct.pack("<Q", len(header)) + header + b"\0" * 4


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model/readme.txt", "the model is inside")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, r"photo\.png is an image \(PNG\)"),
    ("notes.txt", b"just some notes\n", r"notes\.txt is a text file"),
    ("model.gguf", b"<!DOCTYPE html><html>Sign in</html>", r"model\.gguf is a web page"),
    ("model.safetensors", _safetensors(), "convert it to GGUF first"),
    ("models.zip", _zip(), r"models\.zip is a zip archive"),
    ("empty.gguf", b"", r"empty\.gguf is empty"),
    ("model.gguf.part", b"GGUF\x03\0\0\0", "unfinished download"),
    ("blob.bin", b"\x00\x01\x02\x03\xff\xfe", "not a model file Mosaic can import"),
    ("old.gguf", b"tjgg" + b"\0" * 40, "old GGML model file"),
], ids=["png", "text", "html", "safetensors", "zip", "empty", "part", "binary", "ggml"])
def test_files_that_are_not_models_are_named(downloads: Path, name: str, content: bytes,
                                             expected: str) -> None:
    path = downloads / name
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=expected) as caught:
        inspect_import(path)
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")


def test_a_folder_and_a_missing_file(downloads: Path) -> None:
    with pytest.raises(ModelFileError, match="is a folder; choose the model file inside it"):
        inspect_import(downloads)
    with pytest.raises(ModelFileError, match="does not exist"):
        inspect_import(downloads / "gone.gguf")


# --- registering ----------------------------------------------------------------------------


def test_a_vision_pair_is_copied_into_one_folder_and_sees_images(
        downloads: Path, models: Path) -> None:
    pair = write_tiny_vision_pair(downloads)
    seen: list[tuple[int, int]] = []
    placed = register_import([inspect_import(pair.model), inspect_import(pair.mmproj)],
                             models, ImportMode.COPY, on_progress=lambda d, t: seen.append((d, t)))
    folder = models / "tiny-vision-test"
    assert placed == [folder / "tiny-vision-test.gguf",
                      folder / "mmproj-tiny-vision-test-f16.gguf"]
    assert not any(p.is_symlink() for p in placed)
    assert placed[0].read_bytes() == pair.model.read_bytes()
    assert _all_files(models) == ["tiny-vision-test", "tiny-vision-test/mmproj-tiny-vision-test"
                                  "-f16.gguf", "tiny-vision-test/tiny-vision-test.gguf"]
    setup = inspect_vision_model(str(placed[0]))
    assert setup.projector is not None and Path(setup.projector.path) == placed[1]
    total = pair.model.stat().st_size + pair.mmproj.stat().st_size
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_linking_leaves_the_original_where_it_is(downloads: Path, models: Path) -> None:
    model = write_tiny_llama(downloads / "chat.gguf")
    [placed] = register_import([inspect_import(model)], models, ImportMode.LINK)
    assert placed == models / "chat" / "chat.gguf"
    assert placed.is_symlink() and placed.resolve() == model.resolve()
    assert model.is_file()


def test_a_whisper_checkpoint_goes_where_speech_finds_it(downloads: Path,
                                                         models: Path) -> None:
    source = write_fake_checkpoint(downloads / "downloaded.pt", openai_dims("tiny"))
    [placed] = register_import([inspect_import(source)], models, ImportMode.COPY)
    assert placed == models / "whisper" / "tiny.pt"
    assert find_whisper_checkpoint(models, "tiny") == placed


def test_a_lone_projector_joins_the_one_installed_model_it_fits(
        downloads: Path, models: Path) -> None:
    write_tiny_llama(models / "chat" / "chat.gguf", n_embd=64)
    write_tiny_llama(models / "wide" / "wide.gguf", n_embd=128, n_head=4, n_head_kv=2)
    projector = write_tiny_mmproj(downloads / "mmproj-chat.gguf", projection_dim=64)
    [placed] = register_import([inspect_import(projector)], models, ImportMode.COPY)
    assert placed == models / "chat" / "mmproj-chat.gguf"
    assert inspect_vision_model(str(models / "chat" / "chat.gguf")).projector is not None


def test_a_projector_that_fits_several_installed_models_stays_at_the_top(
        downloads: Path, models: Path) -> None:
    write_tiny_llama(models / "a" / "a.gguf")
    write_tiny_llama(models / "b" / "b.gguf", seed=1)
    projector = write_tiny_mmproj(downloads / "mmproj-x.gguf")
    [placed] = register_import([inspect_import(projector)], models, ImportMode.COPY)
    assert placed == models / "mmproj-x.gguf"


def test_a_different_file_with_the_same_name_gets_a_numbered_place(
        downloads: Path, models: Path) -> None:
    write_tiny_llama(models / "chat" / "chat.gguf", seed=1)
    write_fake_checkpoint(models / "whisper" / "odd.pt", {**SMALL_DIMS, "n_vocab": 51865})
    model = write_tiny_llama(downloads / "chat.gguf", seed=2)
    checkpoint = write_fake_checkpoint(downloads / "odd.pt")
    placed = register_import([inspect_import(model), inspect_import(checkpoint)], models,
                             ImportMode.COPY)
    assert placed == [models / "chat-2" / "chat.gguf", models / "whisper" / "odd-2.pt"]
    assert placed[0].read_bytes() == model.read_bytes()


def test_the_same_file_is_not_copied_again(downloads: Path, models: Path) -> None:
    model = write_tiny_llama(downloads / "chat.gguf")
    [first] = register_import([inspect_import(model)], models, ImportMode.COPY)
    mtime = first.stat().st_mtime_ns
    copy = downloads / "again" / "chat.gguf"
    copy.parent.mkdir()
    shutil.copyfile(model, copy)  # the same bytes at another path
    seen: list[tuple[int, int]] = []
    [second] = register_import([inspect_import(copy)], models, ImportMode.COPY,
                               on_progress=lambda d, t: seen.append((d, t)))
    assert second == first and first.stat().st_mtime_ns == mtime
    assert seen[-1] == (0, 0)
    assert _all_files(models) == ["chat", "chat/chat.gguf"]
    [linked] = register_import([inspect_import(model)], models, ImportMode.LINK)
    assert linked == first and not linked.is_symlink()


def test_a_file_already_in_the_models_folder_stays_put(models: Path) -> None:
    model = write_tiny_llama(models / "mine.gguf")
    assert register_import([inspect_import(model)], models, ImportMode.COPY) == [model]
    assert _all_files(models) == ["mine.gguf"]


def _big_candidate(folder: Path, size: int) -> ImportCandidate:
    source = folder / "big.gguf"
    source.write_bytes(os.urandom(1024) * (size // 1024))
    return ImportCandidate(source=source, kind=ImportKind.CHAT, name="big", summary="big",
                           size_bytes=source.stat().st_size, destination_name="big.gguf")


def test_cancelling_mid_copy_leaves_nothing(downloads: Path, models: Path) -> None:
    models.mkdir()
    small = inspect_import(write_tiny_llama(downloads / "chat.gguf"))
    big = _big_candidate(downloads, 20 << 20)  # three chunks
    parts_seen: list[bool] = []
    state = {"cancel": False}

    def progress(done: int, total: int) -> None:
        if done > small.size_bytes:  # partway through the big file
            parts_seen.append((models / "big" / "big.gguf.part").exists())
            state["cancel"] = True

    placed = register_import([small, big], models, ImportMode.COPY, on_progress=progress,
                             cancelled=lambda: state["cancel"])
    assert placed == []
    assert parts_seen == [True]
    assert _all_files(models) == []
    assert big.source.is_file()


def test_too_little_free_space_is_said_before_anything_is_written(
        downloads: Path, models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = inspect_import(write_tiny_llama(downloads / "chat.gguf"))
    monkeypatch.setattr(model_import.shutil, "disk_usage",
                        lambda _p: shutil._ntuple_diskusage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(ModelFileError, match=r"Importing needs 607 KB but only 1 KB is free"):
        register_import([model], models, ImportMode.COPY)
    assert _all_files(models) == []
    assert register_import([model], models, ImportMode.LINK)[0].is_symlink()


def test_a_disk_that_fills_up_mid_copy_leaves_no_partial_file(
        downloads: Path, models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pair = write_tiny_vision_pair(downloads)
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the projector, after the model was written
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(model_import.os, "fsync", fsync)
    with pytest.raises(ModelFileError, match=r"is full, so mmproj-tiny-vision-test-f16\.gguf "
                                             r"could not be imported"):
        register_import([inspect_import(pair.model), inspect_import(pair.mmproj)], models,
                        ImportMode.COPY)
    assert _all_files(models) == []


def test_a_source_that_vanished_is_said(downloads: Path, models: Path) -> None:
    model = write_tiny_llama(downloads / "chat.gguf")
    candidate = inspect_import(model)
    model.unlink()
    with pytest.raises(ModelFileError, match=r"chat\.gguf is no longer at"):
        register_import([candidate], models, ImportMode.COPY)
    assert _all_files(models) == []
