"""About Mosaic: its version and licence, what it is built on (with versions and licences),
and the folders where a person's data, settings, cache and logs live."""

from __future__ import annotations

import itertools
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant import APP_NAME, __version__
from assistant.paths import AppPaths
from assistant.resources import app_icon_path
from assistant.ui.folders import open_folder
from assistant.ui.notice_bar import NoticeBar

MOSAIC_LICENCE = "MIT"  # pyproject.toml [project] license
MINIMUM_WIDTH = 520


@dataclass(frozen=True)
class Component:
    """Something Mosaic ships and builds on. ``distribution`` names the Python package whose
    installed version is shown (read from its metadata: nothing is imported); ``within``
    names the package a native library comes inside."""

    name: str
    licence: str  # an SPDX expression
    distribution: str | None = None
    within: str | None = None


COMPONENTS: tuple[Component, ...] = (
    Component("Python", "PSF-2.0"),
    Component("Qt", "LGPL-3.0-only"),
    Component("Qt for Python (PySide6)", "LGPL-3.0-only", "PySide6"),
    Component("llama-cpp-python", "MIT", "llama-cpp-python"),
    Component("llama.cpp", "MIT", within="llama-cpp-python"),
    Component("Whisper (openai-whisper)", "MIT", "openai-whisper"),
    Component("PyTorch", "BSD-3-Clause", "torch"),
    Component("Silero VAD", "MIT", "silero-vad"),
    Component("tiktoken", "MIT", "tiktoken"),
    Component("Numba", "BSD-2-Clause", "numba"),
    Component("llvmlite", "BSD-2-Clause AND Apache-2.0 WITH LLVM-exception", "llvmlite"),
    Component("NumPy", "BSD-3-Clause", "numpy"),
    Component("Pillow", "MIT-CMU", "pillow"),
    Component("sounddevice", "MIT", "sounddevice"),
    Component("PortAudio", "MIT", within="sounddevice"),
    Component("soundfile", "BSD-3-Clause", "soundfile"),
    Component("libsndfile", "LGPL-2.1-or-later", within="soundfile"),
    Component("python-soxr", "LGPL-2.1-or-later", "soxr"),
    Component("gguf", "MIT", "gguf"),
    Component("Jinja2", "BSD-3-Clause", "jinja2"),
    Component("MarkupSafe", "BSD-3-Clause", "markupsafe"),
    Component("platformdirs", "MIT", "platformdirs"),
)


