"""Audio files (WAV, FLAC, OGG, MP3 through libsndfile) decoded to float32 mono at 16 kHz.

Files are read block by block and resampled as a stream, so a two-hour recording can be
transcribed window by window (``iter_audio_blocks``) without ever holding it all decoded at its
own rate. Every failure is an AudioFileError whose text is one sentence naming the file.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from assistant.audio.resample import WHISPER_RATE, StreamResampler

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")
# libsndfile's major formats behind those extensions; others (AIFF, CAF, ...) are refused.
_ACCEPTED_FORMATS = {"WAV", "WAVEX", "RF64", "FLAC", "OGG", "MP3"}
_FORMAT_NAMES = {"WAV": "WAV", "WAVEX": "WAV", "RF64": "WAV", "FLAC": "FLAC", "OGG": "OGG",
                 "MP3": "MP3"}
_CONVERT = "convert it to WAV, FLAC, OGG or MP3"
_READ_SECONDS = 10.0  # native-rate frames read at a time (bounded memory for any file)
_SHORTFALL_TOLERANCE = 0.02  # MP3 lengths come from headers: a little less audio is normal
# libsndfile's log of a WAV whose data chunk promises more bytes than the file holds.
_WAV_DATA_CUT = re.compile(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", re.MULTILINE)
_UNKNOWN_LENGTH = 0x7FFFFFFF  # streaming writers put this (or 0xFFFFFFFF) when the size is unknown
# What libsndfile logs about an Ogg stream that was cut off (it then reports 0 frames).
_CUT_OFF_MARKERS = ("ended unexpectedly", "lacks an end-of-stream")
_HEAD_BYTES = 4096  # read to tell audio that libsndfile rejects from something else


def _has_audio_signature(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) starts like WAV, FLAC, OGG or MP3."""
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return True
    if head[:4] in (b"fLaC", b"OggS") or head[:3] == b"ID3":
        return True  # (FLAC and MP3 may start with an ID3 tag)
    # An MPEG audio frame header first (after padding zeros): 11 sync bits, a valid version
    # and layer, a real bitrate and sample rate.
    frame = head.lstrip(b"\x00")[:3]
    return (len(frame) == 3 and frame[0] == 0xFF and frame[1] & 0xE0 == 0xE0
            and frame[1] & 0x18 != 0x08 and frame[1] & 0x06 != 0
            and frame[2] & 0xF0 not in (0x00, 0xF0) and frame[2] & 0x0C != 0x0C)


class AudioFileProblem(enum.Enum):
    MISSING = "missing"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "unreadable"  # no permission
    UNSUPPORTED = "unsupported"  # an extension or format Mosaic does not read
    NOT_AUDIO = "not_audio"  # text, an image, ... named like audio
    DAMAGED = "damaged"  # truncated or corrupt
    EMPTY = "empty"  # 0 seconds of audio
    OUT_OF_RANGE = "out_of_range"  # start_s at or past the end


class AudioFileError(Exception):
    """An audio file Mosaic cannot use; ``str()`` names the file and says what to do."""

    def __init__(self, message: str, problem: AudioFileProblem, path: Path) -> None:
        super().__init__(message)
        self.problem = problem
        self.path = path


@dataclass(frozen=True)
class AudioFileInfo:
    """What an audio file's header says."""

    duration_s: float
    rate: int
    channels: int
    format: str  # "WAV", "FLAC", "OGG" or "MP3"
    frames: int


