"""The models installed on this machine, what they take on disk, and removing one.

``installed_models`` lists every GGUF language model under the models folder (and any
opened from elsewhere), each with the projector Mosaic would load with it, and every Whisper
checkpoint in the models folder and its ``whisper/`` sub-folder. It reads headers only (a
fraction of a second per model) and keeps no state, so it runs on a worker thread. A file
that cannot be used is listed with the sentence that says why (so it can be deleted), never
hidden.

Deleting touches the models folder only: a model that was opened from elsewhere is only
forgotten (``delete_installed`` returns ``[]`` and the caller drops it from its list), and
for a linked model only the link goes, never the original it points to.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.core.i18n import translate
from assistant.models.catalog import CatalogEntry, ModelKind, file_destination
from assistant.models.checkpoint_meta import read_whisper_checkpoint
from assistant.models.gguf_inspect import ModelFileError
from assistant.models.registry import find_local_models
from assistant.models.speech_models import find_whisper_checkpoint
from assistant.models.vision import inspect_vision_model

WHISPER_FOLDER = "whisper"


class CatalogLike(Protocol):
    """Anything with the catalog's entries (``catalog.Catalog``)."""

    @property
    def entries(self) -> Sequence[CatalogEntry]: ...


@dataclass(frozen=True)
class InstalledModel:
    """One installed model as the Models window shows it."""

    path: Path
    kind: ModelKind
    name: str
    family: str  # the catalog's family when it is a catalog model, else the architecture
    parameter_count: int | None
    quantization: str
    size_bytes: int  # the model file plus its projector
    context_length: int | None
    sees_images: bool
    projector: Path | None
    speech_name: str | None  # what Settings stores to choose this Whisper model
    problem: str | None  # why it cannot be used (one sentence), or None
    catalog_id: str | None  # the catalog entry whose download this file is


def installed_models(
    models_dir: Path,
    catalog: CatalogLike | None = None,
    extra_paths: Iterable[str | Path] = (),
    projector_choices: dict[str, str] | None = None,
) -> list[InstalledModel]:
    """Language models (by name), then Whisper checkpoints (by name).

    ``extra_paths`` are model files opened from elsewhere; ``projector_choices`` maps a
    model path to the projector the person chose for it (as in the settings).
    """
    models_dir = Path(models_dir)
    destinations = _catalog_destinations(models_dir, catalog)
    choices = projector_choices or {}
    language: list[InstalledModel] = []
    speech: list[InstalledModel] = []
    seen: set[str] = set()
    extras = [Path(p) for p in extra_paths]
    for path in [*find_local_models(models_dir), *extras]:
        key = os.path.abspath(path)
        if key in seen:
            continue
        seen.add(key)
        if path.suffix.lower() == ".pt":
            speech.append(_speech_model(path, models_dir, destinations))
        else:
            language.append(_language_model(path, choices.get(str(path)), destinations))
    for path in _whisper_files(models_dir):
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            speech.append(_speech_model(path, models_dir, destinations))
    language.sort(key=lambda m: (m.name.casefold(), str(m.path)))
    speech.sort(key=lambda m: (m.name.casefold(), str(m.path)))
    return language + speech


def _catalog_destinations(models_dir: Path,
                          catalog: CatalogLike | None) -> dict[str, CatalogEntry]:
    if catalog is None:
        return {}
    return {os.path.abspath(file_destination(models_dir, entry, entry.model_file)): entry
            for entry in catalog.entries}


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _language_model(path: Path, chosen: str | None,
                    destinations: dict[str, CatalogEntry]) -> InstalledModel:
    entry = destinations.get(os.path.abspath(path))
    try:
        setup = inspect_vision_model(str(path), chosen)
    except ModelFileError as exc:
        return _unusable(path, entry, ModelKind.CHAT, str(exc))
    info = setup.model
    if info.is_projector:
        return _unusable(path, entry, ModelKind.CHAT,
                         translate("ModelInventory", "{file} is a vision projector, not a "
                                   "language model; give it a name containing mmproj and put "
                                   "it beside its model.").format(file=path.name))
    projector = Path(setup.projector.path) if setup.projector else None
    return InstalledModel(
        path=path, kind=ModelKind.VISION if projector else ModelKind.CHAT,
        name=entry.name if entry else info.name,
        family=entry.family if entry else info.architecture,
        parameter_count=info.parameter_count, quantization=info.quantization,
        size_bytes=info.file_size + (setup.projector.file_size if setup.projector else 0),
        context_length=info.context_length, sees_images=projector is not None,
        projector=projector, speech_name=None, problem=setup.problem or None,
        catalog_id=entry.id if entry else None)


