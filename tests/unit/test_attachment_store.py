"""Content-addressed image files: checked, stored once, written atomically, swept."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from assistant.media.images import ImageFileError
from assistant.storage.attachment_store import AttachmentStore
from assistant.storage.errors import StorageError

HOUR = 3600.0


def image_bytes(colour: tuple[int, int, int], image_format: str = "PNG",
                size: tuple[int, int] = (30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, image_format)
    return out.getvalue()


def every_file(root: Path) -> list[str]:
    """Every file under root (hidden ones too), relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore(tmp_path / "attachments")


def test_image_is_stored_under_its_sha256_with_a_thumbnail(
    store: AttachmentStore, tmp_path: Path
) -> None:
    data = image_bytes((10, 120, 200), size=(600, 300))
    original = tmp_path / "Beach day.png"
    original.write_bytes(data)

    image = store.add_image(original, "Beach day.png")

    sha = hashlib.sha256(data).hexdigest()
    assert image.sha256 == sha
    assert image.path == str(store.root / sha[:2] / f"{sha}.png")
    assert image.thumbnail_path == str(store.root / sha[:2] / f"{sha}.thumb.png")
    assert Path(image.path).is_absolute()
    assert (image.name, image.width, image.height) == ("Beach day.png", 600, 300)
    assert (image.byte_size, image.note) == (len(data), "")
    assert Path(image.path).read_bytes() == data  # the original bytes, untouched
    with Image.open(image.thumbnail_path) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("PNG", (256, 128))
    # Exactly the two files: no temporary file left behind.
    assert every_file(store.root) == [f"{sha[:2]}/{sha}.png", f"{sha[:2]}/{sha}.thumb.png"]

    original.unlink()  # the person's file may move: the stored copy stays
    assert Path(image.path).read_bytes() == data


@pytest.mark.parametrize(("image_format", "extension"), [
    ("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("GIF", "gif"), ("BMP", "bmp"),
])
def test_extension_follows_the_detected_format(
    store: AttachmentStore, image_format: str, extension: str
) -> None:
    image = store.add_image(image_bytes((200, 0, 0), image_format), "pasted.png")
    assert image.path.endswith(f"{image.sha256}.{extension}")
    assert Path(image.thumbnail_path).is_file()


def test_same_bytes_are_stored_once_and_not_rewritten(
    store: AttachmentStore, tmp_path: Path
) -> None:
    data = image_bytes((0, 160, 0))
    first = store.add_image(data, "Pasted image")
    stored = os.stat(first.path)
    thumbnail = os.stat(first.thumbnail_path)
    copy = tmp_path / "same.png"
    copy.write_bytes(data)

    second = store.add_image(copy, "same.png")

    assert (second.path, second.thumbnail_path) == (first.path, first.thumbnail_path)
    assert second.name == "same.png"
    assert os.stat(second.path).st_ino == stored.st_ino  # not replaced by a new file
    assert os.stat(second.thumbnail_path).st_ino == thumbnail.st_ino
    assert len(every_file(store.root)) == 2


def test_unusable_image_stores_nothing(store: AttachmentStore, tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    with pytest.raises(ImageFileError, match=r"^notes\.png is not an image"):
        store.add_image(text, "notes.png")
    data = image_bytes((1, 2, 3))
    with pytest.raises(ImageFileError, match="damaged or incomplete"):
        store.add_image(data[: len(data) // 2], "half.png")
    assert not store.root.exists() or every_file(store.root) == []


def test_full_disk_gives_a_sentence_and_leaves_no_partial_file(
    store: AttachmentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)  # where delayed allocation reports it
    with pytest.raises(StorageError) as raised:
        store.add_image(image_bytes((9, 9, 9)), "photo.png")
    assert str(raised.value) == ("Mosaic could not store the image photo.png because the "
                                 "disk is full; free some space and try again.")
    assert every_file(store.root) == []


def test_failed_thumbnail_write_takes_the_new_original_with_it(
    store: AttachmentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls = []

    def second_file_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:  # original: file + folder; the thumbnail's file fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_file_fails)
    with pytest.raises(StorageError, match="disk is full"):
        store.add_image(image_bytes((9, 9, 9)), "photo.png")
    assert every_file(store.root) == []


def test_no_permission_gives_a_sentence(
    store: AttachmentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StorageError) as raised:
        store.add_image(image_bytes((9, 9, 9)), "photo.png")
    sentence = str(raised.value)
    assert sentence.startswith("Mosaic could not store the image photo.png because it may "
                               f"not write to {store.root}; ")
    assert "free some space" in sentence and sentence.endswith(".")
    assert every_file(store.root) == []


def test_remove_deletes_the_image_and_its_thumbnail(store: AttachmentStore) -> None:
    kept = store.add_image(image_bytes((1, 1, 1)), "kept.png")
    gone = store.add_image(image_bytes((2, 2, 2)), "gone.png")
    store.remove(gone.sha256)
    assert not Path(gone.path).exists() and not Path(gone.thumbnail_path).exists()
    store.remove(gone.sha256)  # already gone: fine
    assert Path(kept.path).is_file() and Path(kept.thumbnail_path).is_file()
    with pytest.raises(ValueError):
        store.remove("../../etc")


def test_sweep_removes_old_unreferenced_images_only(store: AttachmentStore) -> None:
    referenced = store.add_image(image_bytes((1, 0, 0)), "sent.png")
    abandoned = store.add_image(image_bytes((2, 0, 0)), "never sent.png")
    in_composer = store.add_image(image_bytes((3, 0, 0)), "being typed.png")
    for image in (referenced, abandoned):
        age(Path(image.path), 2 * HOUR)
        age(Path(image.thumbnail_path), 2 * HOUR)
    crash_leftover = Path(abandoned.path).parent / f".{abandoned.sha256}.png.x7k2.tmp"
    crash_leftover.write_bytes(b"half")
    age(crash_leftover, 2 * HOUR)
    stranger = store.root / "README.txt"
    stranger.write_text("not ours")
    age(stranger, 2 * HOUR)

    assert store.sweep_unreferenced({referenced.sha256}, older_than_s=HOUR) == 1

    assert not Path(abandoned.path).exists() and not Path(abandoned.thumbnail_path).exists()
    assert not crash_leftover.exists()
    assert Path(referenced.path).is_file() and Path(referenced.thumbnail_path).is_file()
    assert Path(in_composer.path).is_file()  # too young: a composer may still send it
    assert stranger.exists()
    assert store.sweep_unreferenced({referenced.sha256}, older_than_s=HOUR) == 0


def test_adding_an_old_image_again_protects_it_from_the_sweep(store: AttachmentStore) -> None:
    data = image_bytes((4, 5, 6))
    image = store.add_image(data, "old.png")
    age(Path(image.path), 2 * HOUR)
    age(Path(image.thumbnail_path), 2 * HOUR)
    again = store.add_image(data, "old again.png")  # dropped into a new composer
    assert store.sweep_unreferenced(set(), older_than_s=HOUR) == 0
    assert Path(again.path).is_file()


def test_sweep_of_a_store_never_written_is_empty(tmp_path: Path) -> None:
    assert AttachmentStore(tmp_path / "nothing yet").sweep_unreferenced(set(), 0) == 0


def test_concurrent_adds_of_the_same_image_agree(store: AttachmentStore) -> None:
    data = image_bytes((7, 7, 7), size=(200, 200))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: store.add_image(data, f"copy {i}.png"), range(8)))
    assert len({(r.sha256, r.path, r.thumbnail_path) for r in results}) == 1
    assert Path(results[0].path).read_bytes() == data
    assert len(every_file(store.root)) == 2
