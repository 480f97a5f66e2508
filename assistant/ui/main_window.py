"""The main window: composes the widgets and hands them to the controllers. No logic here."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from assistant import APP_NAME
from assistant.client.download_manager import DownloadManager
from assistant.ui.appearance_controller import AppearanceController
from assistant.ui.attachment_controller import AttachmentController
from assistant.ui.chat_controller import ChatController
from assistant.ui.composer import Composer
from assistant.ui.conversation_controller import ConversationController
from assistant.ui.conversation_sidebar import ConversationSidebar
from assistant.ui.downloads_indicator import DownloadsIndicator
from assistant.ui.help_controller import HelpController
from assistant.ui.image_drop import ImageDropFilter
from assistant.ui.message_view import MessageView
from assistant.ui.model_controller import ModelController
from assistant.ui.model_library_controller import ModelLibraryController
from assistant.ui.model_panel import ModelPanel
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.single_instance import bring_to_front
from assistant.ui.speech_controller import SpeechController
from assistant.ui.tray_icon import TrayIcon, should_hide_instead_of_close
from assistant.ui.welcome_controller import WelcomeController
from assistant.ui.welcome_page import WelcomePage
from assistant.ui.window_state import capture_window_state, restore_window_state

if TYPE_CHECKING:
    from assistant.ui.launch import AppServices

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Sidebar of conversations on the left; model bar, transcript and composer on the right."""

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(720, 480)
        self.resize(1100, 760)

        self.sidebar = ConversationSidebar()
        self.model_panel = ModelPanel()
        self.notice_bar = NoticeBar()
        self.message_view = MessageView()
        self.welcome_page = WelcomePage()
        self.transcript_stack = QStackedWidget()
        self.transcript_stack.addWidget(self.message_view)
        self.transcript_stack.addWidget(self.welcome_page)
        self.composer = Composer()
        self.downloads_indicator = DownloadsIndicator()
        self.statusBar().addPermanentWidget(self.downloads_indicator)
        self.statusBar().setSizeGripEnabled(False)
        # The status bar holds only the downloads indicator: no empty strip without downloads.
        self.statusBar().hide()
        self.downloads_indicator.shownChanged.connect(self.statusBar().setVisible)

        chat_area = QWidget()
        column = QVBoxLayout(chat_area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.model_panel)
        column.addWidget(self.notice_bar)
        column.addWidget(self.transcript_stack, 1)
        column.addWidget(self.composer)

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(chat_area)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        restore_window_state(self, splitter, services.settings.current.window)

        self.image_drop = ImageDropFilter(self)
        self.models = ModelController(services, self.model_panel, self.notice_bar, self)
        self.conversations = ConversationController(
            services, self.sidebar, self.notice_bar, self)
        self.attachments = AttachmentController(
            services.repository.attachment_store, services.repository.referenced_image_hashes(),
            self.composer, self.image_drop, self.models, self.notice_bar, self)
        self.speech = SpeechController(services, self.composer, self.notice_bar, self,
                                       services.audio_stream_factory)
        self.attachments.audioFilesDropped.connect(self.speech.transcribe_files)
        self.message_view.playRecordingRequested.connect(self.speech.play)
        self.message_view.stopRecordingRequested.connect(self.speech.stop_playing)
        self.speech.playbackChanged.connect(self.message_view.set_recording_playing)
        self.models.settingsDialogOpened.connect(self.speech.connect_settings_dialog)
        self.models.settingsChanged.connect(self.speech.apply_settings)
        self.chat = ChatController(services, self.conversations, self.models,
                                   self.message_view, self.composer, self.attachments,
                                   self.speech, self.notice_bar, self)
        self.downloads = DownloadManager(
            services.paths.data_dir / "downloads.json", services.paths.models_dir,
            services.catalog, services.settings.network_settings, parent=self)
        self.library = ModelLibraryController(services, self.downloads, self.models,
                                              self.notice_bar, self.downloads_indicator, self)
        self.welcome = WelcomeController(self.library, self.downloads, self.models,
                                         self.welcome_page, self.transcript_stack,
                                         self.message_view)
        self.sidebar.conversationSelected.connect(self.welcome.show_transcript)
        self.sidebar.newRequested.connect(self.welcome.show_transcript)
        self.composer.submitted.connect(self.welcome.show_transcript)
        self.models.settingsChanged.connect(self.library.apply_settings)
        self.appearance = AppearanceController(services.settings, self.notice_bar, self)
        self.models.settingsChanged.connect(self.appearance.apply_settings)
        self.appearance.restartRequested.connect(self.restart)
        self.restart_requested = False  # launch starts Mosaic again after the event loop
        # Which key shows Mosaic from anywhere, or why none (launch sets it), for Settings.
        self.global_shortcut_status = ""
        self.models.settingsDialogOpened.connect(
            lambda dialog: dialog.appearance.show_shortcut_status(self.global_shortcut_status))
        self.tray: TrayIcon | None = None  # launch.run_window adds it where there is a tray
        self._quitting = False
        self.help = HelpController(services, self.notice_bar, self)
        self._add_actions()
        self.models.shortcuts_in_use = {
            action.shortcut().toString(): action.text().rstrip("…")
            for action in self.actions() if not action.shortcut().isEmpty()}
        self.conversations.restore_last()
        if services.startup_notice:
            self.notice_bar.show_error(services.startup_notice)
        self.composer.focus_input()

    def _add_actions(self) -> None:
        self.new_chat_action = self._action(self.tr("New chat"), QKeySequence.StandardKey.New,
                                            self.conversations.new_conversation)
        self.search_action = self._action(self.tr("Search chats"), QKeySequence.StandardKey.Find,
                                          self.sidebar.focus_search)
        self.open_model_action = self._action(self.tr("Open model…"), QKeySequence.StandardKey.Open,
                                              self.models.open_model_file)
        self.settings_action = self._action(self.tr("Settings…"), QKeySequence("Ctrl+,"),
                                            self.models.edit_settings)
        self.quit_action = self._action(self.tr("Quit"), QKeySequence.StandardKey.Quit, self.quit)
        self._menu(self.tr("&File"), self.new_chat_action, self.search_action,
                   self.open_model_action, self.settings_action, self.quit_action)
        self.models_action = self._action(self.tr("Installed models…"),
                                          QKeySequence("Ctrl+Shift+M"),
                                          self.library.show_installed)
        self.catalog_action = self._action(self.tr("Get models…"),
                                           QKeySequence("Ctrl+Shift+G"),
                                           self.library.show_catalog)
        self.import_action = self._action(self.tr("Import model files…"),
                                          QKeySequence("Ctrl+Shift+I"),
                                          self.library.importer.choose_files)
        self.downloads_action = self._action(self.tr("Downloads…"), QKeySequence("Ctrl+Shift+J"),
                                             self.library.show_downloads)
        self._menu(self.tr("&Models"), self.models_action, self.catalog_action, self.import_action,
                   self.downloads_action)
        self.attach_action = self._action(self.tr("Attach images…"),
                                          QKeySequence("Ctrl+Shift+A"), self.composer.choose_files)
        self.focus_input_action = self._action(self.tr("Go to the message box"),
                                               QKeySequence("Ctrl+L"), self.composer.focus_input)
        self._menu(self.tr("&Chat"), self.attach_action, self.focus_input_action)
        self.shortcuts_action = self._action(self.tr("Keyboard shortcuts"),
                                             QKeySequence("Ctrl+/"), self.help.show_shortcuts)
        # F1 too: "/" needs Shift on some keyboard layouts (German, French…).
        self.shortcuts_action.setShortcuts([QKeySequence("Ctrl+/"), QKeySequence("F1")])
        self.data_folder_action = self._action(self.tr("Open data folder"), QKeySequence(),
                                               self.help.open_data_folder)
        self.about_action = self._action(self.tr("About Mosaic"), QKeySequence(),
                                         self.help.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self._menu(self.tr("&Help"), self.shortcuts_action, self.data_folder_action,
                   self.about_action)

    def _menu(self, title: str, *actions: QAction) -> None:
        menu = self.menuBar().addMenu(title)
        for action in actions:
            menu.addAction(action)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey,
                slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def start_engine(self) -> None:
        """Start the engine process (after the window is visible) and load the last model."""
        self.services.engine.start()
        self.models.restore_last_model()
        self.downloads.resume_saved()
        self.welcome.start()

    def save_window_state(self) -> None:
        """Remember the geometry and splitter for the next start (a full disk only logs)."""
        store = self.services.settings
        state = capture_window_state(self, self.splitter)
        if state != store.current.window:
            try:
                store.update(replace(store.current, window=state))
            except OSError as exc:
                log.warning("could not save the window's position: %s", exc)

    def quit(self) -> None:
        """Quit Mosaic (File ▸ Quit, the tray's Quit): close for real, even with close-to-tray."""
        self._quitting = True
        self.close()

    def restart(self) -> None:
        """Quit, asking launch to start Mosaic again (a new interface language)."""
        self.restart_requested = True
        self.quit()

    def bring_to_front(self, *_argv: object) -> None:
        """Show, un-minimize and raise the window (a second launch, the global key)."""
        bring_to_front(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        close_to_tray = self.services.settings.current.appearance.close_to_tray
        if self.tray is not None and should_hide_instead_of_close(
                close_to_tray, self.tray.is_visible(), self._quitting):
            event.ignore()
            self.save_window_state()
            self.tray.hide_window_to_tray()
            return
        self.save_window_state()
        self.chat.finish_for_shutdown()
        self.downloads.shutdown()
        self.services.engine.shutdown()
        if self.tray is not None:
            self.tray.remove()
        super().closeEvent(event)
        # Closing a hidden window (Quit from the tray) does not end the event loop by itself;
        # outside app.exec() (tests) this does nothing.
        QCoreApplication.quit()
