"""The committed icons: every size exists, is transparent around the rounded square, the ICO
and ICNS hold the sizes Windows and macOS want, and nothing is stale against the SVGs."""

from __future__ import annotations

import glob
import importlib.util
import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from assistant import APP_ID
from assistant.resources import ICON_SIZES, icon_png_path

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


@pytest.fixture(scope="module")
def make_icons() -> Iterator[ModuleType]:
    """packaging/make_icons.py (loaded by path: ``packaging`` is also a PyPI package)."""
    name = "mosaic_make_icons"
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_is_its_size_with_transparent_corners(size: int) -> None:
    with Image.open(icon_png_path(size)) as image:
        assert image.format == "PNG" and image.size == (size, size)
        rgba = image.convert("RGBA")
    assert image.mode == "RGBA"
    assert rgba.getpixel((0, 0))[3] == 0  # outside the rounded square
    assert rgba.getpixel((size // 2, size // 2))[3] == 255


def test_committed_pngs_match_a_fresh_render_of_the_svgs(make_icons: ModuleType) -> None:
    assert make_icons.stale_pngs() == [], "run python packaging/make_icons.py and commit"


def test_a_changed_svg_is_caught_as_stale(make_icons: ModuleType, tmp_path: Path) -> None:
    """The freshness check above can fail: recolour the design and it does."""
    copy = tmp_path / "icons"
    shutil.copytree(ICONS, copy)
    svg = copy / "mosaic.svg"
    svg.write_text(svg.read_text().replace("#4f8cff", "#ff0000"))
    stale = make_icons.stale_pngs(copy)
    # 16, 22 and 24 px are drawn from their own pixel-grid SVGs, the rest from mosaic.svg.
    assert [line.split(" ")[0] for line in stale] == [
        str(copy / "png" / f"mosaic-{size}.png") for size in ICON_SIZES if size >= 32]


def test_ico_holds_the_windows_sizes_drawn_for_each_size(make_icons: ModuleType) -> None:
    with Image.open(ICONS / "mosaic.ico") as ico:
        assert sorted(ico.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]
        for size in make_icons.ICO_SIZES:
            ico.size = (size, size)
            frame = ico.copy()
            with Image.open(icon_png_path(size)) as png:
                assert make_icons.pixel_difference(frame, png) <= make_icons.PIXEL_TOLERANCE


def test_icns_opens_with_the_macos_sizes() -> None:
    with Image.open(ICONS / "mosaic.icns") as icns:
        assert icns.format == "ICNS"
        sizes = set(icns.info["sizes"])
        assert {(16, 16, 2), (32, 32, 2), (128, 128, 1), (256, 256, 1), (512, 512, 1),
                (512, 512, 2)} <= sizes
        icns.load()
        assert icns.size == (1024, 1024) and icns.mode == "RGBA"


def test_pip_install_carries_every_icon_and_desktop_file() -> None:
    """pyproject's data-files table: each committed icon, and the desktop entry and
    metainfo templates, install under share/mosaic/resources (where resources.py looks)."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    installed = {}
    for target, patterns in table.items():
        for pattern in patterns:
            for source in glob.glob(pattern, root_dir=ROOT):
                assert (ROOT / source).is_file(), f"{source} (from {pattern}) is not a file"
                installed[source] = f"{target}/{Path(source).name}"
    wanted = {str(p.relative_to(ROOT)): "share/mosaic/" + str(p.relative_to(ROOT))
              for p in ICONS.rglob("*") if p.is_file()}
    for name in (f"{APP_ID}.desktop", f"{APP_ID}.metainfo.xml"):
        wanted[f"packaging/{name}"] = f"share/mosaic/resources/desktop/{name}"
    assert {k: installed.get(k) for k in wanted} == wanted
