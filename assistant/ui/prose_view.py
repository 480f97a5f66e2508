"""Read-only Markdown (or plain) text whose height fits its text: the prose of a message."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QPalette,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextOption,
    QTextTable,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

# GitHub Markdown without raw HTML: model output is untrusted, and "<div>" in prose is text.
_MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _open_link(url: QUrl) -> None:
    """Open web and mail links in the person's own apps; ignore anything else."""
    if url.scheme().lower() in _LINK_SCHEMES:
        QDesktopServices.openUrl(url)


class ProseView(QTextBrowser):
    """Read-only rich text whose height always fits its text (no inner scroll bars)."""

    _theme: tuple[int, ...] | None = None  # colours the Markdown was laid out in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prose")
        self.setAccessibleName(self.tr("Message text"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setOpenLinks(False)
        self.anchorClicked.connect(_open_link)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        self._fitted = -1
        self.shown_text = ""  # the Markdown (or plain text) this view shows
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def set_markdown(self, text: str) -> None:
        self.shown_text = text
        document = self.document()
        document.setMarkdown(text, _MARKDOWN)
        _space_out(document, self.palette())
        self._theme = self._theme_colors()
        self._fit_height()

    def set_plain(self, text: str) -> None:
        self.shown_text = text
        self._theme = None
        self.document().setPlainText(text)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        """Lay the Markdown out again when the theme changes: Qt writes link colours and
        table borders into the document when it reads the Markdown."""
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.PaletteChange
            and self._theme is not None
            and self._theme != self._theme_colors()
        ):
            self.set_markdown(self.shown_text)

    def _theme_colors(self) -> tuple[int, ...]:
        """The colours a Markdown layout depends on (links come from the application)."""
        own = self.palette()
        return (
            QGuiApplication.palette().color(QPalette.ColorRole.Link).rgba(),
            own.color(QPalette.ColorRole.Mid).rgba(),
            own.color(QPalette.ColorRole.AlternateBase).rgba(),
        )

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Leave every wheel event (also Ctrl+wheel zoom) to the transcript around it."""
        event.ignore()

    def loadResource(self, kind: int, name: QUrl) -> object:
        """Never fetch images or other resources named by a message (they are untrusted)."""
        del kind, name
        return None

    def _fit_height(self) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self._fitted:
            self._fitted = height
            self.setFixedHeight(height)


def _space_out(document: QTextDocument, palette: QPalette) -> None:
    """Give headings and tables room to breathe (Qt's Markdown import packs them tight)."""
    block = document.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.headingLevel() > 0:
            fmt.setTopMargin(0 if block == document.begin() else 12)
            fmt.setBottomMargin(6)
            QTextCursor(block).setBlockFormat(fmt)
        block = block.next()
    for frame in document.rootFrame().childFrames():
        if isinstance(frame, QTextTable):
            table = frame.format()
            table.setTopMargin(8)
            table.setBottomMargin(8)
            table.setCellPadding(5)
            table.setCellSpacing(0)
            table.setBorder(1)
            table.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
            table.setBorderBrush(palette.color(QPalette.ColorRole.Mid))
            table.setBorderCollapse(True)
            frame.setFormat(table)
            header = palette.color(QPalette.ColorRole.AlternateBase)
            for column in range(frame.columns()):
                cell = frame.cellAt(0, column)
                cell_format = cell.format().toTableCellFormat()
                cell_format.setBackground(header)
                cell.setFormat(cell_format)
