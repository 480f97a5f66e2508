"""The catalog of recommended models shipped in ``resources/catalog/models.json``.

Each entry names the files to download: from a model hub (``repo`` + ``filename``, at the
hub endpoint the person chose) or from a fixed address (``url``, e.g. OpenAI's Whisper
checkpoints). A file whose ``sha256`` is pinned here is checked against it; otherwise the
checksum the hub publishes for the file is used. ``size_bytes`` is always given (exact when
``size_exact``) so the fit and free-disk checks work before anything is fetched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assistant.core.settings import WHISPER_MODELS
from assistant.resources import resources_dir

CATALOG_SCHEMA = 1


class ModelKind(StrEnum):
    CHAT = "chat"
    VISION = "vision"  # a chat model that also sees images (it comes with an mmproj)
    SPEECH = "speech"  # a Whisper checkpoint


class FileRole(StrEnum):
    MODEL = "model"
    MMPROJ = "mmproj"  # the vision projector that goes with a vision model


@dataclass(frozen=True)
class CatalogFile:
    """One file of a catalog entry and where it comes from."""

    role: FileRole
    filename: str  # the name it is saved under (and, for hub files, its name in the repo)
    size_bytes: int  # exact when size_exact, else the best estimate
    repo: str | None = None  # "owner/name" on the hub (with filename); or…
    url: str | None = None  # …a fixed https address
    revision: str = "main"
    sha256: str | None = None  # pinned checksum (lowercase hex), else the hub's is used
    size_exact: bool = False


@dataclass(frozen=True)
class CatalogEntry:
    """One recommended model."""

    id: str
    name: str
    kind: ModelKind
    family: str
    parameters: int  # the model's headline parameter count (vision: with its image encoder)
    quantization: str  # e.g. "Q4_K_M", "Q8_0", "F16" (fp16 Whisper checkpoints)
    license: str
    files: tuple[CatalogFile, ...]
    min_ram_bytes: int  # total memory for a comfortable fit (machine_fit's estimate / 0.7)
    context_length: int  # the context the model was trained for
    kv_bytes_per_token: int  # f16 KV cache per token of context (0 for speech)
    notes: str = ""
    languages: tuple[str, ...] = ()  # speech: "en" for .en models, empty = multilingual

    @property
    def model_file(self) -> CatalogFile:
        return next(f for f in self.files if f.role is FileRole.MODEL)

    @property
    def projector_file(self) -> CatalogFile | None:
        return next((f for f in self.files if f.role is FileRole.MMPROJ), None)

    @property
    def download_bytes(self) -> int:
        return sum(f.size_bytes for f in self.files)

    @property
    def speech_name(self) -> str | None:
        """The Whisper name a speech entry is chosen by in Settings ("base.en", "turbo")."""
        return self.id.removeprefix("whisper-") if self.kind is ModelKind.SPEECH else None


def file_destination(models_dir: Path, entry: CatalogEntry, file: CatalogFile) -> Path:
    """Where a downloaded file goes: Whisper checkpoints in ``whisper/`` (where speech looks
    for them), every other entry in a folder of its own (a model beside its mmproj)."""
    folder = models_dir / ("whisper" if entry.kind is ModelKind.SPEECH else entry.id)
    return folder / file.filename


class CatalogError(Exception):
    """The catalog file cannot be used; ``str()`` is one sentence naming the entry and field."""

    def __init__(self, message: str, *, entry_id: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.entry_id = entry_id
        self.field = field


@dataclass(frozen=True)
class Catalog:
    """The parsed catalog, entries in file order."""

    entries: tuple[CatalogEntry, ...]

    def by_id(self, entry_id: str) -> CatalogEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def of_kind(self, kind: ModelKind) -> list[CatalogEntry]:
        return [e for e in self.entries if e.kind is kind]


def default_catalog_path() -> Path:
    return resources_dir() / "catalog" / "models.json"


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog at ``path`` (default: the one shipped with Mosaic); CatalogError if unusable."""
    path = path or default_catalog_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"The model catalog {path} is missing; reinstall Mosaic.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"The model catalog {path} cannot be read ({exc}); "
                           "reinstall Mosaic.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"The model catalog {path} is not valid JSON (line {exc.lineno}, "
                           f"column {exc.colno}); reinstall Mosaic.") from None
    return parse_catalog(data)


# --- validation ---------------------------------------------------------------------------

_ID = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
_REVISION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MISSING = object()

