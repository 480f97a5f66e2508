"""Pseudo-translations for GUI tests: ``lupdate`` extracts the strings of some source files,
each translation is its source between two marks (``⟦Stop⟧``), ``lrelease`` compiles that,
and a QTranslator with it is installed while a test runs. English left on screen was either
never extracted or is looked up at run time under another context than lupdate filed it under.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

TOOL_TIMEOUT_S = 120


def qt_tool(name: str) -> Path:
    """Qt's ``lupdate`` / ``lrelease`` as PySide6 ships them; skips the test without it."""
    package = Path(PySide6.__file__).resolve().parent
    for candidate in (package / name, package / "Qt" / "libexec" / name):
        if candidate.is_file():
            return candidate
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        pytest.skip(f"Qt's {name} is not installed")
    return Path(found)


def compile_pseudo_translation(sources: Iterable[Path], qm: Path,
                               marks: tuple[str, str]) -> Path:
    """Writes ``qm``, translating every string of ``sources`` to itself between ``marks``
    (opening, closing); the ``.ts`` it was compiled from stays beside it. Returns ``qm``."""
    ts = qm.with_suffix(".ts")
    subprocess.run([str(qt_tool("lupdate")), *map(str, sources), "-ts", str(ts)],
                   check=True, capture_output=True, timeout=TOOL_TIMEOUT_S)
    opening, closing = marks
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        translation.text = f"{opening}{message.findtext('source') or ''}{closing}"
        translation.attrib.pop("type", None)  # "unfinished" ones are not compiled
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    subprocess.run([str(qt_tool("lrelease")), str(ts), "-qm", str(qm)],
                   check=True, capture_output=True, timeout=TOOL_TIMEOUT_S)
    return qm


@contextmanager
def translation_installed(qm: Path) -> Iterator[QTranslator]:
    """The compiled translation ``qm`` takes precedence over every other while the block
    runs."""
    translator = QTranslator()
    assert translator.load(str(qm)), f"Qt could not load {qm}"
    QCoreApplication.installTranslator(translator)
    try:
        yield translator
    finally:
        QCoreApplication.removeTranslator(translator)
