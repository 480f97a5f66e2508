"""Byte-level reading of a GGUF header: metadata and tensor descriptions, no tensor data.

Parsed with ``struct`` from plain file reads, using the ``gguf`` package's constants. Not a
memory map: a mapped file that shrinks while it is read (a download being replaced) ends
the process with SIGBUS instead of raising an error. Not ``gguf.GGUFReader`` either: it
builds a numpy view for every string of the vocabulary, which takes over 30 seconds on a
262k-token vocabulary; this reader walks the same bytes in about a tenth of a second and
keeps only the values worth keeping. Every count and length in the file is checked against
the file's size before it is trusted. ``gguf_inspect`` turns the exceptions into sentences.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from gguf.constants import (
    GGML_QUANT_SIZES,
    GGUF_DEFAULT_ALIGNMENT,
    GGUF_MAGIC,
    GGMLQuantizationType,
    GGUFValueType,
)

SUPPORTED_VERSIONS = (2, 3)
MAX_HEADER_BYTES = 256_000_000  # real headers, 262k-token vocabularies included, stay < 30 MB
TOKENS_KEY = "tokenizer.ggml.tokens"
_MAX_DIMS = 4  # GGML_MAX_DIMS: llama.cpp rejects tensors with more dimensions
_MAX_NESTING = 8
_MAX_KEPT_STRING = 8 * 1024 * 1024  # longer metadata strings are stepped over, not decoded
_MAX_KEPT_ARRAY = 4096  # longer arrays are stepped over (the token list excepted)
_FIRST_READ = 1024 * 1024

_SCALARS: dict[int, struct.Struct] = {
    vtype: struct.Struct("<" + code) for vtype, code in (
        (GGUFValueType.UINT8, "B"), (GGUFValueType.INT8, "b"), (GGUFValueType.UINT16, "H"),
        (GGUFValueType.INT16, "h"), (GGUFValueType.UINT32, "I"), (GGUFValueType.INT32, "i"),
        (GGUFValueType.FLOAT32, "f"), (GGUFValueType.BOOL, "?"), (GGUFValueType.UINT64, "Q"),
        (GGUFValueType.INT64, "q"), (GGUFValueType.FLOAT64, "d"))
}
_U32 = _SCALARS[GGUFValueType.UINT32]
_U64 = _SCALARS[GGUFValueType.UINT64]


class HeaderTruncated(Exception):
    """The header runs past the end of the file."""


class HeaderCorrupt(Exception):
    """The header is not valid GGUF; ``str(exc)`` says what is wrong, in a few words."""


class NotGGUF(Exception):
    """The file does not start with the GGUF magic; ``head`` holds its first bytes."""

    def __init__(self, head: bytes) -> None:
        super().__init__(head)
        self.head = head


class UnsupportedVersion(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version
        self.big_endian = version != 0 and version & 0xFFFF == 0


class UnknownTensorType(Exception):
    def __init__(self, raw_type: int) -> None:
        super().__init__(raw_type)
        self.raw_type = raw_type


@dataclass(frozen=True)
class TensorEntry:
    name: str
    ggml_type: GGMLQuantizationType
    n_elements: int
    n_bytes: int
    offset: int
    shape: tuple[int, ...] = ()  # GGML order: ne[0] (the fastest-moving) first


@dataclass(frozen=True)
class StringArray:
    """Where each string of a metadata array starts (decoded only when asked for)."""

    offsets: list[int]


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    tensors: list[TensorEntry]
    data_end: int  # the file size the header promises: the end of the last tensor's data
    _raw: bytearray = field(repr=False, compare=False)

    def token_text(self, token_id: Any) -> str | None:
        """The vocabulary's string for ``token_id``, or None when there is no such token."""
        tokens = self.metadata.get(TOKENS_KEY)
        if (not isinstance(tokens, StringArray) or isinstance(token_id, bool)
                or not isinstance(token_id, int) or not 0 <= token_id < len(tokens.offsets)):
            return None
        offset = tokens.offsets[token_id]
        (length,) = _U64.unpack_from(self._raw, offset)
        return self._raw[offset + 8:offset + 8 + min(length, 1024)].decode("utf-8", "replace")


class _Cursor:
    """Bounds-checked little-endian reads from the start of a file, read on demand."""

    def __init__(self, handle: BinaryIO, file_size: int) -> None:
        self.handle, self.file_size, self.pos = handle, file_size, 0
        self.buf = bytearray()

    def need(self, n: int) -> None:
        end = self.pos + n
        if end <= len(self.buf):
            return
        if end > self.file_size:
            raise HeaderTruncated
        if end > MAX_HEADER_BYTES:
            raise HeaderCorrupt(f"its header claims to be over {MAX_HEADER_BYTES // 10**6} MB")
        target = min(self.file_size, max(end, _FIRST_READ, 2 * len(self.buf)))
        self.buf += self.handle.read(target - len(self.buf))
        if end > len(self.buf):  # the file shrank while being read
            raise HeaderTruncated

    def unpack(self, fmt: struct.Struct) -> Any:
        self.need(fmt.size)
        (value,) = fmt.unpack_from(self.buf, self.pos)
        self.pos += fmt.size
        return value

    def string(self) -> str | None:
        length = self.unpack(_U64)
        self.need(length)
        start, self.pos = self.pos, self.pos + length
        if length > _MAX_KEPT_STRING:
            return None
        return self.buf[start:self.pos].decode("utf-8", errors="replace")

    def skip_strings(self, count: int, keep_offsets: bool) -> list[int]:
        """Step over ``count`` strings quickly; optionally note where each one starts."""
        offsets: list[int] = []
        append, unpack_from = offsets.append, _U64.unpack_from
        buf, pos = self.buf, self.pos
        for _ in range(count):
            if pos + 8 > len(buf):
                self.pos = pos
                self.need(8)
                buf = self.buf
            if keep_offsets:
                append(pos)
            pos += 8 + unpack_from(buf, pos)[0]
        self.pos = pos
        self.need(0)
        return offsets


