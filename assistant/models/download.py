"""Downloading one model file: resumable, verified, and only then put in place.

``download_file`` blocks and is meant for a worker thread; ``on_progress`` is called on that
thread. Bytes go to ``<destination>.part`` (resumed with ``Range`` from its current size,
the existing part re-hashed first); only a file whose size and sha256 match is moved to
``destination``. A wrong size or checksum deletes the part: a damaged file is never offered
as ready. Network trouble and stalls keep the part, so Resume continues where it stopped.

Beside a part, ``<destination>.part.etag`` remembers the ETag of the server that sent its
bytes, sent back as ``If-Range`` on resume: a file that changed on the server is then sent
whole instead of being spliced onto old bytes. ``discard_partial`` removes both.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from http.client import HTTPException, HTTPResponse
from pathlib import Path

from assistant.core.i18n import translate
from assistant.models.catalog import CatalogFile
from assistant.models.gguf_inspect import format_bytes
from assistant.models.hub import (
    DownloadError,
    DownloadErrorKind,
    RemoteFile,
    host_of,
    http_error,
    make_opener,
    network_error,
    not_a_model_error,
    remote_file,
)

__all__ = [
    "DownloadControl",
    "DownloadError",
    "DownloadErrorKind",
    "DownloadOutcome",
    "DownloadProgress",
    "DownloadTarget",
    "RemoteFile",
    "check_free_space",
    "discard_partial",
    "download_file",
    "fetch_file",
    "part_path",
]

MiB = 1024 * 1024
SPEED_WINDOW_S = 3.0  # the moving average of the speed covers this many seconds
_FULL_DISK = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_NO_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)
_HTML_STARTS = (b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")


@dataclass(frozen=True)
class DownloadTarget:
    """One file to download: from where, to where, and what it must be."""

    url: str
    destination: Path
    expected_size: int | None
    sha256: str | None  # lowercase hex; required (a file that cannot be checked is refused)
    label: str  # the file name used in sentences


@dataclass(frozen=True)
class DownloadProgress:
    done_bytes: int
    total_bytes: int | None
    bytes_per_second: float  # moving average over the last few seconds
    eta_s: float | None
    stage: str  # "connecting", "downloading", "verifying"


class DownloadOutcome(StrEnum):
    DONE = "done"
    PAUSED = "paused"
    CANCELLED = "cancelled"


class DownloadControl:
    """Pause and cancel flags, set from any thread, read by the downloading thread.

    Setting one also interrupts a read that is waiting on a silent connection, so pausing
    takes effect at once instead of after the stall timeout. One control per run: after a
    pause, resume with a new ``download_file`` call and a new control.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused = False
        self._cancelled = False
        self._interrupt: Callable[[], None] | None = None

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            interrupt = self._interrupt
        if interrupt is not None:
            interrupt()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            interrupt = self._interrupt
        if interrupt is not None:
            interrupt()

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._paused or self._cancelled

    def _set_interrupt(self, interrupt: Callable[[], None] | None) -> None:
        with self._lock:
            self._interrupt = interrupt


ProgressCallback = Callable[[DownloadProgress], None]


def part_path(destination: Path) -> Path:
    """Where the bytes of ``destination`` collect until they are verified."""
    return destination.with_name(destination.name + ".part")


def _etag_path(destination: Path) -> Path:
    return destination.with_name(destination.name + ".part.etag")


def discard_partial(destination: Path) -> None:
    """Forget a partial download of ``destination`` (its ``.part`` and ``.part.etag``)."""
    for path in (part_path(destination), _etag_path(destination)):
        path.unlink(missing_ok=True)


