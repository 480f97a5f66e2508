"""The list of conversations beside the chat: new chat, search, rename, delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.conversation_item_delegate import (
    ID_ROLE,
    MESSAGE_ROLE,
    SNIPPET_ROLE,
    TIME_ROLE,
    TITLE_ROLE,
    ConversationDelegate,
    relative_time,
    snippet_plain,
    untitled_title,
)


class ConversationLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def updated_at(self) -> float: ...


class SearchHitLike(Protocol):
    @property
    def conversation_id(self) -> int: ...
    @property
    def conversation_title(self) -> str: ...
    @property
    def message_id(self) -> int | None: ...
    @property
    def snippet(self) -> str: ...


class ConversationSidebar(QWidget):
    """Shows conversations (newest first) or search hits, and emits what the person asks.

    It holds no data of its own beyond what it was given: renaming, deleting and searching
    are requests the main window carries out, then it sends the new list.
    """

    conversationSelected = Signal(int)
    newRequested = Signal()
    renameRequested = Signal(int, str)
    deleteRequested = Signal(int)
    systemPromptRequested = Signal(int)
    searchChanged = Signal(str)
    messageFocusRequested = Signal(int, int)

    SEARCH_DELAY_MS = 200

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._conversations: list[ConversationLike] = []
        self._hits: list[SearchHitLike] = []
        self._searching = False
        self._current_id: int | None = None
        self._populating = False

        new_key = QKeySequence(QKeySequence.StandardKey.New).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.new_button = QPushButton(self.tr("New chat"), self)
        self.new_button.setToolTip(self.tr("Start a new chat ({shortcut})").format(
            shortcut=new_key))
        self.new_button.clicked.connect(self.newRequested)

        find_key = QKeySequence(QKeySequence.StandardKey.Find).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.search_field = QLineEdit(self)
        self.search_field.setPlaceholderText(self.tr("Search chats"))
        self.search_field.setAccessibleName(self.tr("Search chats"))
        self.search_field.setToolTip(self.tr("Search the titles and messages of every chat "
                                             "({shortcut}); Esc clears").format(shortcut=find_key))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._on_search_text)
        self.search_field.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit_search)

        self.list_widget = QListWidget(self)
        self.list_widget.setAccessibleName(self.tr("Conversations"))
        self.list_widget.setAccessibleDescription(self.tr(
            "Arrow keys open a chat; F2 renames it, Delete deletes it, and the Menu key or "
            "Shift+F10 shows everything else you can do with it."))
        self.list_widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_widget.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_widget.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_widget.setResizeMode(QListWidget.ResizeMode.Adjust)  # snippets re-wrap
        self.list_widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_widget.customContextMenuRequested.connect(self._show_context_menu)
        self.list_widget.currentItemChanged.connect(self._on_current_item_changed)
        self.list_widget.installEventFilter(self)
        self._delegate = ConversationDelegate(self.list_widget)
        self._delegate.renameCommitted.connect(self.renameRequested)
        self._delegate.closeEditor.connect(self._after_edit)
        self._refresh_pending = False
        self.list_widget.setItemDelegate(self._delegate)

        self._empty = QLabel(self)
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._empty.setTextFormat(Qt.TextFormat.PlainText)
        self._empty.setEnabled(False)  # drawn in the palette's muted colour

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search_field)
        layout.addWidget(self.list_widget, 1)
        layout.addWidget(self._empty, 1)

        # Relative times ("5 min ago") age; repaint them once a minute.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.list_widget.viewport().update)
        self._clock.start()
        self._show_conversations()

    # -- public API ---------------------------------------------------------------------

    def set_conversations(self, conversations: Iterable[ConversationLike],
                          current_id: int | None) -> None:
        """Show ``conversations`` newest first, ``current_id`` selected (emits nothing)."""
        self._conversations = sorted(conversations, key=lambda c: c.updated_at, reverse=True)
        self._current_id = current_id
        if self._searching:
            known = {c.id for c in self._conversations}
            self._hits = [h for h in self._hits if h.conversation_id in known]
        self._refresh_view()

    def set_search_results(self, hits: Sequence[SearchHitLike]) -> None:
        """Show the hits for the query in the search field (ignored once it is cleared)."""
        if not self.search_field.text().strip():
            return
        self._searching = True
        self._hits = list(hits)
        self._show_hits()

    def select(self, conversation_id: int) -> None:
        """Select a conversation; emits ``conversationSelected`` only when it changes."""
        changed = conversation_id != self._current_id
        self._current_id = conversation_id
        self._highlight_current()
        if changed:
            self.conversationSelected.emit(conversation_id)

    def current_id(self) -> int | None:
        return self._current_id

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def search_text(self) -> str:
        return self.search_field.text()

    def clear_search(self) -> None:
        self.search_field.clear()

    # -- showing ------------------------------------------------------------------------

    def _title_of(self, conversation_id: int, fallback: str) -> str:
        for conversation in self._conversations:
            if conversation.id == conversation_id:
                return conversation.title
        return fallback

    def _updated_of(self, conversation_id: int) -> float | None:
        for conversation in self._conversations:
            if conversation.id == conversation_id:
                return conversation.updated_at
        return None

    def _make_item(self, conversation_id: int, title: str, updated_at: float | None,
                   snippet: str | None = None, message_id: int | None = None
                   ) -> QListWidgetItem:
        shown = title.strip() or untitled_title()
        item = QListWidgetItem(shown)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setData(ID_ROLE, conversation_id)
        item.setData(MESSAGE_ROLE, message_id)
        item.setData(TIME_ROLE, updated_at)
        item.setData(SNIPPET_ROLE, snippet)
        item.setData(TITLE_ROLE, title)
        item.setToolTip(shown)
        when = relative_time(updated_at) if updated_at is not None else ""
        item.setData(Qt.ItemDataRole.AccessibleTextRole, self._spoken(shown, snippet, when))
        return item

    def _spoken(self, title: str, snippet: str | None, when: str) -> str:
        """What a screen reader says for one row: the title, the matched words, the age."""
        if snippet and when:
            #: Read aloud for a search hit: the chat's title, the matching words, how long ago.
            return self.tr("{title}: {snippet}, {when}").format(
                title=title, snippet=snippet_plain(snippet), when=when)
        if snippet:
            return self.tr("{title}: {snippet}").format(title=title,
                                                        snippet=snippet_plain(snippet))
        if when:
            return self.tr("{title}, {when}").format(title=title, when=when)
        return title

    def _refresh_view(self) -> None:
        if self._searching:
            self._show_hits()
        else:
            self._show_conversations()

    def _after_edit(self) -> None:
        """Apply a list that arrived while a title was being edited."""
        if self._refresh_pending:
            self._refresh_pending = False
            QTimer.singleShot(0, self._refresh_view)

    def _fill(self, items: list[QListWidgetItem], empty_text: str) -> None:
        if self.list_widget.state() == QAbstractItemView.State.EditingState:
            self._refresh_pending = True  # rebuilding now would throw the edit away
            return
        self._populating = True
        try:
            self.list_widget.clear()
            for item in items:
                self.list_widget.addItem(item)
            self._highlight_current()
        finally:
            self._populating = False
        self.list_widget.setVisible(bool(items))
        self._empty.setText(empty_text)
        self._empty.setVisible(not items)

    def _show_conversations(self) -> None:
        items = [self._make_item(c.id, c.title, c.updated_at) for c in self._conversations]
        self._fill(items, self.tr("No chats yet. Click “New chat” to start one."))

    def _show_hits(self) -> None:
        items = [
            self._make_item(h.conversation_id,
                            self._title_of(h.conversation_id, h.conversation_title),
                            self._updated_of(h.conversation_id), h.snippet, h.message_id)
            for h in self._hits
        ]
        query = self.search_field.text().strip()
        self._fill(items, self.tr("No chats match “{query}”.").format(query=query))

    def _highlight_current(self) -> None:
        """Make the current conversation's first row current, without emitting."""
        populating, self._populating = self._populating, True
        try:
            for row in range(self.list_widget.count()):
                item = self.list_widget.item(row)
                if item.data(ID_ROLE) == self._current_id:
                    self.list_widget.setCurrentItem(item)
                    self.list_widget.scrollToItem(item)
                    return
            self.list_widget.setCurrentRow(-1)
        finally:
            self._populating = populating

    # -- reactions ----------------------------------------------------------------------

    def _on_current_item_changed(self, current: QListWidgetItem | None,
                                 _previous: QListWidgetItem | None) -> None:
        if self._populating or current is None:
            return
        conversation_id = int(current.data(ID_ROLE))
        if conversation_id != self._current_id:
            self._current_id = conversation_id
            self.conversationSelected.emit(conversation_id)
        message_id = current.data(MESSAGE_ROLE)
        if message_id is not None:
            self.messageFocusRequested.emit(conversation_id, int(message_id))

    def _on_search_text(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
            return
        self._search_timer.stop()
        if self._searching:
            self._searching = False
            self._hits = []
            self._show_conversations()
            self.searchChanged.emit("")

    def _emit_search(self) -> None:
        query = self.search_field.text().strip()
        if query:
            self._searching = True
            self.searchChanged.emit(query)

    def _item_for(self, conversation_id: int) -> QListWidgetItem | None:
        for row in range(self.list_widget.count()):
            item = self.list_widget.item(row)
            if item.data(ID_ROLE) == conversation_id:
                return item
        return None

    def start_rename(self, conversation_id: int) -> None:
        """Open the inline title editor on a conversation's row."""
        item = self._item_for(conversation_id)
        if item is not None:
            self.list_widget.setFocus(Qt.FocusReason.OtherFocusReason)
            self.list_widget.editItem(item)

    def context_menu(self, conversation_id: int) -> QMenu:
        """The context menu of one conversation (built fresh; the caller shows it)."""
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename…"))
        rename.setShortcut(QKeySequence(Qt.Key.Key_F2))
        rename.triggered.connect(partial(self.start_rename, conversation_id))
        prompt = menu.addAction(self.tr("Edit system prompt…"))
        prompt.triggered.connect(partial(self.systemPromptRequested.emit, conversation_id))
        menu.addSeparator()
        delete = menu.addAction(self.tr("Delete"))
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(partial(self.deleteRequested.emit, conversation_id))
        return menu

    def _show_context_menu(self, pos: QPoint) -> None:
        item = self.list_widget.itemAt(pos) or self.list_widget.currentItem()
        if item is None:
            return
        self._exec_menu(item, pos)

    def _exec_menu(self, item: QListWidgetItem, pos: QPoint) -> None:
        """Run the context menu of ``item`` at ``pos`` (viewport coordinates)."""
        menu = self.context_menu(int(item.data(ID_ROLE)))
        menu.exec(self.list_widget.viewport().mapToGlobal(pos))
        menu.deleteLater()

    @staticmethod
    def _is_menu_key(event: QKeyEvent) -> bool:
        """The Menu key or Shift+F10: the context menu from the keyboard."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return (event.key() == Qt.Key.Key_Menu and mods == Qt.KeyboardModifier.NoModifier) \
            or (event.key() == Qt.Key.Key_F10 and mods == Qt.KeyboardModifier.ShiftModifier)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.list_widget and key == Qt.Key.Key_Delete:
                item = self.list_widget.currentItem()
                if item is not None:
                    self.deleteRequested.emit(int(item.data(ID_ROLE)))
                    return True
            elif watched is self.list_widget and self._is_menu_key(event):
                item = self.list_widget.currentItem()
                if item is not None:
                    self._exec_menu(item, self.list_widget.visualItemRect(item).bottomLeft())
                    return True
            elif watched is self.search_field:
                if key == Qt.Key.Key_Escape and self.search_field.text():
                    self.search_field.clear()
                    return True
                if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                        and self.list_widget.count():
                    if self._search_timer.isActive():
                        self._search_timer.stop()
                        self._emit_search()
                    self.list_widget.setFocus(Qt.FocusReason.TabFocusReason)
                    if self.list_widget.currentRow() < 0:
                        self.list_widget.setCurrentRow(0)
                    return True
        return super().eventFilter(watched, event)
