"""Where Mosaic's log goes: a rotating file in the log folder, and the terminal.

The window process writes ``mosaic.log``; the engine process writes ``engine.log`` beside it
(two processes must not rotate one file). Python warnings, uncaught exceptions and uncaught
exceptions in threads are logged too, so a report from a person can include what happened.

Qt-free: the engine process and the command-line tools use this as well.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

LOG_FILE_NAME = "mosaic.log"
ENGINE_LOG_FILE_NAME = "engine.log"
MAX_BYTES = 1024 * 1024  # per file; with the backups at most 6 MiB per log
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s [%(processName)s] %(name)s: %(message)s"
LEVEL_ENV = "MOSAIC_LOG_LEVEL"  # e.g. DEBUG, for a person asked to send a detailed log

log = logging.getLogger(__name__)


@dataclass
class _Installed:
    """What :func:`configure_logging` changed, so that a second call replaces it and
    :func:`unconfigure_logging` puts it back."""

    handlers: list[logging.Handler]
    previous_excepthook: Any
    previous_thread_excepthook: Any
    previous_level: int


_installed: _Installed | None = None


def level_from_env(default: int = logging.INFO) -> int:
    """The level named by ``$MOSAIC_LOG_LEVEL`` (DEBUG, INFO, WARNING, …), else ``default``."""
    name = os.environ.get(LEVEL_ENV, "").strip().upper()
    level = logging.getLevelName(name) if name else default
    return level if isinstance(level, int) else default


def configure_logging(log_dir: Path, level: int = logging.INFO, *, to_stderr: bool = True,
                      file_name: str = LOG_FILE_NAME) -> Path | None:
    """Send the root logger to ``<log_dir>/<file_name>`` (rotated at 1 MiB, 5 backups, UTF-8)
    and, with ``to_stderr``, to the terminal; log warnings and uncaught exceptions.

    Calling it again replaces what the previous call installed (no duplicate lines). When
    the file cannot be written, logging goes to the terminal only, says so in one warning,
    and ``None`` is returned; otherwise the log file's path.
    """
    global _installed
    previous = _installed
    unconfigure_logging()
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = []
    path: Path | None = Path(log_dir) / file_name
    problem: str | None = None
    try:
        Path(log_dir).mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"))
    except OSError as exc:
        problem = (f"Could not write the log file {path} ({exc.strerror or exc}); "
                   "Mosaic logs to the terminal only until that folder can be written.")
        path = None
    if to_stderr or path is None:
        handlers.append(logging.StreamHandler(sys.stderr))
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    _installed = _Installed(
        handlers,
        previous.previous_excepthook if previous else sys.excepthook,
        previous.previous_thread_excepthook if previous else threading.excepthook,
        previous.previous_level if previous else root.level)
    root.setLevel(level)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    if problem:
        log.warning(problem)
    return path


def unconfigure_logging() -> None:
    """Remove what :func:`configure_logging` installed (its handlers, hooks and level)."""
    global _installed
    if _installed is None:
        return
    root = logging.getLogger()
    for handler in _installed.handlers:
        root.removeHandler(handler)
        handler.close()
    sys.excepthook = _installed.previous_excepthook
    threading.excepthook = _installed.previous_thread_excepthook
    root.setLevel(_installed.previous_level)
    logging.captureWarnings(False)
    _installed = None


def _log_uncaught(exc_type: type[BaseException], exc_value: BaseException,
                  exc_traceback: TracebackType | None) -> None:
    """``sys.excepthook``: the traceback goes to the log (and so to the terminal)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_traceback)
        return
    logging.getLogger("mosaic.uncaught").critical(
        "Uncaught exception", exc_info=(exc_type, exc_value, exc_traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: as :func:`_log_uncaught`, naming the thread."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "an unknown thread"
    logging.getLogger("mosaic.uncaught").critical(
        "Uncaught exception in thread %s", name,
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback))


__all__ = ["BACKUP_COUNT", "ENGINE_LOG_FILE_NAME", "LEVEL_ENV", "LOG_FILE_NAME", "MAX_BYTES",
           "configure_logging", "level_from_env", "unconfigure_logging"]
