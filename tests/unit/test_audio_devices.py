"""Microphones through the real PortAudio library (assistant.audio.devices), and its errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sounddevice

from assistant.audio.capture import Recorder
from assistant.audio.devices import (
    NO_MICROPHONE_MESSAGE,
    InputDevice,
    MicrophoneError,
    MicrophoneProblem,
    find_input_device,
    list_input_devices,
    microphone_error,
)

ROOT = Path(__file__).resolve().parents[2]
USB_MIC = InputDevice(index=7, name="USB Mic", host_api="ALSA", max_input_channels=1,
                      default_rate=48000, is_default=False)


def machine_has_microphones() -> bool:
    return any(d["max_input_channels"] > 0 for d in sounddevice.query_devices())


needs_no_microphone = pytest.mark.skipif(
    machine_has_microphones(), reason="this machine has an input device; the test is for none")


@needs_no_microphone
def test_no_microphone_lists_nothing_and_says_so() -> None:
    assert list_input_devices() == []
    assert list_input_devices(rescan=True) == []
    with pytest.raises(MicrophoneError) as caught:
        find_input_device(None)
    assert str(caught.value) == NO_MICROPHONE_MESSAGE
    assert caught.value.problem is MicrophoneProblem.NO_DEVICE
    with pytest.raises(MicrophoneError, match="found no microphone"):
        find_input_device("USB Mic")


@needs_no_microphone
def test_recorder_without_any_microphone_says_so_instead_of_crashing() -> None:
    with pytest.raises(MicrophoneError) as caught:
        Recorder()
    assert str(caught.value) == NO_MICROPHONE_MESSAGE


def test_opening_a_device_that_is_gone_names_it() -> None:
    """A device remembered from an earlier scan: the real PortAudio cannot find its index."""
    recorder = Recorder(InputDevice(index=99, name="USB Mic", host_api="ALSA",
                                    max_input_channels=1, default_rate=48000, is_default=False))
    with pytest.raises(MicrophoneError) as caught:
        recorder.start()
    assert caught.value.problem is MicrophoneProblem.NOT_CONNECTED
    assert str(caught.value) == ('The microphone "USB Mic" is not connected any more; plug it '
                                 'in or choose another microphone in Settings.')
    assert not recorder.recording


def test_portaudio_missing_is_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # as if libportaudio2 were absent
    for action in (list_input_devices, lambda: find_input_device(None), Recorder):
        with pytest.raises(MicrophoneError) as caught:
            action()
        assert caught.value.problem is MicrophoneProblem.NO_LIBRARY
        assert "could not load the PortAudio sound library" in str(caught.value)
        assert "libportaudio2" in str(caught.value)


def _device(name: str, hostapi: int, inputs: int, outputs: int = 2,
            rate: float = 48000.0) -> dict:
    return {"name": name, "hostapi": hostapi, "max_input_channels": inputs,
            "max_output_channels": outputs, "default_samplerate": rate,
            "default_low_input_latency": 0.01, "default_high_input_latency": 0.1}


@pytest.fixture
def three_microphones(monkeypatch: pytest.MonkeyPatch) -> None:
    """What PortAudio reports on a laptop with a USB headset: ALSA (default API) and OSS."""
    devices = [
        _device("HDA Intel PCH: ALC3246 Analog (hw:0,0)", 0, 2, rate=44100.0),
        _device("HDA Intel PCH: HDMI 0 (hw:0,3)", 0, 0, 8),
        _device("USB Headset: Audio (hw:1,0)", 0, 1, rate=16000.0),
        _device("default", 0, 64, 64),
        _device("/dev/dsp", 1, 16, 16),
    ]
    for index, device in enumerate(devices):
        device["index"] = index
    host_apis = (
        {"name": "ALSA", "devices": [0, 1, 2, 3], "default_input_device": 3,
         "default_output_device": 3},
        {"name": "OSS", "devices": [4], "default_input_device": 4, "default_output_device": 4},
    )
    monkeypatch.setattr(sounddevice, "query_devices", lambda *a, **k: devices)
    monkeypatch.setattr(sounddevice, "query_hostapis", lambda *a, **k: host_apis)
    monkeypatch.setattr(type(sounddevice.default), "hostapi", property(lambda self: 0))


@pytest.mark.usefixtures("three_microphones")
def test_devices_are_the_default_host_apis_inputs_sorted_by_name() -> None:
    devices = list_input_devices()
    assert [d.name for d in devices] == ["default", "HDA Intel PCH: ALC3246 Analog (hw:0,0)",
                                         "USB Headset: Audio (hw:1,0)"]
    headset = devices[2]
    assert headset == InputDevice(index=2, name="USB Headset: Audio (hw:1,0)", host_api="ALSA",
                                  max_input_channels=1, default_rate=16000, is_default=False)
    assert [d.is_default for d in devices] == [True, False, False]


@pytest.mark.usefixtures("three_microphones")
def test_finding_a_device_by_name_or_the_default() -> None:
    assert find_input_device(None).name == "default"
    assert find_input_device("USB Headset: Audio (hw:1,0)").index == 2
    assert find_input_device("usb headset: audio (HW:1,0)").index == 2


@pytest.mark.usefixtures("three_microphones")
def test_a_chosen_device_that_is_not_connected_is_not_replaced_silently() -> None:
    with pytest.raises(MicrophoneError) as caught:
        find_input_device("Blue Yeti")
    error = caught.value
    assert error.problem is MicrophoneProblem.NOT_CONNECTED
    assert str(error) == ('The microphone "Blue Yeti" chosen in Settings is not connected; '
                          'plug it in, or choose "default" (the system default) in Settings.')
    assert error.fallback is not None and error.fallback.name == "default"


@pytest.mark.parametrize(("error", "problem", "sentence"), [
    (sounddevice.PortAudioError("Error opening InputStream: Device unavailable", -9985),
     MicrophoneProblem.BUSY,
     'The microphone "USB Mic" is being used by another application; close that application '
     "or choose another microphone in Settings."),
    (sounddevice.PortAudioError("Error opening InputStream: Illegal combination of I/O devices",
                                -9993),
     MicrophoneProblem.FAILED,
     'Mosaic could not open the microphone "USB Mic"; check that it is plugged in and that the '
     "system lets applications use it."),
    (sounddevice.PortAudioError("Error opening InputStream: Unanticipated host error", -9999,
                                (0, -13, "Permission denied")),
     MicrophoneProblem.PERMISSION,
     'The microphone "USB Mic" may not be used by Mosaic; allow microphone access for Mosaic in '
     "the system's privacy or sound settings, then try again."),
    (sounddevice.PortAudioError("Error opening InputStream: Unanticipated host error", -9999,
                                (0, -16, "Device or resource busy")),
     MicrophoneProblem.BUSY, None),
    (sounddevice.PortAudioError("Error opening InputStream: Invalid device", -9996),
     MicrophoneProblem.NOT_CONNECTED, None),
    (sounddevice.PortAudioError("Error opening InputStream: Invalid sample rate", -9997),
     MicrophoneProblem.FORMAT,
     'The microphone "USB Mic" refused the recording format Mosaic asked for; choose another '
     "microphone in Settings."),
    (sounddevice.PortAudioError("Error opening InputStream: Internal PortAudio error", -9986),
     MicrophoneProblem.FAILED,
     'The microphone "USB Mic" reported an error Mosaic cannot fix (Error opening InputStream: '
     "Internal PortAudio error); reconnect it or choose another microphone in Settings."),
])
def test_portaudio_errors_become_sentences(error: Exception, problem: MicrophoneProblem,
                                           sentence: str | None) -> None:
    mapped = microphone_error(error, USB_MIC)
    assert mapped.problem is problem
    if sentence is not None:
        assert str(mapped) == sentence
    assert str(mapped).count(";") == 1 and str(mapped).endswith(".")


def test_errors_during_a_recording_mean_the_device_went_away() -> None:
    error = sounddevice.PortAudioError("Error stopping stream: Unanticipated host error", -9999,
                                       (0, -19, "No such device"))
    mapped = microphone_error(error, USB_MIC, while_recording=True)
    assert mapped.problem is MicrophoneProblem.UNPLUGGED
    assert str(mapped).startswith('The microphone "USB Mic" stopped delivering sound during the '
                                  "recording (was it unplugged?)")


def test_recording_from_a_real_portaudio_device(tmp_path: Path) -> None:
    """ALSA's null plugin as the default device: the real sounddevice stream and callback.

    It runs in a child process whose HOME holds an .asoundrc, so PortAudio starts with it.
    The null device delivers blocks as fast as it can, so the length limit ends the recording.
    """
    (tmp_path / ".asoundrc").write_text("pcm.!default {\n    type null\n}\n")
    script = textwrap.dedent("""
        import time
        from assistant.audio.capture import Recorder
        from assistant.audio.devices import find_input_device
        device = find_input_device(None)
        recorder = Recorder(device, max_duration_s=1.0)
        recorder.start()
        deadline = time.monotonic() + 10
        while not recorder.limit_reached() and time.monotonic() < deadline:
            time.sleep(0.01)
        recording = recorder.stop()
        print("DEVICE", device.name, device.host_api, device.default_rate)
        print("RECORDED", recording.native_rate, recording.channels, len(recording.samples_16k),
              recording.truncated, float(abs(recording.samples_16k).max()))
        print("MESSAGE", recording.message)
    """)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    name, host_api, rate = lines["DEVICE"].split()
    assert (name, host_api) == ("default", "ALSA")
    native_rate, channels, samples, truncated, peak = lines["RECORDED"].split()
    assert native_rate == rate and channels == "2" and truncated == "True"
    assert abs(int(samples) - 16000) <= 400  # one second (the limit), within a block
    # ALSA's null plugin hands over uninitialized memory; what reaches Whisper is finite, ±1.
    assert float(peak) <= 1.0
    assert lines["MESSAGE"].startswith("Mosaic kept only the first 1 second of")
