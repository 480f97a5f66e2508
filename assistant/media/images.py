"""Checking and preparing attached images with Pillow (no Qt; safe off the GUI thread).

Every image is hostile until checked: ``check_image`` refuses files over
``MAX_IMAGE_FILE_BYTES`` before decoding, formats outside ``FILE_EXTENSIONS``, images with
more pixels than Pillow's ``Image.MAX_IMAGE_PIXELS`` (decompression bombs), and files that
do not decode completely. ``pixels_for_model`` and ``thumbnail_png`` apply the same checks,
then turn the first frame upright (EXIF orientation), flatten transparency onto white and
scale it down. Every refusal is an ``ImageFileError`` whose text is one English sentence.
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from assistant.core.i18n import translate

MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024
# Pillow format name -> file extension of the stored copy. Nothing else is opened.
FILE_EXTENSIONS: dict[str, str] = {
    "PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp",
}
THUMBNAIL_MAX_SIDE = 256

_PILLOW_FORMATS = tuple(FILE_EXTENSIONS)
_FORMAT_LABELS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF", "BMP": "BMP"}
_SWAPPING_ORIENTATIONS = (5, 6, 7, 8)  # rotated a quarter turn: width and height swap
_SIXTEEN_BIT_GREY = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")
_BMP_HEADER_SIZES = (12, 16, 40, 52, 56, 64, 108, 124)  # the DIB header's first byte
# What Pillow cannot name itself, by signature: the format, named like Pillow's.
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x00\x0cJXL ", "JXL"),
    (b"\xff\x0a", "JXL"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


class ImageFileError(Exception):
    """An image Mosaic will not use; ``str(error)`` is one sentence naming the file and
    saying what to do."""


@dataclass(frozen=True)
class CheckedImage:
    """What ``check_image`` found; ``width`` and ``height`` are after EXIF orientation."""

    format: str  # a key of FILE_EXTENSIONS
    width: int
    height: int
    frame_count: int
    note: str  # what the person should know, e.g. only the first frame is used; "" if nothing


@dataclass(frozen=True)
class ModelPixels:
    """An upright RGB picture: ``rgb`` is row-major, 3 bytes a pixel."""

    width: int
    height: int
    rgb: bytes


def read_image_file(path: Path, name: str | None = None) -> bytes:
    """The bytes of an image file, refused before reading when it is not a regular file
    or is larger than ``MAX_IMAGE_FILE_BYTES``. ``name`` is what messages call it."""
    label = _label(name, path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ImageFileError(translate(
                "Images", "{file} is not a file; choose an image file instead.").format(
                file=label))
        _check_file_size(info.st_size, label)
        with open(path, "rb") as file:
            data = file.read(MAX_IMAGE_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ImageFileError(translate(
            "Images", "{file} could not be read ({reason}); check that the file still exists "
            "and that you may open it, then try again.").format(file=label, reason=reason)
        ) from exc
    _check_file_size(len(data), label)  # it may have grown since the stat
    return data


def check_image(source: Path | bytes, name: str) -> CheckedImage:
    """Check that ``source`` is an image Mosaic can use, decoding its whole first frame;
    raise ``ImageFileError`` otherwise."""
    label = _label(name, source)
    data = _source_bytes(source, label)
    with _guarded(label):
        image = _open(data, label)
        with image:
            image.load()
            image_format = _allowed_format(image)
            frame_count = 1 if image_format == "JPEG" else int(getattr(image, "n_frames", 1))
            width, height = image.size
            if _orientation(image) in _SWAPPING_ORIENTATIONS:
                width, height = height, width
    note = ""
    if frame_count > 1:
        note = translate("Images", "Animated {format}: only the first frame is used.").format(
            format=_FORMAT_LABELS[image_format])
    return CheckedImage(image_format, width, height, frame_count, note)


def pixels_for_model(path: Path, *, max_side: int, name: str | None = None) -> ModelPixels:
    """The first frame upright, transparency flattened onto white, as RGB no larger than
    ``max_side`` on its longest side (never enlarged). Raises ``ImageFileError`` like
    ``check_image``."""
    label = _label(name, path)
    image = _upright_rgb(read_image_file(path, label), label, max_side)
    return ModelPixels(image.width, image.height, image.tobytes())


def thumbnail_png(
    source: Path | bytes, *, max_side: int = THUMBNAIL_MAX_SIDE, name: str | None = None
) -> bytes:
    """A PNG of the first frame, upright and flattened onto white, at most ``max_side``
    pixels on its longest side. Raises ``ImageFileError`` like ``check_image``."""
    label = _label(name, source)
    image = _upright_rgb(_source_bytes(source, label), label, max_side)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# ----------------------------------------------------------------------------- helpers


def _label(name: str | None, source: Path | bytes) -> str:
    if name and name.strip():
        return name.strip()
    if isinstance(source, Path | str):
        return Path(source).name or translate("Images", "The image")
    return translate("Images", "The image")


def _source_bytes(source: Path | bytes, label: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        _check_file_size(len(source), label)
        return bytes(source)
    return read_image_file(Path(source), label)


def _check_file_size(size: int, label: str) -> None:
    if size > MAX_IMAGE_FILE_BYTES:
        raise ImageFileError(translate(
            "Images", "{file} is {size}, more than the {limit} Mosaic reads; save a smaller "
            "copy of it and attach that instead.").format(
            file=label, size=_megabytes(size), limit=_megabytes(MAX_IMAGE_FILE_BYTES)))


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


@contextmanager
def _guarded(label: str) -> Iterator[None]:
    """Decompression-bomb warnings raised as errors (locally), and every decoding failure
    turned into an ``ImageFileError``."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except ImageFileError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageFileError(_too_many_pixels(label, _pixels_in(exc))) from exc
        except MemoryError as exc:
            raise ImageFileError(translate(
                "Images", "{file} is too large to open with the memory available; attach a "
                "smaller copy of it.").format(file=label)) from exc
        except Exception as exc:  # hostile input: any decoder failure means damaged
            raise ImageFileError(_damaged(label, exc)) from exc


