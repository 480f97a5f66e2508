"""Image thumbnails: a message's row of pictures, and the pixmaps and wrapping layout for them."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLayout, QLayoutItem, QToolButton, QWidget

from assistant.core.attachments import ImageAttachment
from assistant.ui.image_viewer import ImageViewer, open_image_viewer, read_image

MESSAGE_THUMBNAIL_SIDE = 120  # the longer side of a thumbnail in a sent message
CORNER_RADIUS = 6.0


def format_byte_size(size: int) -> str:
    """``1234567`` → "1.2 MB" (decimal units, as file managers show them)."""
    if size < 1000:
        return QCoreApplication.translate("MessageImages", "{size} bytes").format(size=size)
    if size < 1_000_000:
        return QCoreApplication.translate("MessageImages", "{size} KB").format(
            size=f"{size / 1000:.0f}"
        )
    return QCoreApplication.translate("MessageImages", "{size} MB").format(
        size=f"{size / 1_000_000:.1f}"
    )


def image_details(item: ImageAttachment) -> str:
    """"W × H · size", e.g. "640 × 480 · 1.2 MB"."""
    return f"{item.width} × {item.height} · {format_byte_size(item.byte_size)}"


def describe_attachment(item: ImageAttachment) -> str:
    """Tooltip text: name, "W × H · size" and the note, one per line."""
    lines = [item.name, image_details(item)]
    if item.note:
        lines.append(item.note)
    return "\n".join(lines)


def _rounded(painter: QPainter, rect: QRectF, radius: float = CORNER_RADIUS) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    painter.setClipPath(path)


def placeholder_pixmap(size: QSize, palette: QPalette, ratio: float = 1.0) -> QPixmap:
    """A neutral tile with a small picture sign, for a thumbnail that cannot be read."""
    pixmap = QPixmap(math.ceil(size.width() * ratio), math.ceil(size.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(0, 0, size.width(), size.height())
    _rounded(painter, rect)
    painter.fillRect(rect, palette.color(QPalette.ColorRole.Midlight))
    ink = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
    side = min(size.width(), size.height()) * 0.46
    sign = QRectF(0, 0, side, side * 0.78)
    sign.moveCenter(rect.center())
    painter.setPen(QPen(ink, max(1.5, side / 14)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(sign, side / 10, side / 10)
    mountain = QPainterPath()
    mountain.moveTo(sign.left() + side * 0.12, sign.bottom() - side * 0.12)
    mountain.lineTo(sign.left() + side * 0.40, sign.top() + side * 0.36)
    mountain.lineTo(sign.left() + side * 0.62, sign.bottom() - side * 0.30)
    mountain.lineTo(sign.left() + side * 0.74, sign.bottom() - side * 0.42)
    mountain.lineTo(sign.right() - side * 0.10, sign.bottom() - side * 0.12)
    painter.drawPath(mountain)
    painter.setBrush(ink)
    painter.drawEllipse(QRectF(sign.right() - side * 0.32, sign.top() + side * 0.12,
                               side * 0.14, side * 0.14))
    painter.end()
    return pixmap


def thumbnail_pixmap(
    path: str, box: QSize, palette: QPalette, *, square: bool = False, ratio: float = 1.0
) -> tuple[QPixmap, bool]:
    """The image at ``path`` fitted into ``box`` with rounded corners (cropped to a centred
    square with ``square``), and whether it could be read; otherwise a placeholder."""
    image = read_image(path, QSize(math.ceil(box.width() * ratio * 2),
                                   math.ceil(box.height() * ratio * 2)))
    if image is None or image.isNull():
        return placeholder_pixmap(box, palette, ratio), False
    if square:
        scaled = image.scaled(
            box * ratio, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        left = (scaled.width() - round(box.width() * ratio)) // 2
        top = (scaled.height() - round(box.height() * ratio)) // 2
        scaled = scaled.copy(left, top, round(box.width() * ratio), round(box.height() * ratio))
    else:
        scaled = image.scaled(
            box * ratio, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    pixmap = QPixmap(scaled.size())
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _rounded(painter, QRectF(0, 0, scaled.width(), scaled.height()), CORNER_RADIUS * ratio)
    painter.drawImage(0, 0, scaled)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap, True


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto further rows when the width ends."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height, gap = area.x(), area.y(), 0, self.spacing()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + gap
                row_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class WrappingRow(QWidget):
    """A widget whose children flow in rows (:class:`FlowLayout`) and whose height always
    fits them at its current width, so the layouts around it leave room for every row.
    ``heightFitted(height)`` says when that height changes."""

    heightFitted = Signal(int)

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self, spacing=spacing)

    def fit_height(self) -> None:
        height = self.flow.heightForWidth(max(1, self.width()))
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)
            self.heightFitted.emit(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # e.g. a new child was just shown
            self.fit_height()
        return handled


class MessageImages(WrappingRow):
    """The pictures sent with a message, as thumbnails (wrapping onto more rows when many).

    Clicking one opens it whole in an :class:`ImageViewer`; ``openRequested(path)`` says so.
    """

    openRequested = Signal(str)

    def __init__(
        self, images: Sequence[ImageAttachment] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, spacing=8)
        self.setObjectName("messageImages")
        self.setAccessibleName(self.tr("Attached images"))
        self._images: list[ImageAttachment] = []
        self._buttons: list[QToolButton] = []
        self._unreadable: dict[QToolButton, QSize] = {}  # placeholder tiles, by their size
        self.set_images(images)

    def images(self) -> list[ImageAttachment]:
        return list(self._images)

    def thumbnails(self) -> list[QToolButton]:
        """One clickable thumbnail per image, in order."""
        return list(self._buttons)

    def set_images(self, images: Sequence[ImageAttachment]) -> None:
        for button in self._buttons:
            self.flow.removeWidget(button)
            button.hide()
            button.deleteLater()
        self._images = list(images)
        self._unreadable = {}
        self._buttons = [self._thumbnail(item) for item in self._images]
        for button in self._buttons:
            self.flow.addWidget(button)
        self.setVisible(bool(self._buttons))
        self.fit_height()

    def open_image(self, item: ImageAttachment) -> ImageViewer:
        self.openRequested.emit(item.path)
        return open_image_viewer(item.path, self, item.name)

    def changeEvent(self, event: QEvent) -> None:
        """Paint the placeholders of unreadable pictures in the new theme's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for button, box in self._unreadable.items():
                button.setIcon(placeholder_pixmap(box, self.palette(), self.devicePixelRatioF()))

    def _thumbnail(self, item: ImageAttachment) -> QToolButton:
        box = QSize(MESSAGE_THUMBNAIL_SIDE, MESSAGE_THUMBNAIL_SIDE)
        if item.width > 0 and item.height > 0:  # the stored thumbnail's shape, known ahead
            box = QSize(item.width, item.height).scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
            box = QSize(max(box.width(), 24), max(box.height(), 24))
        pixmap, readable = thumbnail_pixmap(
            item.thumbnail_path, box, self.palette(), ratio=self.devicePixelRatioF()
        )
        button = QToolButton(self)
        button.setObjectName("messageThumbnail")
        button.setAutoRaise(True)
        button.setIcon(pixmap)
        button.setIconSize(pixmap.deviceIndependentSize().toSize())
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setAccessibleName(self.tr("Open {name}").format(name=item.name))
        tip = describe_attachment(item)
        if not readable:
            self._unreadable[button] = box
            tip = "\n".join((tip, self.tr("The preview could not be read.")))
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False, item=item: self.open_image(item))
        return button
