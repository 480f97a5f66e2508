"""The catalog of recommended models shipped in ``resources/catalog/models.json``.

Each entry names the files to download: from a model hub (``repo`` + ``filename``, at the
hub endpoint the person chose) or from a fixed address (``url``, e.g. OpenAI's Whisper
checkpoints). A file whose ``sha256`` is pinned here is checked against it; otherwise the
checksum the hub publishes for the file is used. ``size_bytes`` is always given (exact when
``size_exact``) so the fit and free-disk checks work before anything is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


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
    parameters: int  # parameter count of the language (or speech) model
    quantization: str  # e.g. "Q4_K_M", "Q8_0", "F16" (fp16 Whisper checkpoints)
    license: str
    files: tuple[CatalogFile, ...]
    min_ram_bytes: int
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


def file_destination(models_dir: Path, entry: CatalogEntry, file: CatalogFile) -> Path:
    """Where a downloaded file goes: Whisper checkpoints in ``whisper/`` (where speech looks
    for them), every other entry in a folder of its own (a model beside its mmproj)."""
    folder = models_dir / ("whisper" if entry.kind is ModelKind.SPEECH else entry.id)
    return folder / file.filename
