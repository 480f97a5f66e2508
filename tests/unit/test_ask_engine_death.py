"""`mosaic ask` names the right culprit when the engine process dies while loading."""

from __future__ import annotations

import signal

from assistant.cli.ask import _died_while_loading


def test_a_crash_in_llama_cpp_blames_the_model_file() -> None:
    sentence = _died_while_loading("model", "/m/broken.gguf", "", -signal.SIGABRT)
    assert "broken.gguf (SIGABRT)" in sentence and "choose another model file" in sentence


def test_a_python_failure_in_the_engine_points_at_the_installation(tmp_path) -> None:
    sentence = _died_while_loading("model", "/m/fine.gguf", "", 1)
    assert "exit code 1" in sentence and "reinstall Mosaic" in sentence
    assert "engine.log" in sentence and "fine.gguf" not in sentence
