"""``mosaic --install-desktop-entry`` / ``--uninstall-desktop-entry`` against a temporary
``$XDG_DATA_HOME``: the files a desktop reads, the command the menu runs, and undo."""

from __future__ import annotations

import configparser
import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from assistant import APP_ID, APP_NAME, __version__
from assistant import desktop_entry as de
from assistant.resources import ICON_SIZES, app_icon_path

ROOT = Path(__file__).resolve().parents[2]


# --- helpers: read what a desktop reads ---------------------------------------------------


def read_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group, keys as written (values not unescaped)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def unescape_string(value: str) -> str:
    """The Desktop Entry spec's string escapes (\\s \\n \\t \\r \\\\)."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, nxt))
        else:
            out.append(char)
    return "".join(out)


def parse_exec(value: str) -> list[str]:
    """Exec= as a desktop launches it: string escapes, then quoting, then %% → %."""
    text = unescape_string(value)
    args: list[str] = []
    current: list[str] | None = None
    quoted = False
    chars = iter(text)
    for char in chars:
        if quoted:
            if char == "\\":
                current.append(next(chars))  # type: ignore[union-attr]
            elif char == '"':
                quoted = False
            else:
                current.append(char)  # type: ignore[union-attr]
        elif char == " ":
            if current is not None:
                args.append("".join(current))
                current = None
        else:
            current = current if current is not None else []
            if char == '"':
                quoted = True
            else:
                current.append(char)
    if current is not None:
        args.append("".join(current))
    assert not quoted, f"unterminated quote in Exec={value}"
    return [arg.replace("%%", "%") for arg in args]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes), and every folder (→ b'/')."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (b"/" if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


def run_entry_command(entry: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    """Run the entry's Exec (plus ``extra``) the way a menu would: in Path= (else the home
    folder), with no PYTHONPATH from this test run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cwd = unescape_string(entry["Path"]) if "Path" in entry else str(Path.home())
    return subprocess.run([*parse_exec(entry["Exec"]), *extra], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def cli(*args: str, data_home: Path, cwd: Path = ROOT, executable: str | None = None,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), **(extra_env or {}))
    command = [executable] if executable else [sys.executable, "-m", "assistant.app"]
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


# --- install through the real command line ------------------------------------------------


def test_install_from_the_command_line_adds_a_menu_entry_that_starts_this_mosaic(
        data_home: Path) -> None:
    result = cli("--install-desktop-entry", data_home=data_home)
    assert result.returncode == 0, result.stderr
    expected = de.installed_files(data_home)
    for path in expected:
        assert path.is_file(), path
        assert str(path) in result.stdout  # the person is told what was written
    assert sorted(p for p in data_home.rglob("*") if p.is_file()) == sorted(expected)

    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    argv = parse_exec(entry["Exec"])
    assert Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK), argv
    assert unescape_string(entry["TryExec"]) == argv[0]
    assert entry["Icon"] == APP_ID and entry["Name"] == APP_NAME
    launched = run_entry_command(entry, "--version")
    assert launched.returncode == 0, launched.stderr
    assert launched.stdout.strip() == f"{APP_NAME} {__version__}"


def test_installed_icons_are_at_their_theme_sizes(data_home: Path) -> None:
    assert de.install_for_current_user(io.StringIO(), io.StringIO()) == 0
    for size in ICON_SIZES:
        path = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (size, size), path
    svg = data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == app_icon_path().read_bytes()


