"""The scrolling transcript: a centred column of :class:`MessageWidget`, following the stream."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.ui.message_widget import MessageLike, MessageWidget

READABLE_WIDTH = 820
FOLLOW_THRESHOLD_PX = 48
DEFAULT_PLACEHOLDER = QT_TRANSLATE_NOOP("MessageView", "Load a model and say hello.")

# Set on the canvas inside the scroll area, not on the view: Qt reads ``palette(…)`` in a style
# sheet once, and a widget under a style sheet no longer hears of application palette changes.
# The view itself still does, and sets the sheet again (see ``MessageView.changeEvent``).
TRANSCRIPT_STYLE = """
QWidget#transcriptCanvas { background: palette(base); }
QFrame#userMessage { background: palette(alternate-base); border-radius: 10px; }
QFrame#assistantMessage { background: transparent; }
QTextBrowser#prose { background: transparent; border: none; }
QFrame#codeBlock {
    border: 1px solid palette(midlight); border-radius: 6px; background: palette(window);
}
QPlainTextEdit#codeText { background: palette(window); border: none; }
QLabel#codeLanguage { color: palette(placeholder-text); }
QLabel#roleLabel { color: palette(text); }
QLabel#notice { color: palette(placeholder-text); }
QLabel#transcriptPlaceholder { color: palette(placeholder-text); }
"""


class MessageView(QScrollArea):
    """Shows a conversation. It only displays and reports: it stores and sends nothing.

    Calls naming a message id that is not shown (e.g. tokens for a conversation that was
    switched away from) are ignored, except :meth:`message_text`, which raises ``KeyError``.
    """

    editSubmitted = Signal(int, str)
    regenerateRequested = Signal(int)
    playRecordingRequested = Signal(str)  # path of a spoken message's recording
    stopRecordingRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(self.tr("Conversation"))
        self._widgets: list[MessageWidget] = []
        self._by_id: dict[int, MessageWidget] = {}
        self._regenerate_on: MessageWidget | None = None
        self._actions_enabled = True
        self._follow = True

        canvas = QWidget()
        canvas.setObjectName("transcriptCanvas")
        canvas.setStyleSheet(TRANSCRIPT_STYLE)
        self._canvas = canvas
        self._placeholder = QLabel(self.tr(DEFAULT_PLACEHOLDER))
        self._placeholder.setObjectName("transcriptPlaceholder")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        font = self._placeholder.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self._placeholder.setFont(font)

        self._column = QWidget()
        self._column.setObjectName("transcriptColumn")
        self._column.setMaximumWidth(READABLE_WIDTH)
        self._column_layout = QVBoxLayout(self._column)
        self._column_layout.setContentsMargins(0, 0, 0, 0)
        self._column_layout.setSpacing(12)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self._column, 1000)
        row.addStretch(1)

        layout = QVBoxLayout(canvas)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self._placeholder, 1)
        layout.addLayout(row)
        layout.addStretch(0)
        self.setWidget(canvas)

        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_value_changed)

    # -- read access -----------------------------------------------------------------------

    def message_ids(self) -> list[int]:
        return [w.message_id for w in self._widgets]

    def message_widget(self, message_id: int) -> MessageWidget | None:
        return self._by_id.get(message_id)

    def message_text(self, message_id: int) -> str:
        widget = self._by_id.get(message_id)
        if widget is None:
            raise KeyError(f"No message {message_id} is shown.")
        return widget.text()

    def notice_text(self, message_id: int) -> str:
        """The note shown above that answer ("" when none)."""
        widget = self._by_id.get(message_id)
        if widget is None:
            raise KeyError(f"No message {message_id} is shown.")
        return widget.notice() or ""

    def placeholder_text(self) -> str:
        return self._placeholder.text()

    def is_following(self) -> bool:
        """Whether new text scrolls the view (the person is at or near the bottom)."""
        return self._follow

    # -- changes ---------------------------------------------------------------------------

    def set_recording_playing(self, path: str | None) -> None:
        """Show the play button of the recording at ``path`` as playing (None: none plays)."""
        for widget in self._widgets:
            audio = getattr(widget.audio_row, "audio", None)
            widget.audio_row.set_playing(path is not None and audio is not None
                                         and audio.path == path)

    def set_placeholder(self, text: str) -> None:
        """Text shown in the middle while there are no messages."""
        self._placeholder.setText(text)

    def set_messages(self, messages: Sequence[MessageLike]) -> None:
        """Show a whole conversation, scrolled to its end."""
        self.setUpdatesEnabled(False)
        try:
            self._remove_from(0)
            for message in messages:
                self._add(message)
        finally:
            self.setUpdatesEnabled(True)
        self._after_change()
        self.scroll_to_bottom()

    def append_message(self, message: MessageLike) -> None:
        """Add a message at the end. The person's own message always brings the view down."""
        self._add(message)
        self._after_change()
        if message.role == Role.USER:
            self.scroll_to_bottom()

    def append_text(self, message_id: int, text: str) -> None:
        widget = self._by_id.get(message_id)
        if widget is not None and text:
            widget.append_text(text)

    def set_message_state(
        self,
        message_id: int,
        status: MessageStatus,
        timings: Timings | None = None,
        error: str | None = None,
        model: str | None = None,
    ) -> None:
        widget = self._by_id.get(message_id)
        if widget is not None:
            widget.set_state(status, timings=timings, error=error, model=model)

    def set_notice(self, message_id: int, text: str | None) -> None:
        widget = self._by_id.get(message_id)
        if widget is not None:
            widget.set_notice(text)

    def remove_messages_from(self, message_id: int) -> None:
        """Remove that message and every message after it."""
        widget = self._by_id.get(message_id)
        if widget is None:
            return
        self._remove_from(self._widgets.index(widget))
        self._after_change()

    def clear(self) -> None:
        self._remove_from(0)
        self._after_change()
        self._follow = True

    def set_actions_enabled(self, enabled: bool) -> None:
        """Allow or forbid Edit and Regenerate, e.g. while an answer is being written."""
        self._actions_enabled = enabled
        for widget in self._widgets:
            widget.set_actions_enabled(enabled)

    def scroll_to_bottom(self) -> None:
        """Jump to the end and follow new text from now on."""
        self._follow = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- internals -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """The theme changed: set the transcript's style sheet again, which reads the new
        colours for it and for every message in it (their own colours follow from there)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._canvas.setStyleSheet(TRANSCRIPT_STYLE)

    def _add(self, message: MessageLike) -> MessageWidget:
        old = self._by_id.get(message.id)
        if old is not None:
            self._remove_widget(old)
        widget = MessageWidget(message)
        widget.set_actions_enabled(self._actions_enabled)
        widget.editSubmitted.connect(self.editSubmitted)
        widget.regenerateRequested.connect(self.regenerateRequested)
        widget.audio_row.playRequested.connect(self.playRecordingRequested)
        widget.audio_row.stopRequested.connect(self.stopRecordingRequested)
        self._widgets.append(widget)
        self._by_id[message.id] = widget
        self._column_layout.addWidget(widget)
        return widget

    def _remove_from(self, index: int) -> None:
        for widget in reversed(self._widgets[index:]):
            self._remove_widget(widget)

    def _remove_widget(self, widget: MessageWidget) -> None:
        self._widgets.remove(widget)
        del self._by_id[widget.message_id]
        if self._regenerate_on is widget:
            self._regenerate_on = None
        self._column_layout.removeWidget(widget)
        widget.setParent(None)
        widget.deleteLater()

    def _after_change(self) -> None:
        self._placeholder.setVisible(not self._widgets)
        last = self._widgets[-1] if self._widgets else None
        target = last if last is not None and last.role is Role.ASSISTANT else None
        if target is not self._regenerate_on:
            if self._regenerate_on is not None:
                self._regenerate_on.set_regenerate_visible(False)
            if target is not None:
                target.set_regenerate_visible(True)
            self._regenerate_on = target

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def _on_value_changed(self, value: int) -> None:
        self._follow = self.verticalScrollBar().maximum() - value <= FOLLOW_THRESHOLD_PX
