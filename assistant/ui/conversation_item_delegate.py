"""How one row of the conversation list looks: title, relative time, search snippet."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

UNTITLED = QT_TRANSLATE_NOOP("ConversationSidebar", "Untitled chat")  # shown translated
_MONTHS = (
    #: The short name of a month, as in "12 Jan".
    QT_TRANSLATE_NOOP("RelativeTime", "Jan"), QT_TRANSLATE_NOOP("RelativeTime", "Feb"),
    QT_TRANSLATE_NOOP("RelativeTime", "Mar"), QT_TRANSLATE_NOOP("RelativeTime", "Apr"),
    #: The short name of the month May, as in "12 May".
    QT_TRANSLATE_NOOP("RelativeTime", "May"), QT_TRANSLATE_NOOP("RelativeTime", "Jun"),
    QT_TRANSLATE_NOOP("RelativeTime", "Jul"), QT_TRANSLATE_NOOP("RelativeTime", "Aug"),
    QT_TRANSLATE_NOOP("RelativeTime", "Sep"), QT_TRANSLATE_NOOP("RelativeTime", "Oct"),
    QT_TRANSLATE_NOOP("RelativeTime", "Nov"), QT_TRANSLATE_NOOP("RelativeTime", "Dec"),
)
_WEEKDAYS = (
    QT_TRANSLATE_NOOP("RelativeTime", "Monday"), QT_TRANSLATE_NOOP("RelativeTime", "Tuesday"),
    QT_TRANSLATE_NOOP("RelativeTime", "Wednesday"),
    QT_TRANSLATE_NOOP("RelativeTime", "Thursday"), QT_TRANSLATE_NOOP("RelativeTime", "Friday"),
    QT_TRANSLATE_NOOP("RelativeTime", "Saturday"), QT_TRANSLATE_NOOP("RelativeTime", "Sunday"),
)
_MARKED = re.compile(r"\[([^\[\]]*)\]")


def untitled_title() -> str:
    """What a chat without a title is called, in the interface's language."""
    return QCoreApplication.translate("ConversationSidebar", UNTITLED)


