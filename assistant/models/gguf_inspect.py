"""Check a GGUF model file before llama.cpp ever sees it, and describe the model.

Model files are untrusted input. ``inspect_gguf`` reads the header (``gguf_header``: magic,
version, every metadata value, every tensor's place in the file, no tensor data) and turns
each problem a person can hit into one sentence that says what to do. It takes about a
tenth of a second on gemma-3-270m, whose vocabulary has 262,144 tokens.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gguf.constants import LlamaFileType

from assistant.core.i18n import translate
from assistant.models.gguf_header import (
    GGUFHeader,
    HeaderCorrupt,
    HeaderTruncated,
    NotGGUF,
    TensorEntry,
    UnknownTensorType,
    UnsupportedVersion,
    read_header,
)
from assistant.models.projector_meta import ProjectorMeta, read_projector_meta

_OLD_GGML_MAGICS = (b"lmgg", b"fmgg", b"tjgg")  # ggml, ggmf, ggjt: pre-GGUF llama.cpp files

class ModelFileError(Exception):
    """A model file Mosaic cannot use; ``str(exc)`` is one sentence a person can act on."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says about a model."""

    path: str
    file_size: int
    name: str
    architecture: str
    quantization: str
    context_length: int | None
    embedding_length: int | None
    block_count: int | None
    head_count: int | None
    head_count_kv: int | None
    parameter_count: int
    chat_template: str | None
    bos_token: str | None
    eos_token: str | None
    is_projector: bool
    key_length: int | None = None
    value_length: int | None = None
    add_bos_token: bool | None = None
    projector: ProjectorMeta | None = None  # set for vision projectors (mmproj files)

    def summary(self) -> str:
        """One line for people, e.g. "gemma-3-270m · gemma3 · Q4_K_M · 253 MB · 32k context"."""
        parts = [self.name, self.architecture, self.quantization, format_bytes(self.file_size)]
        if self.is_projector:
            parts.append(translate("ModelFile", "vision projector"))
        elif self.context_length:
            parts.append(translate("ModelFile", "{tokens} context").format(
                tokens=_format_context(self.context_length)))
        return " · ".join(parts)


def format_bytes(n: int) -> str:
    """Decimal units, as file managers show them: "253 MB", "9.1 GB" (the unit symbols are
    the same in every language we ship; only "bytes" is translated)."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1e6:.0f} MB"
    if n >= 1_000:
        return f"{n / 1e3:.0f} KB"
    return translate("ModelFile", "{count} bytes").format(count=n)


def _format_context(n: int) -> str:
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024}k"
    if n >= 10_000:
        return f"{round(n / 1000)}k"
    return str(n)


def inspect_gguf(path: str | Path) -> GGUFInfo:
    """Check a GGUF file's header and describe the model; raises ModelFileError."""
    path = Path(path)
    label = path.name or str(path)
    size = 0
    try:
        if path.is_dir():
            raise ModelFileError(translate(
                "ModelFile", "{path} is a folder, not a model file; pick a .gguf file.").format(
                path=path))
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ModelFileError(translate(
                    "ModelFile", "{file} is empty (0 bytes); the download or copy failed, so "
                    "download it again.").format(file=label))
            header = read_header(handle, size)
    except FileNotFoundError:
        raise ModelFileError(translate(
            "ModelFile", "The model file {path} does not exist; it may have been moved or "
            "deleted, so choose it again.").format(path=path)) from None
    except PermissionError:
        raise ModelFileError(translate(
            "ModelFile", "Mosaic is not allowed to read {file}; check the file's "
            "permissions.").format(file=label)) from None
    except OSError as exc:
        raise ModelFileError(translate(
            "ModelFile", "Mosaic could not read {file} ({reason}); check that the disk is "
            "attached and the file is readable.").format(
            file=label, reason=exc.strerror or exc)) from None
    except NotGGUF as exc:
        raise _not_gguf(label, exc.head) from None
    except UnsupportedVersion as exc:
        if exc.big_endian:
            raise ModelFileError(translate(
                "ModelFile", "{file} is a big-endian GGUF file, which this computer cannot "
                "run; download the standard (little-endian) version of the model.").format(
                file=label)) from None
        raise ModelFileError(translate(
            "ModelFile", "{file} uses GGUF version {version}, which Mosaic cannot read (it "
            "reads versions 2 and 3); download a current .gguf file of this model.").format(
            file=label, version=exc.version)) from None
    except HeaderTruncated:
        raise ModelFileError(translate(
            "ModelFile", "{file} is incomplete (it ends after {size} bytes, partway through "
            "its header): the download or copy was cut short; download it again.").format(
            file=label, size=f"{size:,}")) from None
    except HeaderCorrupt as exc:
        raise ModelFileError(translate(
            "ModelFile", "{file} is damaged ({reason}), so it cannot be loaded; download it "
            "again.").format(file=label, reason=exc)) from None
    except UnknownTensorType as exc:
        raise ModelFileError(translate(
            "ModelFile", "{file} stores weights in a format (type {type}) that this version "
            "of Mosaic does not know; update Mosaic or choose another quantization.").format(
            file=label, type=exc.raw_type)) from None
    if header.data_end > size:
        raise ModelFileError(translate(
            "ModelFile", "{file} is incomplete ({size} of {expected} bytes): the download or "
            "copy was cut short; download it again.").format(
            file=label, size=f"{size:,}", expected=f"{header.data_end:,}"))
    return _info(path, size, header)


