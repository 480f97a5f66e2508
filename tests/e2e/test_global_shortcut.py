"""The global 'show Mosaic' key on a real X server (Xvfb), pressed with xdotool (XTEST).

The test process runs Qt offscreen, so the shortcut runs in a probe process on the xcb
platform against a private Xvfb display.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.child_lines import ChildLines

ROOT = Path(__file__).resolve().parents[2]
PROBE = [sys.executable, "-m", "tests.e2e.global_shortcut_probe"]
TAKEN = "Ctrl+Alt+M is taken by another application"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
                       reason="needs Xvfb and xdotool (apt-get install xvfb xauth xdotool)"),
]


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb server; its display name (Xvfb picks a free number)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "800x600x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as numbers:
            ready, _, _ = select.select([numbers], [], [], 30)
            number = numbers.readline().strip() if ready else ""
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


class Probe:
    def __init__(self, display: str, *args: str) -> None:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1")
        self.popen = subprocess.Popen([*PROBE, *args], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.output = ChildLines(self.popen)

    def read_lines(self, timeout: float) -> list[str]:
        """Lines printed until ``timeout`` seconds pass with nothing new."""
        return self.output.until_quiet(timeout)

    def first_line(self, timeout: float = 60) -> str:
        """The next line the probe prints; fails when it prints none in time."""
        line = self.output.next_line(timeout)
        if line is None:
            pytest.fail(f"the probe printed nothing in {timeout} s (exit {self.popen.poll()})")
        return line

    def stop(self) -> None:
        self.output.close()


@pytest.fixture
def probes() -> Iterator[list[Probe]]:
    started: list[Probe] = []
    yield started
    for probe in started:
        probe.stop()


def start(probes: list[Probe], display: str, *args: str) -> Probe:
    probe = Probe(display, *args)
    probes.append(probe)
    return probe


def press(display: str, *keys: str) -> None:
    subprocess.run(["xdotool", "key", *keys], env=dict(os.environ, DISPLAY=display),
                   check=True, timeout=30)


def test_the_key_fires_anywhere_with_or_without_num_and_caps_lock(
        probes: list[Probe], display: str) -> None:
    probe = start(probes, display, "Ctrl+Alt+M")
    assert probe.first_line() == "REGISTERED"

    press(display, "ctrl+alt+n", "alt+m", "ctrl+m")  # near misses do nothing
    assert probe.read_lines(timeout=1.0) == []

    press(display, "ctrl+alt+m")
    assert probe.read_lines(timeout=2.0) == ["ACTIVATED"]
    press(display, "Num_Lock", "ctrl+alt+m", "Num_Lock")
    assert probe.read_lines(timeout=2.0) == ["ACTIVATED"]
    press(display, "Caps_Lock", "ctrl+alt+m", "Caps_Lock")
    assert probe.read_lines(timeout=2.0) == ["ACTIVATED"]


def test_a_key_another_application_holds_is_reported_taken_and_freed_by_unregister(
        probes: list[Probe], display: str) -> None:
    holder = start(probes, display, "Ctrl+Alt+M", "--unregister-after-first")
    assert holder.first_line() == "REGISTERED"

    second = start(probes, display, "Ctrl+Alt+M")
    line = second.first_line()
    assert line.startswith("UNAVAILABLE ") and TAKEN in line
    assert second.popen.wait(timeout=30) == 0

    press(display, "ctrl+alt+m")
    assert holder.read_lines(timeout=2.0) == ["ACTIVATED", "UNREGISTERED"]

    # The holder still runs but let go of the key: a new launch can take it.
    assert holder.popen.poll() is None
    third = start(probes, display, "Ctrl+Alt+M")
    assert third.first_line() == "REGISTERED"
    press(display, "ctrl+alt+m")
    assert third.read_lines(timeout=2.0) == ["ACTIVATED"]
    assert holder.read_lines(timeout=0.5) == []


def test_a_different_key_works_and_a_non_key_is_refused(
        probes: list[Probe], display: str) -> None:
    other = start(probes, display, "Meta+Shift+F12")
    assert other.first_line() == "REGISTERED"
    press(display, "super+shift+F12")
    assert other.read_lines(timeout=2.0) == ["ACTIVATED"]

    nonsense = start(probes, display, "Ctrl+Alt")
    line = nonsense.first_line()
    assert line.startswith("UNAVAILABLE ") and "is not a key combination" in line
