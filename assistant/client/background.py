"""Run a plain Python callable off the GUI thread and hear back in the GUI thread.

Used for work that must not freeze the window but needs no engine, such as inspecting a GGUF
header::

    run_in_background(inspect_gguf, path, on_done=self._on_inspected, on_error=self._on_failed)

``fn(*args)`` runs on a :class:`QThreadPool`. Its return value reaches ``on_done(result)``; an
exception it raises reaches ``on_error(message)`` as one sentence (``str(exc)``, so raise
exceptions whose text a person can act on). Both callbacks run in the GUI thread, queued.

The callbacks must be bound methods (or ``@Slot`` methods) of QObjects that live in the GUI
thread, or signals. Lambdas and plain functions are refused: PySide6 may run a lambda
connected across threads in the emitting thread, which would touch widgets from the pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThread,
    QThreadPool,
    Signal,
    SignalInstance,
    Slot,
)

log = logging.getLogger(__name__)

_IN_FLIGHT: set[_Relay] = set()  # relays whose answer has not been delivered yet


class _Relay(QObject):
    """Lives in the GUI thread; its signals carry one job's outcome there."""

    done = Signal(object)
    failed = Signal(str)

    @Slot()
    def release(self) -> None:
        _IN_FLIGHT.discard(self)
        self.deleteLater()


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args)
        except Exception as exc:
            log.info("background task %s failed", getattr(self._fn, "__name__", self._fn),
                     exc_info=True)
            self._relay.failed.emit(describe_failure(exc))
            return
        self._relay.done.emit(result)


def describe_failure(exc: BaseException) -> str:
    """The sentence a failed background task reports."""
    text = " ".join(str(exc).split())
    if text:
        return text
    return f"The task failed unexpectedly ({type(exc).__name__}); try again."


def _require_slot(callback: Callable[..., Any], name: str) -> None:
    if isinstance(callback, SignalInstance):
        return
    if isinstance(getattr(callback, "__self__", None), QObject):
        return
    raise TypeError(f"{name} must be a bound method of a QObject or a signal, not "
                    f"{callback!r}; lambdas and plain functions cannot be queued safely "
                    "into the GUI thread")


def run_in_background(fn: Callable[..., Any], *args: Any,
                      on_done: Callable[[Any], Any], on_error: Callable[[str], Any],
                      pool: QThreadPool | None = None) -> None:
    """Run ``fn(*args)`` on ``pool`` (the global pool by default); see the module doc."""
    _require_slot(on_done, "on_done")
    _require_slot(on_error, "on_error")
    relay = _Relay()
    app = QCoreApplication.instance()
    if app is not None and QThread.currentThread() is not app.thread():
        relay.moveToThread(app.thread())
    relay.done.connect(on_done)
    relay.failed.connect(on_error)
    relay.done.connect(relay.release)
    relay.failed.connect(relay.release)
    _IN_FLIGHT.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, args, relay))
