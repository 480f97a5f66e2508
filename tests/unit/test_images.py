"""Checking and preparing attached images (Pillow, no Qt): every hostile input is refused
with one sentence, and the model sees upright, flattened, bounded RGB pixels."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from assistant.media.images import (
    MAX_IMAGE_FILE_BYTES,
    ImageFileError,
    check_image,
    pixels_for_model,
    thumbnail_png,
)

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
ORIENTATION = 0x0112


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def noise(width: int, height: int, seed: int = 7) -> Image.Image:
    """Random pixels: they do not compress, so a cut file loses real image data."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def one_bit_png(path: Path, width: int, height: int) -> Path:
    """A complete, valid one-colour PNG of any size, written row by row (tiny on disk and
    cheap to make, however many pixels it declares)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join([compressor.compress(row) for _ in range(height)] + [compressor.flush()])
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
                     + chunk(b"IEND", b""))
    return path


def half_red_half_blue(orientation: int, image_format: str = "PNG") -> bytes:
    """40 × 20 pixels, left half red and right half blue, tagged with an EXIF orientation."""
    image = Image.new("RGB", (40, 20), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 19, 19), fill=RED)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return encoded(image, image_format, exif=exif.tobytes(), **(
        {"quality": 95} if image_format == "JPEG" else {}))


def pixel(pixels_rgb: bytes, width: int, x: int, y: int) -> tuple[int, int, int]:
    start = (y * width + x) * 3
    r, g, b = pixels_rgb[start:start + 3]
    return r, g, b


def close_to(found: tuple[int, int, int], expected: tuple[int, int, int], slack: int) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(found, expected, strict=True))


def refusal(action: Callable[[], object]) -> str:
    """The sentence an action is refused with, checked to be one plain sentence."""
    with pytest.raises(ImageFileError) as raised:
        action()
    sentence = str(raised.value)
    assert "\n" not in sentence and "Traceback" not in sentence
    assert sentence.endswith(".") and sentence.count("; ") >= 1
    assert "<_io." not in sentence  # no Python object names
    return sentence


def every_use_refuses(path: Path, name: str) -> list[str]:
    """check_image, pixels_for_model and thumbnail_png all refuse ``path``; their sentences."""
    return [
        refusal(lambda: check_image(path, name)),
        refusal(lambda: pixels_for_model(path, max_side=64, name=name)),
        refusal(lambda: thumbnail_png(path, name=name)),
    ]


@pytest.fixture(scope="module")
def bomb_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 × 20,000 pixels of one colour: about 50 KB on disk, 400 MB once decoded."""
    return one_bit_png(tmp_path_factory.mktemp("bomb") / "bomb.png", 20_000, 20_000)


