"""Runs model downloads on their own threads while the person chats, and reports to the GUI.

A :class:`DownloadManager` lives in the GUI thread. Each running download has one plain
Python thread that calls :func:`assistant.models.download.fetch_file` for the files of a
catalog entry in turn; what the thread learns comes back through a queued signal, so the
jobs (frozen :class:`DownloadJob` values) change only in the GUI thread. A dropped
connection is retried a few times on its own (the ``.part`` file keeps what arrived); the
unfinished jobs are recorded on disk so a restart resumes them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from assistant.core.settings import NetworkSettings
from assistant.models.catalog import Catalog, CatalogEntry
from assistant.models.download import (
    DownloadControl,
    DownloadError,
    DownloadOutcome,
    DownloadProgress,
    check_free_space,
    discard_partial,
    fetch_file,
    part_path,
)
from assistant.models.download_jobs import (
    UNFINISHED,
    DownloadJob,
    JobState,
    load_job_record,
    new_job,
)
from assistant.models.hub import DownloadErrorKind

log = logging.getLogger(__name__)

RETRY_DELAYS_S = (2.0, 5.0, 15.0)  # automatic retries of a dropped or stalled connection

Fetch = Callable[..., DownloadOutcome]


@dataclass(frozen=True)
class _Progress:
    entry_id: str
    file_index: int
    progress: DownloadProgress


@dataclass(frozen=True)
class _Ended:
    entry_id: str
    outcome: DownloadOutcome | None  # None: failed with ``error``
    error: DownloadError | None = None


@dataclass(frozen=True)
class _Retrying:
    entry_id: str
    error: DownloadError
    delay_s: float


class _Run:
    """The thread of one running job and its controls."""

    def __init__(self, entry: CatalogEntry) -> None:
        self.entry = entry
        self.control = DownloadControl()
        self.file_sizes = [f.size_bytes for f in entry.files]
        self.file_done = [0 for _ in entry.files]
        self.thread: threading.Thread | None = None


class DownloadManager(QObject):
    """Starts, pauses, resumes and cancels catalog downloads; owns their record on disk."""

    jobChanged = Signal(object)  # DownloadJob: its state or progress changed
    jobsChanged = Signal()  # a job was added or removed
    modelReady = Signal(object)  # DownloadJob: every file verified and in place
    _threadEvent = Signal(object)

    def __init__(self, record_path: Path, models_dir: Path, catalog: Catalog,
                 network: Callable[[], NetworkSettings], *, max_parallel: int = 2,
                 fetch: Fetch = fetch_file, stall_timeout_s: float = 30.0,
                 retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._record = load_job_record(record_path)
        self._models_dir = models_dir
        self._catalog = catalog
        self._network = network
        self._max_parallel = max_parallel
        self._fetch = fetch
        self._stall_timeout_s = stall_timeout_s
        self._retry_delays_s = retry_delays_s
        self._runs: dict[str, _Run] = {}
        self._jobs: dict[str, DownloadJob] = {}
        for job in self._record.jobs:
            if self._catalog.by_id(job.entry_id) is not None:
                self._jobs[job.entry_id] = replace(job, done_bytes=self._bytes_on_disk(job))
        self._threadEvent.connect(self._on_thread_event, Qt.ConnectionType.QueuedConnection)

    # --- what the views read -------------------------------------------------------------

    def jobs(self) -> list[DownloadJob]:
        return list(self._jobs.values())

    def job(self, entry_id: str) -> DownloadJob | None:
        return self._jobs.get(entry_id)

    def active_ids(self) -> set[str]:
        """Entries being downloaded or waiting to be (paused and failed ones included)."""
        return {job.entry_id for job in self._jobs.values() if job.state in UNFINISHED}

    # --- what the person asks ------------------------------------------------------------

    def start(self, entry: CatalogEntry) -> str | None:
        """Queue ``entry``; returns a sentence when it cannot start (offline, disk full…)."""
        existing = self._jobs.get(entry.id)
        if existing is not None and existing.state in UNFINISHED:
            return self.resume(entry.id)
        job = new_job(entry, self._models_dir)
        problem = self._cannot_start(entry, job)
        if problem:
            return problem
        self._jobs[entry.id] = replace(job, done_bytes=self._bytes_on_disk(job))
        self._save()
        self.jobsChanged.emit()
        self._schedule()
        return None

    def pause(self, entry_id: str) -> None:
        job = self._jobs.get(entry_id)
        if job is None or not job.is_active:
            return
        run = self._runs.get(entry_id)
        if run is not None:
            run.control.pause()
        self._set(replace(job, state=JobState.PAUSED, bytes_per_second=0.0, eta_s=None))
        self._save()

    def resume(self, entry_id: str) -> str | None:
        job = self._jobs.get(entry_id)
        entry = self._catalog.by_id(entry_id)
        if job is None or entry is None or job.is_active:
            return None
        problem = self._cannot_start(entry, job)
        if problem:
            return problem
        self._set(replace(job, state=JobState.QUEUED, error=None, retryable=True))
        self._save()
        self._schedule()
        return None

    def cancel(self, entry_id: str) -> None:
        """Stop the download and delete what it fetched so far (its ``.part`` files)."""
        job = self._jobs.pop(entry_id, None)
        if job is None:
            return
        run = self._runs.get(entry_id)
        if run is not None:
            run.control.cancel()  # the thread deletes its part file
        for destination in job.destinations:
            if job.state is not JobState.DONE:
                discard_partial(Path(destination))
        self._save()
        self.jobsChanged.emit()
        self._schedule()

    def dismiss(self, entry_id: str) -> None:
        """Take a finished, failed or cancelled job off the list."""
        job = self._jobs.get(entry_id)
        if job is None or job.is_active:
            return
        if job.state is JobState.FAILED and job.retryable:
            self.cancel(entry_id)
            return
        del self._jobs[entry_id]
        self._save()
        self.jobsChanged.emit()

    def resume_saved(self) -> None:
        """Resume the downloads that were running when Mosaic last closed (not offline)."""
        if self._network().offline:
            return
        for job in list(self._jobs.values()):
            if job.state in (JobState.QUEUED, JobState.RUNNING):
                self._set(replace(job, state=JobState.QUEUED))
        self._schedule()

    def go_offline(self) -> None:
        """Pause every download (offline mode was switched on)."""
        for entry_id, job in list(self._jobs.items()):
            if job.is_active:
                self.pause(entry_id)

    def shutdown(self, wait_s: float = 2.0) -> None:
        """Stop the threads, keeping running jobs marked to resume at the next start."""
        for run in self._runs.values():
            run.control.pause()
        deadline = time.monotonic() + wait_s
        for run in list(self._runs.values()):
            if run.thread is not None:
                run.thread.join(max(0.0, deadline - time.monotonic()))
        self._save()

    # --- running -------------------------------------------------------------------------

    def _cannot_start(self, entry: CatalogEntry, job: DownloadJob) -> str | None:
        if self._network().offline:
            return (f"Offline mode is on, so Mosaic downloads nothing; turn it off in "
                    f"Settings → Network to download {entry.name}.")
        missing = max(0, job.total_bytes - self._bytes_on_disk(job))
        try:
            check_free_space(self._models_dir, missing, label=entry.name)
        except DownloadError as exc:
            return str(exc)
        return None

    def _schedule(self) -> None:
        running = sum(1 for job in self._jobs.values() if job.state is JobState.RUNNING)
        for job in list(self._jobs.values()):
            if running >= self._max_parallel:
                break
            if job.state is JobState.QUEUED and job.entry_id not in self._runs:
                entry = self._catalog.by_id(job.entry_id)
                if entry is None:
                    continue
                self._launch(entry, job)
                running += 1

    def _launch(self, entry: CatalogEntry, job: DownloadJob) -> None:
        run = _Run(entry)
        self._runs[entry.id] = run
        endpoint = self._network().hub_endpoint
        run.thread = threading.Thread(target=self._download_entry, args=(run, endpoint, job),
                                      name=f"mosaic-download-{entry.id}", daemon=True)
        self._set(replace(job, state=JobState.RUNNING, error=None))
        self._save()
        run.thread.start()

    def _download_entry(self, run: _Run, endpoint: str, job: DownloadJob) -> None:
        """The download thread: each file in turn, with automatic retries."""
        entry = run.entry
        for index, file in enumerate(entry.files):
            destination = Path(job.destinations[index])
            attempt = 0
            while True:
                def progress(update: DownloadProgress, index: int = index) -> None:
                    self._threadEvent.emit(_Progress(entry.id, index, update))

                try:
                    outcome = self._fetch(endpoint, file, destination, run.control, progress,
                                          stall_timeout_s=self._stall_timeout_s)
                except DownloadError as exc:
                    if not exc.retryable or attempt >= len(self._retry_delays_s):
                        self._threadEvent.emit(_Ended(entry.id, None, exc))
                        return
                    delay = self._retry_delays_s[attempt]
                    attempt += 1
                    self._threadEvent.emit(_Retrying(entry.id, exc, delay))
                    if _wait_unless_stopped(run.control, delay):
                        break_outcome = (DownloadOutcome.CANCELLED if run.control.cancelled
                                         else DownloadOutcome.PAUSED)
                        self._threadEvent.emit(_Ended(entry.id, break_outcome))
                        return
                    continue
                except Exception as exc:  # a bug must not kill the thread silently
                    log.exception("download of %s failed unexpectedly", entry.id)
                    error = DownloadError(
                        DownloadErrorKind.NETWORK,
                        f"Downloading {file.filename} failed unexpectedly "
                        f"({type(exc).__name__}); press Resume to try again.", retryable=True)
                    self._threadEvent.emit(_Ended(entry.id, None, error))
                    return
                if outcome is not DownloadOutcome.DONE:
                    self._threadEvent.emit(_Ended(entry.id, outcome))
                    return
                break
        self._threadEvent.emit(_Ended(entry.id, DownloadOutcome.DONE))

    @Slot(object)
    def _on_thread_event(self, event: Any) -> None:
        run = self._runs.get(event.entry_id)
        job = self._jobs.get(event.entry_id)
        if isinstance(event, _Progress):
            if run is None or job is None or job.state is not JobState.RUNNING:
                return
            self._apply_progress(run, job, event)
        elif isinstance(event, _Retrying):
            if job is not None and job.state is JobState.RUNNING:
                self._set(replace(job, bytes_per_second=0.0, eta_s=None, error=(
                    f"{event.error} Trying again in {event.delay_s:.0f} s…")))
        elif isinstance(event, _Ended):
            self._runs.pop(event.entry_id, None)
            if job is not None:
                self._finish(job, event)
            self._schedule()

    def _apply_progress(self, run: _Run, job: DownloadJob, event: _Progress) -> None:
        update = event.progress
        if update.total_bytes is not None:
            run.file_sizes[event.file_index] = update.total_bytes
        run.file_done[event.file_index] = update.done_bytes
        for earlier in range(event.file_index):
            run.file_done[earlier] = run.file_sizes[earlier]
        total = sum(run.file_sizes)
        done = sum(run.file_done)
        remaining = max(0, total - done)
        eta = remaining / update.bytes_per_second if update.bytes_per_second > 0 else None
        self._set(replace(job, done_bytes=done, total_bytes=total,
                          bytes_per_second=update.bytes_per_second, eta_s=eta,
                          current_file=run.entry.files[event.file_index].filename,
                          verifying=update.stage == "verifying", error=None))

    def _finish(self, job: DownloadJob, event: _Ended) -> None:
        if event.outcome is DownloadOutcome.DONE:
            done = replace(job, state=JobState.DONE, done_bytes=job.total_bytes,
                           bytes_per_second=0.0, eta_s=None, verifying=False, error=None)
            self._set(done)
            self._save()
            self.modelReady.emit(done)
        elif event.outcome is DownloadOutcome.CANCELLED:
            if job.entry_id in self._jobs:
                self._set(replace(job, state=JobState.CANCELLED))
        elif event.outcome is DownloadOutcome.PAUSED:
            # Running: paused by shutdown or going offline. Either way the row now says
            # what the part file kept (bytes arrived after the last progress report).
            if job.state in (JobState.RUNNING, JobState.PAUSED):
                self._set(replace(job, state=JobState.PAUSED, bytes_per_second=0.0,
                                  eta_s=None, done_bytes=self._bytes_on_disk(job)))
        elif event.error is not None and job.state is JobState.RUNNING:
            self._set(replace(job, state=JobState.FAILED, error=str(event.error),
                              retryable=event.error.retryable, bytes_per_second=0.0,
                              eta_s=None, verifying=False,
                              done_bytes=self._bytes_on_disk(job)))
            self._save()

    def _set(self, job: DownloadJob) -> None:
        self._jobs[job.entry_id] = job
        self.jobChanged.emit(job)

    def _save(self) -> None:
        self._record.jobs = list(self._jobs.values())
        try:
            self._record.save()
        except OSError as exc:  # a full disk must not stop the download itself
            log.warning("could not save the download record: %s", exc)

    @staticmethod
    def _bytes_on_disk(job: DownloadJob) -> int:
        """What is already downloaded: finished files and ``.part`` files."""
        total = 0
        for destination in map(Path, job.destinations):
            for candidate in (destination, part_path(destination)):
                try:
                    total += candidate.stat().st_size
                    break
                except OSError:
                    continue
        return min(total, job.total_bytes) if job.total_bytes else total


def _wait_unless_stopped(control: DownloadControl, seconds: float) -> bool:
    """Sleep up to ``seconds``; True when the download was paused or cancelled meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if control.paused or control.cancelled:
            return True
        time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
    return control.paused or control.cancelled


__all__ = ["RETRY_DELAYS_S", "DownloadManager"]
