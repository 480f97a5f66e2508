"""One Mosaic per data folder, with real processes: a second launch shows the first window.

The first tests drive ``tests.e2e.single_instance_app`` (a bare window guarded by the real
SingleInstance); the last ones start the real app, ``python -m assistant.app``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QLockFile

from assistant.ui.single_instance import instance_key, lock_file_path
from tests.e2e.child_lines import ChildLines

ROOT = Path(__file__).resolve().parents[2]
HELPER = [sys.executable, "-m", "tests.e2e.single_instance_app"]
ALREADY_RUNNING = "Mosaic is already running; its window was brought to the front."
START_TIMEOUT_S = 60
SECOND_LAUNCH_TIMEOUT_S = 30

pytestmark = pytest.mark.e2e


def environment(home: Path) -> dict[str, str]:
    return dict(os.environ, MOSAIC_HOME=str(home), QT_QPA_PLATFORM="offscreen",
                PYTHONUNBUFFERED="1")


def data_dir(home: Path) -> Path:
    """The data folder app_paths() gives a process whose MOSAIC_HOME is ``home``."""
    return home.expanduser().resolve() / "data"


def socket_file(home: Path) -> Path:
    """Where QLocalServer puts the primary's socket on Unix."""
    return Path(QDir.tempPath()) / instance_key(data_dir(home))


class Process:
    """A child process whose stdout lines are read with a deadline."""

    def __init__(self, command: list[str], home: Path) -> None:
        self.home = home
        self.popen = subprocess.Popen(command, cwd=ROOT, env=environment(home),
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = ChildLines(self.popen)

    def wait_for_line(self, prefix: str | tuple[str, ...],
                      timeout: float = START_TIMEOUT_S) -> str:
        """The next line starting with ``prefix``; fails with all output otherwise."""
        deadline = time.monotonic() + timeout
        while (line := self.output.next_line(deadline - time.monotonic())) is not None:
            if line.startswith(prefix):
                return line
        pytest.fail(f"no line starting {prefix!r} within {timeout} s "
                    f"(exit {self.popen.poll()}); output:\n" + "\n".join(self.output.seen))

    def printed_nothing_yet(self) -> bool:
        return self.output.next_line(0) is None and not self.output.seen

    def kill(self) -> None:
        self.output.close()


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.kill()
        socket_file(process.home).unlink(missing_ok=True)  # what SIGKILL left behind


def start(processes: list[Process], home: Path, *args: str) -> Process:
    process = Process([*HELPER, *args], home)
    processes.append(process)
    return process


def launch_again(home: Path, *args: str,
                 command: list[str] = HELPER) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*command, *args], cwd=ROOT, env=environment(home),
                          capture_output=True, text=True, timeout=SECOND_LAUNCH_TIMEOUT_S)


def test_second_launch_shows_the_hidden_first_window_and_exits(
        processes: list[Process], mosaic_home: Path) -> None:
    first = start(processes, mosaic_home, "--hidden")
    first.wait_for_line("PRIMARY")

    began = time.monotonic()
    second = launch_again(mosaic_home, "--from-second", "x y")
    assert second.returncode == 0, second.stdout + second.stderr
    assert ALREADY_RUNNING in second.stdout
    assert "PRIMARY" not in second.stdout
    assert time.monotonic() - began < 10

    report = json.loads(first.wait_for_line("ACTIVATED", timeout=10).split(" ", 1)[1])
    assert report == {"argv": ["--from-second", "x y"], "visible": True, "minimized": False}
    assert first.popen.poll() is None  # the first one keeps running


def test_a_killed_primarys_stale_socket_does_not_block_the_next_launch(
        processes: list[Process], mosaic_home: Path) -> None:
    first = start(processes, mosaic_home)
    first.wait_for_line("PRIMARY")
    first.kill()
    if sys.platform != "win32":
        assert socket_file(mosaic_home).exists()  # SIGKILL left the socket file behind

    third = start(processes, mosaic_home)
    third.wait_for_line("PRIMARY")
    fourth = launch_again(mosaic_home)
    assert fourth.returncode == 0 and ALREADY_RUNNING in fourth.stdout
    third.wait_for_line("ACTIVATED", timeout=10)


