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
from assistant.models.catalog import Catalog, CatalogError, load_catalog
from assistant.paths import AppPaths, app_paths
from assistant.resources import app_icon_path
from assistant.storage.chat_repository import ChatRepository
from assistant.storage.database import damaged_database_sentence, open_database
from assistant.ui.main_window import MainWindow

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
    icon = app_icon_path()
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def create_services(backend: str = "llama", options: dict | None = None,
                    paths: AppPaths | None = None,
                    audio_stream_factory: Callable[..., Any] | None = None,
                    catalog: Catalog | None = None) -> AppServices:
    """Open the database (quarantining a damaged one), settings and the model catalog; make
    the engine client."""
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
    return AppServices(paths, repository, SettingsStore(paths.settings_file),
                       EngineClient(backend, options), catalog, notice, audio_stream_factory)


def create_main_window(start_engine: bool = True, backend: str = "llama",
                       options: dict | None = None,
                       audio_stream_factory: Callable[..., Any] | None = None,
                       catalog: Catalog | None = None) -> MainWindow:
    """The real main window over the real on-disk state; the engine starts after it shows."""
    window = MainWindow(create_services(backend, options,
                                        audio_stream_factory=audio_stream_factory,
                                        catalog=catalog))
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
    """Open the window and run the event loop until it closes."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = create_application()
    window = create_main_window()
    if smoke_test:
        _finish_smoke_test(app, window)
    window.show()
    return app.exec()
