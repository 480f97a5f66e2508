"""The desktop entry and AppStream metainfo, checked by the freedesktop tools themselves:
``desktop-file-validate`` (Debian: desktop-file-utils), ``appstreamcli`` (appstream) and
``gtk-update-icon-cache`` (gtk-update-icon-cache). CI installs them; without one these tests
fail and name the package to install."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from assistant import APP_ID, APP_NAME
from assistant import desktop_entry as de

ROOT = Path(__file__).resolve().parents[2]
DESKTOP_FILE = ROOT / "packaging" / f"{APP_ID}.desktop"
METAINFO_FILE = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
# appstreamcli before 1.0 (Debian 12 has 0.16) does not know <developer id=…>, which later
# versions require in place of the deprecated <developer_name>: that one note is expected.
EXPECTED_APPSTREAM_NOTES = {("I", "unknown-tag", "developer")}
APPSTREAM_ISSUE = re.compile(r"^\s*(?P<severity>[EWIP]): \S+: (?P<tag>[\w-]+)(?: (?P<arg>.*))?$")


def tool(name: str, debian_package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; install the Debian package {debian_package} "
                    f"(apt-get install {debian_package})")
    return path


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=120,
                          check=False)


def desktop_file_problems(path: Path) -> str:
    """desktop-file-validate's errors, warnings and hints ("" when there are none)."""
    result = run(tool("desktop-file-validate", "desktop-file-utils"), str(path))
    output = (result.stdout + result.stderr).strip()
    return output or ("" if result.returncode == 0 else f"exit {result.returncode}")


def appstream_issues(*command: str) -> tuple[int, set[tuple[str, str, str]], str]:
    result = run(tool("appstreamcli", "appstream"), *command)
    issues = set()
    for line in result.stdout.splitlines():
        match = APPSTREAM_ISSUE.match(line)
        if match:
            issues.add((match["severity"], match["tag"], (match["arg"] or "").strip()))
    return result.returncode, issues, result.stdout + result.stderr


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """This checkout installed for a user whose data folder is ``tmp_path/share``."""
    data_home = tmp_path / "share"
    de.install(data_home, de.current_launch())
    return data_home


# --- the desktop entry --------------------------------------------------------------------


def test_the_packaged_desktop_entry_validates_without_a_hint() -> None:
    assert desktop_file_problems(DESKTOP_FILE) == ""


def test_the_installed_desktop_entry_validates_without_a_hint(installed: Path) -> None:
    assert desktop_file_problems(de.desktop_file_target(installed)) == ""


def test_an_entry_for_an_oddly_named_folder_validates(tmp_path: Path) -> None:
    """Quotes, $, %, backslashes and spaces in the launcher's path are quoted as the
    Desktop Entry spec requires (desktop-file-validate checks Exec's quoting)."""
    program = tmp_path / 'a "b" $c `d` 100% e\\f (g); h' / "mosaic"
    entry = de.desktop_entry_text(DESKTOP_FILE.read_text(encoding="utf-8"),
                                  de.Launch((str(program), "--x=%u"), str(tmp_path)))
    path = tmp_path / f"{APP_ID}.desktop"
    path.write_text(entry, encoding="utf-8")
    assert desktop_file_problems(path) == ""


def test_the_desktop_entry_names_what_the_app_uses() -> None:
    """The icon and file are named by the app id (Qt sets it as the Wayland app_id and
    _GTK_APPLICATION_ID); on X11 Qt's WM_CLASS class is the application name."""
    entry = read_entry(DESKTOP_FILE)
    assert entry["Icon"] == APP_ID
    assert entry["StartupWMClass"] == APP_NAME
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Exec"] in scripts  # the console script, for distribution packages
    assert entry["Terminal"] == "false" and entry["StartupNotify"] == "true"


def test_the_desktop_entry_speaks_simplified_chinese() -> None:
    entry = read_entry(DESKTOP_FILE)
    for key in ("Name", "GenericName", "Comment", "Keywords"):
        assert f"{key}[zh_CN]" in entry, key
    for key in ("GenericName[zh_CN]", "Comment[zh_CN]", "Keywords[zh_CN]"):
        assert re.search(r"[\u4e00-\u9fff]", entry[key]), key


# --- the AppStream metainfo ---------------------------------------------------------------


def test_the_metainfo_validates_with_no_warnings() -> None:
    status, issues, output = appstream_issues("validate", "--no-net", "--explain",
                                              str(METAINFO_FILE))
    assert status == 0, output
    assert issues <= EXPECTED_APPSTREAM_NOTES, output


def test_the_installed_tree_validates_and_the_launchable_is_there(installed: Path,
                                                                  tmp_path: Path) -> None:
    """``validate-tree`` on the installed files laid out as a prefix: it also checks that
    the metainfo's <launchable> names a desktop entry that exists (it warns otherwise)."""
    root = tmp_path / "root"
    shutil.copytree(installed, root / "usr" / "share")
    status, issues, output = appstream_issues("validate-tree", "--no-net", str(root))
    assert status == 0, output
    assert issues <= EXPECTED_APPSTREAM_NOTES, output
    (root / "usr" / "share" / "applications" / f"{APP_ID}.desktop").unlink()
    _, issues, output = appstream_issues("validate-tree", "--no-net", str(root))
    assert ("W", "desktop-file-not-found", "") in issues, output


def test_the_metainfo_names_this_app() -> None:
    text = METAINFO_FILE.read_text(encoding="utf-8")
    assert f"<id>{APP_ID}</id>" in text
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in text
    assert "<binary>mosaic</binary>" in text
    assert '<summary xml:lang="zh_CN">' in text


# --- icon cache ---------------------------------------------------------------------------


def test_an_existing_icon_cache_is_refreshed_on_install_and_uninstall(tmp_path: Path) -> None:
    """Where the person's icon theme has a cache, install adds Mosaic's icons to it and
    uninstall takes them out again (a stale cache would show a missing icon)."""
    cache_tool = tool("gtk-update-icon-cache", "gtk-update-icon-cache")
    data_home = tmp_path / "share"
    hicolor = de.hicolor_dir(data_home)
    other_icon = hicolor / "48x48" / "apps" / "org.example.Other.png"
    other_icon.parent.mkdir(parents=True)
    other_icon.write_bytes((ROOT / "resources" / "icons" / "png" / "mosaic-48.png").read_bytes())
    made = run(cache_tool, "--force", "--ignore-theme-index", str(hicolor))
    assert made.returncode == 0, made.stderr
    cache = hicolor / "icon-theme.cache"
    assert APP_ID.encode() not in cache.read_bytes()

    de.install(data_home, de.current_launch())
    assert APP_ID.encode() in cache.read_bytes()
    de.uninstall(data_home)
    assert APP_ID.encode() not in cache.read_bytes()
    assert b"org.example.Other" in cache.read_bytes()
    assert sorted(p.name for p in data_home.rglob("*") if p.is_file()) == [
        "icon-theme.cache", "org.example.Other.png"]


def test_no_cache_is_created_where_there_was_none(installed: Path) -> None:
    assert not (de.hicolor_dir(installed) / "icon-theme.cache").exists()
    assert not (installed / "applications" / "mimeinfo.cache").exists()