def _open(data: bytes, label: str) -> Image.Image:
    """Open (header only) an image of an allowed format with an acceptable pixel count."""
    try:
        image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception as exc:
        if _has_allowed_signature(data):
            raise ImageFileError(_damaged(label, exc)) from exc
        kind = _foreign_kind(data)
        if kind is None:
            raise ImageFileError(translate(
                "Images", "{file} is not an image Mosaic can read; attach a {formats} "
                "file.").format(file=label, formats=_readable_formats())) from exc
        raise ImageFileError(_foreign_sentence(kind, label)) from exc
    # The same limit as Pillow's warning, checked directly: it does not depend on the
    # process-wide warning filters, which other threads may be changing.
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and image.width * image.height > limit:
        image.close()
        raise ImageFileError(_too_many_pixels(label, image.width * image.height))
    return image


def _allowed_format(image: Image.Image) -> str:
    found = "JPEG" if image.format == "MPO" else image.format  # MPO: a camera JPEG
    if found not in FILE_EXTENSIONS:  # cannot happen: opened with formats=
        raise ImageFileError(translate(
            "Images", "{format} is not an image format Mosaic reads.").format(
            format=image.format))
    return found


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) else 1


def _upright_rgb(data: bytes, label: str, max_side: int) -> Image.Image:
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    with _guarded(label):
        image = _open(data, label)
        with image:
            longest = max(image.size)
            if image.format in ("JPEG", "MPO") and longest > max_side:
                scale = max_side / longest  # decode at 1/2, 1/4 or 1/8 when that is enough
                image.draft("RGB", (max(1, math.ceil(image.width * scale)),
                                    max(1, math.ceil(image.height * scale))))
            image.load()
            upright = ImageOps.exif_transpose(image)  # a loaded copy
        return _flattened(_downscaled(_rgb_or_rgba(upright), max_side))


def _rgb_or_rgba(image: Image.Image) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_GREY:  # Pillow's convert would clip 16-bit grey to white
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    has_alpha = image.mode in _ALPHA_MODES or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _downscaled(image: Image.Image, max_side: int) -> Image.Image:
    longest = max(image.size)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (min(max_side, max(1, round(image.width * scale))),
            min(max_side, max(1, round(image.height * scale))))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flattened(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, image).convert("RGB")