@pytest.fixture(scope="module")
def big_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ordinary 8000 × 6000 camera-sized JPEG: green top-left quarter, orange elsewhere."""
    image = Image.new("RGB", (8000, 6000), (230, 120, 30))
    ImageDraw.Draw(image).rectangle((0, 0, 3999, 2999), fill=(20, 200, 40))
    path = tmp_path_factory.mktemp("photo") / "holiday.jpg"
    image.save(path, quality=85)
    return path


# ------------------------------------------------------------------------ good images


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF", "BMP"])
def test_each_allowed_format_is_accepted(tmp_path: Path, image_format: str) -> None:
    path = write(tmp_path / "picture", encoded(noise(30, 20), image_format))
    checked = check_image(path, "picture")
    assert (checked.format, checked.width, checked.height) == (image_format, 30, 20)
    assert (checked.frame_count, checked.note) == (1, "")
    assert check_image(path.read_bytes(), "picture") == checked  # bytes work the same


def test_ordinary_large_photo_is_accepted_and_scaled_down(big_photo: Path) -> None:
    checked = check_image(big_photo, "holiday.jpg")
    assert (checked.format, checked.width, checked.height) == ("JPEG", 8000, 6000)

    pixels = pixels_for_model(big_photo, max_side=1024)
    assert (pixels.width, pixels.height) == (1024, 768)  # aspect ratio kept
    assert len(pixels.rgb) == 1024 * 768 * 3
    assert close_to(pixel(pixels.rgb, 1024, 100, 100), (20, 200, 40), 12)
    assert close_to(pixel(pixels.rgb, 1024, 900, 700), (230, 120, 30), 12)


@pytest.mark.parametrize(("size", "max_side", "expected"), [
    ((10, 5), 100, (10, 5)),  # never enlarged
    ((64, 64), 64, (64, 64)),
    ((300, 100), 30, (30, 10)),
    ((100, 300), 30, (10, 30)),
    ((1000, 3), 100, (100, 1)),  # never below one pixel
])
def test_model_pixels_fit_max_side_keeping_aspect(
    tmp_path: Path, size: tuple[int, int], max_side: int, expected: tuple[int, int]
) -> None:
    path = write(tmp_path / "x.png", encoded(Image.new("RGB", size, GREEN), "PNG"))
    pixels = pixels_for_model(path, max_side=max_side)
    assert (pixels.width, pixels.height) == expected
    assert len(pixels.rgb) == expected[0] * expected[1] * 3
    assert pixel(pixels.rgb, pixels.width, 0, 0) == GREEN


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_exif_orientation_6_turns_the_image_upright(tmp_path: Path, image_format: str) -> None:
    path = write(tmp_path / "phone-photo", half_red_half_blue(6, image_format))
    checked = check_image(path, "phone-photo")
    assert (checked.width, checked.height) == (20, 40)  # stored 40 × 20, shown 20 × 40

    pixels = pixels_for_model(path, max_side=100)
    assert (pixels.width, pixels.height) == (20, 40)
    # A quarter turn clockwise: the red left half becomes the top half.
    assert close_to(pixel(pixels.rgb, 20, 10, 5), RED, 40)
    assert close_to(pixel(pixels.rgb, 20, 10, 34), BLUE, 40)


@pytest.mark.parametrize(("orientation", "swapped"), [
    (1, False), (2, False), (3, False), (4, False), (5, True), (6, True), (7, True), (8, True),
])
def test_every_exif_orientation_gives_the_shown_size(
    tmp_path: Path, orientation: int, swapped: bool
) -> None:
    path = write(tmp_path / "o.png", half_red_half_blue(orientation))
    checked = check_image(path, "o.png")
    pixels = pixels_for_model(path, max_side=100)
    expected = (20, 40) if swapped else (40, 20)
    assert (checked.width, checked.height) == expected == (pixels.width, pixels.height)


def test_upside_down_photo_is_turned_over(tmp_path: Path) -> None:
    path = write(tmp_path / "o.png", half_red_half_blue(3))
    pixels = pixels_for_model(path, max_side=100)
    assert pixel(pixels.rgb, 40, 5, 10) == BLUE  # red was on the left before the half turn
    assert pixel(pixels.rgb, 40, 35, 10) == RED


def test_transparency_is_flattened_onto_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (3, 1))
    image.putdata([(0, 0, 0, 0), (0, 0, 0, 128), (255, 0, 0, 255)])
    path = write(tmp_path / "alpha.png", encoded(image, "PNG"))
    pixels = pixels_for_model(path, max_side=10)
    assert pixel(pixels.rgb, 3, 0, 0) == WHITE  # fully transparent black shows as white
    assert close_to(pixel(pixels.rgb, 3, 1, 0), (127, 127, 127), 1)
    assert pixel(pixels.rgb, 3, 2, 0) == RED


@pytest.mark.parametrize("kind", ["LA png", "palette png", "palette gif", "RGBA webp"])
def test_other_kinds_of_transparency_are_flattened(tmp_path: Path, kind: str) -> None:
    if kind == "LA png":
        data = encoded(Image.new("LA", (4, 4), (0, 0)), "PNG")
    elif kind.startswith("palette"):
        image = Image.new("P", (4, 4), 1)
        image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
        data = encoded(image, kind.split()[1].upper(), transparency=1)
    else:
        data = encoded(Image.new("RGBA", (4, 4), (0, 0, 255, 0)), "WEBP", lossless=True)
    pixels = pixels_for_model(write(tmp_path / "t", data), max_side=8)
    assert pixel(pixels.rgb, 4, 2, 2) == WHITE


def test_sixteen_bit_grey_keeps_its_brightness(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.png", encoded(Image.new("I;16", (4, 4), 128 * 257), "PNG"))
    pixels = pixels_for_model(path, max_side=8)
    assert close_to(pixel(pixels.rgb, 4, 1, 1), (128, 128, 128), 1)


def test_animated_gif_uses_its_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (12, 8), colour) for colour in (RED, GREEN, BLUE)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    path = write(tmp_path / "dance.gif", data)
    checked = check_image(path, "dance.gif")
    assert (checked.format, checked.frame_count) == ("GIF", 3)
    assert checked.note == "Animated GIF: only the first frame is used."
    pixels = pixels_for_model(path, max_side=64)
    assert (pixels.width, pixels.height) == (12, 8)
    assert pixel(pixels.rgb, 12, 6, 4) == RED


def test_animated_webp_gets_the_same_note(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in (GREEN, BLUE)]
    data = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    checked = check_image(data, "loop.webp")
    assert checked.frame_count == 2
    assert checked.note == "Animated WebP: only the first frame is used."


def test_thumbnail_is_an_upright_flattened_png(tmp_path: Path) -> None:
    image = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 499, 499), fill=(255, 0, 0, 255))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    path = write(tmp_path / "wide.png", encoded(image, "PNG", exif=exif.tobytes()))

    thumbnail = Image.open(io.BytesIO(thumbnail_png(path)))
    assert thumbnail.format == "PNG" and thumbnail.mode == "RGB"
    assert thumbnail.size == (128, 256)  # upright (tall) and at most 256 on its long side
    assert thumbnail.getpixel((64, 60)) == RED  # the left half went to the top
    assert thumbnail.getpixel((64, 200)) == WHITE  # transparent, on white
    assert Image.open(io.BytesIO(thumbnail_png(path, max_side=64))).size == (32, 64)


# ------------------------------------------------------------------------- bad images


def test_text_file_named_png_is_not_an_image(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.png", b"Shopping list:\n- eggs\n- flour\n")
    for sentence in every_use_refuses(path, "notes.png"):
        assert sentence == ("notes.png is not an image Mosaic can read; "
                            "attach a PNG, JPEG, WebP, GIF or BMP file.")


@pytest.mark.parametrize("data", [b"", bytes(random.Random(3).randbytes(4096))],
                         ids=["empty", "random bytes"])
def test_empty_or_random_bytes_are_not_an_image(data: bytes) -> None:
    sentence = refusal(lambda: check_image(data, "Pasted image"))
    assert sentence.startswith("Pasted image is not an image Mosaic can read")


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_truncated_image_is_damaged(tmp_path: Path, image_format: str) -> None:
    data = encoded(noise(120, 90), image_format)
    path = write(tmp_path / "cut-off", data[: len(data) // 2])
    for sentence in every_use_refuses(path, "cut-off"):
        assert sentence.startswith("cut-off is damaged or incomplete (")
        assert sentence.endswith("); save it again or choose another image.")


@pytest.mark.parametrize("keep", [12, 40])
def test_image_cut_inside_its_header_is_damaged(keep: int) -> None:
    data = encoded(noise(16, 16), "PNG")[:keep]
    assert "is damaged or incomplete" in refusal(lambda: check_image(data, "a.png"))


def test_corrupt_png_data_is_damaged(tmp_path: Path) -> None:
    data = bytearray(encoded(noise(120, 90), "PNG"))
    start = data.index(b"IDAT") + 200
    data[start:start + 64] = bytes(random.Random(5).randbytes(64))
    path = write(tmp_path / "scratched.png", bytes(data))
    assert "scratched.png is damaged or incomplete" in refusal(
        lambda: check_image(path, "scratched.png"))


@pytest.mark.parametrize(("data", "what"), [
    (encoded(Image.new("RGB", (8, 8)), "TIFF"), "a TIFF image"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8"/>',
     "an SVG drawing"),
    (b"<svg viewBox='0 0 8 8'><rect width='8' height='8'/></svg>", "an SVG drawing"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "a HEIC image"),
    (encoded(Image.new("RGB", (16, 16)), "ICO"), "a Windows icon"),
], ids=["tiff", "svg-xml", "svg", "pdf", "heic", "ico"])
def test_unsupported_format_is_named(data: bytes, what: str) -> None:
    sentence = refusal(lambda: check_image(data, "upload"))
    assert sentence == (f"upload is {what}, which Mosaic cannot read; convert it to PNG or "
                        f"JPEG, or attach a PNG, JPEG, WebP, GIF or BMP file.")


def test_decompression_bomb_is_refused_without_decoding(bomb_png: Path) -> None:
    filters_before = list(warnings.filters)
    limit_before = Image.MAX_IMAGE_PIXELS
    for sentence in every_use_refuses(bomb_png, "bomb.png"):
        assert sentence == ("bomb.png has too many pixels to open safely (400 megapixels; "
                            "Mosaic reads up to 89 megapixels); scale it down and attach "
                            "it again.")
    assert warnings.filters == filters_before  # nothing changed for the rest of the process
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_image_just_over_pillows_warning_limit_is_refused(tmp_path: Path) -> None:
    # 100 megapixels: above Image.MAX_IMAGE_PIXELS, where Pillow only warns.
    path = one_bit_png(tmp_path / "huge.png", 10_000, 10_000)
    assert "too many pixels" in refusal(lambda: check_image(path, "huge.png"))


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pixel_limit_holds_even_when_warning_filters_are_not_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warning filters are process-wide: another thread leaving ``catch_warnings`` can
    restore them while an image is checked. The pixel limit must not depend on them."""
    monkeypatch.setattr(warnings, "simplefilter", lambda *args, **kwargs: None)
    path = one_bit_png(tmp_path / "huge.png", 10_000, 10_000)
    assert "too many pixels" in refusal(lambda: check_image(path, "huge.png"))


