"""Microphones as PortAudio sees them, and PortAudio's errors as sentences a person can act on.

``sounddevice`` (and so the PortAudio library) is imported only when a function here needs it,
so importing this module never fails and never touches the audio system.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from types import ModuleType

# PortAudio's PaErrorCode values (portaudio.h); sounddevice.PortAudioError carries them.
PA_NOT_INITIALIZED = -10000
PA_UNANTICIPATED_HOST_ERROR = -9999
PA_INVALID_CHANNEL_COUNT = -9998
PA_INVALID_SAMPLE_RATE = -9997
PA_INVALID_DEVICE = -9996
PA_SAMPLE_FORMAT_NOT_SUPPORTED = -9994
PA_BAD_IO_DEVICE_COMBINATION = -9993  # ALSA: opening the PCM failed for a reason but EBUSY
PA_TIMED_OUT = -9987
PA_DEVICE_UNAVAILABLE = -9985  # ALSA: EBUSY; also what other hosts say for a device in use

# Host error codes that say the same things: ALSA reports -errno, Windows an HRESULT.
_BUSY_HOST_CODES = {-16, -2004287478}  # EBUSY, AUDCLNT_E_DEVICE_IN_USE
_PERMISSION_HOST_CODES = {-13, -2147024891}  # EACCES, E_ACCESSDENIED
_GONE_HOST_CODES = {-19, -6, -2004287484}  # ENODEV, ENXIO, AUDCLNT_E_DEVICE_INVALIDATED
_BUSY_WORDS = ("busy", "in use", "already allocated", "exclusive")
_PERMISSION_WORDS = ("permission", "access denied", "not permitted", "not authorized")
_GONE_WORDS = ("no such device", "invalidated", "disconnected", "unplugged", "not present",
               "querying device", "no input device matching")


class MicrophoneProblem(enum.Enum):
    """What went wrong with the microphone, for a caller that reacts differently to each."""

    NO_LIBRARY = "no_library"  # PortAudio cannot be loaded
    NO_DEVICE = "no_device"  # the system offers no input device at all
    NOT_CONNECTED = "not_connected"  # the chosen device is not (or no longer) there
    PERMISSION = "permission"  # the system does not let Mosaic use it
    BUSY = "busy"  # another application holds it
    FORMAT = "format"  # it refuses the rate/channels/sample format asked for
    UNPLUGGED = "unplugged"  # it stopped delivering sound during a recording
    FAILED = "failed"  # anything else PortAudio reported


class MicrophoneError(Exception):
    """A microphone problem; ``str()`` is one sentence that says what to do."""

    def __init__(self, message: str, problem: MicrophoneProblem = MicrophoneProblem.FAILED,
                 *, fallback: InputDevice | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.fallback = fallback  # for NOT_CONNECTED: the device Mosaic could use instead


@dataclass(frozen=True)
class InputDevice:
    """One device PortAudio can record from."""

    index: int  # PortAudio's device index: valid until the device list is rescanned
    name: str
    host_api: str
    max_input_channels: int
    default_rate: int
    is_default: bool


NO_MICROPHONE_MESSAGE = ("Mosaic found no microphone; plug one in or check that the system "
                         "lets applications use it.")
NO_PORTAUDIO_MESSAGE = ("Mosaic could not load the PortAudio sound library, so it cannot "
                        "record; install it (on Debian or Ubuntu: sudo apt install libportaudio2) "
                        "and restart Mosaic.")

_streams_lock = threading.Lock()
_open_streams = 0  # recordings in progress: PortAudio must not be re-initialized under them


def load_sounddevice() -> ModuleType:
    """The ``sounddevice`` module, or MicrophoneError(NO_LIBRARY) when PortAudio is missing."""
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        raise MicrophoneError(NO_PORTAUDIO_MESSAGE, MicrophoneProblem.NO_LIBRARY) from exc
    return sounddevice


def stream_opened() -> None:
    """Record that a stream is open (capture calls this; rescans wait for none)."""
    global _open_streams
    with _streams_lock:
        _open_streams += 1


def stream_closed() -> None:
    global _open_streams
    with _streams_lock:
        _open_streams = max(0, _open_streams - 1)


def _rescan(sd: ModuleType) -> None:
    """Re-initialize PortAudio so it sees devices plugged in or removed since it started."""
    terminate, initialize = getattr(sd, "_terminate", None), getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:
        return  # (sounddevice's documented way to rescan; absent in some future version)
    with _streams_lock:
        if _open_streams:
            return  # a recording is running: its device indices must stay valid
        terminate()
        initialize()


def list_input_devices(*, rescan: bool = False) -> list[InputDevice]:
    """Every device with input channels, sorted by name (empty when there are none).

    Devices of PortAudio's default host API only (ALSA, Core Audio, MME), so one microphone is
    not listed once per host API; ``rescan`` first asks PortAudio for the current device list.
    """
    sd = load_sounddevice()
    try:
        if rescan:
            _rescan(sd)
        devices = list(sd.query_devices())
        host_apis = list(sd.query_hostapis())
        default_api = int(sd.default.hostapi)
    except sd.PortAudioError as exc:
        raise microphone_error(exc, None) from exc
    inputs = [(i, d) for i, d in enumerate(devices) if int(d["max_input_channels"]) > 0]
    if 0 <= default_api < len(host_apis) and any(d["hostapi"] == default_api for _, d in inputs):
        inputs = [(i, d) for i, d in inputs if d["hostapi"] == default_api]
    default_index = (int(host_apis[default_api]["default_input_device"])
                     if 0 <= default_api < len(host_apis) else -1)
    found = [
        InputDevice(
            index=i,
            name=str(d["name"]),
            host_api=str(host_apis[d["hostapi"]]["name"]) if d["hostapi"] < len(host_apis)
            else "",
            max_input_channels=int(d["max_input_channels"]),
            default_rate=round(float(d["default_samplerate"])),
            is_default=i == default_index,
        )
        for i, d in inputs
    ]
    return sorted(found, key=lambda device: (device.name.casefold(), device.index))


def find_input_device(name: str | None, *, rescan: bool = False) -> InputDevice:
    """The device called ``name`` (None: the system default) or a MicrophoneError sentence.

    A named device that is not connected is not silently replaced: the error names the
    default Mosaic could use instead (``error.fallback``), and the caller decides.
    """
    devices = list_input_devices(rescan=rescan)
    if not devices:
        raise MicrophoneError(NO_MICROPHONE_MESSAGE, MicrophoneProblem.NO_DEVICE)
    default = next((d for d in devices if d.is_default), devices[0])
    if name is None:
        return default
    for matches in (lambda d: d.name == name, lambda d: d.name.casefold() == name.casefold()):
        device = next((d for d in devices if matches(d)), None)
        if device is not None:
            return device
    raise MicrophoneError(
        f'The microphone "{name}" chosen in Settings is not connected; plug it in, or choose '
        f'"{default.name}" (the system default) in Settings.',
        MicrophoneProblem.NOT_CONNECTED, fallback=default)


def _portaudio_details(exc: BaseException) -> tuple[str, int | None, int | None, str]:
    """(message, PaErrorCode, host error code, host error text) from a PortAudioError's args."""
    args = exc.args
    message = str(args[0]) if args else str(exc)
    code = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    host_code, host_text = None, ""
    if len(args) > 2 and isinstance(args[2], tuple) and len(args[2]) == 3:
        host_code = args[2][1] if isinstance(args[2][1], int) else None
        host_text = str(args[2][2])
    return message, code, host_code, host_text


