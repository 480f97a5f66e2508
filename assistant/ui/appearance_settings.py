"""The settings dialog's "Appearance" section: theme, interface language, close to tray."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSystemTrayIcon,
    QWidget,
)

from assistant.core.settings import THEMES, AppearanceSettings
from assistant.ui.combo_sizing import fit_to_items
from assistant.ui.translations import effective_language, language_names


def tray_available() -> bool:
    """Whether the desktop shows tray icons (some GNOME sessions do not)."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setEnabled(False)
    return label


class AppearanceSettingsGroup(QGroupBox):
    """Edits :class:`AppearanceSettings`: :meth:`load` them, change them, take :meth:`result`.

    Closing to the tray needs a tray: without one the box is off limits and says why, and
    :meth:`result` keeps the stored choice for a desktop that has one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Appearance"))
        self._settings = AppearanceSettings()
        theme_names = {"system": self.tr("Same as the system"), "light": self.tr("Light"),
                       "dark": self.tr("Dark")}
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Theme"))
        self.theme.setToolTip(self.tr("Light or dark colours; the system choice follows the "
                                      "desktop as it changes."))
        for code in THEMES:
            self.theme.addItem(theme_names[code], code)

        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Interface language"))
        for code, name in language_names().items():
            if code == "system":
                system_name = language_names()[effective_language("system")]
                name = self.tr("{same_as_system} ({language})").format(
                    same_as_system=name, language=system_name)
            self.language.addItem(name, code)
        for combo in (self.theme, self.language):
            fit_to_items(combo)
        self.language_note = _note(self.tr("Takes effect when Mosaic restarts."))
        self.language_note.setWordWrap(False)  # short; wrapping squeezes it to the field

        self.close_to_tray = QCheckBox(
            self.tr("Close to the tray: &keep running when the window is closed"))
        self.close_to_tray.setToolTip(self.tr(
            "Closing the window leaves Mosaic in the system tray, with its model loaded; "
            "quit from the tray icon's menu."))
        self.has_tray = tray_available()
        self.close_to_tray.setEnabled(self.has_tray)
        self.tray_note = _note(self.tr(
            "This desktop shows no system tray, so closing the window quits Mosaic."))
        self.tray_note.setVisible(not self.has_tray)
        # The desktop-wide "show Mosaic" key: which it is, or why there is none (launch knows).
        self.shortcut_note = _note("")
        self.shortcut_note.setVisible(False)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("&Theme:"), self.theme)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", self.language_note)
        form.addRow(self.close_to_tray)
        form.addRow(self.tray_note)
        form.addRow(self.shortcut_note)

    def show_shortcut_status(self, sentence: str) -> None:
        """Say which key shows Mosaic from any application, or why there is none."""
        self.shortcut_note.setText(sentence)
        self.shortcut_note.setAccessibleName(sentence)
        self.shortcut_note.setVisible(bool(sentence))

    def load(self, settings: AppearanceSettings) -> None:
        self._settings = settings
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.close_to_tray.setChecked(settings.close_to_tray)

    def result(self) -> AppearanceSettings:
        close_to_tray = self.close_to_tray.isChecked() if self.has_tray \
            else self._settings.close_to_tray
        return replace(self._settings, theme=self.theme.currentData(),
                       language=self.language.currentData(), close_to_tray=close_to_tray)
