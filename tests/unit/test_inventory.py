"""The installed-models list, the models folder's disk usage, and deleting a model."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.models.catalog import CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.gguf_inspect import ModelFileError
from assistant.models.inventory import (
    InstalledModel,
    delete_installed,
    installed_models,
    models_disk_usage,
)
from tests.support.fake_checkpoint import (
    REAL_TINY_EN,
    openai_dims,
    write_fake_checkpoint,
)
from tests.support.synthetic_gguf import write_not_gguf, write_tiny_llama, write_truncated_copy
from tests.support.synthetic_vision import write_tiny_vision_pair


@dataclass(frozen=True)
class _Catalog:
    entries: tuple[CatalogEntry, ...]


def _entry(entry_id: str, kind: ModelKind, filename: str, family: str) -> CatalogEntry:
    return CatalogEntry(
        id=entry_id, name=f"{family} (catalog)", kind=kind, family=family, parameters=1,
        quantization="F16", license="MIT", min_ram_bytes=1, context_length=2048,
        kv_bytes_per_token=0,
        files=(CatalogFile(role=FileRole.MODEL, filename=filename, size_bytes=1,
                           url="https://example.com/" + filename),))


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


def _by_name(listing: list[InstalledModel]) -> dict[str, InstalledModel]:
    return {m.path.name: m for m in listing}


def test_every_kind_of_installed_model_is_listed(models: Path) -> None:
    pair = write_tiny_vision_pair(models / "tiny-vision")
    chat = write_tiny_llama(models / "chat" / "chat.gguf", n_ctx=4096)
    speech = write_fake_checkpoint(models / "whisper" / "base.en.pt", openai_dims("base.en"))
    catalog = _Catalog((_entry("tiny-vision", ModelKind.VISION, pair.model.name, "Tiny"),
                        _entry("whisper-base-en", ModelKind.SPEECH, "base.en.pt", "Whisper")))
    listing = installed_models(models, catalog)
    assert [m.path for m in listing] == [pair.model, chat, speech]  # by name, speech last
    found = _by_name(listing)

    vision = found[pair.model.name]
    assert vision.kind is ModelKind.VISION and vision.sees_images
    assert vision.projector == pair.mmproj
    assert vision.size_bytes == pair.model.stat().st_size + pair.mmproj.stat().st_size
    assert vision.catalog_id == "tiny-vision" and vision.name == "Tiny (catalog)"
    assert vision.problem is None

    text = found["chat.gguf"]
    assert (text.kind, text.name, text.family, text.quantization) == (
        ModelKind.CHAT, "tiny-llama-test", "llama", "F16")
    assert text.context_length == 4096 and text.projector is None and text.catalog_id is None
    assert text.parameter_count and text.parameter_count > 0

    whisper = found["base.en.pt"]
    assert whisper.kind is ModelKind.SPEECH and whisper.speech_name == "base.en"
    assert whisper.catalog_id == "whisper-base-en" and whisper.quantization == "F16"
    assert whisper.parameter_count and whisper.parameter_count > 70_000_000


def test_damaged_files_are_listed_with_their_sentence(models: Path) -> None:
    good = write_tiny_llama(models / "good.gguf")
    write_truncated_copy(good, models / "cut.gguf", 0.5)
    write_not_gguf(models / "page.gguf")
    (models / "whisper").mkdir()
    (models / "whisper" / "tiny.pt").write_text("not a checkpoint")
    found = _by_name(installed_models(models))
    assert set(found) == {"good.gguf", "cut.gguf", "page.gguf", "tiny.pt"}
    assert found["good.gguf"].problem is None
    assert "cut.gguf is incomplete" in (found["cut.gguf"].problem or "")
    assert "page.gguf is not a GGUF model file" in (found["page.gguf"].problem or "")
    broken = found["tiny.pt"]
    assert broken.kind is ModelKind.SPEECH and broken.speech_name is None
    assert "tiny.pt is not a Whisper checkpoint" in (broken.problem or "")
    assert broken.size_bytes == len("not a checkpoint")


def test_models_opened_from_elsewhere_and_unfinished_downloads(models: Path,
                                                               tmp_path: Path) -> None:
    elsewhere = write_tiny_llama(tmp_path / "elsewhere" / "other.gguf")
    (models / "half.gguf.part").write_bytes(b"GGUF")
    listing = installed_models(models, extra_paths=[str(elsewhere), elsewhere])
    assert [m.path for m in listing] == [elsewhere]
    assert installed_models(tmp_path / "no such folder") == []


def test_a_renamed_whisper_copy_is_chosen_by_its_path(models: Path) -> None:
    write_fake_checkpoint(models / "whisper" / "tiny.pt", openai_dims("tiny"))
    copy = write_fake_checkpoint(models / "my-tiny.pt", openai_dims("tiny"))
    found = _by_name(installed_models(models))
    assert found["tiny.pt"].speech_name == "tiny"
    assert found["my-tiny.pt"].speech_name == str(copy)
    assert found["my-tiny.pt"].name == "Whisper tiny"


def test_the_real_checkpoint_is_listed_through_a_link(models: Path) -> None:
    if not REAL_TINY_EN.is_file():
        pytest.skip(f"the real Whisper checkpoint is not at {REAL_TINY_EN}")
    (models / "whisper").mkdir()
    (models / "whisper" / "tiny.en.pt").symlink_to(REAL_TINY_EN)
    [model] = installed_models(models)
    assert model.speech_name == "tiny.en" and model.size_bytes == REAL_TINY_EN.stat().st_size
    assert models_disk_usage(models) == 0  # a link takes no space in the folder


def test_disk_usage_counts_every_file_once(models: Path, tmp_path: Path) -> None:
    (models / "a").mkdir()
    (models / "a" / "one.gguf").write_bytes(b"x" * 1000)
    (models / "b.gguf.part").write_bytes(b"x" * 300)
    os.link(models / "a" / "one.gguf", models / "a" / "same.gguf")
    outside = tmp_path / "outside.gguf"
    outside.write_bytes(b"x" * 5000)
    (models / "linked.gguf").symlink_to(outside)
    assert models_disk_usage(models) == 1300
    assert models_disk_usage(tmp_path / "missing") == 0


# --- deleting -------------------------------------------------------------------------------


def _shared_pair(models: Path) -> tuple[Path, Path, Path]:
    """Two models in one folder that both take its one projector."""
    pair = write_tiny_vision_pair(models / "vision")
    twin = write_tiny_llama(models / "vision" / "tiny-vision-test-q8.gguf", seed=3)
    return pair.model, twin, pair.mmproj


def test_a_shared_projector_stays_until_its_last_model_goes(models: Path) -> None:
    model, twin, mmproj = _shared_pair(models)
    found = _by_name(installed_models(models))
    assert found[model.name].projector == found[twin.name].projector == mmproj

    assert delete_installed(found[model.name], models_dir=models) == [model]
    assert mmproj.exists() and twin.exists()
    [left] = installed_models(models)
    assert delete_installed(left, models_dir=models) == [twin, mmproj]
    assert not (models / "vision").exists() and models.is_dir()


def test_a_projector_can_be_kept(models: Path) -> None:
    pair = write_tiny_vision_pair(models / "vision")
    [model] = installed_models(models)
    assert delete_installed(model, with_projector=False, models_dir=models) == [pair.model]
    assert pair.mmproj.exists()


def test_a_whisper_checkpoint_and_its_empty_folder_go(models: Path) -> None:
    write_fake_checkpoint(models / "whisper" / "tiny.pt", openai_dims("tiny"))
    [model] = installed_models(models)
    assert delete_installed(model, models_dir=models) == [models / "whisper" / "tiny.pt"]
    assert list(models.iterdir()) == []


def test_a_model_outside_the_folder_is_only_forgotten(models: Path, tmp_path: Path) -> None:
    elsewhere = write_tiny_vision_pair(tmp_path / "elsewhere")
    [model] = installed_models(models, extra_paths=[elsewhere.model])
    assert delete_installed(model, models_dir=models) == []
    assert elsewhere.model.exists() and elsewhere.mmproj.exists()


def test_deleting_a_link_keeps_the_original(models: Path, tmp_path: Path) -> None:
    original = write_tiny_llama(tmp_path / "elsewhere" / "chat.gguf")
    (models / "chat").mkdir()
    link = models / "chat" / "chat.gguf"
    link.symlink_to(original)
    [model] = installed_models(models)
    assert delete_installed(model, models_dir=models) == [link]
    assert original.is_file() and not (models / "chat").exists()


def test_a_file_that_cannot_be_deleted_is_said(models: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    chat = write_tiny_llama(models / "locked" / "chat.gguf")
    [model] = installed_models(models)

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    with pytest.raises(ModelFileError, match=r"could not delete chat\.gguf \(Permission denied\)"):
        delete_installed(model, models_dir=models)
    monkeypatch.undo()
    assert chat.is_file()
