"""The model library's views: download rows, the downloads list, the catalog, the installed
models and the first-run page, driven as a person would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from assistant.models.catalog import CatalogEntry, CatalogFile, FileRole, ModelKind
from assistant.models.download_jobs import DownloadJob, JobState
from assistant.models.inventory import InstalledModel
from assistant.models.machine_fit import Fit, FitVerdict
from assistant.ui.catalog_view import FIT, CatalogView, fit_color, format_parameter_count
from assistant.ui.download_row import PROGRESS_STEPS, DownloadRow
from assistant.ui.downloads_view import EMPTY_TEXT as NO_DOWNLOADS
from assistant.ui.downloads_view import DownloadsView
from assistant.ui.installed_models_view import (
    DEFAULT,
    KIND,
    NAME,
    SIZE,
    InstalledModelsView,
)
from assistant.ui.installed_models_view import EMPTY_TEXT as NO_MODELS
from assistant.ui.notice_bar import error_color
from assistant.ui.welcome_page import WelcomePage

pytestmark = [pytest.mark.gui]

GB = 1_000_000_000


def entry(entry_id: str, name: str, kind: ModelKind, parameters: int, size: int,
          license: str = "Apache 2.0", notes: str = "") -> CatalogEntry:
    ext = ".pt" if kind is ModelKind.SPEECH else ".gguf"
    files = [CatalogFile(FileRole.MODEL, f"{entry_id}{ext}", size, repo="org/repo")]
    if kind is ModelKind.VISION:
        files.append(CatalogFile(FileRole.MMPROJ, f"mmproj-{entry_id}.gguf", size // 10,
                                 repo="org/repo"))
    return CatalogEntry(
        id=entry_id, name=name, kind=kind, family=name.split()[0], parameters=parameters,
        quantization="F16" if kind is ModelKind.SPEECH else "Q4_K_M", license=license,
        files=tuple(files), min_ram_bytes=size * 2, context_length=32768,
        kv_bytes_per_token=0 if kind is ModelKind.SPEECH else 36864, notes=notes,
        languages=("en",) if entry_id.endswith("-en") else ())


VISION = entry("qwen2.5-vl-3b", "Qwen2.5-VL 3B Instruct", ModelKind.VISION, 3_750_000_000,
               2 * GB, license="Qwen Research", notes="Reads text in images well.")
CHAT = entry("qwen2.5-0.5b", "Qwen2.5 0.5B Instruct", ModelKind.CHAT, 494_000_000,
             398_000_000)
BIG = entry("qwen2.5-7b", "Qwen2.5 7B Instruct", ModelKind.CHAT, 7_620_000_000, 4_680_000_000)
SPEECH = entry("whisper-base-en", "Whisper base.en", ModelKind.SPEECH, 74_000_000,
               145_000_000, license="MIT")
SMOLVLM = entry("smolvlm-256m", "SmolVLM 256M Instruct", ModelKind.VISION, 256_000_000,
                180_000_000)
CATALOG = (VISION, CHAT, BIG, SPEECH, SMOLVLM)
VERDICTS = {
    VISION.id: FitVerdict(Fit.TIGHT, int(3.4 * GB), "memory",
                          "Tight: needs about 3.4 GB of this machine's 4 GB of memory."),
    CHAT.id: FitVerdict(Fit.GOOD, GB, "memory",
                        "Needs about 1.0 GB; fits in this machine's 4 GB of memory."),
    BIG.id: FitVerdict(Fit.TOO_BIG, 6 * GB, "memory",
                       "Too big: needs about 6.0 GB, this machine has 4 GB."),
    SPEECH.id: FitVerdict(Fit.GOOD, 400_000_000, "memory",
                          "Needs about 0.4 GB; fits in this machine's 4 GB of memory."),
    SMOLVLM.id: FitVerdict(Fit.GOOD, 500_000_000, "memory",
                           "Needs about 0.5 GB; fits in this machine's 4 GB of memory."),
}
MACHINE = "This machine: 4 GB memory · no GPU · 120 GB free"


def show(qtbot, widget: QWidget, width: int = 800, height: int = 600) -> None:
    widget.resize(width, height)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)


def click(qtbot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
                + 0.0722 * channel(c.blueF()))
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#202124"),
                        (QPalette.ColorRole.Base, "#17181a"),
                        (QPalette.ColorRole.AlternateBase, "#26272a"),
                        (QPalette.ColorRole.WindowText, "#e8eaed"),
                        (QPalette.ColorRole.Text, "#e8eaed")):
        palette.setColor(role, QColor(color))
    return palette


def job(state: JobState = JobState.QUEUED, **changes: object) -> DownloadJob:
    base = DownloadJob(entry_id=VISION.id, name=VISION.name, kind=ModelKind.VISION,
                       destinations=("/m/a.gguf", "/m/mmproj-a.gguf"), total_bytes=2 * GB,
                       state=state)
    return replace(base, **changes)


# -- download rows -------------------------------------------------------------------------


def test_a_row_follows_its_job_from_queued_to_done_in_place(qtbot) -> None:
    view = DownloadsView()
    show(qtbot, view)
    view.set_jobs([job()])
    row = view.row(VISION.id)
    assert row is not None
    assert row.name_label.text() == VISION.name
    assert row.status_text().startswith("Waiting for another download")
    assert (row.pause_button.text(), row.cancel_button.text()) == ("Pause", "Cancel")
    assert row.pause_button.accessibleName() == f"Pause download of {VISION.name}"
    assert row.cancel_button.accessibleName() == f"Cancel download of {VISION.name}"

    view.update_job(job(JobState.RUNNING, done_bytes=GB // 2, bytes_per_second=12e6,
                        eta_s=125))
    assert view.row(VISION.id) is row
    assert row.progress_bar.maximum() == PROGRESS_STEPS
    assert row.progress_bar.value() == PROGRESS_STEPS // 4
    assert row.status_text() == "500 MB of 2.0 GB · 12 MB/s · 2 min left"
    assert row.pause_button.isVisible() and row.pause_button.text() == "Pause"

    view.update_job(job(JobState.PAUSED, done_bytes=GB // 2))
    assert row.status_text() == "Paused · 500 MB of 2.0 GB"
    assert row.pause_button.text() == "Resume"
    assert row.pause_button.accessibleName() == f"Resume download of {VISION.name}"
    assert row.cancel_button.text() == "Cancel"
    assert row.progress_bar.value() == PROGRESS_STEPS // 4  # paused keeps its place

    failure = "The connection to huggingface.co dropped; click Resume to continue."
    view.update_job(job(JobState.FAILED, done_bytes=GB // 2, error=failure, retryable=True))
    assert row.status_text() == failure
    assert row.status_label.palette().color(QPalette.ColorRole.WindowText) == \
        error_color(row.palette())
    assert row.pause_button.isVisible() and row.pause_button.text() == "Resume"
    assert row.cancel_button.text() == "Cancel"

    hopeless = "The file on the server is not what the catalog says; nothing was kept."
    view.update_job(job(JobState.FAILED, error=hopeless, retryable=False))
    assert not row.pause_button.isVisible()
    assert row.cancel_button.text() == "Remove from list"

    view.update_job(job(JobState.DONE, done_bytes=2 * GB))
    assert view.row(VISION.id) is row and view.entry_ids() == [VISION.id]
    assert row.status_text() == "Ready · 2.0 GB"
    assert row.status_label.palette().color(QPalette.ColorRole.WindowText) != \
        error_color(row.palette())
    assert row.progress_bar.value() == PROGRESS_STEPS
    assert not row.pause_button.isVisible()
    assert row.cancel_button.text() == "Remove from list"
    assert row.cancel_button.accessibleName() == f"Remove {VISION.name} from the list"


def test_row_buttons_say_which_download_they_act_on(qtbot) -> None:
    row = DownloadRow(job(JobState.RUNNING, done_bytes=10))
    show(qtbot, row, 600, 120)
    with qtbot.waitSignal(row.pauseRequested) as paused:
        click(qtbot, row.pause_button)
    assert paused.args == [VISION.id]
    with qtbot.waitSignal(row.cancelRequested) as cancelled:
        click(qtbot, row.cancel_button)
    assert cancelled.args == [VISION.id]

    row.update_job(job(JobState.PAUSED))
    with qtbot.waitSignal(row.resumeRequested) as resumed:
        click(qtbot, row.pause_button)
    assert resumed.args == [VISION.id]

    row.update_job(job(JobState.DONE, done_bytes=2 * GB))
    with qtbot.assertNotEmitted(row.cancelRequested), \
            qtbot.waitSignal(row.dismissRequested) as dismissed:
        click(qtbot, row.cancel_button)
    assert dismissed.args == [VISION.id]


def test_a_download_of_unknown_size_shows_a_busy_bar_and_checking_cannot_be_paused(
        qtbot) -> None:
    row = DownloadRow(job(JobState.RUNNING, total_bytes=0))
    show(qtbot, row, 600, 120)
    assert (row.progress_bar.minimum(), row.progress_bar.maximum()) == (0, 0)
    row.update_job(job(JobState.RUNNING, done_bytes=2 * GB, verifying=True,
                       current_file="a.gguf"))
    assert row.progress_bar.maximum() == PROGRESS_STEPS
    assert row.status_text() == "Checking a.gguf…"
    assert not row.pause_button.isEnabled()


def test_downloads_list_adds_updates_and_removes_rows_without_rebuilding(qtbot) -> None:
    view = DownloadsView()
    show(qtbot, view)
    assert view.empty_label.isVisible() and view.empty_label.text() == NO_DOWNLOADS
    speech = DownloadJob(SPEECH.id, SPEECH.name, ModelKind.SPEECH, ("/m/whisper/base.en.pt",),
                         SPEECH.download_bytes, JobState.RUNNING)
    view.set_jobs([job(JobState.RUNNING), speech])
    assert not view.empty_label.isVisible()
    assert view.entry_ids() == [VISION.id, SPEECH.id]
    first, second = view.row(VISION.id), view.row(SPEECH.id)
    assert first is not None and second is not None and first.isVisible()
    assert first.y() < second.y()

    view.set_jobs([job(JobState.RUNNING, done_bytes=GB), replace(speech, done_bytes=5)])
    assert view.row(VISION.id) is first and view.row(SPEECH.id) is second
    assert first.progress_bar.value() == PROGRESS_STEPS // 2

    view.set_jobs([replace(speech, done_bytes=6), job(JobState.PAUSED)])  # new order
    assert view.entry_ids() == [SPEECH.id, VISION.id]
    qtbot.waitUntil(lambda: second.y() < first.y())

    with qtbot.waitSignal(view.pauseRequested) as paused:
        click(qtbot, second.pause_button)
    assert paused.args == [SPEECH.id]
    with qtbot.waitSignal(view.resumeRequested) as resumed:
        click(qtbot, first.pause_button)
    assert resumed.args == [VISION.id]

    view.set_jobs([job(JobState.PAUSED)])
    assert view.entry_ids() == [VISION.id] and view.row(SPEECH.id) is None
    view.set_jobs([])
    assert view.empty_label.isVisible() and view.is_empty()


# -- catalog ------------------------------------------------------------------------------


@pytest.fixture
def catalog(qtbot) -> CatalogView:
    view = CatalogView()
    view.set_machine_summary(MACHINE)
    view.set_entries(CATALOG, VERDICTS, installed_ids={CHAT.id}, downloading_ids={SPEECH.id})
    show(qtbot, view)
    return view


def test_parameter_counts_read_like_model_names() -> None:
    assert [format_parameter_count(n) for n in
            (3_000_000_000, 1_540_000_000, 256_000_000, 74_000_000, 13_000_000_000, None)] \
        == ["3B", "1.5B", "256M", "74M", "13B", ""]


def test_catalog_lists_every_entry_with_what_it_is(catalog: CatalogView) -> None:
    assert catalog.machine_label.text() == MACHINE and catalog.machine_label.isVisible()
    assert catalog.entry_ids() == [e.id for e in CATALOG]
    item = catalog.item(VISION.id)
    assert [item.text(c) for c in range(FIT)] == [
        "Qwen2.5-VL 3B Instruct", "Sees images", "3.8B", "Q4_K_M", "2.2 GB", "Qwen Research"]
    assert "Reads text in images well." in item.toolTip(0)
    assert catalog.item(SPEECH.id).text(1) == "Speech"
    assert "English only" in catalog.item(SPEECH.id).toolTip(0)


def test_catalog_filter_and_search_narrow_the_list(qtbot, catalog: CatalogView) -> None:
    catalog.filter_combo.setCurrentText("Sees images")
    assert catalog.entry_ids() == [VISION.id, SMOLVLM.id]
    catalog.filter_combo.setCurrentText("Speech")
    assert catalog.entry_ids() == [SPEECH.id]
    catalog.filter_combo.setCurrentText("Chat")
    assert catalog.entry_ids() == [CHAT.id, BIG.id]
    catalog.filter_combo.setCurrentText("All")
    qtbot.keyClicks(catalog.search_box, "qwen 7b")
    assert catalog.entry_ids() == [BIG.id]
    assert not catalog.empty_label.isVisible()
    assert catalog.current_entry_id() == BIG.id
    assert "Too big: needs about 6.0 GB" in catalog.details_label.text()

    catalog.filter_combo.setCurrentText("Speech")
    assert catalog.entry_ids() == []
    assert catalog.empty_label.isVisible()
    assert catalog.empty_label.text() == "No model in the catalog matches “qwen 7b”."
    catalog.search_box.clear()
    assert catalog.entry_ids() == [SPEECH.id] and not catalog.empty_label.isVisible()


def test_fit_badges_say_it_in_words_with_the_sentence_as_tooltip(catalog: CatalogView) -> None:
    badges = {e.id: (catalog.item(e.id).text(FIT), catalog.item(e.id).toolTip(FIT))
              for e in CATALOG}
    assert badges[CHAT.id] == ("✓ Fits", VERDICTS[CHAT.id].sentence)
    assert badges[VISION.id] == ("! Tight", VERDICTS[VISION.id].sentence)
    assert badges[BIG.id] == ("✕ Too big", VERDICTS[BIG.id].sentence)
    colors = {catalog.item(e.id).foreground(FIT).color().name() for e in (CHAT, VISION, BIG)}
    assert len(colors) == 3  # green, amber and red, not one colour


@pytest.mark.parametrize("palette", [QPalette(), dark_palette()], ids=["light", "dark"])
def test_fit_colours_are_readable_in_light_and_dark_palettes(palette: QPalette) -> None:
    for fit in Fit:
        assert contrast(fit_color(fit, palette), palette.color(QPalette.ColorRole.Base)) >= 3


def test_catalog_buttons_follow_each_entry_state(qtbot, catalog: CatalogView) -> None:
    states = {e.id: (catalog.button(e.id).text(), catalog.button(e.id).isEnabled())
              for e in CATALOG}
    assert states == {
        VISION.id: ("Download", True), CHAT.id: ("Installed", False),
        BIG.id: ("Download anyway", True), SPEECH.id: ("Downloading…", False),
        SMOLVLM.id: ("Download", True),
    }
    with qtbot.waitSignal(catalog.downloadRequested) as requested:
        click(qtbot, catalog.button(BIG.id))
    assert requested.args == [BIG.id]
    with qtbot.assertNotEmitted(catalog.downloadRequested):
        qtbot.mouseClick(catalog.button(CHAT.id), Qt.MouseButton.LeftButton)

    button = catalog.button(VISION.id)  # the download starts: updated in place
    catalog.set_entries(CATALOG, VERDICTS, {CHAT.id}, {SPEECH.id, VISION.id})
    assert catalog.button(VISION.id) is button
    assert (button.text(), button.isEnabled()) == ("Downloading…", False)
    catalog.set_entries(CATALOG, VERDICTS, {CHAT.id, VISION.id}, {SPEECH.id})
    assert (button.text(), button.isEnabled()) == ("Installed", False)


def test_catalog_is_usable_from_the_keyboard(qtbot, catalog: CatalogView) -> None:
    catalog.tree.setFocus()
    catalog.tree.setCurrentItem(catalog.item(VISION.id))
    qtbot.keyClick(catalog.tree, Qt.Key.Key_Down)
    assert catalog.current_entry_id() == CHAT.id
    assert VERDICTS[CHAT.id].sentence in catalog.details_label.text()
    with qtbot.assertNotEmitted(catalog.downloadRequested):
        qtbot.keyClick(catalog.tree, Qt.Key.Key_Return)  # installed already
    qtbot.keyClick(catalog.tree, Qt.Key.Key_Down)
    with qtbot.waitSignal(catalog.downloadRequested) as requested:
        qtbot.keyClick(catalog.tree, Qt.Key.Key_Return)
    assert requested.args == [BIG.id]


# -- installed models ---------------------------------------------------------------------


def installed(tmp_path: Path) -> list[InstalledModel]:
    folder = tmp_path / "models"
    return [
        InstalledModel(path=folder / "qwen2.5-vl-3b" / "Qwen2.5-VL-3B-Q4_K_M.gguf",
                       kind=ModelKind.VISION, name="Qwen2.5-VL 3B Instruct", family="qwen2vl",
                       parameter_count=3_090_000_000, quantization="Q4_K_M",
                       size_bytes=2_600_000_000, context_length=128_000, sees_images=True,
                       projector=folder / "qwen2.5-vl-3b" / "mmproj-F16.gguf",
                       speech_name=None, problem=None, catalog_id="qwen2.5-vl-3b"),
        InstalledModel(path=folder / "qwen2.5-0.5b-instruct-q4_k_m.gguf",
                       kind=ModelKind.CHAT, name="Qwen2.5 0.5B Instruct", family="qwen2",
                       parameter_count=494_000_000, quantization="Q4_K_M",
                       size_bytes=398_000_000, context_length=32768, sees_images=False,
                       projector=None, speech_name=None, problem=None, catalog_id=None),
        InstalledModel(path=folder / "whisper" / "base.en.pt", kind=ModelKind.SPEECH,
                       name="Whisper base.en", family="whisper", parameter_count=74_000_000,
                       quantization="F16", size_bytes=145_000_000, context_length=None,
                       sees_images=False, projector=None, speech_name="base.en",
                       problem=None, catalog_id="whisper-base-en"),
        InstalledModel(path=folder / "broken.gguf", kind=ModelKind.CHAT, name="broken.gguf",
                       family="", parameter_count=None, quantization="", size_bytes=1200,
                       context_length=None, sees_images=False, projector=None,
                       speech_name=None,
                       problem="broken.gguf is cut short; delete it and download it again.",
                       catalog_id=None),
    ]


@pytest.fixture
def library(qtbot, tmp_path: Path) -> tuple[InstalledModelsView, list[InstalledModel]]:
    models = installed(tmp_path)
    view = InstalledModelsView()
    view.set_models(models, {"chat": str(models[1].path), "speech": str(models[2].path)},
                    disk_bytes=3_143_001_200, folder=str(tmp_path / "models"))
    show(qtbot, view)
    return view, models


def test_installed_models_are_listed_with_defaults_and_disk_usage(library, tmp_path) -> None:
    view, models = library
    rows = [view.item(m.path) for m in models]
    assert [r.text(NAME) for r in rows] == [m.name for m in models]
    assert [r.text(KIND) for r in rows] == ["Sees images", "Chat", "Speech", "Chat"]
    assert [rows[0].text(c) for c in range(2, DEFAULT)] == [
        "qwen2vl", "3.1B", "Q4_K_M", "2.6 GB", "125k"]
    assert rows[1].text(SIZE) == "398 MB" and rows[1].text(6) == "32k"
    assert [r.text(DEFAULT) for r in rows] == ["", "Default for chat", "Default for speech", ""]
    assert view.footer_label.text() == \
        f"4 models · 3.1 GB on disk in {tmp_path / 'models'}"
    assert not view.empty_label.isVisible()


def test_a_damaged_model_is_shown_in_red_with_its_sentence(library) -> None:
    view, models = library
    broken = models[3]
    row = view.item(broken.path)
    assert broken.problem in row.toolTip(NAME)
    assert row.foreground(NAME).color() == error_color(view.tree.palette())
    view.select(broken.path)
    assert view.details_label.isVisible() and view.details_label.text() == broken.problem
    assert not view.default_button.isEnabled()  # it cannot be anybody's default
    assert view.delete_button.isEnabled()  # but it can be deleted


def test_actions_act_on_the_selected_model(qtbot, library) -> None:
    view, models = library
    assert not view.delete_button.isEnabled() and not view.reveal_button.isEnabled()
    with qtbot.waitSignal(view.importRequested):
        click(qtbot, view.import_button)

    view.select(models[0].path)
    with qtbot.waitSignal(view.deleteRequested) as deleted:
        click(qtbot, view.delete_button)
    assert deleted.args == [str(models[0].path)]
    with qtbot.waitSignal(view.revealRequested) as revealed:
        click(qtbot, view.reveal_button)
    assert revealed.args == [str(models[0].path)]

    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_Down)
    assert view.selected_path() == str(models[1].path)
    with qtbot.waitSignal(view.deleteRequested) as by_key:
        qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    assert by_key.args == [str(models[1].path)]


def enabled_roles(view: InstalledModelsView) -> set[str]:
    return {role for role, action in view.default_actions.items() if action.isEnabled()}


def test_default_menu_offers_only_the_roles_a_model_can_take(qtbot, library) -> None:
    view, models = library
    vision, chat, speech, _broken = models
    view.select(vision.path)
    assert enabled_roles(view) == {"chat", "vision"}
    with qtbot.waitSignal(view.defaultRequested) as chosen:
        view.default_actions["vision"].trigger()
    assert chosen.args == [str(vision.path), "vision"]

    view.select(chat.path)  # already the chat default: nothing left to set
    assert enabled_roles(view) == set()
    assert view.default_actions["chat"].isChecked()
    view.select(speech.path)
    assert enabled_roles(view) == set() and view.default_actions["speech"].isChecked()

    view.set_models(models, {"chat": str(vision.path), "vision": str(vision.path)}, 1, "")
    assert view.selected_path() == str(speech.path)  # the selection survives a refresh
    assert enabled_roles(view) == {"speech"}
    assert view.item(vision.path).text(DEFAULT) == "Default for chat and images"
    view.select(chat.path)
    assert enabled_roles(view) == {"chat"}
    with qtbot.assertNotEmitted(view.defaultRequested):
        view.default_actions["speech"].trigger()  # disabled: does nothing


def test_no_models_yet_says_where_to_get_one(qtbot) -> None:
    view = InstalledModelsView()
    view.set_models([], {}, 0, "/data/models")
    show(qtbot, view)
    assert view.empty_label.isVisible() and view.empty_label.text() == NO_MODELS
    assert not view.tree.isVisible()
    assert view.footer_label.text() == "0 models · 0 bytes on disk in /data/models"
    assert view.import_button.isEnabled() and not view.delete_button.isEnabled()


# -- first-run page -----------------------------------------------------------------------


@pytest.fixture
def welcome(qtbot) -> WelcomePage:
    page = WelcomePage()
    page.set_recommendation(VISION, VERDICTS[VISION.id], SPEECH, VERDICTS[SPEECH.id], MACHINE)
    show(qtbot, page)
    return page


def test_welcome_page_recommends_two_models_and_downloads_both(qtbot, welcome) -> None:
    assert welcome.title_label.text() == "Welcome to Mosaic"
    assert welcome.machine_label.text() == MACHINE
    card = welcome.vision_card
    assert card.isVisible() and card.name_label.text() == VISION.name
    assert card.details_label.text() == \
        "3.8B parameters · Q4_K_M · 2.2 GB download · Qwen Research"
    assert VERDICTS[VISION.id].sentence in card.fit_text()
    assert welcome.speech_card.name_label.text() == SPEECH.name
    assert not welcome.note_label.isVisible()
    assert welcome.download_text() == "Download both (2.3 GB)"
    button = welcome.download_button
    assert button.width() >= button.sizeHint().width()  # not clipped at 800 × 600
    with qtbot.waitSignal(welcome.downloadRequested):
        click(qtbot, button)
    with qtbot.waitSignal(welcome.importRequested):
        click(qtbot, welcome.import_button)
    with qtbot.waitSignal(welcome.browseRequested):
        click(qtbot, welcome.browse_button)


def test_welcome_page_with_one_recommendation_or_none(qtbot, welcome) -> None:
    welcome.set_recommendation(SMOLVLM, VERDICTS[SMOLVLM.id], None, None, MACHINE)
    assert welcome.download_text() == "Download SmolVLM 256M Instruct (198 MB)"
    assert welcome.vision_card.isVisible() and not welcome.speech_card.isVisible()
    assert welcome.note_label.isVisible() and "speech" in welcome.note_label.text()

    welcome.set_recommendation(None, None, None, None, MACHINE)
    assert not welcome.download_button.isVisible()
    assert not welcome.vision_card.isVisible() and not welcome.speech_card.isVisible()
    assert welcome.note_label.text().startswith("None of the recommended models fits")
    assert welcome.import_button.isVisible() and welcome.browse_button.isVisible()


def test_welcome_page_shows_the_downloads_it_started(qtbot, welcome) -> None:
    assert not welcome.downloads.isVisible()
    speech = DownloadJob(SPEECH.id, SPEECH.name, ModelKind.SPEECH, ("/m/whisper/base.en.pt",),
                         SPEECH.download_bytes, JobState.QUEUED)
    welcome.set_jobs([job(JobState.RUNNING, done_bytes=GB), speech])
    assert welcome.downloads.isVisible()
    assert welcome.downloads.entry_ids() == [VISION.id, SPEECH.id]
    assert welcome.download_text() == "Downloading…"
    assert not welcome.download_button.isEnabled()
    row = welcome.downloads.row(SPEECH.id)
    assert row is not None
    with qtbot.waitSignal(welcome.cancelRequested) as cancelled:
        click(qtbot, row.cancel_button)
    assert cancelled.args == [SPEECH.id]

    welcome.set_jobs([job(JobState.CANCELLED), replace(speech, state=JobState.CANCELLED)])
    assert welcome.download_button.isEnabled()
    assert welcome.download_text() == "Download both (2.3 GB)"
