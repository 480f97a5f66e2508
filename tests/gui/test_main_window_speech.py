"""Push-to-talk in the real window: a test microphone plays real speech into the recorder,
the real engine transcribes it with Whisper tiny.en, and the answer follows."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.audio.devices import NO_MICROPHONE_MESSAGE
from assistant.paths import AppPaths
from assistant.ui.main_window import MainWindow
from assistant.ui.speech_controller import NOTHING_HEARD, SHORT_TAP
from tests.gui.conftest import (
    ANSWER_TIMEOUT_MS,
    configure,
    load_from_panel,
    open_window,
    stored,
)
from tests.support.fake_audio import FakeMicrophone, fake_stream_factory, spoken_clip

pytestmark = pytest.mark.gui

WHISPER = Path(__file__).resolve().parents[2].parent / "shared" / "models" / "whisper-tiny.en.pt"
PHRASE = "What is the capital of France? Please answer in one word."
TRANSCRIBE_TIMEOUT_MS = 120_000


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture
def whisper_in_folder(paths: AppPaths) -> Path:
    if not WHISPER.is_file():
        pytest.skip(f"the Whisper tiny.en checkpoint is not at {WHISPER} (see DESIGN.md: Tests)")
    target = paths.models_dir / "tiny.en.pt"
    target.symlink_to(WHISPER)
    return target


@pytest.fixture(scope="module")
def phrase_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, int]:
    return spoken_clip(PHRASE, tmp_path_factory.mktemp("speech"))


def speaking_window(qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, microphone: FakeMicrophone,
                    *, auto_send: bool = True) -> MainWindow:
    model = paths.models_dir / "tiny-chat.gguf"
    shutil.copy(tiny_gguf, model)
    window = open_window(qtbot, audio_stream_factory=microphone)
    configure(window, max_tokens=8)
    store = window.services.settings
    store.update(replace(store.current, speech=replace(
        store.current.speech, whisper_model="tiny.en", language="en", use_gpu=False,
        auto_send=auto_send)))
    load_from_panel(qtbot, window, model)
    return window


def hold_and_speak(qtbot: QtBot, window: MainWindow, microphone: FakeMicrophone) -> None:
    """Hold the mic button while the whole clip plays, then release it."""
    button = window.composer.mic_button
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert window.speech.is_recording
    assert "Listening" in window.composer.recording_bar.state_text()
    loudest = 0.0
    for _ in range(30):  # the first 1.5 s, as a device delivers it; the meter follows
        microphone.stream.feed(0.05)
        qtbot.wait(40)
        loudest = max(loudest, window.composer.recording_bar.level())
    assert loudest > 0.05  # silence reads 0
    assert window.composer.recording_bar.elapsed_text().startswith("0:0")
    microphone.stream.feed()
    microphone.stream.wait_fed()
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)


def test_held_speech_is_transcribed_sent_and_kept_with_its_recording(
        qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, whisper_in_folder: Path,
        phrase_clip: tuple[np.ndarray, int]) -> None:
    microphone = fake_stream_factory(*phrase_clip, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone)
    with qtbot.waitSignal(window.services.engine.generationFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS):
        hold_and_speak(qtbot, window, microphone)
    user, answer = stored(window)
    assert words(user.text) == words(PHRASE)
    assert answer.text
    assert user.audio is not None and Path(user.audio.path).is_file()
    assert user.audio.duration_s == pytest.approx(len(phrase_clip[0]) / phrase_clip[1], abs=0.3)
    widget = window.message_view.message_widget(user.id)
    assert widget is not None and widget.audio_row.isVisibleTo(widget)
    assert not window.composer.recording_bar.isVisible()


def test_without_auto_send_the_transcript_waits_in_the_composer(
        qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, whisper_in_folder: Path,
        phrase_clip: tuple[np.ndarray, int]) -> None:
    microphone = fake_stream_factory(*phrase_clip, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone, auto_send=False)
    with qtbot.waitSignal(window.services.engine.transcriptionFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS):
        hold_and_speak(qtbot, window, microphone)
    assert words(window.composer.text()) == words(PHRASE)
    assert window.services.repository.conversations() == []  # nothing sent yet
    window.composer.set_text(window.composer.text() + " Answer briefly.")
    with qtbot.waitSignal(window.services.engine.generationFinished, timeout=ANSWER_TIMEOUT_MS):
        window.composer.submit()
    user = stored(window)[0]
    assert user.text.endswith("Answer briefly.") and user.audio is not None


def test_silence_is_not_a_question(qtbot: QtBot, tiny_gguf: Path, paths: AppPaths,
                                   whisper_in_folder: Path) -> None:
    quiet = np.random.default_rng(0).normal(0, 0.002, 16000 * 2).astype(np.float32)
    microphone = fake_stream_factory(quiet, 16000, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone)
    with qtbot.waitSignal(window.services.engine.transcriptionFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS) as done:
        hold_and_speak(qtbot, window, microphone)
    assert done.args[0].text == ""
    qtbot.waitUntil(lambda: window.notice_bar.text() == NOTHING_HEARD)
    assert window.services.repository.conversations() == []


def test_a_short_tap_and_esc_send_nothing(qtbot: QtBot, tiny_gguf: Path, paths: AppPaths,
                                          whisper_in_folder: Path,
                                          phrase_clip: tuple[np.ndarray, int]) -> None:
    microphone = fake_stream_factory(*phrase_clip, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone)
    button = window.composer.mic_button
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    microphone.stream.feed(0.1)
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert window.notice_bar.text() == SHORT_TAP
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    microphone.stream.feed(1.0)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert not window.speech.is_recording and not window.speech.is_transcribing
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    qtbot.wait(200)
    assert not window.speech.is_transcribing
    assert window.services.repository.conversations() == []


def test_the_push_to_talk_key_records_wherever_the_focus_is(
        qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, whisper_in_folder: Path,
        phrase_clip: tuple[np.ndarray, int]) -> None:
    microphone = fake_stream_factory(*phrase_clip, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone, auto_send=False)
    box = window.composer.input
    box.setFocus()
    with qtbot.waitSignal(window.services.engine.transcriptionFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS):
        qtbot.keyPress(box, Qt.Key.Key_F9)
        assert window.speech.is_recording
        microphone.stream.feed()
        microphone.stream.wait_fed()
        qtbot.keyRelease(box, Qt.Key.Key_F9)
    assert words(window.composer.text()) == words(PHRASE)


def test_a_dropped_recording_becomes_text_to_ask_about(
        qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, whisper_in_folder: Path,
        phrase_clip: tuple[np.ndarray, int], tmp_path: Path) -> None:
    samples, rate = phrase_clip
    memo = tmp_path / "voice memo.flac"
    soundfile.write(memo, np.concatenate([np.zeros(rate), samples, np.zeros(rate)]), rate)
    window = speaking_window(qtbot, tiny_gguf, paths, fake_stream_factory(samples, rate))
    window.composer.set_text("Summarize this recording.")
    with qtbot.waitSignal(window.services.engine.transcriptionFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS):
        window.image_drop.filesDropped.emit([str(memo)])
    text = window.composer.text()
    assert text.startswith("Transcript of voice memo.flac (0:0")
    assert words(PHRASE)[:4] == words(text.split("\n\n")[1])[:4]
    assert text.endswith("Summarize this recording.")


def test_no_microphone_is_said_plainly(qtbot: QtBot, tiny_gguf: Path, paths: AppPaths,
                                       whisper_in_folder: Path) -> None:
    window = open_window(qtbot)  # the real PortAudio library, and no input device here
    qtbot.mousePress(window.composer.mic_button, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(window.composer.mic_button, Qt.MouseButton.LeftButton)
    assert window.notice_bar.text() == NO_MICROPHONE_MESSAGE
    assert not window.speech.is_recording


def test_esc_while_transcribing_takes_the_question_back(
        qtbot: QtBot, tiny_gguf: Path, paths: AppPaths, whisper_in_folder: Path,
        phrase_clip: tuple[np.ndarray, int]) -> None:
    microphone = fake_stream_factory(*phrase_clip, speed=None)
    window = speaking_window(qtbot, tiny_gguf, paths, microphone)
    button = window.composer.mic_button
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    microphone.stream.feed()
    microphone.stream.wait_fed()
    with qtbot.waitSignal(window.services.engine.transcriptionFinished,
                          timeout=TRANSCRIBE_TIMEOUT_MS):
        qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
        assert window.speech.is_transcribing
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.wait(100)
    assert not window.speech.is_transcribing
    assert window.services.repository.conversations() == []
    assert window.composer.text() == ""