def _diagnosis(exc: BaseException) -> str:
    message, _code, host_code, host_text = _portaudio_details(exc)
    if host_text:
        return f"{message}: {host_text} ({host_code})"
    return message


def microphone_error(exc: BaseException, device: InputDevice | None, *,
                     while_recording: bool = False) -> MicrophoneError:
    """The MicrophoneError sentence for ``exc`` (a sounddevice.PortAudioError or ValueError).

    What PortAudio reports is mapped by its error code and the host API's error code and text:
    on ALSA a busy device is "Device unavailable" (EBUSY), and any other failure to open one
    (permission denied, device gone) is "Illegal combination of I/O devices".
    """
    if isinstance(exc, MicrophoneError):
        return exc
    label = f'The microphone "{device.name}"' if device else "The microphone"
    message, code, host_code, host_text = _portaudio_details(exc)
    text = f"{message} {host_text}".casefold()
    if host_code in _PERMISSION_HOST_CODES or any(w in text for w in _PERMISSION_WORDS):
        return MicrophoneError(
            f"{label} may not be used by Mosaic; allow microphone access for Mosaic in the "
            "system's privacy or sound settings, then try again.", MicrophoneProblem.PERMISSION)
    if (code == PA_DEVICE_UNAVAILABLE or host_code in _BUSY_HOST_CODES
            or any(w in text for w in _BUSY_WORDS)):
        return MicrophoneError(
            f"{label} is being used by another application; close that application or choose "
            "another microphone in Settings.", MicrophoneProblem.BUSY)
    if while_recording:
        return unplugged_error(device)
    if (code == PA_INVALID_DEVICE or host_code in _GONE_HOST_CODES
            or any(w in text for w in _GONE_WORDS)):
        return MicrophoneError(
            f"{label} is not connected any more; plug it in or choose another microphone in "
            "Settings.", MicrophoneProblem.NOT_CONNECTED)
    if code in (PA_INVALID_SAMPLE_RATE, PA_INVALID_CHANNEL_COUNT, PA_SAMPLE_FORMAT_NOT_SUPPORTED):
        return MicrophoneError(
            f"{label} refused the recording format Mosaic asked for; choose another microphone "
            "in Settings.", MicrophoneProblem.FORMAT)
    if code == PA_BAD_IO_DEVICE_COMBINATION:
        return MicrophoneError(
            f"Mosaic could not open {label[0].lower()}{label[1:]}; check that it is plugged in "
            "and that the system lets applications use it.", MicrophoneProblem.FAILED)
    return MicrophoneError(
        f"{label} reported an error Mosaic cannot fix ({_diagnosis(exc)}); reconnect it or "
        "choose another microphone in Settings.", MicrophoneProblem.FAILED)


def unplugged_error(device: InputDevice | None) -> MicrophoneError:
    """The sentence for a microphone that stopped delivering sound in the middle of a recording."""
    label = f'The microphone "{device.name}"' if device else "The microphone"
    return MicrophoneError(
        f"{label} stopped delivering sound during the recording (was it unplugged?); what was "
        "recorded until then is kept, so plug it back in or choose another microphone in "
        "Settings before recording again.", MicrophoneProblem.UNPLUGGED)
