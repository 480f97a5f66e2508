"""A small button in the status bar: how the downloads are going; click to see them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QPushButton, QWidget

from assistant.models.download_jobs import DownloadJob, JobState


class DownloadsIndicator(QPushButton):
    """"Downloading 2 models · 45 %" while downloads run; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setAccessibleName("Downloads")
        self.setToolTip("Show the downloads")
        self.hide()

    def set_jobs(self, jobs: Sequence[DownloadJob]) -> None:
        running = [job for job in jobs if job.is_active]
        failed = [job for job in jobs if job.state is JobState.FAILED]
        paused = [job for job in jobs if job.state is JobState.PAUSED]
        if running:
            total = sum(job.total_bytes for job in running)
            done = sum(job.done_bytes for job in running)
            percent = int(100 * done / total) if total else 0
            count = len(running)
            self.setText(f"Downloading {count} model{'' if count == 1 else 's'} · {percent} %")
        elif failed:
            self.setText(f"{len(failed)} download{'' if len(failed) == 1 else 's'} failed")
        elif paused:
            self.setText(f"{len(paused)} download{'' if len(paused) == 1 else 's'} paused")
        self.setVisible(bool(running or failed or paused))
