"""Import model files a person already has: inspect them safely, ask copy or link, register.

Inspection (GGUF headers, Whisper checkpoints read without running their pickle) and the
copy run off the GUI thread; a copy shows its progress and can be cancelled, leaving no
partial file behind.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from assistant.client.background import run_in_background
from assistant.models.gguf_inspect import ModelFileError, format_bytes
from assistant.models.model_import import (
    ImportCandidate,
    ImportMode,
    inspect_import,
    register_import,
)
from assistant.ui.import_dialog import ImportDialog
from assistant.ui.notice_bar import NoticeBar


def file_filter() -> str:
    """The file dialog's filters: model files first."""
    return ";;".join((
        QCoreApplication.translate("ModelImportFlow", "Model files (*.gguf *.pt)"),
        QCoreApplication.translate("ModelImportFlow", "GGUF models and projectors (*.gguf)"),
        QCoreApplication.translate("ModelImportFlow", "Whisper checkpoints (*.pt)"),
        QCoreApplication.translate("ModelImportFlow", "All files (*)"),
    ))


@dataclass(frozen=True)
class Inspection:
    candidates: tuple[ImportCandidate, ...]
    refused: tuple[tuple[str, str], ...]  # (file name, why)


def inspect_files(paths: list[str]) -> Inspection:
    """Inspect each file (runs on a pool thread)."""
    candidates: list[ImportCandidate] = []
    refused: list[tuple[str, str]] = []
    for path in paths:
        try:
            candidates.append(inspect_import(Path(path)))
        except ModelFileError as exc:
            refused.append((Path(path).name, str(exc)))
        except OSError as exc:
            refused.append((Path(path).name, QCoreApplication.translate(
                "ModelImportFlow", "Mosaic could not read it ({reason}).").format(
                    reason=exc.strerror)))
    return Inspection(tuple(candidates), tuple(refused))


class _CopyProgress(QObject):
    """Carries the copy's progress from its pool thread to the GUI thread."""

    progressed = Signal(int, int)


class ModelImportFlow(QObject):
    """Pick or receive files → inspect → confirm (copy or link) → register."""

    imported = Signal(list)  # the registered paths, as str

    def __init__(self, models_dir: Path, notice: NoticeBar, window: QWidget) -> None:
        super().__init__(window)
        self._models_dir = models_dir
        self._notice = notice
        self._window = window
        self._progress_dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._relay = _CopyProgress(self)
        self._relay.progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.busy = False

    def set_notice_bar(self, notice: NoticeBar, parent: QWidget) -> None:
        """Report to ``notice`` and open dialogs over ``parent`` (e.g. the Models window)."""
        self._notice = notice
        self._window = parent

    @Slot()
    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self._window, self.tr("Import model files"), str(Path.home()), file_filter())
        if paths:
            self.import_files(paths)

    @Slot(list)
    def import_files(self, paths: list[str]) -> None:
        if self.busy:
            self._notice.show_info(self.tr("An import is still running; wait for it to "
                                           "finish."))
            return
        self.busy = True
        self._notice.show_info(self.tr("Checking 1 file…") if len(paths) == 1 else
                               self.tr("Checking {count} files…").format(count=len(paths)))
        run_in_background(inspect_files, list(paths), on_done=self._inspected,
                          on_error=self._failed)

    @Slot(object)
    def _inspected(self, inspection: Inspection) -> None:
        self._notice.dismiss()
        dialog = ImportDialog(inspection.candidates, inspection.refused,
                              str(self._models_dir), self._window)
        accepted = dialog.exec() and inspection.candidates
        if not accepted:
            self.busy = False
            return
        mode = dialog.mode()
        total = sum(c.size_bytes for c in inspection.candidates)
        self._cancel.clear()
        if mode is ImportMode.COPY:
            progress = QProgressDialog(
                self.tr("Copying {size}…").format(size=format_bytes(total)), self.tr("Cancel"),
                0, 1000, self._window)
            progress.setWindowTitle(self.tr("Import models"))
            progress.setMinimumDuration(300)
            progress.setAutoClose(False)
            progress.setAutoReset(False)
            progress.canceled.connect(self._cancel.set)
            self._progress_dialog = progress
        run_in_background(self._register, list(inspection.candidates), mode,
                          on_done=self._registered, on_error=self._failed)

    def _register(self, candidates: list[ImportCandidate], mode: ImportMode) -> list[Path]:
        """Runs on a pool thread."""
        return register_import(candidates, self._models_dir, mode,
                               on_progress=self._relay.progressed.emit,
                               cancelled=self._cancel.is_set)

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self._progress_dialog is not None and total > 0:
            self._progress_dialog.setValue(min(1000, int(1000 * done / total)))
            self._progress_dialog.setLabelText(self.tr("Copying… {done} of {total}").format(
                done=format_bytes(done), total=format_bytes(total)))

    @Slot(object)
    def _registered(self, paths: list[Path]) -> None:
        self._close_progress()
        self.busy = False
        if self._cancel.is_set():
            self._notice.show_info(self.tr("Import cancelled; nothing was copied."))
            return
        names = ", ".join(p.name for p in paths)
        self._notice.show_info(self.tr("Imported {names}.").format(names=names))
        self.imported.emit([str(p) for p in paths])

    @Slot(str)
    def _failed(self, sentence: str) -> None:
        self._close_progress()
        self.busy = False
        self._notice.show_error(sentence)

    def _close_progress(self) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.reset()
            self._progress_dialog.deleteLater()
            self._progress_dialog = None
