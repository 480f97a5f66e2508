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


# The square sizes (px) of resources/icons/png/mosaic-<N>.png, rendered from the SVGs by
# packaging/make_icons.py: the icon theme's hicolor/<N>x<N>/apps folders.
ICON_SIZES: tuple[int, ...] = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def app_icon_path() -> Path:
    """The scalable icon (SVG)."""
    return resources_dir() / "icons" / "mosaic.svg"


def icon_png_path(size: int) -> Path:
    """The icon rendered at ``size`` px square (one of ``ICON_SIZES``)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; the sizes are {ICON_SIZES}")
    return resources_dir() / "icons" / "png" / f"mosaic-{size}.png"


def app_icon_files() -> list[Path]:
    """Every rendered size, then the SVG: for a window icon that is crisp at each size
    (``QIcon.addFile`` for each)."""
    return [*(icon_png_path(size) for size in ICON_SIZES), app_icon_path()]


def desktop_files_dir() -> Path:
    """The folder holding ``<APP_ID>.desktop`` and ``<APP_ID>.metainfo.xml``: ``desktop/``
    in the installed or bundled resources, ``packaging/`` in a checkout."""
    bundled = resources_dir() / "desktop"
    return bundled if bundled.is_dir() else resources_dir().parent / "packaging"
