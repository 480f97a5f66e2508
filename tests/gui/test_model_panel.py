"""The model bar: choosing, inspecting, loading, and its empty state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from assistant.models.gguf_inspect import GGUFInfo
from assistant.ui.model_panel import ModelPanel, display_path, format_parameters
from assistant.ui.notice_bar import error_color
from assistant.ui.translations import install_translations

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class Info:
    """Duck-typed like GGUFInfo (its one-line summary is GGUFInfo's own)."""

    path: str
    file_size: int = 253_000_000
    name: str = "gemma-3-270m-it"
    architecture: str = "gemma3"
    quantization: str = "Q4_K_M"
    context_length: int | None = 32768
    parameter_count: int = 268_000_000
    chat_template: str | None = "{{ messages }}"
    is_projector: bool = False

    summary = GGUFInfo.summary


@pytest.fixture
def models(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "models"
    folder.mkdir()
    paths = [folder / "gemma-3-270m-it-Q4_K_M.gguf", folder / "qwen2.5-0.5b-instruct-q8_0.gguf"]
    for path in paths:
        path.write_bytes(b"GGUF")
    return paths


@pytest.fixture
def panel(qtbot) -> Iterator[ModelPanel]:
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    widget = ModelPanel(host)
    layout.addWidget(widget)
    layout.addStretch(1)
    host.resize(760, 110)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield widget


def test_empty_state_names_the_folder_and_points_at_open(qtbot, panel, tmp_path) -> None:
    panel.set_models_folder(tmp_path / "models")
    panel.set_available_models([], None)
    assert panel.combo.count() == 0
    full = f"No models in {display_path(tmp_path / 'models')}"
    assert panel.combo.toolTip() == full
    assert panel.combo.placeholderText().startswith("No models in ")
    assert "Open…" in panel.details_text()
    assert not panel.load_button.isEnabled()
    assert panel.open_button.isEnabled()
    assert panel.status_text() == "No model loaded"


def _placeholder_room(combo: QComboBox) -> tuple[int, int]:
    """(the width the shown placeholder needs, the width of the box's text field)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return combo.fontMetrics().boundingRect(combo.placeholderText()).width(), field.width()


def test_a_long_models_folder_is_elided_in_the_middle_to_fit(qtbot, panel) -> None:
    folder = Path("/Users/someone/Library/Application Support/Mosaic/a long folder/models")
    panel.set_models_folder(folder)
    panel.set_available_models([], None)
    host = panel.parentWidget()
    host.resize(420, host.height())
    qtbot.waitUntil(lambda: "…" in panel.combo.placeholderText())
    shown = panel.combo.placeholderText()
    need, has = _placeholder_room(panel.combo)
    assert need <= has, f"{shown!r} is cut off"
    assert shown.startswith("No models in /Users") and shown.endswith("models"), shown
    assert panel.combo.toolTip() == f"No models in {folder}"
    host.resize(1400, host.height())  # wide enough again: the whole folder shows
    qtbot.waitUntil(lambda: panel.combo.placeholderText() == f"No models in {folder}")
    panel.set_available_models([folder / "a.gguf"], None)
    assert panel.combo.toolTip() == "", "a listed model has its own tooltip"


def test_listing_selects_current_and_reports_the_selection(qtbot, panel, models) -> None:
    with qtbot.waitSignal(panel.modelSelected, timeout=1000) as blocker:
        panel.set_available_models(models, str(models[1]))
    assert blocker.args == [str(models[1])]
    assert [panel.combo.itemText(i) for i in range(panel.combo.count())] == \
        [p.name for p in models]
    assert panel.current_path() == str(models[1])
    assert panel.combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == display_path(models[1])
    assert "Reading" in panel.details_text()
    assert panel.load_button.isEnabled()
    with qtbot.assertNotEmitted(panel.modelSelected):
        panel.set_available_models(models, str(models[1]))  # same selection: no re-inspect


def test_a_current_model_outside_the_folder_is_listed(qtbot, panel, models, tmp_path) -> None:
    elsewhere = tmp_path / "Downloads" / "phi.gguf"
    panel.set_available_models(models, str(elsewhere))
    assert panel.combo.count() == 3
    assert panel.current_path() == str(elsewhere)


def test_choosing_in_the_combo_emits_model_selected(qtbot, panel, models) -> None:
    panel.set_available_models(models, None)
    assert panel.current_path() == str(models[0])
    with qtbot.waitSignal(panel.modelSelected, timeout=1000) as blocker:
        panel.combo.setFocus()
        qtbot.keyClick(panel.combo, Qt.Key.Key_Down)
    assert blocker.args == [str(models[1])]


def test_info_is_shown_for_the_selected_model_only(qtbot, panel, models) -> None:
    panel.set_available_models(models, str(models[0]))
    panel.show_model_info(Info(path=str(models[1]), name="qwen"))  # stale: not selected
    assert "qwen" not in panel.details_text()
    panel.show_model_info(Info(path=str(models[0])))
    assert panel.details_text() == "gemma-3-270m-it · gemma3 · Q4_K_M · 253 MB · 32k context"
    assert "268M parameters" in panel._details.toolTip()
    assert panel._details.toolTip().startswith(display_path(models[0]))
    panel.combo.setCurrentIndex(1)  # the cached description of the other one appears
    assert panel.details_text().startswith("qwen")


def test_a_header_error_is_red_and_blocks_loading(qtbot, panel, models) -> None:
    panel.set_available_models(models, str(models[0]))
    sentence = "gemma-3-270m-it-Q4_K_M.gguf is incomplete; download it again."
    panel.show_model_error(models[0], sentence)
    assert panel.details_text() == sentence
    colour = panel._note.palette().color(QPalette.ColorRole.WindowText)
    assert colour == error_color(panel.palette())
    assert not panel.load_button.isEnabled()
    panel.combo.setCurrentIndex(1)
    assert panel.load_button.isEnabled()
    panel.show_model_info(Info(path=str(models[0])))  # fixed on disk, inspected again
    panel.combo.setCurrentIndex(0)
    assert panel.load_button.isEnabled()
    assert not panel._note.isVisible()
    assert panel.details_text().startswith("gemma-3-270m-it · gemma3")


def test_the_model_line_is_in_the_interface_language(qtbot, qapp, panel, models) -> None:
    before = QLocale()
    assert install_translations(qapp, "zh_CN") == "zh_CN"
    try:
        panel.set_available_models(models, str(models[0]))
        panel.show_model_info(Info(path=str(models[0])))
        assert panel.details_text() == "gemma-3-270m-it · gemma3 · Q4_K_M · 253 MB · 32k 上下文"
    finally:
        install_translations(qapp, "en")
        QLocale.setDefault(before)


def test_a_vision_projector_cannot_be_loaded_as_a_chat_model(qtbot, panel, models) -> None:
    panel.set_available_models(models, str(models[0]))
    panel.show_model_info(Info(path=str(models[0]), is_projector=True))
    assert "vision projector" in panel.details_text()
    assert not panel.load_button.isEnabled()


def test_load_button_requests_the_selected_path(qtbot, panel, models) -> None:
    panel.set_available_models(models, str(models[1]))
    with qtbot.waitSignal(panel.loadRequested, timeout=1000) as blocker:
        qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(models[1])]


def test_loading_then_loaded_then_unloaded(qtbot, panel, models) -> None:
    panel.set_available_models(models, str(models[0]))
    panel.set_loading(0.42)
    assert panel.is_loading()
    assert panel.progress_bar.isVisible()
    assert (panel.progress_bar.minimum(), panel.progress_bar.maximum()) == (0, 100)
    assert panel.progress_bar.value() == 42
    assert not panel.load_button.isEnabled()
    panel.set_loading(None)
    assert panel.progress_bar.maximum() == 0  # busy indicator
    panel.set_loaded("gemma-3-270m-it", "4096 ctx · 2 threads · CPU")
    assert not panel.progress_bar.isVisible()
    assert panel.status_text() == "● gemma-3-270m-it — 4096 ctx · 2 threads · CPU"
    assert panel.load_button.isEnabled()
    panel.set_unloaded()
    assert panel.status_text() == "No model loaded"


def test_open_uses_a_gguf_filter_and_selects_the_file(qtbot, panel, models, tmp_path,
                                                     monkeypatch) -> None:
    seen: dict[str, str] = {}

    def fake_dialog(parent, caption, folder, filters):
        seen.update(caption=caption, folder=folder, filters=filters)
        return str(tmp_path / "phi-3.gguf"), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    panel.set_available_models(models, str(models[0]))
    selected: list[str] = []
    panel.modelSelected.connect(selected.append)
    with qtbot.waitSignal(panel.fileChosen, timeout=1000) as blocker:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(tmp_path / "phi-3.gguf")]
    assert seen["filters"].startswith("GGUF models (*.gguf)")
    assert seen["folder"] == str(models[0].parent)
    assert panel.current_path() == str(tmp_path / "phi-3.gguf")
    assert selected == [str(tmp_path / "phi-3.gguf")]


def test_cancelling_open_changes_nothing(qtbot, panel, models, monkeypatch) -> None:
    monkeypatch.setattr(panel, "choose_file", lambda: None)
    panel.set_available_models(models, str(models[0]))
    with qtbot.assertNotEmitted(panel.fileChosen), \
            qtbot.assertNotEmitted(panel.modelSelected):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert panel.current_path() == str(models[0])


def test_helpers() -> None:
    assert format_parameters(268_000_000) == "268M parameters"
    assert format_parameters(7_240_000_000) == "7.2B parameters"
    assert display_path(Path.home() / "models" / "a.gguf") == str(Path("~/models/a.gguf"))


def test_screenshots_of_the_four_states(qtbot, panel, models, tmp_path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    host = panel.parentWidget()
    panel.set_models_folder(Path.home() / ".local/share/mosaic/models")
    panel.set_available_models([], None)
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_empty.png"))
    panel.set_available_models(models, str(models[0]))
    panel.show_model_info(Info(path=str(models[0])))
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_info.png"))
    panel.set_loading(0.6)
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_loading.png"))
    panel.set_loaded("gemma-3-270m-it", "4096 ctx · 2 threads · CPU")
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_loaded.png"))
    panel.combo.setCurrentIndex(1)
    panel.show_model_error(models[1], "qwen2.5-0.5b-instruct-q8_0.gguf is incomplete (it ends "
                           "after 1,048,576 bytes, partway through its header): the download "
                           "or copy was cut short; download it again.")
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_error.png"))
    panel.combo.setCurrentIndex(0)
    host.resize(500, host.height())
    qtbot.wait(20)
    host.grab().save(str(ARTIFACTS / "model_panel_narrow.png"))
    assert panel._details.toolTip().startswith(panel.details_text())  # elided: full in tip
    assert panel.status_text().startswith("●")
