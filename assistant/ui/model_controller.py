"""Model choice and loading: the model bar, background inspection, settings."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication

from assistant.audio.devices import MicrophoneError, list_input_devices
from assistant.client.background import run_in_background
from assistant.core.hardware import physical_cores
from assistant.core.protocol import EngineError, ErrorCode, ModelLoaded
from assistant.models.registry import find_local_models
from assistant.models.speech_models import available_whisper_models
from assistant.models.vision import ImageBudget, VisionSetup, inspect_vision_model, vision_capable
from assistant.ui.model_panel import ModelPanel
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.settings_dialog import SettingsDialog
from assistant.ui.theme import apply_theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.ui.launch import AppServices


class ModelController(QObject):
    """Lists local models, inspects the chosen one off the GUI thread, loads it.

    A model loads with its vision projector: the one the person chose (remembered in the
    settings), else the matching ``mmproj`` file beside it. A projector that fails (or crashes
    the engine) is set aside for this session and the model is loaded again without it.
    """

    loadedModelChanged = Signal()  # a model (with or without sight) loaded, or none is
    settingsDialogOpened = Signal(object)  # the SettingsDialog, before it runs
    settingsChanged = Signal()  # the person saved new settings

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
        self._load_path: str | None = None
        self._pending_load: str | None = None  # waits for its inspection (to know the mmproj)
        self._setups: dict[str, VisionSetup] = {}
        self._bad_projectors: set[str] = set()
        self._vision_models: dict[str, str] = {}
        self.shortcuts_in_use: dict[str, str] = {}  # key → action, kept off push-to-talk
        panel.set_models_folder(services.paths.models_dir)
        panel.modelSelected.connect(self.inspect)
        panel.fileChosen.connect(self._file_chosen)
        panel.loadRequested.connect(self.load)
        panel.projectorChosen.connect(self._projector_chosen)
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

    def image_budget(self) -> ImageBudget | None:
        """How the loaded model takes images, or None when it cannot see (or nothing loaded)."""
        loaded = self._engine.loaded_model
        if loaded is None or not loaded.mmproj:
            return None
        setup = self._setups.get(_key(loaded.path))
        if setup is None or setup.projector is None or setup.budget is None:
            return None
        return setup.budget if _key(setup.projector.path) == _key(loaded.mmproj) else None

    def loaded_model_path(self) -> str | None:
        loaded = self._engine.loaded_model
        return loaded.path if loaded is not None else None

    def loaded_context(self) -> int:
        loaded = self._engine.loaded_model
        return loaded.n_ctx if loaded is not None else 0

    def vision_models(self) -> list[str]:
        """Paths of the listed models that can see images, the default vision model first."""
        default = self._services.settings.current.default_vision_model
        return sorted(self._vision_models,
                      key=lambda p: (p != default, Path(p).name.casefold()))

    def has_any_model(self) -> bool:
        """Whether there is a language model to load (in the folder, opened, or remembered)."""
        if self._panel.combo.count() > 0:
            return True
        settings = self._services.settings.current
        return any(path and Path(path).is_file()
                   for path in (settings.default_chat_model, settings.last_model_path))

    def extra_models(self) -> list[Path]:
        """Models opened from outside the models folder this session."""
        return list(self._extra_models)

    def forget_model(self, path: str) -> None:
        """A model file was deleted: drop it from the list (it stays loaded if it is)."""
        self._extra_models = [p for p in self._extra_models if str(p) != path]
        self._setups.pop(_key(path), None)
        self._vision_models.pop(path, None)
        self.refresh_models(self.loaded_model_path())

    def switch_to(self, path: str) -> None:
        """Select ``path`` in the model bar and load it."""
        self.refresh_models(path)
        self.load(path)

    def refresh_models(self, current: str | None = None) -> None:
        found = find_local_models(self._services.paths.models_dir)
        for extra in self._extra_models:
            if extra not in found:
                found.append(extra)
        if current and Path(current) not in found and Path(current).exists():
            found.append(Path(current))
        self._panel.set_available_models(found, current)
        run_in_background(vision_capable, [str(p) for p in found],
                          on_done=self._vision_scanned, on_error=self._vision_scan_failed)

    @Slot(object)
    def _vision_scanned(self, capable: dict[str, str]) -> None:
        for path in set(self._vision_models) - set(capable):
            self._panel.set_vision(path, "")
        self._vision_models.update(capable)
        for path in capable:
            setup = self._setups.get(_key(path))
            self._panel.set_vision(path, setup.description() if setup
                                   else self.tr("sees images"))

    @Slot(str)
    def _vision_scan_failed(self, _message: str) -> None:
        pass  # the list simply shows no marks; each model is inspected when chosen

    def restore_last_model(self) -> None:
        """Load the default chat model, else the one used last time, if it is still there."""
        settings = self._services.settings.current
        for path in (settings.default_chat_model, settings.last_model_path):
            if path and Path(path).is_file():
                self.load(path)  # inspects first
                return

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
        """Read the headers (model and projector) in the background; the panel shows them."""
        self._inspecting = path
        chosen = self._services.settings.current.projector_choices.get(path)
        run_in_background(inspect_vision_model, path, chosen, on_done=self._inspected,
                          on_error=self._inspection_failed)

    @Slot(object)
    def _inspected(self, setup: VisionSetup) -> None:
        key = _key(setup.model.path)
        self._setups[key] = setup
        description = "" if self._projector_of(setup) is None else setup.description()
        self._panel.set_vision(setup.model.path, description)
        if description:
            self._vision_models[setup.model.path] = str(self._projector_of(setup))
        self._panel.show_model_info(setup.model)
        if setup.problem:
            self._notice.show_error(setup.problem)
        if self._pending_load is not None and _key(self._pending_load) == key:
            self._pending_load = None
            self._start_load(setup.model.path)

    @Slot(str)
    def _inspection_failed(self, message: str) -> None:
        if self._inspecting is not None:
            self._panel.show_model_error(self._inspecting, message)
        if self._pending_load is not None and self._pending_load == self._inspecting:
            path, self._pending_load = self._pending_load, None
            self._start_load(path)  # the engine will say what is wrong with it

    def _projector_of(self, setup: VisionSetup) -> str | None:
        if setup.projector is None or setup.projector.path in self._bad_projectors:
            return None
        return setup.projector.path

    @Slot(str)
    def load(self, path: str) -> None:
        """Load ``path`` with its projector (once its headers have been read)."""
        self._panel.set_loading(0.0)
        if _key(path) in self._setups:
            self._start_load(path)
        else:
            self._pending_load = path
            self.inspect(path)

    def _start_load(self, path: str, *, without_projector: bool = False) -> None:
        setup = self._setups.get(_key(path))
        mmproj = None if without_projector or setup is None else self._projector_of(setup)
        self._load_path = path
        self._load_request = self._engine.load_model(
            path, self._services.settings.current.load, mmproj or "")
        self._panel.set_loading(0.0)

    @Slot(str, str)
    def _projector_chosen(self, model_path: str, projector_path: str) -> None:
        """Remember the person's projector for this model, then inspect (and reload) it."""
        settings = self._services.settings
        choices = {**settings.current.projector_choices, model_path: projector_path}
        self._bad_projectors.discard(projector_path)
        try:
            settings.update(replace(settings.current, projector_choices=choices))
        except OSError as exc:
            self._notice.show_error(self._settings_not_saved(exc))
        self._setups.pop(_key(model_path), None)
        loaded = self._engine.loaded_model
        if loaded is not None and _key(loaded.path) == _key(model_path):
            self.load(model_path)
        else:
            self.inspect(model_path)

    @Slot(int, float)
    def _load_progress(self, _request_id: int, fraction: float) -> None:
        self._panel.set_loading(fraction)

    @Slot(object)
    def _model_loaded(self, loaded: ModelLoaded) -> None:
        if loaded.request_id == self._load_request:
            self._load_request = None
        self._panel.set_loaded(loaded.name, self._loaded_detail(loaded))
        self.loadedModelChanged.emit()
        settings = self._services.settings
        if settings.current.last_model_path != loaded.path:
            try:
                settings.update(replace(settings.current, last_model_path=loaded.path))
            except OSError as exc:
                self._notice.show_error(self._settings_not_saved(exc))

    def _settings_not_saved(self, exc: OSError) -> str:
        return self.tr("Could not save your settings ({reason}).").format(
            reason=exc.strerror or exc)

    def _loaded_detail(self, loaded: ModelLoaded) -> str:
        """E.g. "4096 ctx · 2 threads · CPU · sees images"."""
        device = (self.tr("GPU ({layers} layers)").format(layers=loaded.n_gpu_layers)
                  if loaded.n_gpu_layers else self.tr("CPU"))
        threads = (self.tr("1 thread") if loaded.n_threads == 1
                   else self.tr("{count} threads").format(count=loaded.n_threads))
        if loaded.mmproj:
            #: The loaded model's setup: context size in tokens, CPU threads, CPU or GPU.
            return self.tr("{context} ctx · {threads} · {device} · sees images").format(
                context=loaded.n_ctx, threads=threads, device=device)
        return self.tr("{context} ctx · {threads} · {device}").format(
            context=loaded.n_ctx, threads=threads, device=device)

    @Slot(object)
    def _request_failed(self, error: EngineError) -> None:
        if error.request_id is None or error.request_id != self._load_request:
            return
        self._load_request = None
        path = self._load_path
        setup = self._setups.get(_key(path)) if path else None
        if (error.code is ErrorCode.PROJECTOR_FILE and path is not None and setup is not None
                and setup.projector is not None):
            # Set the projector aside and give the person the model without sight.
            self._bad_projectors.add(setup.projector.path)
            self._panel.set_vision(path, "")
            self._vision_models.pop(path, None)
            self._notice.show_error(self.tr(
                "{problem} Loading the model without image support.").format(
                    problem=error.message))
            self._start_load(path, without_projector=True)
            return
        if self._engine.loaded_model is None:
            self._panel.set_unloaded()
        else:
            loaded = self._engine.loaded_model
            self._panel.set_loaded(loaded.name, self.tr("still loaded"))
        self._notice.show_error(error.message)

    @Slot(str)
    def _engine_crashed(self, sentence: str) -> None:
        self._load_request = None
        self._notice.show_error(sentence)
        self.loadedModelChanged.emit()

    @Slot()
    def edit_settings(self) -> None:
        """Open the settings dialog; save atomically when accepted."""
        store = self._services.settings
        devices = []
        with contextlib.suppress(MicrophoneError):
            devices = [device.name for device in list_input_devices()]
        dialog = SettingsDialog(store.current, physical_cores(), self._window,
                                input_devices=devices,
                                whisper_models_present=available_whisper_models(
                                    self._services.paths.models_dir),
                                shortcuts_in_use=self.shortcuts_in_use)
        self.settingsDialogOpened.emit(dialog)
        if not dialog.exec():
            return
        before, updated = store.current, dialog.result_settings()
        try:
            store.update(updated)
        except OSError as exc:
            app = QApplication.instance()
            if isinstance(app, QApplication):  # the dialog previewed a theme; take it back
                apply_theme(app, before.appearance.theme)
            self._notice.show_error(self.tr(
                "Could not save your settings ({reason}); free some disk space and try "
                "again.").format(reason=exc.strerror or exc))
            return
        self.settingsChanged.emit()
        if updated.load != before.load and self._engine.loaded_model:
            self._notice.show_info(self.tr(
                "Context size, threads and GPU layers apply the next time a model is loaded: "
                "click Load to reload it now."))


def _key(path: str | Path) -> str:
    return str(Path(path))
