"""The message composer: attached images, a text box that grows with its text, an attach
button, a hold-to-talk microphone button (with its recording bar) and a Send / Stop button."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QPointF,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QIcon,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.attachment_strip import AttachmentStrip
from assistant.ui.growing_text_edit import GrowingTextEdit
from assistant.ui.mic_button import MicButton
from assistant.ui.push_to_talk import DEFAULT_PUSH_TO_TALK_KEY, key_text
from assistant.ui.recording_bar import BarState, RecordingBar

# English source texts, translated where they are shown (context "Composer").
# The keys are in the Send button's tooltip, the shortcuts list and INPUT_DESCRIPTION; a
# placeholder that names them wraps onto a second line in a narrow window.
PLACEHOLDER = QT_TRANSLATE_NOOP("Composer", "Message Mosaic…")
INPUT_DESCRIPTION = QT_TRANSLATE_NOOP(
    "Composer", "Enter sends the message; Shift+Enter starts a new line.")
EMPTY_HINT = QT_TRANSLATE_NOOP("Composer", "Type a message first.")
TAP_HINT = QT_TRANSLATE_NOOP(
    "Composer", "Hold the microphone button (or {key}) while you speak, then let go."
)
HINT_MS = 2500
ATTACH_TOOLTIP = QT_TRANSLATE_NOOP(
    "Composer", "Attach images (Ctrl+Shift+A; or drop or paste them)")
IMAGE_FILE_FILTER = QT_TRANSLATE_NOOP(
    "Composer", "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp);;All files (*)"
)



def _tr(text: str) -> str:
    """``text`` (a source text of the "Composer" context) in the interface language."""
    return QCoreApplication.translate("Composer", text)


def choose_image_files(parent: QWidget) -> list[str]:
    """Ask for image files with the system's file dialog (several at once); [] if cancelled."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, QCoreApplication.translate("Composer", "Attach images"), pictures,
        _tr(IMAGE_FILE_FILTER),
    )
    return list(paths)