def relative_time(timestamp: float, now: float | None = None) -> str:
    """"just now", "5 min ago", "3 h ago", "yesterday", "Monday", "12 Mar", "12 Mar 2023"."""
    now = time.time() if now is None else now
    delta = now - timestamp
    if delta < 60:
        return QCoreApplication.translate("RelativeTime", "just now")
    if delta < 3600:
        #: How long ago a chat changed, in minutes (1 to 59).
        return QCoreApplication.translate("RelativeTime", "{minutes} min ago").format(
            minutes=int(delta // 60))
    then = datetime.fromtimestamp(timestamp)
    today = datetime.fromtimestamp(now).date()
    days = (today - then.date()).days
    if days == 0:
        #: How long ago a chat changed today, in hours.
        return QCoreApplication.translate("RelativeTime", "{hours} h ago").format(
            hours=int(delta // 3600))
    if days == 1:
        return QCoreApplication.translate("RelativeTime", "yesterday")
    if days < 7:
        return QCoreApplication.translate("RelativeTime", _WEEKDAYS[then.weekday()])
    month = QCoreApplication.translate("RelativeTime", _MONTHS[then.month - 1])
    if then.year == today.year:
        #: A date this year: {day} is the day of the month, {month} its short name ("Jan").
        return QCoreApplication.translate("RelativeTime", "{day} {month}").format(
            day=then.day, month=month)
    #: A date in another year, e.g. "24 Dec 2023"; {month} is the month's short name.
    return QCoreApplication.translate("RelativeTime", "{day} {month} {year}").format(
        day=then.day, month=month, year=then.year)


def snippet_html(snippet: str) -> str:
    """Escape ``snippet`` and turn each ``[matched words]`` into bold text."""
    flat = " ".join(snippet.split())
    return _MARKED.sub(r"<b>\1</b>", html.escape(flat, quote=False))


def snippet_plain(snippet: str) -> str:
    return " ".join(_MARKED.sub(r"\1", snippet).split())


ID_ROLE = Qt.ItemDataRole.UserRole
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
TIME_ROLE = Qt.ItemDataRole.UserRole + 2
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 3
TITLE_ROLE = Qt.ItemDataRole.UserRole + 4


class ConversationDelegate(QStyledItemDelegate):
    """Paints a title with its relative time, and for search hits the matched snippet."""

    renameCommitted = Signal(int, str)

    PAD_X = 8
    PAD_Y = 7
    SNIPPET_GAP = 3
    SNIPPET_LINES = 2  # at most

    @staticmethod
    def _small(font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.88))
        return small

    @staticmethod
    def _snippet_document(snippet: str, font: QFont, width: int) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(font)
        document.setHtml(snippet_html(snippet))
        document.setTextWidth(max(width, 40))
        return document

    def _snippet_lines(self, snippet: str, font: QFont, width: int) -> int:
        document = self._snippet_document(snippet, font, width)
        document.documentLayout()  # lays the text out
        lines, block = 0, document.begin()
        while block.isValid():
            lines += block.layout().lineCount()
            block = block.next()
        return max(1, min(lines, self.SNIPPET_LINES))

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QAbstractItemView) \
            else option.rect.width()
        return width - 2 * self.PAD_X

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        height = QFontMetrics(option.font).height() + 2 * self.PAD_Y
        snippet = index.data(SNIPPET_ROLE)
        if snippet:
            small = self._small(option.font)
            lines = self._snippet_lines(snippet, small, self._text_width(option))
            height += self.SNIPPET_GAP + lines * QFontMetrics(small).lineSpacing()
        return QSize(max(option.rect.width(), 120), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        state = opt.state
        group = QPalette.ColorGroup.Normal
        if not state & QStyle.StateFlag.State_Enabled:
            group = QPalette.ColorGroup.Disabled
        elif not state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        selected = bool(state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = opt.palette.color(group, role)
        dim = opt.palette.color(group, role)
        dim.setAlphaF(0.68)

        rect = opt.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        font_metrics = QFontMetrics(opt.font)
        small = self._small(opt.font)
        small_metrics = QFontMetrics(small)
        line = QRect(rect.left(), rect.top(), rect.width(), font_metrics.height())

        painter.save()
        timestamp = index.data(TIME_ROLE)
        time_text = relative_time(timestamp) if timestamp is not None else ""
        time_width = small_metrics.horizontalAdvance(time_text) if time_text else 0
        if time_text:
            painter.setFont(small)
            painter.setPen(dim)
            painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             time_text)
        title_width = max(0, line.width() - time_width - (10 if time_text else 0))
        title = font_metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                                        Qt.TextElideMode.ElideRight, title_width)
        painter.setFont(opt.font)
        painter.setPen(text_color)
        painter.drawText(QRect(line.left(), line.top(), title_width, line.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        snippet = index.data(SNIPPET_ROLE)
        if snippet:
            document = self._snippet_document(snippet, small, rect.width())
            painter.translate(rect.left(), line.bottom() + 1 + self.SNIPPET_GAP)
            clip = QRectF(0, 0, rect.width(), self.SNIPPET_LINES * small_metrics.lineSpacing())
            painter.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, dim)
            context.clip = clip
            document.documentLayout().draw(painter, context)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAccessibleName(self.tr("New title"))
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        height = editor.sizeHint().height()
        rect = option.rect
        editor.setGeometry(rect.left() + 2, rect.top() + max(0, (min(rect.height(), 2 * height)
                                                                 - height) // 2),
                           rect.width() - 4, height)

    def setEditorData(self, editor: QWidget,
                      index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(TITLE_ROLE) or ""))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        """Report the new title; the list changes when the window sends the new list."""
        if not isinstance(editor, QLineEdit):
            return
        title = " ".join(editor.text().split())
        if title and title != (index.data(TITLE_ROLE) or ""):
            self.renameCommitted.emit(int(index.data(ID_ROLE)), title)
