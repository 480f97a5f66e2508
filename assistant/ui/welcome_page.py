"""The first-run page: what Mosaic is, and two models that fit this machine."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.models.catalog import CatalogEntry
from assistant.models.download_jobs import DownloadJob, JobState
from assistant.models.gguf_inspect import format_bytes
from assistant.models.machine_fit import FitVerdict
from assistant.ui.catalog_view import entry_details, fit_color, fit_text
from assistant.ui.downloads_view import DownloadRowList
from assistant.ui.form_rows import fill_with_scroll_area, set_muted

# English sources, shown through ``WelcomePage.tr``.
TITLE = QT_TRANSLATE_NOOP("WelcomePage", "Welcome to Mosaic")
INTRO = QT_TRANSLATE_NOOP("WelcomePage", "Mosaic runs models on this computer. Nothing you "
                          "type, show or say leaves it.")
NONE_FITS = QT_TRANSLATE_NOOP("WelcomePage", "None of the recommended models fits this "
                              "machine. Import a model file you already have, or browse all "
                              "models to choose one anyway.")
NO_VISION = QT_TRANSLATE_NOOP("WelcomePage", "No chat model in the catalog fits this machine "
                              "well; browse all models to choose one anyway.")
NO_SPEECH = QT_TRANSLATE_NOOP("WelcomePage", "No speech model fits this machine well; you can "
                              "still chat by typing, or browse all models.")
COLUMN_MAX_WIDTH = 620
_CARD_RADIUS = 8.0

# Set on each button (not on the page: a style sheet stops palette changes from reaching
# every widget under it) and set again when the palette changes, so ``palette(…)`` follows
# the theme.
BUTTON_STYLE = """
QPushButton#primaryButton {
    background: palette(highlight); color: palette(highlighted-text); font-weight: 600;
    border: 2px solid palette(highlight); border-radius: 5px; padding: 5px 14px;
}
QPushButton#primaryButton:focus { border-color: palette(text); }
QPushButton#primaryButton:disabled {
    background: palette(button); color: palette(placeholder-text); border-color: palette(mid);
}
QPushButton#secondaryButton {
    background: palette(button); border: 1px solid palette(mid); border-radius: 5px;
    padding: 6px 14px;
}
QPushButton#secondaryButton:focus { border-color: palette(highlight); }
QPushButton#browseLink {
    border: 1px solid transparent; border-radius: 3px; background: transparent;
    color: palette(link); text-decoration: underline; padding: 2px 4px;
}
QPushButton#browseLink:focus { border-color: palette(highlight); }
"""


class RecommendationCard(QFrame):
    """One recommended model: what it is for, its name, size and licence, and the fit.

    Painted from the current palette (frame, background, fit colour), so a change of theme
    redraws it in the new colours.
    """

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recommendationCard")
        self._fit: FitVerdict | None = None
        self.caption_label = QLabel(caption, self)
        self.caption_label.setObjectName("cardCaption")
        set_muted(self.caption_label)
        self.name_label = QLabel(self)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.details_label = QLabel(self)
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.fit_label = QLabel(self)
        self.fit_label.setTextFormat(Qt.TextFormat.RichText)
        self.fit_label.setWordWrap(True)
        for label in (self.details_label, self.fit_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(3)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.name_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.fit_label)

    def set_entry(self, entry: CatalogEntry, fit: FitVerdict | None) -> None:
        self.name_label.setText(entry.name)
        self.details_label.setText(entry_details(entry))
        self._fit = fit
        self._show_fit()
        self.setAccessibleName(f"{self.caption_label.text()}: {entry.name}")
        self.setAccessibleDescription(
            " ".join(p for p in (entry_details(entry), fit.sentence if fit else "") if p))

    def fit_text(self) -> str:
        """The fit line as plain text."""
        return self.accessibleDescription()

    def _show_fit(self) -> None:
        """The fit badge in the colour that reads on the current palette, and its sentence."""
        fit = self._fit
        if fit is None:
            self.fit_label.clear()
            self.fit_label.hide()
            return
        color = fit_color(fit.fit, self.palette()).name()
        self.fit_label.setText(f'<span style="color:{color}; font-weight:600">'
                               f"{html.escape(fit_text(fit.fit))}</span>&nbsp; "
                               f"{html.escape(fit.sentence)}")
        self.fit_label.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._show_fit()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded card: the palette's ``Base`` inside a ``Mid`` frame."""
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5),
                                _CARD_RADIUS, _CARD_RADIUS)


