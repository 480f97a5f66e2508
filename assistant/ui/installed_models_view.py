"""The models on this computer: a table, disk usage, and what can be done with one."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, Signal
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
from assistant.ui.catalog_view import RoomyRowDelegate, format_parameter_count, kind_text
from assistant.ui.form_rows import set_muted, set_text_color
from assistant.ui.model_panel import display_path
from assistant.ui.notice_bar import error_color

# The English source; shown through ``InstalledModelsView.tr``.
EMPTY_TEXT = QT_TRANSLATE_NOOP("InstalledModelsView", "No models yet. Download one from the "
                               "catalog or import a file you already have.")
ROLES = ("chat", "vision", "speech")  # the roles a model can be the default for
NAME, KIND, FAMILY, PARAMETERS, QUANTIZATION, SIZE, CONTEXT, DEFAULT = range(8)
_PATH_ROLE = Qt.ItemDataRole.UserRole


def role_menu_text(role: str) -> str:
    """The "Set as default" menu's entry for ``role``."""
    if role == "vision":
        return QCoreApplication.translate("InstalledModelsView", "for questions about images")
    if role == "speech":
        return QCoreApplication.translate("InstalledModelsView", "for speech")
    return QCoreApplication.translate("InstalledModelsView", "for chat")


def default_text(roles: Collection[str]) -> str:
    """The Default column: "Default for chat and images", "Default for speech", or ""."""
    wanted = set(roles)
    sentences = []
    if {"chat", "vision"} <= wanted:
        sentences.append(QCoreApplication.translate("InstalledModelsView",
                                                    "Default for chat and images"))
        wanted -= {"chat", "vision"}
    single = {
        "chat": QCoreApplication.translate("InstalledModelsView", "Default for chat"),
        "vision": QCoreApplication.translate("InstalledModelsView", "Default for images"),
        "speech": QCoreApplication.translate("InstalledModelsView", "Default for speech"),
    }
    sentences += [single[role] for role in ROLES if role in wanted]
    return "; ".join(sentences)


def column_titles() -> list[str]:
    return [QCoreApplication.translate("InstalledModelsView", "Name"),
            QCoreApplication.translate("InstalledModelsView", "Kind"),
            QCoreApplication.translate("InstalledModelsView", "Family"),
            QCoreApplication.translate("InstalledModelsView", "Parameters"),
            QCoreApplication.translate("InstalledModelsView", "Quantization"),
            QCoreApplication.translate("InstalledModelsView", "Size"),
            QCoreApplication.translate("InstalledModelsView", "Context"),
            QCoreApplication.translate("InstalledModelsView", "Default")]


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
        return kind_text(ModelKind.SPEECH)
    return kind_text(ModelKind.VISION if model.sees_images else ModelKind.CHAT)


def eligible_roles(model: InstalledModel) -> set[str]:
    """The default roles ``model`` can take (none while it has a problem)."""
    if model.problem:
        return set()
    if model.kind is ModelKind.SPEECH:
        return {"speech"}
    return {"chat", "vision"} if model.sees_images else {"chat"}


class _RoomyHeader(QHeaderView):
    """Column titles with room either side: short titles sized to their text ran together
    ("上下文" and "默认" read as one word with a hairline between them)."""

    PADDING = 10  # px added to a title's width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsMovable(True)  # as a tree view's own header
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        return QSize(size.width() + self.PADDING, size.height())


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
        self.setAccessibleName(self.tr("Installed models"))
        self._models: dict[str, InstalledModel] = {}
        self._defaults: dict[str, str] = {}  # role → path key

        self.tree = _ModelTree(self)
        self.tree.setHeader(_RoomyHeader(self.tree))
        self.tree.setAccessibleName(self.tr("Installed models"))
        self.tree.setAccessibleDescription(self.tr("Press Delete to delete the selected model."))
        titles = column_titles()
        self.tree.setColumnCount(len(titles))
        self.tree.setHeaderLabels(titles)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegate(RoomyRowDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(titles)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.deletePressed.connect(self._delete)

        self.empty_label = QLabel(self.tr(EMPTY_TEXT), self)
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

        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.setToolTip(
            self.tr("Delete the selected model's files from this computer (Delete)"))
        self.delete_button.clicked.connect(self._delete)
        self.reveal_button = QPushButton(self.tr("Show in folder"), self)
        self.reveal_button.setToolTip(self.tr("Open the folder that holds the selected model"))
        self.reveal_button.clicked.connect(self._reveal)
        self.default_menu = QMenu(self)
        self.default_actions: dict[str, QAction] = {}
        for role in ROLES:
            action = self.default_menu.addAction(role_menu_text(role))
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, role=role: self._set_default(role))
            self.default_actions[role] = action
        self.default_button = QPushButton(self.tr("Set as default"), self)
        self.default_button.setToolTip(self.tr("Use the selected model for chat, for "
                                               "questions about images, or for speech"))
        self.default_button.setMenu(self.default_menu)
        self.import_button = QPushButton(self.tr("Import files…"), self)
        self.import_button.setToolTip(self.tr("Add .gguf models, vision projectors or Whisper "
                                              ".pt checkpoints you already have"))
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
        self.footer_label.setText(self._footer(len(models), format_bytes(disk_bytes), folder))
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

    def _footer(self, count: int, size: str, folder: str) -> str:
        """"2 models · 3.1 GB on disk in ~/models" (no folder: without "in …")."""
        if folder:
            text = (self.tr("1 model · {size} on disk in {folder}") if count == 1 else
                    self.tr("{count} models · {size} on disk in {folder}"))
        else:
            text = (self.tr("1 model · {size} on disk") if count == 1 else
                    self.tr("{count} models · {size} on disk"))
        return text.format(count=count, size=size, folder=display_path(folder) if folder else "")

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
        item.setText(DEFAULT, default_text(
            [role for role in ROLES if self._defaults.get(role) == key]))
        for column in (PARAMETERS, SIZE, CONTEXT):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
        tip = [display_path(model.path)]
        if model.projector is not None:
            tip.append(self.tr("Vision projector: {file}").format(
                file=Path(model.projector).name))
        if model.problem:
            tip.append(model.problem)
        for column in range(self.tree.columnCount()):
            item.setToolTip(column, "\n".join(tip))
        self._color_item(item, model)
        return item

    def _color_item(self, item: QTreeWidgetItem, model: InstalledModel) -> None:
        """A model with a problem is drawn in the current palette's error colour."""
        if not model.problem:
            return
        color = error_color(self.palette())  # (the tree's own is not updated yet)
        for column in range(self.tree.columnCount()):
            item.setForeground(column, color)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # e.g. a switch to the dark theme
            for key, model in self._models.items():
                item = self._find(key)
                if item is not None:
                    self._color_item(item, model)
            self._selection_changed()
        super().changeEvent(event)

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
        if model is None:
            self.details_label.hide()
            return
        self.details_label.setText(model.problem or display_path(model.path))
        set_text_color(self.details_label,
                       error_color(self.palette()) if model.problem else None)
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


__all__ = ["EMPTY_TEXT", "ROLES", "InstalledModelsView", "column_titles", "default_text",
           "eligible_roles", "format_context", "kind_label", "role_menu_text"]
