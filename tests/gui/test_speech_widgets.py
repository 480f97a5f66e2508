"""Push-to-talk widgets: the hold-to-talk button, the window-wide key, the recording bar, a
message's recording, and the Speech settings section."""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, SignalInstance
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.attachments import AudioAttachment, ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.core.settings import WHISPER_MODELS, SpeechSettings
from assistant.ui.message_audio import MISSING_TIP, MessageAudio, format_duration
from assistant.ui.message_view import TRANSCRIPT_STYLE
from assistant.ui.message_widget import MessageWidget
from assistant.ui.mic_button import RECORDING_RED, MicButton
from assistant.ui.push_to_talk import PushToTalkKey, shortcut_problem
from assistant.ui.recording_bar import (
    LEVEL_GREEN,
    LEVEL_LOUD,
    LISTENING_NO_SEND_TEXT,
    LISTENING_TEXT,
    RecordingBar,
    format_elapsed,
)
from assistant.ui.speech_settings import SpeechSettingsGroup
from tests.gui.test_attachment_widgets import artifact, make_attachment

pytestmark = [pytest.mark.gui]

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


class Counter(QObject):
    """How often each watched signal was emitted, in order."""

    def __init__(self, **signals: SignalInstance) -> None:
        super().__init__()
        self.log: list[str] = []
        for name, signal in signals.items():
            signal.connect(lambda *_args, name=name: self.log.append(name))


def send_key(target: QObject, press: bool, key: Qt.Key, mods: Qt.KeyboardModifier = NONE,
             text: str = "", repeat: bool = False) -> bool:
    """Deliver one key event as the window system does (auto-repeat included); whether the
    receiver (or a filter) took it."""
    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    event = QKeyEvent(kind, key, mods, text, repeat)
    return QApplication.sendEvent(target, event)


def icon_pixel(button: QWidget, x: float, y: float) -> QColor:
    image = button.icon().pixmap(button.iconSize()).toImage()
    return image.pixelColor(int(image.width() * x), int(image.height() * y))


# -- the hold-to-talk button ---------------------------------------------------------------


@pytest.fixture
def mic(qtbot: QtBot) -> Iterator[MicButton]:
    host = QWidget()
    button = MicButton(host)
    QVBoxLayout(host).addWidget(button)
    host.resize(200, 100)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield button


def test_mic_button_press_and_release_emit_the_hold(qtbot: QtBot, mic: MicButton) -> None:
    assert mic.accessibleName() == "Hold to talk"
    assert mic.toolTip() == "Hold to talk (F9)"
    counter = Counter(started=mic.holdStarted, released=mic.holdReleased)
    with qtbot.waitSignal(mic.holdStarted):
        qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    assert counter.log == ["started"], "the hold starts on press, not on click"
    assert mic.is_held() and mic.isDown()
    with qtbot.waitSignal(mic.holdReleased):
        qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton)
    assert counter.log == ["started", "released"]
    assert not mic.is_held()

    qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    outside = QPoint(mic.width() + 60, -40)
    qtbot.mouseMove(mic, outside)
    with qtbot.waitSignal(mic.holdReleased):
        qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton, pos=outside)
    assert counter.log == ["started", "released"] * 2, "let go outside the button: still ends"

    qtbot.mousePress(mic, Qt.MouseButton.RightButton)
    qtbot.mouseRelease(mic, Qt.MouseButton.RightButton)
    assert counter.log == ["started", "released"] * 2, "only the left button talks"


def test_mic_button_cancelled_hold_ends_silently(qtbot: QtBot, mic: MicButton) -> None:
    counter = Counter(started=mic.holdStarted, released=mic.holdReleased)
    qtbot.mousePress(mic, Qt.MouseButton.LeftButton)
    mic.cancel_hold()  # e.g. Esc while the mouse is still down
    qtbot.mouseRelease(mic, Qt.MouseButton.LeftButton)
    assert counter.log == ["started"]


