"""``mosaic ask``: the headless path through the same engine process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.synthetic_gguf import write_not_gguf
from tests.support.synthetic_vision import (
    VisionPair,
    write_corrupt_mmproj,
    write_tiny_vision_pair,
)

pytestmark = pytest.mark.engine
ROOT = Path(__file__).resolve().parents[2]


def ask(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "ask", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, PYTHONUNBUFFERED="1", GGML_NO_BACKTRACE="1"))


def test_gemma_answers_the_capital_of_france(gemma_gguf: Path) -> None:
    result = ask("--model", str(gemma_gguf), "--raw", "--temperature", "0", "--max-tokens",
                 "8", "--threads", "2", "Question: What is the capital of France?\nAnswer:")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout


def test_chat_fallback_and_flags(gemma_gguf: Path) -> None:
    result = ask("--model", str(gemma_gguf), "--temperature", "0", "--max-tokens", "16",
                 "--ctx", "512", "--seed", "1", "--timings", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    assert "512 ctx" in result.stderr and "plain fallback" in result.stderr
    assert "tokens/s" in result.stderr


def test_question_from_stdin_streams_with_the_tiny_model(tiny_gguf: Path) -> None:
    result = ask("--model", str(tiny_gguf), "--max-tokens", "12", "--system", "Be brief.", "-",
                 stdin="Hello?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    # The engine's log goes to its own file in the log folder, not between the answer lines.
    assert result.stderr == ""
    engine_log = Path(os.environ["MOSAIC_HOME"]) / "logs" / "engine.log"
    assert "[mosaic-engine]" in engine_log.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["missing", "not_gguf"])
def test_bad_model_fails_with_a_sentence(tmp_path: Path, kind: str) -> None:
    model = tmp_path / "model.gguf"
    if kind == "not_gguf":
        write_not_gguf(model)
    result = ask("--model", str(model), "hello")
    assert result.returncode == 1
    assert result.stderr.startswith("mosaic ask: ")
    assert "Traceback" not in result.stderr
    assert str(model.name) in result.stderr


def test_empty_question_is_a_usage_error(tiny_gguf: Path) -> None:
    result = ask("--model", str(tiny_gguf), "   ")
    assert result.returncode == 2
    assert "question is empty" in result.stderr


# --- images -------------------------------------------------------------------------

QUESTION = "What is in this picture?"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pictures")
    red = folder / "red.png"
    Image.new("RGB", (120, 90), (220, 30, 30)).save(red)
    noise = folder / "noise.jpg"
    pixels = np.random.default_rng(7).integers(0, 255, (200, 300, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(noise, quality=90)
    animated = folder / "blink.gif"
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((250, 0, 0), (0, 0, 250))]
    frames[0].save(animated, save_all=True, append_images=frames[1:], duration=100)
    notes = folder / "notes.png"
    notes.write_text("a shopping list, not a picture\n")
    return {"red": red, "noise": noise, "animated": animated, "notes": notes}


def ask_greedy(model: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ask("--model", str(model), "--temperature", "0", "--max-tokens", "8",
               "--threads", "1", "--ctx", "512", *args)


def test_an_image_is_answered_with_the_projector_found_beside_the_model(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path]) -> None:
    result = ask_greedy(tiny_vision_pair.model, "--image", str(pictures["red"]), "--timings",
                        QUESTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert f"sees images (LLaVA, {tiny_vision_pair.mmproj.name}" in result.stderr
    assert "[images] 64 of " in result.stderr  # the image reached the model


def test_different_images_give_different_greedy_answers(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path]) -> None:
    answers = []
    for picture in (pictures["red"], pictures["noise"], pictures["red"]):
        result = ask_greedy(tiny_vision_pair.model, "--mmproj", str(tiny_vision_pair.mmproj),
                            "--image", str(picture), QUESTION)
        assert result.returncode == 0, result.stderr
        answers.append(result.stdout)
    red, noise, red_again = answers
    assert red.strip() and noise.strip()
    assert red != noise
    assert red == red_again


def test_two_images_in_one_question_and_the_animated_gif_note(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path]) -> None:
    result = ask_greedy(tiny_vision_pair.model, "--image", str(pictures["animated"]),
                        "--image", str(pictures["noise"]), "--timings", "Compare them.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "blink.gif: Animated GIF: only the first frame is used." in result.stderr
    assert "[images] 128 of " in result.stderr


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mosaic ask: ")
    return lines[0].removeprefix("mosaic ask: ")


def test_a_file_that_is_not_an_image_fails_with_a_sentence(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path]) -> None:
    result = ask_greedy(tiny_vision_pair.model, "--image", str(pictures["red"]),
                        "--image", str(pictures["notes"]), QUESTION)
    assert _one_sentence(result) == ("notes.png is not an image Mosaic can read; attach a "
                                     "PNG, JPEG, WebP, GIF or BMP file.")


def test_a_missing_image_fails_with_a_sentence(tiny_vision_pair: VisionPair,
                                               tmp_path: Path) -> None:
    result = ask_greedy(tiny_vision_pair.model, "--image", str(tmp_path / "holiday.jpg"),
                        QUESTION)
    assert _one_sentence(result).startswith("holiday.jpg could not be read")


def test_a_model_without_projector_cannot_see_images(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path], tmp_path: Path) -> None:
    alone = tmp_path / "text-only" / tiny_vision_pair.model.name
    alone.parent.mkdir()
    shutil.copy(tiny_vision_pair.model, alone)
    result = ask_greedy(alone, "--image", str(pictures["red"]), QUESTION)
    assert _one_sentence(result) == (
        f"{alone.name} cannot see images: no vision projector (mmproj) was found beside it; "
        "pass --mmproj FILE.")


def test_a_projector_of_another_model_is_refused(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path], tmp_path: Path) -> None:
    other = write_tiny_vision_pair(tmp_path, projection_dim=96, name="wider")
    result = ask_greedy(tiny_vision_pair.model, "--mmproj", str(other.mmproj),
                        "--image", str(pictures["red"]), QUESTION)
    sentence = _one_sentence(result)
    assert sentence.startswith(f"{other.mmproj.name} does not belong to tiny-vision-test")
    assert "96-wide" in sentence


@pytest.mark.parametrize(("how", "expected"), [
    ("missing_required_tensor", "llama.cpp could not open the vision projector "
                                "bad-mmproj.gguf"),  # llama.cpp refuses it: an engine error
    ("wrong_shape", "The engine stopped while opening the vision projector bad-mmproj.gguf "
                    "(SIGABRT)"),  # llama.cpp aborts: the engine process ends
])
def test_a_damaged_projector_is_named_by_the_engine(
        tiny_vision_pair: VisionPair, pictures: dict[str, Path], tmp_path: Path, how: str,
        expected: str) -> None:
    bad = write_corrupt_mmproj(tiny_vision_pair.mmproj, tmp_path / "bad-mmproj.gguf", how)
    result = ask_greedy(tiny_vision_pair.model, "--mmproj", str(bad),
                        "--image", str(pictures["red"]), QUESTION)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # llama.cpp's own log lines may come first; Mosaic's sentence is the last line
    said = [line for line in result.stderr.splitlines() if line.startswith("mosaic ask: ")]
    assert len(said) == 1 and result.stderr.splitlines()[-1] == said[0]
    assert said[0].removeprefix("mosaic ask: ").startswith(expected)
    assert "--mmproj" in said[0] or "mmproj file" in said[0]


def test_images_with_raw_are_a_usage_error(tiny_vision_pair: VisionPair,
                                           pictures: dict[str, Path]) -> None:
    result = ask_greedy(tiny_vision_pair.model, "--raw", "--image", str(pictures["red"]),
                        QUESTION)
    assert result.returncode == 2
    assert "--raw sends text only" in result.stderr
