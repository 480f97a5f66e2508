"""Smoke test of the frozen bundle that packaging/build_bundle.sh made (dist/mosaic/).

    python packaging/smoke_test_bundle.py [dist/mosaic] [--require-speech]

Checks, each through the frozen executable with its own throwaway MOSAIC_HOME: no model
weights inside; ``--version``; ``--smoke-test`` (window shown and the spawned engine process
ready), offscreen and, where xvfb-run is, on X11; ``--install-desktop-entry`` and
``--uninstall-desktop-entry`` (Linux); ``ask`` answers with a synthetic tiny GGUF
model; ``transcribe`` hears a sentence spoken by espeak-ng with shared/models/whisper-tiny.en.pt
(torch, Whisper and silero-vad frozen; skipped without them unless --require-speech).
Prints "bundle: N passed, N failed" and exits 0 when none failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.support: the synthetic model and the shared Whisper

WEIGHT_SUFFIXES = {".gguf", ".pt", ".pth", ".ckpt", ".safetensors", ".bin", ".onnx", ".npz"}
WEIGHT_LIMIT_BYTES = 5 * 1024 * 1024  # silero-vad's 2 MB TorchScript model is the largest
SPOKEN = "What is the capital of France? Please answer in one word."
COMMAND_TIMEOUT_S = 300


class SmokeFailed(Exception):
    """One check failed; ``str()`` says which and why."""


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def executable(bundle: Path) -> Path:
    name = "mosaic.exe" if sys.platform == "win32" else "mosaic"
    path = bundle / name
    if not path.is_file():
        raise SmokeFailed(f"{path} does not exist; build the bundle with "
                          "bash packaging/build_bundle.sh first.")
    return path


def run(exe: Path, args: Sequence[str], home: Path, qt_platform: str = "offscreen",
        wrapper: Sequence[str] = (), environ: dict[str, str] | None = None) -> Ran:
    """``wrapper exe args`` with MOSAIC_HOME=home, the Qt platform plugin ``qt_platform``
    and ``environ``; echoes what it printed."""
    env = {**os.environ, "MOSAIC_HOME": str(home), "QT_QPA_PLATFORM": qt_platform,
           **(environ or {})}
    command = [*wrapper, str(exe), *args]
    print(f"+ MOSAIC_HOME={home} QT_QPA_PLATFORM={qt_platform} "
          f"{' '.join(command).replace(str(exe), exe.name)}", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SmokeFailed(f"{exe.name} {args[0]} did not finish within "
                          f"{COMMAND_TIMEOUT_S} s.") from None
    ran = Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
    for stream, text in (("stdout", ran.stdout), ("stderr", ran.stderr)):
        for line in text.strip().splitlines()[-15:]:
            print(f"  [{stream}] {line}")
    print(f"  exit {ran.returncode} after {ran.seconds:.1f} s", flush=True)
    return ran


def expect_success(ran: Ran, what: str) -> None:
    if ran.returncode != 0:
        raise SmokeFailed(f"{what} exited with {ran.returncode} (its output is above).")


def check_no_weights(bundle: Path) -> int:
    """Total bundle size in bytes; raises SmokeFailed for a model file inside."""
    total = 0
    heavy = []
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix.lower() in WEIGHT_SUFFIXES and (
                size > WEIGHT_LIMIT_BYTES or path.suffix.lower() == ".gguf"):
            heavy.append(f"{path.relative_to(bundle)} ({size / 1e6:.1f} MB)")
    if heavy:
        raise SmokeFailed("model weights are inside the bundle: " + ", ".join(heavy))
    print(f"no model weights inside; {total / 1e6:.0f} MB in "
          f"{sum(1 for _ in bundle.rglob('*'))} files and folders")
    return total


def check_version(exe: Path, home: Path) -> None:
    from assistant import APP_NAME, __version__

    ran = run(exe, ["--version"], home)
    expect_success(ran, "--version")
    if f"{APP_NAME} {__version__}" not in ran.stdout:
        raise SmokeFailed(f"--version printed {ran.stdout.strip()!r}, not the version "
                          f"{__version__} of this checkout.")


def check_window(exe: Path, home: Path, on_x11: bool = False) -> None:
    """``--smoke-test``: the window shown and the spawned engine process ready; offscreen, or
    on a virtual X11 display (Xvfb) through the bundled xcb platform plugin."""
    if on_x11:
        ran = run(exe, ["--smoke-test"], home, qt_platform="xcb",
                  wrapper=["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1280x800x24"])
    else:
        ran = run(exe, ["--smoke-test"], home)
    expect_success(ran, "--smoke-test (window and engine process)")
    if "engine process" not in ran.stdout:
        raise SmokeFailed("--smoke-test succeeded without saying the engine process was ready.")


def check_desktop_entry(exe: Path, home: Path, scratch: Path) -> None:
    """``--install-desktop-entry`` writes a menu entry that starts this bundle's executable
    (into a throwaway XDG_DATA_HOME); ``--uninstall-desktop-entry`` removes it."""
    from assistant import APP_ID

    data_home = scratch / "xdg-data"
    environ = {"XDG_DATA_HOME": str(data_home)}
    entry = data_home / "applications" / f"{APP_ID}.desktop"
    expect_success(run(exe, ["--install-desktop-entry"], home, environ=environ),
                   "--install-desktop-entry")
    if not entry.is_file():
        raise SmokeFailed(f"--install-desktop-entry succeeded but wrote no {entry}.")
    exec_lines = [line for line in entry.read_text(encoding="utf-8").splitlines()
                  if line.startswith("Exec=")]
    if not exec_lines or str(exe) not in exec_lines[0]:
        raise SmokeFailed(f"the menu entry starts {exec_lines}, not the bundle's {exe}.")
    expect_success(run(exe, ["--uninstall-desktop-entry"], home, environ=environ),
                   "--uninstall-desktop-entry")
    if entry.exists():
        raise SmokeFailed(f"--uninstall-desktop-entry left {entry} behind.")


def check_ask(exe: Path, home: Path, scratch: Path) -> None:
    from tests.support.synthetic_gguf import write_tiny_llama

    model = write_tiny_llama(scratch / "tiny-llama.gguf")
    ran = run(exe, ["ask", "--model", str(model), "--max-tokens", "8", "--seed", "1",
                    "--temperature", "0", "hello"], home)
    expect_success(ran, "ask")
    if not ran.stdout.strip():
        raise SmokeFailed("ask succeeded but printed no answer.")


def speech_unavailable() -> str | None:
    """Why the transcribe check cannot run here, or None when it can."""
    from tests.support.speech_clips import SHARED_WHISPER

    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed"
    if not SHARED_WHISPER.is_file():
        return f"the Whisper tiny.en checkpoint is not at {SHARED_WHISPER}"
    return None


def check_transcribe(exe: Path, home: Path, scratch: Path) -> None:
    from tests.support.speech_clips import SHARED_WHISPER

    missing = speech_unavailable()
    if missing:
        raise SmokeFailed(f"transcribe cannot be checked: {missing}.")
    wav = scratch / "question.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), SPOKEN], check=True, capture_output=True,
                   timeout=60)
    ran = run(exe, ["transcribe", "--model", str(SHARED_WHISPER), "--language", "en",
                    str(wav)], home)
    expect_success(ran, "transcribe")
    heard = ran.stdout.lower()
    if "capital" not in heard or "france" not in heard:
        raise SmokeFailed(f"transcribe heard {ran.stdout.strip()!r}, not {SPOKEN!r}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=str(REPO / "dist" / "mosaic"),
                        help="the bundle folder (default: dist/mosaic)")
    parser.add_argument("--require-speech", action="store_true",
                        help="fail, rather than skip, when transcribe cannot be checked")
    args = parser.parse_args(argv)
    bundle = Path(args.bundle).resolve()
    try:
        exe = executable(bundle)
    except SmokeFailed as exc:
        print(f"bundle smoke test: {exc}", file=sys.stderr)
        return 1
    passed, failed, skipped = 0, 0, 0
    with tempfile.TemporaryDirectory(prefix="mosaic-bundle-smoke-") as folder:
        scratch = Path(folder)
        skips = {
            "transcribe": None if args.require_speech else speech_unavailable(),
            "desktop entry": None if sys.platform.startswith("linux")
            else "menu entries are for Linux",
            "window and engine, X11":
                None if shutil.which("xvfb-run") else "xvfb-run is not installed (Debian: xvfb)",
        }
        checks: list[tuple[str, Callable[[], object]]] = [
            ("no weights", lambda: check_no_weights(bundle)),
            ("--version", lambda: check_version(exe, scratch / "home-version")),
            ("window and engine, offscreen", lambda: check_window(exe, scratch / "home-off")),
            ("window and engine, X11", lambda: check_window(exe, scratch / "home-x11", True)),
            ("desktop entry", lambda: check_desktop_entry(exe, scratch / "home-menu", scratch)),
            ("ask", lambda: check_ask(exe, scratch / "home-ask", scratch)),
            ("transcribe", lambda: check_transcribe(exe, scratch / "home-transcribe", scratch)),
        ]
        for name, check in checks:
            if skips.get(name):
                print(f"skipped {name}: {skips[name]}")
                skipped += 1
                continue
            try:
                check()
            except (SmokeFailed, OSError, subprocess.SubprocessError) as exc:
                print(f"FAILED {name}: {exc}", file=sys.stderr, flush=True)
                failed += 1
            else:
                print(f"passed {name}", flush=True)
                passed += 1
    print(f"bundle: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
