"""The images waiting to be sent, above the composer's text box: chips and quick actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.core.attachments import ImageAttachment
from assistant.ui.message_images import (
    WrappingRow,
    describe_attachment,
    image_details,
    placeholder_pixmap,
    thumbnail_pixmap,
)
from assistant.ui.notice_bar import error_color

CHIP_THUMBNAIL_SIDE = 52
CHIP_WIDTH = 196  # two fit side by side in the narrowest main window
CHIP_ROWS_SHOWN = 2  # more rows of chips scroll

# Button label → (prompt for one image, prompt for several). The prompt goes into the text
# box for the person to edit and send; nothing is sent by the button itself. These are the
# English source texts (context "AttachmentStrip"), translated where they are shown.
QUICK_ACTIONS: dict[str, tuple[str, str]] = {
    QT_TRANSLATE_NOOP("AttachmentStrip", "Describe"): (
        QT_TRANSLATE_NOOP("AttachmentStrip", "Describe this image in detail."),
        QT_TRANSLATE_NOOP("AttachmentStrip", "Describe these images in detail."),
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "Caption"): (
        QT_TRANSLATE_NOOP("AttachmentStrip", "Write a one-line caption for this image."),
        QT_TRANSLATE_NOOP("AttachmentStrip", "Write a one-line caption for each of these images."),
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "Read the text"): (
        QT_TRANSLATE_NOOP(
            "AttachmentStrip", "Read all the text in this image and write it out exactly."
        ),
        QT_TRANSLATE_NOOP(
            "AttachmentStrip", "Read all the text in these images and write it out exactly."
        ),
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "What is this?"): (
        QT_TRANSLATE_NOOP("AttachmentStrip", "What is this?"),
        QT_TRANSLATE_NOOP("AttachmentStrip", "What are these?"),
    ),
}

# Set on the strip's body, not on the strip: the strip still hears of theme changes and sets it
# again (a style sheet reads ``palette(…)`` once, and a widget under one hears of no palette
# change).
STRIP_STYLE = """
QFrame#attachmentChip {
    border: 1px solid palette(mid); border-radius: 8px; background: palette(base);
}
QLabel#chipDetails, QLabel#chipNote, QLabel#attachmentBusy { color: palette(placeholder-text); }
QToolButton#chipRemove { border: none; border-radius: 10px; padding: 0px; }
QToolButton#chipRemove:hover { background: palette(midlight); }
QToolButton#chipRemove:focus { border: 2px solid palette(highlight); }
QToolButton#chipThumbnail { border: none; padding: 0px; }
QToolButton#chipThumbnail:focus { border: 2px solid palette(highlight); border-radius: 4px; }
QToolButton#quickAction {
    border: 1px solid palette(mid); border-radius: 11px; padding: 2px 10px;
    background: palette(button);
}
QToolButton#quickAction:hover { background: palette(midlight); }
QToolButton#quickAction:focus { border: 2px solid palette(highlight); padding: 1px 9px; }
"""


def _tr(text: str) -> str:
    """``text`` (a source text of the "AttachmentStrip" context) in the interface language."""
    return QCoreApplication.translate("AttachmentStrip", text)


def quick_action_prompt(label: str, count: int) -> str:
    """The prompt of the quick action ``label`` (its English key in :data:`QUICK_ACTIONS`)
    for ``count`` attached images, in the interface language."""
    one, several = QUICK_ACTIONS[label]
    return _tr(several if count > 1 else one)


def preparing_text(count: int) -> str:
    if count == 1:
        return QCoreApplication.translate("AttachmentStrip", "Preparing {count} image…").format(
            count=count
        )
    return QCoreApplication.translate("AttachmentStrip", "Preparing {count} images…").format(
        count=count
    )


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" (in the middle: file names keep their
    extension) to fit its width."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        super().__init__(parent)
        self._full = text
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self._mode, width)
        if shown != self.text():
            self.setText(shown)


class AttachmentChip(QFrame):
    """One attached image: thumbnail (click to open), name, size and a remove button."""

    removeClicked = Signal(str)
    openClicked = Signal(str)

    def __init__(self, item: ImageAttachment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("attachmentChip")
        self.setAccessibleName(item.name)
        self.setToolTip(describe_attachment(item))
        self.setFixedWidth(CHIP_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

        side = CHIP_THUMBNAIL_SIDE
        pixmap, self.readable = thumbnail_pixmap(
            item.thumbnail_path, QSize(side, side), self.palette(), square=True,
            ratio=self.devicePixelRatioF(),
        )
        self.thumbnail = QToolButton()
        self.thumbnail.setObjectName("chipThumbnail")
        self.thumbnail.setIcon(pixmap)
        self.thumbnail.setIconSize(QSize(side, side))
        self.thumbnail.setFixedSize(side, side)
        self.thumbnail.setCursor(Qt.CursorShape.PointingHandCursor)
        self.thumbnail.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.thumbnail.setAccessibleName(self.tr("Open {name}").format(name=item.name))
        self.thumbnail.setToolTip(self.tr("Open {name}").format(name=item.name))
        self.thumbnail.clicked.connect(lambda: self.openClicked.emit(self.item.path))

        self.name_label = ElidedLabel(item.name)
        self.name_label.setObjectName("chipName")
        self.details_label = ElidedLabel(image_details(item))
        self.details_label.setObjectName("chipDetails")
        self.note_label = ElidedLabel(item.note, mode=Qt.TextElideMode.ElideRight)
        self.note_label.setObjectName("chipNote")
        self.note_label.setVisible(bool(item.note))
        for label, factor in ((self.details_label, 0.85), (self.note_label, 0.85)):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * factor)
            font.setItalic(label is self.note_label)
            label.setFont(font)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(1)
        text.addStretch(1)
        text.addWidget(self.name_label)
        text.addWidget(self.details_label)
        text.addWidget(self.note_label)
        text.addStretch(1)

        self.remove_button = QToolButton()
        self.remove_button.setObjectName("chipRemove")
        self.remove_button.setText("×")
        self.remove_button.setFixedSize(20, 20)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.remove_button.setAccessibleName(self.tr("Remove {name}").format(name=item.name))
        self.remove_button.setToolTip(self.tr("Remove {name}").format(name=item.name))
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.clicked.connect(lambda: self.removeClicked.emit(self.item.sha256))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(8)
        layout.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(text, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    def changeEvent(self, event: QEvent) -> None:
        """Paint an unreadable image's placeholder in the new theme's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self.readable:
            side = CHIP_THUMBNAIL_SIDE
            self.thumbnail.setIcon(
                placeholder_pixmap(QSize(side, side), self.palette(), self.devicePixelRatioF())
            )


