"""Every on-disk location Mosaic uses, in one place.

Locations come from platformdirs. ``MOSAIC_HOME`` (an environment variable) moves all of
them under one folder, which tests use to stay out of the person's real data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant import APP_ID, APP_NAME

HOME_ENV = "MOSAIC_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The folders Mosaic reads and writes."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "mosaic.sqlite3"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> AppPaths:
        """Create every folder (idempotent) and return self."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir,
                       self.models_dir, self.attachments_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """The paths in force now: under ``$MOSAIC_HOME`` when set, else platformdirs."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(root / "data", root / "config", root / "cache", root / "logs")
    import platformdirs

    return AppPaths(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


__all__ = ["APP_ID", "HOME_ENV", "AppPaths", "app_paths"]
