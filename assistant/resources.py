"""Locations of the files shipped in ``resources/`` (icons, catalog, styles)."""

from __future__ import annotations

import site
import sys
from pathlib import Path

_INSTALLED = Path("share") / "mosaic" / "resources"


def resources_dir() -> Path:
    """``resources/``: inside a frozen bundle, beside the package in a checkout, or where
    ``pip install`` put it (``<prefix>/share/mosaic/resources``, the user base for
    ``--user`` installs)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    candidates = [checkout, Path(sys.prefix) / _INSTALLED]
    user_base = getattr(site, "USER_BASE", None)
    if user_base:
        candidates.append(Path(user_base) / _INSTALLED)
    return next((folder for folder in candidates if folder.is_dir()), checkout)


def app_icon_path() -> Path:
    return resources_dir() / "icons" / "mosaic.svg"