def installed_version(distribution: str) -> str | None:
    """The installed version of a Python distribution, from its metadata (no import)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def component_version(component: Component) -> str:
    """The version to show for ``component`` ("" when it has none of its own)."""
    if component.name == "Python":
        return platform.python_version()
    if component.name == "Qt":
        return qVersion()
    if component.distribution == "PySide6":
        return PySide6.__version__
    if component.within is not None:
        version = installed_version(component.within) or "?"
        return QCoreApplication.translate("AboutDialog", "in {package} {version}").format(
            package=component.within, version=version)
    if component.distribution is None:
        return ""
    # A frozen bundle without the package's metadata still has the package: "unknown".
    return installed_version(component.distribution) or QCoreApplication.translate(
        "AboutDialog", "unknown")


class AboutDialog(QDialog):
    """Version, licences, and the folders (each selectable, with an Open button)."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {app}").format(app=APP_NAME))

        icon = QLabel()
        icon.setPixmap(QIcon(str(app_icon_path())).pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        icon.setAccessibleName(self.tr("{app} icon").format(app=APP_NAME))
        self.title = QLabel(self.tr("{app} {version}").format(app=APP_NAME, version=__version__))
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.description = QLabel(self.tr(
            "An assistant that chats, looks at images and listens, with models that run on "
            "this computer."))
        self.description.setWordWrap(True)
        self.offline = QLabel(self.tr("Offline: nothing leaves this computer."))
        self.offline.setWordWrap(True)
        self.licence = QLabel(self.tr("Free software under the {licence} licence.").format(
            licence=MOSAIC_LICENCE))
        self.licence.setWordWrap(True)
        for label in (self.title, self.description, self.offline, self.licence):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QVBoxLayout()
        heading.setSpacing(4)
        for label in (self.title, self.description, self.offline, self.licence):
            heading.addWidget(label)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(heading, 1)

        self.notice = NoticeBar()

        folders = QGroupBox(self.tr("Where your data lives"))
        grid = QGridLayout(folders)
        grid.setColumnStretch(1, 1)
        self.folder_fields: dict[str, QLineEdit] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        rows = (
            ("data", self.tr("&Data:"), self.tr("Data folder"), self.tr("Open data folder"),
             self.tr("Conversations, models and attached files"), paths.data_dir),
            ("settings", self.tr("&Settings:"), self.tr("Settings folder"),
             self.tr("Open settings folder"), self.tr("Your settings"), paths.config_dir),
            ("cache", self.tr("C&ache:"), self.tr("Cache folder"), self.tr("Open cache folder"),
             self.tr("Files Mosaic can make again; safe to delete"), paths.cache_dir),
            ("logs", self.tr("&Logs:"), self.tr("Logs folder"), self.tr("Open logs folder"),
             self.tr("What Mosaic did, for reporting a problem"), paths.log_dir),
        )
        for row, (key, label_text, field_name, button_name, tip, folder) in enumerate(rows):
            label = QLabel(label_text)
            field = QLineEdit(str(folder))
            field.setReadOnly(True)
            # Too narrow for the whole path, the field shows its end: the folders differ there.
            field.setCursorPosition(len(field.text()))
            field.setAccessibleName(field_name)
            field.setToolTip(tip)
            label.setBuddy(field)
            button = QPushButton(self.tr("Open"))
            button.setAccessibleName(button_name)
            button.setToolTip(button_name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, f=folder: self.open_location(f))
            grid.addWidget(label, row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(button, row, 2)
            self.folder_fields[key] = field
            self.open_buttons[key] = button
        self.open_data_button = self.open_buttons["data"]

        built_on = QGroupBox(self.tr("Built with"))
        self.components = QTreeWidget()
        self.components.setAccessibleName(self.tr("Bundled components"))
        self.components.setHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")])
        self.components.setRootIsDecorated(False)
        self.components.setUniformRowHeights(True)
        self.components.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for component in COMPONENTS:
            item = QTreeWidgetItem([component.name, component_version(component),
                                    component.licence])
            item.setToolTip(2, component.licence)
            self.components.addTopLevelItem(item)
        header_view = self.components.header()
        header_view.setStretchLastSection(True)
        for column in (0, 1):
            self.components.resizeColumnToContents(column)
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.components.setSizePolicy(QSizePolicy.Policy.Expanding,
                                      QSizePolicy.Policy.Expanding)
        built_layout = QVBoxLayout(built_on)
        built_layout.addWidget(self.components)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.about_qt_button = self.buttons.addButton(
            self.tr("About &Qt"), QDialogButtonBox.ButtonRole.HelpRole)
        self.about_qt_button.clicked.connect(QApplication.aboutQt)
        self.about_qt_button.setAutoDefault(False)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(folders)
        layout.addWidget(built_on, 1)
        layout.addWidget(self.buttons)

        fields = list(self.folder_fields.values())
        buttons = list(self.open_buttons.values())
        chain: list[QWidget] = [w for pair in zip(fields, buttons, strict=True) for w in pair]
        chain += [self.components, self.about_qt_button, self.close_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        # Wrapped lines need height as the dialog narrows, which a minimum size from the
        # layout alone does not leave: make the smallest size one where everything fits.
        self.setMinimumWidth(MINIMUM_WIDTH)
        self.setMinimumHeight(layout.totalHeightForWidth(MINIMUM_WIDTH))
        self.resize(680, 620)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_location(self, folder: Path) -> bool:
        """Show ``folder`` in the file manager; when that fails, say why in the dialog."""
        problem = open_folder(folder, create_missing=True)
        if problem is None:
            self.notice.dismiss()
            return True
        self.notice.show_error(problem)
        return False


__all__ = ["COMPONENTS", "MOSAIC_LICENCE", "AboutDialog", "Component", "component_version"]
