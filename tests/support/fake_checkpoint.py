"""Whisper checkpoints written with the standard library (zip + pickle, or torch's legacy
format): small fakes with real shapes, and a malicious one whose pickle would run code."""

from __future__ import annotations

import math
import pickle
import struct
import zipfile
from pathlib import Path

from assistant.models.checkpoint_meta import expected_state_shapes

REAL_TINY_EN = Path(__file__).resolve().parents[3] / "shared" / "models" / "whisper-tiny.en.pt"

# A Whisper far smaller than tiny (the vocabulary must stay ≥ 51864, as the engine demands).
SMALL_DIMS = {"n_mels": 80, "n_audio_ctx": 16, "n_audio_state": 8, "n_audio_head": 2,
              "n_audio_layer": 1, "n_vocab": 51864, "n_text_ctx": 8, "n_text_state": 8,
              "n_text_head": 2, "n_text_layer": 1}
OPENAI_DIMS = {
    "tiny.en": (80, 384, 6, 4, 4, 51864), "tiny": (80, 384, 6, 4, 4, 51865),
    "base.en": (80, 512, 8, 6, 6, 51864), "base": (80, 512, 8, 6, 6, 51865),
    "small.en": (80, 768, 12, 12, 12, 51864), "medium": (80, 1024, 16, 24, 24, 51865),
    "large-v2": (80, 1280, 20, 32, 32, 51865), "large-v3": (128, 1280, 20, 32, 32, 51866),
    "large-v3-turbo": (128, 1280, 20, 32, 4, 51866),
}


def openai_dims(name: str) -> dict[str, int]:
    mels, width, heads, audio_layers, text_layers, vocab = OPENAI_DIMS[name]
    return {"n_mels": mels, "n_audio_ctx": 1500, "n_audio_state": width,
            "n_audio_head": heads, "n_audio_layer": audio_layers, "n_vocab": vocab,
            "n_text_ctx": 448, "n_text_state": width, "n_text_head": heads,
            "n_text_layer": text_layers}


# --- a torch checkpoint written without torch --------------------------------------------

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _text(value: str) -> bytes:
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _int(value: int) -> bytes:
    if 0 <= value < 256:
        return b"K" + bytes([value])
    if 0 <= value < 65536:
        return b"M" + struct.pack("<H", value)
    return b"J" + struct.pack("<i", value)


def _tuple(items: list[bytes]) -> bytes:
    return b"(" + b"".join(items) + b"t"


def _tensor(shape: tuple[int, ...], numel: int, legacy: bool) -> bytes:
    pid = [_text("storage"), _global("torch", "HalfStorage"), _text("0"), _text("cpu"),
           _int(numel)] + ([b"N"] if legacy else [])
    strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    return (_global("torch._utils", "_rebuild_tensor_v2") + b"("
            + _tuple(pid) + b"Q" + _int(0) + _tuple([_int(s) for s in shape])
            + _tuple([_int(s) for s in strides]) + b"\x89"
            + _global("collections", "OrderedDict") + b")R" + b"tR")


def _dict(pairs: list[tuple[bytes, bytes]]) -> bytes:
    return b"}(" + b"".join(k + v for k, v in pairs) + b"u"


def write_fake_checkpoint(
    path: Path,
    dims: dict[str, int] | None = None,
    *,
    shapes: dict[str, tuple[int, ...]] | None = None,
    legacy: bool = False,
    storage_bytes: int | None = None,
) -> Path:
    """Write a Whisper checkpoint (fp16 zeros) that torch.load(weights_only=True) loads.

    ``shapes`` replaces the state dict's tensor names and shapes (to make a damaged one);
    ``storage_bytes`` replaces the stored data's length (to cut it short).
    """
    dims = dict(SMALL_DIMS if dims is None else dims)
    shapes = expected_state_shapes(dims) if shapes is None else shapes
    numel = max(math.prod(shape) for shape in shapes.values())
    body = b"\x80\x02" + _dict([
        (_text("dims"), _dict([(_text(k), _int(v)) for k, v in dims.items()])),
        (_text("model_state_dict"),
         _dict([(_text(name), _tensor(shape, numel, legacy)) for name, shape in shapes.items()])),
    ]) + b"."
    data = bytes(numel * 2 if storage_bytes is None else storage_bytes)
    path.parent.mkdir(parents=True, exist_ok=True)
    if legacy:
        with path.open("wb") as file:
            for value in (_LEGACY_MAGIC, 1001, {"protocol_version": 1001, "little_endian": True,
                                                "type_sizes": {"short": 2, "int": 4,
                                                               "long": 4}}):
                pickle.dump(value, file, protocol=2)
            file.write(body)
            pickle.dump(["0"], file, protocol=2)
            file.write(struct.pack("<q", numel) + data)
        return path
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", body)
        archive.writestr("archive/byteorder", "little")
        archive.writestr(zipfile.ZipInfo("archive/data/0"), data,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        archive.writestr("archive/version", "3\n")
    return path


class WritesAMarker:
    """A pickle that, when loaded unsafely, creates ``marker`` (as malware would run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def write_malicious_checkpoint(path: Path, marker: Path, *, legacy: bool = False) -> Path:
    """A checkpoint whose pickle would create ``marker`` when loaded without restriction."""
    payload = {"dims": WritesAMarker(marker), "model_state_dict": {}}
    if legacy:
        with path.open("wb") as file:
            for value in (_LEGACY_MAGIC, 1001, {"protocol_version": 1001}, payload, []):
                pickle.dump(value, file, protocol=2)
        return path
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(payload, protocol=2))
        archive.writestr("archive/version", "3\n")
    return path


# --- the real checkpoint ------------------------------------------------------------------
