"""Builds the application and its main window from the on-disk state, and runs it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from assistant import APP_ID, APP_NAME, __version__
from assistant.client.engine_client import EngineClient
from assistant.core.settings import SettingsStore
from assistant.logging_setup import configure_logging, level_from_env
from assistant.models.catalog import Catalog, CatalogError, load_catalog
from assistant.paths import AppPaths, app_paths
from assistant.resources import app_icon_files
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import damaged_database_sentence, open_database
from assistant.ui.global_shortcut import GlobalShortcut
from assistant.ui.main_window import MainWindow
from assistant.ui.relaunch import start_new_instance
from assistant.ui.single_instance import Outcome, SingleInstance
from assistant.ui.theme import apply_theme
from assistant.ui.translations import install_translations
from assistant.ui.tray_icon import TrayIcon

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppServices:
    """The long-lived owners the window's controllers share (all GUI-thread objects)."""

    paths: AppPaths
    repository: ChatRepository
    settings: SettingsStore
    engine: EngineClient
    catalog: Catalog = field(default_factory=lambda: Catalog(()))  # resources/catalog
    startup_notice: str | None = None  # e.g. the database was quarantined
    # Opens microphone streams (None: the real sounddevice.InputStream); tests inject audio.
    audio_stream_factory: Callable[..., Any] | None = None


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (created once), named so that desktops group its windows."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setApplicationName(APP_NAME)
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app = QApplication(list(argv if argv is not None else sys.argv))
    icon = QIcon()
    for path in app_icon_files():  # every PNG size, then the SVG: sharp at any size
        if path.is_file():
            icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def create_services(backend: str = "llama", options: dict | None = None,
                    paths: AppPaths | None = None,
                    audio_stream_factory: Callable[..., Any] | None = None,
                    catalog: Catalog | None = None,
                    settings: SettingsStore | None = None) -> AppServices:
    """Open the database (quarantining a damaged one), settings (unless already read) and
    the model catalog; make the engine client."""
    paths = (paths or app_paths()).ensure()
    opened = open_database(paths.database)
    notice = None
    if opened.quarantined is not None:
        notice = damaged_database_sentence(opened.quarantined)
    if catalog is None:
        try:
            catalog = load_catalog()
        except CatalogError as exc:
            log.error("model catalog unusable: %s", exc)
            catalog = Catalog(())
            notice = notice or f"{exc} The list of models to download is empty until then."
    repository = ChatRepository(opened.connection, paths.attachments_dir)
    return AppServices(paths, repository, settings or SettingsStore(paths.settings_file),
                       EngineClient(backend, options), catalog, notice, audio_stream_factory)


def create_main_window(start_engine: bool = True, backend: str = "llama",
                       options: dict | None = None,
                       audio_stream_factory: Callable[..., Any] | None = None,
                       catalog: Catalog | None = None, paths: AppPaths | None = None,
                       settings: SettingsStore | None = None) -> MainWindow:
    """The real main window over the real on-disk state; the engine starts after it shows."""
    window = MainWindow(create_services(backend, options, paths,
                                        audio_stream_factory=audio_stream_factory,
                                        catalog=catalog, settings=settings))
    if start_engine:
        QTimer.singleShot(0, window.start_engine)
    return window


SMOKE_TEST_TIMEOUT_MS = 180_000


def _finish_smoke_test(app: QApplication, window: MainWindow) -> None:
    """``--smoke-test``: once the window is shown and the engine process answers, close the
    window and exit 0; exit 1 with the reason if the engine dies or never answers."""
    engine = window.services.engine

    def finish(status: int, message: str) -> None:
        print(f"{APP_NAME} smoke test: {message}", file=sys.stdout if status == 0 else sys.stderr,
              flush=True)
        window.close()
        app.exit(status)

    def ready(event: object) -> None:
        shown = window.isVisible() and window.windowHandle() is not None
        if not shown:
            finish(1, "the window was not shown")
            return
        finish(0, f"window shown, engine process {getattr(event, 'pid', '?')} ready "
                  f"({getattr(event, 'backend_version', '?')})")

    engine.ready.connect(ready)
    engine.engineCrashed.connect(lambda sentence: finish(1, f"engine crashed: {sentence}"))
    QTimer.singleShot(SMOKE_TEST_TIMEOUT_MS, lambda: finish(
        1, f"the engine did not start within {SMOKE_TEST_TIMEOUT_MS // 1000} s"))


def run_window(smoke_test: bool = False) -> int:
    """Open the window and run the event loop until it closes; when Mosaic already runs for
    this data folder, show that window instead and return."""
    paths = app_paths()
    configure_logging(paths.log_dir, level_from_env())
    app = create_application()
    settings = SettingsStore(paths.settings_file)  # read once: the window uses it too
    install_translations(app, settings.current.appearance.language)
    apply_theme(app, settings.current.appearance.theme)
    instance: SingleInstance | None = None
    if not smoke_test:  # a packaging check must test this build, not wake a running one
        instance = SingleInstance(paths.data_dir, app)
        if not instance.claim(sys.argv[1:]):
            print(instance.already_running_message(), flush=True)
            return 0 if instance.outcome is Outcome.SHOWN else 1
    window = create_main_window(paths=paths, settings=settings)
    if instance is not None:
        instance.activationRequested.connect(window.bring_to_front)
        app.aboutToQuit.connect(instance.release)
    window.tray = TrayIcon(window, window.new_chat_action, window.quit_action)
    window.tray.show_if_available()
    shortcut = GlobalShortcut(window)
    if shortcut.register():
        shortcut.activated.connect(window.bring_to_front)
        app.aboutToQuit.connect(shortcut.unregister)
    window.global_shortcut_status = shortcut.status_text()
    if smoke_test:
        _finish_smoke_test(app, window)
    window.show()
    status = app.exec()
    if window.restart_requested:
        if instance is not None:
            instance.release()  # the new process must become the primary
        start_new_instance()
    return status