def test_a_console_script_of_this_python_is_what_the_menu_runs(tmp_path: Path) -> None:
    """As after ``pip install``: ``<env>/bin/mosaic`` whose ``#!`` is ``<env>/bin/python``."""
    bin_dir = tmp_path / "env" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    launcher = bin_dir / "mosaic"
    launcher.write_text(f"#!{bin_dir / 'python'}\nimport sys\nfrom assistant.app import main\n"
                        "sys.exit(main())\n")
    launcher.chmod(0o755)
    data_home = tmp_path / "xdg-data"
    result = cli("--install-desktop-entry", data_home=data_home, cwd=tmp_path,
                 executable=str(launcher), extra_env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr

    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    assert parse_exec(entry["Exec"]) == [str(launcher)]
    assert "Path" not in entry  # the launcher needs no working folder
    assert f"{launcher} --uninstall-desktop-entry" in result.stdout


def test_a_mosaic_on_path_for_another_python_is_not_used(tmp_path: Path,
                                                         data_home: Path) -> None:
    other = tmp_path / "other-env" / "bin"
    other.mkdir(parents=True)
    (other / "mosaic").write_text("#!/usr/bin/python3\nraise SystemExit(3)\n")
    (other / "mosaic").chmod(0o755)
    result = cli("--install-desktop-entry", data_home=data_home,
                 extra_env={"PATH": f"{other}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert result.returncode == 0, result.stderr
    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    assert parse_exec(entry["Exec"])[0] != str(other / "mosaic")
    assert run_entry_command(entry, "--version").returncode == 0


def test_pip_trampoline_launchers_name_their_python(tmp_path: Path) -> None:
    """pip writes a /bin/sh trampoline when the interpreter's path has a space in it."""
    script = tmp_path / "mosaic"
    script.write_text("#!/bin/sh\n'''exec' \"/opt/my env/bin/python\" \"$0\" \"$@\"\n' '''\n"
                      "import sys\n")
    assert de.launcher_interpreter(script) == "/opt/my env/bin/python"
    script.write_text("#!/usr/bin/env python3\n")
    assert de.launcher_interpreter(script) is None  # whichever Python is on PATH
    script.write_text("print('no shebang')\n")
    assert de.launcher_interpreter(script) is None


def test_a_frozen_bundle_runs_its_own_executable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    bundle_exe = tmp_path / "Mosaic" / "mosaic"
    bundle_exe.parent.mkdir()
    bundle_exe.write_bytes(b"\x7fELF")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle_exe))
    monkeypatch.delenv("APPIMAGE", raising=False)
    assert de.current_launch() == de.Launch((str(bundle_exe),))
    appimage = tmp_path / "Mosaic-x86_64.AppImage"
    appimage.write_bytes(b"\x7fELF")
    monkeypatch.setenv("APPIMAGE", str(appimage))  # the mounted copy vanishes on exit
    assert de.current_launch() == de.Launch((str(appimage),))


def test_odd_folder_names_survive_the_exec_quoting(tmp_path: Path, data_home: Path) -> None:
    folder = tmp_path / 'my "odd" $HOME `x` 100% back\\slash; (dir)'
    folder.mkdir()
    program = folder / "start mosaic"
    program.write_text("#!/bin/sh\necho \"ran $# $1\"\n")
    program.chmod(0o755)
    de.install(data_home, de.Launch((str(program), "--flag=50%")))
    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    assert parse_exec(entry["Exec"]) == [str(program), "--flag=50%"]
    assert unescape_string(entry["TryExec"]) == str(program)
    assert run_entry_command(entry).stdout.strip() == "ran 1 --flag=50%"


def test_without_a_launcher_a_checkout_is_run_with_python_m_in_its_folder(
        data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(de, "find_launcher", lambda: None)
    monkeypatch.setattr(de, "package_is_installed", lambda: False)
    assert de.install_for_current_user(io.StringIO(), io.StringIO()) == 0
    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    assert parse_exec(entry["Exec"]) == [os.path.abspath(sys.executable), "-m", "assistant.app"]
    assert unescape_string(entry["Path"]) == str(ROOT)
    launched = run_entry_command(entry, "--version")  # from the menu: no PYTHONPATH
    assert launched.stdout.strip() == f"{APP_NAME} {__version__}", launched.stderr


# --- idempotence, uninstall ---------------------------------------------------------------


def test_installing_twice_changes_nothing(data_home: Path) -> None:
    first = cli("--install-desktop-entry", data_home=data_home)
    after_first = tree(data_home)
    second = cli("--install-desktop-entry", data_home=data_home)
    assert (first.returncode, second.returncode) == (0, 0), second.stderr
    assert tree(data_home) == after_first


def test_uninstall_removes_exactly_what_install_wrote(data_home: Path) -> None:
    unrelated = [data_home / "applications" / "org.example.Other.desktop",
                 data_home / "icons" / "hicolor" / "48x48" / "apps" / "org.example.Other.png",
                 data_home / "icons" / "hicolor" / "scalable" / "apps" / "other.svg",
                 data_home / "metainfo" / "org.example.Other.metainfo.xml"]
    for path in unrelated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not Mosaic's")
    before = tree(data_home)
    assert cli("--install-desktop-entry", data_home=data_home).returncode == 0

    result = cli("--uninstall-desktop-entry", data_home=data_home)
    assert result.returncode == 0, result.stderr
    for path in de.installed_files(data_home):
        assert not path.exists()
        assert str(path) in result.stdout
    left = {k: v for k, v in tree(data_home).items() if v != b"/"}
    assert left == {k: v for k, v in before.items() if v != b"/"}

    again = cli("--uninstall-desktop-entry", data_home=data_home)
    assert again.returncode == 0
    assert "nothing to remove" in again.stdout


def test_uninstall_that_cannot_remove_a_file_says_which(data_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert de.install_for_current_user(io.StringIO(), io.StringIO()) == 0
    blocked = de.installed_files(data_home)[2]
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self == blocked:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    err = io.StringIO()
    assert de.uninstall_for_current_user(io.StringIO(), err) == 1
    assert str(blocked) in err.getvalue() and "permission denied" in err.getvalue()
    assert not de.installed_files(data_home)[0].exists()  # the menu entry went first


# --- failures leave nothing half-installed ------------------------------------------------


def test_a_blocked_menu_folder_fails_with_a_sentence_and_leaves_nothing(
        data_home: Path) -> None:
    data_home.mkdir()
    (data_home / "applications").write_text("a file where the folder should be")
    before = tree(data_home)
    result = cli("--install-desktop-entry", data_home=data_home)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.count("\n") == 0 and "Traceback" not in message
    assert str(data_home / "applications") in message and "nothing was installed" in message
    assert tree(data_home) == before  # icons written before the failure were taken back


def test_a_full_disk_midway_keeps_the_previous_install(data_home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    de.install(data_home, de.Launch(("/opt/old/mosaic",)))
    for path in de.installed_files(data_home)[1:]:  # as an older release left them
        path.write_bytes(b"older " + path.name.encode())
    previous = tree(data_home)
    real_write = de.write_atomically
    calls = []

    def write_until_full(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 6:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(de, "write_atomically", write_until_full)
    err = io.StringIO()
    assert de.install_for_current_user(io.StringIO(), err) == 1
    assert "disk is full" in err.getvalue() and str(calls[5]) in err.getvalue()
    assert tree(data_home) == previous  # the older entry and icons are back in place


def test_missing_resources_fail_before_anything_is_written(data_home: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setattr(de, "icon_png_path", lambda size: tmp_path / f"gone-{size}.png")
    err = io.StringIO()
    assert de.install_for_current_user(io.StringIO(), err) == 1
    assert "reinstall Mosaic" in err.getvalue()
    assert not data_home.exists()


@pytest.mark.parametrize(("platform", "words"), [("win32", "Windows"), ("darwin", "macOS")])
def test_other_systems_are_told_where_mosaic_goes_instead(
        platform: str, words: str, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    for command in (de.install_for_current_user, de.uninstall_for_current_user):
        err = io.StringIO()
        assert command(io.StringIO(), err) == 2
        assert words in err.getvalue()
    assert not data_home.exists()


# --- small rules --------------------------------------------------------------------------


def test_data_home_follows_the_xdg_rules() -> None:
    assert de.data_home({"XDG_DATA_HOME": "/x/data", "HOME": "/h"}) == Path("/x/data")
    assert de.data_home({"XDG_DATA_HOME": "", "HOME": "/h"}) == Path("/h/.local/share")
    # A relative XDG_DATA_HOME is invalid and ignored (XDG Base Directory specification).
    assert de.data_home({"XDG_DATA_HOME": "rel/data", "HOME": "/h"}) == Path("/h/.local/share")


def test_the_installer_imports_no_qt() -> None:
    code = "import sys, assistant.desktop_entry; print(sorted(m for m in sys.modules " \
           "if m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
