"""llama.cpp plumbing for the text backend: import, log capture, load progress, pieces.

Everything here touches ``llama_cpp`` objects handed in by the caller; ``llama_cpp`` itself
is imported lazily by :func:`import_llama`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from collections.abc import Callable, Iterator
from typing import Any

from assistant.core.protocol import ErrorCode
from assistant.engine.backend import BackendError
from assistant.models.gguf_inspect import GGUFInfo, unsupported_architecture_message

log = logging.getLogger(__name__)

# enum ggml_log_level in current ggml (llama-cpp-python's _logger.py still has the old one)
_GGML_LOG_WARN, _GGML_LOG_ERROR, _GGML_LOG_CONT = 3, 4, 5


class _LlamaLog:
    """Routes llama.cpp's log into Python logging and records errors while a model loads."""

    def __init__(self) -> None:
        self.recording: list[str] | None = None
        self._callback: Any = None
        self._level = 0
        self._mtmd_installed = False

    def install(self, llama_cpp: Any) -> None:
        if self._callback is not None:
            return

        def on_log(level: int, text: bytes, _user_data: Any) -> None:
            try:
                message = text.decode("utf-8", errors="replace")
                if level != _GGML_LOG_CONT:
                    self._level = level
                if self.recording is not None and self._level >= _GGML_LOG_WARN:
                    self.recording.append(message)
                if level == _GGML_LOG_ERROR:
                    log.warning("llama.cpp: %s", message.rstrip())
            except Exception:  # a ctypes callback must never raise
                pass

        self._callback = llama_cpp.llama_log_callback(on_log)
        llama_cpp.llama_log_set(self._callback, ctypes.c_void_p(0))

    def install_mtmd(self, mtmd: Any) -> None:
        """Route the multimodal library's log (the projector loader's errors) here too."""
        if self._callback is not None and not self._mtmd_installed:
            mtmd.mtmd_log_set(self._callback, ctypes.c_void_p(0))
            mtmd.mtmd_helper_log_set(self._callback, ctypes.c_void_p(0))
            self._mtmd_installed = True

    @contextlib.contextmanager
    def record(self) -> Iterator[list[str]]:
        self.recording = lines = []
        try:
            yield lines
        finally:
            self.recording = None


LLAMA_LOG = _LlamaLog()


def import_llama() -> Any:
    """The ``llama_cpp`` module, with its log routed to Python logging."""
    try:
        import llama_cpp
    except ImportError as exc:
        raise BackendError(ErrorCode.INTERNAL,
                           "llama-cpp-python is not installed or does not load "
                           f"({exc}); reinstall Mosaic.") from None
    LLAMA_LOG.install(llama_cpp)
    return llama_cpp


@contextlib.contextmanager
def load_progress(llama_cpp: Any, progress: Callable[[float], None]) -> Iterator[list]:
    """Report llama.cpp's load progress while a ``Llama`` is built.

    llama-cpp-python's ``Llama`` takes no progress callback, but builds its model params
    from ``llama_cpp.llama_cpp.llama_model_default_params()``; that function is wrapped for
    the duration of the load to set ``progress_callback``. Yields a list that receives an
    exception raised by ``progress`` (the load is then aborted).
    """
    module = llama_cpp.llama_cpp
    original = module.llama_model_default_params
    failures: list[BaseException] = []

    def on_progress(fraction: float, _user_data: Any) -> bool:
        try:
            progress(float(fraction))
            return True
        except BaseException as exc:  # abort the load and re-raise afterwards
            failures.append(exc)
            return False

    # The ctypes thunk must outlive the load; this frame holds it until the load returns.
    callback = llama_cpp.llama_progress_callback(on_progress)

    def default_params() -> Any:
        params = original()
        params.progress_callback = callback
        return params

    module.llama_model_default_params = default_params
    try:
        yield failures
    finally:
        module.llama_model_default_params = original


def piece_reader(llama_cpp: Any, vocab: Any) -> Callable[[int], bytes]:
    """token → its bytes, reusing one buffer (llama.cpp writes no terminator)."""
    size = 64
    buffer = ctypes.create_string_buffer(size)
    to_piece, string_at = llama_cpp.llama_token_to_piece, ctypes.string_at

    def piece(token: int) -> bytes:
        nonlocal buffer, size
        n = to_piece(vocab, token, buffer, size, 0, False)
        if n < 0:
            size = -n
            buffer = ctypes.create_string_buffer(size)
            n = to_piece(vocab, token, buffer, size, 0, False)
        return string_at(buffer, n)

    return piece


def load_failure_message(info: GGUFInfo, log_lines: list[str], exc: Exception) -> str:
    """The sentence for a file llama.cpp refused although its header was fine."""
    text = " ".join("".join(log_lines).split())
    if "unknown model architecture" in text:
        return unsupported_architecture_message(info)
    if "out of memory" in text.lower() or "failed to allocate" in text.lower():
        return (f"There is not enough memory to load {info.name}; close other programs, "
                "lower the context size, or choose a smaller model.")
    detail = ""
    for marker in ("error loading model: ", "llama_model_load: "):
        if marker in text:
            detail = text.split(marker)[-1][:200]
            break
    detail = detail or str(exc)[:200]
    return (f"llama.cpp could not load {info.name} ({detail}); the file may be damaged or "
            "need a newer Mosaic — download it again or choose another model.")
