"""One message of the transcript: role, images, Markdown body and code, status and actions."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.ui.code_block import COPIED_FEEDBACK_MS, CodeBlockWidget
from assistant.ui.growing_text_edit import GrowingTextEdit
from assistant.ui.markdown_segments import Segment, SegmentStream
from assistant.ui.message_audio import MessageAudio
from assistant.ui.message_images import MessageImages
from assistant.ui.notice_bar import is_dark
from assistant.ui.prose_view import ProseView

# English source texts, translated where they are shown (context "MessageWidget").
INTERRUPTED_TEXT = QT_TRANSLATE_NOOP(
    "MessageWidget", "Interrupted — Mosaic closed before this answer was finished"
)
STOPPED_TEXT = QT_TRANSLATE_NOOP("MessageWidget", "Stopped")
WRITING_TEXT = QT_TRANSLATE_NOOP("MessageWidget", "Writing…")
ERROR_FALLBACK = QT_TRANSLATE_NOOP(
    "MessageWidget", "This answer failed. Try again, or load the model again."
)


class MessageLike(Protocol):
    """What a message needs to offer to be shown (storage's ``StoredMessage`` does); an
    ``images`` tuple of ``ImageAttachment``, where present, shows above the text, and so
    does a user message's ``audio`` (an ``AudioAttachment``), below the images."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> Role: ...
    @property
    def text(self) -> str: ...
    @property
    def status(self) -> MessageStatus: ...
    @property
    def model(self) -> str | None: ...
    @property
    def timings(self) -> Timings | None: ...
    @property
    def error(self) -> str | None: ...


def _tr(text: str) -> str:
    """``text`` (a source text of the "MessageWidget" context) in the interface language."""
    return QCoreApplication.translate("MessageWidget", text)


def error_color(palette: QPalette) -> str:
    """The status line's colour for a failed answer, readable on ``palette``'s background.

    An answer has no background of its own (the transcript's style sheet makes its window
    colour transparent): then the application's theme decides.
    """
    if palette.color(QPalette.ColorRole.Window).alpha() < 255:
        palette = QGuiApplication.palette()
    return "#ff8a80" if is_dark(palette) else "#b3261e"


def status_text(
    status: MessageStatus, timings: Timings | None, error: str | None, model: str | None
) -> str:
    """The line under an assistant answer, e.g. "0.42 s to first token · 31.7 tokens/s"."""
    if status is MessageStatus.STREAMING:
        return _tr(WRITING_TEXT)
    if status is MessageStatus.STOPPED:
        return _tr(STOPPED_TEXT)
    if status is MessageStatus.INTERRUPTED:
        return _tr(INTERRUPTED_TEXT)
    if status is MessageStatus.ERROR:
        return error or _tr(ERROR_FALLBACK)
    parts: list[str] = []
    if timings is not None:
        if timings.time_to_first_token_s > 0:
            seconds = f"{timings.time_to_first_token_s:.2f}"
            parts.append(
                QCoreApplication.translate("MessageWidget", "{seconds} s to first token")
                .format(seconds=seconds)
            )
        if timings.tokens_per_second > 0:
            rate = f"{timings.tokens_per_second:.1f}"
            parts.append(
                QCoreApplication.translate("MessageWidget", "{rate} tokens/s").format(rate=rate)
            )
    if model:
        parts.append(model)
    return " · ".join(parts)


def _tool_button(text: str, accessible: str, tooltip: str) -> QToolButton:
    """A small text-only action button, reached with Tab like any other."""
    button = QToolButton()
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.setText(text)
    button.setAutoRaise(True)
    button.setAccessibleName(accessible)
    button.setToolTip(tooltip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def _scaled_font(
    widget: QWidget, factor: float, *, italic: bool = False, bold: bool = False
) -> None:
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setItalic(italic)
    font.setBold(bold)
    widget.setFont(font)


class MessageWidget(QFrame):
    """One message. Assistant answers stream in through :meth:`append_text`."""

    editSubmitted = Signal(int, str)
    regenerateRequested = Signal(int)

    def __init__(self, message: MessageLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._id = message.id
        self._role = Role(message.role)
        self._status = MessageStatus(message.status)
        self._timings = message.timings
        self._error = message.error
        self._model = message.model
        self._regenerate_wanted = False
        self._actions_enabled = True
        self._stream = SegmentStream()
        self._segment_widgets: list[QWidget] = []
        user = self._role is Role.USER
        self.setObjectName("userMessage" if user else "assistantMessage")
        self.setAccessibleName(self.tr("Your message") if user else self.tr("Assistant's answer"))

        self._role_label = QLabel(self.tr("You") if user else self.tr("Assistant"))
        self._role_label.setObjectName("roleLabel")
        _scaled_font(self._role_label, 0.95, bold=True)
        self._notice = QLabel()
        self._notice.setObjectName("notice")
        self._notice.setWordWrap(True)
        _scaled_font(self._notice, 0.9, italic=True)
        self._notice.hide()

        self._body = QWidget()
        self._body.setObjectName("messageBody")
        self._body_layout = QVBoxLayout(self._body)
        self._body_layout.setContentsMargins(0, 0, 0, 0)
        self._body_layout.setSpacing(8)

        self.images_row = MessageImages(getattr(message, "images", ()))
        self.audio_row = MessageAudio(getattr(message, "audio", None) if user else None)
        self._editor = self._build_editor()
        self._editor.hide()

        self._status_label = QLabel()
        self._status_label.setObjectName("statusLine")
        self._status_label.setWordWrap(True)
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _scaled_font(self._status_label, 0.85)
        self._copy = _tool_button(
            self.tr("Copy"), self.tr("Copy message"), self.tr("Copy the whole message")
        )
        self._copy.clicked.connect(self.copy_to_clipboard)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_FEEDBACK_MS)
        self._copied_timer.timeout.connect(self._reset_copy_label)
        self._edit = _tool_button(
            self.tr("Edit"), self.tr("Edit message"), self.tr("Edit this message and send it again")
        )
        self._edit.clicked.connect(self.start_edit)
        self._edit.setVisible(user)
        self._regenerate = _tool_button(
            self.tr("Regenerate"), self.tr("Regenerate answer"), self.tr("Write this answer again")
        )
        self._regenerate.clicked.connect(lambda: self.regenerateRequested.emit(self._id))
        self._regenerate.hide()
        for button in (self._copy, self._edit, self._regenerate):
            _scaled_font(button, 0.85)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        header.addWidget(self._role_label, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(0, 0, 0, 0)
        footer.setSpacing(2)
        footer.addWidget(self._status_label, 1)
        # The person's messages carry their actions in the header, answers in the footer.
        actions = header if user else footer
        actions.addWidget(self._copy)
        actions.addWidget(self._edit)
        actions.addWidget(self._regenerate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8 if user else 10, 14, 10 if user else 6)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self._notice)
        layout.addWidget(self.images_row)
        layout.addWidget(self.audio_row)
        layout.addWidget(self._body)
        layout.addWidget(self._editor)
        if user:
            self._status_label.hide()
        else:
            layout.addLayout(footer)

        self.set_text(message.text)
        self._update_footer()

    # -- read access -----------------------------------------------------------------------

    @property
    def message_id(self) -> int:
        return self._id

    @property
    def role(self) -> Role:
        return self._role

    @property
    def status(self) -> MessageStatus:
        return self._status

    def text(self) -> str:
        return self._stream.text

    def status_line(self) -> str:
        return self._status_label.text()

    def notice(self) -> str | None:
        return None if self._notice.isHidden() else self._notice.text()

    def segment_widgets(self) -> list[QWidget]:
        """The body's widgets in order: :class:`ProseView` and :class:`CodeBlockWidget`."""
        return list(self._segment_widgets)

    def is_editing(self) -> bool:
        return not self._editor.isHidden()

    def regenerate_shown(self) -> bool:
        return not self._regenerate.isHidden()

    @property
    def copy_button(self) -> QToolButton:
        return self._copy

    @property
    def edit_button(self) -> QToolButton:
        return self._edit

    @property
    def regenerate_button(self) -> QToolButton:
        return self._regenerate

    @property
    def editor(self) -> GrowingTextEdit:
        return self._edit_box

    # -- changes ---------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Replace the whole body."""
        for widget in self._segment_widgets:
            widget.setParent(None)
            widget.deleteLater()
        self._segment_widgets = []
        self._stream = SegmentStream()
        self.append_text(text)

    def append_text(self, chunk: str) -> None:
        """Add streamed text; only the last segment's widget (and any new ones) change."""
        if self._role is Role.USER:
            # The person's own words are shown exactly as typed, not as Markdown.
            self._stream.append(chunk)
            self._render_plain()
            self._sync_body_visible()
            return
        first = self._stream.append(chunk)
        for index, segment in enumerate(self._stream.segments_from(first), start=first):
            self._render_segment(index, segment)
        while len(self._segment_widgets) > len(self._stream):
            widget = self._segment_widgets.pop()
            widget.setParent(None)
            widget.deleteLater()
        self._sync_body_visible()

    def set_state(
        self,
        status: MessageStatus,
        timings: Timings | None = None,
        error: str | None = None,
        model: str | None = None,
    ) -> None:
        """Set the status line; ``None`` keeps the timings or model already known."""
        self._status = MessageStatus(status)
        if timings is not None:
            self._timings = timings
        if model is not None:
            self._model = model
        self._error = error
        self._update_footer()

    def set_notice(self, text: str | None) -> None:
        """A small italic note above the answer, or none."""
        self._notice.setText(text or "")
        self._notice.setVisible(bool(text))

    def set_regenerate_visible(self, visible: bool) -> None:
        self._regenerate_wanted = visible
        self._update_footer()

    def set_actions_enabled(self, enabled: bool) -> None:
        """Allow or forbid Edit and Regenerate (e.g. while another answer streams)."""
        self._actions_enabled = enabled
        self._edit.setEnabled(enabled)
        self._regenerate.setEnabled(enabled)
        if not enabled and self.is_editing():
            self.cancel_edit()

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self._copy.setText(self.tr("Copied"))
        self._copied_timer.start()

    def start_edit(self) -> None:
        """Show the message in an inline editor (user messages only)."""
        if self._role is not Role.USER or not self._actions_enabled:
            return
        self._edit_box.setPlainText(self.text())
        self._edit_box.moveCursor(self._edit_box.textCursor().MoveOperation.End)
        self._editor.show()
        self._update_footer()
        self._edit_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_edit(self) -> None:
        self._editor.hide()
        self._update_footer()

    def save_edit(self) -> None:
        """Emit ``editSubmitted`` with the edited text (an empty edit is not sent)."""
        new_text = self._edit_box.toPlainText().strip()
        if not new_text:
            self._edit_hint.show()
            return
        self._editor.hide()
        self.set_text(new_text)
        self._update_footer()
        self.editSubmitted.emit(self._id, new_text)

    # -- internals -------------------------------------------------------------------------

    def _build_editor(self) -> QWidget:
        editor = QWidget()
        editor.setObjectName("messageEditor")
        self._edit_box = GrowingTextEdit(enter_submits=False, min_lines=2, max_lines=14)
        self._edit_box.setAccessibleName(self.tr("Edit message"))
        self._edit_box.setToolTip(self.tr("Ctrl+Enter saves and sends again; Esc cancels"))
        self._edit_box.submitRequested.connect(self.save_edit)
        self._edit_box.escapePressed.connect(self.cancel_edit)
        self._edit_box.textChanged.connect(lambda: self._edit_hint.hide())
        self._edit_hint = QLabel(self.tr("Type a message first."))
        self._edit_hint.hide()
        save = QPushButton(self.tr("Save && resend"))
        save.setAccessibleName(self.tr("Save and resend"))
        save.setToolTip(self.tr("Save the edit and answer it again (Ctrl+Enter)"))
        save.clicked.connect(self.save_edit)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setAccessibleName(self.tr("Cancel editing"))
        cancel.setToolTip(self.tr("Keep the message as it was (Esc)"))
        cancel.clicked.connect(self.cancel_edit)
        self._save_button, self._cancel_button = save, cancel
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self._edit_hint, 1)
        buttons.addStretch(0)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(editor)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self._edit_box)
        layout.addLayout(buttons)
        return editor

    def changeEvent(self, event: QEvent) -> None:
        """Pick the status line's colour again when the theme changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_status_line()

    def _color_status_line(self) -> None:
        palette = self.palette()
        color = (
            error_color(palette)
            if self._status_label.property("error")
            else palette.color(QPalette.ColorRole.PlaceholderText).name(QColor.NameFormat.HexArgb)
        )
        sheet = f"color: {color};"
        if self._status_label.styleSheet() != sheet:
            self._status_label.setStyleSheet(sheet)

    def _reset_copy_label(self) -> None:
        self._copy.setText(self.tr("Copy"))

    def _render_plain(self) -> None:
        if not self._segment_widgets:
            view = ProseView()
            self._body_layout.addWidget(view)
            self._segment_widgets.append(view)
        view = self._segment_widgets[0]
        assert isinstance(view, ProseView)
        view.set_plain(self._stream.text)

    def _render_segment(self, index: int, segment: Segment) -> None:
        widget = self._segment_widgets[index] if index < len(self._segment_widgets) else None
        if segment.kind == "code":
            if not isinstance(widget, CodeBlockWidget):
                widget = self._replace_widget(index, widget, CodeBlockWidget())
            widget.set_language(segment.language)
            widget.set_code(segment.text)
        else:
            if not isinstance(widget, ProseView):
                widget = self._replace_widget(index, widget, ProseView())
            if widget.shown_text != segment.text:
                widget.set_markdown(segment.text)

    def _replace_widget(self, index: int, old: QWidget | None, new: QWidget) -> QWidget:
        if old is None:
            self._body_layout.addWidget(new)
            self._segment_widgets.append(new)
        else:
            self._body_layout.replaceWidget(old, new)
            self._segment_widgets[index] = new
            old.setParent(None)
            old.deleteLater()
        return new

    def _sync_body_visible(self) -> None:
        visible = not self.is_editing() and bool(self._segment_widgets) and (
            self._role is not Role.USER or bool(self._stream.text)  # images without words
        )
        if self._body.isHidden() == visible:
            self._body.setVisible(visible)

    def _update_footer(self) -> None:
        assistant = self._role is Role.ASSISTANT
        text = status_text(self._status, self._timings, self._error, self._model)
        self._status_label.setText(text if assistant else "")
        self._status_label.setProperty("error", assistant and self._status is MessageStatus.ERROR)
        self._color_status_line()
        editing = self.is_editing()
        self._sync_body_visible()
        self._copy.setVisible(not editing)
        self._edit.setVisible(self._role is Role.USER and not editing)
        self._regenerate.setVisible(
            assistant and self._regenerate_wanted and self._status is not MessageStatus.STREAMING
        )
