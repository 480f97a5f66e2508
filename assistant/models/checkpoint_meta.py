"""What a Whisper ``.pt`` checkpoint holds, read without torch and without running its pickle.

A checkpoint is a pickle, and a pickle can run code when it is loaded. The engine opens one
with ``torch.load(weights_only=True)``; this module answers the questions the window asks
before that (which Whisper is it, how large, is it intact?) in the GUI process, where torch is
never imported. The pickle is read by a restricted unpickler that knows only the few globals
a plain state dict needs (``collections.OrderedDict``, torch's tensor-rebuild functions and
storage types), each mapped to a harmless stand-in that records a tensor's shape; tensor data
is never read. Any other global (``os.system``, ``builtins.eval``, …) refuses the whole file
before anything is called.

A checkpoint counts as valid exactly when the engine would load it
(``assistant/engine/whisper_checkpoint.py``): a dict with ``dims`` (the ten
``ModelDimensions`` ints, within the engine's limits) and ``model_state_dict`` (tensors whose
names and shapes are those of the Whisper model the dims describe, each backed by enough
stored bytes). Both of torch's formats are read: the zip format of torch ≥ 1.6 and the legacy
sequence of pickles.
"""

from __future__ import annotations

import io
import math
import os
import pickle
import zipfile
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from assistant.core.i18n import translate
from assistant.models.gguf_inspect import ModelFileError

