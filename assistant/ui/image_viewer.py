"""A window that shows one image whole: fitted to the screen, zoomable, closed with Esc."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QSize, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QImageIOHandler,
    QImageReader,
    QKeyEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

# English source texts, translated where they are shown (context "ImageViewer").
MISSING_TEXT = QT_TRANSLATE_NOOP(
    "ImageViewer",
    "This image's file is missing from Mosaic's data folder; attach the image again to see it.",
)
UNREADABLE_TEXT = QT_TRANSLATE_NOOP(
    "ImageViewer",
    "Mosaic can't show this file because it is damaged or not an image; "
    "attach the original image again.",
)
ZOOM_STEP = 1.25
MAX_ZOOM = 8.0
SCREEN_SHARE = 0.9  # of the available screen area the viewer may take at first
DECODE_HEADROOM = 2.0  # decode large images at this multiple of the fitted size (for zoom)
MIN_VIEW = QSize(240, 160)


def _natural_size(reader: QImageReader) -> tuple[QSize, bool]:
    """The image's size as shown (after EXIF rotation), and whether it is rotated a quarter."""
    raw = reader.size()
    rotated = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    return (raw.transposed() if rotated else raw), rotated


def read_image(path: str, max_size: QSize | None = None) -> QImage | None:
    """Decode ``path`` upright (EXIF orientation applied), or ``None`` if it cannot be read.

    An image larger than ``max_size`` is decoded scaled down to fit it (keeping its aspect),
    so a big photo is never decoded at full size just to be shown small.
    """
    if not path or not Path(path).is_file():
        return None
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    if max_size is not None:
        natural, rotated = _natural_size(reader)
        if natural.isValid() and (
            natural.width() > max_size.width() or natural.height() > max_size.height()
        ):
            target = natural.scaled(max_size, Qt.AspectRatioMode.KeepAspectRatio)
            target = QSize(max(1, target.width()), max(1, target.height()))
            # The scaled size applies before the rotation.
            reader.setScaledSize(target.transposed() if rotated else target)
    image = reader.read()
    return None if image.isNull() else image


