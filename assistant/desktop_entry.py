"""Add Mosaic to this person's application menu (freedesktop desktop entry and icons).

``mosaic --install-desktop-entry`` writes, under ``$XDG_DATA_HOME`` (``~/.local/share``):

- ``applications/<APP_ID>.desktop``: ``packaging/<APP_ID>.desktop`` with ``Exec`` set to an
  absolute command that starts *this* installation (a frozen bundle's executable, the
  ``mosaic`` launcher beside this interpreter, or ``<python> -m assistant.app``);
- ``icons/hicolor/<N>x<N>/apps/<APP_ID>.png`` for each rendered size, and
  ``icons/hicolor/scalable/apps/<APP_ID>.svg``;
- ``metainfo/<APP_ID>.metainfo.xml`` (AppStream), for software centres.

``--uninstall-desktop-entry`` removes exactly those files. Qt-free.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import assistant
from assistant import APP_ID, APP_NAME
from assistant.core.atomic_file import write_atomically
from assistant.resources import ICON_SIZES, app_icon_path, desktop_files_dir, icon_png_path

log = logging.getLogger(__name__)

DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
METAINFO_FILE_NAME = f"{APP_ID}.metainfo.xml"
LAUNCHER_NAME = "mosaic"  # the console script ([project.scripts] in pyproject.toml)
# Platforms whose desktops follow the freedesktop.org menu and icon-theme specifications.
FREEDESKTOP_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")
# Characters that oblige an Exec argument to be quoted (Desktop Entry spec, "Exec key").
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_EXEC_ESCAPED_IN_QUOTES = frozenset('"`$\\')
CACHE_TOOL_TIMEOUT_S = 30


class InstallError(Exception):
    """Installing or removing failed; the message is one sentence for the person."""


@dataclass(frozen=True)
class Launch:
    """How the menu entry starts this installation of Mosaic."""

    argv: tuple[str, ...]  # absolute executable first
    working_dir: str | None = None  # the entry's Path= (a checkout run as ``-m``)

    @property
    def executable(self) -> str:
        return self.argv[0]


@dataclass(frozen=True)
class PlannedFile:
    """One file to write: where, and its bytes."""

    target: Path
    data: bytes


# --- locations ----------------------------------------------------------------------------


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (the
    XDG Base Directory specification ignores relative paths)."""
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".local" / "share"


def desktop_file_target(data_home: Path) -> Path:
    return data_home / "applications" / DESKTOP_FILE_NAME


def metainfo_target(data_home: Path) -> Path:
    return data_home / "metainfo" / METAINFO_FILE_NAME


def hicolor_dir(data_home: Path) -> Path:
    return data_home / "icons" / "hicolor"


def png_icon_target(data_home: Path, size: int) -> Path:
    return hicolor_dir(data_home) / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def svg_icon_target(data_home: Path) -> Path:
    return hicolor_dir(data_home) / "scalable" / "apps" / f"{APP_ID}.svg"


def installed_files(data_home: Path) -> list[Path]:
    """Every file an install writes under ``data_home``, the menu entry first."""
    return [desktop_file_target(data_home), metainfo_target(data_home),
            svg_icon_target(data_home),
            *(png_icon_target(data_home, size) for size in ICON_SIZES)]


# --- the Exec line ------------------------------------------------------------------------


def exec_quote(argument: str) -> str:
    """One Exec argument as the Desktop Entry spec wants it: quoted (with ``"`$\\``
    backslash-escaped) when it holds a reserved character, ``%`` doubled."""
    if argument and not _EXEC_RESERVED.intersection(argument):
        quoted = argument
    else:
        quoted = '"' + "".join("\\" + c if c in _EXEC_ESCAPED_IN_QUOTES else c
                               for c in argument) + '"'
    return quoted.replace("%", "%%")


def escape_string_value(value: str) -> str:
    """A desktop-file string value: backslash, newline, tab and carriage return escaped."""
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def exec_value(argv: Sequence[str]) -> str:
    """The value of ``Exec=`` that runs ``argv`` (quoting first, then string escapes)."""
    return escape_string_value(" ".join(exec_quote(arg) for arg in argv))