class WelcomePage(QWidget):
    """Shown instead of the chat while no model is installed. A pure view."""

    downloadRequested = Signal()  # download the recommended models
    importRequested = Signal()
    browseRequested = Signal()
    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)
    dismissRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self._downloading = False
        self._download_bytes = 0
        self._names: list[str] = []

        self.title_label = QLabel(self.tr(TITLE))
        self.title_label.setAccessibleName(self.tr(TITLE))
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.9)
        self.title_label.setFont(font)
        self.intro_label = QLabel(self.tr(INTRO))
        self.intro_label.setWordWrap(True)
        self.machine_label = QLabel()
        self.machine_label.setObjectName("machineSummary")
        self.machine_label.setWordWrap(True)
        self.machine_label.setTextFormat(Qt.TextFormat.PlainText)
        set_muted(self.machine_label)

        self.vision_card = RecommendationCard(self.tr("For chat and questions about images"))
        self.speech_card = RecommendationCard(self.tr("For speech (push-to-talk)"))
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)

        self.download_button = QPushButton()
        self.download_button.setObjectName("primaryButton")
        self.download_button.setDefault(True)
        self.download_button.clicked.connect(self._download)
        self.import_button = QPushButton(self.tr("Import a model file…"))
        self.import_button.setObjectName("secondaryButton")
        self.import_button.setToolTip(self.tr("Use a .gguf model or a Whisper .pt checkpoint "
                                              "you already have"))
        self.import_button.clicked.connect(self.importRequested)
        self.browse_button = QPushButton(self.tr("Browse all models"))
        self.browse_button.setObjectName("browseLink")
        self.browse_button.setToolTip(self.tr("Open the catalog of every model Mosaic knows"))
        self.browse_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.browse_button.clicked.connect(self.browseRequested)
        self._style_buttons()

        self.downloads = DownloadRowList()
        for name in ("pauseRequested", "resumeRequested", "cancelRequested",
                     "dismissRequested"):
            getattr(self.downloads, name).connect(getattr(self, name))
        self.downloads.hide()

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.browse_button)

        column = QWidget()
        column.setMaximumWidth(COLUMN_MAX_WIDTH)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(10)
        column_layout.addWidget(self.title_label)
        column_layout.addWidget(self.intro_label)
        column_layout.addWidget(self.machine_label)
        column_layout.addSpacing(6)
        column_layout.addWidget(self.vision_card)
        column_layout.addWidget(self.speech_card)
        column_layout.addWidget(self.note_label)
        column_layout.addSpacing(4)
        column_layout.addLayout(buttons)
        column_layout.addWidget(self.downloads)

        centered = QHBoxLayout()
        centered.addStretch(1)
        centered.addWidget(column, 100)
        centered.addStretch(1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(24, 24, 24, 24)
        content_layout.addStretch(1)
        content_layout.addLayout(centered)
        content_layout.addStretch(2)

        self.scroll_area = fill_with_scroll_area(self, content)
        self.set_recommendation(None, None, None, None, "")

    # -- public API ---------------------------------------------------------------------

    def set_recommendation(
        self,
        vision: CatalogEntry | None,
        vision_fit: FitVerdict | None,
        speech: CatalogEntry | None,
        speech_fit: FitVerdict | None,
        machine_summary: str,
    ) -> None:
        """The models to offer (None: nothing of that kind fits) and the machine line."""
        self.machine_label.setText(machine_summary)
        self.machine_label.setVisible(bool(machine_summary))
        for card, entry, fit in ((self.vision_card, vision, vision_fit),
                                 (self.speech_card, speech, speech_fit)):
            if entry is not None:
                card.set_entry(entry, fit)
            card.setVisible(entry is not None)
        offered = [e for e in (vision, speech) if e is not None]
        self._names = [e.name for e in offered]
        self._download_bytes = sum(e.download_bytes for e in offered)
        if not offered:
            note = self.tr(NONE_FITS)
        elif vision is None:
            note = self.tr(NO_VISION)
        elif speech is None:
            note = self.tr(NO_SPEECH)
        else:
            note = ""
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.import_button.setObjectName("secondaryButton" if offered else "primaryButton")
        self.import_button.style().unpolish(self.import_button)  # restyle by the new name
        self.import_button.style().polish(self.import_button)
        self.import_button.setDefault(not offered)
        self._refresh_button()

    def set_jobs(self, jobs: Sequence[DownloadJob]) -> None:
        """The downloads started from this page, shown under the buttons while they run."""
        self.downloads.set_jobs(jobs)
        self.downloads.setVisible(bool(jobs))
        self._downloading = any(
            job.state in (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED)
            or (job.state is JobState.FAILED and job.retryable) for job in jobs)
        self._refresh_button()

    def download_text(self) -> str:
        return self.download_button.text()

    # -- internals ----------------------------------------------------------------------

    def _style_buttons(self) -> None:
        """(Re)apply the buttons' style, resolving ``palette(…)`` in the current palette."""
        for button in (self.download_button, self.import_button, self.browse_button):
            button.setStyleSheet(BUTTON_STYLE)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._style_buttons()
        super().changeEvent(event)

    def _refresh_button(self) -> None:
        button = self.download_button
        if not self._names:
            button.hide()
            return
        size = format_bytes(self._download_bytes)
        if len(self._names) == 2:
            text = self.tr("Download both ({size})").format(size=size)
            accessible = self.tr("Download {first} and {second} ({size})").format(
                first=self._names[0], second=self._names[1], size=size)
        else:
            text = accessible = self.tr("Download {name} ({size})").format(
                name=self._names[0], size=size)
        if self._downloading:
            text = accessible = self.tr("Downloading…")
        button.setText(text)
        button.setAccessibleName(accessible)
        button.setEnabled(not self._downloading)
        button.show()

    def _download(self) -> None:
        if self._names and not self._downloading:
            self.downloadRequested.emit()


__all__ = ["INTRO", "NONE_FITS", "NO_SPEECH", "NO_VISION", "TITLE", "RecommendationCard",
           "WelcomePage"]