def _error(path: Path, problem: AudioFileProblem, detail: str = "") -> AudioFileError:
    name = f'"{path.name}"'
    messages = {
        AudioFileProblem.MISSING:
            f"The audio file {name} does not exist (looked in {path.parent}); check the path "
            "or choose the file again.",
        AudioFileProblem.NOT_A_FILE:
            f"{name} is a folder or a device, not an audio file; choose a WAV, FLAC, OGG or "
            "MP3 file.",
        AudioFileProblem.UNREADABLE:
            f"Mosaic is not allowed to read the audio file {name}; check its permissions.",
        AudioFileProblem.UNSUPPORTED:
            f"Mosaic cannot read {detail or 'this kind of'} audio files such as {name}; "
            f"{_CONVERT}.",
        AudioFileProblem.NOT_AUDIO:
            f"{name} is not an audio file Mosaic can read; choose a WAV, FLAC, OGG or MP3 file.",
        AudioFileProblem.DAMAGED:
            f"The audio file {name} is damaged or cut off and cannot be decoded; export or "
            "copy it again.",
        AudioFileProblem.EMPTY:
            f"The audio file {name} contains no audio (it is 0 seconds long); record or "
            "export it again.",
        AudioFileProblem.OUT_OF_RANGE:
            f"The audio file {name} is only {detail} long, so there is nothing to transcribe "
            "from the requested start; choose an earlier start.",
    }
    return AudioFileError(messages[problem], problem, path)


def _open(path: Path) -> tuple[soundfile.SoundFile, AudioFileInfo]:
    """The open file and its checked header, or AudioFileError."""
    if not path.exists():
        raise _error(path, AudioFileProblem.MISSING)
    if not path.is_file():
        raise _error(path, AudioFileProblem.NOT_A_FILE)
    suffix = path.suffix.lower()
    if suffix not in AUDIO_EXTENSIONS:
        kind = f"{suffix[1:].upper()}" if suffix else "extension-less"
        raise _error(path, AudioFileProblem.UNSUPPORTED, kind)
    try:
        with path.open("rb") as probe:
            head = probe.read(_HEAD_BYTES)
    except PermissionError as exc:
        raise _error(path, AudioFileProblem.UNREADABLE) from exc
    except OSError as exc:
        raise _error(path, AudioFileProblem.DAMAGED) from exc
    if not head:
        raise _error(path, AudioFileProblem.EMPTY)
    try:
        handle = soundfile.SoundFile(str(path))
    except (soundfile.LibsndfileError, RuntimeError, ValueError, TypeError) as exc:
        # libsndfile's reasons are vague ("not a regular file" for a PNG named .mp3): a file
        # that starts like none of the four formats is not audio, one that does is damaged.
        problem = (AudioFileProblem.DAMAGED if _has_audio_signature(head)
                   else AudioFileProblem.NOT_AUDIO)
        raise _error(path, problem) from exc
    try:
        info = _checked_info(path, handle)
    except BaseException:
        handle.close()
        raise
    return handle, info


def _checked_info(path: Path, handle: soundfile.SoundFile) -> AudioFileInfo:
    if handle.format not in _ACCEPTED_FORMATS:
        raise _error(path, AudioFileProblem.UNSUPPORTED, handle.format)
    if handle.samplerate <= 0 or handle.channels <= 0:
        raise _error(path, AudioFileProblem.DAMAGED)
    if handle.format in ("WAV", "WAVEX"):
        for declared, actual in _WAV_DATA_CUT.findall(handle.extra_info):
            if int(actual) < int(declared) < _UNKNOWN_LENGTH:
                raise _error(path, AudioFileProblem.DAMAGED)
    if any(marker in handle.extra_info for marker in _CUT_OFF_MARKERS):
        raise _error(path, AudioFileProblem.DAMAGED)
    if handle.frames <= 0:
        raise _error(path, AudioFileProblem.EMPTY)
    return AudioFileInfo(duration_s=handle.frames / handle.samplerate, rate=handle.samplerate,
                         channels=handle.channels, format=_FORMAT_NAMES[handle.format],
                         frames=handle.frames)


def probe_audio_file(path: Path | str) -> AudioFileInfo:
    """Duration, rate, channels and format from the header alone; AudioFileError if unusable."""
    handle, info = _open(Path(path))
    handle.close()
    return info


