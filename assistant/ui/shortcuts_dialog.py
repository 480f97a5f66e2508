"""The list of keyboard shortcuts (Ctrl+/): the window's actions with their keys, and the
keys that work without an action (Enter sends, hold F9 to talk, …), grouped and searchable."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.push_to_talk import DEFAULT_PUSH_TO_TALK_KEY, key_text

_NATIVE = QKeySequence.SequenceFormat.NativeText
translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "text")
_MNEMONIC_IN_PARENS = re.compile(r"\s*\(&\w\)")  # "文件(&F)": the Chinese way to add one


@dataclass(frozen=True)
class Shortcut:
    """One row: in ``group``, doing ``action`` takes ``keys`` (as people write them)."""

    group: str
    action: str
    keys: str


def plain_text(text: str) -> str:
    """An action's or menu's text as read aloud: no mnemonics, no trailing "…"."""
    text = _MNEMONIC_IN_PARENS.sub("", text)
    text = re.sub(r"&(.)", r"\1", text)
    return text.rstrip().removesuffix("…").removesuffix("...").rstrip()


def native(sequence: QKeySequence | QKeySequence.StandardKey | str) -> str:
    """How a key sequence is written on this system, e.g. "Ctrl+Shift+M"."""
    return QKeySequence(sequence).toString(_NATIVE)


def action_group(action: QAction) -> str:
    """The title of the first menu that holds ``action``, else "General"."""
    for holder in action.associatedObjects():
        if isinstance(holder, QMenu) and holder.title():
            return plain_text(holder.title())
    return translate("ShortcutsDialog", "General")


def action_shortcuts(actions: Iterable[QAction]) -> list[Shortcut]:
    """A row for every action that has a key, in the order given."""
    rows = []
    for action in actions:
        keys = [native(sequence) for sequence in action.shortcuts() if not sequence.isEmpty()]
        if keys and action.text():
            rows.append(Shortcut(action_group(action), plain_text(action.text()),
                                 ", ".join(keys)))
    return rows


def window_keys(push_to_talk_key: str = DEFAULT_PUSH_TO_TALK_KEY) -> list[Shortcut]:
    """The keys of the main window that belong to no action (what the composer, the
    microphone, the chat list, the image viewer and the Models window handle themselves)."""
    chat = translate("ShortcutsDialog", "Chat")
    speech = translate("ShortcutsDialog", "Speech")
    chats = translate("ShortcutsDialog", "Chat list")
    viewer = translate("ShortcutsDialog", "Image viewer")
    models = translate("ShortcutsDialog", "Models window")
    general = translate("ShortcutsDialog", "General")
    rows = [
        Shortcut(chat, translate("ShortcutsDialog", "Send the message"), native("Enter")),
        Shortcut(chat, translate("ShortcutsDialog", "Start a new line"), native("Shift+Enter")),
        Shortcut(chat, translate("ShortcutsDialog", "Stop the answer"), native("Esc")),
        Shortcut(chat, translate("ShortcutsDialog", "Paste images or files as attachments"),
                 native(QKeySequence.StandardKey.Paste)),
    ]
    talk = key_text(push_to_talk_key)
    if talk:
        rows.append(Shortcut(speech, translate("ShortcutsDialog", "Talk: hold while you speak"),
                             talk))
    rows += [
        Shortcut(speech, translate("ShortcutsDialog",
                                   "Talk with the microphone button focused: hold"),
                 native("Space")),
        Shortcut(speech, translate("ShortcutsDialog", "Cancel the recording"), native("Esc")),
        Shortcut(chats, translate("ShortcutsDialog", "Rename the selected chat"), native("F2")),
        Shortcut(chats, translate("ShortcutsDialog", "Delete the selected chat"), native("Del")),
        Shortcut(chats, translate("ShortcutsDialog", "From the search box to the list"),
                 translate("ShortcutsDialog", "{down} or {enter}").format(
                     down=native("Down"), enter=native("Enter"))),
        Shortcut(chats, translate("ShortcutsDialog", "Clear the search"), native("Esc")),
        Shortcut(viewer, translate("ShortcutsDialog", "Zoom in"), native("+")),
        Shortcut(viewer, translate("ShortcutsDialog", "Zoom out"), native("-")),
        Shortcut(viewer, translate("ShortcutsDialog", "Actual size"), native("1")),
        Shortcut(viewer, translate("ShortcutsDialog", "Fit to the window"), native("0")),
        Shortcut(models, translate("ShortcutsDialog", "Delete the selected model"),
                 native("Del")),
        Shortcut(models, translate("ShortcutsDialog", "Close the window"),
                 native(QKeySequence.StandardKey.Close)),
        Shortcut(general, translate("ShortcutsDialog", "Next or previous control"),
                 translate("ShortcutsDialog", "{tab} or {backtab}").format(
                     tab=native("Tab"), backtab=native("Shift+Tab"))),
        Shortcut(general, translate("ShortcutsDialog", "Open a menu"),
                 translate("ShortcutsDialog", "{alt} and the underlined letter").format(
                     alt=native("Alt"))),
    ]
    return rows


class ShortcutsDialog(QDialog):
    """Two columns, Action and Keys, under group headings; the search box filters them."""

    def __init__(self, actions: Iterable[QAction],
                 extra: Iterable[Shortcut | tuple[str, str, str]] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.shortcuts = action_shortcuts(actions) + [
            row if isinstance(row, Shortcut) else Shortcut(*row) for row in extra]

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search shortcuts"))
        self.search.setAccessibleName(self.tr("Search shortcuts"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.tree.setHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._groups: dict[str, QTreeWidgetItem] = {}
        for row in self.shortcuts:
            group = self._groups.get(row.group)
            if group is None:
                group = QTreeWidgetItem(self.tree, [row.group])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setFirstColumnSpanned(True)
                self._groups[row.group] = group
            item = QTreeWidgetItem(group, [row.action, row.keys])
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         self.tr("{action}: {keys}").format(action=row.action, keys=row.keys))
        self.tree.expandAll()

        self.nothing = QLabel()
        self.nothing.setWordWrap(True)
        self.nothing.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.nothing)
        layout.addWidget(buttons)
        self.setMinimumSize(360, 300)
        self.resize(560, 560)
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def visible_rows(self) -> list[Shortcut]:
        """The rows the list shows now, top to bottom."""
        rows = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group.isHidden():
                continue
            for i in range(group.childCount()):
                item = group.child(i)
                if not item.isHidden():
                    rows.append(Shortcut(group.text(0), item.text(0), item.text(1)))
        return rows

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        shown = 0
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            any_shown = False
            for i in range(group.childCount()):
                item = group.child(i)
                haystack = " ".join((group.text(0), item.text(0), item.text(1))).casefold()
                match = all(word in haystack for word in words)
                item.setHidden(not match)
                any_shown |= match
                shown += match
            group.setHidden(not any_shown)
        self.nothing.setText(self.tr("No shortcut matches “{text}”.").format(text=text.strip()))
        self.nothing.setVisible(shown == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()  # the first Esc clears the search, the next one closes
                return True
            if event.key() == Qt.Key.Key_Down:
                first = next((item for item in self._items() if not item.isHidden()
                              and not item.parent().isHidden()), None)
                if first is not None:
                    self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                    self.tree.setCurrentItem(first)
                    return True
        return super().eventFilter(watched, event)

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(g).child(i)
                for g in range(self.tree.topLevelItemCount())
                for i in range(self.tree.topLevelItem(g).childCount())]


__all__ = ["Shortcut", "ShortcutsDialog", "action_group", "action_shortcuts", "native",
           "plain_text", "window_keys"]
