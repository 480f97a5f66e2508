"""Shared pytest fixtures (model files, engines). Registered from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_hub import FakeHub
from tests.support.gemma_model import GemmaUnavailable, gemma_model_path
from tests.support.synthetic_gguf import write_tiny_llama
from tests.support.synthetic_vision import VisionPair, write_tiny_vision_pair


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama model with a ChatML chat template."""
    return write_tiny_llama(tmp_path_factory.mktemp("models") / "tiny-llama.gguf")


@pytest.fixture(scope="session")
def tiny_gguf_no_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same kind of tiny model without ``tokenizer.chat_template``."""
    folder = tmp_path_factory.mktemp("models")
    return write_tiny_llama(folder / "tiny-llama-no-template.gguf", chat_template=None)


@pytest.fixture(scope="session")
def gemma_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real gemma-3-270m Q4_K_M model, assembled from its PyPI package (never fetched)."""
    try:
        return gemma_model_path(tmp_path_factory.mktemp("gemma"))
    except GemmaUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def tiny_vision_pair(tmp_path_factory: pytest.TempPathFactory) -> VisionPair:
    """A tiny random-weight llama model and its LLaVA-style (mlp) projector, side by side."""
    return write_tiny_vision_pair(tmp_path_factory.mktemp("vision"))


PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment (downloads honour the system's proxy settings)."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def hub(no_proxy_env: None) -> Iterator[FakeHub]:
    """A fake model hub on 127.0.0.1 (tests/support/fake_hub.py)."""
    with FakeHub() as fake:
        yield fake
