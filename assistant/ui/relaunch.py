"""Starting Mosaic again (after the interface language changed)."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QProcess

log = logging.getLogger(__name__)


def relaunch_command(argv: list[str] | None = None) -> tuple[str, list[str]]:
    """The program and arguments that start this same installation with the same options:
    the frozen executable itself, else this interpreter running ``assistant.app``."""
    options = list((argv if argv is not None else sys.argv)[1:])
    if getattr(sys, "frozen", False):
        return sys.executable, options
    return sys.executable, ["-m", "assistant.app", *options]


def start_new_instance() -> bool:
    """Start a detached Mosaic (the caller quits right after); False if it could not start."""
    program, arguments = relaunch_command()
    started, _pid = QProcess.startDetached(program, arguments)
    if not started:
        log.error("could not start %s %s again", program, arguments)
    return bool(started)
