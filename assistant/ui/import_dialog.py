"""Shows what Mosaic found in the files a person picked, and asks copy or link."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from assistant.models.gguf_inspect import format_bytes
from assistant.models.model_import import ImportCandidate, ImportKind, ImportMode
from assistant.ui.form_rows import set_text_color
from assistant.ui.notice_bar import error_color


def import_kind_text(kind: ImportKind) -> str:
    """What an imported file is: "Language model", "Vision projector", "Speech model"."""
    if kind is ImportKind.VISION_PROJECTOR:
        return QCoreApplication.translate("ImportDialog", "Vision projector")
    if kind is ImportKind.SPEECH:
        return QCoreApplication.translate("ImportDialog", "Speech model")
    return QCoreApplication.translate("ImportDialog", "Language model")


class ImportDialog(QDialog):
    """The inspected candidates (and the files refused, with why); Import copies or links."""

    def __init__(self, candidates: Sequence[ImportCandidate],
                 refused: Sequence[tuple[str, str]], models_folder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import models"))
        self.found = QListWidget()
        self.found.setAccessibleName(self.tr("Models found"))
        self.found.setAccessibleDescription(self.tr("The files that Import adds to Mosaic"))
        for candidate in candidates:
            item = QListWidgetItem(
                f"{import_kind_text(candidate.kind)}: {candidate.summary}\n{candidate.source}")
            item.setToolTip(str(candidate.source))
            self.found.addItem(item)
        self.found.setVisible(bool(candidates))
        # A sentence that names its file is shown as it is, others after the file's name.
        self.refused = QLabel("\n".join(why if name in why else f"{name}: {why}"
                                        for name, why in refused))
        self.refused.setWordWrap(True)
        self.refused.setTextFormat(Qt.TextFormat.PlainText)
        self.refused.setAccessibleName(self.tr("Files Mosaic cannot use"))
        set_text_color(self.refused, error_color(self.palette()))
        self.refused.setVisible(bool(refused))
        total = sum(c.size_bytes for c in candidates)
        self.copy = QRadioButton(self.tr("&Copy into Mosaic's models folder ({size}; the "
                                         "original can then be moved or deleted)").format(
                                             size=format_bytes(total)))
        self.link = QRadioButton(self.tr("&Link to the file where it is (no copy; keep the "
                                         "file there)"))
        self.copy.setChecked(True)
        folder = QLabel(self.tr("Models folder: {folder}").format(folder=models_folder))
        folder.setEnabled(False)
        folder.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(self.tr("&Import"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(bool(candidates))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not candidates:
            heading_text = self.tr("Mosaic cannot use these files:")
        elif len(candidates) == 1:
            heading_text = self.tr("Mosaic found 1 model file it can use:")
        else:
            heading_text = self.tr("Mosaic found {count} model files it can use:").format(
                count=len(candidates))
        heading = QLabel(heading_text)
        heading.setBuddy(self.found)
        layout.addWidget(heading)
        layout.addWidget(self.found, 1)
        layout.addWidget(self.refused)
        for widget in (self.copy, self.link, folder):
            widget.setVisible(bool(candidates))
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.resize(620, 360 if candidates else 200)

    def mode(self) -> ImportMode:
        return ImportMode.LINK if self.link.isChecked() else ImportMode.COPY

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the error colour for the new theme
            set_text_color(self.refused, error_color(self.palette()))
        super().changeEvent(event)
