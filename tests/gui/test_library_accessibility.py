"""The model library's views (Models window, first-run page, download rows, Speech and
Network settings, import dialog): they follow a live theme switch, every control a person
uses has a name for screen readers and is reached with Tab, and every visible sentence goes
through Qt's translation in the context lupdate extracts it under."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.settings import NetworkSettings, SpeechSettings
from assistant.models.catalog import CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download_jobs import DownloadJob, JobState
from assistant.models.hub import HUB_MIRRORS
from assistant.models.inventory import InstalledModel
from assistant.models.machine_fit import Fit, FitVerdict
from assistant.models.model_import import ImportCandidate, ImportKind
from assistant.ui.catalog_view import FIT, CatalogView, fit_color
from assistant.ui.download_row import DownloadRow
from assistant.ui.downloads_indicator import DownloadsIndicator
from assistant.ui.downloads_view import DownloadsView
from assistant.ui.import_dialog import ImportDialog
from assistant.ui.installed_models_view import NAME, InstalledModelsView
from assistant.ui.models_window import ModelsWindow
from assistant.ui.network_settings import MIRROR_DESCRIPTIONS, NetworkSettingsGroup
from assistant.ui.notice_bar import error_color
from assistant.ui.speech_settings import SpeechSettingsGroup
from assistant.ui.theme import contrast_ratio
from assistant.ui.welcome_page import WelcomePage
from tests.support.palettes import PaletteSwitch, light_palette_then_back

pytestmark = [pytest.mark.gui]

Role = QPalette.ColorRole
GB = 1_000_000_000


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[PaletteSwitch]:
    """Starts in Mosaic's light palette; the test switches to dark with ``to_dark``; the
    original palette comes back afterwards."""
    with light_palette_then_back(qapp) as switch:
        yield switch


def show(qtbot: QtBot, widget: QWidget, width: int = 800, height: int = 600) -> None:
    widget.resize(width, height)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)


def activate(qtbot: QtBot, widget: QWidget) -> None:
    """Make ``widget``'s window the active one, so that keyboard focus moves inside it."""
    with qtbot.waitActive(widget):
        widget.activateWindow()


def text_color(label: QLabel) -> QColor:
    return label.palette().color(label.foregroundRole())


def pixel(widget: QWidget, x: int, y: int) -> QColor:
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(x * ratio), int(y * ratio))


def entry(entry_id: str, name: str, kind: ModelKind, size: int) -> CatalogEntry:
    ext = ".pt" if kind is ModelKind.SPEECH else ".gguf"
    return CatalogEntry(
        id=entry_id, name=name, kind=kind, family=name.split()[0], parameters=3 * GB,
        quantization="Q4_K_M", license="Apache 2.0",
        files=(CatalogFile(FileRole.MODEL, f"{entry_id}{ext}", size, repo="org/repo"),),
        min_ram_bytes=size * 2, context_length=32768, kv_bytes_per_token=36864,
        languages=("en",) if kind is ModelKind.SPEECH else ())


VISION = entry("vision-3b", "Vision 3B Instruct", ModelKind.VISION, 2 * GB)
SPEECH = entry("whisper-base-en", "Whisper base.en", ModelKind.SPEECH, 145_000_000)
GOOD = FitVerdict(Fit.GOOD, GB, "memory", "Needs about 1.0 GB; fits in 4 GB of memory.")
TIGHT = FitVerdict(Fit.TIGHT, 3 * GB, "memory", "Tight: needs about 3.4 GB of 4 GB.")


def installed(path: Path, problem: str | None = None) -> InstalledModel:
    return InstalledModel(path=path, kind=ModelKind.CHAT, name=path.stem, family="qwen2",
                          parameter_count=500_000_000, quantization="Q4_K_M", size_bytes=GB,
                          context_length=32768, sees_images=False, projector=None,
                          speech_name=None, problem=problem, catalog_id=None)


def job(state: JobState = JobState.RUNNING, **changes: object) -> DownloadJob:
    base = DownloadJob(entry_id=VISION.id, name=VISION.name, kind=ModelKind.VISION,
                       destinations=("/m/a.gguf",), total_bytes=2 * GB, done_bytes=GB,
                       state=state)
    return replace(base, **changes)


# -- a live switch to the dark theme --------------------------------------------------------


