"""The layer rules of DESIGN.md, enforced: import-linter contracts and a start-up check."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.fail("lint-imports (import-linter) is not installed; install the test extras")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_client_imports_qtcore_only() -> None:
    """The worker-thread side must not touch widgets or painting: QtCore is all it may use."""
    offending = []
    for path in sorted((ROOT / "assistant" / "client").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offending += [f"{path.name}: {n}" for n in names
                          if n.startswith("PySide6") and n not in ("PySide6", "PySide6.QtCore")]
    assert offending == []


@pytest.mark.gui
def test_window_appears_without_importing_model_libraries(tmp_path: Path) -> None:
    """Building and showing the real main window must not import torch/whisper/llama_cpp."""
    script = (
        "import sys\n"
        "from assistant.ui.launch import create_application, create_main_window\n"
        "app = create_application([])\n"
        "window = create_main_window(start_engine=False)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "heavy = sorted(m for m in ('torch', 'whisper', 'llama_cpp') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
        "window.close()\n"
    )
    env = dict(os.environ, MOSAIC_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "HEAVY=\n" in result.stdout, result.stdout


NETWORK_MODULES = ("urllib.request", "urllib3", "http.client", "socket", "ssl", "requests",
                   "httpx", "aiohttp", "ftplib", "smtplib", "websocket", "websockets",
                   "PySide6.QtNetwork", "PySide6.QtWebSockets")
NETWORK_CODE = {"assistant/models/hub.py", "assistant/models/download.py"}
# Local sockets between two Mosaic processes of one user (never a network address).
LOCAL_SOCKET_CODE = {"assistant/ui/single_instance.py": {
    "PySide6.QtNetwork", "PySide6.QtNetwork.QLocalServer", "PySide6.QtNetwork.QLocalSocket",
    "PySide6.QtNetwork.QAbstractSocket"}}  # for QLocalServer.serverError()'s enum


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_model_downloader_touches_the_network() -> None:
    """Nothing leaves the machine except the model downloads the person starts."""
    offenders = {}
    for path in sorted((ROOT / "assistant").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        used = {name for name in _imported_modules(path)
                if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES)}
        used -= LOCAL_SOCKET_CODE.get(relative, set())
        if used and relative not in NETWORK_CODE:
            offenders[relative] = sorted(used)
    assert offenders == {}
    assert all(_imported_modules(ROOT / p) & {"urllib.request", "http.client"}
               for p in NETWORK_CODE)
