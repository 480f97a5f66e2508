"""The compact model bar above the chat: pick a local GGUF file, see what it is, load it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from assistant.ui.notice_bar import error_color, is_dark

_LOADED_LIGHT = "#1e8e3e"
_LOADED_DARK = "#81c995"


class ModelInfoLike(Protocol):
    """What the panel reads from a GGUF header description (``GGUFInfo``)."""

    @property
    def path(self) -> str: ...
    @property
    def file_size(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def architecture(self) -> str: ...
    @property
    def quantization(self) -> str: ...
    @property
    def context_length(self) -> int | None: ...
    @property
    def parameter_count(self) -> int: ...
    @property
    def chat_template(self) -> str | None: ...
    @property
    def is_projector(self) -> bool: ...
    def summary(self) -> str: ...


def _key(path: str | Path) -> str:
    return str(Path(path))


def display_path(path: str | Path) -> str:
    """``path`` with the home folder shown as ``~``."""
    p = Path(path)
    try:
        return str(Path("~") / p.relative_to(Path.home()))
    except ValueError:
        return str(p)


def loaded_color(palette: QPalette) -> QColor:
    """The green of "a model is loaded", readable on ``palette``'s window background."""
    return QColor(_LOADED_DARK if is_dark(palette) else _LOADED_LIGHT)


def format_parameters(count: int) -> str:
    """"270M parameters", "7.2B parameters"."""
    if count >= 1_000_000_000:
        return QCoreApplication.translate("ModelPanel", "{billions}B parameters").format(
            billions=f"{count / 1e9:.1f}")
    if count >= 1_000_000:
        return QCoreApplication.translate("ModelPanel", "{millions}M parameters").format(
            millions=f"{count / 1e6:.0f}")
    return QCoreApplication.translate("ModelPanel", "{count} parameters").format(
        count=f"{count:,}")


