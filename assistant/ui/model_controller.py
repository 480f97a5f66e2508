"""Model choice and loading: the model bar, background inspection, settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from assistant.client.background import run_in_background
from assistant.core.hardware import physical_cores
from assistant.core.protocol import EngineError, ModelLoaded
from assistant.models.gguf_inspect import GGUFInfo, inspect_gguf
from assistant.models.registry import find_local_models
from assistant.ui.model_panel import ModelPanel
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.ui.launch import AppServices


class ModelController(QObject):
    """Lists local models, inspects the chosen one off the GUI thread, loads it."""

    def __init__(self, services: AppServices, panel: ModelPanel, notice_bar: NoticeBar,
                 window: QWidget) -> None:
        super().__init__(window)
        self._services = services
        self._engine = services.engine
        self._panel = panel
        self._notice = notice_bar
        self._window = window
        self._extra_models: list[Path] = []  # opened from elsewhere than the models folder
        self._inspecting: str | None = None
        self._load_request: int | None = None
        panel.set_models_folder(services.paths.models_dir)
        panel.modelSelected.connect(self.inspect)
        panel.fileChosen.connect(self._file_chosen)
        panel.loadRequested.connect(self.load)
        self._engine.loadProgress.connect(self._load_progress)
        self._engine.modelLoaded.connect(self._model_loaded)
        self._engine.requestFailed.connect(self._request_failed)
        self._engine.engineCrashed.connect(self._engine_crashed)
        self.refresh_models(services.settings.current.last_model_path)

    @property
    def is_loading(self) -> bool:
        return self._load_request is not None

    @property
    def has_model(self) -> bool:
        """A model is loaded, or loading (a message sent now waits for it)."""
        return self._engine.loaded_model is not None or self.is_loading

    def loaded_model_name(self) -> str | None:
        loaded = self._engine.loaded_model
        return loaded.name if loaded is not None else None

    def refresh_models(self, current: str | None = None) -> None:
        found = find_local_models(self._services.paths.models_dir)
        for extra in self._extra_models:
            if extra not in found:
                found.append(extra)
        if current and Path(current) not in found and Path(current).exists():
            found.append(Path(current))
        self._panel.set_available_models(found, current)

    def restore_last_model(self) -> None:
        """Load the model used last time, if it is still there."""
        last = self._services.settings.current.last_model_path
        if last and Path(last).is_file():
            self.inspect(last)
            self.load(last)

    @Slot()
    def open_model_file(self) -> None:
        path = self._panel.choose_file()
        if path:
            self._file_chosen(path)

    @Slot(str)
    def _file_chosen(self, path: str) -> None:
        chosen = Path(path)
        if chosen not in self._extra_models:
            self._extra_models.append(chosen)
        self.refresh_models(path)
        self.inspect(path)

    @Slot(str)
    def inspect(self, path: str) -> None:
        """Read the GGUF header in the background; the panel shows what it found."""
        self._inspecting = path
        run_in_background(inspect_gguf, path, on_done=self._inspected,
                          on_error=self._inspection_failed)

    @Slot(object)
    def _inspected(self, info: GGUFInfo) -> None:
        if self._inspecting is not None and Path(info.path) == Path(self._inspecting):
            self._panel.show_model_info(info)

    @Slot(str)
    def _inspection_failed(self, message: str) -> None:
        if self._inspecting is not None:
            self._panel.show_model_error(self._inspecting, message)

    @Slot(str)
    def load(self, path: str) -> None:
        self._load_request = self._engine.load_model(path, self._services.settings.current.load)
        self._panel.set_loading(0.0)

    @Slot(int, float)
    def _load_progress(self, _request_id: int, fraction: float) -> None:
        self._panel.set_loading(fraction)

    @Slot(object)
    def _model_loaded(self, loaded: ModelLoaded) -> None:
        if loaded.request_id == self._load_request:
            self._load_request = None
        device = f"GPU ({loaded.n_gpu_layers} layers)" if loaded.n_gpu_layers else "CPU"
        self._panel.set_loaded(
            loaded.name, f"{loaded.n_ctx} ctx · {loaded.n_threads} threads · {device}")
        settings = self._services.settings
        if settings.current.last_model_path != loaded.path:
            try:
                settings.update(replace(settings.current, last_model_path=loaded.path))
            except OSError as exc:
                self._notice.show_error(f"Could not save your settings ({exc.strerror}).")

    @Slot(object)
    def _request_failed(self, error: EngineError) -> None:
        if error.request_id is None or error.request_id != self._load_request:
            return
        self._load_request = None
        if self._engine.loaded_model is None:
            self._panel.set_unloaded()
        else:
            loaded = self._engine.loaded_model
            self._panel.set_loaded(loaded.name, "still loaded")
        self._notice.show_error(error.message)

    @Slot(str)
    def _engine_crashed(self, sentence: str) -> None:
        self._load_request = None
        self._notice.show_error(sentence)

    @Slot()
    def edit_settings(self) -> None:
        """Open the settings dialog; save atomically when accepted."""
        store = self._services.settings
        dialog = SettingsDialog(store.current, physical_cores(), self._window)
        if not dialog.exec():
            return
        before, updated = store.current, dialog.result_settings()
        try:
            store.update(updated)
        except OSError as exc:
            self._notice.show_error(
                f"Could not save your settings ({exc.strerror}); free some disk space and try "
                "again.")
            return
        if updated.load != before.load and self._engine.loaded_model:
            self._notice.show_info("Context size, threads and GPU layers apply the next time a "
                                   "model is loaded: click Load to reload it now.")
