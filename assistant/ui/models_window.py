"""The Models window: installed models, the catalog, and downloads, one tab each.

It is not modal: downloads go on, and the person can chat, while it is open. Model files
dropped on it are offered for import (``filesDropped``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from assistant.ui.catalog_view import CatalogView
from assistant.ui.downloads_view import DownloadsView
from assistant.ui.installed_models_view import InstalledModelsView
from assistant.ui.notice_bar import NoticeBar

MODEL_FILE_SUFFIXES = (".gguf", ".pt")


class ModelsWindow(QDialog):
    """Tabs: Installed (:attr:`installed`), Get models (:attr:`catalog`), Downloads."""

    filesDropped = Signal(list)  # paths of dropped files, for import

    INSTALLED, CATALOG, DOWNLOADS = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.setModal(False)
        self.setAcceptDrops(True)
        self.setMinimumSize(640, 420)
        self.resize(940, 620)
        self.notice = NoticeBar()
        self.installed = InstalledModelsView()
        self.catalog = CatalogView()
        self.downloads = DownloadsView()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Models"))
        self.tabs.addTab(self.installed, self.tr("&Installed"))
        self.tabs.addTab(self.catalog, self.tr("&Get models"))
        self.tabs.addTab(self.downloads, self.tr("&Downloads"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)

    def show_tab(self, index: int) -> None:
        """Bring the window up on tab ``index`` (INSTALLED, CATALOG or DOWNLOADS)."""
        self.tabs.setCurrentIndex(index)
        was_open = self.isVisible()
        self.show()  # a window just shown is already in front
        if was_open and not self.isActiveWindow():
            self.raise_()  # open behind the main window: bring it forward
        self.activateWindow()

    def set_downloads_title(self, active: int) -> None:
        self.tabs.setTabText(self.DOWNLOADS,
                             self.tr("&Downloads ({count})").format(count=active) if active
                             else self.tr("&Downloads"))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _model_files(event.mimeData().urls()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _model_files(event.mimeData().urls())
        if paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.filesDropped.emit(paths)


def _model_files(urls: list) -> list[str]:
    """Local files among ``urls`` (any kind: import explains what is not a model)."""
    return [url.toLocalFile() for url in urls if url.isLocalFile() and url.toLocalFile()]