def desktop_entry_text(template: str, launch: Launch) -> str:
    """The installed desktop entry: ``template`` with ``Exec`` running ``launch``, and
    ``TryExec`` (and ``Path`` when ``launch`` needs a working folder) after it."""
    lines = template.splitlines()
    while lines and lines[0].startswith("#"):  # the template's notes are for packagers
        lines.pop(0)
    out = [f"# Written by '{LAUNCHER_NAME} --install-desktop-entry'; "
           f"'{LAUNCHER_NAME} --uninstall-desktop-entry' removes it."]
    group = None
    replaced = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped
        key = stripped.split("=", 1)[0].strip() if "=" in stripped else None
        if group == "[Desktop Entry]" and key in ("TryExec", "Path"):
            continue
        if group == "[Desktop Entry]" and key == "Exec":
            out.append(f"Exec={exec_value(launch.argv)}")
            out.append(f"TryExec={escape_string_value(launch.executable)}")
            if launch.working_dir:
                out.append(f"Path={escape_string_value(launch.working_dir)}")
            replaced = True
            continue
        out.append(line)
    if not replaced:
        raise ValueError("the desktop entry template has no Exec= line in [Desktop Entry]")
    return "\n".join(out) + "\n"


# --- which command starts this installation -----------------------------------------------

_PIP_SH_SHEBANG = re.compile(r"""^'''exec' "?(?P<python>.+?)"? "\$0" "\$@"$""")


def launcher_interpreter(script: Path) -> str | None:
    """The Python a console-script launcher runs (its ``#!`` line, or the ``/bin/sh``
    trampoline pip writes for long paths or paths with spaces); None if it is not one."""
    try:
        with script.open("rb") as handle:
            head = handle.read(1024).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    if not head or not head[0].startswith("#!"):
        return None
    shebang = head[0][2:].strip()
    if shebang in ("/bin/sh", "/usr/bin/sh") and len(head) > 1:
        match = _PIP_SH_SHEBANG.match(head[1].strip())
        return match.group("python") if match else None
    interpreter = shebang.split()[0] if shebang else ""
    # ``#!/usr/bin/env python`` runs whatever Python is first on PATH: not this one.
    return interpreter if os.path.isabs(interpreter) and Path(interpreter).name != "env" else None


def is_this_interpreter(python: str) -> bool:
    """Whether ``python`` is this process's interpreter: the same file, in the same folder
    (a virtual environment's ``bin/python`` is a link to the system one, yet its own
    installation)."""
    here = Path(os.path.abspath(sys.executable))
    there = Path(os.path.abspath(python))
    try:
        return there.parent == here.parent and os.path.samefile(there, here)
    except OSError:
        return False


def _launcher_candidates() -> list[Path]:
    candidates = []
    if Path(sys.argv[0]).name == LAUNCHER_NAME:  # started as ``mosaic …``
        candidates.append(Path(os.path.abspath(sys.argv[0])))
    candidates.append(Path(os.path.abspath(sys.executable)).parent / LAUNCHER_NAME)
    for scheme in (sysconfig.get_default_scheme(), f"{os.name}_user"):  # --user installs
        if scheme in sysconfig.get_scheme_names():
            candidates.append(Path(sysconfig.get_path("scripts", scheme)) / LAUNCHER_NAME)
    on_path = shutil.which(LAUNCHER_NAME)
    if on_path:
        candidates.append(Path(os.path.abspath(on_path)))
    return candidates


def find_launcher() -> Path | None:
    """The ``mosaic`` console script that runs this interpreter, if one is installed."""
    for candidate in _launcher_candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            python = launcher_interpreter(candidate)
            if python and is_this_interpreter(python):
                return candidate
    return None


def package_root() -> Path:
    """The folder that holds the ``assistant`` package (site-packages, or a checkout)."""
    return Path(assistant.__file__).resolve().parent.parent