DIM_NAMES = ("n_mels", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
             "n_vocab", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer")
# The engine's limits (whisper_checkpoint._DIM_LIMITS): larger dims are refused there too.
_DIM_LIMITS = {"n_mels": 256, "n_audio_ctx": 1500, "n_audio_state": 4096,
               "n_audio_head": 64, "n_audio_layer": 64, "n_vocab": 60000,
               "n_text_ctx": 448, "n_text_state": 4096, "n_text_head": 64,
               "n_text_layer": 64}
ENGLISH_VOCAB = 51864  # .en models; multilingual ones have 51865 (51866 from large-v3 on)

# (n_mels, n_audio_state, n_audio_layer, n_text_layer) → the openai-whisper name; ".en" is
# added for English-only vocabularies. large-v1 and large-v2 have identical dims: "large-v2".
_NAMES = {
    (80, 384, 4, 4): "tiny", (80, 512, 6, 6): "base", (80, 768, 12, 12): "small",
    (80, 1024, 24, 24): "medium", (80, 1280, 32, 32): "large-v2",
    (128, 1280, 32, 32): "large-v3", (128, 1280, 32, 4): "large-v3-turbo",
}
_ENGLISH_ONLY = frozenset({"tiny", "base", "small", "medium"})  # sizes OpenAI made .en of

_MAX_PICKLE_BYTES = 16 << 20  # large-v3's data.pkl is ~60 KB; more is not a checkpoint
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch's legacy-format magic number
_LEGACY_PROTOCOL = 1001
_LEGACY_HEAD = b"\x80\x02\x8a\x0a"  # pickle protocol 2, LONG1 of 10 bytes: the magic

_ITEM_SIZES = {"Double": 8, "Float": 4, "Half": 2, "BFloat16": 2, "Long": 8, "Int": 4,
               "Short": 2, "Char": 1, "Byte": 1, "Bool": 1}


@dataclass(frozen=True)
class WhisperCheckpointInfo:
    """What a valid Whisper checkpoint is: its dims, which model, how large."""

    path: Path
    dims: dict[str, int]
    model_name: str | None  # "tiny.en", "base", …, "large-v3-turbo"; None: not an OpenAI size
    parameter_count: int  # every tensor of the state dict (positional embeddings included)
    file_size: int
    multilingual: bool
    precision: str = "F16"  # the dtype most weights are stored in: "F16", "F32", "BF16"…

    def summary(self) -> str:
        """One line for people: "Whisper base.en · 74M parameters · English only"."""
        name = f"Whisper {self.model_name}" if self.model_name else self.path.stem
        sentence = (translate("SpeechModelFile", "{name} · {count} parameters · multilingual")
                    if self.multilingual
                    else translate("SpeechModelFile", "{name} · {count} parameters · English "
                                   "only"))
        return sentence.format(name=name, count=format_parameters(self.parameter_count))


def format_parameters(count: int) -> str:
    """A parameter count as people write it: "39M", "1.5B"."""
    if count >= 1_000_000_000:
        return f"{count / 1e9:.1f}B"
    if count >= 1_000_000:
        return f"{round(count / 1e6)}M"
    return f"{round(count / 1e3)}K" if count >= 1_000 else str(count)


def whisper_model_name(dims: dict[str, int]) -> str | None:
    """The openai-whisper name of a model with these dims, or None for other shapes."""
    base = _NAMES.get((dims.get("n_mels"), dims.get("n_audio_state"),
                       dims.get("n_audio_layer"), dims.get("n_text_layer")))
    if base is None:
        return None
    vocab = dims.get("n_vocab")
    if base.startswith("large-v3"):
        return base if vocab == 51866 else None
    if vocab == ENGLISH_VOCAB:
        return f"{base}.en" if base in _ENGLISH_ONLY else None
    return base if vocab == 51865 else None


def expected_state_shapes(dims: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Every tensor name → shape of openai-whisper's ``Whisper(dims).state_dict()``."""
    shapes: dict[str, tuple[int, ...]] = {}
    audio, text = dims["n_audio_state"], dims["n_text_state"]

    def layer_norm(prefix: str, width: int) -> None:
        shapes[f"{prefix}.weight"] = shapes[f"{prefix}.bias"] = (width,)

    def attention(prefix: str, width: int) -> None:
        for part in ("query", "key", "value", "out"):
            shapes[f"{prefix}.{part}.weight"] = (width, width)
            if part != "key":  # whisper's key projection has no bias
                shapes[f"{prefix}.{part}.bias"] = (width,)

    def block(prefix: str, width: int, cross: bool) -> None:
        attention(f"{prefix}.attn", width)
        layer_norm(f"{prefix}.attn_ln", width)
        if cross:
            attention(f"{prefix}.cross_attn", width)
            layer_norm(f"{prefix}.cross_attn_ln", width)
        shapes[f"{prefix}.mlp.0.weight"] = (4 * width, width)
        shapes[f"{prefix}.mlp.0.bias"] = (4 * width,)
        shapes[f"{prefix}.mlp.2.weight"] = (width, 4 * width)
        shapes[f"{prefix}.mlp.2.bias"] = (width,)
        layer_norm(f"{prefix}.mlp_ln", width)

    shapes["encoder.conv1.weight"] = (audio, dims["n_mels"], 3)
    shapes["encoder.conv1.bias"] = (audio,)
    shapes["encoder.conv2.weight"] = (audio, audio, 3)
    shapes["encoder.conv2.bias"] = (audio,)
    shapes["encoder.positional_embedding"] = (dims["n_audio_ctx"], audio)
    for index in range(dims["n_audio_layer"]):
        block(f"encoder.blocks.{index}", audio, cross=False)
    layer_norm("encoder.ln_post", audio)
    shapes["decoder.token_embedding.weight"] = (dims["n_vocab"], text)
    shapes["decoder.positional_embedding"] = (dims["n_text_ctx"], text)
    for index in range(dims["n_text_layer"]):
        block(f"decoder.blocks.{index}", text, cross=True)
    layer_norm("decoder.ln", text)
    return shapes


# --- stand-ins the restricted unpickler builds instead of torch objects ------------------


@dataclass(frozen=True)
class _StorageType:
    """Stands in for ``torch.HalfStorage`` and the other storage classes."""

    name: str
    item_size: int


@dataclass(frozen=True)
class _StorageRef:
    """A tensor storage the pickle refers to (its bytes are never read)."""

    key: str
    kind: _StorageType
    numel: int


@dataclass(frozen=True)
class _TensorStub:
    """Stands in for a tensor: where it lives and its shape."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    def fits_storage(self) -> bool:
        if 0 in self.shape:
            return True
        extent = sum((size - 1) * step for size, step in zip(self.shape, self.stride,
                                                                strict=True))
        return self.offset + extent + 1 <= self.storage.numel

    def __setstate__(self, state: Any) -> None:  # BUILD on a tensor: keep nothing runnable
        self.attributes["state"] = state


class _Refused(Exception):
    """The pickle names a global a state dict never needs (it would run code)."""

    def __init__(self, module: str, name: str) -> None:
        super().__init__(f"{module}.{name}")


class _Malformed(Exception):
    """The pickle is well formed but is not shaped like a checkpoint."""


def _ints(value: Any) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise _Malformed("a tensor's size or stride is not a tuple of counts")
    return value


def _rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any,
                    *_rest: Any) -> _TensorStub:
    """Stand-in for torch._utils._rebuild_tensor(_v2): records where the tensor lies."""
    if not isinstance(storage, _StorageRef) or not isinstance(storage_offset, int) \
            or isinstance(storage_offset, bool) or storage_offset < 0:
        raise _Malformed("a tensor does not refer to a storage")
    shape, steps = _ints(size), _ints(stride)
    if len(shape) != len(steps):
        raise _Malformed("a tensor's size and stride differ in length")
    return _TensorStub(storage, storage_offset, shape, steps)


def _rebuild_parameter(data: Any, *_rest: Any) -> _TensorStub:
    """Stand-in for torch._utils._rebuild_parameter: a parameter is its tensor."""
    if not isinstance(data, _TensorStub):
        raise _Malformed("a parameter holds no tensor")
    return data


def _size(*args: Any) -> tuple[int, ...]:
    return _ints(tuple(args[0]) if len(args) == 1 and isinstance(args[0], tuple) else ())


_ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): OrderedDict,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch", "Size"): _size,
    **{("torch", f"{name}Storage"): _StorageType(name, size)
       for name, size in _ITEM_SIZES.items()},
}


class _WeightsOnlyUnpickler(pickle.Unpickler):
    """Unpickles only what a state dict is made of; storages become ``_StorageRef``."""

    def __init__(self, file: BinaryIO, *, legacy: bool) -> None:
        super().__init__(file)
        self.storages: dict[str, _StorageRef] = {}
        self._pid_length = 6 if legacy else 5

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise _Refused(module, name)
        return found

    def persistent_load(self, pid: Any) -> Any:
        # zip: ('storage', type, key, location, numel); legacy adds view_metadata
        if not isinstance(pid, tuple) or len(pid) != self._pid_length or pid[0] != "storage":
            raise _Malformed("a persistent id is not a storage")
        kind, key, numel = pid[1], pid[2], pid[4]
        if not isinstance(kind, _StorageType) or not isinstance(key, str) \
                or not isinstance(numel, int) or isinstance(numel, bool) or numel < 0:
            raise _Malformed("a storage reference is malformed")
        if len(pid) == 6 and pid[5] is not None:
            raise _Malformed("storage views are not used by Whisper checkpoints")
        known = self.storages.setdefault(key, _StorageRef(key, kind, numel))
        if known.kind != kind or known.numel != numel:
            raise _Malformed("one storage is described two ways")
        return known


# --- reading a file -----------------------------------------------------------------------


def read_whisper_checkpoint(path: str | Path) -> WhisperCheckpointInfo:
    """Check a Whisper checkpoint and describe it; raises ModelFileError with one sentence.

    Reads the pickle (and the zip directory) only: a few kilobytes, however large the model.
    """
    path = Path(path)
    label = path.name or str(path)
    try:
        if path.is_dir():
            raise ModelFileError(f"{path} is a folder, not a Whisper checkpoint; choose a .pt "
                                 "file.")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ModelFileError(f"{label} is empty (0 bytes); the download or copy "
                                     "failed, so download it again.")
            head = handle.read(4)
            handle.seek(0)
            if head.startswith(b"PK"):
                checkpoint, missing = _read_zip(handle, label)
            elif head == _LEGACY_HEAD:
                checkpoint, missing = _read_legacy(handle, size)
            else:
                raise _not_a_checkpoint(label)
    except FileNotFoundError:
        raise ModelFileError(f"The speech model file {path} does not exist; it may have been "
                             "moved or deleted, so choose it again.") from None
    except PermissionError:
        raise ModelFileError(f"Mosaic is not allowed to read {label}; check the file's "
                             "permissions.") from None
    except _Refused:
        raise ModelFileError(
            f"{label} holds more than model weights (code that would run when it is opened), "
            "so Mosaic will not use it; download the Whisper model again from a source you "
            "trust.") from None
    except (_Malformed, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError,
            IndexError, AttributeError, RecursionError, UnicodeDecodeError):
        raise _not_a_checkpoint(label) from None
    except OSError as exc:
        raise ModelFileError(f"Mosaic could not read {label} ({exc.strerror or exc}); check "
                             "that the disk is attached and the file is readable.") from None
    dims, state = _checked(checkpoint, label)
    if missing or _weights_mismatch(dims, state):
        raise _damaged(label)
    counts: Counter[str] = Counter()
    for tensor in state.values():
        counts[tensor.storage.kind.name] += tensor.numel
    precision = {"Half": "F16", "Float": "F32", "BFloat16": "BF16", "Double": "F64"}.get(
        counts.most_common(1)[0][0], counts.most_common(1)[0][0].upper())
    return WhisperCheckpointInfo(
        path=path, dims=dims, model_name=whisper_model_name(dims),
        parameter_count=sum(t.numel for t in state.values()), file_size=size,
        multilingual=dims["n_vocab"] > ENGLISH_VOCAB, precision=precision)


def _read_zip(handle: BinaryIO, label: str) -> tuple[Any, bool]:
    """(checkpoint, whether some storage's bytes are missing) of a zip checkpoint."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise ModelFileError(f"{label} is incomplete or damaged (its zip directory is "
                             "missing): the download or copy was cut short; download it "
                             "again.") from None
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        pickles = [name for name in infos if name.count("/") == 1
                   and name.endswith("/data.pkl")]
        if not pickles:
            raise _not_a_checkpoint(label)
        prefix = pickles[0].removesuffix("data.pkl")
        info = infos[pickles[0]]
        if info.file_size > _MAX_PICKLE_BYTES:
            raise _Malformed("the pickle is far too large")
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError):
            raise _damaged(label) from None
        unpickler = _WeightsOnlyUnpickler(io.BytesIO(data), legacy=False)
        checkpoint = unpickler.load()
        missing = False
        for ref in unpickler.storages.values():
            record = infos.get(f"{prefix}data/{ref.key}")
            if record is None or record.file_size < ref.numel * ref.kind.item_size:
                missing = True
        return checkpoint, missing


def _read_legacy(handle: BinaryIO, size: int) -> tuple[Any, bool]:
    """The same for torch's legacy format: magic, protocol, sys info, object, storage keys,
    then each storage as an 8-byte element count and its bytes."""
    reader = _WeightsOnlyUnpickler(_Capped(handle, _MAX_PICKLE_BYTES), legacy=True)
    if reader.load() != _LEGACY_MAGIC or reader.load() != _LEGACY_PROTOCOL:
        raise _Malformed("not a torch file")
    if not isinstance(reader.load(), dict):
        raise _Malformed("no system information")
    checkpoint = reader.load()
    keys = reader.load()
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _Malformed("no storage keys")
    stored = set(keys)
    needed = sum(8 + ref.numel * ref.kind.item_size for ref in reader.storages.values())
    missing = not set(reader.storages) <= stored or handle.tell() + needed > size
    return checkpoint, missing


class _Capped(io.RawIOBase):
    """A read-only view of a file that refuses to read more than ``limit`` bytes of pickle."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self._handle, self._left = handle, limit

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self._left if n is None or n < 0 else min(n, self._left)
        data = self._handle.read(n)
        self._left -= len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._handle.readline(self._left if size is None or size < 0
                                     else min(size, self._left))
        self._left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _checked(checkpoint: Any, label: str) -> tuple[dict[str, int], dict[str, _TensorStub]]:
    """The engine's checks (whisper_checkpoint._checked_dims), on the stand-ins."""
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("dims"), dict) \
            or not isinstance(checkpoint.get("model_state_dict"), dict):
        raise _not_a_checkpoint(label)
    raw = checkpoint["dims"]
    dims: dict[str, int] = {}
    for name in DIM_NAMES:
        value = raw.get(name)
        limit = _DIM_LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
            raise _not_a_checkpoint(label)
        dims[name] = value
    if dims["n_mels"] not in (80, 128) or dims["n_vocab"] < ENGLISH_VOCAB \
            or dims["n_audio_state"] % dims["n_audio_head"] \
            or dims["n_text_state"] % dims["n_text_head"]:
        raise _not_a_checkpoint(label)
    state = checkpoint["model_state_dict"]
    if not state or not all(isinstance(k, str) and isinstance(v, _TensorStub)
                            for k, v in state.items()):
        raise _not_a_checkpoint(label)
    return dims, dict(state)


