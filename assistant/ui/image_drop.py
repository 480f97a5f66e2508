"""Dropping image files or image data anywhere on a window, with a "Drop images" overlay."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QMimeData, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QWindow,
)
from PySide6.QtWidgets import QWidget

# The English source text, translated where it is shown (context "DropOverlay").
DROP_TEXT = QT_TRANSLATE_NOOP("DropOverlay", "Drop images to attach, or recordings to transcribe")
_DRAG_EVENTS = frozenset({QEvent.Type.DragEnter, QEvent.Type.DragMove})
_HANDLE_EVENTS = frozenset({QEvent.Type.Show, QEvent.Type.WinIdChange})


def local_file_paths(mime: QMimeData | None) -> list[str]:
    """The local files named by ``mime``'s URLs, in order (web and other URLs are left out)."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def _has_image_format(mime: QMimeData) -> bool:
    return mime.hasImage() or any(name.startswith("image/") for name in mime.formats())


def image_from_mime(mime: QMimeData | None) -> QImage | None:
    """The picture carried by ``mime`` (e.g. a screenshot on the clipboard), or ``None``."""
    if mime is None:
        return None
    if mime.hasImage():
        data = mime.imageData()
        if isinstance(data, QImage) and not data.isNull():
            return data
        if isinstance(data, QPixmap) and not data.isNull():
            return data.toImage()
    for name in mime.formats():
        if name.startswith("image/"):
            image = QImage.fromData(mime.data(name))
            if not image.isNull():
                return image
    return None


def has_usable_payload(mime: QMimeData | None) -> bool:
    """Whether ``mime`` brings local files or image data (cheap: nothing is decoded)."""
    return mime is not None and (bool(local_file_paths(mime)) or _has_image_format(mime))


class DropOverlay(QWidget):
    """A translucent panel over the whole window saying where dropped images go."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("imageDropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(self.tr(DROP_TEXT))
        self.hide()

    def show_over_window(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        veil = QColor(self.palette().color(QPalette.ColorRole.Window))
        veil.setAlpha(215)
        painter.fillRect(self.rect(), veil)
        frame = QRectF(self.rect()).adjusted(16, 16, -16, -16)
        pen = QPen(accent, 3, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(frame, 14, 14)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            frame, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.tr(DROP_TEXT)
        )
        painter.end()


class ImageDropFilter(QObject):
    """Makes a whole top-level window a drop target for images.

    Drags arrive at the window's native ``QWindow`` before any widget sees them, so this
    filters them there: a drag that carries local files or image data is taken over wherever
    it hovers (over a text box too), shows :class:`DropOverlay`, and on drop emits
    ``filesDropped(paths)`` or ``imageDropped(image)``; any other drag (text) goes on to the
    widgets as usual. Drag events sent straight to a widget that does not accept drops reach
    the window widget itself, which is filtered the same way. Drops are taken as copies, so
    the source never deletes a dropped file.
    """

    filesDropped = Signal(list)
    imageDropped = Signal(QImage)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._handle: QWindow | None = None
        self.overlay = DropOverlay(window)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._watch_native_window()

    def overlay_shown(self) -> bool:
        return self.overlay.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _DRAG_EVENTS and isinstance(event, QDragMoveEvent):
            return self._on_drag(event)
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            return self._on_drop(event)
        if kind == QEvent.Type.DragLeave:
            self.overlay.hide()
        elif kind == QEvent.Type.Resize and watched is self._window:
            if self.overlay.isVisible():
                self.overlay.setGeometry(self._window.rect())
        elif kind in _HANDLE_EVENTS and watched is self._window:
            self._watch_native_window()
        return False

    # -- internals -------------------------------------------------------------------------

    def _watch_native_window(self) -> None:
        handle = self._window.windowHandle()
        if handle is None or handle is self._handle:
            return
        if self._handle is not None:
            self._handle.removeEventFilter(self)
        handle.installEventFilter(self)
        self._handle = handle

    @staticmethod
    def _take_as_copy(event: QDropEvent) -> bool:
        actions = event.possibleActions()
        for action in (Qt.DropAction.CopyAction, Qt.DropAction.LinkAction):
            if actions & action:
                event.setDropAction(action)
                event.accept()
                return True
        return False

    def _on_drag(self, event: QDragMoveEvent) -> bool:
        if not has_usable_payload(event.mimeData()) or not self._take_as_copy(event):
            return False
        if not self.overlay.isVisible():
            self.overlay.show_over_window()
        return True

    def _on_drop(self, event: QDropEvent) -> bool:
        self.overlay.hide()
        mime = event.mimeData()
        paths = local_file_paths(mime)
        image = None if paths else image_from_mime(mime)
        if not paths and image is None:
            return False
        if not self._take_as_copy(event):
            return False
        # Emitted after the drop returns: the drag source (a file manager) waits until then.
        if paths:
            QTimer.singleShot(0, self, lambda: self.filesDropped.emit(paths))
        else:
            QTimer.singleShot(0, self, lambda: self.imageDropped.emit(image))
        return True
