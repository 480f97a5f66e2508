"""A plain-text box that grows with its text (the composer's, and a message's editor)."""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from assistant.ui.image_drop import has_usable_payload, image_from_mime, local_file_paths

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class GrowingTextEdit(QPlainTextEdit):
    """Plain-text box that grows from ``min_lines`` to ``max_lines`` and then scrolls.

    With ``enter_submits`` Enter asks to submit and Shift+Enter inserts a new line;
    otherwise Enter inserts a new line and Ctrl+Enter asks to submit. Esc asks to cancel.
    With ``accepts_images`` pasting local files emits ``filesPasted(paths)`` and pasting a
    picture without text (a screenshot) emits ``imagePasted(image)``; neither inserts text.
    """

    submitRequested = Signal()
    escapePressed = Signal()
    filesPasted = Signal(list)
    imagePasted = Signal(QImage)

    def __init__(
        self,
        *,
        enter_submits: bool,
        min_lines: int = 1,
        max_lines: int = 8,
        accepts_images: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._enter_submits = enter_submits
        self._accepts_images = accepts_images
        self._min_lines = min_lines
        self._max_lines = max_lines
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def visible_lines(self) -> int:
        """How many lines of text the box is tall enough to show right now."""
        lines = round(self.document().documentLayout().documentSize().height())
        return min(max(lines, self._min_lines), self._max_lines)

    def _shown_line_heights(self) -> list[float]:
        """The heights of the laid-out lines from the top of the view, up to as many as the
        box shows (a line of Chinese, drawn in a fallback font, is taller than a Latin one)."""
        heights: list[float] = []
        block = self.firstVisibleBlock()
        while block.isValid() and len(heights) < self.visible_lines():
            layout = block.layout()
            heights += [layout.lineAt(index).height() for index in range(layout.lineCount())]
            block = block.next()
        return heights[:self.visible_lines()]

    def line_height(self) -> int:
        """The height of the tallest line on show (the placeholder's too), at least the
        font's line spacing."""
        metrics = self.fontMetrics()
        tallest = max([float(metrics.lineSpacing()), float(metrics.height()),
                       *self._shown_line_heights()])
        if self.placeholder_height():
            tallest = max(tallest, metrics.boundingRect(self.placeholderText()).height())
        return math.ceil(tallest)

    def placeholder_height(self) -> int:
        """The height the placeholder takes when wrapped to the box's width (0 when it is
        not shown: there is text, or no placeholder)."""
        text = self.placeholderText()
        if not text or not self.document().isEmpty():
            return 0
        margin = math.ceil(self.document().documentMargin())
        width = max(self.viewport().width() - 2 * margin, 1)
        wrap = Qt.TextFlag.TextWordWrap.value
        return self.fontMetrics().boundingRect(QRect(0, 0, width, 1 << 20), wrap, text).height()

    def one_line_height(self) -> int:
        """How tall the box is with one line of the text on show: the band its last line
        takes at its bottom."""
        return self._height_for(self.line_height())

    def _height_for(self, content: float) -> int:
        margin = self.document().documentMargin()
        return math.ceil(content + 2 * margin) + 2 * self.frameWidth() + 1

    def _fit_height(self) -> None:
        """Be as tall as the lines on show (up to ``max_lines``) or the placeholder."""
        metrics = self.fontMetrics()
        least = max(metrics.lineSpacing(), metrics.height())
        lines = self._shown_line_heights()
        lines += [self.line_height()] * (self.visible_lines() - len(lines))  # not laid out yet
        height = self._height_for(max(sum(max(line, least) for line in lines),
                                      self.placeholder_height()))
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def setPlaceholderText(self, text: str) -> None:
        super().setPlaceholderText(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width may wrap the placeholder differently."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        """A new font (a theme or text-size change) has another line height."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _ENTER_KEYS:
            shift = mods == Qt.KeyboardModifier.ShiftModifier
            ctrl = mods == Qt.KeyboardModifier.ControlModifier
            if self._enter_submits and (mods == Qt.KeyboardModifier.NoModifier or ctrl):
                self.submitRequested.emit()
                return
            if not self._enter_submits and ctrl:
                self.submitRequested.emit()
                return
            if shift or mods == Qt.KeyboardModifier.NoModifier:
                self.textCursor().insertText("\n")
                self.ensureCursorVisible()
                return
        if key == Qt.Key.Key_Escape and mods == Qt.KeyboardModifier.NoModifier:
            self.escapePressed.emit()
            return
        super().keyPressEvent(event)

    def _takes_as_images(self, source: QMimeData) -> bool:
        """Whether a paste attaches rather than types: local files, or a picture that comes
        without text (an office app copies text together with a picture of it: that is text).
        Cheap: nothing is decoded."""
        if not self._accepts_images:
            return False
        if local_file_paths(source):
            return True
        return not (source.hasText() and source.text().strip()) and has_usable_payload(source)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return self._takes_as_images(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not self._takes_as_images(source):
            super().insertFromMimeData(source)
            return
        paths = local_file_paths(source)
        image = None if paths else image_from_mime(source)
        if paths:
            self.filesPasted.emit(paths)
        elif image is not None:
            self.imagePasted.emit(image)
