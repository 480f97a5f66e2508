"""The model library: the Models window's tabs, downloads, deleting, defaults.

What is installed (headers read off the GUI thread), what this machine can run (memory,
GPU, disk, probed once in the background) and how the downloads go all meet here; the
views only show them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from assistant.client.background import run_in_background
from assistant.client.download_manager import DownloadManager
from assistant.models.catalog import CatalogEntry, ModelKind
from assistant.models.download_jobs import DownloadJob
from assistant.models.gguf_inspect import ModelFileError, format_bytes
from assistant.models.inventory import (
    InstalledModel,
    LibraryScan,
    delete_installed,
    scan_library,
)
from assistant.models.machine_fit import MachineAssessment, assess_machine
from assistant.models.speech_models import whisper_setting_for
from assistant.ui.downloads_indicator import DownloadsIndicator
from assistant.ui.model_controller import ModelController
from assistant.ui.model_import_flow import ModelImportFlow
from assistant.ui.models_window import ModelsWindow
from assistant.ui.notice_bar import NoticeBar

if TYPE_CHECKING:
    from assistant.ui.launch import AppServices


class ModelLibraryController(QObject):
    """Fills the Models window and acts on it; tells the model bar when models change."""

    libraryScanned = Signal(object)  # LibraryScan
    machineAssessed = Signal(object)  # MachineAssessment

    def __init__(self, services: AppServices, downloads: DownloadManager,
                 models: ModelController, notice: NoticeBar, indicator: DownloadsIndicator,
                 window: QWidget) -> None:
        super().__init__(window)
        self._services = services
        self._catalog = services.catalog
        self._downloads = downloads
        self._models = models
        self._notice = notice
        self._indicator = indicator
        self._window = window
        self._models_window: ModelsWindow | None = None
        self.scan: LibraryScan | None = None
        self.assessment: MachineAssessment | None = None
        self.importer = ModelImportFlow(services.paths.models_dir, notice, window)
        self.importer.imported.connect(self._imported)
        downloads.jobChanged.connect(self._job_changed)
        downloads.jobsChanged.connect(self._jobs_changed)
        downloads.modelReady.connect(self._model_ready)
        indicator.clicked.connect(self.show_downloads)
        indicator.set_jobs(downloads.jobs())

    # --- opening -------------------------------------------------------------------------

    @Slot()
    def show_installed(self) -> None:
        self._window_for(ModelsWindow.INSTALLED)

    @Slot()
    def show_catalog(self) -> None:
        self._window_for(ModelsWindow.CATALOG)

    @Slot()
    def show_downloads(self) -> None:
        self._window_for(ModelsWindow.DOWNLOADS)

    @property
    def models_window(self) -> ModelsWindow | None:
        return self._models_window

    def _window_for(self, tab: int) -> ModelsWindow:
        if self._models_window is None:
            self._models_window = self._make_window()
        self._models_window.show_tab(tab)
        self.refresh()
        return self._models_window

    def _make_window(self) -> ModelsWindow:
        window = ModelsWindow(self._window)
        window.installed.deleteRequested.connect(self.delete_model)
        window.installed.revealRequested.connect(self.reveal)
        window.installed.defaultRequested.connect(self.set_default)
        window.installed.importRequested.connect(self.importer.choose_files)
        window.catalog.downloadRequested.connect(self.download)
        window.downloads.pauseRequested.connect(self._downloads.pause)
        window.downloads.resumeRequested.connect(self.resume)
        window.downloads.cancelRequested.connect(self._downloads.cancel)
        window.downloads.dismissRequested.connect(self._downloads.dismiss)
        window.filesDropped.connect(self.importer.import_files)
        window.downloads.set_jobs(self._downloads.jobs())
        window.set_downloads_title(len(self._downloads.active_ids()))
        self.importer.set_notice_bar(window.notice, window)
        window.finished.connect(self._models_window_closed)
        self._show_scan()
        self._show_assessment()
        return window

    @Slot()
    def _models_window_closed(self) -> None:
        self.importer.set_notice_bar(self._notice, self._window)

    @Slot()
    def apply_settings(self) -> None:
        """Offline mode pauses every download; a new context size changes the fit."""
        settings = self._services.settings.current
        if settings.network.offline:
            self._downloads.go_offline()
        if self.assessment is not None:
            self.assess()

    # --- scanning ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read what is installed (and, the first time, what the machine has)."""
        settings = self._services.settings.current
        extra = tuple(str(p) for p in self._models.extra_models())
        run_in_background(scan_library, self._services.paths.models_dir, self._catalog,
                          extra, dict(settings.projector_choices),
                          on_done=self._scanned, on_error=self._scan_failed)
        if self.assessment is None:
            self.assess()

    def assess(self) -> None:
        n_ctx = self._services.settings.current.load.n_ctx
        run_in_background(assess_machine, self._catalog, self._services.paths.models_dir,
                          n_ctx, on_done=self._assessed, on_error=self._scan_failed)

    @Slot(object)
    def _scanned(self, scan: LibraryScan) -> None:
        self.scan = scan
        self._show_scan()
        self._show_assessment()
        self.libraryScanned.emit(scan)

    @Slot(object)
    def _assessed(self, assessment: MachineAssessment) -> None:
        self.assessment = assessment
        self._show_assessment()
        self.machineAssessed.emit(assessment)

    @Slot(str)
    def _scan_failed(self, sentence: str) -> None:
        self._window_notice().show_error(sentence)

    def _show_scan(self) -> None:
        if self._models_window is None or self.scan is None:
            return
        self._models_window.installed.set_models(
            self.scan.models, self.defaults(), self.scan.disk_bytes,
            str(self._services.paths.models_dir))

    def _show_assessment(self) -> None:
        if self._models_window is None or self.assessment is None:
            return
        view = self._models_window.catalog
        view.set_machine_summary(self.assessment.summary)
        view.set_entries(self._catalog.entries, self.assessment.verdicts,
                         self.installed_ids(), self._downloads.active_ids())

    def installed_ids(self) -> set[str]:
        """Catalog entries whose files are all on disk."""
        if self.scan is None:
            return set()
        return {m.catalog_id for m in self.scan.models if m.catalog_id}

    def defaults(self) -> dict[str, str]:
        """role ("chat", "vision", "speech") → the default model's path (or Whisper name)."""
        settings = self._services.settings.current
        roles = {"chat": settings.default_chat_model, "vision": settings.default_vision_model}
        defaults = {role: path for role, path in roles.items() if path}
        if self.scan is not None:
            for model in self.scan.models:
                if model.kind is ModelKind.SPEECH and model.speech_name == \
                        settings.speech.whisper_model:
                    defaults["speech"] = str(model.path)
        return defaults

    # --- downloads -----------------------------------------------------------------------

    @Slot(str)
    def download(self, entry_id: str) -> None:
        entry = self._catalog.by_id(entry_id)
        if entry is None:
            return
        problem = self._downloads.start(entry)
        if problem:
            self._window_notice().show_error(problem)
        else:
            self._window_notice().show_info(
                self.tr("Downloading {name} ({size}); it goes on while you chat.").format(
                    name=entry.name, size=format_bytes(entry.download_bytes)))
        self._show_assessment()

    def start_downloads(self, entries: list[CatalogEntry]) -> bool:
        """Start several (the first-run page); False when one could not start (said why)."""
        for entry in entries:
            problem = self._downloads.start(entry)
            if problem:
                self._notice.show_error(problem)
                return False
        return True

    @Slot(str)
    def resume(self, entry_id: str) -> None:
        problem = self._downloads.resume(entry_id)
        if problem:
            self._window_notice().show_error(problem)

    @Slot(object)
    def _job_changed(self, job: DownloadJob) -> None:
        if self._models_window is not None:
            self._models_window.downloads.update_job(job)
        self._indicator.set_jobs(self._downloads.jobs())

    @Slot()
    def _jobs_changed(self) -> None:
        jobs = self._downloads.jobs()
        if self._models_window is not None:
            self._models_window.downloads.set_jobs(jobs)
            self._models_window.set_downloads_title(len(self._downloads.active_ids()))
            self._show_assessment()
        self._indicator.set_jobs(jobs)

    @Slot(object)
    def _model_ready(self, job: DownloadJob) -> None:
        entry = self._catalog.by_id(job.entry_id)
        if entry is not None and entry.kind is ModelKind.SPEECH:
            self._use_whisper_if_missing(whisper_setting_for(Path(job.destinations[0])))
            self._window_notice().show_info(
                self.tr("{name} is ready: hold the mic button to speak.").format(name=job.name))
        else:
            self._models.refresh_models(self._models.loaded_model_path())
            if not self._models.has_model:
                self._models.switch_to(job.destinations[0])
                self._window_notice().show_info(
                    self.tr("{name} is ready and loading.").format(name=job.name))
            else:
                self._window_notice().show_info(
                    self.tr("{name} is ready: choose it in the model bar.").format(
                        name=job.name))
        self._jobs_changed()
        self.refresh()

    def _use_whisper_if_missing(self, name: str) -> None:
        settings = self._services.settings
        current = settings.current.speech.whisper_model
        if self.scan is not None and any(m.speech_name == current for m in self.scan.models):
            return
        self._save_settings(replace(settings.current, speech=replace(
            settings.current.speech, whisper_model=name)))

    # --- installed models ----------------------------------------------------------------

    def _installed(self, path: str) -> InstalledModel | None:
        if self.scan is None:
            return None
        return next((m for m in self.scan.models if str(m.path) == path), None)

    @Slot(str)
    def delete_model(self, path: str) -> None:
        """Ask, then delete the model's file (and its projector); conversations stay."""
        model = self._installed(path)
        if model is None:
            return
        parent = self._models_window or self._window
        used_by = self._services.repository.count_conversations_with_model(path)
        lines = [self.tr("{name} ({size}) will be removed from this computer.").format(
            name=model.name, size=format_bytes(model.size_bytes))]
        if used_by == 1:
            lines.append(self.tr("1 conversation uses it; it stays, and another model answers "
                                 "from then on."))
        elif used_by:
            lines.append(self.tr("{count} conversations use it; they stay, and another model "
                                 "answers from then on.").format(count=used_by))
        if self._models.loaded_model_path() == path:
            lines.append(self.tr("It is loaded now and keeps answering until you load another "
                                 "model."))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete model"),
                          self.tr("Delete {name}?").format(name=model.name), parent=parent)
        box.setInformativeText(" ".join(lines))
        with_projector = QCheckBox(self.tr("Also delete its vision projector"))
        if model.projector is not None:
            with_projector.setChecked(True)
            box.setCheckBox(with_projector)
        delete_button = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete_button:
            return
        try:
            removed = delete_installed(model, with_projector=with_projector.isChecked(),
                                       models_dir=self._services.paths.models_dir)
        except ModelFileError as exc:
            self._window_notice().show_error(str(exc))
            return
        self._forget_defaults(path)
        self._models.forget_model(path)
        self._window_notice().show_info(
            (self.tr("Deleted {name}.") if removed else
             self.tr("{name} is outside the models folder, so Mosaic only stopped listing it."))
            .format(name=model.name))
        self.refresh()

    def _forget_defaults(self, path: str) -> None:
        settings = self._services.settings.current
        updated = replace(
            settings,
            default_chat_model=None if settings.default_chat_model == path
            else settings.default_chat_model,
            default_vision_model=None if settings.default_vision_model == path
            else settings.default_vision_model)
        if updated != settings:
            self._save_settings(updated)

    @Slot(str)
    def reveal(self, path: str) -> None:
        """Open the folder that holds ``path`` in the file manager."""
        folder = Path(path).parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._window_notice().show_error(
                self.tr("Could not open a file manager; the model is in {folder}.").format(
                    folder=folder))

    @Slot(str, str)
    def set_default(self, path: str, role: str) -> None:
        settings = self._services.settings.current
        model = self._installed(path)
        if role == "chat":
            updated = replace(settings, default_chat_model=path)
        elif role == "vision":
            updated = replace(settings, default_vision_model=path)
        elif role == "speech" and model is not None and model.speech_name:
            updated = replace(settings, speech=replace(settings.speech,
                                                       whisper_model=model.speech_name))
        else:
            return
        if self._save_settings(updated):
            self._show_scan()

    @Slot(list)
    def _imported(self, paths: list[str]) -> None:
        self._models.refresh_models(self._models.loaded_model_path())
        self.refresh()
        languages = [p for p in paths if p.endswith(".gguf") and "mmproj" not in
                     Path(p).name.lower()]
        if languages and not self._models.has_model:
            self._models.switch_to(languages[0])
        for path in paths:
            if path.endswith(".pt"):
                self._use_whisper_if_missing(whisper_setting_for(Path(path)))

    def _save_settings(self, settings: object) -> bool:
        try:
            self._services.settings.update(settings)  # type: ignore[arg-type]
        except OSError as exc:
            self._window_notice().show_error(
                self.tr("Could not save your settings ({reason}); free some disk space and try "
                        "again.").format(reason=exc.strerror))
            return False
        return True

    def _window_notice(self) -> NoticeBar:
        window = self._models_window
        return window.notice if window is not None and window.isVisible() else self._notice


__all__ = ["ModelLibraryController"]
