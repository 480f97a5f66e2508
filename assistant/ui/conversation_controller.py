"""Which conversation is open, and the list's operations: new, rename, delete/undo, search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from assistant.storage.chat_repository import Conversation
from assistant.ui.conversation_item_delegate import untitled_title
from assistant.ui.conversation_sidebar import ConversationSidebar
from assistant.ui.notice_bar import NoticeBar
from assistant.ui.system_prompt_dialog import edit_system_prompt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.ui.launch import AppServices


class ConversationController(QObject):
    """Owns the current conversation id; keeps the sidebar in step with the database."""

    currentChanged = Signal(object)  # int | None
    conversationDeleted = Signal(int)

    def __init__(self, services: AppServices, sidebar: ConversationSidebar,
                 notice_bar: NoticeBar, window: QWidget) -> None:
        super().__init__(window)
        self._repo = services.repository
        self._settings = services.settings
        self._sidebar = sidebar
        self._notice = notice_bar
        self._window = window
        self._current: int | None = None
        self._pending_delete: int | None = None
        sidebar.conversationSelected.connect(self.select)
        sidebar.messageFocusRequested.connect(self._select_for_message)
        sidebar.newRequested.connect(self.new_conversation)
        sidebar.renameRequested.connect(self.rename)
        sidebar.deleteRequested.connect(self.delete)
        sidebar.systemPromptRequested.connect(self.edit_system_prompt)
        sidebar.searchChanged.connect(self.search)
        notice_bar.undoRequested.connect(self.undo_delete)
        notice_bar.undoExpired.connect(self.purge_deleted)

    @property
    def current_id(self) -> int | None:
        return self._current

    def current(self) -> Conversation | None:
        return self._repo.conversation(self._current) if self._current is not None else None

    def restore_last(self) -> None:
        """At start-up: forget chats deleted last time, open the most recent one."""
        self._repo.purge_deleted()
        conversations = self._repo.conversations()
        self._current = conversations[0].id if conversations else None
        self._sidebar.set_conversations(conversations, self._current)
        self.currentChanged.emit(self._current)

    def refresh(self) -> None:
        """Re-read the list (titles and order change as messages arrive)."""
        self._sidebar.set_conversations(self._repo.conversations(), self._current)

    def ensure_current(self) -> int:
        """The open conversation, creating one when there is none."""
        if self._current is None:
            created = self._repo.create_conversation(
                system_prompt=self._settings.current.default_system_prompt)
            self._current = created.id
            self.refresh()
        return self._current

    @Slot()
    def new_conversation(self) -> None:
        """Open a fresh chat; an already-empty open chat is reused rather than duplicated."""
        if self._current is not None and not self._repo.messages(self._current):
            self.currentChanged.emit(self._current)
            return
        created = self._repo.create_conversation(
            system_prompt=self._settings.current.default_system_prompt)
        self._current = created.id
        self.refresh()
        self.currentChanged.emit(self._current)

    @Slot(int)
    def select(self, conversation_id: int) -> None:
        if conversation_id == self._current or self._repo.conversation(conversation_id) is None:
            return
        self._current = conversation_id
        self._sidebar.select(conversation_id)
        self.currentChanged.emit(conversation_id)

    @Slot(int, int)
    def _select_for_message(self, conversation_id: int, _message_id: int) -> None:
        self.select(conversation_id)

    @Slot(int, str)
    def rename(self, conversation_id: int, title: str) -> None:
        try:
            self._repo.rename_conversation(conversation_id, title)
        except ValueError as exc:
            self._notice.show_error(str(exc))
        self.refresh()

    @Slot(int)
    def delete(self, conversation_id: int) -> None:
        """Delete now, with an Undo offered for a few seconds."""
        conversation = self._repo.conversation(conversation_id)
        if conversation is None:
            return
        # An earlier undo offer expires (and is purged) before this delete: the notice bar
        # reports an undo notice it replaces as expired, which must not purge this one.
        self._notice.dismiss()
        self.purge_deleted()
        self._repo.delete_conversation(conversation_id)
        self._pending_delete = conversation_id
        self.conversationDeleted.emit(conversation_id)
        if conversation_id == self._current:
            remaining = self._repo.conversations()
            self._current = remaining[0].id if remaining else None
            self.currentChanged.emit(self._current)
        self.refresh()
        self._notice.show_undo(self.tr("Deleted “{title}”.").format(
            title=conversation.title.strip() or untitled_title()))

    @Slot()
    def undo_delete(self) -> None:
        if self._pending_delete is None:
            return
        restored, self._pending_delete = self._pending_delete, None
        self._repo.restore_conversation(restored)
        self._current = restored
        self.refresh()
        self.currentChanged.emit(restored)

    @Slot()
    def purge_deleted(self) -> None:
        self._pending_delete = None
        self._repo.purge_deleted()

    @Slot(int)
    def edit_system_prompt(self, conversation_id: int) -> None:
        conversation = self._repo.conversation(conversation_id)
        if conversation is None:
            return
        text = edit_system_prompt(self._window, conversation.title, conversation.system_prompt)
        if text is not None:
            self._repo.set_system_prompt(conversation_id, text)

    @Slot(str)
    def search(self, query: str) -> None:
        self._sidebar.set_search_results(self._repo.search(query) if query.strip() else [])
