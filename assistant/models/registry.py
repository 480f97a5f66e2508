"""The model files already on disk."""

from __future__ import annotations

import os
from pathlib import Path

PROJECTOR_PREFIX = "mmproj"


def find_local_models(models_dir: Path) -> list[Path]:
    """Every readable ``*.gguf`` language model under ``models_dir``, sorted by file name.

    Searches sub-folders too. Leaves out vision projectors (``mmproj*``), unfinished
    downloads (``*.part``), hidden files, broken links and anything unreadable; a missing
    folder simply has no models.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(models_dir, onerror=lambda _error: None):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            lowered = name.lower()
            if (not lowered.endswith(".gguf") or PROJECTOR_PREFIX in lowered
                    or name.startswith(".")):
                continue
            path = Path(root) / name
            try:
                if path.is_file() and os.access(path, os.R_OK):
                    found.append(path)
            except OSError:
                continue
    return sorted(found, key=lambda p: (p.name.casefold(), str(p).casefold()))


__all__ = ["PROJECTOR_PREFIX", "find_local_models"]
