"""Shows what Mosaic found in the files a person picked, and asks copy or link."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
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
from assistant.ui.notice_bar import error_color

_KIND_LABELS = {ImportKind.CHAT: "Language model", ImportKind.VISION_PROJECTOR:
                "Vision projector", ImportKind.SPEECH: "Speech model"}


class ImportDialog(QDialog):
    """The inspected candidates (and the files refused, with why); Import copies or links."""

    def __init__(self, candidates: Sequence[ImportCandidate],
                 refused: Sequence[tuple[str, str]], models_folder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import models")
        self.found = QListWidget()
        self.found.setAccessibleName("Models found")
        for candidate in candidates:
            item = QListWidgetItem(
                f"{_KIND_LABELS[candidate.kind]}: {candidate.summary}\n{candidate.source}")
            item.setToolTip(str(candidate.source))
            self.found.addItem(item)
        self.found.setVisible(bool(candidates))
        # A sentence that names its file is shown as it is, others after the file's name.
        self.refused = QLabel("\n".join(why if name in why else f"{name}: {why}"
                                        for name, why in refused))
        self.refused.setWordWrap(True)
        self.refused.setTextFormat(Qt.TextFormat.PlainText)
        self.refused.setStyleSheet(f"color: {error_color(self.palette()).name()};")
        self.refused.setVisible(bool(refused))
        total = sum(c.size_bytes for c in candidates)
        self.copy = QRadioButton(f"&Copy into Mosaic's models folder ({format_bytes(total)}; "
                                 "the original can then be moved or deleted)")
        self.link = QRadioButton("&Link to the file where it is (no copy; keep the file "
                                 "there)")
        self.copy.setChecked(True)
        folder = QLabel(f"Models folder: {models_folder}")
        folder.setEnabled(False)
        folder.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("&Import",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(bool(candidates))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Mosaic found {len(candidates)} model file"
                         f"{'' if len(candidates) == 1 else 's'} it can use:" if candidates
                         else "Mosaic cannot use these files:")
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