def check_free_space(folder: Path, needed_bytes: int, *, label: str | None = None) -> None:
    """Raise a DISK_FULL DownloadError when ``folder``'s disk has less than ``needed_bytes``
    free (the nearest existing parent is measured; an unmeasurable disk passes)."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return
    if free < needed_bytes:
        sentence = (translate("Download", "Downloading {file} needs {needed} but only {free} "
                              "is free on the disk of {folder}; free some space or choose "
                              "another models folder in Settings, then try again.") if label
                    else translate("Download", "This download needs {needed} but only {free} "
                                   "is free on the disk of {folder}; free some space or choose "
                                   "another models folder in Settings, then try again."))
        raise DownloadError(
            DownloadErrorKind.DISK_FULL,
            sentence.format(file=label, needed=format_bytes(needed_bytes),
                            free=format_bytes(free), folder=folder),
            retryable=False,
        )


def download_file(
    target: DownloadTarget,
    control: DownloadControl,
    on_progress: ProgressCallback,
    *,
    opener: urllib.request.OpenerDirector | None = None,
    stall_timeout_s: float = 30.0,
    chunk_bytes: int = MiB,
    progress_interval_s: float = 0.1,
) -> DownloadOutcome:
    """Download ``target`` (resuming its ``.part``), verify it, and move it into place.

    Returns DONE (``destination`` is the verified file), PAUSED (the part is kept) or
    CANCELLED (the part is deleted); raises DownloadError with a sentence otherwise.
    """
    job = _Download(
        target,
        control,
        on_progress,
        opener or make_opener(),
        stall_timeout_s,
        chunk_bytes,
        progress_interval_s,
    )
    return job.run()


def fetch_file(
    endpoint: str,
    file: CatalogFile,
    destination: Path,
    control: DownloadControl,
    on_progress: ProgressCallback,
    *,
    opener: urllib.request.OpenerDirector | None = None,
    stall_timeout_s: float = 30.0,
) -> DownloadOutcome:
    """Download a catalog file from the hub at ``endpoint`` (or its fixed url) to
    ``destination``: the pinned sha256 wins over the hub's, a pinned exact size must match
    the hub's, and a file nobody publishes a checksum for is refused (UNVERIFIABLE)."""
    label = file.filename
    if (
        file.sha256 is not None
        and destination.is_file()
        and _matches(destination, file.sha256, control, on_progress)
    ):
        return DownloadOutcome.DONE
    if control.stopping:
        return _stopped(control, destination)
    opener = opener or make_opener()
    remote = remote_file(endpoint, file, opener)
    sha256 = file.sha256 or remote.sha256
    if sha256 is None:
        raise DownloadError(
            DownloadErrorKind.UNVERIFIABLE,
            translate("Download", "Mosaic cannot check {file}: neither its catalog nor {host} "
                      "gives its checksum, so it was not downloaded; download it yourself and "
                      "import it.").format(file=label, host=host_of(remote.url)),
            retryable=False,
        )
    if file.sha256 is not None and remote.sha256 is not None and remote.sha256 != file.sha256:
        raise DownloadError(
            DownloadErrorKind.CHECKSUM,
            translate("Download", "{host} now offers a different {file} than the one Mosaic "
                      "expects (its checksum changed), so it was not downloaded; update Mosaic "
                      "or choose another model.").format(host=host_of(remote.url), file=label),
            retryable=False,
        )
    if file.size_exact and remote.size is not None and remote.size != file.size_bytes:
        raise DownloadError(
            DownloadErrorKind.SIZE,
            translate("Download", "{host} says {file} has {size} bytes but Mosaic expects "
                      "{expected}, so it was not downloaded; update Mosaic or choose another "
                      "model.").format(host=host_of(remote.url), file=label,
                                       size=f"{remote.size:,}", expected=f"{file.size_bytes:,}"),
            retryable=False,
        )
    if (
        file.sha256 is None
        and destination.is_file()
        and _matches(destination, sha256, control, on_progress)
    ):
        return DownloadOutcome.DONE
    if control.stopping:
        return _stopped(control, destination)
    size = file.size_bytes if file.size_exact else remote.size
    target = DownloadTarget(remote.url, destination, size, sha256, label)
    return download_file(
        target, control, on_progress, opener=opener, stall_timeout_s=stall_timeout_s
    )


def _matches(
    path: Path, sha256: str, control: DownloadControl, on_progress: ProgressCallback
) -> bool:
    """Whether an existing file already has ``sha256`` (progress shown while hashing)."""
    try:
        total = path.stat().st_size
        hasher = hashlib.sha256()
        done = 0
        last = 0.0
        with path.open("rb") as f:
            while chunk := f.read(MiB):
                if control.stopping:
                    return False
                hasher.update(chunk)
                done += len(chunk)
                if time.monotonic() - last >= 0.1:
                    last = time.monotonic()
                    on_progress(DownloadProgress(done, total, 0.0, None, "verifying"))
    except OSError:
        return False
    if hasher.hexdigest() != sha256:
        return False
    on_progress(DownloadProgress(total, total, 0.0, 0.0, "verifying"))
    return True


def _stopped(control: DownloadControl, destination: Path) -> DownloadOutcome:
    if control.cancelled:
        discard_partial(destination)
        return DownloadOutcome.CANCELLED
    return DownloadOutcome.PAUSED


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (a seam the disk-full test replaces)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _Restart(Exception):
    """Start the file over from byte 0 (a 416 the part could not satisfy)."""


class _Discard(Exception):
    """Fail with ``error`` after closing and deleting the part (its bytes are wrong)."""

    def __init__(self, error: DownloadError) -> None:
        super().__init__(str(error))
        self.error = error


