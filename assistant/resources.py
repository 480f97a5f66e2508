"""Locations of the files shipped in ``resources/`` (icons, catalog, styles)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` beside the package in a checkout, or inside a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def app_icon_path() -> Path:
    return resources_dir() / "icons" / "mosaic.svg"
