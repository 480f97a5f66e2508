"""One Mosaic per person and data folder: a second launch shows the first one's window.

The first process (the primary) listens on a QLocalServer named by :func:`instance_key`.
A later launch connects, sends one JSON line ``{"version": 1, "command": "show", "argv":
[...]}`` and waits for the primary's one-line answer ``{"version": 1, "ok": true}``; then it
exits. A socket left behind by a primary that died is removed by the next launch, which
becomes the primary. A lock file serializes the check-then-listen step, so two launches at
the same moment cannot both become primaries.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QDir, QLockFile, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from assistant import APP_NAME

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
SHOW_COMMAND = "show"
# A request is one short line; anything longer is not from Mosaic.
MAX_REQUEST_BYTES = 64 * 1024
CONNECT_TIMEOUT_MS = 1_000
# The primary answers from its event loop, which may still be busy building its window.
ANSWER_TIMEOUT_MS = 5_000
LOCK_TIMEOUT_MS = 10_000
# Platforms that warn ("This plugin does not support raise()") and have nothing to raise.
_HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})


def instance_key(data_dir: Path, user: str | None = None) -> str:
    """The local-server name for this person and data folder: ``mosaic-<user>-<hash>``.

    Short on purpose: on Unix it becomes a socket file in the temp folder, and socket paths
    are limited to about 100 bytes.
    """
    user = _user_name() if user is None else user
    safe_user = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:16] or "user"
    folder = os.path.normcase(os.path.abspath(data_dir))
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()[:12]
    return f"{APP_NAME.lower()}-{safe_user}-{digest}"


def lock_file_path(key: str) -> Path:
    """The lock file that serializes claims on ``key`` (beside its Unix socket)."""
    return Path(QDir.tempPath()) / f"{key}.lock"


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no USER/LOGNAME (some containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


@dataclass(frozen=True)
class Request:
    """What a later launch asks of the primary."""

    command: str
    argv: tuple[str, ...] = ()
    version: int = PROTOCOL_VERSION

    def encode(self) -> bytes:
        return (json.dumps({"version": self.version, "command": self.command,
                            "argv": list(self.argv)}) + "\n").encode()

    @classmethod
    def decode(cls, line: bytes) -> Request:
        """The request in ``line``; ValueError when it is not one."""
        data = json.loads(line.decode())
        if not isinstance(data, dict):
            raise ValueError("a request is a JSON object")
        command, argv = data.get("command"), data.get("argv", [])
        version = data.get("version")
        if not isinstance(command, str) or not isinstance(version, int):
            raise ValueError("a request needs a string 'command' and an integer 'version'")
        if not isinstance(argv, list) or not all(isinstance(arg, str) for arg in argv):
            raise ValueError("'argv' must be a list of strings")
        return cls(command, tuple(argv), version)


def _answer(ok: bool, error: str = "") -> bytes:
    body: dict[str, object] = {"version": PROTOCOL_VERSION, "ok": ok}
    if error:
        body["error"] = error
    return (json.dumps(body) + "\n").encode()


class Outcome(Enum):
    """What :meth:`SingleInstance.claim` found."""

    PRIMARY = "primary"  # no other Mosaic: this process listens now
    SHOWN = "shown"  # another Mosaic answered and showed its window
    NO_ANSWER = "no_answer"  # another Mosaic holds the socket but did not answer in time


class SingleInstance(QObject):
    """Claims the one-instance slot for a data folder, or asks the holder to show itself."""

    # Emitted in the primary when a later launch asks for the window; carries its argv.
    activationRequested = Signal(list)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(data_dir)
        self.outcome: Outcome | None = None
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, QByteArray] = {}
        self._lock = QLockFile(str(lock_file_path(self.key)))

    @property
    def is_primary(self) -> bool:
        return self._server is not None and self._server.isListening()

    def claim(self, argv: list[str] | None = None) -> bool:
        """True: this process is the primary and now listens. False: another Mosaic runs for
        the same data folder (it was asked to show its window); :meth:`already_running_message`
        says so in a sentence for the person."""
        if self.is_primary:
            return True
        locked = self._lock.tryLock(LOCK_TIMEOUT_MS)
        if not locked and self._lock.error() == QLockFile.LockError.LockFailedError:
            # Another launch has sat between checking and listening for seconds: ask
            # whoever listens now, and do not risk a second primary.
            log.warning("single-instance lock for %s held by another process", self.key)
            return self._finish(self._ask_primary(argv or []) or Outcome.NO_ANSWER)
        # Unlocked (the temp folder refused the lock file) the guard is merely racier.
        try:
            outcome = self._ask_primary(argv or [])
            if outcome is None:
                outcome = self._listen()
            if outcome is None:  # a launch that does not take the lock listens now
                outcome = self._ask_primary(argv or []) or Outcome.PRIMARY
        finally:
            if locked:
                self._lock.unlock()
        return self._finish(outcome)

    def _finish(self, outcome: Outcome) -> bool:
        self.outcome = outcome
        return outcome is Outcome.PRIMARY

    def already_running_message(self) -> str:
        """One sentence for the terminal after :meth:`claim` returned False."""
        if self.outcome is Outcome.NO_ANSWER:
            return QCoreApplication.translate(
                "SingleInstance",
                "{app} is already running but did not answer within {seconds} s; wait a "
                "moment and start it again, or end the other {app} process.").format(
                    app=APP_NAME, seconds=ANSWER_TIMEOUT_MS // 1000)
        return QCoreApplication.translate(
            "SingleInstance",
            "{app} is already running; its window was brought to the front.").format(
                app=APP_NAME)

    def _ask_primary(self, argv: list[str]) -> Outcome | None:
        """SHOWN or NO_ANSWER when a primary holds the socket; None when nobody does."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            # ServerNotFound (no socket) or ConnectionRefused (a stale socket file).
            log.debug("no primary on %s: %s", self.key, socket.errorString())
            return None
        socket.write(Request(SHOW_COMMAND, tuple(argv)).encode())
        socket.flush()
        reply = QByteArray()
        while b"\n" not in reply.data() and socket.waitForReadyRead(ANSWER_TIMEOUT_MS):
            reply.append(socket.readAll())
        socket.abort()
        line = reply.data().split(b"\n", 1)[0]
        try:
            answer = json.loads(line.decode()) if line else None
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("ok") is True:
            return Outcome.SHOWN
        log.warning("the running %s did not answer on %s (reply %r)", APP_NAME, self.key, line)
        return Outcome.NO_ANSWER

    def _listen(self) -> Outcome | None:
        """PRIMARY, or None when someone else started listening first."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._accept)
        # Nobody answered, so a socket file left here is a dead primary's; the lock keeps
        # another launch from creating a live one in between.
        QLocalServer.removeServer(self.key)
        if server.listen(self.key):
            self._server = server
            return Outcome.PRIMARY
        error = server.serverError()
        log.error("cannot listen on %s: %s", self.key, server.errorString())
        server.deleteLater()
        if error == QAbstractSocket.SocketError.AddressInUseError:
            return None
        # Still run: one window without the single-instance guard beats no window.
        return Outcome.PRIMARY

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = QByteArray()
            socket.readyRead.connect(self._read)
            socket.disconnected.connect(self._forget)
            # Bytes may have arrived before readyRead was connected.
            self._read_from(socket)

    def _read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read_from(socket)

    def _read_from(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.append(socket.readAll())
        data = buffer.data()
        if b"\n" not in data:
            if len(data) > MAX_REQUEST_BYTES:
                self._reply(socket, _answer(False, "request too long"))
            return
        line = data.split(b"\n", 1)[0]
        try:
            request = Request.decode(line)
        except ValueError as exc:
            self._reply(socket, _answer(False, f"not a request: {exc}"))
            return
        if request.command != SHOW_COMMAND:
            self._reply(socket, _answer(False, f"unknown command {request.command!r}"))
            return
        self._reply(socket, _answer(True))
        self.activationRequested.emit(list(request.argv))

    def _reply(self, socket: QLocalSocket, answer: bytes) -> None:
        self._buffers.pop(socket, None)
        if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
            socket.write(answer)
            socket.flush()
            socket.disconnectFromServer()
        socket.deleteLater()

    def _forget(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and self._buffers.pop(socket, None) is not None:
            socket.deleteLater()

    def release(self) -> None:
        """Stop listening and remove the socket (on quit); a later launch becomes primary."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` (also from hidden or minimized), raise it and give it the focus."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState((state & ~Qt.WindowState.WindowMinimized)
                              | Qt.WindowState.WindowActive)
    window.show()
    if QGuiApplication.platformName() not in _HEADLESS_PLATFORMS:
        window.raise_()
    window.activateWindow()


__all__ = ["PROTOCOL_VERSION", "Outcome", "Request", "SingleInstance", "bring_to_front",
           "instance_key", "lock_file_path"]
