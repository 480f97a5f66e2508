"""The person's settings: one typed object, saved atomically as JSON."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.core.atomic_file import write_atomically
from assistant.core.generation import LoadParams, SamplingParams

log = logging.getLogger(__name__)


WHISPER_MODELS = ("tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium",
                  "medium.en", "turbo")
SPEECH_LANGUAGES = {"auto": "Detect automatically", "en": "English", "zh": "Chinese"}


@dataclass(frozen=True)
class SpeechSettings:
    """Push-to-talk. ``input_device`` is a device name (None: the system default)."""

    input_device: str | None = None
    whisper_model: str = "tiny.en"
    language: str = "auto"  # a key of SPEECH_LANGUAGES (or another Whisper language code)
    use_gpu: bool = True
    auto_send: bool = True  # send the transcript at once (off: leave it to edit)
    push_to_talk_key: str = "F9"  # held to record; not Ctrl+Space, which switches input methods


@dataclass(frozen=True)
class NetworkSettings:
    """Model downloads: the only network access Mosaic has."""

    hub_endpoint: str = "https://huggingface.co"  # or a mirror, e.g. https://hf-mirror.com
    offline: bool = False  # no network at all, not even for downloads


THEMES = ("system", "light", "dark")
LANGUAGES = ("system", "en", "zh_CN")


@dataclass(frozen=True)
class AppearanceSettings:
    """How the window looks and behaves on the desktop."""

    theme: str = "system"  # one of THEMES: follow the desktop, or force light/dark
    language: str = "system"  # one of LANGUAGES: follow the desktop, or force one
    close_to_tray: bool = False  # closing the window hides it to the tray icon


@dataclass(frozen=True)
class WindowState:
    """Where the window was: base64 of QWidget.saveGeometry() and QSplitter.saveState()."""

    geometry: str = ""
    splitter: str = ""


@dataclass(frozen=True)
class Settings:
    sampling: SamplingParams = field(default_factory=SamplingParams)
    load: LoadParams = field(default_factory=LoadParams)
    default_system_prompt: str = ""
    last_model_path: str | None = None
    # model path → the vision projector (mmproj) the person chose for it
    projector_choices: dict[str, str] = field(default_factory=dict)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    default_chat_model: str | None = None  # loaded at start (else the last one used)
    default_vision_model: str | None = None  # offered when images meet a model that cannot see
    appearance: AppearanceSettings = field(default_factory=AppearanceSettings)
    window: WindowState = field(default_factory=WindowState)


def _from_dict(cls: type, data: Any) -> Any:
    """Build dataclass ``cls`` from ``data``, keeping defaults for missing or mistyped keys."""
    default = cls()
    if not isinstance(data, dict):
        return default
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        current = getattr(default, f.name)
        raw = data[f.name]
        if hasattr(current, "__dataclass_fields__"):
            values[f.name] = _from_dict(type(current), raw)
        elif isinstance(current, dict):
            if isinstance(raw, dict):
                values[f.name] = {k: v for k, v in raw.items()
                                  if isinstance(k, str) and isinstance(v, str)}
        elif raw is None or current is None or isinstance(raw, type(current)) \
                or (isinstance(current, float) and isinstance(raw, int)):
            values[f.name] = float(raw) if isinstance(current, float) else raw
        else:
            log.warning("settings: ignoring %s=%r (expected %s)", f.name, raw,
                        type(current).__name__)
    return replace(default, **values)


def load_settings(path: Path) -> Settings:
    """Read settings; a missing or unreadable file gives the defaults (and is logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    return _from_dict(Settings, data)


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically (temp file, fsync, rename)."""
    text = json.dumps(asdict(settings), indent=2, sort_keys=True)
    write_atomically(path, text.encode("utf-8"))


class SettingsStore:
    """The settings in force, and the file they are saved to (atomically, on every change)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.current = load_settings(path)

    def update(self, settings: Settings) -> None:
        """Make ``settings`` current and save them; an OSError (full disk…) propagates."""
        save_settings(self.path, settings)
        self.current = settings

    def network_settings(self) -> NetworkSettings:
        """The download settings in force now (read by download threads' owner)."""
        return self.current.network
