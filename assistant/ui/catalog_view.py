"""The catalog of recommended models: filter, search, whether each fits, and Download."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.models.catalog import CatalogEntry, ModelKind
from assistant.models.gguf_inspect import format_bytes
from assistant.models.machine_fit import Fit, FitVerdict
from assistant.ui.form_rows import set_muted
from assistant.ui.notice_bar import error_color, is_dark

_FIT_COLORS: dict[Fit, tuple[str, str]] = {  # (on light, on dark)
    Fit.GOOD: ("#1e8e3e", "#81c995"),
    Fit.TIGHT: ("#a15c00", "#fdd663"),
}

NAME, KIND, PARAMETERS, QUANTIZATION, SIZE, LICENCE, FIT, ACTION = range(8)
_ID_ROLE = Qt.ItemDataRole.UserRole


def kind_text(kind: ModelKind) -> str:
    """What a kind of model is called in lists: "Chat", "Sees images", "Speech"."""
    if kind is ModelKind.VISION:
        return QCoreApplication.translate("CatalogView", "Sees images")
    if kind is ModelKind.SPEECH:
        return QCoreApplication.translate("CatalogView", "Speech")
    return QCoreApplication.translate("CatalogView", "Chat")


def filter_choices() -> list[tuple[str, ModelKind | None]]:
    """The catalog's filters: label → the kind it shows (None: every kind)."""
    return [(QCoreApplication.translate("CatalogView", "All"), None)] + [
        (kind_text(kind), kind) for kind in (ModelKind.CHAT, ModelKind.VISION, ModelKind.SPEECH)]


def fit_text(fit: Fit) -> str:
    """The fit badge: "✓ Fits", "! Tight" or "✕ Too big"."""
    if fit is Fit.GOOD:
        return QCoreApplication.translate("CatalogView", "✓ Fits")
    if fit is Fit.TIGHT:
        return QCoreApplication.translate("CatalogView", "! Tight")
    return QCoreApplication.translate("CatalogView", "✕ Too big")


def column_titles() -> list[str]:
    """Short headers keep the names readable in a narrow window (``column_tips`` in full)."""
    return [QCoreApplication.translate("CatalogView", "Name"),
            QCoreApplication.translate("CatalogView", "Kind"),
            QCoreApplication.translate("CatalogView", "Params"),
            QCoreApplication.translate("CatalogView", "Quant."),
            QCoreApplication.translate("CatalogView", "Size"),
            QCoreApplication.translate("CatalogView", "Licence"),
            QCoreApplication.translate("CatalogView", "Fits"),
            ""]


def column_tips() -> dict[int, str]:
    """Column → the header's tooltip, for the shortened headers."""
    return {
        PARAMETERS: QCoreApplication.translate("CatalogView", "Parameters"),
        QUANTIZATION: QCoreApplication.translate("CatalogView",
                                                 "Quantization (how the weights are stored)"),
        SIZE: QCoreApplication.translate("CatalogView", "Download size"),
        FIT: QCoreApplication.translate("CatalogView", "Whether it fits this machine's memory"),
        ACTION: QCoreApplication.translate("CatalogView", "Download"),
    }


def format_parameter_count(count: int | None) -> str:
    """"3B", "1.5B", "256M"; "" when unknown."""
    if not count or count <= 0:
        return ""
    if count >= 1_000_000_000:
        value = count / 1e9
        text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
        return text.removesuffix(".0") + "B"
    if count >= 1_000_000:
        return f"{round(count / 1e6)}M"
    return f"{round(count / 1e3)}K" if count >= 1000 else str(count)


def fit_color(fit: Fit, palette: QPalette) -> QColor:
    """A readable colour for ``fit``'s badge text on ``palette``'s background."""
    if fit is Fit.TOO_BIG:
        return error_color(palette)
    light, dark = _FIT_COLORS[fit]
    return QColor(dark if is_dark(palette) else light)