def test_space_held_on_the_focused_button_talks_and_repeats_are_ignored(
    qtbot: QtBot, mic: MicButton
) -> None:
    counter = Counter(started=mic.holdStarted, released=mic.holdReleased)
    mic.setFocus()
    send_key(mic, True, Qt.Key.Key_Space, text=" ")
    for _ in range(5):  # the keyboard repeats a held key
        send_key(mic, False, Qt.Key.Key_Space, text=" ", repeat=True)
        send_key(mic, True, Qt.Key.Key_Space, text=" ", repeat=True)
    assert counter.log == ["started"]
    send_key(mic, False, Qt.Key.Key_Space, text=" ")
    assert counter.log == ["started", "released"]
    send_key(mic, True, Qt.Key.Key_Space, text=" ")
    mic.clearFocus()  # the focus leaves while Space is down: its release goes elsewhere
    assert counter.log == ["started", "released"] * 2


def test_mic_button_looks_red_while_recording_and_names_its_key(mic: MicButton) -> None:
    def red(color: QColor) -> bool:
        return color.red() > 180 and color.green() < 90 and color.blue() < 90

    assert not red(icon_pixel(mic, 0.5, 0.92)), "idle: a plain microphone"
    mic.set_recording(True)
    assert mic.is_recording()
    assert red(icon_pixel(mic, 0.5, 0.92)), "recording: a red disc behind the microphone"
    assert "Esc" in mic.toolTip()
    mic.set_recording(False)
    assert not red(icon_pixel(mic, 0.5, 0.92))
    mic.set_shortcut_text("Ctrl+Shift+M")
    assert mic.toolTip() == "Hold to talk (Ctrl+Shift+M)"
    mic.set_shortcut_text("")
    assert mic.toolTip() == "Hold to talk"
    assert QColor(RECORDING_RED).red() > 200


# -- the push-to-talk key ------------------------------------------------------------------