class _Download:
    """The state of one ``download_file`` call."""

    def __init__(
        self,
        target: DownloadTarget,
        control: DownloadControl,
        on_progress: ProgressCallback,
        opener: urllib.request.OpenerDirector,
        stall_timeout_s: float,
        chunk_bytes: int,
        progress_interval_s: float,
    ) -> None:
        self.target = target
        self.control = control
        self.on_progress = on_progress
        self.opener = opener
        self.stall_timeout_s = stall_timeout_s
        self.chunk_bytes = chunk_bytes
        self.progress_interval_s = progress_interval_s
        self.part = part_path(target.destination)
        self.etag_file = _etag_path(target.destination)
        self.label = target.label
        self.total: int | None = target.expected_size
        self.done = 0
        self.hasher = hashlib.sha256()
        self.samples: deque[tuple[float, int]] = deque()
        self.last_report = 0.0
        self.last_stage = ""

    # --- the steps -------------------------------------------------------------------------

    def run(self) -> DownloadOutcome:
        if self.target.sha256 is None:
            raise DownloadError(
                DownloadErrorKind.UNVERIFIABLE,
                translate("Download", "Mosaic cannot check {file} because no checksum is known "
                          "for it, so it was not downloaded; download it yourself and import "
                          "it.").format(file=self.label),
                retryable=False,
            )
        if self.control.stopping:
            return _stopped(self.control, self.target.destination)
        self._report("connecting", force=True)
        self._prepare_folder()
        restarted = False
        while True:
            try:
                outcome = self._transfer()
                break
            except _Restart:
                if restarted:
                    discard_partial(self.target.destination)
                    raise DownloadError(
                        DownloadErrorKind.RANGE,
                        translate("Download", "{host} could not resume {file} (HTTP 416) even "
                                  "after starting over; try again later.").format(
                            host=host_of(self.target.url), file=self.label),
                        retryable=False,
                    ) from None
                restarted = True
                discard_partial(self.target.destination)
        if outcome is not None:
            return outcome
        return self._finish()

    def _prepare_folder(self) -> None:
        folder = self.target.destination.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._disk_error(exc) from None

    def _transfer(self) -> DownloadOutcome | None:
        """Fetch the missing bytes into the part; None when the part is complete."""
        existing = self.part.stat().st_size if self.part.exists() else 0
        if self.total is not None and existing > self.total:
            discard_partial(self.target.destination)
            existing = 0
        if self.total is not None:
            check_free_space(self.part.parent, self.total - existing, label=self.label)
        self.hasher = hashlib.sha256()
        self.done = 0
        if existing:
            stopped = self._hash_part()
            if stopped is not None:
                return stopped
        response = self._open(existing)
        if response is None:  # a 416 for a part that already holds every byte
            return None
        with response:
            return self._receive(response, existing)

    def _hash_part(self) -> DownloadOutcome | None:
        """Hash the bytes already in the part (resuming), watching pause and cancel."""
        try:
            with self.part.open("rb") as f:
                while chunk := f.read(MiB):
                    if self.control.stopping:
                        return _stopped(self.control, self.target.destination)
                    self.hasher.update(chunk)
                    self.done += len(chunk)
        except OSError as exc:
            raise self._disk_error(exc) from None
        self._report("connecting", force=True)
        return None

    def _open(self, existing: int) -> HTTPResponse | None:
        headers = {"Accept-Encoding": "identity"}
        if existing:
            headers["Range"] = f"bytes={existing}-"
            etag = self._saved_etag()
            if etag:
                headers["If-Range"] = etag
        request = urllib.request.Request(self.target.url, headers=headers)
        try:
            return self.opener.open(request, timeout=self.stall_timeout_s)
        except urllib.error.HTTPError as exc:
            content_range = exc.headers.get("Content-Range", "") if exc.headers else ""
            exc.close()
            if exc.code == 416 and existing:
                announced = _range_total(content_range)
                complete = self.total if self.total is not None else announced
                if complete is not None and existing == complete:
                    self.total = complete
                    return None
                raise _Restart() from None
            raise http_error(self.target.url, self.label, exc.code) from None
        except DownloadError as exc:
            if exc.kind is not DownloadErrorKind.REDIRECTS:
                raise
            raise DownloadError(
                DownloadErrorKind.REDIRECTS,
                translate("Download", "{host} kept redirecting the download of {file} (a "
                          "redirect loop or too many redirects); try again later or choose "
                          "another hub in Settings.").format(host=host_of(self.target.url),
                                                             file=self.label),
                retryable=False,
            ) from None
        except (urllib.error.URLError, OSError, HTTPException) as exc:
            raise network_error(self.target.url, self.label, exc) from None

    def _receive(self, response: HTTPResponse, existing: int) -> DownloadOutcome | None:
        status = response.status
        start = existing
        if status == 206:
            announced_start = _range_start(response.headers.get("Content-Range", ""))
            if announced_start != existing:
                raise _Restart()
            total = _range_total(response.headers.get("Content-Range", ""))
        else:  # 200: the whole file, even when a range was asked for
            start = 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if existing:
                self.hasher = hashlib.sha256()
                self.done = 0
                self.samples.clear()
                self._report("downloading", force=True)  # announced restart from 0
            self._save_etag(response.headers.get("ETag"))
        if "html" in response.headers.get("Content-Type", "").lower():
            discard_partial(self.target.destination)
            raise not_a_model_error(self.target.url, self.label)
        if self.total is not None and total is not None and total != self.total:
            discard_partial(self.target.destination)
            raise self._size_error(total, announced=True)
        if self.total is None:
            self.total = total

        fd = self._open_part(append=start > 0)
        self.control._set_interrupt(_interrupter(response))
        try:
            try:
                outcome = self._copy(response, fd, check_start=start == 0)
                if outcome is not DownloadOutcome.CANCELLED:
                    os.fsync(fd)
            finally:
                self.control._set_interrupt(None)
                os.close(fd)
        except _Discard as discard:
            discard_partial(self.target.destination)
            raise discard.error from None
        except OSError as exc:
            raise self._disk_error(exc) from None
        if outcome is DownloadOutcome.CANCELLED:
            discard_partial(self.target.destination)
        return outcome

    def _copy(
        self, response: HTTPResponse, fd: int, *, check_start: bool
    ) -> DownloadOutcome | None:
        """Copy the body into the part; PAUSED/CANCELLED when asked, None at its end."""
        head = b""
        checked = not check_start
        while True:
            if self.control.stopping:
                cancelled = self.control.cancelled
                return DownloadOutcome.CANCELLED if cancelled else DownloadOutcome.PAUSED
            try:
                chunk = response.read1(self.chunk_bytes)
            except (TimeoutError, OSError, HTTPException, ValueError) as exc:
                if self.control.stopping:
                    continue
                if isinstance(exc, TimeoutError):
                    raise DownloadError(
                        DownloadErrorKind.STALLED,
                        translate("Download", "The download of {file} stalled (no data for "
                                  "{seconds} seconds); press Resume to continue where it "
                                  "stopped.").format(file=self.label,
                                                     seconds=f"{self.stall_timeout_s:g}"),
                    ) from None
                raise self._dropped() from None
            if not chunk:
                if self.control.stopping:
                    continue
                break
            if not checked:
                head += chunk[:16]
                if len(head) >= 16:
                    checked = True
                    self._check_start(head)
            if self.total is not None and self.done + len(chunk) > self.total:
                raise _Discard(self._size_error(self.done + len(chunk), announced=False))
            _write_all(fd, chunk)
            self.hasher.update(chunk)
            self.done += len(chunk)
            self._report("downloading")
        if not checked:
            self._check_start(head)
        if self.total is not None and self.done < self.total:
            if response.length:  # the server promised more: the connection dropped
                raise self._dropped()
            raise _Discard(self._size_error(self.done, announced=False))
        return None

    def _finish(self) -> DownloadOutcome:
        self._report("verifying", force=True)
        if self.total is not None and self.done != self.total:
            discard_partial(self.target.destination)
            raise self._size_error(self.done, announced=False)
        if self.hasher.hexdigest() != self.target.sha256:
            discard_partial(self.target.destination)
            raise DownloadError(
                DownloadErrorKind.CHECKSUM,
                translate("Download", "{file} arrived damaged (its checksum does not match), "
                          "so it was deleted; try the download again.").format(file=self.label),
                retryable=False,
            )
        try:
            os.replace(self.part, self.target.destination)
        except OSError as exc:
            raise self._disk_error(exc) from None
        self.etag_file.unlink(missing_ok=True)
        _sync_folder(self.target.destination.parent)
        self.total = self.done
        self._report("verifying", force=True)
        return DownloadOutcome.DONE

    # --- helpers ---------------------------------------------------------------------------

    def _open_part(self, *, append: bool) -> int:
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        try:
            return os.open(self.part, flags | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            raise self._disk_error(exc) from None

    def _check_start(self, head: bytes) -> None:
        """Refuse a web page or any bytes that cannot begin a file of this kind."""
        name = self.target.destination.name.lower()
        if name.endswith(".gguf"):
            ok = head.startswith(b"GGUF")
        elif name.endswith(".pt"):
            ok = head.startswith(b"PK\x03\x04") or (
                len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5
            )
        else:
            ok = not head.lstrip().lower().startswith(_HTML_STARTS)
        if not ok:
            raise _Discard(not_a_model_error(self.target.url, self.label))

    def _saved_etag(self) -> str | None:
        try:
            etag = self.etag_file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return etag or None

    def _save_etag(self, etag: str | None) -> None:
        try:
            if etag and not etag.startswith("W/"):  # If-Range needs a strong validator
                self.etag_file.write_text(etag, encoding="ascii")
            else:
                self.etag_file.unlink(missing_ok=True)
        except (OSError, UnicodeEncodeError):
            pass

    def _report(self, stage: str, *, force: bool = False) -> None:
        now = time.monotonic()
        changed = stage != self.last_stage
        if not (force or changed) and now - self.last_report < self.progress_interval_s:
            return
        self.last_report, self.last_stage = now, stage
        if stage == "downloading":
            self.samples.append((now, self.done))
            while len(self.samples) > 2 and now - self.samples[0][0] > SPEED_WINDOW_S:
                self.samples.popleft()
        else:
            self.samples.clear()
        speed = 0.0
        if len(self.samples) >= 2:
            (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
            if t1 > t0 and d1 >= d0:
                speed = (d1 - d0) / (t1 - t0)
        eta = None
        if self.total is not None and speed > 0:
            eta = max(0.0, (self.total - self.done) / speed)
        elif self.total is not None and self.done >= self.total:
            eta = 0.0
        self.on_progress(DownloadProgress(self.done, self.total, speed, eta, stage))

    def _dropped(self) -> DownloadError:
        return DownloadError(
            DownloadErrorKind.NETWORK,
            translate("Download", "The connection to {host} dropped while downloading {file}; "
                      "check the internet connection, then press Resume to continue where it "
                      "stopped.").format(host=host_of(self.target.url), file=self.label),
        )

    def _size_error(self, got: int, *, announced: bool) -> DownloadError:
        sentence = (translate("Download", "{host} announces {got} bytes for {file} instead of "
                              "{expected}, so nothing was kept; try again later or choose "
                              "another hub in Settings.") if announced
                    else translate("Download", "{host} sent {got} bytes for {file} instead of "
                                   "{expected}, so nothing was kept; try again later or choose "
                                   "another hub in Settings."))
        return DownloadError(
            DownloadErrorKind.SIZE,
            sentence.format(host=host_of(self.target.url), got=f"{got:,}", file=self.label,
                            expected=f"{self.total:,}"),
            retryable=False,
        )

    def _disk_error(self, exc: OSError) -> DownloadError:
        folder = self.target.destination.parent
        if exc.errno in _FULL_DISK:
            return DownloadError(
                DownloadErrorKind.DISK_FULL,
                translate("Download", "The disk is full: {file} could not be written to "
                          "{folder}; free some space, then press Resume.").format(
                    file=self.label, folder=folder),
                retryable=False,
            )
        if exc.errno in _NO_PERMISSION:
            return DownloadError(
                DownloadErrorKind.PERMISSION,
                translate("Download", "Mosaic may not write to {folder} to save {file}; choose "
                          "a models folder you can write to in Settings.").format(
                    folder=folder, file=self.label),
                retryable=False,
            )
        return DownloadError(
            DownloadErrorKind.PERMISSION,
            translate("Download", "{file} could not be saved in {folder} ({reason}); check that "
                      "the folder exists and can be written to, or choose another in "
                      "Settings.").format(file=self.label, folder=folder,
                                          reason=exc.strerror or exc),
            retryable=False,
        )


def _interrupter(response: HTTPResponse) -> Callable[[], None]:
    """Something that wakes a read blocked on ``response``'s socket (pause, cancel)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)

    def interrupt() -> None:
        if sock is None:
            return
        # The plain socket's shutdown, also for TLS: it ends a blocked recv at once.
        with contextlib.suppress(OSError, ValueError, TypeError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    return interrupt


def _range_start(content_range: str) -> int | None:
    """``bytes 100-199/200`` → 100."""
    try:
        unit, _, rest = content_range.strip().partition(" ")
        return int(rest.split("-", 1)[0]) if unit == "bytes" else None
    except ValueError:
        return None


def _range_total(content_range: str) -> int | None:
    """``bytes 100-199/200`` or ``bytes */200`` → 200 (None when unknown)."""
    total = content_range.rpartition("/")[2].strip()
    return int(total) if total.isdigit() else None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; ignored where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