def entry_details(entry: CatalogEntry) -> str:
    """One line: "3B parameters · Q4_K_M · 2.1 GB download · Apache 2.0"."""
    count = format_parameter_count(entry.parameters)
    parts = [QCoreApplication.translate("CatalogView", "{count} parameters").format(count=count)
             if count else "",
             entry.quantization,
             QCoreApplication.translate("CatalogView", "{size} download").format(
                 size=format_bytes(entry.download_bytes)),
             entry.license]
    return " · ".join(p for p in parts if p)


def _languages(entry: CatalogEntry) -> str:
    """What a speech model understands, as a sentence ("" for other kinds)."""
    if entry.kind is not ModelKind.SPEECH:
        return ""
    if entry.languages == ("en",):
        return QCoreApplication.translate("CatalogView", "English only.")
    if not entry.languages:
        return QCoreApplication.translate("CatalogView", "Many languages.")
    return QCoreApplication.translate("CatalogView", "Languages: {codes}.").format(
        codes=", ".join(entry.languages))


class RoomyRowDelegate(QStyledItemDelegate):
    """Rows a little taller than the font, so a table of models is easy to read."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + 8)


class _CatalogTree(QTreeWidget):
    """The list; Enter on a row presses its Download button."""

    activatedEntry = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.activatedEntry.emit(str(item.data(NAME, _ID_ROLE)))
            return
        super().keyPressEvent(event)


class CatalogView(QWidget):
    """A view of catalog entries; ``downloadRequested`` carries the entry id."""

    downloadRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Model catalog"))
        self._entries: dict[str, CatalogEntry] = {}
        self._verdicts: dict[str, FitVerdict] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._buttons: dict[str, QPushButton] = {}

        self.machine_label = QLabel(self)
        self.machine_label.setTextFormat(Qt.TextFormat.PlainText)
        self.machine_label.setWordWrap(True)
        self.machine_label.hide()

        self.filter_combo = QComboBox(self)
        self.filter_combo.setAccessibleName(self.tr("Show"))
        self.filter_combo.setAccessibleDescription(self.tr("Which kinds of model the list shows"))
        for label, kind in filter_choices():
            self.filter_combo.addItem(label, kind.value if kind is not None else "")
        self.filter_combo.currentIndexChanged.connect(self._apply_filter)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("Search models"))
        self.search_box.setAccessibleName(self.tr("Search models"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._apply_filter)
        show_label = QLabel(self.tr("&Show:"), self)
        show_label.setBuddy(self.filter_combo)

        self.tree = _CatalogTree(self)
        self.tree.setAccessibleName(self.tr("Catalog models"))
        self.tree.setAccessibleDescription(self.tr("Press Enter to download the current model."))
        titles = column_titles()
        self.tree.setColumnCount(len(titles))
        self.tree.setHeaderLabels(titles)
        for column, tip in column_tips().items():
            self.tree.headerItem().setToolTip(column, tip)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        for column in range(len(titles)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LICENCE, QHeaderView.ResizeMode.Interactive)
        self.tree.setItemDelegate(RoomyRowDelegate(self.tree))
        self.tree.activatedEntry.connect(self._press)
        self.tree.currentItemChanged.connect(self._show_details)

        self.empty_label = QLabel(self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        set_muted(self.empty_label)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

        self.details_label = QLabel(self)  # the current row's fit sentence and notes
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        controls = QHBoxLayout()
        controls.addWidget(show_label)
        controls.addWidget(self.filter_combo)
        controls.addWidget(self.search_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.machine_label)
        layout.addLayout(controls)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.details_label)
        self.tree.installEventFilter(self)
        self.tree.viewport().installEventFilter(self)
        self._show_details()

    # -- public API ---------------------------------------------------------------------

    def set_machine_summary(self, text: str) -> None:
        """E.g. "This machine: 16 GB memory · no GPU · 120 GB free"."""
        self.machine_label.setText(text)
        self.machine_label.setVisible(bool(text))

    def set_entries(
        self,
        entries: Sequence[CatalogEntry],
        verdicts: Mapping[str, FitVerdict],
        installed_ids: set[str],
        downloading_ids: set[str],
    ) -> None:
        """Show ``entries`` in order; rows already shown are updated in place."""
        ids = [entry.id for entry in entries]
        current = self.current_entry_id()
        self._verdicts = dict(verdicts)
        if ids != list(self._items):
            self._rebuild(entries)
        self._entries = {entry.id: entry for entry in entries}
        for entry in entries:
            self._fill(entry, entry.id in installed_ids, entry.id in downloading_ids)
        if current in self._items:
            self.tree.setCurrentItem(self._items[current])
        self._fit_licence_column()
        self._apply_filter()

    def entry_ids(self, visible_only: bool = True) -> list[str]:
        """Ids of the rows, top to bottom (those the filter and search leave by default)."""
        return [entry_id for entry_id, item in self._items.items()
                if not (visible_only and item.isHidden())]

    def button(self, entry_id: str) -> QPushButton:
        return self._buttons[entry_id]

    def item(self, entry_id: str) -> QTreeWidgetItem:
        return self._items[entry_id]

    def current_entry_id(self) -> str | None:
        item = self.tree.currentItem()
        return str(item.data(NAME, _ID_ROLE)) if item is not None else None

    def set_filter(self, kind: ModelKind | None) -> None:
        self.filter_combo.setCurrentIndex(
            self.filter_combo.findData(kind.value if kind is not None else ""))

    # -- drawing ------------------------------------------------------------------------

    def _rebuild(self, entries: Sequence[CatalogEntry]) -> None:
        self.tree.clear()
        self._items.clear()
        self._buttons.clear()
        for entry in entries:
            item = QTreeWidgetItem(self.tree)
            item.setData(NAME, _ID_ROLE, entry.id)
            for column in (PARAMETERS, SIZE):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter on the row presses it
            button.clicked.connect(lambda _=False, entry_id=entry.id: self._press(entry_id))
            holder = QWidget()
            holder_layout = QHBoxLayout(holder)
            holder_layout.setContentsMargins(4, 1, 4, 1)
            holder_layout.addWidget(button)
            self.tree.setItemWidget(item, ACTION, holder)
            self._items[entry.id] = item
            self._buttons[entry.id] = button

    def _fill(self, entry: CatalogEntry, installed: bool, downloading: bool) -> None:
        item = self._items[entry.id]
        verdict = self._verdicts.get(entry.id)
        item.setText(NAME, entry.name)
        item.setText(KIND, kind_text(entry.kind))
        item.setText(PARAMETERS, format_parameter_count(entry.parameters))
        item.setText(QUANTIZATION, entry.quantization)
        item.setText(SIZE, format_bytes(entry.download_bytes))
        item.setText(LICENCE, entry.license)
        item.setToolTip(LICENCE, entry.license)
        tip = "\n".join(p for p in (entry.name, entry.family, _languages(entry), entry.notes)
                        if p)
        item.setToolTip(NAME, tip)
        size = format_bytes(entry.download_bytes)
        exact = all(f.size_exact for f in entry.files)
        item.setToolTip(SIZE, (self.tr("{size} to download") if exact else
                               self.tr("about {size} to download")).format(size=size))
        if verdict is None:
            item.setText(FIT, "?")
            item.setToolTip(FIT, self.tr("Whether it fits this machine is not known yet."))
            item.setData(FIT, Qt.ItemDataRole.ForegroundRole, None)
        else:
            item.setText(FIT, fit_text(verdict.fit))
            item.setToolTip(FIT, verdict.sentence)
            item.setForeground(FIT, fit_color(verdict.fit, self.tree.palette()))
        button = self._buttons[entry.id]
        too_big = verdict is not None and verdict.fit is Fit.TOO_BIG
        if installed:
            text, enabled = self.tr("Installed"), False
            accessible = self.tr("{name}: installed")
        elif downloading:
            text, enabled = self.tr("Downloading…"), False
            accessible = self.tr("{name}: downloading")
        elif too_big:
            text, enabled = self.tr("Download anyway"), True
            accessible = self.tr("Download {name} anyway")
        else:
            text, enabled = self.tr("Download"), True
            accessible = self.tr("Download {name}")
        button.setText(text)
        button.setEnabled(enabled)
        button.setAccessibleName(accessible.format(name=entry.name))
        button.setToolTip(verdict.sentence if verdict is not None and enabled else "")

    def _apply_filter(self) -> None:
        data = self.filter_combo.currentData()
        kind = ModelKind(data) if data else None
        words = self.search_box.text().casefold().split()
        shown = 0
        for entry_id, item in self._items.items():
            entry = self._entries[entry_id]
            haystack = " ".join((entry.name, entry.family, entry.quantization, entry.license,
                                 kind_text(entry.kind), entry.id)).casefold()
            visible = (kind is None or entry.kind is kind) and all(w in haystack for w in words)
            item.setHidden(not visible)
            shown += visible
        if shown == 0 and self._items:
            self.empty_label.setText(
                self.tr("No model in the catalog matches “{search}”.").format(
                    search=self.search_box.text().strip()) if words
                else self.tr("No model in the catalog matches this filter."))
        elif not self._items:
            self.empty_label.setText(self.tr("The catalog is empty."))
        self.empty_label.setVisible(shown == 0)
        current = self.tree.currentItem()
        if current is None or current.isHidden():
            first = next((i for i in self._items.values() if not i.isHidden()), None)
            self.tree.setCurrentItem(first)
        self._show_details()

    def _show_details(self, *_args: object) -> None:
        entry_id = self.current_entry_id()
        entry = self._entries.get(entry_id) if entry_id is not None else None
        item = self.tree.currentItem()
        if entry is None or item is None or item.isHidden():
            self.details_label.clear()
            self.details_label.hide()
            return
        verdict = self._verdicts.get(entry.id)
        parts = [f"{entry.name}: {entry_details(entry)}."]
        if verdict is not None:
            parts.append(verdict.sentence)
        if _languages(entry):
            parts.append(_languages(entry))
        if entry.notes:
            parts.append(entry.notes)
        self.details_label.setText(" ".join(parts))
        self.details_label.show()

    def _press(self, entry_id: str) -> None:
        button = self._buttons.get(entry_id)
        if button is not None and button.isEnabled():
            self.downloadRequested.emit(entry_id)

    def _fit_licence_column(self) -> None:
        """The licence gets what it needs, but at most a sixth of the width (elided, the
        whole text in its tooltip), so names stay readable in a narrow window."""
        metrics = self.tree.fontMetrics()
        needed = max([metrics.horizontalAdvance(self.tree.headerItem().text(LICENCE))]
                     + [metrics.horizontalAdvance(e.license) for e in self._entries.values()])
        limit = max(metrics.horizontalAdvance("Apache-2.0 ") + 16,
                    self.tree.viewport().width() // 6)
        self.tree.header().resizeSection(LICENCE, min(needed + 16, limit))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_licence_column()
        if watched is self.tree and event.type() == QEvent.Type.PaletteChange:
            for entry_id, entry in self._entries.items():
                verdict = self._verdicts.get(entry_id)
                if verdict is not None:
                    self._items[entry.id].setForeground(
                        FIT, fit_color(verdict.fit, self.tree.palette()))
        return super().eventFilter(watched, event)


__all__ = ["CatalogView", "RoomyRowDelegate", "column_tips", "column_titles", "entry_details",
           "filter_choices", "fit_color", "fit_text", "format_parameter_count", "kind_text"]
