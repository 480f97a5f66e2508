"""``mosaic transcribe``: an audio file to text through the same engine process as the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.support.speech_clips import (
    PHRASE_3S,
    PHRASE_6S,
    SpeechUnavailable,
    normalised,
    require_espeak,
    silence,
    speech_clip,
    whisper_tiny_en,
    white_noise,
    write_wav,
)

pytestmark = pytest.mark.engine
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_en() -> Path:
    try:
        require_espeak()
        return whisper_tiny_en()
    except SpeechUnavailable as exc:
        pytest.skip(str(exc))


def transcribe(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "transcribe", "--threads", "2", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, MOSAIC_HOME=str(home), PYTHONUNBUFFERED="1"))


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("mosaic transcribe: ")
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith(".")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_a_recorded_question_is_printed_with_the_model_named_from_the_models_folder(
        tiny_en: Path, mosaic_home: Path, tmp_path: Path) -> None:
    models = mosaic_home / "data" / "models" / "whisper"
    models.mkdir(parents=True)
    (models / "whisper-tiny.en.pt").symlink_to(tiny_en)
    audio = np.concatenate([speech_clip(PHRASE_6S), silence(4.0), speech_clip(PHRASE_3S)])
    flac = tmp_path / "two questions.flac"
    write_wav(flac, audio)  # soundfile picks FLAC from the name
    result = transcribe(mosaic_home, "--model", "tiny.en", "--timings", str(flac))
    assert result.returncode == 0, result.stderr
    assert normalised(result.stdout) == normalised(PHRASE_6S + " " + PHRASE_3S)
    assert result.stdout.endswith("\n") and result.stdout.count("\n") == 1
    assert "[timings]" in result.stderr and "language en" in result.stderr


def test_silence_and_noise_print_nothing_and_succeed(tiny_en: Path, mosaic_home: Path,
                                                     tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "quiet.wav", np.concatenate([silence(2.0), white_noise(2.0)]))
    result = transcribe(mosaic_home, "--model", str(tiny_en), str(wav))
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert "Traceback" not in result.stderr


def test_failures_are_one_sentence(tiny_en: Path, mosaic_home: Path, tmp_path: Path) -> None:
    question = write_wav(tmp_path / "question.wav", speech_clip(PHRASE_3S))
    assert_one_sentence(transcribe(mosaic_home, "--model", "base.en", str(question)),
                        "base.en.pt", str(mosaic_home / "data" / "models"))
    assert_one_sentence(transcribe(mosaic_home, "--model", "huge", str(question)),
                        "'huge' is not a Whisper model name")
    assert_one_sentence(transcribe(mosaic_home, "--model", str(tiny_en),
                                   str(tmp_path / "gone.wav")), "gone.wav")
    # the engine's own checks: a file that is not audio, a file that is not a checkpoint
    notes = tmp_path / "notes.wav"
    notes.write_text("a shopping list, not a recording\n" * 50)
    assert_one_sentence(transcribe(mosaic_home, "--model", str(tiny_en), str(notes)),
                        "notes.wav")
    fake = tmp_path / "fake.pt"
    fake.write_text("not a checkpoint\n")
    assert_one_sentence(transcribe(mosaic_home, "--model", str(fake), str(question)),
                        "fake.pt")
    assert_one_sentence(transcribe(mosaic_home, "--model", str(tiny_en), "--language", "zh",
                                   str(question)), "English only")
