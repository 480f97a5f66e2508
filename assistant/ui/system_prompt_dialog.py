"""A small dialog to edit one conversation's system prompt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class SystemPromptDialog(QDialog):
    """Shows the current prompt of the chat titled ``title``; ``prompt()`` is the edit."""

    def __init__(self, parent: QWidget | None, title: str, current: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("System prompt"))
        if title.strip():
            text = self.tr("Instructions the model reads before every message in “{title}”. "
                           "Leave it empty for none.").format(title=title.strip())
        else:
            text = self.tr("Instructions the model reads before every message in “this chat”. "
                           "Leave it empty for none.")
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a title is shown as typed
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(current)
        self.editor.setAccessibleName(self.tr("System prompt"))
        self.editor.setAccessibleDescription(text)
        self.editor.setPlaceholderText(self.tr("For example: Answer in short bullet points."))
        self.editor.setTabChangesFocus(True)
        self.label.setBuddy(self.editor)
        self.editor.setMinimumHeight(self.fontMetrics().lineSpacing() * 8 + 12)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.editor.setFocus()

    def prompt(self) -> str:
        """The edited prompt, without surrounding blank space."""
        return self.editor.toPlainText().strip()

    def result_prompt(self) -> str | None:
        """The edited prompt once accepted; None when cancelled (or still open)."""
        return self.prompt() if self.result() == QDialog.DialogCode.Accepted else None

    @staticmethod
    def edit(parent: QWidget | None, title: str, current: str) -> str | None:
        dialog = SystemPromptDialog(parent, title, current)
        try:
            dialog.exec()
            return dialog.result_prompt()
        finally:
            dialog.deleteLater()


def edit_system_prompt(parent: QWidget | None, title: str, current: str) -> str | None:
    """Ask for a chat's system prompt; the new text, or None when the person cancels."""
    return SystemPromptDialog.edit(parent, title, current)
