"""The Help menu's work: the shortcuts list, the About dialog, the data folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from assistant.ui.about_dialog import AboutDialog
from assistant.ui.folders import open_folder
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.shortcuts_dialog import ShortcutsDialog, window_keys

if TYPE_CHECKING:
    from assistant.ui.launch import AppServices


class HelpController(QObject):
    """Opens the Help menu's dialogs over ``window``."""

    def __init__(self, services: AppServices, notice_bar: NoticeBar, window: QWidget) -> None:
        super().__init__(window)
        self._services = services
        self._notice = notice_bar
        self._window = window

    def show_shortcuts(self) -> ShortcutsDialog:
        """Every key of the window: its actions' shortcuts and the keys widgets handle."""
        speech = self._services.settings.current.speech
        dialog = ShortcutsDialog(self._window.actions(), window_keys(speech.push_to_talk_key),
                                 self._window)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self._services.paths, self._window)
        dialog.open()
        return dialog

    def open_data_folder(self) -> None:
        problem = open_folder(self._services.paths.data_dir, create_missing=True)
        if problem:
            self._notice.show_error(problem)
