"""Reads a child process's stdout line by line with deadlines (no buffering surprises), and
ends the child when a test is done with it."""

from __future__ import annotations

import os
import select
import subprocess
import time


class ChildLines:
    """The lines a child prints, read straight from its pipe so select() never misses one
    sitting in a Python buffer."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        assert popen.stdout is not None
        self.popen = popen
        self._fd = popen.stdout.fileno()
        self._pending = b""
        self._eof = False
        self.seen: list[str] = []  # every line read so far

    def next_line(self, timeout: float) -> str | None:
        """The next line, or None when none comes within ``timeout`` s or the pipe closed."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if self._eof or left <= 0 or not select.select([self._fd], [], [], left)[0]:
                return None
            chunk = os.read(self._fd, 65536)
            self._eof = not chunk
            self._pending += chunk
        raw, self._pending = self._pending.split(b"\n", 1)
        line = raw.decode(errors="replace").rstrip("\r")
        self.seen.append(line)
        return line

    def until_quiet(self, quiet: float) -> list[str]:
        """Every line printed until ``quiet`` seconds pass without a new one."""
        lines = []
        while (line := self.next_line(quiet)) is not None:
            lines.append(line)
        return lines

    def close(self) -> None:
        """Kill the child if it still runs, reap it and close the pipe."""
        if self.popen.poll() is None:
            self.popen.kill()  # SIGKILL: nothing of the child may outlive the test
        self.popen.wait(timeout=30)
        if self.popen.stdout is not None:
            self.popen.stdout.close()
