"""Opening a folder in the system's file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices


def open_folder(folder: Path, *, create_missing: bool = False) -> str | None:
    """Show ``folder`` in the file manager (with ``create_missing``, creating it first).

    Returns ``None`` when a file manager was asked to open it, else one sentence that says
    why not and where the folder is, for a notice."""
    if create_missing:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return QCoreApplication.translate(
                "folders", "Could not create the folder {folder} ({reason}).").format(
                folder=folder, reason=exc.strerror or exc)
    elif not folder.is_dir():
        return QCoreApplication.translate(
            "folders", "The folder {folder} does not exist any more.").format(folder=folder)
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return None
    return QCoreApplication.translate(
        "folders", "Could not open a file manager; the folder is {folder}.").format(
        folder=folder)


__all__ = ["open_folder"]