class TextBox(QPlainTextEdit):
    """A text box that notes every key that reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[Qt.Key] = []

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.keys.append(Qt.Key(event.key()))
        super().keyPressEvent(event)


@dataclass
class TalkWindow:
    window: QWidget
    text_box: TextBox
    ptt: PushToTalkKey
    counter: Counter


@pytest.fixture
def talk_window(qtbot: QtBot) -> Iterator[TalkWindow]:
    window = QWidget()
    text_box = TextBox()
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("The transcript would be here"), 1)
    layout.addWidget(text_box)
    layout.addWidget(QPushButton("Send"))
    ptt = PushToTalkKey(window)
    window.resize(500, 300)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    text_box.setFocus()
    qtbot.waitUntil(text_box.hasFocus)
    counter = Counter(pressed=ptt.pressed, released=ptt.released, cancel=ptt.cancelRequested)
    yield TalkWindow(window, text_box, ptt, counter)


def test_f9_held_in_the_text_box_talks_and_types_nothing(
    qtbot: QtBot, talk_window: TalkWindow
) -> None:
    box, ptt, log = talk_window.text_box, talk_window.ptt, talk_window.counter.log
    assert ptt.sequence() == "F9"
    qtbot.keyClicks(box, "ab")
    assert send_key(box, True, Qt.Key.Key_F9)
    assert log == ["pressed"] and ptt.is_held()
    for _ in range(4):
        assert send_key(box, False, Qt.Key.Key_F9, repeat=True)
        assert send_key(box, True, Qt.Key.Key_F9, repeat=True)
    assert log == ["pressed"], "auto-repeat is no new press, nor a release"
    assert send_key(box, False, Qt.Key.Key_F9)
    assert log == ["pressed", "released"]
    assert Qt.Key.Key_F9 not in box.keys, "the text box never saw the key"
    assert box.toPlainText() == "ab"
    send_key(box, False, Qt.Key.Key_F9)
    assert log == ["pressed", "released"], "a stray release is no second release"


def test_the_key_works_through_the_native_window_and_beats_a_menu_shortcut(
    qtbot: QtBot, talk_window: TalkWindow
) -> None:
    """The way a real key press arrives: at the window, then the focused widget."""
    triggered: list[bool] = []
    action = QAction("Something else", talk_window.window)
    action.setShortcut(QKeySequence("F9"))
    action.triggered.connect(lambda: triggered.append(True))
    talk_window.window.addAction(action)
    handle = talk_window.window.windowHandle()
    QTest.keyPress(handle, Qt.Key.Key_F9)
    QTest.keyRelease(handle, Qt.Key.Key_F9)
    assert talk_window.counter.log == ["pressed", "released"]
    assert triggered == []
    assert talk_window.text_box.keys == []
    QTest.keyClick(handle, Qt.Key.Key_X)
    assert talk_window.text_box.toPlainText() == "x", "other keys still type"


def test_a_key_with_modifiers_ends_even_when_the_modifiers_go_first(
    qtbot: QtBot, talk_window: TalkWindow
) -> None:
    box, ptt, log = talk_window.text_box, talk_window.ptt, talk_window.counter.log
    assert ptt.set_sequence("Ctrl+Shift+M") == ""
    assert ptt.sequence() == "Ctrl+Shift+M"
    send_key(box, True, Qt.Key.Key_M, CTRL, "\r")
    assert log == [] and box.keys == [Qt.Key.Key_M], "Ctrl+M alone is not the key"
    box.keys.clear()
    send_key(box, True, Qt.Key.Key_Control, CTRL)
    send_key(box, True, Qt.Key.Key_Shift, CTRL | SHIFT)
    assert send_key(box, True, Qt.Key.Key_M, CTRL | SHIFT, "\r")
    assert log == ["pressed"]
    send_key(box, False, Qt.Key.Key_Control, SHIFT)
    send_key(box, False, Qt.Key.Key_Shift, NONE)
    for _ in range(3):  # M is still down and now repeats as a plain "m"
        assert send_key(box, True, Qt.Key.Key_M, NONE, "m", repeat=True)
    assert box.toPlainText() == "", "the held key typed nothing"
    assert send_key(box, False, Qt.Key.Key_M, NONE, "m")
    assert log == ["pressed", "released"]
    send_key(box, True, Qt.Key.Key_M, NONE, "m")
    assert box.toPlainText() == "m", "afterwards M types again"


def test_esc_cancels_only_while_held_or_recording(qtbot: QtBot, talk_window: TalkWindow) -> None:
    box, ptt, log = talk_window.text_box, talk_window.ptt, talk_window.counter.log
    send_key(box, True, Qt.Key.Key_Escape)
    assert log == [] and box.keys == [Qt.Key.Key_Escape], "idle: Esc is the text box's"

    send_key(box, True, Qt.Key.Key_F9)
    assert send_key(box, True, Qt.Key.Key_Escape)
    assert log == ["pressed", "cancel"]
    send_key(box, True, Qt.Key.Key_F9, repeat=True)
    send_key(box, False, Qt.Key.Key_F9)
    assert log == ["pressed", "cancel"], "a cancelled hold ends without a release"
    send_key(box, True, Qt.Key.Key_F9)
    send_key(box, False, Qt.Key.Key_F9)
    assert log == ["pressed", "cancel", "pressed", "released"]

    ptt.set_recording(True)  # e.g. recording with the mouse on the microphone button
    assert send_key(box, True, Qt.Key.Key_Escape)
    assert log[-1] == "cancel"
    ptt.set_recording(False)
    send_key(box, True, Qt.Key.Key_Escape)
    assert log.count("cancel") == 2
    assert box.keys == [Qt.Key.Key_Escape] * 2


def test_the_key_follows_the_focus_around_the_window(
    qtbot: QtBot, talk_window: TalkWindow
) -> None:
    send = talk_window.window.findChild(QPushButton)
    send.setFocus()
    qtbot.waitUntil(send.hasFocus)
    send_key(send, True, Qt.Key.Key_F9)
    send_key(send, False, Qt.Key.Key_F9)
    talk_window.text_box.setFocus()
    qtbot.waitUntil(talk_window.text_box.hasFocus)
    send_key(talk_window.text_box, True, Qt.Key.Key_F9)
    send_key(talk_window.text_box, False, Qt.Key.Key_F9)
    assert talk_window.counter.log == ["pressed", "released"] * 2
    assert talk_window.text_box.keys == []


def test_the_key_is_the_window_s_only(qtbot: QtBot, talk_window: TalkWindow) -> None:
    other = QPlainTextEdit()
    qtbot.addWidget(other)
    other.show()
    send_key(other, True, Qt.Key.Key_F9)
    send_key(other, False, Qt.Key.Key_F9)
    assert talk_window.counter.log == []


def test_leaving_the_window_while_held_ends_the_hold(
    qtbot: QtBot, talk_window: TalkWindow
) -> None:
    send_key(talk_window.text_box, True, Qt.Key.Key_F9)
    QApplication.sendEvent(talk_window.window, QEvent(QEvent.Type.WindowDeactivate))
    assert talk_window.counter.log == ["pressed", "released"]
    assert not talk_window.ptt.is_held()
    send_key(talk_window.text_box, True, Qt.Key.Key_F9)
    assert talk_window.counter.log[-1] == "pressed", "the next press starts a new hold"


def test_a_bad_key_is_refused_and_the_old_one_kept(qtbot: QtBot, talk_window: TalkWindow) -> None:
    ptt = talk_window.ptt
    problem = ptt.set_sequence("Ctrl+Space")
    assert "input method" in problem
    assert ptt.sequence() == "F9"
    send_key(talk_window.text_box, True, Qt.Key.Key_Space, CTRL, " ")
    assert talk_window.counter.log == []
    fallback = PushToTalkKey(talk_window.window, "a")
    assert fallback.sequence() == "F9"
    ptt.set_enabled(False)
    fallback.set_enabled(False)
    send_key(talk_window.text_box, True, Qt.Key.Key_F9)
    assert talk_window.counter.log == [] and Qt.Key.Key_F9 in talk_window.text_box.keys


@pytest.mark.parametrize("sequence", ["F9", "F12", "Ctrl+Shift+M", "Ctrl+Alt+R", "Pause",
                                      "Meta+F5"])
def test_good_push_to_talk_keys(sequence: str) -> None:
    assert shortcut_problem(sequence) == ""


@pytest.mark.parametrize(("sequence", "says"), [
    ("", "Choose a key"),
    ("   ", "Choose a key"),
    ("Ctrl+Space", "switches input methods"),
    ("Shift+Space", "switches input methods"),
    ("Super+Space", "switches input methods"),
    ("Meta+Space", "switches input methods"),
    ("Alt+Shift", "switches the keyboard layout or input method"),
    ("Ctrl+Shift", "switches the keyboard layout or input method"),
    ("Shift", "cannot be held"),
    ("Space", "stop you typing spaces"),
    ("a", "stop you typing"),
    ("7", "stop you typing"),
    ("Shift+A", "stop you typing"),
    ("Esc", "Esc cancels a recording"),
    ("Return", "Enter sends the message"),
    ("Enter", "Enter sends the message"),
    ("Tab", "moves between controls"),
    ("Ctrl+V", "pastes"),
    ("Ctrl+K, Ctrl+M", "not a sequence of several"),
    ("Hyperdrive", "not a key Mosaic knows"),
])
def test_bad_push_to_talk_keys_say_why(sequence: str, says: str) -> None:
    problem = shortcut_problem(sequence)
    assert says in problem
    assert problem.endswith(".") and "\n" not in problem, "one sentence"


def test_a_key_the_window_already_uses_is_refused() -> None:
    assert shortcut_problem("Ctrl+N", {"Ctrl+N": "New chat"}) == (
        "Ctrl+N already does “New chat”; choose another key, such as F9.")
    assert shortcut_problem("Ctrl+Shift+N", {"Ctrl+N": "New chat"}) == ""


# -- the recording bar ---------------------------------------------------------------------


@pytest.fixture
def bar(qtbot: QtBot) -> Iterator[RecordingBar]:
    host = QWidget()
    widget = RecordingBar(host)
    QVBoxLayout(host).addWidget(widget)
    host.resize(600, 80)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield widget


def test_recording_bar_listens_then_transcribes(qtbot: QtBot, bar: RecordingBar) -> None:
    assert not bar.isVisible() and bar.state_text() == ""
    bar.show_listening()
    assert bar.isVisible()
    assert bar.state_text() == LISTENING_TEXT == "Listening… release to send · Esc to cancel"
    assert (bar.level(), bar.elapsed_text()) == (0.0, "0:00")
    bar.set_level(0.42)
    bar.set_elapsed(3.7)
    assert bar.level() == pytest.approx(0.42)
    assert bar.elapsed_text() == "0:03", "a clock: whole seconds gone by"
    assert bar.meter.isVisible() and not bar.busy_indicator.isVisible()
    for wild, shown in ((3.0, 1.0), (-0.5, 0.0), (math.nan, 0.0)):
        bar.set_level(wild)
        assert bar.level() == shown

    bar.show_transcribing()
    assert bar.state_text() == "Transcribing…"
    assert bar.busy_indicator.isVisible()
    assert (bar.busy_indicator.minimum(), bar.busy_indicator.maximum()) == (0, 0), "busy"
    assert not bar.meter.isVisible()
    bar.show_progress(0.427)
    assert bar.state_text() == "Transcribing… 42%"
    assert bar.busy_indicator.value() == 42
    bar.hide_bar()
    assert not bar.isVisible() and bar.state_text() == ""
    bar.show_listening(sends=False)
    assert bar.state_text() == LISTENING_NO_SEND_TEXT
    assert bar.elapsed_text() == "0:00" and bar.level() == 0.0, "a new recording starts at 0"


def test_level_meter_fills_with_the_level(qtbot: QtBot, bar: RecordingBar) -> None:
    bar.show_listening()
    bar.set_level(0.5)
    image = bar.meter.grab().toImage()
    middle = image.height() // 2
    left = image.pixelColor(int(image.width() * 0.2), middle)
    right = image.pixelColor(int(image.width() * 0.8), middle)
    assert left == QColor(LEVEL_GREEN), "the loud part is filled"
    assert right != QColor(LEVEL_GREEN), "the rest is not"
    bar.set_level(0.95)
    loud = bar.meter.grab().toImage()
    assert loud.pixelColor(int(loud.width() * 0.8), middle) == QColor(LEVEL_LOUD), \
        "near the top the meter warns"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (0.99, "0:00"), (59.9, "0:59"),
                                               (75, "1:15"), (3725, "1:02:05")])
def test_elapsed_clock(seconds: float, text: str) -> None:
    assert format_elapsed(seconds) == text


# -- a message's recording -----------------------------------------------------------------


def write_wav(path: Path, seconds: float, rate: int = 16_000) -> Path:
    """A real 16 kHz mono WAV: a quiet 440 Hz tone."""
    frames = int(seconds * rate)
    samples = (int(3000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(frames))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def make_audio(folder: Path, seconds: float = 2.6) -> AudioAttachment:
    path = write_wav(folder / "0f3a.wav", seconds)
    with wave.open(str(path)) as wav:
        duration = wav.getnframes() / wav.getframerate()
    return AudioAttachment("0f3a" * 16, str(path), "Recording.wav", duration)


def test_message_audio_plays_and_stops(qtbot: QtBot, tmp_path: Path) -> None:
    audio = make_audio(tmp_path)
    row = MessageAudio(audio)
    qtbot.addWidget(row)
    row.show()
    button = row.button
    assert button.text() == "▶ 0:03"
    assert button.accessibleName() == "Play the recording"
    with qtbot.waitSignal(row.playRequested) as play:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert play.args == [audio.path]
    row.set_playing(True)
    assert button.text().startswith("■")
    with qtbot.waitSignal(row.stopRequested), qtbot.assertNotEmitted(row.playRequested):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    row.set_playing(False)  # the owner says playback ended
    assert button.text() == "▶ 0:03"


def test_a_missing_recording_cannot_be_played(qtbot: QtBot, tmp_path: Path) -> None:
    row = MessageAudio(AudioAttachment("0" * 64, str(tmp_path / "gone.wav"), "gone.wav", 4.0))
    qtbot.addWidget(row)
    row.show()
    assert not row.button.isEnabled()
    assert row.button.toolTip() == MISSING_TIP
    with qtbot.assertNotEmitted(row.playRequested):
        qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert not MessageAudio(None).isVisibleTo(row)


@pytest.mark.parametrize(("seconds", "text"), [(2.6, "0:03"), (0.3, "0:01"), (0, "0:00"),
                                               (61.2, "1:01")])
def test_duration_text(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@dataclass(frozen=True)
class Msg:
    id: int
    role: Role
    text: str
    images: tuple[ImageAttachment, ...] = ()
    audio: AudioAttachment | None = None
    status: MessageStatus = MessageStatus.COMPLETE
    model: str | None = None
    timings: Timings | None = None
    error: str | None = None


def test_a_spoken_message_shows_its_recording_below_images_above_text(
    qtbot: QtBot, tmp_path: Path
) -> None:
    host = QWidget()
    host.setStyleSheet(TRANSCRIPT_STYLE)
    layout = QVBoxLayout(host)
    image = make_attachment(tmp_path, "whiteboard.png", (400, 300))
    spoken = MessageWidget(Msg(1, Role.USER, "What does the whiteboard say?", (image,),
                               make_audio(tmp_path, 3.2)))
    typed = MessageWidget(Msg(2, Role.USER, "And this one was typed."))
    answer = MessageWidget(Msg(3, Role.ASSISTANT, "It says **hello**.",
                               audio=make_audio(tmp_path)))
    for widget in (spoken, typed, answer):
        layout.addWidget(widget)
    layout.addStretch(1)
    host.resize(600, 520)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    row = spoken.audio_row
    assert row.isVisible() and row.button.text() == "▶ 0:03"
    (prose,) = spoken.segment_widgets()
    images_bottom = spoken.images_row.mapTo(spoken, QPoint(0, spoken.images_row.height())).y()
    assert images_bottom <= row.mapTo(spoken, QPoint()).y()
    assert row.mapTo(spoken, QPoint(0, row.height())).y() <= prose.mapTo(spoken, QPoint()).y()
    with qtbot.waitSignal(row.playRequested):
        qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert not typed.audio_row.isVisible()
    assert not answer.audio_row.isVisible(), "only the person's own messages were spoken"
    qtbot.wait(20)
    assert host.grab().save(artifact("spoken_message.png"))


# -- the Speech settings section -----------------------------------------------------------


@pytest.fixture
def speech(qtbot: QtBot) -> Iterator[SpeechSettingsGroup]:
    group = SpeechSettingsGroup()
    qtbot.addWidget(group)
    group.show()
    qtbot.waitExposed(group)
    yield group


CUSTOM_SPEECH = SpeechSettings(input_device="USB Headset", whisper_model="small",
                               language="zh", use_gpu=False, auto_send=False,
                               push_to_talk_key="Ctrl+Shift+M")


def test_speech_settings_round_trip(speech: SpeechSettingsGroup) -> None:
    assert speech.title() == "Speech"
    assert speech.result() == SpeechSettings()
    speech.set_devices(["Built-in Microphone", "USB Headset"], "Built-in Microphone")
    speech.load(CUSTOM_SPEECH)
    assert speech.device.currentText() == "USB Headset"
    assert speech.model.currentText() == "small"
    assert speech.language.currentText() == "Chinese"
    assert not speech.use_gpu.isChecked() and not speech.auto_send.isChecked()
    assert speech.key_edit.keySequence().toString() == "Ctrl+Shift+M"
    assert speech.result() == CUSTOM_SPEECH
    odd = SpeechSettings(whisper_model="large-v3", language="de", input_device="Gone Mic")
    speech.load(odd)
    assert speech.result() == odd, "values this version does not list are kept, not lost"
    assert speech.device.currentText() == "Gone Mic (not connected)"


def test_device_list_and_test_button(qtbot: QtBot, speech: SpeechSettingsGroup) -> None:
    speech.set_devices(["Built-in Microphone", "USB Headset", "USB Headset"],
                       "Built-in Microphone")
    texts = [speech.device.itemText(i) for i in range(speech.device.count())]
    assert texts == ["System default (Built-in Microphone)", "Built-in Microphone",
                     "USB Headset"]
    assert speech.device_names() == ["Built-in Microphone", "USB Headset"]
    with qtbot.waitSignal(speech.testRequested) as asked:
        qtbot.mouseClick(speech.test_button, Qt.MouseButton.LeftButton)
    assert asked.args == [None], "the system default"
    speech.device.setCurrentIndex(2)
    with qtbot.waitSignal(speech.testRequested) as asked:
        qtbot.mouseClick(speech.test_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["USB Headset"]
    speech.set_testing(True)
    assert not speech.test_button.isEnabled()
    speech.set_test_level(0.6)
    assert speech.test_meter.level() == pytest.approx(0.6)
    speech.set_testing(False)
    speech.set_test_message("No microphone found. Plug one in and press Test again.")
    assert speech.test_message.isVisible()
    speech.set_devices([], None)  # the headset was unplugged
    assert speech.device.currentText() == "USB Headset (not connected)"
    assert speech.result().input_device == "USB Headset", "the choice survives unplugging"
    with qtbot.waitSignal(speech.testRequested):
        qtbot.mouseClick(speech.test_button, Qt.MouseButton.LeftButton)
    assert not speech.test_message.isVisible(), "a new test clears the old sentence"


def test_models_not_downloaded_are_marked(speech: SpeechSettingsGroup) -> None:
    texts = [speech.model.itemText(i) for i in range(speech.model.count())]
    assert texts == list(WHISPER_MODELS)
    speech.set_available_models({"tiny.en"})
    assert speech.model.itemText(speech.model.findData("tiny.en")) == "tiny.en"
    assert speech.model.itemText(speech.model.findData("base")) == "base (not downloaded)"
    speech.model.setCurrentIndex(speech.model.findData("base"))
    assert speech.result().whisper_model == "base"


def test_english_only_models_say_so(speech: SpeechSettingsGroup) -> None:
    speech.load(SpeechSettings(whisper_model="base.en"))
    assert not speech.language.isEnabled()
    assert speech.language_note.text() == "base.en understands English only."
    speech.model.setCurrentIndex(speech.model.findData("base"))
    assert speech.language.isEnabled() and not speech.language_note.isVisible()
    assert [speech.language.itemText(i) for i in range(speech.language.count())] == [
        "Detect automatically", "English", "Chinese"]


def test_a_bad_push_to_talk_key_is_refused_and_the_old_one_kept(
    qtbot: QtBot, speech: SpeechSettingsGroup
) -> None:
    edit = speech.key_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_Space, CTRL)
    assert "switches input methods" in speech.key_problem()
    assert speech.key_problem().endswith("The key stays F9.")
    assert edit.keySequence().toString() == "F9", "the old key is shown again"
    assert speech.result().push_to_talk_key == "F9"
    assert speech.key_problem_label.isVisible()

    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_M, CTRL | SHIFT)
    assert speech.key_problem() == "" and not speech.key_problem_label.isVisible()
    assert speech.result().push_to_talk_key == "Ctrl+Shift+M"

    speech.load(SpeechSettings(push_to_talk_key="Space"))  # a hand-edited settings file
    assert speech.result().push_to_talk_key == "F9"
    assert "typing spaces" in speech.key_problem()
