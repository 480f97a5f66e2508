"""Bringing model files a person already has into the models folder.

``inspect_import`` says what a chosen file is (a GGUF language model, a vision projector, a
Whisper checkpoint) from its header alone, or why it cannot be imported, in one sentence.
``register_import`` then copies or links a batch of checked files to where Mosaic looks:

- a language model into ``models_dir/<model stem>/`` (numbered ``<stem>-2/`` … when that
  folder already holds a different file of the same name);
- a projector imported with models goes into the folder of the batch model whose embedding
  width it fits (vision models find their projector beside them); a projector imported on
  its own goes beside the one installed model it fits, or into ``models_dir/`` when none or
  several do;
- a Whisper checkpoint into ``models_dir/whisper/<model name>.pt`` (``tiny.en.pt``, …).

A copy is written to ``<name>.part``, fsynced and renamed into place, so a file at its final
name is always complete. A file already there (the same inode, or the same size and sha256)
is not copied again. Cancelling, or any failure, removes everything the call had written.
Meant for a worker thread: no global state, progress through the callback.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import shutil
import struct
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assistant.core.i18n import translate
from assistant.models.checkpoint_meta import looks_like_checkpoint, read_whisper_checkpoint
from assistant.models.gguf_inspect import ModelFileError, format_bytes, inspect_gguf
from assistant.models.registry import PROJECTOR_PREFIX, find_local_models
from assistant.models.vision import VisionFamily, vision_family

WHISPER_FOLDER = "whisper"
_CHUNK_BYTES = 8 << 20
_HEAD_BYTES = 64
_NAME_WORDS = re.compile(r"[a-z0-9]+")


class ImportKind(StrEnum):
    CHAT = "chat"  # a GGUF language model
    VISION_PROJECTOR = "mmproj"  # a GGUF vision projector (gives a language model sight)
    SPEECH = "speech"  # a Whisper .pt checkpoint


class ImportMode(StrEnum):
    COPY = "copy"  # a copy in the models folder (the original may then be deleted)
    LINK = "link"  # a symbolic link (or hard link) to the original, which must stay


@dataclass(frozen=True)
class ImportCandidate:
    """A checked file, ready to import."""

    source: Path
    kind: ImportKind
    name: str
    summary: str  # one line for the person, e.g. "Qwen2.5 0.5B Instruct · qwen2 · Q4_K_M · …"
    size_bytes: int
    destination_name: str  # the file name it gets in the models folder
    width: int | None = None  # embedding width (models) / output width (projectors)


def inspect_import(path: str | Path) -> ImportCandidate:
    """What the file at ``path`` would be imported as; raises ModelFileError (one sentence)."""
    path = Path(path)
    label = path.name or str(path)
    if path.is_dir():
        raise ModelFileError(translate("ModelImport", "{path} is a folder; choose the model "
                                       "file inside it (a .gguf or .pt file).").format(path=path))
    if path.name.lower().endswith(".part"):
        raise ModelFileError(translate("ModelImport", "{file} is an unfinished download; let "
                                       "the download finish (or download the model again), "
                                       "then import the finished file.").format(file=label))
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise ModelFileError(translate("ModelImport", "{path} does not exist; it may have been "
                                       "moved or deleted, so choose it again.").format(
                                           path=path)) from None
    except PermissionError:
        raise ModelFileError(translate("ModelImport", "Mosaic is not allowed to read {file}; "
                                       "check the file's permissions.").format(
                                           file=label)) from None
    except OSError as exc:
        raise ModelFileError(translate("ModelImport", "Mosaic could not read {file} ({reason}); "
                                       "check that the disk is attached and the file is "
                                       "readable.").format(
                                           file=label, reason=exc.strerror or exc)) from None
    if size == 0:
        raise ModelFileError(translate("ModelImport", "{file} is empty (0 bytes); the download "
                                       "or copy failed, so get the file again.").format(
                                           file=label))
    if head[:4] == b"GGUF":
        return _gguf_candidate(path)
    if looks_like_checkpoint(head):
        if head.startswith(b"PK") and not _is_torch_zip(path):
            raise ModelFileError(translate("ModelImport", "{file} is a zip archive, not a model "
                                           "file; unpack it and import the .gguf or .pt file "
                                           "inside.").format(file=label))
        return _speech_candidate(path)
    if path.suffix.lower() == ".gguf" and head[:4] in (b"lmgg", b"fmgg", b"tjgg"):
        inspect_gguf(path)  # raises the sentence for old GGML files
    raise ModelFileError(_not_a_model(label, head, size))


def _gguf_candidate(path: Path) -> ImportCandidate:
    info = inspect_gguf(path)
    if not info.is_projector:
        name = re.sub(rf"(?i){PROJECTOR_PREFIX}[-_.]?", "", path.stem).strip("-_. ")
        return ImportCandidate(
            source=path, kind=ImportKind.CHAT, name=info.name, summary=info.summary(),
            size_bytes=info.file_size, destination_name=f"{name or 'model'}.gguf",
            width=info.embedding_length)
    meta = info.projector
    assert meta is not None
    if not meta.has_vision:
        raise ModelFileError(translate("ModelImport", "{file} is an audio projector; Mosaic "
                                       "imports vision projectors only, so choose the vision "
                                       "mmproj file of your model.").format(file=path.name))
    damage = meta.damage()
    if damage:
        raise ModelFileError(translate("ModelImport", "{file} is damaged ({damage}), so "
                                       "llama.cpp cannot use it; download the mmproj file "
                                       "again.").format(file=path.name, damage=damage))
    family = vision_family(meta)
    named = family is not VisionFamily.OTHER
    if meta.output_width:
        summary = (translate("ModelImport", "vision projector for {width}-wide models "
                             "({family})") if named
                   else translate("ModelImport", "vision projector for {width}-wide models"))
    else:
        summary = (translate("ModelImport", "vision projector ({family})") if named
                   else translate("ModelImport", "vision projector"))
    summary = summary.format(width=meta.output_width, family=family.value)
    stem = path.stem if PROJECTOR_PREFIX in path.stem.lower() else f"mmproj-{path.stem}"
    return ImportCandidate(
        source=path, kind=ImportKind.VISION_PROJECTOR, name=info.name,
        summary=f"{summary} · {format_bytes(info.file_size)}", size_bytes=info.file_size,
        destination_name=f"{stem}.gguf", width=meta.output_width)


def _speech_candidate(path: Path) -> ImportCandidate:
    info = read_whisper_checkpoint(path)
    name = info.model_name
    return ImportCandidate(
        source=path, kind=ImportKind.SPEECH,
        name=f"Whisper {name}" if name else path.stem, summary=info.summary(),
        size_bytes=info.file_size, destination_name=f"{name or path.stem}.pt")


def _is_torch_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.count("/") == 1 and n.endswith("/data.pkl") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return True  # let the checkpoint reader say what is wrong with it


_IMAGE_MAGICS = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"),
                 (b"BM", "BMP"))


def _not_a_model(label: str, head: bytes, size: int) -> str:
    """The sentence for a file that is none of the three kinds, naming what it is."""
    image = next((kind for magic, kind in _IMAGE_MAGICS if head.startswith(magic)), None)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        image = "WebP"
    if image:
        return translate("ModelImport", "{file} is an image ({format}), not a model file; "
                         "choose a .gguf model, an mmproj .gguf projector or a Whisper .pt "
                         "checkpoint.").format(file=label, format=image)
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return translate("ModelImport", "{file} is a sound recording (WAV), not a model file; "
                         "choose a .gguf model, an mmproj .gguf projector or a Whisper .pt "
                         "checkpoint.").format(file=label)
    if head.startswith(b"%PDF"):
        return translate("ModelImport", "{file} is a PDF document, not a model file; choose a "
                         ".gguf model, an mmproj .gguf projector or a Whisper .pt "
                         "checkpoint.").format(file=label)
    if len(head) >= 10 and head[8:10] in (b'{"', b"{'") \
            and struct.unpack("<Q", head[:8])[0] < size:
        return translate("ModelImport", "{file} is a safetensors file, which llama.cpp cannot "
                         "run; convert it to GGUF first (llama.cpp's convert_hf_to_gguf.py) or "
                         "download a GGUF version of the model.").format(file=label)
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        return translate("ModelImport", "{file} is a web page, not a model file (a download "
                         "that saved an error or login page); download the model "
                         "again.").format(file=label)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return translate("ModelImport", "{file} is a text file, not a model file; choose a "
                         ".gguf model, an mmproj .gguf projector or a Whisper .pt "
                         "checkpoint.").format(file=label)
    shown = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in head[:8])
    return translate("ModelImport", '{file} is not a model file Mosaic can import (it starts '
                     'with "{start}"); choose a .gguf model, an mmproj .gguf projector or a '
                     "Whisper .pt checkpoint.").format(file=label, start=shown)


# --- registering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    candidate: ImportCandidate
    destination: Path
    present: bool  # already there (the same file): nothing to write


def register_import(
    candidates: Sequence[ImportCandidate],
    models_dir: Path,
    mode: ImportMode,
    on_progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """Copy or link ``candidates`` into ``models_dir``; returns where each one now is.

    ``on_progress(done_bytes, total_bytes)`` is called as the copy goes (a link counts its
    file's size at once). When ``cancelled()`` turns true, or anything fails, every file and
    folder this call created is removed: a cancelled call returns ``[]``, a failed one raises
    ModelFileError with one sentence.
    """
    models_dir = Path(models_dir)
    is_cancelled = cancelled or (lambda: False)
    steps = _plan(candidates, models_dir, is_cancelled)
    to_write = [step for step in steps if not step.present]
    total = sum(step.candidate.size_bytes for step in to_write)
    if mode is ImportMode.COPY:
        _check_free_space(models_dir, total)
    progress = on_progress or (lambda _done, _total: None)
    progress(0, total)
    written: list[Path] = []
    created: list[Path] = []
    done = 0
    try:
        for step in to_write:
            if is_cancelled():
                raise _Cancelled
            created += _make_folders(step.destination.parent)
            if mode is ImportMode.COPY:
                done = _copy(step, done, total, progress, is_cancelled, written)
            else:
                _link(step.candidate.source, step.destination)
                written.append(step.destination)
                done += step.candidate.size_bytes
                progress(done, total)
    except _Cancelled:
        _undo(written, created)
        return []
    except BaseException:
        _undo(written, created)
        raise
    progress(total, total)
    return [step.destination for step in steps]


class _Cancelled(Exception):
    pass


def _plan(candidates: Sequence[ImportCandidate], models_dir: Path,
          cancelled: Callable[[], bool]) -> list[_Step]:
    """Where each candidate goes, in the order given."""
    taken: set[Path] = set()
    model_folders: dict[int, Path] = {}  # index of a batch model → its folder
    steps: dict[int, _Step] = {}
    order = sorted(range(len(candidates)),
                   key=lambda i: candidates[i].kind is ImportKind.VISION_PROJECTOR)
    for index in order:
        candidate = candidates[index]
        if _inside(candidate.source, models_dir):  # already in the models folder: stays put
            steps[index] = _Step(candidate, candidate.source, present=True)
            model_folders[index] = candidate.source.parent
            continue
        if candidate.kind is ImportKind.CHAT:
            stem = Path(candidate.destination_name).stem
            step = _free_spot(candidate, (models_dir / _numbered(stem, n) / candidate.
                                          destination_name for n in itertools.count(1)),
                              taken, cancelled)
            model_folders[index] = step.destination.parent
        elif candidate.kind is ImportKind.SPEECH:
            step = _free_spot(candidate, _numbered_files(models_dir / WHISPER_FOLDER,
                                                         candidate.destination_name),
                              taken, cancelled)
        else:
            folder = _projector_folder(candidate, candidates, model_folders, models_dir)
            step = _free_spot(candidate, _numbered_files(folder, candidate.destination_name),
                              taken, cancelled)
        taken.add(step.destination)
        steps[index] = step
    return [steps[i] for i in range(len(candidates))]


def _projector_folder(projector: ImportCandidate, batch: Sequence[ImportCandidate],
                      model_folders: dict[int, Path], models_dir: Path) -> Path:
    """Beside the batch model it fits (named most like it); else beside the one installed
    model it fits; else the models folder itself."""
    words = _words(projector.destination_name)
    fitting = [(len(words & _words(batch[i].destination_name)), -i, folder)
               for i, folder in model_folders.items()
               if batch[i].kind is ImportKind.CHAT and projector.width
               and batch[i].width == projector.width]
    if fitting:
        return max(fitting)[2]
    installed = []
    for path in find_local_models(models_dir):
        try:
            info = inspect_gguf(path)
        except ModelFileError:
            continue
        if projector.width and info.embedding_length == projector.width:
            installed.append(path)
    return installed[0].parent if len(installed) == 1 else models_dir


def _free_spot(candidate: ImportCandidate, places: Iterator[Path], taken: set[Path],
               cancelled: Callable[[], bool]) -> _Step:
    """The first place that is free, or that already holds this very file."""
    for place in places:
        if place in taken:
            continue
        if not os.path.lexists(place):
            return _Step(candidate, place, present=False)
        if _same_file(candidate.source, place, cancelled):
            return _Step(candidate, place, present=True)
    raise AssertionError("unreachable: the places never run out")


def _numbered(stem: str, n: int) -> str:
    return stem if n == 1 else f"{stem}-{n}"


def _numbered_files(folder: Path, name: str) -> Iterator[Path]:
    stem, suffix = Path(name).stem, Path(name).suffix
    return (folder / f"{_numbered(stem, n)}{suffix}" for n in itertools.count(1))


def _same_file(source: Path, existing: Path, cancelled: Callable[[], bool]) -> bool:
    try:
        if os.path.samefile(source, existing):
            return True
        if source.stat().st_size != existing.stat().st_size:
            return False
        return _sha256(source, cancelled) == _sha256(existing, cancelled)
    except OSError:
        return False


def _sha256(path: Path, cancelled: Callable[[], bool]) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            if cancelled():
                raise _Cancelled
            digest.update(chunk)
    return digest.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    except ValueError:
        return False


def _words(name: str) -> set[str]:
    return set(_NAME_WORDS.findall(Path(name).stem.lower())) - {PROJECTOR_PREFIX, "gguf"}


def _nearest_existing(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def _check_free_space(models_dir: Path, needed: int) -> None:
    if needed <= 0:
        return
    where = _nearest_existing(models_dir)
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return
    if free < needed:
        raise ModelFileError(
            translate("ModelImport", "Importing needs {needed} but only {free} is free on "
                      "{where}; free some space, or link the files instead of copying "
                      "them.").format(needed=format_bytes(needed), free=format_bytes(free),
                                      where=where))


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns the ones created, deepest last."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(exc, folder.name, folder) from None
    return missing


def _copy(step: _Step, done: int, total: int, progress: Callable[[int, int], None],
          cancelled: Callable[[], bool], written: list[Path]) -> int:
    """Copy one file through ``<name>.part``; returns the bytes done so far."""
    source, destination = step.candidate.source, step.destination
    part = destination.with_name(destination.name + ".part")
    try:
        with source.open("rb") as reader:
            written.append(part)
            with part.open("wb") as writer:
                while chunk := reader.read(_CHUNK_BYTES):
                    if cancelled():
                        raise _Cancelled
                    writer.write(chunk)
                    done += len(chunk)
                    progress(min(done, total), total)
                writer.flush()
                os.fsync(writer.fileno())
        os.replace(part, destination)
        written[-1] = destination
    except FileNotFoundError as exc:
        if exc.filename and Path(exc.filename) == source:
            raise ModelFileError(translate("ModelImport", "{file} is no longer at {folder}; "
                                           "choose it again.").format(
                                               file=source.name, folder=source.parent)) from None
        raise _write_error(exc, source.name, destination.parent) from None
    except OSError as exc:
        raise _write_error(exc, source.name, destination.parent) from None
    return done


def _link(source: Path, destination: Path) -> None:
    try:
        os.symlink(source.resolve(), destination)
        return
    except OSError:
        pass
    try:
        os.link(source, destination)
    except OSError as exc:
        raise ModelFileError(
            translate("ModelImport", "Mosaic could not link {file} into {folder} ({reason}); "
                      "import a copy instead.").format(
                file=source.name, folder=destination.parent,
                reason=exc.strerror or exc)) from None


def _write_error(exc: OSError, name: str, folder: Path) -> ModelFileError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ModelFileError(translate("ModelImport", "The disk holding {folder} is full, so "
                                        "{file} could not be imported; free some space, or "
                                        "link the file instead of copying it.").format(
                                            folder=folder, file=name))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ModelFileError(translate("ModelImport", "Mosaic is not allowed to write in "
                                        "{folder}; check the folder's permissions or choose "
                                        "another models folder.").format(folder=folder))
    return ModelFileError(translate("ModelImport", "Mosaic could not import {file} into "
                                    "{folder} ({reason}); check the disk and try again.").format(
                                        file=name, folder=folder, reason=exc.strerror or exc))


def _undo(written: list[Path], created: list[Path]) -> None:
    """Remove what an unfinished import wrote: its files, then the folders it made."""
    for path in written:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            continue


__all__ = [
    "WHISPER_FOLDER",
    "ImportCandidate",
    "ImportKind",
    "ImportMode",
    "inspect_import",
    "register_import",
]
