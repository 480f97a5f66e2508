"""One download as a row: name, progress bar, status line, Pause/Resume and Cancel."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.models.download_jobs import DownloadJob, JobState
from assistant.ui.form_rows import set_text_color
from assistant.ui.notice_bar import error_color

PROGRESS_STEPS = 1000
_CORNER_RADIUS = 6.0


class DownloadRow(QFrame):
    """Shows one ``DownloadJob``; ``update_job`` redraws it in place.

    The buttons only report what the person asked for (signals carry the entry id); the
    owner acts and answers with the job's new state. The frame and the error colour are
    drawn from the current palette, so they follow a change of theme.
    """

    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)  # stop and delete what was downloaded
    dismissRequested = Signal(str)  # take a finished or hopeless job off the list

    def __init__(self, job: DownloadJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("downloadRow")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._job = job

        self.name_label = QLabel(self)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setTextVisible(False)  # the status line says the amounts
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 6)

        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)  # error sentences are read in full
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

        self.pause_button = QPushButton(self)
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self._cancel_or_dismiss)

        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.name_label)
        text.addWidget(self.progress_bar)
        text.addWidget(self.status_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(10)
        layout.addLayout(text, 1)
        layout.addWidget(self.pause_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.update_job(job)

    @property
    def entry_id(self) -> str:
        return self._job.entry_id

    @property
    def job(self) -> DownloadJob:
        return self._job

    def status_text(self) -> str:
        return self.status_label.text()

    def update_job(self, job: DownloadJob) -> None:
        """Show ``job``'s current state (same entry id as before)."""
        self._job = job
        name = job.name
        self.name_label.setText(name)
        self.setAccessibleName(self.tr("Download of {name}").format(name=name))
        self._show_progress(job)
        line = job.status_line()
        self.status_label.setText(line)
        self.progress_bar.setAccessibleDescription(line)
        self._color_status()

        failed = job.state is JobState.FAILED
        resumable = job.state is JobState.PAUSED or (failed and job.retryable)
        if job.state in (JobState.QUEUED, JobState.RUNNING):
            self._set_button(self.pause_button, self.tr("Pause"),
                             self.tr("Pause download of {name}").format(name=name))
            self.pause_button.setEnabled(not job.verifying)  # checking finishes on its own
            self.pause_button.show()
        elif resumable:
            self._set_button(self.pause_button, self.tr("Resume"),
                             self.tr("Resume download of {name}").format(name=name))
            self.pause_button.setEnabled(True)
            self.pause_button.show()
        else:
            self.pause_button.hide()
        if self._dismissable():
            self._set_button(self.cancel_button, self.tr("Remove from list"),
                             self.tr("Remove {name} from the list").format(name=name))
            self.cancel_button.setToolTip("")
        else:
            self._set_button(self.cancel_button, self.tr("Cancel"),
                             self.tr("Cancel download of {name}").format(name=name))
            self.cancel_button.setToolTip(self.tr("Stop and delete what was downloaded"))

    def _color_status(self) -> None:
        """A failure's sentence in the error colour of the current palette."""
        failed = self._job.state is JobState.FAILED
        set_text_color(self.status_label, error_color(self.palette()) if failed else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._color_status()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded frame in the palette's ``Mid`` colour, drawn afresh for each theme."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                                _CORNER_RADIUS, _CORNER_RADIUS)

    def _show_progress(self, job: DownloadJob) -> None:
        bar = self.progress_bar
        bar.setAccessibleName(self.tr("Download progress of {name}").format(name=job.name))
        if job.state is JobState.RUNNING and job.total_bytes <= 0:
            bar.setRange(0, 0)  # busy: the size is not known yet
            return
        bar.setRange(0, PROGRESS_STEPS)
        done = job.state is JobState.DONE
        bar.setValue(PROGRESS_STEPS if done else round(job.fraction * PROGRESS_STEPS))
        bar.setEnabled(job.state not in (JobState.PAUSED, JobState.FAILED, JobState.CANCELLED))

    def _dismissable(self) -> bool:
        state = self._job.state
        return state in (JobState.DONE, JobState.CANCELLED) or (
            state is JobState.FAILED and not self._job.retryable)

    @staticmethod
    def _set_button(button: QPushButton, text: str, accessible: str) -> None:
        if button.text() != text:
            button.setText(text)
        button.setAccessibleName(accessible)

    def _pause_or_resume(self) -> None:
        if self._job.state in (JobState.QUEUED, JobState.RUNNING):
            self.pauseRequested.emit(self._job.entry_id)
        else:
            self.resumeRequested.emit(self._job.entry_id)

    def _cancel_or_dismiss(self) -> None:
        if self._dismissable():
            self.dismissRequested.emit(self._job.entry_id)
        else:
            self.cancelRequested.emit(self._job.entry_id)


__all__ = ["PROGRESS_STEPS", "DownloadRow"]
