"""``mosaic ask``: the headless path through the same engine process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.synthetic_gguf import write_not_gguf

pytestmark = pytest.mark.engine
ROOT = Path(__file__).resolve().parents[2]


def ask(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", "ask", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, PYTHONUNBUFFERED="1"))


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