class ImageViewer(QDialog):
    """One image in its own window, non-modal.

    It opens fitted to the screen (never enlarged beyond 100 %) and follows the window's size
    until the person zooms: +/- (or Ctrl+wheel) zoom, 1 shows actual size, 0 fits again.
    A file that cannot be read is explained in a sentence instead.
    """

    def __init__(self, path: str, parent: QWidget | None = None, title: str | None = None):
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.setWindowTitle(title or Path(path).name)
        self._path = path
        self._image: QImage | None = None
        self._natural = QSize()
        self._zoom = 1.0
        self._fit = True

        self._label = QLabel()
        self._label.setObjectName("imageViewerImage")
        self._label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._label.setAccessibleName(self.windowTitle())
        self._scroll = QScrollArea()
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._scroll.setWidget(self._label)
        self._scroll.setWidgetResizable(False)
        self._scroll.viewport().installEventFilter(self)  # Ctrl+wheel zooms, not scrolls
        self._message = QLabel()
        self._message.setObjectName("imageViewerMessage")
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)
        layout.addWidget(self._message)
        self._load()

    # -- read access -----------------------------------------------------------------------

    @property
    def path(self) -> str:
        return self._path

    def message(self) -> str:
        """The sentence shown instead of the image ("" when the image is shown)."""
        return "" if self._message.isHidden() else self._message.text()

    def zoom(self) -> float:
        """Shown size relative to the image's own pixels (1.0 is actual size)."""
        return self._zoom

    def shown_size(self) -> QSize:
        """The image's size on screen in device-independent pixels (empty when none)."""
        if self._image is None:
            return QSize()
        return self._scaled(self._zoom)

    # -- zoom ------------------------------------------------------------------------------

    def set_zoom(self, zoom: float) -> None:
        """Show the image at ``zoom`` (1.0 = actual size) and stop following the window."""
        if self._image is None:
            return
        self._set_fit(False)
        self._apply(min(MAX_ZOOM, max(self._fit_zoom(QSize(64, 64)), zoom)))

    def fit_to_window(self) -> None:
        """Show the whole image as large as the window allows, up to actual size."""
        if self._image is None:
            return
        self._set_fit(True)
        self._apply(self._fit_zoom(self._scroll.maximumViewportSize()))

    # -- internals -------------------------------------------------------------------------

    def _set_fit(self, fit: bool) -> None:
        self._fit = fit
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fit else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self._scroll.setHorizontalScrollBarPolicy(policy)
        self._scroll.setVerticalScrollBarPolicy(policy)

    def _available(self) -> QSize:
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        area = screen.availableGeometry().size() if screen is not None else QSize(1280, 800)
        return QSize(int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE))

    def _load(self) -> None:
        if not Path(self._path).is_file():
            self._show_message(self.tr(MISSING_TEXT))
            return
        reader = QImageReader(self._path)
        reader.setAutoTransform(True)
        natural, _rotated = _natural_size(reader)
        available = self._available()
        ratio = self.devicePixelRatioF()
        limit = QSize(
            math.ceil(available.width() * ratio * DECODE_HEADROOM),
            math.ceil(available.height() * ratio * DECODE_HEADROOM),
        )
        image = read_image(self._path, limit)
        if image is None:
            self._show_message(self.tr(UNREADABLE_TEXT))
            return
        self._image = image
        self._natural = natural if natural.isValid() else image.size()
        self._label.setToolTip(
            self.tr("+ / − zoom, 1 actual size, 0 fit to the window, Esc closes")
        )
        self._set_fit(True)
        zoom = self._fit_zoom(available)
        self._apply(zoom)
        shown = self._scaled(zoom)
        self.resize(shown.expandedTo(MIN_VIEW))

    def _show_message(self, text: str) -> None:
        self._scroll.hide()
        self._message.setText(text)
        self._message.setAccessibleName(text)
        self._message.show()
        self.layout().setContentsMargins(24, 24, 24, 24)
        self.resize(420, 160)

    def _fit_zoom(self, box: QSize) -> float:
        if self._natural.isEmpty() or box.isEmpty():
            return 1.0
        return min(
            1.0, box.width() / self._natural.width(), box.height() / self._natural.height()
        )

    def _scaled(self, zoom: float) -> QSize:
        return QSize(
            max(1, math.floor(self._natural.width() * zoom)),
            max(1, math.floor(self._natural.height() * zoom)),
        )

    def _apply(self, zoom: float) -> None:
        assert self._image is not None
        self._zoom = zoom
        shown = self._scaled(zoom)
        ratio = self.devicePixelRatioF()
        device = QSize(math.ceil(shown.width() * ratio), math.ceil(shown.height() * ratio))
        if device == self._image.size():
            pixmap = QPixmap.fromImage(self._image)
        else:
            mode = (
                Qt.TransformationMode.SmoothTransformation
                if device.width() < self._image.width()
                else Qt.TransformationMode.FastTransformation  # crisp pixels when enlarged
            )
            pixmap = QPixmap.fromImage(
                self._image.scaled(device, Qt.AspectRatioMode.IgnoreAspectRatio, mode)
            )
        pixmap.setDevicePixelRatio(ratio)
        self._label.setPixmap(pixmap)
        self._label.resize(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit and self._image is not None:
            self._apply(self._fit_zoom(self._scroll.maximumViewportSize()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._image is not None:
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.set_zoom(self._zoom * ZOOM_STEP)
                return
            if key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
                self.set_zoom(self._zoom / ZOOM_STEP)
                return
            if key == Qt.Key.Key_1:
                self.set_zoom(1.0)
                return
            if key == Qt.Key.Key_0:
                self.fit_to_window()
                return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and self._image is not None
            and isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * ZOOM_STEP**steps)
            return True
        return super().eventFilter(watched, event)


def open_image_viewer(path: str, parent: QWidget, title: str | None = None) -> ImageViewer:
    """Show ``path`` in a viewer window over ``parent``'s window (raising the one already
    open for that file, if any). The viewer closes with that window."""
    window = parent.window()
    for viewer in window.findChildren(ImageViewer):
        if viewer.path == path and viewer.isVisible():
            viewer.raise_()
            viewer.activateWindow()
            return viewer
    viewer = ImageViewer(path, window, title)
    viewer.show()  # a new window comes up in front by itself
    viewer.activateWindow()
    return viewer
