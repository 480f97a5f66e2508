"""Downloads of catalog entries as the person sees them, and their record on disk.

A job downloads every file of one catalog entry (a vision model brings its mmproj). The
record (``downloads.json`` in the data folder, written atomically) lists unfinished jobs, so
a download interrupted by quitting or a crash resumes from its ``.part`` files next time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from assistant.core.atomic_file import write_atomically
from assistant.core.i18n import translate
from assistant.models.catalog import CatalogEntry, ModelKind, file_destination
from assistant.models.gguf_inspect import format_bytes

log = logging.getLogger(__name__)


class JobState(StrEnum):
    QUEUED = "queued"  # waits for a free slot
    RUNNING = "running"
    PAUSED = "paused"
    FAILED = "failed"  # ``error`` says why; ``retryable`` whether Resume may work
    DONE = "done"
    CANCELLED = "cancelled"


UNFINISHED = (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED, JobState.FAILED)


@dataclass(frozen=True)
class DownloadJob:
    """One catalog entry being downloaded."""

    entry_id: str
    name: str
    kind: ModelKind
    destinations: tuple[str, ...]  # the files it will produce, in download order
    total_bytes: int
    state: JobState = JobState.QUEUED
    done_bytes: int = 0
    bytes_per_second: float = 0.0
    eta_s: float | None = None
    current_file: str | None = None
    error: str | None = None
    retryable: bool = True
    verifying: bool = False

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_bytes / self.total_bytes) if self.total_bytes > 0 else 0.0

    @property
    def is_active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def status_line(self) -> str:
        """What the row under the progress bar says, e.g. "1.2 GB of 3.4 GB · 12 MB/s · 3 min
        left"."""
        amount = translate("DownloadJob", "{done} of {total}").format(
            done=format_bytes(self.done_bytes), total=format_bytes(self.total_bytes))
        if self.state is JobState.RUNNING:
            if self.verifying:
                if self.current_file:
                    return translate("DownloadJob", "Checking {file}…").format(
                        file=self.current_file)
                return translate("DownloadJob", "Checking the file…")
            parts = [amount]
            if self.bytes_per_second > 0:
                parts.append(translate("DownloadJob", "{size}/s").format(
                    size=format_bytes(int(self.bytes_per_second))))
            if self.eta_s is not None:
                parts.append(translate("DownloadJob", "{duration} left").format(
                    duration=format_duration(self.eta_s)))
            return " · ".join(parts)
        if self.state is JobState.QUEUED:
            return translate("DownloadJob", "Waiting for another download to finish · "
                             "{amount}").format(amount=amount)
        if self.state is JobState.PAUSED:
            return translate("DownloadJob", "Paused · {amount}").format(amount=amount)
        if self.state is JobState.FAILED:
            return self.error or translate("DownloadJob", "The download failed.")
        if self.state is JobState.DONE:
            return translate("DownloadJob", "Ready · {size}").format(
                size=format_bytes(self.total_bytes))
        return translate("DownloadJob", "Cancelled")


def new_job(entry: CatalogEntry, models_dir: Path) -> DownloadJob:
    """A queued job for ``entry`` (its model file first, then the projector)."""
    destinations = tuple(str(file_destination(models_dir, entry, f)) for f in entry.files)
    return DownloadJob(entry.id, entry.name, entry.kind, destinations, entry.download_bytes)


def format_duration(seconds: float) -> str:
    """"about 40 s", "3 min", "1 h 05 min"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return translate("Duration", "{seconds} s").format(seconds=max(seconds, 1))
    minutes = round(seconds / 60)
    if minutes < 60:
        return translate("Duration", "{minutes} min").format(minutes=minutes)
    return translate("Duration", "{hours} h {minutes} min").format(
        hours=minutes // 60, minutes=f"{minutes % 60:02d}")


@dataclass
class JobRecord:
    """The unfinished jobs saved between runs."""

    path: Path
    jobs: list[DownloadJob] = field(default_factory=list)

    def save(self) -> None:
        """Write the unfinished jobs atomically; OSError (full disk…) propagates."""
        kept = [_job_to_dict(job) for job in self.jobs if job.state in UNFINISHED]
        write_atomically(self.path, json.dumps({"jobs": kept}, indent=1).encode("utf-8"))


def load_job_record(path: Path) -> JobRecord:
    """The saved jobs (a missing or damaged record is an empty one, logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw_jobs = data["jobs"] if isinstance(data, dict) else []
    except FileNotFoundError:
        return JobRecord(path)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("download record %s unreadable (%s); starting without it", path, exc)
        return JobRecord(path)
    jobs = []
    for raw in raw_jobs if isinstance(raw_jobs, list) else []:
        job = _job_from_dict(raw)
        if job is not None:
            jobs.append(job)
    return JobRecord(path, jobs)


def _job_to_dict(job: DownloadJob) -> dict[str, object]:
    data = asdict(job)
    for transient in ("bytes_per_second", "eta_s", "current_file", "verifying"):
        data.pop(transient)
    return data


def _job_from_dict(raw: object) -> DownloadJob | None:
    if not isinstance(raw, dict):
        return None
    try:
        job = DownloadJob(
            entry_id=str(raw["entry_id"]), name=str(raw["name"]),
            kind=ModelKind(raw["kind"]),
            destinations=tuple(str(d) for d in raw["destinations"]),
            total_bytes=int(raw["total_bytes"]), state=JobState(raw["state"]),
            done_bytes=int(raw.get("done_bytes", 0)), error=raw.get("error"),
            retryable=bool(raw.get("retryable", True)))
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("skipping a damaged download record entry (%s)", exc)
        return None
    return replace(job, error=job.error if isinstance(job.error, str) else None)


__all__ = ["UNFINISHED", "DownloadJob", "JobRecord", "JobState", "format_duration",
           "load_job_record", "new_job"]
