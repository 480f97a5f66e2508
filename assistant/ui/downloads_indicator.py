"""A small button in the status bar: how the downloads are going; click to see them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from assistant.models.download_jobs import DownloadJob, JobState


class DownloadsIndicator(QPushButton):
    """"Downloading 2 models · 45 %" while downloads run; hidden when there are none."""

    shownChanged = Signal(bool)  # whether there is anything to say (the status bar follows)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setAccessibleName(self.tr("Downloads"))
        self.setToolTip(self.tr("Show the downloads"))
        self.hide()

    def set_jobs(self, jobs: Sequence[DownloadJob]) -> None:
        running = [job for job in jobs if job.is_active]
        failed = [job for job in jobs if job.state is JobState.FAILED]
        paused = [job for job in jobs if job.state is JobState.PAUSED]
        if running:
            total = sum(job.total_bytes for job in running)
            done = sum(job.done_bytes for job in running)
            percent = int(100 * done / total) if total else 0
            text = (self.tr("Downloading 1 model · {percent} %") if len(running) == 1 else
                    self.tr("Downloading {count} models · {percent} %")).format(
                        count=len(running), percent=percent)
        elif failed:
            text = (self.tr("1 download failed") if len(failed) == 1 else
                    self.tr("{count} downloads failed")).format(count=len(failed))
        elif paused:
            text = (self.tr("1 download paused") if len(paused) == 1 else
                    self.tr("{count} downloads paused")).format(count=len(paused))
        else:
            text = ""
        if text:
            self.setText(text)
            self.setAccessibleDescription(text)  # the name stays "Downloads"
        if self.isHidden() == bool(text):
            self.setVisible(bool(text))
            self.shownChanged.emit(bool(text))
