"""Content-addressed files of attached images and recordings, under one root folder.

An image with sha256 ``h`` of format extension ``ext`` is stored once as
``root/h[:2]/h.ext``, with a PNG thumbnail ``root/h[:2]/h.thumb.png``. Files are written
atomically (a temporary file in the same folder, fsync, rename) and never rewritten: the
same bytes give the same name. The store holds no state besides the files, so it may be
used from any thread; the database rows that refer to the files belong to
``ChatRepository``.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import time
import wave
from contextlib import suppress
from pathlib import Path

import numpy as np

from assistant.core.atomic_file import write_atomically
from assistant.core.attachments import AudioAttachment, ImageAttachment
from assistant.media.images import FILE_EXTENSIONS, check_image, read_image_file, thumbnail_png
from assistant.storage.errors import StorageError

THUMBNAIL_SUFFIX = ".thumb.png"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FULL_DISK = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)


class AttachmentStore:
    """The stored copies of attached images under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()

    def add_image(self, source: Path | bytes, name: str) -> ImageAttachment:
        """Check an image, store a copy and a thumbnail, and describe it.

        Raises ``ImageFileError`` when the image is unusable and ``StorageError`` when it
        cannot be written (full disk, no permission); nothing half-written is left behind.
        """
        data = source if isinstance(source, bytes) else read_image_file(Path(source), name)
        checked = check_image(data, name)
        sha256 = hashlib.sha256(data).hexdigest()
        original = self.root / self.stored_name(sha256, FILE_EXTENSIONS[checked.format])
        thumbnail = self.thumbnail_path(sha256)
        new_original = not _is_stored(original, len(data))
        if new_original:
            self._write(original, data, name)
        else:  # stored before: mark it as fresh so a sweep leaves it for this composer
            _touch(original)
        if _is_stored(thumbnail):
            _touch(thumbnail)
        else:
            try:
                self._write(thumbnail, thumbnail_png(data, name=name), name)
            except BaseException:
                if new_original:
                    original.unlink(missing_ok=True)
                raise
        return ImageAttachment(
            sha256=sha256, path=str(original), thumbnail_path=str(thumbnail), name=name,
            width=checked.width, height=checked.height, byte_size=len(data),
            note=checked.note,
        )

    def add_recording(self, samples: np.ndarray, rate: int, name: str) -> AudioAttachment:
        """Store a recording (mono float samples in -1…1) as a 16-bit WAV and describe it.

        Raises ``StorageError`` when it cannot be written; nothing half-written is left.
        """
        pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2")
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm.tobytes())
        data = buffer.getvalue()
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.root / self.stored_name(sha256, "wav")
        if _is_stored(path, len(data)):
            _touch(path)
        else:
            self._write(path, data, name)
        return AudioAttachment(sha256=sha256, path=str(path), name=name,
                               duration_s=len(pcm) / rate)

    @staticmethod
    def stored_name(sha256: str, extension: str) -> str:
        """The path of a stored original relative to the root: ``ab/ab….ext``."""
        return f"{_checked_sha(sha256)[:2]}/{sha256}.{extension}"

    def thumbnail_path(self, sha256: str) -> Path:
        return self.root / _checked_sha(sha256)[:2] / f"{sha256}{THUMBNAIL_SUFFIX}"

    def remove(self, sha256: str) -> None:
        """Delete the stored image and its thumbnail; a missing file is fine."""
        folder = self.root / _checked_sha(sha256)[:2]
        try:
            stored = list(folder.glob(f"{sha256}.*"))
        except OSError:
            return
        for path in stored:
            _unlink(path)

    def sweep_unreferenced(self, referenced: set[str], older_than_s: float) -> int:
        """Delete stored images whose sha256 is not in ``referenced`` and whose files are all
        older than ``older_than_s`` seconds (left by a composer that was never sent), and
        temporary files left by a crash; return how many images were removed."""
        cutoff = time.time() - older_than_s
        files: dict[str, list[Path]] = {}
        try:
            folders = [entry for entry in self.root.iterdir() if entry.is_dir()]
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise StorageError(_failure_sentence("tidy up stored images", self.root, exc)) \
                from exc
        for folder in folders:
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for path in entries:
                sha256, _, rest = path.name.lstrip(".").partition(".")
                if not _SHA256.match(sha256) or not rest:
                    continue
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    if _mtime(path) < cutoff:  # an interrupted atomic write
                        _unlink(path)
                    continue
                files.setdefault(sha256, []).append(path)
        removed = 0
        for sha256, paths in files.items():
            if sha256 in referenced or any(_mtime(path) >= cutoff for path in paths):
                continue
            for path in paths:
                _unlink(path)
            removed += 1
        return removed

    def _write(self, path: Path, data: bytes, name: str) -> None:
        try:
            write_atomically(path, data)
        except OSError as exc:
            raise StorageError(_failure_sentence(f"store the image {name}", self.root, exc)) \
                from exc


def _failure_sentence(action: str, root: Path, exc: OSError) -> str:
    if exc.errno in _FULL_DISK:
        return (f"Mosaic could not {action} because the disk is full; "
                f"free some space and try again.")
    if exc.errno in _NOT_ALLOWED or isinstance(exc, PermissionError):
        return (f"Mosaic could not {action} because it may not write to {root}; check the "
                f"permissions of that folder and free some space, then try again.")
    reason = exc.strerror or str(exc)
    return (f"Mosaic could not {action} ({reason}); check the disk and free some space, "
            f"then try again.")


def _checked_sha(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError(f"not a lower-case hex sha256: {sha256!r}")
    return sha256


def _is_stored(path: Path, size: int | None = None) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return size is None or info.st_size == size


def _touch(path: Path) -> None:
    with suppress(OSError):  # only a hint for the sweep
        os.utime(path)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()  # vanished or unreadable: treat as new, leave it alone


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(
            _failure_sentence(f"delete the stored image {path.name}", path.parent, exc)
        ) from exc