def test_pillows_bomb_warning_is_a_refusal_not_a_warning() -> None:
    """A GIF whose frame reaches past its 4 × 4 screen to 10,000 × 10,000 pixels: Pillow
    only warns while opening it (100 megapixels is between its warning and error limits).
    The warning must become the refusal, and nothing may leak out as a warning."""
    descriptor = b"," + struct.pack("<HHHH", 0, 0, 10_000, 10_000) + b"\x80"
    data = (b"GIF89a" + struct.pack("<HH", 4, 4) + b"\x00\x00\x00"
            + descriptor + bytes(6) + b"\x02\x02\x44\x01\x00;")
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        sentence = refusal(lambda: check_image(data, "trick.gif"))
    assert sentence.startswith("trick.gif has too many pixels to open safely (100 megapixels")
    assert leaked == []


def test_file_over_the_size_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "enormous.png"
    with path.open("wb") as file:  # sparse: costs no disk
        file.write(b"\x89PNG\r\n\x1a\n")
        file.truncate(200 * 1024 * 1024)
    assert path.stat().st_size > MAX_IMAGE_FILE_BYTES
    for sentence in every_use_refuses(path, "enormous.png"):
        assert sentence == ("enormous.png is 200 MB, more than the 64 MB Mosaic reads; "
                            "save a smaller copy of it and attach that instead.")


def test_missing_file_or_folder_is_refused(tmp_path: Path) -> None:
    gone = refusal(lambda: check_image(tmp_path / "moved.png", "moved.png"))
    assert gone.startswith("moved.png could not be read (No such file or directory); ")
    folder = refusal(lambda: check_image(tmp_path, "Pictures"))
    assert folder == "Pictures is not a file; choose an image file instead."


def test_messages_name_the_file_by_its_path_when_no_name_is_given(tmp_path: Path) -> None:
    path = write(tmp_path / "letter.webp", b"Dear Sir")
    assert refusal(lambda: pixels_for_model(path, max_side=8)).startswith(
        "letter.webp is not an image")


def test_max_side_must_be_positive(tmp_path: Path) -> None:
    path = write(tmp_path / "x.png", encoded(Image.new("RGB", (4, 4)), "PNG"))
    with pytest.raises(ValueError, match="max_side"):
        pixels_for_model(path, max_side=0)
