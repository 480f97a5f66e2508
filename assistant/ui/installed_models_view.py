"""The models on this computer: a table, disk usage, and what can be done with one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.models.catalog import ModelKind
from assistant.models.gguf_inspect import format_bytes
from assistant.models.inventory import InstalledModel
from assistant.ui.catalog_view import KIND_LABELS, RoomyRowDelegate, format_parameter_count
from assistant.ui.download_row import set_muted
from assistant.ui.model_panel import display_path
from assistant.ui.notice_bar import error_color

EMPTY_TEXT = ("No models yet. Download one from the catalog or import a file you already "
              "have.")
# Default role → (menu text, short name in the Default column).
ROLES: dict[str, tuple[str, str]] = {
    "chat": ("for chat", "chat"),
    "vision": ("for questions about images", "images"),
    "speech": ("for speech", "speech"),
}
COLUMNS = ("Name", "Kind", "Family", "Parameters", "Quantization", "Size", "Context",
           "Default")
NAME, KIND, FAMILY, PARAMETERS, QUANTIZATION, SIZE, CONTEXT, DEFAULT = range(len(COLUMNS))
_PATH_ROLE = Qt.ItemDataRole.UserRole


def _key(path: str | Path) -> str:
    return str(Path(path))


def format_context(tokens: int | None) -> str:
    """"32k", "4k", "2048"; "" when unknown."""
    if not tokens:
        return ""
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}k"
    return f"{round(tokens / 1000)}k" if tokens >= 10_000 else str(tokens)


def kind_label(model: InstalledModel) -> str:
    if model.kind is ModelKind.SPEECH:
        return KIND_LABELS[ModelKind.SPEECH]
    return KIND_LABELS[ModelKind.VISION if model.sees_images else ModelKind.CHAT]


def eligible_roles(model: InstalledModel) -> set[str]:
    """The default roles ``model`` can take (none while it has a problem)."""
    if model.problem:
        return set()
    if model.kind is ModelKind.SPEECH:
        return {"speech"}
    return {"chat", "vision"} if model.sees_images else {"chat"}


class _ModelTree(QTreeWidget):
    """The table; Delete (or Backspace) on a row asks to delete it."""

    deletePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.deletePressed.emit()
            return
        super().keyPressEvent(event)


class InstalledModelsView(QWidget):
    """A pure view of the installed models; the signals carry the model's path."""

    deleteRequested = Signal(str)
    revealRequested = Signal(str)
    defaultRequested = Signal(str, str)  # path, role ("chat", "vision", "speech")
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Installed models")
        self._models: dict[str, InstalledModel] = {}
        self._defaults: dict[str, str] = {}  # role → path key

        self.tree = _ModelTree(self)
        self.tree.setAccessibleName("Installed models")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegate(RoomyRowDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.deletePressed.connect(self._delete)

        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setWordWrap(True)
        set_muted(self.empty_label)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                       QSizePolicy.Policy.Expanding)

        self.details_label = QLabel(self)  # the selected model's path, or its problem
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.footer_label = QLabel(self)
        self.footer_label.setTextFormat(Qt.TextFormat.PlainText)
        set_muted(self.footer_label)

        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setToolTip("Delete the selected model's files from this computer")
        self.delete_button.clicked.connect(self._delete)
        self.reveal_button = QPushButton("Show in folder", self)
        self.reveal_button.clicked.connect(self._reveal)
        self.default_menu = QMenu(self)
        self.default_actions: dict[str, QAction] = {}
        for role, (text, _short) in ROLES.items():
            action = self.default_menu.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, role=role: self._set_default(role))
            self.default_actions[role] = action
        self.default_button = QPushButton("Set as default", self)
        self.default_button.setMenu(self.default_menu)
        self.import_button = QPushButton("Import files…", self)
        self.import_button.setToolTip("Add .gguf models, vision projectors or Whisper .pt "
                                      "checkpoints you already have")
        self.import_button.clicked.connect(self.importRequested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.reveal_button)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.details_label)
        layout.addLayout(buttons)
        layout.addWidget(self.footer_label)
        self.set_models([], {}, 0, "")

    # -- public API ---------------------------------------------------------------------

    def set_models(
        self,
        models: Sequence[InstalledModel],
        defaults: Mapping[str, str],
        disk_bytes: int,
        folder: str,
    ) -> None:
        """Show ``models`` (the selection is kept by path), the defaults (role → path) and
        the disk usage of ``folder``."""
        selected = self.selected_path()
        self._models = {_key(m.path): m for m in models}
        self._defaults = {role: _key(path) for role, path in defaults.items() if path}
        self.tree.clear()
        for model in models:
            self.tree.addTopLevelItem(self._item(model))
        if selected is not None and _key(selected) in self._models:
            self.tree.setCurrentItem(self._find(_key(selected)))
        empty = not models
        self.tree.setVisible(not empty)
        self.empty_label.setVisible(empty)
        count = f"{len(models)} model" + ("" if len(models) == 1 else "s")
        where = f" in {display_path(folder)}" if folder else ""
        self.footer_label.setText(f"{count} · {format_bytes(disk_bytes)} on disk{where}")
        self._selection_changed()

    def selected_path(self) -> str | None:
        """The selected row's model (not merely the row with the keyboard focus frame)."""
        items = self.tree.selectedItems()
        return str(items[0].data(NAME, _PATH_ROLE)) if items else None

    def select(self, path: str | Path) -> None:
        item = self._find(_key(path))
        if item is not None:
            self.tree.setCurrentItem(item)

    def item(self, path: str | Path) -> QTreeWidgetItem | None:
        return self._find(_key(path))

    # -- drawing ------------------------------------------------------------------------

    def _item(self, model: InstalledModel) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        key = _key(model.path)
        item.setData(NAME, _PATH_ROLE, key)
        item.setText(NAME, model.name)
        item.setText(KIND, kind_label(model))
        item.setText(FAMILY, model.family)
        item.setText(PARAMETERS, format_parameter_count(model.parameter_count))
        item.setText(QUANTIZATION, model.quantization)
        item.setText(SIZE, format_bytes(model.size_bytes))
        item.setText(CONTEXT, format_context(model.context_length))
        roles = [short for role, (_text, short) in ROLES.items()
                 if self._defaults.get(role) == key]
        item.setText(DEFAULT, "Default for " + " and ".join(roles) if roles else "")
        for column in (PARAMETERS, SIZE, CONTEXT):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
        tip = [display_path(model.path)]
        if model.projector is not None:
            tip.append(f"Vision projector: {Path(model.projector).name}")
        if model.problem:
            tip.append(model.problem)
            color = error_color(self.tree.palette())
            for column in range(len(COLUMNS)):
                item.setForeground(column, color)
        for column in range(len(COLUMNS)):
            item.setToolTip(column, "\n".join(tip))
        return item

    def _find(self, key: str) -> QTreeWidgetItem | None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.data(NAME, _PATH_ROLE) == key:
                return item
        return None

    def _selected_model(self) -> InstalledModel | None:
        path = self.selected_path()
        return self._models.get(path) if path is not None else None

    def _selection_changed(self, *_args: object) -> None:
        model = self._selected_model()
        self.delete_button.setEnabled(model is not None)
        self.reveal_button.setEnabled(model is not None)
        eligible = eligible_roles(model) if model is not None else set()
        key = _key(model.path) if model is not None else None
        for role, action in self.default_actions.items():
            already = key is not None and self._defaults.get(role) == key
            action.setChecked(already)
            action.setEnabled(role in eligible and not already)
        self.default_button.setEnabled(model is not None and bool(eligible))
        palette = self.palette()
        if model is None:
            self.details_label.hide()
            return
        if model.problem:
            palette.setColor(self.details_label.foregroundRole(), error_color(palette))
            self.details_label.setText(model.problem)
        else:
            self.details_label.setText(display_path(model.path))
        self.details_label.setPalette(palette)
        self.details_label.show()

    # -- actions ------------------------------------------------------------------------

    def _delete(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.deleteRequested.emit(path)

    def _reveal(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.revealRequested.emit(path)

    def _set_default(self, role: str) -> None:
        path = self.selected_path()
        if path is not None and self.default_actions[role].isEnabled():
            self.defaultRequested.emit(path, role)


__all__ = ["EMPTY_TEXT", "ROLES", "InstalledModelsView", "eligible_roles", "format_context",
           "kind_label"]