def test_a_failed_download_and_the_row_frame_take_the_dark_colours(
        qtbot: QtBot, theme: PaletteSwitch) -> None:
    view = DownloadsView()
    show(qtbot, view)
    view.set_jobs([job(JobState.FAILED, error="The disk is full; free 2 GB and resume.",
                       retryable=True)])
    row = view.row(VISION.id)
    assert row is not None
    light_error = text_color(row.status_label)
    assert light_error == error_color(theme.light)
    frame_light = pixel(row, row.width() // 2, 0)
    assert frame_light == theme.light.color(Role.Mid)

    theme.to_dark()

    assert text_color(row.status_label) == error_color(theme.dark) != light_error
    assert contrast_ratio(text_color(row.status_label), theme.dark.color(Role.Window)) >= 4.5
    assert pixel(row, row.width() // 2, 0) == theme.dark.color(Role.Mid)  # the frame, redrawn


def test_muted_notes_take_the_dark_placeholder_colour(qtbot: QtBot, theme: PaletteSwitch,
                                                       tmp_path: Path) -> None:
    downloads = DownloadsView()
    show(qtbot, downloads)
    installed = InstalledModelsView()
    show(qtbot, installed)
    installed.set_models([], {}, 0, str(tmp_path))
    muted = (downloads.empty_label, installed.empty_label, installed.footer_label)
    assert all(text_color(label) == theme.light.color(Role.PlaceholderText) for label in muted)

    theme.to_dark()

    for label in muted:
        assert text_color(label) == theme.dark.color(Role.PlaceholderText), label.text()
        assert contrast_ratio(text_color(label), theme.dark.color(Role.Window)) >= 3


def test_catalog_fit_badges_take_the_dark_colours(qtbot: QtBot, theme: PaletteSwitch) -> None:
    catalog = CatalogView()
    show(qtbot, catalog)
    catalog.set_entries([VISION], {VISION.id: TIGHT}, set(), set())
    light = catalog.item(VISION.id).foreground(FIT).color()
    assert light == fit_color(Fit.TIGHT, theme.light)

    theme.to_dark()

    dark = catalog.item(VISION.id).foreground(FIT).color()
    assert dark == fit_color(Fit.TIGHT, theme.dark) != light
    assert contrast_ratio(dark, theme.dark.color(Role.Base)) >= 3


def test_a_broken_installed_model_keeps_a_readable_error_colour(
        qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path) -> None:
    view = InstalledModelsView()
    show(qtbot, view)
    broken = installed(tmp_path / "broken.gguf",
                       problem="broken.gguf is cut short; download it again.")
    view.set_models([broken], {}, GB, str(tmp_path))
    view.select(broken.path)
    item = view.item(broken.path)
    assert item is not None
    assert item.foreground(NAME).color() == error_color(theme.light)
    assert text_color(view.details_label) == error_color(theme.light)

    theme.to_dark()

    assert item.foreground(NAME).color() == error_color(theme.dark)
    assert text_color(view.details_label) == error_color(theme.dark)
    assert contrast_ratio(text_color(view.details_label), theme.dark.color(Role.Window)) >= 4.5


def test_the_first_run_page_is_redrawn_in_the_dark_colours(qtbot: QtBot,
                                                           theme: PaletteSwitch) -> None:
    page = WelcomePage()
    show(qtbot, page, 760, 700)
    page.set_recommendation(VISION, GOOD, SPEECH, GOOD, "This machine: 4 GB memory")
    button, card = page.download_button, page.vision_card
    assert pixel(button, 5, button.height() // 2) == theme.light.color(Role.Highlight)
    assert pixel(card, card.width() // 2, card.height() - 3) == theme.light.color(Role.Base)
    assert fit_color(Fit.GOOD, theme.light).name() in card.fit_label.text()

    theme.to_dark()

    assert pixel(button, 5, button.height() // 2) == theme.dark.color(Role.Highlight)
    assert pixel(card, card.width() // 2, card.height() - 3) == theme.dark.color(Role.Base)
    assert pixel(card, card.width() // 2, 0) == theme.dark.color(Role.Mid)  # the card's frame
    dark_fit = fit_color(Fit.GOOD, theme.dark)
    assert dark_fit.name() in card.fit_label.text()
    assert contrast_ratio(dark_fit, theme.dark.color(Role.Base)) >= 3
    assert text_color(page.machine_label) == theme.dark.color(Role.PlaceholderText)
    assert text_color(card.caption_label) == theme.dark.color(Role.PlaceholderText)
    assert text_color(page.intro_label) == theme.dark.color(Role.WindowText)  # not stuck light
    # The rows of downloads started from the page follow too (no style sheet above them).
    page.set_jobs([job()])
    row = page.downloads.row(VISION.id)
    assert row is not None and text_color(row.name_label) == theme.dark.color(Role.WindowText)


def test_settings_and_import_sentences_take_the_dark_error_colour(
        qtbot: QtBot, theme: PaletteSwitch, tmp_path: Path) -> None:
    speech = SpeechSettingsGroup(shortcuts_in_use={"Ctrl+N": "New conversation"})
    show(qtbot, speech)
    speech.load(replace(SpeechSettings(), push_to_talk_key="Ctrl+N"))  # refused: in use
    network = NetworkSettingsGroup()
    show(qtbot, network)
    network.load(NetworkSettings())
    network.endpoint.setCurrentText("ftp://mirror.example")
    dialog = ImportDialog([], [("notes.txt", "notes.txt is a text file, not a model file.")],
                          str(tmp_path))
    show(qtbot, dialog, 500, 200)
    labels = (speech.key_problem_label, network.endpoint_note, dialog.refused)
    assert all(label.isVisible() and label.text() for label in labels)
    assert all(text_color(label) == error_color(theme.light) for label in labels)

    theme.to_dark()

    for label in labels:
        assert text_color(label) == error_color(theme.dark), label.text()
    network.endpoint.setCurrentText("https://hf-mirror.com")  # usable: the note is plain
    assert text_color(network.endpoint_note) == theme.dark.color(Role.WindowText)


# -- names for screen readers, and the keyboard ----------------------------------------------


def _unnamed_controls(root: QWidget) -> list[str]:
    """Controls a person uses that a screen reader could not name."""
    unnamed = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled():
            continue
        if isinstance(widget, QAbstractButton):
            named = bool(widget.text().replace("&", "").strip() or widget.accessibleName())
        elif isinstance(widget, QComboBox | QLineEdit) or (
                widget.inherits("QAbstractItemView") and not widget.inherits("QHeaderView")):
            line_edit_of_combo = isinstance(widget, QLineEdit) and isinstance(
                widget.parent(), QComboBox)
            named = bool(widget.accessibleName()) or line_edit_of_combo or \
                widget.objectName().startswith("qt_")
        else:
            continue
        if not named:
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return unnamed


def test_every_control_of_the_models_window_and_settings_has_a_name(
        qtbot: QtBot, tmp_path: Path) -> None:
    window = ModelsWindow()
    show(qtbot, window)
    window.catalog.set_entries([VISION, SPEECH], {VISION.id: GOOD}, set(), set())
    window.downloads.set_jobs([job()])
    model = installed(tmp_path / "m.gguf")
    window.installed.set_models([model], {}, GB, str(tmp_path))
    window.installed.select(model.path)
    speech = SpeechSettingsGroup()
    show(qtbot, speech)
    network = NetworkSettingsGroup()
    show(qtbot, network)
    candidate = ImportCandidate(source=tmp_path / "m.gguf", kind=ImportKind.CHAT, name="m",
                                summary="m · qwen2 · Q4_K_M", size_bytes=GB,
                                destination_name="m.gguf")
    dialog = ImportDialog([candidate], [], str(tmp_path))
    show(qtbot, dialog, 600, 360)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        assert _unnamed_controls(window) == [], window.tabs.tabText(tab)
    for root in (speech, network, dialog):
        assert _unnamed_controls(root) == [], type(root).__name__
    assert window.catalog.tree.accessibleDescription()  # Enter downloads: said, not hidden
    assert window.installed.tree.accessibleDescription()  # Delete deletes
    assert "Delete" in window.installed.delete_button.toolTip()


def test_the_catalog_is_used_from_the_keyboard(qtbot: QtBot) -> None:
    catalog = CatalogView()
    show(qtbot, catalog)
    catalog.set_entries([VISION, SPEECH], {VISION.id: GOOD, SPEECH.id: GOOD}, set(), set())
    activate(qtbot, catalog)
    catalog.search_box.setFocus()
    qtbot.keyClick(catalog.search_box, Qt.Key.Key_Tab)
    assert catalog.tree.hasFocus()
    qtbot.keyClick(catalog.tree, Qt.Key.Key_Down)
    with qtbot.waitSignal(catalog.downloadRequested) as requested:
        qtbot.keyClick(catalog.tree, Qt.Key.Key_Return)
    assert requested.args == [catalog.current_entry_id()]
    assert catalog.button(SPEECH.id).accessibleName() == f"Download {SPEECH.name}"


def test_tab_reaches_every_first_run_button_and_the_link_shows_its_focus(
        qtbot: QtBot) -> None:
    page = WelcomePage()
    show(qtbot, page, 760, 700)
    page.set_recommendation(VISION, GOOD, SPEECH, GOOD, "")
    activate(qtbot, page)
    page.download_button.setFocus()
    reached = [QApplication.focusWidget()]
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == [page.download_button, page.import_button, page.browse_button]
    link = page.browse_button
    focused = link.grab().toImage()
    page.import_button.setFocus()
    assert link.grab().toImage() != focused  # the link drew a focus frame while focused
    assert page.download_button.accessibleName() == \
        f"Download {VISION.name} and {SPEECH.name} (2.1 GB)"


def test_the_downloads_indicator_names_itself_and_says_its_state() -> None:
    indicator = DownloadsIndicator()
    indicator.set_jobs([job(), job(entry_id="b", name="B")])
    assert indicator.accessibleName() == "Downloads"
    assert indicator.accessibleDescription() == indicator.text() == \
        "Downloading 2 models · 50 %"
    assert indicator.focusPolicy() & Qt.FocusPolicy.TabFocus


# -- translation -----------------------------------------------------------------------------

CONTEXTS = {"CatalogView", "DownloadRow", "DownloadsIndicator", "DownloadsView",
            "ImportDialog", "InstalledModelsView", "ModelImportFlow", "ModelLibraryController",
            "ModelsWindow", "NetworkSettingsGroup", "SpeechSettingsGroup", "WelcomePage"}


class PseudoTranslator(QTranslator):
    """Wraps every string of the library's contexts in «…», recording what it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[tuple[str, str]] = set()

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        if context not in CONTEXTS:
            return ""  # not ours: untranslated
        self.asked.add((context, source))
        return f"«{source}»"

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def pseudo(qapp: QApplication) -> Iterator[PseudoTranslator]:
    translator = PseudoTranslator()
    qapp.installTranslator(translator)
    yield translator
    qapp.removeTranslator(translator)


def _visible_texts(root: QWidget) -> list[str]:
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts += [widget.toolTip(), widget.accessibleName()]
    return [t for t in texts if t.strip()]


def test_every_sentence_is_translated_in_its_lupdate_context(
        qtbot: QtBot, pseudo: PseudoTranslator, tmp_path: Path) -> None:
    page = WelcomePage()
    show(qtbot, page, 760, 700)
    page.set_recommendation(VISION, GOOD, None, None, "")
    window = ModelsWindow()
    show(qtbot, window)
    window.installed.set_models([], {}, 0, str(tmp_path))
    row = DownloadRow(job(JobState.PAUSED))
    show(qtbot, row, 500, 100)

    data = {VISION.name, row.job.status_line()}  # names, and sentences of lower layers
    for root in (page, window.installed, row):
        for text in _visible_texts(root):
            if text in data:
                continue
            assert "«" in text, f"{type(root).__name__}: {text!r} is not translated"
    assert ("WelcomePage", "Welcome to Mosaic") in pseudo.asked
    assert ("DownloadRow", "Resume download of {name}") in pseudo.asked
    assert row.pause_button.accessibleName() == f"«Resume download of {VISION.name}»"
    assert window.windowTitle() == "«Models»"
    assert window.tabs.tabText(ModelsWindow.CATALOG) == "«&Get models»"


def test_the_mirror_descriptions_of_the_hub_are_marked_for_translation() -> None:
    names = {"Hugging Face"}  # product names stay as they are
    assert {label for label in HUB_MIRRORS.values() if label not in names} <= \
        set(MIRROR_DESCRIPTIONS)


def test_pseudo_translated_network_note(qtbot: QtBot, pseudo: PseudoTranslator) -> None:
    network = NetworkSettingsGroup()
    show(qtbot, network)
    network.load(replace(NetworkSettings(), hub_endpoint="https://hf-mirror.com"))
    assert network.endpoint_note.text() == "«hf-mirror.com (mirror for mainland China)»"
