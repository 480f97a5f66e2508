"""The downloads panel: a column of download rows, kept in place as jobs change."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from assistant.models.download_jobs import DownloadJob
from assistant.ui.download_row import DownloadRow
from assistant.ui.form_rows import fill_with_scroll_area, set_muted

# The English source; shown through ``DownloadsView.tr``.
EMPTY_TEXT = QT_TRANSLATE_NOOP("DownloadsView", "No downloads. Models you download from the "
                               "catalog appear here, and keep downloading while you chat.")


class DownloadRowList(QWidget):
    """Download rows keyed by entry id, in the order the owner gives; no scrolling.

    Rows are added, updated and removed in place, so a progress tick redraws one row.
    """

    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)
    dismissRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, DownloadRow] = {}
        self._order: list[str] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)

    def set_jobs(self, jobs: Sequence[DownloadJob]) -> None:
        """Show exactly ``jobs``, in this order."""
        wanted = list(dict.fromkeys(job.entry_id for job in jobs))
        for entry_id in [e for e in self._order if e not in wanted]:
            row = self._rows.pop(entry_id)
            self._layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        for job in jobs:
            row = self._rows.get(job.entry_id)
            if row is None:
                self._rows[job.entry_id] = self._new_row(job)
            else:
                row.update_job(job)
        if wanted != self._order:
            for index, entry_id in enumerate(wanted):
                if self._layout.indexOf(self._rows[entry_id]) != index:
                    self._layout.insertWidget(index, self._rows[entry_id])
            self._order = wanted

    def update_job(self, job: DownloadJob) -> None:
        """Redraw one job's row (a job not shown yet is added at the end)."""
        row = self._rows.get(job.entry_id)
        if row is not None:
            row.update_job(job)
            return
        self._rows[job.entry_id] = self._new_row(job)
        self._layout.addWidget(self._rows[job.entry_id])
        self._order.append(job.entry_id)

    def row(self, entry_id: str) -> DownloadRow | None:
        return self._rows.get(entry_id)

    def entry_ids(self) -> list[str]:
        """The rows' entry ids, top to bottom."""
        return list(self._order)

    def _new_row(self, job: DownloadJob) -> DownloadRow:
        row = DownloadRow(job, self)
        row.pauseRequested.connect(self.pauseRequested)
        row.resumeRequested.connect(self.resumeRequested)
        row.cancelRequested.connect(self.cancelRequested)
        row.dismissRequested.connect(self.dismissRequested)
        return row


class DownloadsView(QWidget):
    """Every download, scrollable, with an empty state; re-emits the rows' signals."""

    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)
    dismissRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Downloads"))
        self.rows = DownloadRowList()
        for name in ("pauseRequested", "resumeRequested", "cancelRequested",
                     "dismissRequested"):
            getattr(self.rows, name).connect(getattr(self, name))

        self.empty_label = QLabel(self.tr(EMPTY_TEXT))
        self.empty_label.setWordWrap(True)
        set_muted(self.empty_label)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)

        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(10, 10, 10, 10)
        column_layout.addWidget(self.rows)
        column_layout.addWidget(self.empty_label)
        column_layout.addStretch(1)
        self.scroll_area = fill_with_scroll_area(self, column)
        self._refresh_empty()

    def set_jobs(self, jobs: Sequence[DownloadJob]) -> None:
        """Show exactly ``jobs`` in this order (rows are kept, not rebuilt)."""
        self.rows.set_jobs(jobs)
        self._refresh_empty()

    def update_job(self, job: DownloadJob) -> None:
        self.rows.update_job(job)
        self._refresh_empty()

    def row(self, entry_id: str) -> DownloadRow | None:
        return self.rows.row(entry_id)

    def entry_ids(self) -> list[str]:
        return self.rows.entry_ids()

    def is_empty(self) -> bool:
        return not self.rows.entry_ids()

    def _refresh_empty(self) -> None:
        empty = self.is_empty()
        self.empty_label.setVisible(empty)
        self.rows.setVisible(not empty)


__all__ = ["EMPTY_TEXT", "DownloadRowList", "DownloadsView"]
