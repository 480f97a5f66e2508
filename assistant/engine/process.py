"""Owner of one engine: a spawned child process (or, for unit tests, a thread) and its pipe.

Qt-free. The client's worker thread uses it like this::

    engine = EngineProcess()
    engine.start("llama")                      # or start_in_thread("fake") in unit tests
    engine.send(LoadModel(1, path))
    multiprocessing.connection.wait([engine.connection, engine.sentinel], timeout)
    event = engine.recv()                      # raises EngineDied when the engine is gone

A native crash (SIGABRT from a llama.cpp assertion, SIGKILL from the out-of-memory killer)
ends the child only; ``recv`` then raises :class:`EngineDied` with a sentence saying how.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from assistant.core.protocol import Event, Request, Shutdown
from assistant.logging_setup import ENGINE_LOG_FILE_NAME, configure_logging, level_from_env
from assistant.paths import app_paths

RESTART_HINT = "it will restart with your next message."
_NATIVE_CRASHES = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL,
                   signal.SIGFPE}


class EngineDied(Exception):
    """The engine ended; ``str()`` / ``message`` says how, in one sentence."""

    def __init__(self, exit_code: int | None, message: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.message = message


def describe_exit(exit_code: int | None, killed_on_purpose: bool = False) -> str:
    """One sentence about how an engine ended (``exit_code`` as multiprocessing reports it)."""
    if killed_on_purpose:
        return f"The engine was stopped to interrupt its work; {RESTART_HINT}"
    if exit_code is None:
        return f"The engine stopped answering; {RESTART_HINT}"
    if exit_code < 0:
        number = -exit_code
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGKILL:
            return ("The engine stopped unexpectedly (it was killed by signal 9 — possibly out "
                    f"of memory); {RESTART_HINT}")
        if number in _NATIVE_CRASHES:
            return f"The engine crashed with a native error ({name}); {RESTART_HINT}"
        return f"The engine stopped unexpectedly (it was ended by {name}); {RESTART_HINT}"
    if exit_code == 0:
        return f"The engine stopped; {RESTART_HINT}"
    return f"The engine exited unexpectedly (exit code {exit_code}); {RESTART_HINT}"


def _engine_main(conn: Connection, backend: str, options: dict[str, Any] | None) -> None:
    """Entry point of the spawned engine process."""
    os.environ["GGML_NO_BACKTRACE"] = "1"  # before llama.cpp loads: no gdb on abort
    # Ctrl+C in a terminal reaches the whole process group; the window decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Its own file (two processes must not rotate one log), and not the terminal, which
    # belongs to what `mosaic ask` / `mosaic transcribe` print.
    configure_logging(app_paths().log_dir, level_from_env(), file_name=ENGINE_LOG_FILE_NAME,
                      to_stderr=False)
    from assistant.engine.host import serve

    serve(conn, backend, options)


class EngineProcess:
    """One engine and the client's end of its duplex pipe."""

    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._thread: threading.Thread | None = None
        self._thread_done: tuple[int, int] | None = None  # pipe closed when the thread ends
        self._killed_on_purpose = False

    # --- starting -----------------------------------------------------------------

    def start(self, backend: str = "llama", options: dict[str, Any] | None = None) -> None:
        """Spawn a fresh engine process running ``host.serve``."""
        self._require_stopped()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=_engine_main, args=(theirs, backend, options),
                                  name="mosaic-engine", daemon=True)
        process.start()
        theirs.close()  # only the child holds it now, so its death reads as end-of-file
        self._conn, self._process = ours, process
        self._killed_on_purpose = False

    def start_in_thread(self, backend: str = "fake",
                        options: dict[str, Any] | None = None) -> None:
        """Run ``host.serve`` in a daemon thread of this process (unit tests only)."""
        self._require_stopped()
        ours, theirs = multiprocessing.Pipe(duplex=True)
        done_read, done_write = os.pipe()

        def run() -> None:
            from assistant.engine.host import serve

            try:
                serve(theirs, backend, options)
            finally:
                os.close(done_write)

        thread = threading.Thread(target=run, name="mosaic-engine", daemon=True)
        self._conn, self._thread, self._thread_done = ours, thread, (done_read, done_write)
        self._killed_on_purpose = False
        thread.start()

    def _require_stopped(self) -> None:
        if self.is_alive():
            raise RuntimeError("this engine is already running; stop it first")
        self._release()

    # --- talking ------------------------------------------------------------------

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the engine was not started")
        return self._conn

    @property
    def sentinel(self) -> int:
        """A handle that becomes ready when the engine ends (for ``connection.wait``)."""
        if self._process is not None:
            return self._process.sentinel
        if self._thread_done is not None:
            return self._thread_done[0]
        raise RuntimeError("the engine was not started")

    @property
    def pid(self) -> int | None:
        if self._process is not None:
            return self._process.pid
        return os.getpid() if self._thread is not None else None

    @property
    def exit_code(self) -> int | None:
        return self._process.exitcode if self._process is not None else None

    def ended_exit_code(self, timeout_s: float = 1.0) -> int | None:
        """The exit code of a process whose sentinel fired: its pipes close a moment before
        the kernel can report how it ended, so wait up to ``timeout_s`` for that."""
        if self._process is None:
            return None
        self._process.join(timeout=timeout_s)
        return self._process.exitcode

    def send(self, request: Request) -> None:
        """Send one request; raises EngineDied when the engine is gone."""
        try:
            self.connection.send(request)
        except (OSError, ValueError):
            raise self._died() from None

    def poll(self, timeout: float | None = 0.0) -> bool:
        """True when an event (or the end of the engine) can be read without waiting."""
        try:
            return self.connection.poll(timeout)
        except (OSError, ValueError):
            return True  # recv will raise EngineDied

    def recv(self) -> Event:
        """The next event; raises EngineDied when the engine has ended."""
        try:
            return self.connection.recv()
        except (EOFError, OSError, ValueError):
            raise self._died() from None

    def _died(self) -> EngineDied:
        exit_code: int | None = None
        if self._process is not None:
            self._process.join(timeout=2.0)
            exit_code = self._process.exitcode
            message = describe_exit(exit_code, self._killed_on_purpose)
        elif self._killed_on_purpose:
            message = describe_exit(None, True)
        else:
            message = f"The engine stopped; {RESTART_HINT}"
        return EngineDied(exit_code, message)

    # --- stopping -----------------------------------------------------------------

    def is_alive(self) -> bool:
        if self._process is not None:
            return self._process.is_alive()
        return self._thread is not None and self._thread.is_alive()

    def kill(self) -> None:
        """End the engine now (SIGKILL for a process) and wait for it."""
        self._killed_on_purpose = True
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5.0)
        elif self._thread is not None:
            # A thread cannot be killed: closing our end makes it stop at its next poll.
            if self._conn is not None:
                self._conn.close()
            self._thread.join(timeout=5.0)

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the engine to shut down; kill it when it has not ended within ``timeout``."""
        if self._conn is not None and not self._conn.closed:
            with contextlib.suppress(OSError, ValueError):
                self._conn.send(Shutdown())
        if self._process is not None:
            self._process.join(timeout=timeout)
            if self._process.is_alive():
                self.kill()
        elif self._thread is not None:
            self._thread.join(timeout=timeout)
            if self._thread.is_alive():
                self.kill()
        self._release()

    def _release(self) -> None:
        """Close the pipe and handles of an engine that has ended."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            with contextlib.suppress(ValueError):
                self._process.close()
        if self._thread_done is not None:
            with contextlib.suppress(OSError):
                os.close(self._thread_done[0])
        self._conn, self._process, self._thread, self._thread_done = None, None, None, None
