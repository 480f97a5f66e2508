"""Applies the Appearance settings while Mosaic runs: the theme at once, a new interface
language after a restart the person agrees to."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from assistant.core.settings import SettingsStore
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.theme import apply_theme, current_theme
from assistant.ui.translations import NATIVE_NAMES, effective_language, installed_language


class AppearanceController(QObject):
    """Keeps the running window in step with ``settings.current.appearance``."""

    restartRequested = Signal()  # the person chose to restart for a new language

    def __init__(self, settings: SettingsStore, notice_bar: NoticeBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._notice = notice_bar
        # The language the interface was started in (launch installs it before the window).
        self.running_language = installed_language()
        self._restart_sentence: str | None = None
        notice_bar.actionRequested.connect(self._restart_if_offered)

    def apply_settings(self) -> None:
        """Called after the settings dialog saved: theme now, language on restart."""
        appearance = self._settings.current.appearance
        app = QApplication.instance()
        if isinstance(app, QApplication) and current_theme(app) != appearance.theme:
            apply_theme(app, appearance.theme)
        wanted = effective_language(appearance.language)
        if wanted == self.running_language:
            if self._restart_sentence is not None and self._notice.text() == \
                    self._restart_sentence:
                self._notice.dismiss()
            self._restart_sentence = None
            return
        self._restart_sentence = self.tr(
            "The interface switches to {language} when Mosaic restarts.").format(
                language=NATIVE_NAMES.get(wanted, wanted))
        self._notice.show_action(self._restart_sentence, self._restart_label())

    def _restart_label(self) -> str:
        return self.tr("Restart now")

    def _restart_if_offered(self) -> None:
        # The bar has one action button: act only when it was ours (not replaced since).
        offered, self._restart_sentence = self._restart_sentence, None
        if offered is not None and self._notice.action_button.text() == self._restart_label():
            self.restartRequested.emit()