class AttachmentStrip(QWidget):
    """Chips for the attached images, quick-action buttons, progress and a context estimate.

    A pure view: it shows what the owner sets and reports clicks as signals. Hidden while
    there is nothing attached and nothing being prepared.
    """

    removeRequested = Signal(str)  # sha256
    openRequested = Signal(str)  # path of the full image
    quickActionChosen = Signal(str)  # prompt text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.setAccessibleName(self.tr("Attached images"))
        self._body = QWidget()
        self._body.setObjectName("attachmentStripBody")
        self._body.setStyleSheet(STRIP_STYLE)
        self._items: list[ImageAttachment] = []
        self._chips: list[AttachmentChip] = []
        self._busy = 0

        self._chip_area = WrappingRow(spacing=6)
        self._chip_area.setObjectName("attachmentChips")
        self._chip_area.heightFitted.connect(self._fit_chip_scroll)
        self._flow = self._chip_area.flow
        self._chip_scroll = QScrollArea()
        self._chip_scroll.setObjectName("attachmentChipScroll")
        self._chip_scroll.setWidgetResizable(True)
        self._chip_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._chip_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the chips
        self._chip_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._chip_scroll.setWidget(self._chip_area)

        self._busy_label = QLabel()
        self._busy_label.setObjectName("attachmentBusy")
        self._busy_label.setAccessibleName(self.tr("Preparing images"))
        self._busy_label.hide()
        self._estimate = QLabel()
        self._estimate.setObjectName("attachmentTokens")
        self._estimate.setAccessibleName(self.tr("Context estimate"))
        self._estimate.setToolTip(
            self.tr("How much of the model's context the attached images take")
        )
        self._estimate.hide()
        for label in (self._busy_label, self._estimate):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.85)
            label.setFont(font)

        self._actions: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for label in QUICK_ACTIONS:
            button = QToolButton()
            button.setObjectName("quickAction")
            button.setText(_tr(label))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, label=label: self._choose(label))
            self._actions[label] = button
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self._busy_label)
        row.addWidget(self._estimate)

        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self._chip_scroll)
        layout.addLayout(row)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._body)
        self._refresh()

    # -- read access -----------------------------------------------------------------------

    def items(self) -> list[ImageAttachment]:
        return list(self._items)

    def chips(self) -> list[AttachmentChip]:
        return list(self._chips)

    def quick_action_buttons(self) -> dict[str, QToolButton]:
        return dict(self._actions)

    def busy_text(self) -> str:
        return "" if self._busy_label.isHidden() else self._busy_label.text()

    def token_estimate(self) -> str:
        return self._estimate.text()

    # -- changes ---------------------------------------------------------------------------

    def set_attachments(self, items: Sequence[ImageAttachment]) -> None:
        """Show one chip per image, in order (chips of images already shown are kept)."""
        kept = {chip.item: chip for chip in self._chips}
        chips: list[AttachmentChip] = []
        for item in items:
            chip = kept.pop(item, None)
            if chip is None:
                chip = AttachmentChip(item)
                chip.removeClicked.connect(self.removeRequested)
                chip.openClicked.connect(self.openRequested)
            chips.append(chip)
        for chip in self._chips:
            self._flow.removeWidget(chip)
        for chip in kept.values():  # images no longer attached
            chip.hide()
            chip.deleteLater()
        for chip in chips:
            self._flow.addWidget(chip)
        self._items = list(items)
        self._chips = chips
        self._chip_area.fit_height()
        self._refresh()

    def set_busy(self, count: int) -> None:
        """Say that ``count`` images are being prepared (0: none)."""
        self._busy = max(0, count)
        self._busy_label.setText(preparing_text(self._busy))
        self._refresh()

    def set_token_estimate(self, text: str, ok: bool = True) -> None:
        """A short note such as "≈ 1,152 context tokens"; ``ok=False`` shows it as an error."""
        self._estimate.setText(text)
        self._estimate.setProperty("ok", ok)
        self._color_estimate()
        self._estimate.setVisible(bool(text))

    # -- internals -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """The theme changed: set the style sheet again, which reads the new colours for the
        chips and buttons, and colour the estimate for the new background."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._body.setStyleSheet(STRIP_STYLE)
            self._color_estimate()

    def _color_estimate(self) -> None:
        palette = self.palette()
        ok = self._estimate.property("ok") is not False
        color = (
            QColor(palette.color(QPalette.ColorRole.PlaceholderText)) if ok
            else error_color(palette)
        )
        self._estimate.setStyleSheet(f"color: {color.name(QColor.NameFormat.HexArgb)};")

    def _fit_chip_scroll(self, height: int) -> None:
        """As tall as the chips, up to ``CHIP_ROWS_SHOWN`` rows; beyond that it scrolls."""
        row = self._chips[0].sizeHint().height() if self._chips else height
        most = CHIP_ROWS_SHOWN * row + (CHIP_ROWS_SHOWN - 1) * self._flow.spacing()
        self._chip_scroll.setFixedHeight(min(height, most))

    def _choose(self, label: str) -> None:
        self.quickActionChosen.emit(quick_action_prompt(label, len(self._items)))

    def _refresh(self) -> None:
        has_items = bool(self._items)
        self._chip_scroll.setVisible(has_items)
        for label, button in self._actions.items():
            button.setVisible(has_items)
            prompt = quick_action_prompt(label, len(self._items))
            button.setToolTip(
                self.tr("Put “{prompt}” in the message box to edit and send").format(prompt=prompt)
            )
        self._busy_label.setVisible(self._busy > 0)
        self.setVisible(has_items or self._busy > 0)