def _has_allowed_signature(data: bytes) -> bool:
    return (data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
            or (data[:2] == b"BM" and len(data) >= 18 and data[14] in _BMP_HEADER_SIZES
                and data[15:18] == b"\0\0\0"))


def _foreign_kind(data: bytes) -> str | None:
    """The format of a file Mosaic does not read, named like Pillow's ("TIFF"), or None."""
    for signature, kind in _FOREIGN_SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in _HEIF_BRANDS:
            return "HEIF"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in head:
        return "SVG"
    try:  # ask Pillow's other plugins to name it (header only, never decoded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as other:
                found = other.format
    except Exception:
        return None
    return found or None


def _readable_formats() -> str:
    return translate("Images", "PNG, JPEG, WebP, GIF or BMP")


def _foreign_sentence(kind: str, label: str) -> str:
    """The refusal of ``label``, a file in a format Mosaic does not read (``kind``, from
    ``_foreign_kind``): one whole sentence per kind, so each reads naturally translated."""
    sentences = {
        "PDF": translate("Images", "{file} is a PDF document, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "PSD": translate("Images", "{file} is a Photoshop document, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "JXL": translate("Images", "{file} is a JPEG XL image, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "HEIF": translate("Images", "{file} is a HEIC image, which Mosaic cannot read; "
                          "convert it to PNG or JPEG, or attach a {formats} file."),
        "AVIF": translate("Images", "{file} is an AVIF image, which Mosaic cannot read; "
                          "convert it to PNG or JPEG, or attach a {formats} file."),
        "SVG": translate("Images", "{file} is an SVG drawing, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "TIFF": translate("Images", "{file} is a TIFF image, which Mosaic cannot read; "
                          "convert it to PNG or JPEG, or attach a {formats} file."),
        "ICO": translate("Images", "{file} is a Windows icon, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "ICNS": translate("Images", "{file} is a macOS icon, which Mosaic cannot read; "
                          "convert it to PNG or JPEG, or attach a {formats} file."),
        "JPEG2000": translate("Images", "{file} is a JPEG 2000 image, which Mosaic cannot "
                              "read; convert it to PNG or JPEG, or attach a {formats} file."),
        "EPS": translate("Images", "{file} is an EPS document, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "DDS": translate("Images", "{file} is a DirectDraw texture, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "TGA": translate("Images", "{file} is a TGA image, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "PPM": translate("Images", "{file} is a PPM image, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
        "PCX": translate("Images", "{file} is a PCX image, which Mosaic cannot read; "
                         "convert it to PNG or JPEG, or attach a {formats} file."),
    }
    sentence = sentences.get(kind) or translate(
        "Images", "{file} is an image in {format} format, which Mosaic cannot read; convert "
        "it to PNG or JPEG, or attach a {formats} file.")
    return sentence.format(file=label, format=kind, formats=_readable_formats())


def _too_many_pixels(label: str, pixels: int | None) -> str:
    limit = f"{(Image.MAX_IMAGE_PIXELS or 0) / 1e6:,.0f}"
    if pixels is None:
        return translate(
            "Images", "{file} has too many pixels to open safely (Mosaic reads up to {limit} "
            "megapixels); scale it down and attach it again.").format(file=label, limit=limit)
    return translate(
        "Images", "{file} has too many pixels to open safely ({pixels} megapixels; Mosaic "
        "reads up to {limit} megapixels); scale it down and attach it again.").format(
        file=label, pixels=f"{pixels / 1e6:,.0f}", limit=limit)


def _pixels_in(exc: BaseException) -> int | None:
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return int(found.group(1)) if found else None


def _damaged(label: str, exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):  # its text names a Python object
        return translate(
            "Images", "{file} is damaged or incomplete (its header cannot be read); save it "
            "again or choose another image.").format(file=label)
    reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    if len(reason) > 120:
        reason = reason[:119] + "…"
    return translate(
        "Images", "{file} is damaged or incomplete ({reason}); save it again or choose "
        "another image.").format(file=label, reason=reason)


__all__ = [
    "FILE_EXTENSIONS",
    "MAX_IMAGE_FILE_BYTES",
    "THUMBNAIL_MAX_SIDE",
    "CheckedImage",
    "ImageFileError",
    "ModelPixels",
    "check_image",
    "pixels_for_model",
    "read_image_file",
    "thumbnail_png",
]
