"""Render Mosaic's icons from the SVG sources in ``resources/icons/``.

    python packaging/make_icons.py          # rewrite png/mosaic-<N>.png, mosaic.ico, mosaic.icns
    python packaging/make_icons.py --check  # exit 1 if a committed icon differs from a render

``mosaic.svg`` is the design. Below 32 px its edges would fall between pixels, so 16 px is
drawn from ``mosaic-16.svg`` and 22/24 px from ``mosaic-24.svg``: the same tiles redrawn on
the pixel grid (22 px is the 24 px drawing without its 1 px margin). The PNGs feed the
Linux icon theme (``hicolor/<N>x<N>/apps``), the ICO the Windows bundle, the ICNS macOS.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from assistant.resources import ICON_SIZES  # noqa: E402

ICONS_DIR = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the Windows shell's sizes; ICO stops at 256
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)  # what Pillow writes (16@2x … 512@2x)
# A committed PNG may differ from a fresh render by this much per channel (0–255): enough
# for antialiasing changes between Qt releases, far too little for any change of design.
PIXEL_TOLERANCE = 4


@dataclass(frozen=True)
class IconSource:
    """The SVG a size is drawn from, and the margin cropped off the drawing."""

    svg: str
    drawn_at: int  # render the SVG at this many pixels square …
    crop: int = 0  # … then cut this many pixels off every edge


def source_for(size: int) -> IconSource:
    if size == 16:
        return IconSource("mosaic-16.svg", 16)
    if size == 24:
        return IconSource("mosaic-24.svg", 24)
    if size == 22:
        return IconSource("mosaic-24.svg", 24, crop=1)
    return IconSource("mosaic.svg", size)


def render_icon(size: int, icons_dir: Path = ICONS_DIR) -> Image.Image:
    """The icon at ``size`` px square, antialiased, straight (non-premultiplied) RGBA."""
    source = source_for(size)
    renderer = QSvgRenderer(str(icons_dir / source.svg))
    if not renderer.isValid():
        raise ValueError(f"{icons_dir / source.svg} is not a valid SVG")
    canvas = QImage(source.drawn_at, source.drawn_at, QImage.Format.Format_ARGB32_Premultiplied)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, source.drawn_at, source.drawn_at))
    painter.end()
    if source.crop:
        canvas = canvas.copy(source.crop, source.crop, size, size)
    rgba = canvas.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())
    return Image.frombuffer("RGBA", (size, size), data, "raw", "RGBA",
                            rgba.bytesPerLine(), 1).copy()


def png_path(icons_dir: Path, size: int) -> Path:
    return icons_dir / "png" / f"mosaic-{size}.png"


def encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def encode_ico(renders: dict[int, Image.Image]) -> bytes:
    out = io.BytesIO()
    largest = renders[max(ICO_SIZES)]
    largest.save(out, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[renders[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    return out.getvalue()


def encode_icns(renders: dict[int, Image.Image]) -> bytes:
    out = io.BytesIO()
    largest = renders[max(ICNS_SIZES)]
    largest.save(out, format="ICNS",
                 append_images=[renders[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    return out.getvalue()


def render_all(icons_dir: Path = ICONS_DIR) -> dict[int, Image.Image]:
    return {size: render_icon(size, icons_dir)
            for size in sorted({*ICON_SIZES, *ICO_SIZES, *ICNS_SIZES})}


def write_icons(icons_dir: Path = ICONS_DIR) -> list[Path]:
    """Render every icon file from the SVGs into ``icons_dir``; returns the files written."""
    renders = render_all(icons_dir)
    written = []
    for size in ICON_SIZES:
        path = png_path(icons_dir, size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode_png(renders[size]))
        written.append(path)
    for name, data in (("mosaic.ico", encode_ico(renders)),
                       ("mosaic.icns", encode_icns(renders))):
        (icons_dir / name).write_bytes(data)
        written.append(icons_dir / name)
    return written


def pixel_difference(a: Image.Image, b: Image.Image) -> int:
    """The largest per-channel difference between two same-sized RGBA images (0–255)."""
    if a.size != b.size:
        return 255
    left = np.asarray(a.convert("RGBA"), dtype=np.int16)
    right = np.asarray(b.convert("RGBA"), dtype=np.int16)
    return int(np.abs(left - right).max())


def stale_pngs(icons_dir: Path = ICONS_DIR) -> list[str]:
    """A sentence for each committed PNG that is missing or differs from a fresh render."""
    problems = []
    for size in ICON_SIZES:
        path = png_path(icons_dir, size)
        if not path.is_file():
            problems.append(f"{path} is missing")
            continue
        with Image.open(path) as committed:
            difference = pixel_difference(committed, render_icon(size, icons_dir))
        if difference > PIXEL_TOLERANCE:
            problems.append(f"{path} differs from its SVG by {difference}/255")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare the committed PNGs with a fresh render")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_pngs()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("Run python packaging/make_icons.py and commit resources/icons/.",
                  file=sys.stderr)
        return 1 if problems else 0
    for path in write_icons():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
