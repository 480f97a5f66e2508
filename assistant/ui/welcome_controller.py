"""First run: with no language model on disk, the transcript area shows the welcome page.

It recommends a vision chat model and a Whisper model that fit this machine and downloads
them (or imports a file the person has). The transcript comes back as soon as a model is
loaded, or when the person opens a conversation or sends a message.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QStackedWidget, QWidget

from assistant.client.download_manager import DownloadManager
from assistant.models.catalog import CatalogEntry
from assistant.models.download_jobs import DownloadJob
from assistant.models.machine_fit import MachineAssessment
from assistant.ui.model_controller import ModelController
from assistant.ui.model_library_controller import ModelLibraryController
from assistant.ui.welcome_page import WelcomePage


class WelcomeController(QObject):
    """Shows :class:`WelcomePage` in ``stack`` instead of ``transcript`` while it is needed."""

    def __init__(self, library: ModelLibraryController, downloads: DownloadManager,
                 models: ModelController, page: WelcomePage, stack: QStackedWidget,
                 transcript: QWidget) -> None:
        super().__init__(page)
        self._library = library
        self._downloads = downloads
        self._models = models
        self._page = page
        self._stack = stack
        self._transcript = transcript
        self._wanted = False
        self._recommended: list[CatalogEntry] = []
        page.downloadRequested.connect(self._download)
        page.importRequested.connect(library.importer.choose_files)
        page.browseRequested.connect(library.show_catalog)
        page.pauseRequested.connect(downloads.pause)
        page.resumeRequested.connect(library.resume)
        page.cancelRequested.connect(downloads.cancel)
        page.dismissRequested.connect(downloads.dismiss)
        library.machineAssessed.connect(self._assessed)
        downloads.jobChanged.connect(self._job_changed)
        downloads.jobsChanged.connect(self._show_jobs)
        models.loadedModelChanged.connect(self._model_loaded)

    @property
    def showing(self) -> bool:
        return self._stack.currentWidget() is self._page

    def start(self) -> None:
        """At start-up: welcome the person when there is no language model to load."""
        if self._models.has_any_model():
            return
        self._wanted = True
        if self._library.assessment is not None:
            self._assessed(self._library.assessment)
        else:
            self._library.assess()

    @Slot()
    def show_transcript(self) -> None:
        self._wanted = False
        self._stack.setCurrentWidget(self._transcript)

    @Slot(object)
    def _assessed(self, assessment: MachineAssessment) -> None:
        if not self._wanted:
            return
        verdicts = assessment.verdicts
        vision, speech = assessment.recommendation.vision, assessment.recommendation.speech
        self._recommended = [entry for entry in (vision, speech) if entry is not None]
        self._page.set_recommendation(
            vision, verdicts.get(vision.id) if vision else None,
            speech, verdicts.get(speech.id) if speech else None, assessment.summary)
        self._show_jobs()
        self._stack.setCurrentWidget(self._page)

    @Slot()
    def _download(self) -> None:
        self._library.start_downloads(self._recommended)
        self._show_jobs()

    @Slot(object)
    def _job_changed(self, _job: DownloadJob) -> None:
        if self.showing:
            self._show_jobs()

    @Slot()
    def _show_jobs(self) -> None:
        ids = {entry.id for entry in self._recommended}
        self._page.set_jobs([job for job in self._downloads.jobs() if job.entry_id in ids])

    @Slot()
    def _model_loaded(self) -> None:
        if self._models.loaded_model_path() is not None and self.showing:
            self.show_transcript()