class _ElidedLabel(QLabel):
    """A one-line plain-text label that elides to its width; the full text is its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._extra_tip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str, tooltip: str = "") -> None:
        self._full = text
        self._extra_tip = tooltip
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)
        tips = [self._full] if shown != self._full else []
        self.setToolTip("\n".join([*tips, self._extra_tip] if self._extra_tip else tips))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 4, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


class ModelPanel(QWidget):
    """Emits what the person picks; the main window inspects, loads, and reports back.

    ``modelSelected`` is emitted whenever the selected model changes (by the person, by
    ``set_available_models`` or by "Open…"), so the window can inspect it in the background
    and answer with ``show_model_info`` or ``show_model_error``. Its colours (the loaded
    dot, an error in red) are set again when the palette changes, so they follow the theme.
    """

    modelSelected = Signal(str)
    fileChosen = Signal(str)
    loadRequested = Signal(str)
    projectorChosen = Signal(str, str)  # model path, the mmproj file picked for it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._folder: str | None = None
        self._selected: str | None = None
        self._rebuilding = False
        self._loading = False
        self._infos: dict[str, ModelInfoLike] = {}
        self._errors: dict[str, str] = {}
        self._vision: dict[str, str] = {}  # model key → "sees images (…)"

        self.combo = QComboBox(self)
        self.combo.setAccessibleName(self.tr("Model"))
        self.combo.setAccessibleDescription(self.tr("The model Mosaic answers with; Load "
                                                    "loads the one chosen here."))
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.currentIndexChanged.connect(self._on_index_changed)
        self.combo.installEventFilter(self)  # its resizes fit the empty-state text again

        open_key = QKeySequence(QKeySequence.StandardKey.Open).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.open_button = QPushButton(self.tr("Open…"), self)
        self.open_button.setToolTip(self.tr(
            "Choose a .gguf model file anywhere on this computer ({shortcut})").format(
                shortcut=open_key))
        self.open_button.clicked.connect(self._open_file)
        self.vision_button = QPushButton(self.tr("Vision…"), self)
        self.vision_button.setToolTip(self.tr("Choose the vision projector (mmproj file) that "
                                              "lets this model see images"))
        self.vision_button.setAccessibleName(self.tr("Choose vision projector"))
        self.vision_button.clicked.connect(self._choose_projector)
        self.load_button = QPushButton(self.tr("Load"), self)
        self.load_button.setToolTip(self.tr("Load the selected model"))
        self.load_button.clicked.connect(self._request_load)

        # What the selected model is (one line), or why it cannot be used (wrapped).
        self._details = _ElidedLabel(self)
        self._details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._details.setMinimumWidth(60)
        self._note = QLabel(self)
        self._note.setWordWrap(True)
        self._note.setTextFormat(Qt.TextFormat.PlainText)
        self._note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

        self._dot = QLabel("●", self)
        self._dot.setAccessibleName(self.tr("Model loaded"))
        self._status = _ElidedLabel(self)
        self._status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._status.setMinimumWidth(80)
        self._status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(self.tr("Loading progress"))
        self.progress_bar.setFixedWidth(140)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() + 6)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.combo, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.vision_button)
        top.addWidget(self.load_button)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        bottom.addWidget(self._details, 1, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self._note, 1, Qt.AlignmentFlag.AlignTop)
        bottom.addSpacing(6)
        bottom.addWidget(self._dot, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self._status, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.progress_bar, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.set_unloaded()
        self._refresh()

    # -- choosing -----------------------------------------------------------------------

    def set_models_folder(self, path: str | Path) -> None:
        """The folder Mosaic looks in, named in the empty state."""
        self._folder = display_path(path)
        self._refresh()

    def set_available_models(self, paths: Sequence[str | Path], current: str | None) -> None:
        """List ``paths`` (plus ``current`` when it lies elsewhere) and select ``current``."""
        keys = list(dict.fromkeys(_key(p) for p in paths))
        if current is not None and _key(current) not in keys:
            keys.insert(0, _key(current))
        self._rebuilding = True
        try:
            self.combo.clear()
            for key in keys:
                self._add_item(key)
            wanted = keys.index(_key(current)) if current is not None else 0
            self.combo.setCurrentIndex(wanted if keys else -1)
        finally:
            self._rebuilding = False
        self._on_index_changed()

    def current_path(self) -> str | None:
        return self._selected

    def choose_file(self) -> str | None:
        """Ask for a GGUF file; None when the person cancels."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a GGUF model"), self._start_folder(),
            self.tr("GGUF models (*.gguf);;All files (*)"))
        return path or None

    def choose_projector_file(self) -> str | None:
        """Ask for an mmproj GGUF file; None when the person cancels."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the vision projector (mmproj) for this model"),
            self._start_folder(),
            self.tr("Vision projectors (*mmproj*.gguf);;GGUF files (*.gguf);;All files (*)"))
        return path or None

    def _choose_projector(self) -> None:
        if self._selected is None:
            return
        path = self.choose_projector_file()
        if path:
            self.projectorChosen.emit(self._selected, path)

    def set_vision(self, path: str | Path, description: str) -> None:
        """Mark a model that can see images ("sees images (…)"), or unmark it with ""."""
        key = _key(path)
        if description:
            self._vision[key] = description
        else:
            self._vision.pop(key, None)
        index = self.combo.findData(key)
        if index >= 0:
            self.combo.setItemText(index, self._item_text(key))
        if key == self._selected:
            self._refresh()

    def sees_images(self, path: str | Path) -> bool:
        return _key(path) in self._vision

    def _item_text(self, key: str) -> str:
        name = Path(key).name
        return self.tr("{model}  · sees images").format(model=name) if key in self._vision \
            else name

    def _start_folder(self) -> str:
        if self._selected:
            return str(Path(self._selected).parent)
        return str(Path(self._folder).expanduser()) if self._folder else str(Path.home())

    def _add_item(self, key: str) -> int:
        self.combo.addItem(self._item_text(key), key)
        index = self.combo.count() - 1
        self.combo.setItemData(index, display_path(key), Qt.ItemDataRole.ToolTipRole)
        return index

    def _open_file(self) -> None:
        path = self.choose_file()
        if not path:
            return
        self.fileChosen.emit(path)
        if self._selected == _key(path):  # the window already listed and selected it
            return
        index = self.combo.findData(_key(path))
        self.combo.setCurrentIndex(index if index >= 0 else self._add_item(_key(path)))

    def _on_index_changed(self, _index: int = -1) -> None:
        if self._rebuilding:
            return
        data = self.combo.currentData()
        path = str(data) if data is not None else None
        if path == self._selected:
            self._refresh()
            return
        self._selected = path
        self._refresh()
        if path is not None:
            self.modelSelected.emit(path)

    def _request_load(self) -> None:
        if self._selected is not None and self.load_button.isEnabled():
            self.loadRequested.emit(self._selected)

    # -- what the window reports --------------------------------------------------------

    def show_model_info(self, info: ModelInfoLike) -> None:
        """Describe a model whose header was read (ignored if another one is selected now)."""
        key = _key(info.path)
        self._infos[key] = info
        self._errors.pop(key, None)
        if key == self._selected:
            self._refresh()

    def show_model_error(self, path: str | Path, sentence: str) -> None:
        """Say why a model cannot be used; it cannot be loaded until it inspects cleanly."""
        key = _key(path)
        self._errors[key] = sentence
        self._infos.pop(key, None)
        if key == self._selected:
            self._refresh()

    def set_loading(self, fraction: float | None) -> None:
        """Show loading progress (0..1), or a busy bar when the fraction is unknown."""
        self._loading = True
        if fraction is None:
            self.progress_bar.setRange(0, 0)
        else:
            self.progress_bar.setRange(0, 100)
            self.progress_bar.setValue(round(min(max(fraction, 0.0), 1.0) * 100))
        self.progress_bar.setFormat("%p%")
        self.progress_bar.show()
        self._dot.hide()
        self._set_status(self.tr("Loading model…"), dim=True)
        self._refresh()

    def set_loaded(self, name: str, detail: str) -> None:
        """Show the active model, e.g. ("gemma-3-270m", "4096 ctx · 2 threads · CPU")."""
        self._loading = False
        self.progress_bar.hide()
        self._color_dot()
        self._dot.show()
        #: The active model's name, then its setup ("4096 ctx · 2 threads · CPU").
        self._set_status(self.tr("{model} — {detail}").format(model=name, detail=detail)
                         if detail else name, dim=False)
        self._status.setAccessibleName(self.tr("Active model: {status}").format(
            status=self._status.full_text()))
        self._refresh()

    def set_unloaded(self) -> None:
        self._loading = False
        self.progress_bar.hide()
        self._dot.hide()
        self._set_status(self.tr("No model loaded"), dim=True)
        self._refresh()

    def status_text(self) -> str:
        """The active-model line as shown (without elision)."""
        prefix = "● " if self._dot.isVisibleTo(self) else ""
        return prefix + self._status.full_text()

    def details_text(self) -> str:
        """The description, error or hint shown under the model list (without elision)."""
        return self._note.text() if self._note.isVisibleTo(self) else self._details.full_text()

    def is_loading(self) -> bool:
        return self._loading

    # -- drawing ------------------------------------------------------------------------

    def _set_status(self, text: str, dim: bool) -> None:
        self._status.setEnabled(not dim)  # a disabled label draws in the muted colour
        self._status.set_full_text(text)

    def _set_details(self, text: str, tooltip: str = "", dim: bool = False) -> None:
        """One line about the selected model, elided when narrow (full text in the tooltip)."""
        self._note.hide()
        self._details.setEnabled(not dim)
        self._details.set_full_text(text, tooltip)
        self._details.show()

    def _color_dot(self) -> None:
        palette = QPalette(self._dot.palette())
        palette.setColor(QPalette.ColorRole.WindowText, loaded_color(self.palette()))
        self._dot.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_dot()  # light and dark themes have their own green and red
            self._refresh()

    def _set_note(self, text: str, error: bool) -> None:
        """A sentence that must be read in full: an error (red) or the empty-state hint."""
        if error:
            palette = QPalette(self._note.palette())
            palette.setColor(QPalette.ColorRole.WindowText, error_color(self.palette()))
        else:
            palette = QPalette()  # inherits the theme's colours
        self._note.setPalette(palette)
        self._note.setEnabled(error)  # the hint draws in the muted colour
        self._note.setText(text)
        self._note.setAccessibleName(text)
        self._details.hide()
        self._note.show()

    def empty_text(self) -> str:
        """What the empty model list says, in full: "No models in ~/…/models"."""
        if self._folder:
            return self.tr("No models in {folder}").format(folder=self._folder)
        return self.tr("No models in the models folder")

    def _fit_empty_text(self) -> None:
        """Show :meth:`empty_text` in the empty list, its folder elided in the middle when the
        list is too narrow ("No models in /Users/…/Mosaic/models"); in full in the tooltip."""
        full = self.empty_text()
        shown = full
        if self._folder:
            option = QStyleOptionComboBox()
            self.combo.initStyleOption(option)
            field = self.combo.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, option,
                QStyle.SubControl.SC_ComboBoxEditField, self.combo)
            metrics = self.combo.fontMetrics()
            if metrics.horizontalAdvance(full) > field.width():
                words = self.tr("No models in {folder}").format(folder="")
                room = field.width() - metrics.horizontalAdvance(words)
                folder = metrics.elidedText(self._folder, Qt.TextElideMode.ElideMiddle,
                                            max(room, 0))
                shown = self.tr("No models in {folder}").format(folder=folder)
        if self.combo.placeholderText() != shown:
            self.combo.setPlaceholderText(shown)
        self.combo.setToolTip(full if self.combo.count() == 0 else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.combo and event.type() == QEvent.Type.Resize:
            self._fit_empty_text()
        return super().eventFilter(watched, event)

    def _refresh(self) -> None:
        empty = self.combo.count() == 0
        self._fit_empty_text()
        self.combo.setEnabled(not empty)
        key = self._selected
        usable = key is not None and not self._loading
        if empty:
            self._set_note(self.tr("Click Open… to choose a .gguf model file, or put one in "
                                   "the models folder."), error=False)
        elif key in self._errors:
            self._set_note(self._errors[key], error=True)
            usable = False
        elif key in self._infos:
            info = self._infos[key]
            if info.is_projector:
                self._set_note(self.tr("{summary}: not a chat model; choose the model file "
                                       "this projector belongs to.").format(
                                           summary=info.summary()), error=True)
                usable = False
            else:
                vision = self._vision.get(key)
                summary = info.summary()  # in the interface language
                if vision:
                    summary = self.tr("{summary} · {vision}").format(summary=summary,
                                                                     vision=vision)
                self._set_details(summary, self._info_tooltip(info))
        elif key is not None:
            self._set_details(self.tr("Reading the model file's header…"),
                              display_path(key), dim=True)
        self.load_button.setEnabled(usable)
        self.vision_button.setEnabled(usable)

    def _info_tooltip(self, info: ModelInfoLike) -> str:
        lines = [display_path(info.path), format_parameters(info.parameter_count)]
        lines.append(self.tr("Has a chat template") if info.chat_template
                     else self.tr("No chat template in the file"))
        return "\n".join(lines)