def _speech_model(path: Path, models_dir: Path,
                  destinations: dict[str, CatalogEntry]) -> InstalledModel:
    entry = destinations.get(os.path.abspath(path))
    try:
        info = read_whisper_checkpoint(path)
    except ModelFileError as exc:
        return _unusable(path, entry, ModelKind.SPEECH, str(exc))
    name = info.model_name
    # Settings names a Whisper model ("tiny.en") or a .pt path: the name when it finds this
    # very file, the path otherwise (a renamed or numbered copy, an unknown size).
    found = find_whisper_checkpoint(models_dir, name) if name else None
    same = found is not None and os.path.abspath(found) == os.path.abspath(path)
    return InstalledModel(
        path=path, kind=ModelKind.SPEECH,
        name=entry.name if entry else (f"Whisper {name}" if name else path.stem),
        family=entry.family if entry else "Whisper", parameter_count=info.parameter_count,
        quantization=info.precision, size_bytes=info.file_size, context_length=None,
        sees_images=False, projector=None, speech_name=name if same else str(path),
        problem=None, catalog_id=entry.id if entry else None)


def _unusable(path: Path, entry: CatalogEntry | None, kind: ModelKind,
              problem: str) -> InstalledModel:
    return InstalledModel(
        path=path, kind=entry.kind if entry else kind, name=entry.name if entry else path.stem,
        family=entry.family if entry else "", parameter_count=None, quantization="",
        size_bytes=_file_size(path), context_length=None, sees_images=False, projector=None,
        speech_name=None, problem=problem, catalog_id=entry.id if entry else None)


def _whisper_files(models_dir: Path) -> list[Path]:
    """``*.pt`` files in the models folder and its ``whisper/`` folder (not deeper)."""
    found: list[Path] = []
    for folder in (models_dir, models_dir / WHISPER_FOLDER):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.lower().endswith(".pt") and not entry.name.startswith("."):
                try:
                    if entry.is_file():
                        found.append(Path(entry.path))
                except OSError:
                    continue
    return found


def models_disk_usage(models_dir: Path) -> int:
    """Bytes the files under ``models_dir`` take (``.part`` files included).

    Links are not followed: a linked model takes no space here. A file hard-linked twice in
    the folder counts once.
    """
    total = 0
    seen: set[tuple[int, int]] = set()
    for root, _dirs, files in os.walk(models_dir, onerror=lambda _error: None):
        for name in files:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total


def delete_installed(
    model: InstalledModel,
    *,
    with_projector: bool = True,
    models_dir: Path,
    projector_choices: dict[str, str] | None = None,
) -> list[Path]:
    """Remove an installed model from the models folder; returns the paths removed.

    Removes the model file (for a link, just the link), its projector when
    ``with_projector`` and no other model in the projector's folder (or in
    ``projector_choices``) uses it, then the folders left empty, up to ``models_dir``. A model
    outside ``models_dir`` (opened from elsewhere) is never deleted: ``[]`` is returned and
    the caller only forgets it. Raises ModelFileError when a file cannot be removed.
    """
    models_dir = Path(models_dir)
    if not _inside(model.path, models_dir):
        return []
    projector = model.projector
    keep_projector = (projector is None or not with_projector
                      or not _inside(projector, models_dir)
                      or _used_by_another(projector, model.path, projector_choices or {}))
    removed: list[Path] = []
    for path in [model.path] if keep_projector else [model.path, projector]:
        assert path is not None
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ModelFileError(
                translate("ModelInventory", "Mosaic could not delete {file} ({reason}); check "
                          "the permissions of {folder}, or delete it yourself.").format(
                    file=path.name, reason=exc.strerror or exc, folder=path.parent)) from None
        removed.append(path)
    _remove_empty_folders(model.path.parent, models_dir)
    if projector is not None and not keep_projector:
        _remove_empty_folders(projector.parent, models_dir)
    return removed


def _used_by_another(projector: Path, model_path: Path, choices: dict[str, str]) -> bool:
    """Whether a model other than ``model_path`` loads ``projector`` (before any deletion)."""
    target = os.path.abspath(projector)
    for other, chosen in choices.items():
        if os.path.abspath(other) != os.path.abspath(model_path) \
                and os.path.abspath(chosen) == target and os.path.exists(other):
            return True
    for other in find_local_models(projector.parent):
        if other.parent != projector.parent or os.path.abspath(other) == os.path.abspath(
                model_path):
            continue
        try:
            setup = inspect_vision_model(str(other), choices.get(str(other)))
        except ModelFileError:
            continue
        if setup.projector is not None and os.path.abspath(setup.projector.path) == target:
            return True
    return False


def _remove_empty_folders(folder: Path, models_dir: Path) -> None:
    stop = os.path.abspath(models_dir)
    current = Path(os.path.abspath(folder))
    while str(current) != stop and _inside(current, models_dir):
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (by its own name: a link is not followed)."""
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))


@dataclass(frozen=True)
class LibraryScan:
    """What is installed, and the disk it takes."""

    models: tuple[InstalledModel, ...]
    disk_bytes: int


def scan_library(models_dir: Path, catalog: CatalogLike | None, extra: tuple[str, ...],
                 choices: dict[str, str]) -> LibraryScan:
    """Everything installed and the disk it takes (reads headers only; for a pool thread)."""
    models = installed_models(models_dir, catalog, extra_paths=extra, projector_choices=choices)
    return LibraryScan(tuple(models), models_disk_usage(models_dir))


__all__ = [
    "CatalogLike",
    "InstalledModel",
    "LibraryScan",
    "delete_installed",
    "installed_models",
    "models_disk_usage",
    "scan_library",
]
