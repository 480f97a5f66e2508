"""Requests (window → engine) and events (engine → window): small frozen dataclasses.

They cross a process boundary by pickling, so they hold plain data only. Every request but
``Shutdown`` carries a ``request_id`` chosen by the client; events answering it carry the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assistant.core.generation import LoadParams, SamplingParams, Timings
from assistant.core.messages import ChatTurn

# --- requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadModel:
    """Load ``path``; with ``mmproj`` (a vision projector's path) the model can see images."""

    request_id: int
    path: str
    params: LoadParams = field(default_factory=LoadParams)
    mmproj: str = ""


@dataclass(frozen=True)
class Generate:
    """Answer the last user turn of ``turns``.

    ``raw=True`` sends the text of the single user turn to the model verbatim, without a chat
    format (completion mode, for scripting and base models).
    """

    request_id: int
    turns: tuple[ChatTurn, ...]
    system_prompt: str = ""
    sampling: SamplingParams = field(default_factory=SamplingParams)
    raw: bool = False


@dataclass(frozen=True)
class Transcribe:
    """Turn speech into text with the Whisper checkpoint ``model_path``.

    The audio is either ``pcm`` (float32 little-endian mono samples at 16 kHz, as recorded)
    or ``audio_path`` (a wav/flac/ogg/mp3 file the engine decodes itself). ``language`` is
    None to detect it, else a Whisper language code such as "en" or "zh".
    """

    request_id: int
    model_path: str
    pcm: bytes = b""
    audio_path: str = ""
    language: str | None = None
    use_gpu: bool = True


@dataclass(frozen=True)
class Cancel:
    request_id: int


@dataclass(frozen=True)
class Shutdown:
    pass


Request = LoadModel | Generate | Transcribe | Cancel | Shutdown

# --- events ---------------------------------------------------------------------------


class ErrorCode(StrEnum):
    MODEL_FILE = "model_file"  # missing, not GGUF, truncated, unsupported architecture
    MODEL_TOO_LARGE = "model_too_large"
    NO_MODEL = "no_model"  # a Generate before any model was loaded
    PROMPT_TOO_LONG = "prompt_too_long"
    BAD_REQUEST = "bad_request"
    ENGINE_CRASHED = "engine_crashed"
    PROJECTOR_FILE = "projector_file"  # the mmproj crashed the engine or cannot be used
    IMAGE = "image"  # an attached image is missing, unreadable or does not fit
    NO_VISION = "no_vision"  # images were sent to a model loaded without a projector
    SPEECH_MODEL = "speech_model"  # the Whisper checkpoint is missing, not one, or unsafe
    AUDIO = "audio"  # an audio file is missing, not audio, or cannot be decoded
    INTERNAL = "internal"


class FinishReason(StrEnum):
    COMPLETE = "complete"  # end-of-generation token or a stop string
    LENGTH = "length"  # max_tokens or the context window was reached
    STOPPED = "stopped"  # cancelled by the person


@dataclass(frozen=True)
class EngineReady:
    """Sent once when an engine starts: what this machine and build can do."""

    pid: int
    gpu_offload: bool
    physical_cores: int
    backend_version: str


@dataclass(frozen=True)
class LoadProgress:
    """``stage`` is "model" while the weights load, "projector" while the mmproj opens."""

    request_id: int
    fraction: float  # 0.0 … 1.0
    stage: str = "model"


@dataclass(frozen=True)
class ModelLoaded:
    request_id: int
    path: str
    name: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    chat_format: str  # "gguf template" or "plain fallback"
    mmproj: str = ""  # the projector in use: the model can see images ("" when it cannot)
    vision_family: str = ""  # e.g. "Gemma 3", for the model bar
    image_max_side: int = 0  # images are downscaled to this longest side for the model


@dataclass(frozen=True)
class GenerationStarted:
    """The prompt is built; ``dropped_turns`` older turns did not fit the context.

    ``image_tokens`` of the prompt are images; ``reused_images`` of its images were already
    encoded in the context and cost nothing this time.
    """

    request_id: int
    prompt_tokens: int
    reused_tokens: int
    dropped_turns: int
    image_tokens: int = 0
    reused_images: int = 0


@dataclass(frozen=True)
class TokenText:
    request_id: int
    text: str


@dataclass(frozen=True)
class GenerationDone:
    request_id: int
    finish: FinishReason
    timings: Timings


@dataclass(frozen=True)
class TranscriptionProgress:
    """How much of a long recording is transcribed (0.0 … 1.0)."""

    request_id: int
    fraction: float


@dataclass(frozen=True)
class TranscriptionDone:
    """The transcript ("" when there was no speech), with what it cost.

    ``audio_s`` is the length of the audio, ``speech_s`` the part the voice-activity
    detector kept, ``elapsed_s`` the engine's time from request to text.
    """

    request_id: int
    text: str
    language: str
    audio_s: float
    speech_s: float
    elapsed_s: float


@dataclass(frozen=True)
class EngineError:
    """A failure stated as one sentence a person can act on."""

    request_id: int | None
    code: ErrorCode
    message: str
    model_unloaded: bool = False  # a failed LoadModel freed the model that was loaded before


Event = (EngineReady | LoadProgress | ModelLoaded | GenerationStarted | TokenText
         | GenerationDone | TranscriptionProgress | TranscriptionDone | EngineError)
