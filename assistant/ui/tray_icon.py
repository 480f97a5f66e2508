"""Mosaic's icon in the desktop's system tray: show/hide the window, a new chat, quit.

Closing the window can hide it to the tray instead of quitting (the ``close_to_tray``
setting); :func:`should_hide_instead_of_close` is that decision, and the first such hide
tells the person once where Mosaic went.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QSystemTrayIcon, QWidget

from assistant import APP_NAME
from assistant.ui.single_instance import bring_to_front

NOTICE_DURATION_MS = 8_000
_VISIBILITY_EVENTS = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange)


def should_hide_instead_of_close(close_to_tray: bool, tray_visible: bool,
                                 quitting: bool) -> bool:
    """Whether closing the window only hides it: the setting is on, the tray icon is there
    to bring it back, and the person did not choose Quit."""
    return close_to_tray and tray_visible and not quitting


def still_running_notice() -> str:
    """What the first close-to-tray says."""
    return QCoreApplication.translate(
        "TrayIcon", "{app} is still running in the tray; Quit from its menu ends it.").format(
            app=APP_NAME)


class TrayIcon(QObject):
    """The tray icon and its menu, driving ``window`` and two of its actions."""

    def __init__(self, window: QWidget, new_chat_action: QAction, quit_action: QAction,
                 parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self._window = window
        self._told_still_running = False

        self.toggle_action = QAction(self)
        self.toggle_action.triggered.connect(self.toggle_window)
        self.new_chat_action = QAction(new_chat_action.text(), self)
        self.new_chat_action.setIcon(new_chat_action.icon())
        self.new_chat_action.triggered.connect(
            lambda: self._show_then(new_chat_action))  # same thread: a lambda is safe
        self.quit_action = QAction(self.tr("Quit {app}").format(app=APP_NAME), self)
        self.quit_action.triggered.connect(quit_action.trigger)

        self.menu = QMenu(window)  # a popup of its own; the window only owns it
        self.menu.addAction(self.toggle_action)
        self.menu.addAction(self.new_chat_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

        self.icon = QSystemTrayIcon(self._window_icon(), self)
        self.icon.setToolTip(APP_NAME)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        window.installEventFilter(self)
        self._update_toggle_text()

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons now."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show_if_available(self) -> bool:
        """Put the icon in the tray when there is one; True when it is there."""
        if self.available():
            self.icon.show()
        return self.is_visible()

    def is_visible(self) -> bool:
        return self.icon.isVisible()

    def remove(self) -> None:
        """Take the icon out of the tray (on quit)."""
        self.icon.hide()

    def window_is_shown(self) -> bool:
        return self._window.isVisible() and not self._window.isMinimized()

    def toggle_window(self) -> None:
        """Hide a shown window; show (and raise) a hidden or minimized one."""
        if self.window_is_shown():
            self._window.hide()
        else:
            bring_to_front(self._window)

    def hide_window_to_tray(self) -> None:
        """Hide the window instead of closing it; the first time, say where it went."""
        self._window.hide()
        if not self._told_still_running:
            self._told_still_running = True
            self.icon.showMessage(APP_NAME, still_running_notice(),
                                  QSystemTrayIcon.MessageIcon.Information, NOTICE_DURATION_MS)

    def _show_then(self, action: QAction) -> None:
        bring_to_front(self._window)
        action.trigger()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a plain (left) click
            self.toggle_window()

    def _update_toggle_text(self) -> None:
        if self.window_is_shown():
            self.toggle_action.setText(self.tr("Hide {app}").format(app=APP_NAME))
        else:
            self.toggle_action.setText(self.tr("Show {app}").format(app=APP_NAME))

    def _window_icon(self) -> QIcon:
        icon = self._window.windowIcon()
        if icon.isNull():
            icon = QGuiApplication.windowIcon()
        if icon.isNull():  # no icon file: a tray entry must still have a picture
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
        return icon

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() in _VISIBILITY_EVENTS:
            self._update_toggle_text()
        return False


__all__ = ["TrayIcon", "should_hide_instead_of_close", "still_running_notice"]
