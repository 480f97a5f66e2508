"""The settings dialog and the per-chat system prompt dialog."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from assistant.core.generation import LoadParams, SamplingParams
from assistant.core.settings import Settings, SpeechSettings
from assistant.ui.settings_dialog import GPU_ALL, GPU_COUNT, GPU_NONE, SettingsDialog
from assistant.ui.system_prompt_dialog import SystemPromptDialog, edit_system_prompt
from assistant.ui.translations import install_translations, remove_translations

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

CUSTOM = Settings(
    sampling=SamplingParams(temperature=0.3, top_p=0.8, top_k=20, min_p=0.1,
                            repeat_penalty=1.3, max_tokens=512, seed=1234),
    load=LoadParams(n_ctx=8192, n_threads=1, n_gpu_layers=12),
    default_system_prompt="Be brief.",
    last_model_path="/models/a.gguf",
    speech=SpeechSettings(input_device="USB Headset", whisper_model="base", language="zh",
                          use_gpu=False, auto_send=False, push_to_talk_key="Ctrl+Shift+M"),
)


@pytest.fixture(autouse=True)
def english(qapp) -> Iterator[None]:
    """English as Mosaic installs it (with its plural forms: "2 physical cores")."""
    default_locale = QLocale()
    install_translations(qapp, "en")
    yield
    remove_translations(qapp)
    QLocale.setDefault(default_locale)


@pytest.fixture
def make_dialog(qtbot):
    def make(settings: Settings, cores: int = 2, **speech: object) -> SettingsDialog:
        dialog = SettingsDialog(settings, cores, **speech)
        qtbot.addWidget(dialog)
        return dialog
    return make


def test_unchanged_dialog_gives_back_the_same_settings(make_dialog) -> None:
    assert make_dialog(Settings()).result_settings() == Settings()
    assert make_dialog(CUSTOM).result_settings() == CUSTOM


def test_automatic_values_stay_automatic(make_dialog) -> None:
    dialog = make_dialog(Settings(load=LoadParams(n_threads=None, n_gpu_layers=None)))
    assert dialog.threads.text() == "Automatic"
    assert dialog.gpu_mode.currentIndex() == GPU_ALL
    assert dialog.gpu_mode.currentText() == "All (when a GPU is available)"
    assert not dialog.gpu_layers.isEnabled()
    load = dialog.result_settings().load
    assert load.n_threads is None and load.n_gpu_layers is None


def test_gpu_layer_modes(make_dialog) -> None:
    dialog = make_dialog(Settings(load=LoadParams(n_gpu_layers=0)))
    assert dialog.gpu_mode.currentIndex() == GPU_NONE
    assert dialog.result_settings().load.n_gpu_layers == 0
    dialog.gpu_mode.setCurrentIndex(GPU_COUNT)
    assert dialog.gpu_layers.isEnabled()
    dialog.gpu_layers.setValue(20)
    assert dialog.result_settings().load.n_gpu_layers == 20
    dialog.gpu_mode.setCurrentIndex(GPU_ALL)
    assert dialog.result_settings().load.n_gpu_layers is None


def test_editing_every_control(qtbot, make_dialog) -> None:
    dialog = make_dialog(Settings())
    dialog.temperature.setValue(1.25)
    dialog.top_p.setValue(0.9)
    dialog.top_k.setValue(0)
    assert dialog.top_k.text() == "Off"
    dialog.min_p.setValue(0.0)
    dialog.repeat_penalty.setValue(1.5)
    dialog.max_tokens.setValue(2048)
    dialog.random_seed.setChecked(False)
    assert dialog.seed.isEnabled()
    dialog.seed.setValue(42)
    dialog.context_size.setValue(16384)
    dialog.threads.setValue(2)
    dialog.system_prompt.setPlainText("  Answer in French.  \n")
    result = dialog.result_settings()
    assert result.sampling == SamplingParams(temperature=1.25, top_p=0.9, top_k=0, min_p=0.0,
                                             repeat_penalty=1.5, max_tokens=2048, seed=42)
    assert result.load == LoadParams(n_ctx=16384, n_threads=2, n_gpu_layers=None)
    assert result.default_system_prompt == "Answer in French."
    dialog.random_seed.setChecked(True)
    assert not dialog.seed.isEnabled()
    assert dialog.result_settings().sampling.seed is None


def test_ranges_follow_the_brief(make_dialog) -> None:
    dialog = make_dialog(Settings(), cores=2)
    assert (dialog.temperature.minimum(), dialog.temperature.maximum()) == (0.0, 2.0)
    assert dialog.temperature.singleStep() == pytest.approx(0.05)
    assert (dialog.top_k.minimum(), dialog.top_k.maximum()) == (0, 200)
    assert (dialog.repeat_penalty.minimum(), dialog.repeat_penalty.maximum()) == (1.0, 2.0)
    assert (dialog.max_tokens.minimum(), dialog.max_tokens.maximum()) == (16, 32768)
    assert (dialog.context_size.minimum(), dialog.context_size.maximum()) == (512, 131072)
    assert dialog.context_size.singleStep() == 512
    assert dialog.threads.maximum() == max(os.cpu_count() or 1, 2)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "default: 2 physical cores" in texts
    assert any("next time a model is loaded" in text for text in texts)


def test_restore_defaults_keeps_what_the_dialog_does_not_show(qtbot, make_dialog) -> None:
    dialog = make_dialog(CUSTOM)
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.result_settings() == Settings(last_model_path="/models/a.gguf")


def test_out_of_range_values_from_a_hand_edited_file_are_clamped(make_dialog) -> None:
    odd = Settings(sampling=SamplingParams(temperature=5.0, seed=-3),
                   load=LoadParams(n_ctx=100, n_threads=0))
    result = make_dialog(odd).result_settings()
    assert result.sampling.temperature == 2.0
    assert result.sampling.seed == 0
    assert result.load.n_ctx == 512
    assert result.load.n_threads == 1


def test_ok_and_cancel(qtbot, make_dialog) -> None:
    dialog = make_dialog(Settings())
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog = make_dialog(Settings())
    dialog.show()
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_settings_dialog_screenshot(qtbot, make_dialog) -> None:
    dialog = make_dialog(Settings(default_system_prompt="You are a concise, friendly "
                                  "assistant. Answer in plain English."))
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.sizeHint())
    qtbot.wait(20)
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "settings_dialog.png"))
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()


def test_system_prompt_dialog_returns_the_edit_or_none(qtbot) -> None:
    dialog = SystemPromptDialog(None, "Trip plans", "Be brief.")
    qtbot.addWidget(dialog)
    assert dialog.editor.toPlainText() == "Be brief."
    assert "“Trip plans”" in dialog.label.text()
    assert dialog.result_prompt() is None
    dialog.editor.setPlainText("  Answer in Portuguese.\n")
    dialog.accept()
    assert dialog.result_prompt() == "Answer in Portuguese."

    cancelled = SystemPromptDialog(None, "", "Be brief.")
    qtbot.addWidget(cancelled)
    assert "“this chat”" in cancelled.label.text()
    cancelled.editor.setPlainText("changed")
    cancelled.reject()
    assert cancelled.result_prompt() is None


def test_edit_system_prompt_runs_the_dialog(qtbot, monkeypatch) -> None:
    def accept_with_new_text(self) -> int:
        self.editor.setPlainText("New prompt")
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(SystemPromptDialog, "exec", accept_with_new_text)
    assert edit_system_prompt(None, "Chat", "Old") == "New prompt"

    def cancel(self) -> int:
        self.reject()
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(SystemPromptDialog, "exec", cancel)
    assert edit_system_prompt(None, "Chat", "Old") is None


# -- speech --------------------------------------------------------------------------------


def test_speech_settings_round_trip_through_the_dialog(qtbot, make_dialog) -> None:
    dialog = make_dialog(CUSTOM, input_devices=["Built-in Microphone", "USB Headset"],
                         default_input_device="Built-in Microphone",
                         whisper_models_present={"tiny.en", "base"})
    speech = dialog.speech
    assert speech.title() == "Speech"
    assert speech.device.currentText() == "USB Headset"
    assert speech.device.itemText(0) == "System default (Built-in Microphone)"
    assert speech.model.currentText() == "base"
    assert speech.model.itemText(speech.model.findData("small")) == "small (not downloaded)"
    assert dialog.result_settings() == CUSTOM
    speech.device.setCurrentIndex(0)
    speech.language.setCurrentIndex(speech.language.findData("auto"))
    speech.auto_send.setChecked(True)
    speech.key_edit.setFocus()
    qtbot.keyClick(speech.key_edit, Qt.Key.Key_F10)
    result = dialog.result_settings().speech
    assert result == SpeechSettings(input_device=None, whisper_model="base", language="auto",
                                    use_gpu=False, auto_send=True, push_to_talk_key="F10")
    assert dialog.result_settings().sampling == CUSTOM.sampling, "the rest is untouched"


def test_the_dialog_refuses_a_key_that_would_switch_input_methods(qtbot, make_dialog) -> None:
    dialog = make_dialog(Settings(), shortcuts_in_use={"Ctrl+N": "New chat"})
    edit = dialog.speech.key_edit
    for key, mods, says in (
        (Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier, "input methods"),
        (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, "New chat"),
    ):
        edit.setFocus()
        qtbot.keyClick(edit, key, mods)
        assert says in dialog.speech.key_problem()
        assert dialog.result_settings().speech.push_to_talk_key == "F9"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), \
        "the old key is kept, so the dialog can still be accepted"


def test_restore_defaults_resets_speech_too(qtbot, make_dialog) -> None:
    dialog = make_dialog(CUSTOM, input_devices=["USB Headset"])
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    assert dialog.result_settings().speech == SpeechSettings()


def test_speech_section_screenshot(qtbot, make_dialog) -> None:
    dialog = make_dialog(Settings(speech=SpeechSettings(input_device="USB Headset")),
                         input_devices=["Built-in Audio Analog Stereo", "USB Headset"],
                         default_input_device="Built-in Audio Analog Stereo",
                         whisper_models_present={"tiny.en"})
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.sizeHint())
    speech = dialog.speech
    speech.set_test_level(0.45)
    speech.set_test_message("No sound from USB Headset. Check that it is not muted.")
    speech.key_edit.setFocus()
    qtbot.keyClick(speech.key_edit, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(20)
    ARTIFACTS.mkdir(exist_ok=True)
    assert speech.grab().save(str(ARTIFACTS / "settings_speech.png"))
    assert dialog.grab().save(str(ARTIFACTS / "settings_dialog_speech.png"))
    for label in speech.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()
    assert dialog.height() <= 720, "fits a small laptop screen"