_ENTRY_FIELDS = {
    "id": str, "name": str, "kind": str, "family": str, "parameters": int,
    "quantization": str, "license": str, "files": list, "min_ram_bytes": int,
    "context_length": int, "kv_bytes_per_token": int,
}
_ENTRY_OPTIONAL = {"notes": str, "languages": list}
_FILE_FIELDS = {"role": str, "filename": str, "size_bytes": int}
_FILE_OPTIONAL = {"repo": str, "url": str, "revision": str, "sha256": str, "size_exact": bool}
_TYPE_NAMES = {str: "text", int: "a whole number", list: "a list", bool: "true or false"}


def parse_catalog(data: object) -> Catalog:
    """Check ``data`` (the decoded JSON) strictly and build the Catalog; CatalogError if not."""
    if not isinstance(data, dict):
        raise CatalogError("The model catalog must be a JSON object with \"schema\" and "
                           "\"models\".")
    schema = data.get("schema")
    if schema != CATALOG_SCHEMA or isinstance(schema, bool):
        raise CatalogError(f"The model catalog has schema {schema!r}, but this Mosaic reads "
                           f"schema {CATALOG_SCHEMA}; update Mosaic or use a matching catalog.",
                           field="schema")
    models = data.get("models")
    if not isinstance(models, list):
        raise CatalogError("The model catalog has no \"models\" list.", field="models")
    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(models):
        entry = _parse_entry(raw, index)
        if entry.id in seen:
            raise CatalogError(f"The model catalog lists the id \"{entry.id}\" twice; each "
                               "entry needs its own id.", entry_id=entry.id, field="id")
        seen.add(entry.id)
        entries.append(entry)
    return Catalog(tuple(entries))


def _fail(label: str, message: str, entry_id: str | None, field: str | None) -> CatalogError:
    return CatalogError(f"Catalog entry {label} {message}.", entry_id=entry_id, field=field)


def _take(raw: dict[str, Any], name: str, kind: type, label: str, entry_id: str | None,
          *, required: bool) -> Any:
    value = raw.get(name, _MISSING)
    if value is _MISSING:
        if required:
            raise _fail(label, f"has no \"{name}\" field", entry_id, name)
        return None
    ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not ok:
        raise _fail(label, f"has \"{name}\" = {value!r}, which should be "
                    f"{_TYPE_NAMES[kind]}", entry_id, name)
    if kind is str and not value.strip():
        raise _fail(label, f"has an empty \"{name}\"", entry_id, name)
    return value


def _parse_entry(raw: object, index: int) -> CatalogEntry:
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise _fail(label, "is not a JSON object", None, None)
    entry_id = raw.get("id")
    if isinstance(entry_id, str) and entry_id:
        label = f"\"{entry_id}\""
    else:
        entry_id = None
    unknown = sorted(set(raw) - set(_ENTRY_FIELDS) - set(_ENTRY_OPTIONAL))
    if unknown:
        raise _fail(label, f"has an unknown field \"{unknown[0]}\"", entry_id, unknown[0])
    values = {name: _take(raw, name, kind, label, entry_id, required=True)
              for name, kind in _ENTRY_FIELDS.items()}
    values.update({name: _take(raw, name, kind, label, entry_id, required=False)
                   for name, kind in _ENTRY_OPTIONAL.items()})
    if not _ID.fullmatch(values["id"]):
        raise _fail(label, "has an id that is not lowercase letters, digits, \".\" and \"-\"",
                    entry_id, "id")
    try:
        kind = ModelKind(values["kind"])
    except ValueError:
        raise _fail(label, f"has kind \"{values['kind']}\"; use chat, vision or speech",
                    entry_id, "kind") from None
    for name in ("parameters", "min_ram_bytes", "context_length"):
        if values[name] <= 0:
            raise _fail(label, f"has \"{name}\" = {values[name]}, which must be above 0",
                        entry_id, name)
    if values["kv_bytes_per_token"] < 0 or (kind is not ModelKind.SPEECH
                                            and values["kv_bytes_per_token"] == 0):
        raise _fail(label, "has no usable \"kv_bytes_per_token\" (above 0; 0 only for speech)",
                    entry_id, "kv_bytes_per_token")
    if kind is ModelKind.SPEECH and values["id"].removeprefix("whisper-") not in WHISPER_MODELS:
        raise _fail(label, "is a speech entry whose id is not \"whisper-\" and a Whisper name "
                    f"({', '.join(WHISPER_MODELS)})", entry_id, "id")
    languages = values["languages"] or []
    if not all(isinstance(code, str) and code.strip() for code in languages):
        raise _fail(label, "has \"languages\" that are not all language codes", entry_id,
                    "languages")
    files = tuple(_parse_file(f, label, entry_id, kind, n) for n, f in enumerate(values["files"]))
    roles = [f.role for f in files]
    if roles.count(FileRole.MODEL) != 1:
        raise _fail(label, f"has {roles.count(FileRole.MODEL)} model files; it needs exactly one",
                    entry_id, "files")
    projectors = roles.count(FileRole.MMPROJ)
    if kind is ModelKind.VISION and projectors != 1:
        raise _fail(label, f"is a vision model with {projectors} mmproj files; it needs exactly "
                    "one (its vision projector)", entry_id, "files")
    if kind is not ModelKind.VISION and projectors:
        raise _fail(label, f"is a {kind} model with an mmproj file; only vision models have one",
                    entry_id, "files")
    names = [f.filename for f in files]
    if len(set(names)) != len(names):
        raise _fail(label, "names the same file twice", entry_id, "files")
    return CatalogEntry(
        id=values["id"], name=values["name"], kind=kind, family=values["family"],
        parameters=values["parameters"], quantization=values["quantization"],
        license=values["license"], files=files, min_ram_bytes=values["min_ram_bytes"],
        context_length=values["context_length"],
        kv_bytes_per_token=values["kv_bytes_per_token"], notes=values["notes"] or "",
        languages=tuple(languages))


