"""The test model files are real: llama.cpp loads them, tokenizes with them, generates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.models.gguf_inspect import inspect_gguf
from tests.support.synthetic_gguf import CHATML_TEMPLATE, write_tiny_llama

pytestmark = pytest.mark.engine

PROMPT = "Question: What is the capital of France?\nAnswer:"


def _load(path: Path, n_ctx: int = 512) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=str(path), n_ctx=n_ctx, n_threads=1, verbose=False, seed=0)


@pytest.fixture(scope="module")
def tiny_llm(tiny_gguf: Path) -> Iterator[Any]:
    llm = _load(tiny_gguf)
    yield llm
    llm.close()


def _greedy_ids(llm: Any, prompt: str, count: int) -> list[int]:
    llm.reset()
    ids = []
    for token in llm.generate(llm.tokenize(prompt.encode(), add_bos=True), temp=0.0):
        ids.append(token)
        if len(ids) == count or llm.token_eos() == token:
            break
    return ids


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_tiny_model_generates_many_tokens_deterministically(tiny_llm: Any) -> None:
    first = _greedy_ids(tiny_llm, PROMPT, 50)
    assert len(first) == 50
    assert tiny_llm.token_eos() not in first
    assert len(set(first)) >= 10, "greedy output should vary, not repeat one token"
    assert _greedy_ids(tiny_llm, PROMPT, 50) == first
    text = tiny_llm.detokenize(first).decode("utf-8")
    assert len(text.split()) >= 30


def test_same_seed_same_file_and_answer(tmp_path: Path, tiny_gguf: Path) -> None:
    again = write_tiny_llama(tmp_path / "again.gguf")
    other = write_tiny_llama(tmp_path / "other.gguf", seed=1)
    assert _digest(again) == _digest(tiny_gguf)
    assert _digest(other) != _digest(tiny_gguf)
    with_other = _load(other)
    try:
        completion = with_other(PROMPT, max_tokens=40, temperature=0.0)
        assert completion["choices"][0]["finish_reason"] == "length"
        assert completion["usage"]["completion_tokens"] == 40
    finally:
        with_other.close()


def test_completion_api_streams_until_the_limit(tiny_llm: Any) -> None:
    tiny_llm.reset()
    pieces = [chunk["choices"][0]["text"] for chunk in
              tiny_llm(PROMPT, max_tokens=40, temperature=0.0, stream=True)]
    assert len([piece for piece in pieces if piece]) >= 30
    tiny_llm.reset()
    whole = tiny_llm(PROMPT, max_tokens=40, temperature=0.0)["choices"][0]["text"]
    assert "".join(pieces) == whole


def test_tokenizer_words_bytes_and_specials(tiny_llm: Any) -> None:
    words = tiny_llm.tokenize(b"the capital of France", add_bos=False)
    assert [tiny_llm.detokenize([t]).decode() for t in words] == [
        " the", " capital", " of", " France"]
    text = "café 北京 ✓\n"
    ids = tiny_llm.tokenize(text.encode(), add_bos=False)
    assert len(ids) > len(text.split())  # é, 北, 京, ✓ and \n fall back to byte tokens
    assert tiny_llm.detokenize(ids).decode("utf-8").lstrip(" ") == text
    marked = tiny_llm.tokenize(b"<|im_start|>user", add_bos=False, special=True)
    assert tiny_llm.detokenize(marked[:1], special=True) == b"<|im_start|>"
    assert tiny_llm.tokenize(b"hi", add_bos=True)[0] == tiny_llm.token_bos()


def test_chat_template_travels_with_the_model(tiny_llm: Any, tiny_gguf_no_template: Path) -> None:
    assert tiny_llm.metadata["tokenizer.chat_template"] == CHATML_TEMPLATE
    bare = _load(tiny_gguf_no_template)
    try:
        assert "tokenizer.chat_template" not in bare.metadata
    finally:
        bare.close()


def test_unknown_architecture_is_refused_by_llama_cpp(tmp_path: Path) -> None:
    path = write_tiny_llama(tmp_path / "odd.gguf", architecture="notarealarch")
    assert inspect_gguf(path).architecture == "notarealarch"
    with pytest.raises(ValueError, match="Failed to load model"):
        _load(path)


def test_gemma_metadata(gemma_gguf: Path) -> None:
    info = inspect_gguf(gemma_gguf)
    assert (info.name, info.architecture, info.quantization) == ("Gemma 3 270m", "gemma3", "Q4_K_M")
    assert (info.context_length, info.embedding_length, info.block_count) == (32768, 640, 18)
    assert (info.head_count, info.head_count_kv, info.key_length) == (4, 1, 256)
    assert (info.bos_token, info.eos_token, info.add_bos_token) == ("<bos>", "<eos>", True)
    assert info.chat_template is None  # a base model: the GGUF carries no chat template
    assert 260_000_000 < info.parameter_count < 280_000_000
    assert info.summary() == "Gemma 3 270m · gemma3 · Q4_K_M · 253 MB · 32k context"


def test_gemma_answers_a_simple_question(gemma_gguf: Path) -> None:
    llm = _load(gemma_gguf)
    try:
        completion = llm(PROMPT, max_tokens=16, temperature=0.0)
    finally:
        llm.close()
    assert "Paris" in completion["choices"][0]["text"]
