"""Opening a Whisper checkpoint safely: weights only, checked before a model is built.

A ``.pt`` file is a pickle, and a pickle can run code when it is loaded. Checkpoints are
therefore read with ``torch.load(..., weights_only=True)`` and nothing else — there is no
fallback to a full unpickle, whatever the file says. Every failure is a
:class:`~assistant.engine.backend.BackendError` (code ``SPEECH_MODEL``) whose text is one
sentence naming the file.

Runs in the engine process; torch and whisper are imported when a checkpoint is opened.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.protocol import ErrorCode
from assistant.engine.backend import BackendError

if TYPE_CHECKING:
    import torch
    from whisper.model import Whisper

# The largest Whisper (large-v3) has 128 mels, 1500 audio positions, 1280 wide, 32 layers
# and 51866 tokens; dims far beyond those would only make the engine allocate a fortune.
_DIM_LIMITS = {"n_mels": 256, "n_audio_ctx": 1500, "n_audio_state": 4096,
               "n_audio_head": 64, "n_audio_layer": 64, "n_vocab": 60000,
               "n_text_ctx": 448, "n_text_state": 4096, "n_text_head": 64,
               "n_text_layer": 64}


def missing_model_message(path: Path) -> str:
    from assistant.paths import app_paths

    return (f"The speech model {path.name} was not found at {path.parent}; put Whisper "
            f"models (.pt files) in {app_paths().models_dir} or choose another speech model "
            "in Settings.")


def load_whisper_checkpoint(path: Path, device: torch.device) -> Whisper:
    """The Whisper model stored at ``path``, on ``device`` (fp16 on CUDA, fp32 otherwise).

    Raises BackendError(SPEECH_MODEL) when the file is missing, is not a Whisper checkpoint,
    is damaged, or holds anything but plain weights (a pickle that would run code).
    """
    import pickle

    import torch

    name = path.name
    if not path.is_file():
        raise BackendError(ErrorCode.SPEECH_MODEL, missing_model_message(path))
    try:
        checkpoint = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as exc:
        if "weights only load failed" in str(exc).lower():
            raise BackendError(
                ErrorCode.SPEECH_MODEL,
                f"{name} holds more than model weights (code that would run when it is "
                "opened), so Mosaic will not load it; download the Whisper model again from "
                "a source you trust.") from None
        raise _not_a_checkpoint(name) from None
    except MemoryError:
        raise
    except Exception:  # truncated zip, a text file, an empty file… (torch raises anything)
        raise _not_a_checkpoint(name) from None
    dims = _checked_dims(checkpoint, name)
    state = checkpoint["model_state_dict"]
    from whisper.model import ModelDimensions, Whisper

    try:
        model = Whisper(ModelDimensions(**dims))
    except (AssertionError, RuntimeError, ValueError):
        raise _not_a_checkpoint(name) from None
    try:
        model.load_state_dict(state)
    except (RuntimeError, TypeError, ValueError):
        raise BackendError(
            ErrorCode.SPEECH_MODEL,
            f"{name} is damaged or incomplete: its weights do not match the model it "
            "describes; download the Whisper model again.") from None
    del checkpoint, state
    model = model.half() if device.type == "cuda" else model.float()
    return model.to(device).eval()


def _not_a_checkpoint(name: str) -> BackendError:
    return BackendError(ErrorCode.SPEECH_MODEL,
                        f"{name} is not a Whisper checkpoint, or it is damaged; choose a "
                        "Whisper .pt model file (such as tiny.en.pt) or download it again.")


def _checked_dims(checkpoint: Any, name: str) -> dict[str, int]:
    """The model dimensions of an openai-whisper checkpoint, each a sane positive int."""
    import torch
    from whisper.model import ModelDimensions

    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("dims"), dict) \
            or not isinstance(checkpoint.get("model_state_dict"), dict):
        raise _not_a_checkpoint(name)
    raw = checkpoint["dims"]
    dims: dict[str, int] = {}
    for field in fields(ModelDimensions):
        value = raw.get(field.name)
        limit = _DIM_LIMITS.get(field.name, 1 << 16)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
            raise _not_a_checkpoint(name)
        dims[field.name] = value
    if dims["n_mels"] not in (80, 128) or dims["n_vocab"] < 51864 \
            or dims["n_audio_state"] % dims["n_audio_head"] \
            or dims["n_text_state"] % dims["n_text_head"]:
        raise _not_a_checkpoint(name)
    state = checkpoint["model_state_dict"]
    if not state or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                            for k, v in state.items()):
        raise _not_a_checkpoint(name)
    return dims


__all__ = ["load_whisper_checkpoint", "missing_model_message"]