def package_is_installed() -> bool:
    """Whether ``assistant`` is in a site-packages folder (importable from any folder)."""
    site_dirs = {*site.getsitepackages(), site.getusersitepackages(),
                 sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    resolved = {Path(folder).resolve() for folder in site_dirs if folder}
    return package_root() in resolved


def current_launch() -> Launch:
    """The command that starts this installation: the frozen executable (the AppImage
    itself when run from one), the ``mosaic`` launcher, or ``<python> -m assistant.app``
    (in the checkout's folder when the package is not installed)."""
    if getattr(sys, "frozen", False):
        appimage = os.environ.get("APPIMAGE", "")
        executable = appimage if appimage and os.path.isfile(appimage) else sys.executable
        return Launch((os.path.abspath(executable),))
    launcher = find_launcher()
    if launcher is not None:
        return Launch((str(launcher),))
    python = os.path.abspath(sys.executable)
    working_dir = None if package_is_installed() else str(package_root())
    return Launch((python, "-m", "assistant.app"), working_dir)


# --- writing and removing -----------------------------------------------------------------


def _read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InstallError(f"{path} is missing from this installation of {APP_NAME} "
                           f"({exc.strerror or exc}); reinstall {APP_NAME}.") from exc


def planned_files(data_home: Path, launch: Launch) -> list[PlannedFile]:
    """What an install writes, in the order ``installed_files`` lists it."""
    template_dir = desktop_files_dir()
    template = _read_source(template_dir / DESKTOP_FILE_NAME).decode("utf-8")
    entry = desktop_entry_text(template, launch)
    try:
        entry_bytes = entry.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InstallError(f"The folder of {APP_NAME} ({launch.executable!r}) has a name "
                           "that is not valid text; move it to a folder with a plain "
                           "name.") from exc
    files = [PlannedFile(desktop_file_target(data_home), entry_bytes),
             PlannedFile(metainfo_target(data_home),
                         _read_source(template_dir / METAINFO_FILE_NAME)),
             PlannedFile(svg_icon_target(data_home), _read_source(app_icon_path()))]
    files += [PlannedFile(png_icon_target(data_home, size), _read_source(icon_png_path(size)))
              for size in ICON_SIZES]
    return files


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` that exists but is not a folder."""
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def failure_sentence(action: str, path: Path, exc: OSError, consequence: str) -> str:
    """One sentence: what could not be done to ``path``, why, ``consequence``, and what
    to do."""
    blocker = _file_in_the_way(path)
    if blocker is not None:
        return (f"Could not {action} {path} because {blocker} is a file, not a folder, "
                f"so {consequence}; move that file away and try again.")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"Could not {action} {path} because the disk is full, so {consequence}; "
                "free some space and try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"Could not {action} {path} (permission denied), so {consequence}; make "
                f"{path.parent} writable for you and try again.")
    reason = exc.strerror or str(exc)
    return (f"Could not {action} {path} ({reason}), so {consequence}; check that folder "
            "and try again.")


class _Transaction:
    """Writes files, remembering how to undo each write and each folder it made."""

    def __init__(self) -> None:
        self._previous: list[tuple[Path, bytes | None]] = []
        self._made_dirs: list[Path] = []

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and not folder.is_symlink():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self._made_dirs.append(path)

    def write(self, target: Path, data: bytes) -> None:
        self._make_parents(target.parent)
        previous = target.read_bytes() if target.is_file() else None
        write_atomically(target, data)
        self._previous.append((target, previous))

    def roll_back(self) -> None:
        """Put back what each write replaced (or remove what it added), then remove the
        folders made, newest first; problems here are logged, the first error matters."""
        for target, previous in reversed(self._previous):
            try:
                if previous is None:
                    target.unlink(missing_ok=True)
                else:
                    write_atomically(target, previous)
            except OSError as exc:
                log.warning("could not undo %s: %s", target, exc)
        for folder in reversed(self._made_dirs):
            try:
                folder.rmdir()
            except OSError as exc:
                log.warning("could not remove %s: %s", folder, exc)


def install(data_home: Path, launch: Launch) -> list[Path]:
    """Write the menu entry, icons and metainfo under ``data_home``; all or nothing.

    Icons first and the menu entry last, so a menu never shows Mosaic without its icon.
    Raises InstallError (after undoing this run's writes)."""
    files = planned_files(data_home, launch)
    transaction = _Transaction()
    written = []
    try:
        for planned in reversed(files):
            transaction.write(planned.target, planned.data)
            written.append(planned.target)
    except OSError as exc:
        failed = files[len(files) - 1 - len(written)].target
        transaction.roll_back()
        raise InstallError(failure_sentence("write", failed, exc,
                                            "nothing was installed")) from exc
    refresh_caches(data_home)
    return list(reversed(written))


def uninstall(data_home: Path) -> list[Path]:
    """Remove the files ``install`` writes (the menu entry first); returns those removed.
    Raises InstallError naming the first file that could not be removed."""
    removed = []
    for path in installed_files(data_home):
        if not (path.is_file() or path.is_symlink()):
            continue
        try:
            path.unlink()
        except OSError as exc:
            raise InstallError(failure_sentence(
                "remove", path, exc, "some of its files remain")) from exc
        removed.append(path)
    if removed:
        refresh_caches(data_home)
    return removed


def refresh_caches(data_home: Path) -> None:
    """Bring the icon and desktop-file caches under ``data_home`` up to date, only where
    such a cache already exists (so an uninstall leaves no file behind that an install
    made). A missing tool or a failure is logged, never fatal: desktops also watch these
    folders themselves."""
    jobs = [(hicolor_dir(data_home) / "icon-theme.cache",
             ["gtk-update-icon-cache", "--force", "--ignore-theme-index", "--quiet",
              str(hicolor_dir(data_home))]),
            (data_home / "applications" / "mimeinfo.cache",
             ["update-desktop-database", "--quiet", str(data_home / "applications")])]
    for cache, command in jobs:
        if not cache.is_file():
            continue
        tool = shutil.which(command[0])
        if tool is None:
            log.info("%s is not installed; %s not refreshed", command[0], cache)
            continue
        try:
            result = subprocess.run([tool, *command[1:]], capture_output=True, text=True,
                                    timeout=CACHE_TOOL_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("%s did not run: %s", command[0], exc)
            continue
        if result.returncode != 0:
            log.warning("%s failed (%d): %s", command[0], result.returncode,
                        result.stderr.strip())


# --- the command-line entry points --------------------------------------------------------


def _unsupported_platform_sentence() -> str | None:
    if sys.platform.startswith(FREEDESKTOP_PLATFORMS):
        return None
    if sys.platform == "win32":
        return (f"--install-desktop-entry is for Linux; on Windows, open the {APP_NAME} "
                "folder built from packaging/ and pin Mosaic.exe to Start or the taskbar.")
    if sys.platform == "darwin":
        return (f"--install-desktop-entry is for Linux; on macOS, drag {APP_NAME}.app "
                "built from packaging/ into Applications.")
    return (f"--install-desktop-entry is for Linux and other freedesktop.org systems, "
            f"not {sys.platform}.")


def _freedesktop_data_home(err: TextIO) -> Path | None:
    """The data home that holds the menu entry, or None (said on ``err``) on a
    platform without freedesktop menus."""
    unsupported = _unsupported_platform_sentence()
    if unsupported:
        print(f"{LAUNCHER_NAME}: {unsupported}", file=err)
        return None
    return data_home()


def install_for_current_user(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``mosaic --install-desktop-entry``: 0 when installed, 1 on failure (nothing left
    half-installed), 2 on a platform without freedesktop menus."""
    out, err = out or sys.stdout, err or sys.stderr
    home = _freedesktop_data_home(err)
    if home is None:
        return 2
    launch = current_launch()
    try:
        written = install(home, launch)
    except InstallError as exc:
        print(f"{LAUNCHER_NAME}: {exc}", file=err)
        return 1
    print(f"Added {APP_NAME} to the application menu of this user; it starts with:", file=out)
    print(f"  {shlex.join(launch.argv)}", file=out)
    if launch.working_dir:
        print(f"  (in {launch.working_dir})", file=out)
    print("Files written:", file=out)
    for path in written:
        print(f"  {path}", file=out)
    print(f"Remove them with: {shlex.join(launch.argv)} --uninstall-desktop-entry", file=out)
    return 0


def uninstall_for_current_user(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``mosaic --uninstall-desktop-entry``: 0 when removed or nothing was installed, 1 when
    a file could not be removed, 2 on a platform without freedesktop menus."""
    out, err = out or sys.stdout, err or sys.stderr
    home = _freedesktop_data_home(err)
    if home is None:
        return 2
    try:
        removed = uninstall(home)
    except InstallError as exc:
        print(f"{LAUNCHER_NAME}: {exc}", file=err)
        return 1
    if not removed:
        print(f"{APP_NAME} has no menu entry for this user in {home}; nothing to remove.",
              file=out)
        return 0
    print(f"Removed {APP_NAME} from the application menu of this user:", file=out)
    for path in removed:
        print(f"  {path}", file=out)
    return 0
