"""Whisper checkpoints in the models folder: where each named model is looked for.

openai-whisper names its downloads ``tiny.en.pt``, ``base.pt``, …, ``large-v3-turbo.pt``;
people also keep ``whisper-tiny.en.pt`` or a ``whisper/`` sub-folder. Nothing is ever
downloaded here: a model that is not on disk is reported with where to put it.
"""

from __future__ import annotations

from pathlib import Path

from assistant.core.settings import WHISPER_MODELS

_FILE_STEMS = {"turbo": ("turbo", "large-v3-turbo")}


def whisper_file_names(name: str) -> list[str]:
    """The file names a Whisper model ``name`` may have, most usual first."""
    stems = _FILE_STEMS.get(name, (name,))
    return [f"{prefix}{stem}.pt" for stem in stems for prefix in ("", "whisper-")]


def find_whisper_checkpoint(models_dir: Path, name: str) -> Path | None:
    """The checkpoint of ``name`` (a Whisper name or a path to a ``.pt`` file), or None."""
    given = Path(name).expanduser()
    if name.endswith(".pt") or given.is_absolute():
        return given if given.is_file() else None
    for folder in (models_dir, models_dir / "whisper"):
        for file_name in whisper_file_names(name):
            candidate = folder / file_name
            if candidate.is_file():
                return candidate
    return None


def whisper_setting_for(path: Path) -> str:
    """What Settings stores to choose the checkpoint at ``path``: its Whisper name when the
    file is named like one (``base.en.pt``, ``large-v3-turbo.pt`` → "turbo"), else the path."""
    for name in WHISPER_MODELS:
        if path.name in whisper_file_names(name):
            return name
    return str(path)


def available_whisper_models(models_dir: Path) -> set[str]:
    """The names of WHISPER_MODELS whose checkpoint is in the models folder."""
    return {name for name in WHISPER_MODELS if find_whisper_checkpoint(models_dir, name)}


def missing_whisper_sentence(models_dir: Path, name: str) -> str:
    """What to tell a person whose chosen Whisper model is not on disk."""
    return (f"The Whisper model {name} is not in the models folder; put "
            f"{whisper_file_names(name)[0]} in {models_dir} (or choose another speech model "
            "in Settings).")


__all__ = ["available_whisper_models", "find_whisper_checkpoint", "missing_whisper_sentence",
           "whisper_file_names", "whisper_setting_for"]
