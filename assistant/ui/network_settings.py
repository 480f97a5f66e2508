"""The settings dialog's "Network" section: where models download from, and offline mode."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel

from assistant.core.settings import NetworkSettings
from assistant.models.hub import HUB_MIRRORS, HubError, describe_proxy, normalize_endpoint
from assistant.ui.form_rows import set_text_color
from assistant.ui.notice_bar import error_color

# The descriptions of ``HUB_MIRRORS`` that are words rather than names, marked here for
# translation (they are shown through ``NetworkSettingsGroup.tr``).
MIRROR_DESCRIPTIONS = (
    QT_TRANSLATE_NOOP("NetworkSettingsGroup", "hf-mirror.com (mirror for mainland China)"),
)


class NetworkSettingsGroup(QGroupBox):
    """Edits :class:`NetworkSettings`: :meth:`load` them, change them, take :meth:`result`.

    The hub endpoint is an editable list of known hubs and mirrors; an address that is not
    http(s) shows its sentence and :meth:`result` keeps the previous endpoint.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Downloads"))
        self._settings = NetworkSettings()
        self._endpoint_problem = False
        self.endpoint = QComboBox()
        self.endpoint.setEditable(True)
        self.endpoint.setAccessibleName(self.tr("Model hub address"))
        self.endpoint.setToolTip(self.tr("Where catalog models are downloaded from: Hugging "
                                         "Face or a mirror of it that serves the same files."))
        for address, label in HUB_MIRRORS.items():
            self.endpoint.addItem(address, label)
        self.endpoint.setMinimumContentsLength(28)
        self.endpoint.editTextChanged.connect(self._show_endpoint_note)
        self.endpoint_note = QLabel()
        self.endpoint_note.setWordWrap(True)
        self.endpoint_note.setTextFormat(Qt.TextFormat.PlainText)
        self.offline = QCheckBox(self.tr("Offline mode: never use the network, not even for "
                                         "downloads"))
        self.offline.setToolTip(self.tr("Mosaic uses the network only to download models you "
                                        "ask for; offline mode turns that off too."))
        self.offline.toggled.connect(self._sync_enabled)
        self.proxy_note = QLabel()
        self.proxy_note.setWordWrap(True)
        self.proxy_note.setEnabled(False)
        self.proxy_note.setTextFormat(Qt.TextFormat.PlainText)
        privacy = QLabel(self.tr("Nothing else in Mosaic goes online: chats, images and "
                                 "speech stay on this computer."))
        privacy.setWordWrap(True)
        privacy.setEnabled(False)

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.offline)
        form.addRow(self.tr("Model &hub:"), self.endpoint)
        form.addRow("", self.endpoint_note)
        form.addRow(self.tr("Proxy:"), self.proxy_note)
        form.addRow(privacy)

    def load(self, settings: NetworkSettings) -> None:
        self._settings = settings
        self.endpoint.setCurrentText(settings.hub_endpoint)
        self.offline.setChecked(settings.offline)
        self._show_endpoint_note()
        self._sync_enabled()

    def problem(self) -> str | None:
        """The sentence for an unusable hub address, else None."""
        try:
            normalize_endpoint(self.endpoint.currentText())
        except HubError as exc:
            return str(exc)
        return None

    def result(self) -> NetworkSettings:
        try:
            endpoint = normalize_endpoint(self.endpoint.currentText())
        except HubError:
            endpoint = self._settings.hub_endpoint
        return replace(self._settings, hub_endpoint=endpoint,
                       offline=self.offline.isChecked())

    def _show_endpoint_note(self) -> None:
        try:
            endpoint = normalize_endpoint(self.endpoint.currentText())
        except HubError as exc:
            self.endpoint_note.setText(str(exc))
            self._endpoint_problem = True
            endpoint = None
        else:
            known = HUB_MIRRORS.get(endpoint)
            self.endpoint_note.setText(self.tr(known) if known else
                                       self.tr("A mirror of the Hugging Face hub."))
            self._endpoint_problem = False
        self._color_endpoint_note()
        proxy = describe_proxy(endpoint) if endpoint else None
        self.proxy_note.setText(
            self.tr("Downloads go through the proxy {proxy} (the system's proxy "
                    "setting).").format(proxy=proxy)
            if proxy else
            self.tr("No proxy is set; downloads connect directly (the system's proxy setting "
                    "is used when there is one)."))

    def _color_endpoint_note(self) -> None:
        """An unusable address's sentence in the error colour of the current palette."""
        set_text_color(self.endpoint_note,
                       error_color(self.palette()) if self._endpoint_problem else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._color_endpoint_note()
        super().changeEvent(event)

    def _sync_enabled(self) -> None:
        online = not self.offline.isChecked()
        self.endpoint.setEnabled(online)
        self.endpoint_note.setEnabled(online)