def _value_type(raw: int) -> GGUFValueType:
    try:
        return GGUFValueType(raw)
    except ValueError:
        raise HeaderCorrupt(f"unknown metadata value type {raw}") from None


def _read_value(cur: _Cursor, vtype: GGUFValueType, key: str, depth: int = 0) -> Any:
    """One metadata value: a number, a string, a list, a StringArray, or None (skipped)."""
    if vtype == GGUFValueType.STRING:
        return cur.string()
    if vtype != GGUFValueType.ARRAY:
        return cur.unpack(_SCALARS[vtype])
    if depth >= _MAX_NESTING:
        raise HeaderCorrupt("metadata arrays nested too deeply")
    item_type = _value_type(cur.unpack(_U32))
    count = cur.unpack(_U64)
    if item_type == GGUFValueType.STRING:
        keep = key == TOKENS_KEY or count <= _MAX_KEPT_ARRAY
        offsets = cur.skip_strings(count, keep)
        return StringArray(offsets) if keep else None
    if item_type == GGUFValueType.ARRAY:
        for _ in range(count):
            _read_value(cur, item_type, key, depth + 1)
        return None
    fmt = _SCALARS[item_type]
    if count > _MAX_KEPT_ARRAY:
        cur.need(count * fmt.size)
        cur.pos += count * fmt.size
        return None
    return [cur.unpack(fmt) for _ in range(count)]


def _read_tensor(cur: _Cursor) -> TensorEntry:
    name = cur.string() or ""
    n_dims = cur.unpack(_U32)
    if n_dims > _MAX_DIMS:
        raise HeaderCorrupt(f"tensor '{name[:80]}' has {n_dims} dimensions")
    dims = [cur.unpack(_U64) for _ in range(n_dims)]
    raw_type = cur.unpack(_U32)
    offset = cur.unpack(_U64)
    try:
        ggml_type = GGMLQuantizationType(raw_type)
        block_size, type_size = GGML_QUANT_SIZES[ggml_type]
    except (ValueError, KeyError):
        raise UnknownTensorType(raw_type) from None
    n_elements = math.prod(dims)
    if dims and dims[0] % block_size:
        raise HeaderCorrupt(f"tensor '{name[:80]}' does not fit its {ggml_type.name} blocks")
    return TensorEntry(name, ggml_type, n_elements, n_elements * type_size // block_size, offset,
                       tuple(dims))


def read_header(handle: BinaryIO, file_size: int) -> GGUFHeader:
    """Read and check the header of the open file ``handle`` (``file_size`` bytes long).

    Raises NotGGUF, UnsupportedVersion, HeaderTruncated, HeaderCorrupt, UnknownTensorType.
    """
    cur = _Cursor(handle, file_size)
    cur.need(min(file_size, 8))
    if file_size < 4 or _U32.unpack_from(cur.buf)[0] != GGUF_MAGIC:
        raise NotGGUF(bytes(cur.buf[:8]))
    cur.pos = 4
    version = cur.unpack(_U32)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedVersion(version)
    tensor_count = cur.unpack(_U64)
    kv_count = cur.unpack(_U64)
    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = cur.string() or ""
        vtype = _value_type(cur.unpack(_U32))
        if key in metadata:
            raise HeaderCorrupt(f"metadata key '{key[:80]}' appears twice")
        metadata[key] = _read_value(cur, vtype, key)
    tensors = [_read_tensor(cur) for _ in range(tensor_count)]
    alignment = metadata.get("general.alignment", GGUF_DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise HeaderCorrupt(f"alignment {alignment!r} is not a power of two")
    data_start = -(-cur.pos // alignment) * alignment
    data_end = data_start
    for tensor in tensors:
        if tensor.offset % alignment:
            raise HeaderCorrupt(f"tensor '{tensor.name[:80]}' is not aligned")
        data_end = max(data_end, data_start + tensor.offset + tensor.n_bytes)
    return GGUFHeader(version, metadata, tensors, data_end, cur.buf)


__all__ = [
    "MAX_HEADER_BYTES",
    "SUPPORTED_VERSIONS",
    "TOKENS_KEY",
    "GGUFHeader",
    "HeaderCorrupt",
    "HeaderTruncated",
    "NotGGUF",
    "StringArray",
    "TensorEntry",
    "UnknownTensorType",
    "UnsupportedVersion",
    "read_header",
]