def test_simultaneous_launches_make_exactly_one_primary(
        processes: list[Process], mosaic_home: Path) -> None:
    launches = [start(processes, mosaic_home) for _ in range(4)]
    primaries = 0
    for launch in launches:
        line = launch.wait_for_line(("PRIMARY", ALREADY_RUNNING))
        if line.startswith("PRIMARY"):
            primaries += 1
        else:
            assert line == ALREADY_RUNNING
            assert launch.popen.wait(timeout=10) == 0
    assert primaries == 1


def test_a_launch_waits_while_another_is_between_checking_and_listening(
        processes: list[Process], mosaic_home: Path) -> None:
    lock = QLockFile(str(lock_file_path(instance_key(data_dir(mosaic_home)))))
    assert lock.tryLock(0)
    try:
        waiting = start(processes, mosaic_home)
        time.sleep(3)  # long enough to import Qt and reach the lock
        assert waiting.popen.poll() is None
        assert waiting.printed_nothing_yet()
        assert not socket_file(mosaic_home).exists()  # it did not listen behind the lock
    finally:
        lock.unlock()
    waiting.wait_for_line("PRIMARY", timeout=15)


def test_different_data_folders_run_side_by_side(
        processes: list[Process], tmp_path: Path) -> None:
    one = start(processes, tmp_path / "one")
    other = start(processes, tmp_path / "other")
    one.wait_for_line("PRIMARY")
    other.wait_for_line("PRIMARY")
    assert one.popen.poll() is None and other.popen.poll() is None


@pytest.mark.skipif(sys.platform == "win32", reason="talks to the Unix socket file directly")
def test_a_malformed_request_is_refused_and_the_primary_keeps_serving(
        processes: list[Process], mosaic_home: Path) -> None:
    first = start(processes, mosaic_home)
    first.wait_for_line("PRIMARY")
    for junk in (b"not json\n", b'{"version": 1, "command": "format-disk"}\n'):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
            raw.settimeout(10)
            raw.connect(str(socket_file(mosaic_home)))
            raw.sendall(junk)
            answer = json.loads(raw.makefile().readline())
        assert answer["ok"] is False and answer["error"]
    second = launch_again(mosaic_home)
    assert second.returncode == 0 and ALREADY_RUNNING in second.stdout
    report = json.loads(first.wait_for_line("ACTIVATED", timeout=10).split(" ", 1)[1])
    assert report["argv"] == []  # the junk never counted as an activation


# The real app: needs launch.run_window to claim the instance before building the window.
APP = [sys.executable, "-m", "assistant.app"]


def file_identity(path: Path) -> tuple[int, int] | None:
    """Tells a re-created file from the old one (an inode number alone may be reused)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns


def wait_until_listening(app: Process, home: Path,
                         stale: tuple[int, int] | None = None,
                         timeout: float = START_TIMEOUT_S) -> None:
    """Until ``app`` has its socket file (a new one, when a stale one was there)."""
    deadline = time.monotonic() + timeout
    path = socket_file(home)
    while file_identity(path) in (None, stale):
        if app.popen.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the app never listened (exit {app.popen.poll()}); output:\n"
                        + "\n".join(app.output.until_quiet(0.1)))
        time.sleep(0.1)


@pytest.mark.skipif(sys.platform == "win32", reason="watches the Unix socket file")
def test_real_app_second_launch_exits_and_a_launch_after_a_kill_takes_over(
        processes: list[Process], mosaic_home: Path) -> None:
    first = Process(APP, mosaic_home)
    processes.append(first)
    wait_until_listening(first, mosaic_home)

    began = time.monotonic()
    second = launch_again(mosaic_home, command=APP)
    assert second.returncode == 0, second.stdout + second.stderr
    assert ALREADY_RUNNING in second.stdout
    assert time.monotonic() - began < 15
    time.sleep(0.5)
    assert first.popen.poll() is None  # the first window is still there

    first.kill()
    stale = file_identity(socket_file(mosaic_home))
    assert stale is not None  # SIGKILL left the socket file
    time.sleep(0.01)  # a re-created file gets a later modification time
    third = Process(APP, mosaic_home)
    processes.append(third)
    wait_until_listening(third, mosaic_home, stale=stale)
    fourth = launch_again(mosaic_home, command=APP)
    assert fourth.returncode == 0 and ALREADY_RUNNING in fourth.stdout
    assert third.popen.poll() is None
