"""Audio files decoded to 16 kHz mono (assistant.audio.decode), and every way they can be bad."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile
import soxr
from PIL import Image

from assistant.audio.decode import (
    AUDIO_EXTENSIONS,
    AudioFileError,
    AudioFileInfo,
    AudioFileProblem,
    iter_audio_blocks,
    load_audio_file,
    probe_audio_file,
)
from assistant.audio.resample import WHISPER_RATE, to_whisper_rate
from tests.support.fake_audio import spoken_clip

RATE = 44100
# (extension, libsndfile format, subtype, tolerance: max difference, min correlation)
FORMATS = [
    (".wav", "WAV", "PCM_16", 1e-3, 0.99999),
    (".flac", "FLAC", "PCM_16", 1e-3, 0.99999),
    (".ogg", "OGG", "VORBIS", None, 0.99),
    (".mp3", "MP3", "MPEG_LAYER_III", None, 0.99),
]


@pytest.fixture(scope="module")
def stereo_speech(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    speech, rate = spoken_clip("Transcribe this file, please.",
                               tmp_path_factory.mktemp("speech"))
    mono = soxr.resample(speech, rate, RATE).astype(np.float32)
    return np.stack([mono, 0.25 * mono], axis=1)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory,
            stereo_speech: np.ndarray) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    paths = {}
    for ext, fmt, subtype, _tol, _corr in FORMATS:
        paths[ext] = folder / f"speech{ext}"
        soundfile.write(str(paths[ext]), stereo_speech, RATE, format=fmt, subtype=subtype)
    return paths


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


def test_the_four_formats_are_the_extensions() -> None:
    assert AUDIO_EXTENSIONS == (".wav", ".flac", ".ogg", ".mp3")


@pytest.mark.parametrize(("ext", "fmt", "subtype", "tolerance", "min_corr"), FORMATS)
def test_each_format_decodes_to_the_same_16_khz_samples(
        written: dict[str, Path], stereo_speech: np.ndarray, ext: str, fmt: str, subtype: str,
        tolerance: float | None, min_corr: float) -> None:
    info = probe_audio_file(written[ext])
    assert info == AudioFileInfo(duration_s=len(stereo_speech) / RATE, rate=RATE, channels=2,
                                 format=fmt, frames=len(stereo_speech))
    samples = load_audio_file(written[ext])
    expected = to_whisper_rate(stereo_speech, RATE)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) - len(expected)) <= 2
    assert correlation(samples, expected) > min_corr
    if tolerance is not None:
        assert np.abs(samples - expected).max() < tolerance


def test_a_range_of_a_file(written: dict[str, Path], stereo_speech: np.ndarray) -> None:
    whole = load_audio_file(written[".flac"])
    part = load_audio_file(written[".flac"], start_s=0.5, duration_s=0.75)
    assert len(part) == pytest.approx(0.75 * WHISPER_RATE, abs=2)
    inner = slice(200, -200)  # the resampler's edges differ from a cut inside a longer signal
    np.testing.assert_allclose(part[inner], whole[8000:8000 + len(part)][inner], atol=2e-3)
    tail = load_audio_file(written[".flac"], start_s=1.0)
    assert len(tail) == pytest.approx(len(whole) - WHISPER_RATE, abs=2)
    past_end = load_audio_file(written[".flac"], start_s=0.1, duration_s=1000)
    assert len(past_end) == pytest.approx(len(whole) - 1600, abs=2)


def test_starting_past_the_end_says_how_long_the_file_is(written: dict[str, Path]) -> None:
    with pytest.raises(AudioFileError) as caught:
        load_audio_file(written[".wav"], start_s=60)
    assert caught.value.problem is AudioFileProblem.OUT_OF_RANGE
    duration = probe_audio_file(written[".wav"]).duration_s
    assert f"is only {duration:.1f} s long" in str(caught.value)


def test_a_long_file_is_decoded_window_by_window(tmp_path: Path) -> None:
    """Ten minutes: each minute a 440 Hz tone for 20 s, then 40 s of silence."""
    rate, minutes = 22050, 10
    path = tmp_path / "lecture.wav"
    t = np.arange(20 * rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    silence = np.zeros(40 * rate, np.float32)
    with soundfile.SoundFile(str(path), "w", rate, 1, "PCM_16") as out:
        for _ in range(minutes):
            out.write(tone)
            out.write(silence)
    assert probe_audio_file(path).duration_s == 600.0

    decoded_at_16k = 600 * WHISPER_RATE * 4  # bytes of the whole file as float32 at 16 kHz
    tracemalloc.start()
    try:
        lengths, loud = [], []
        for block in iter_audio_blocks(path, block_s=30.0):
            lengths.append(len(block))
            loud.append(bool(np.sqrt(np.mean(block[: 10 * WHISPER_RATE] ** 2)) > 0.1))
            assert np.abs(block[-5 * WHISPER_RATE:]).max() < 0.01 or loud[-1] is False
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < decoded_at_16k / 4, f"decoding held {peak / 1e6:.0f} MB at once"
    assert lengths == [30 * WHISPER_RATE] * 20
    assert sum(lengths) == 600 * WHISPER_RATE
    assert loud == [True, False] * 10  # tone at the start of each minute, silence after


def test_blocks_join_to_the_whole_file(written: dict[str, Path]) -> None:
    blocks = list(iter_audio_blocks(written[".ogg"], block_s=0.25))
    assert all(len(b) == 4000 for b in blocks[:-1]) and 0 < len(blocks[-1]) <= 4000
    np.testing.assert_array_equal(np.concatenate(blocks), load_audio_file(written[".ogg"]))


def _bad(path: Path, *, found_by_probe: bool = True) -> AudioFileError:
    """The error loading ``path`` gives; probing its header gives the same one (if it can)."""
    with pytest.raises(AudioFileError) as caught:
        load_audio_file(path)
    error = caught.value
    if found_by_probe:
        with pytest.raises(AudioFileError) as caught_probing:
            probe_audio_file(path)
        assert str(caught_probing.value) == str(error)
    assert error.path == path
    assert f'"{path.name}"' in str(error)
    assert str(error).count(";") == 1 and str(error).endswith(".")
    return error


def test_missing_file(tmp_path: Path) -> None:
    error = _bad(tmp_path / "gone.wav")
    assert error.problem is AudioFileProblem.MISSING
    assert str(error) == (f'The audio file "gone.wav" does not exist (looked in {tmp_path}); '
                          "check the path or choose the file again.")


def test_folder(tmp_path: Path) -> None:
    (tmp_path / "album.wav").mkdir()
    assert _bad(tmp_path / "album.wav").problem is AudioFileProblem.NOT_A_FILE


def test_text_named_like_audio(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("Meeting notes: buy milk.\n" * 20)
    error = _bad(path)
    assert error.problem is AudioFileProblem.NOT_AUDIO
    assert str(error) == ('"notes.wav" is not an audio file Mosaic can read; choose a WAV, '
                          "FLAC, OGG or MP3 file.")


@pytest.mark.parametrize("ext", [".wav", ".mp3", ".flac", ".ogg"])
def test_picture_renamed_as_audio(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"photo{ext}"
    Image.new("RGB", (32, 32), "red").save(path, format="PNG")
    assert _bad(path).problem is AudioFileProblem.NOT_AUDIO


def test_zero_byte_and_zero_second_files_are_empty(tmp_path: Path) -> None:
    (tmp_path / "zero.flac").write_bytes(b"")
    soundfile.write(str(tmp_path / "silent.wav"), np.zeros(0, np.float32), 16000)
    for name in ("zero.flac", "silent.wav"):
        error = _bad(tmp_path / name)
        assert error.problem is AudioFileProblem.EMPTY
        assert "contains no audio (it is 0 seconds long)" in str(error)


@pytest.mark.parametrize("ext", [".wav", ".flac", ".ogg", ".mp3"])
def test_cut_off_files_are_damaged(tmp_path: Path, written: dict[str, Path], ext: str) -> None:
    data = written[ext].read_bytes()
    path = tmp_path / f"cut{ext}"
    path.write_bytes(data[: len(data) // 3])
    # WAV and Ogg headers give it away; FLAC and MP3 only show it while decoding.
    error = _bad(path, found_by_probe=ext in (".wav", ".ogg"))
    assert error.problem is AudioFileProblem.DAMAGED
    assert str(error) == (f'The audio file "cut{ext}" is damaged or cut off and cannot be '
                          "decoded; export or copy it again.")


@pytest.mark.parametrize("ext", [".wav", ".flac", ".ogg", ".mp3"])
def test_a_file_cut_inside_its_header_is_damaged(tmp_path: Path, written: dict[str, Path],
                                                 ext: str) -> None:
    path = tmp_path / f"header{ext}"
    path.write_bytes(written[ext].read_bytes()[:40])
    assert _bad(path).problem in (AudioFileProblem.DAMAGED, AudioFileProblem.NOT_AUDIO)


def test_corrupt_flac_is_damaged(tmp_path: Path, written: dict[str, Path]) -> None:
    data = bytearray(written[".flac"].read_bytes())
    middle = len(data) // 2
    data[middle: middle + 3000] = np.random.default_rng(3).bytes(3000)
    path = tmp_path / "scratched.flac"
    path.write_bytes(bytes(data))
    with pytest.raises(AudioFileError) as caught:
        load_audio_file(path)
    assert caught.value.problem is AudioFileProblem.DAMAGED


def test_other_formats_are_unsupported(tmp_path: Path) -> None:
    m4a = tmp_path / "voice memo.m4a"
    m4a.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(100))
    error = _bad(m4a)
    assert error.problem is AudioFileProblem.UNSUPPORTED
    assert str(error) == ('Mosaic cannot read M4A audio files such as "voice memo.m4a"; convert '
                          "it to WAV, FLAC, OGG or MP3.")
    aiff_named_wav = tmp_path / "studio.wav"
    soundfile.write(str(aiff_named_wav), np.zeros(1000, np.float32), 16000, format="AIFF")
    error = _bad(aiff_named_wav)
    assert error.problem is AudioFileProblem.UNSUPPORTED
    assert str(error).startswith('Mosaic cannot read AIFF audio files such as "studio.wav"')


def test_streaming_wav_of_unknown_length_is_fine(tmp_path: Path) -> None:
    """Recorders writing to a pipe put 0xFFFFFFFF as the data size; that is not damage."""
    path = tmp_path / "piped.wav"
    soundfile.write(str(path), np.full(16000, 0.25, np.float32), 16000, subtype="PCM_16")
    data = bytearray(path.read_bytes())
    data_at = data.index(b"data")
    data[data_at + 4: data_at + 8] = b"\xff\xff\xff\xff"
    data[4:8] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    samples = load_audio_file(path)
    assert len(samples) == 16000 and np.median(samples) == pytest.approx(0.25, abs=1e-3)