def _prepare(path: Path, start_s: float, duration_s: float | None
             ) -> tuple[soundfile.SoundFile, AudioFileInfo, int, int]:
    """The open file, its header and the frames ``start``..``end`` to decode."""
    if start_s < 0 or (duration_s is not None and duration_s <= 0):
        raise ValueError(f"start_s must be >= 0 and duration_s > 0, not {start_s}, {duration_s}")
    handle, info = _open(path)
    start = round(start_s * info.rate)
    if start >= info.frames:
        handle.close()
        raise _error(path, AudioFileProblem.OUT_OF_RANGE, f"{info.duration_s:.1f} s")
    end = info.frames if duration_s is None else min(
        info.frames, start + max(1, round(duration_s * info.rate)))
    return handle, info, start, end


def iter_audio_blocks(path: Path | str, block_s: float = 30.0, *, start_s: float = 0.0,
                      duration_s: float | None = None) -> Iterator[np.ndarray]:
    """Float32 mono 16 kHz blocks of ``block_s`` seconds (the last one shorter).

    Reads at most ten seconds at the file's own rate at a time; the blocks joined equal
    ``load_audio_file`` of the same range. A missing or unusable file raises AudioFileError
    here, at the call; one found damaged part-way raises it after yielding the blocks before
    the damage.
    """
    if block_s <= 0:
        raise ValueError(f"block_s must be positive, not {block_s}")
    path = Path(path)
    handle, info, start, end = _prepare(path, start_s, duration_s)
    return _decode_range(path, handle, info, start, end, block_s)


def _decode_range(path: Path, handle: soundfile.SoundFile, info: AudioFileInfo, start: int,
                  end: int, block_s: float) -> Iterator[np.ndarray]:
    """Yield 16 kHz blocks of frames ``start``..``end``; owns (and closes) ``handle``."""
    out_size = max(1, round(block_s * WHISPER_RATE))
    read_size = max(1, int(min(block_s, _READ_SECONDS) * info.rate))
    resampler = StreamResampler(info.rate)
    pending = np.zeros(0, dtype=np.float32)
    remaining = end - start
    with handle:
        try:
            if start:
                handle.seek(start)
            while remaining > 0:
                chunk = handle.read(min(read_size, remaining), dtype="float32", always_2d=True)
                if len(chunk) == 0:
                    break
                remaining -= len(chunk)
                pending = np.concatenate((pending, resampler.push(chunk)))
                del chunk
                while len(pending) >= out_size:
                    yield pending[:out_size].copy()
                    pending = pending[out_size:]
        except (soundfile.LibsndfileError, RuntimeError) as exc:
            raise _error(path, AudioFileProblem.DAMAGED) from exc
    if remaining > max(_SHORTFALL_TOLERANCE * (end - start), 0.1 * info.rate):
        raise _error(path, AudioFileProblem.DAMAGED)  # the header promised more than there is
    pending = np.concatenate((pending, resampler.finish()))
    while len(pending):
        yield pending[:out_size].copy()
        pending = pending[out_size:]


def load_audio_file(path: Path | str, *, start_s: float = 0.0,
                    duration_s: float | None = None) -> np.ndarray:
    """The file (or ``duration_s`` from ``start_s``) as float32 mono at 16 kHz.

    Decoded block by block into one array of the final size: memory is the 16 kHz result
    (about 230 MB an hour) plus a few seconds at the file's own rate.
    """
    path = Path(path)
    handle, info, start, end = _prepare(path, start_s, duration_s)
    expected = -(-(end - start) * WHISPER_RATE // info.rate)  # soxr's output length, rounded up
    result = np.empty(expected + 2, dtype=np.float32)
    filled = 0
    for block in _decode_range(path, handle, info, start, end, 30.0):
        if filled + len(block) > len(result):  # never expected; kept correct all the same
            result = np.concatenate((result[:filled], np.empty(len(block), np.float32)))
        result[filled:filled + len(block)] = block
        filled += len(block)
    return result[:filled].copy() if filled < len(result) - 16 else result[:filled]