def _parse_file(raw: object, label: str, entry_id: str | None, kind: ModelKind,
                index: int) -> CatalogFile:
    if not isinstance(raw, dict):
        raise _fail(label, f"has file #{index + 1} that is not a JSON object", entry_id, "files")
    unknown = sorted(set(raw) - set(_FILE_FIELDS) - set(_FILE_OPTIONAL))
    if unknown:
        raise _fail(label, f"has a file with an unknown field \"{unknown[0]}\"", entry_id,
                    unknown[0])
    v = {name: _take(raw, name, t, label, entry_id, required=True)
         for name, t in _FILE_FIELDS.items()}
    v.update({name: _take(raw, name, t, label, entry_id, required=False)
              for name, t in _FILE_OPTIONAL.items()})
    try:
        role = FileRole(v["role"])
    except ValueError:
        raise _fail(label, f"has a file with role \"{v['role']}\"; use model or mmproj",
                    entry_id, "role") from None
    filename: str = v["filename"]
    if ("/" in filename or "\\" in filename or filename in {".", ".."} or ".." in filename
            or filename.startswith(".") or filename != filename.strip()):
        raise _fail(label, f"has the file name \"{filename}\", which must be a plain name "
                    "(no folders, no \"..\")", entry_id, "filename")
    suffix = ".pt" if kind is ModelKind.SPEECH else ".gguf"
    if not filename.endswith(suffix):
        raise _fail(label, f"has the file name \"{filename}\", which should end in {suffix}",
                    entry_id, "filename")
    if role is FileRole.MMPROJ and "mmproj" not in filename.lower():
        raise _fail(label, f"has the projector \"{filename}\" whose name lacks \"mmproj\" "
                    "(Mosaic finds projectors by it)", entry_id, "filename")
    if v["size_bytes"] <= 0:
        raise _fail(label, f"has \"{filename}\" with size_bytes {v['size_bytes']}, which must "
                    "be above 0", entry_id, "size_bytes")
    repo, url = v["repo"], v["url"]
    if (repo is None) == (url is None):
        raise _fail(label, f"has \"{filename}\" with {'both' if repo else 'neither'} \"repo\" "
                    "and \"url\"; give exactly one", entry_id, "url" if repo else "repo")
    if repo is not None and not _REPO.fullmatch(repo):
        raise _fail(label, f"has the repo \"{repo}\", which should be \"owner/name\"",
                    entry_id, "repo")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url):
            raise _fail(label, f"has the address \"{url}\", which should be an https:// "
                        "address", entry_id, "url")
    revision = v["revision"] if v["revision"] is not None else "main"
    if not _REVISION.fullmatch(revision):
        raise _fail(label, f"has the revision \"{revision}\", which should be a branch, tag "
                    "or commit", entry_id, "revision")
    sha256 = v["sha256"]
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        raise _fail(label, f"has \"{filename}\" with a sha256 that is not 64 lowercase hex "
                    "digits", entry_id, "sha256")
    return CatalogFile(role=role, filename=filename, size_bytes=v["size_bytes"], repo=repo,
                       url=url, revision=revision, sha256=sha256,
                       size_exact=bool(v["size_exact"]))


__all__ = ["CATALOG_SCHEMA", "Catalog", "CatalogEntry", "CatalogError", "CatalogFile",
           "FileRole", "ModelKind", "default_catalog_path", "file_destination", "load_catalog",
           "parse_catalog"]