def _weights_mismatch(dims: dict[str, int], state: dict[str, _TensorStub]) -> bool:
    """True when ``load_state_dict`` would refuse the weights (strict: names and shapes)."""
    expected = expected_state_shapes(dims)
    if expected.keys() != state.keys():
        return True
    return any(state[name].shape != shape or not state[name].fits_storage()
               for name, shape in expected.items())


def _not_a_checkpoint(label: str) -> ModelFileError:
    return ModelFileError(f"{label} is not a Whisper checkpoint, or it is damaged; choose a "
                          "Whisper .pt model file (such as tiny.en.pt) or download it again.")


def _damaged(label: str) -> ModelFileError:
    return ModelFileError(f"{label} is damaged or incomplete: its weights do not match the "
                          "model it describes; download the Whisper model again.")


def looks_like_checkpoint(head: bytes) -> bool:
    """Whether a file's first bytes are those of a torch file (zip, or the legacy pickle)."""
    return head.startswith((b"PK\x03\x04", _LEGACY_HEAD))


__all__ = [
    "DIM_NAMES",
    "ENGLISH_VOCAB",
    "WhisperCheckpointInfo",
    "expected_state_shapes",
    "format_parameters",
    "looks_like_checkpoint",
    "read_whisper_checkpoint",
    "whisper_model_name",
]