def _not_gguf(label: str, head: bytes) -> ModelFileError:
    if head[:4] in _OLD_GGML_MAGICS:
        return ModelFileError(translate(
            "ModelFile", "{file} is an old GGML model file, which current llama.cpp cannot "
            "load; download the GGUF version of this model.").format(file=label))
    shown = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in head[:8])
    return ModelFileError(translate(
        "ModelFile", '{file} is not a GGUF model file (it starts with "{start}"); pick a '
        '.gguf file.').format(file=label, start=shown))


def _info(path: Path, size: int, header: GGUFHeader) -> GGUFInfo:
    meta = header.metadata
    arch = meta.get("general.architecture")
    if not isinstance(arch, str) or not arch.strip():
        raise ModelFileError(translate(
            "ModelFile", "{file} does not say which model architecture it is "
            "(general.architecture is missing), so it cannot be loaded; choose a model file "
            "from a trusted source.").format(file=path.name))
    arch = _clean(arch, 64)

    def number(key: str) -> int | None:
        value = meta.get(f"{arch}.{key}")
        if isinstance(value, list):  # per-layer values: the largest one sizes the cache
            value = max((v for v in value if isinstance(v, int)), default=None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None
        return value

    name = meta.get("general.name")
    template = meta.get("tokenizer.chat_template")
    add_bos = meta.get("tokenizer.ggml.add_bos_token")
    is_projector = meta.get("general.type") == "mmproj" or arch == "clip"
    return GGUFInfo(
        path=str(path),
        file_size=size,
        name=_clean(name, 200) if isinstance(name, str) and name.strip() else path.stem,
        architecture=arch,
        quantization=_quantization(meta.get("general.file_type"), header.tensors),
        context_length=number("context_length"),
        embedding_length=number("embedding_length"),
        block_count=number("block_count"),
        head_count=number("attention.head_count"),
        head_count_kv=number("attention.head_count_kv"),
        parameter_count=sum(t.n_elements for t in header.tensors),
        chat_template=template if isinstance(template, str) and template.strip() else None,
        bos_token=header.token_text(meta.get("tokenizer.ggml.bos_token_id")),
        eos_token=header.token_text(meta.get("tokenizer.ggml.eos_token_id")),
        is_projector=is_projector,
        key_length=number("attention.key_length"),
        value_length=number("attention.value_length"),
        add_bos_token=add_bos if isinstance(add_bos, bool) else None,
        projector=read_projector_meta(header) if is_projector else None,
    )


def _clean(text: str, limit: int) -> str:
    """Drop control characters from a header string and cap its length."""
    cleaned = "".join(ch for ch in text if ch.isprintable()).strip()
    return cleaned[:limit] or "unnamed"


def _quantization(file_type: Any, tensors: list[TensorEntry]) -> str:
    if isinstance(file_type, int) and not isinstance(file_type, bool):
        try:
            member = LlamaFileType(file_type)
        except ValueError:
            member = None
        if member is not None and member != LlamaFileType.GUESSED:
            return member.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    weights: Counter[str] = Counter()
    for tensor in tensors:
        weights[tensor.ggml_type.name] += tensor.n_elements
    return weights.most_common(1)[0][0] if weights else "unknown"


def estimate_memory_bytes(info: GGUFInfo, n_ctx: int) -> int:
    """Memory to run the model with ``n_ctx`` tokens of context: weights + f16 KV + ~10%."""
    n_layer = info.block_count or 32
    n_embd = info.embedding_length or 4096
    n_head = info.head_count or 0
    n_head_kv = info.head_count_kv if info.head_count_kv is not None else n_head
    if n_head and info.key_length and info.value_length:
        per_token_layer = n_head_kv * (info.key_length + info.value_length)
    elif n_head:
        per_token_layer = 2 * n_embd * n_head_kv // n_head
    else:
        per_token_layer = 2 * n_embd
    kv_cache = 0 if info.is_projector else n_layer * max(n_ctx, 0) * per_token_layer * 2
    return int((info.file_size + kv_cache) * 1.1)


def check_fits_memory(info: GGUFInfo, n_ctx: int, available_bytes: int | None) -> None:
    """Raise ModelFileError(too_large=True) when the model will not fit in free memory."""
    if available_bytes is None:
        return
    needed = estimate_memory_bytes(info, n_ctx)
    if needed > available_bytes:
        raise ModelFileError(translate(
            "ModelFile", "{name} needs about {needed} of memory but only {free} is free; "
            "close other programs, lower the context size, or choose a smaller "
            "quantization.").format(name=info.name, needed=format_bytes(needed),
                                    free=format_bytes(max(available_bytes, 0))),
            too_large=True)


def unsupported_architecture_message(info: GGUFInfo) -> str:
    """The sentence for a file whose header is fine but whose architecture llama.cpp lacks."""
    return translate("ModelFile", "{name} uses the '{architecture}' architecture, which this "
                     "version of llama.cpp cannot run; update Mosaic or choose another "
                     "model.").format(name=info.name, architecture=info.architecture)


__all__ = [
    "GGUFInfo",
    "ModelFileError",
    "check_fits_memory",
    "estimate_memory_bytes",
    "format_bytes",
    "inspect_gguf",
    "unsupported_architecture_message",
]