def paperclip_icon(palette: QPalette, side: int = 20) -> QIcon:
    """The desktop theme's attachment icon, or a drawn paperclip in the text colour."""
    pixmap = QPixmap(side * 2, side * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(side / 2, side / 2)
    painter.rotate(40)
    painter.translate(-side / 2, -side / 2)
    unit = side / 20
    clip = QPainterPath()  # drawn upright, from the inner end to the outer end
    clip.moveTo(QPointF(10.5 * unit, 6 * unit))
    clip.lineTo(QPointF(10.5 * unit, 13.5 * unit))
    clip.arcTo(QRectF(7.5 * unit, 12 * unit, 3 * unit, 3 * unit), 0, -180)
    clip.lineTo(QPointF(7.5 * unit, 4.5 * unit))
    clip.arcTo(QRectF(7.5 * unit, 2 * unit, 5 * unit, 5 * unit), 180, -180)
    clip.lineTo(QPointF(12.5 * unit, 14 * unit))
    clip.arcTo(QRectF(5.5 * unit, 10.5 * unit, 7 * unit, 7 * unit), 0, -180)
    clip.lineTo(QPointF(5.5 * unit, 7 * unit))
    pen = QPen(palette.color(QPalette.ColorRole.ButtonText), 1.6 * unit)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawPath(clip)
    painter.end()
    return QIcon.fromTheme("mail-attachment", QIcon(pixmap))


class Composer(QWidget):
    """Where the person types. Emits ``submitted(text)`` or, while an answer is being
    generated, ``stopRequested()``; ``filesChosen(paths)`` and ``imagePasted(image)`` when
    the person attaches images (the owner checks them and shows them in :attr:`attachments`);
    ``talkStarted()`` / ``talkReleased()`` when the microphone button is pressed / let go
    (the owner records, says so with :meth:`set_recording`, and drives
    :attr:`recording_bar`).

    The text stays until the owner calls :meth:`clear` (after it has accepted and saved the
    message), so nothing typed is lost when sending is refused. With images attached, an
    empty text may be sent (``submitted("")``).
    """

    submitted = Signal(str)
    stopRequested = Signal()
    filesChosen = Signal(list)
    imagePasted = Signal(QImage)
    talkStarted = Signal()
    talkReleased = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._generating = False
        self._recording = False
        self._talk_key = DEFAULT_PUSH_TO_TALK_KEY

        self._input = GrowingTextEdit(
            enter_submits=True, min_lines=1, max_lines=8, accepts_images=True
        )
        self._input.setObjectName("composerInput")
        self._input.setPlaceholderText(_tr(PLACEHOLDER))
        self._input.setAccessibleName(self.tr("Message"))
        self._input.setAccessibleDescription(_tr(INPUT_DESCRIPTION))
        self._input.submitRequested.connect(self._on_enter)
        self._input.escapePressed.connect(self._on_escape)
        self._input.textChanged.connect(self._on_text_changed)
        self._input.filesPasted.connect(self.filesChosen)
        self._input.imagePasted.connect(self.imagePasted)

        self._attachments = AttachmentStrip()
        self._attachments.quickActionChosen.connect(self._on_quick_action)

        self._attach = QToolButton()
        self._attach.setObjectName("composerAttach")
        self._attach.setIcon(paperclip_icon(self.palette()))
        self._attach.setIconSize(QSize(20, 20))
        self._attach.setAutoRaise(True)
        self._attach.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._attach.setAccessibleName(self.tr("Attach images"))
        self._attach.setToolTip(_tr(ATTACH_TOOLTIP))
        self._attach.setCursor(Qt.CursorShape.PointingHandCursor)
        self._attach.clicked.connect(self.choose_files)

        self._mic = MicButton()
        self._mic.holdStarted.connect(self.talkStarted)
        self._mic.holdReleased.connect(self.talkReleased)
        self._recording_bar = RecordingBar()

        self._button = QPushButton()
        self._button.setObjectName("composerSend")
        self._button.setAutoDefault(False)
        self._button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._button.clicked.connect(self._on_button)

        self._hint = QLabel(_tr(EMPTY_HINT))
        self._hint.setObjectName("composerHint")
        self._hint.setAccessibleName(self.tr("Hint"))
        self._hint.hide()
        hint_font = self._hint.font()
        hint_font.setPointSizeF(hint_font.pointSizeF() * 0.9)
        self._hint.setFont(hint_font)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.setInterval(HINT_MS)
        self._hint_timer.timeout.connect(self._hint.hide)

        # Each control stands on a spacer that centres it on the text box's last line, so
        # the row lines up in one line and stays by the last line as the box grows upwards.
        self._insets: dict[QWidget, QSpacerItem] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for widget, stretch in ((self._attach, 0), (self._input, 1), (self._mic, 0),
                                (self._button, 0)):
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            column.addStretch(1)
            column.addWidget(widget)
            self._insets[widget] = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum,
                                               QSizePolicy.Policy.Fixed)
            column.addSpacerItem(self._insets[widget])
            row.addLayout(column, stretch)
        self._row = row
        self._input.installEventFilter(self)  # its resizes move the controls' line

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self._attachments)
        layout.addWidget(self._recording_bar)
        layout.addLayout(row)
        layout.addWidget(self._hint)
        self._input.setFrameShape(QFrame.Shape.StyledPanel)
        self._update_button()
        self._align_controls()

    # -- public API ------------------------------------------------------------------------

    @property
    def input(self) -> GrowingTextEdit:
        return self._input

    @property
    def button(self) -> QPushButton:
        return self._button

    @property
    def hint(self) -> QLabel:
        return self._hint

    @property
    def attachments(self) -> AttachmentStrip:
        """The attached images' chips; the owner sets them, the strip reports clicks."""
        return self._attachments

    @property
    def attach_button(self) -> QToolButton:
        return self._attach

    @property
    def mic_button(self) -> MicButton:
        """Held to talk: its hold is relayed as ``talkStarted`` / ``talkReleased``."""
        return self._mic

    @property
    def recording_bar(self) -> RecordingBar:
        """"Listening…" / "Transcribing…" above the text box; the owner drives it."""
        return self._recording_bar

    def text(self) -> str:
        return self._input.toPlainText()

    def set_text(self, text: str) -> None:
        self._input.setPlainText(text)
        self._input.moveCursor(self._input.textCursor().MoveOperation.End)

    def clear(self) -> None:
        self._input.clear()

    def focus_input(self) -> None:
        self._input.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_generating(self) -> bool:
        return self._generating

    def set_generating(self, generating: bool) -> None:
        """While generating the button reads "Stop", and Enter sends nothing."""
        self._generating = generating
        self._update_button()

    def is_recording(self) -> bool:
        return self._recording

    def set_recording(self, recording: bool, *, sends: bool = True) -> None:
        """Recording starts: the microphone turns red and the bar says "Listening…" (that
        letting go sends, or with ``sends=False`` only stops). Recording ends: the
        microphone looks as before, a hold still in progress (Esc, a failed start) ends
        without ``talkReleased``, and the bar hides unless it already shows transcribing."""
        self._recording = recording
        self._mic.set_recording(recording)
        if recording:
            self._hint.hide()
            self._recording_bar.show_listening(sends=sends)
            return
        self._mic.cancel_hold()
        if self._recording_bar.state() is BarState.LISTENING:
            self._recording_bar.hide_bar()

    def set_push_to_talk_key(self, sequence: str) -> None:
        """The key that also records (e.g. "F9"), for the button's tooltip and the hints."""
        self._talk_key = sequence
        self._mic.set_shortcut_text(key_text(sequence) if sequence else "")

    def show_hint(self, text: str) -> None:
        """A short line under the text box that goes away by itself."""
        self._hint.setText(text)
        self._hint.show()
        self._hint_timer.start()

    def show_tap_hint(self) -> None:
        """Say that the microphone button is held, not clicked (after a too-short tap)."""
        key = key_text(self._talk_key) or DEFAULT_PUSH_TO_TALK_KEY
        self.show_hint(_tr(TAP_HINT).format(key=key))

    def choose_files(self) -> None:
        """Ask for image files and emit ``filesChosen`` with them (nothing when cancelled)."""
        paths = choose_image_files(self)
        if paths:
            self.filesChosen.emit(paths)

    def submit(self) -> bool:
        """Send the text as if Enter was pressed; return whether it was sent."""
        if self._generating:
            return False
        text = self.text().strip()
        if not text and not self._attachments.items():
            self.show_hint(_tr(EMPTY_HINT))
            return False
        self._hint.hide()
        self.submitted.emit(text)
        return True

    # -- internals -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Redraw the paperclip in the new text colour when the theme changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._attach.setIcon(paperclip_icon(self.palette()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._input and event.type() == QEvent.Type.Resize:
            self._align_controls()
        return super().eventFilter(watched, event)

    def _align_controls(self) -> None:
        """Centre the attach, microphone and Send buttons and the text box's last line on
        one line, as tall as the tallest of them."""
        band = self._input.one_line_height()
        heights = {widget: band if widget is self._input else widget.sizeHint().height()
                   for widget in self._insets}
        tallest = max(heights.values())
        changed = False
        for widget, inset in self._insets.items():
            lift = (tallest - heights[widget]) // 2
            if inset.sizeHint().height() != lift:
                inset.changeSize(0, lift, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
                changed = True
        if changed:
            self._row.invalidate()

    def _update_button(self) -> None:
        if self._generating:
            self._button.setText(self.tr("Stop"))
            self._button.setToolTip(self.tr("Stop generating (Esc)"))
            self._button.setAccessibleName(self.tr("Stop generating"))
        else:
            self._button.setText(self.tr("Send"))
            self._button.setToolTip(self.tr("Send message (Enter)"))
            self._button.setAccessibleName(self.tr("Send message"))

    def _on_button(self) -> None:
        if self._generating:
            self.stopRequested.emit()
        else:
            self.submit()
            self.focus_input()

    def _on_enter(self) -> None:
        if not self._generating:
            self.submit()

    def _on_escape(self) -> None:
        if self._generating:
            self.stopRequested.emit()

    def _on_quick_action(self, prompt: str) -> None:
        self.set_text(prompt)
        self.focus_input()

    def _on_text_changed(self) -> None:
        if not self._hint.isHidden() and self.text().strip():
            self._hint.hide()
