"""Update the interface translations: extract, merge, compile, and check them.

    python packaging/update_translations.py           # update .ts, rebuild .qm, list gaps
    python packaging/update_translations.py --check   # exit 1 listing what is not done

``lupdate`` extracts every ``tr()`` / ``QCoreApplication.translate()`` string from the Qt
modules of ``assistant/`` into ``resources/translations/mosaic_<lang>.ts`` (keeping the
translations already there, dropping strings the code no longer has); ``lrelease`` compiles
each into the ``.qm`` the app loads. ``mosaic_zh_CN.ts`` holds every string;
``mosaic_en.ts`` only the ``%n`` plurals, whose English forms need writing too.

Translate by editing the ``.ts`` (Qt Linguist, or any editor: fill ``<translation>``, drop
``type="unfinished"``), then run this script again.
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import string
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOT = ROOT / "assistant"
TS_DIR = ROOT / "resources" / "translations"
CATALOG = "mosaic"
# language → whether its .ts holds only plural (%n) messages
LANGUAGES = {"zh_CN": False, "en": True}

# Modules lupdate scans: Qt ones, and Qt-free ones using assistant.core.i18n.translate.
_TRANSLATES = re.compile(r"PySide6|\bassistant\.core\.i18n\b|from assistant\.core import i18n")
_QT_PLACEHOLDER = re.compile(r"%L?(?:[1-9][0-9]?|n)")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
_MNEMONIC = re.compile(r"&[^&\s]")
# tr(f"...") / translate("Ctx", f"..."): lupdate extracts the braces literally, and the
# formatted text is never found at run time.
_FSTRING_TR = re.compile(r"""\b(?:tr|translate)\(\s*(?:(?:"[^"]*"|'[^']*')\s*,\s*)?[rR]?[fF]["']""")


class ToolMissing(RuntimeError):
    pass


def find_tool(name: str) -> Path:
    """``lupdate`` / ``lrelease``: the copy inside the PySide6 package (present in a
    virtual environment even when its ``pyside6-*`` scripts are not on PATH), else PATH."""
    candidates: list[Path] = []
    try:
        import PySide6
    except ImportError:
        pass
    else:
        package = Path(PySide6.__file__).resolve().parent
        for folder in (package, package / "Qt" / "libexec", package / "Qt" / "bin"):
            candidates += [folder / name, folder / f"{name}.exe"]
    for command in (f"pyside6-{name}", name):
        found = shutil.which(command)
        if found:
            candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ToolMissing(f"Qt's {name} was not found: install PySide6 (pip install PySide6), "
                      "which ships it.")


def source_files(root: Path = SOURCE_ROOT) -> list[Path]:
    """The modules that can translate: those importing PySide6 (Qt's translate) or
    ``assistant.core.i18n`` (the Qt-free layers' ``translate``)."""
    return sorted(path for path in root.rglob("*.py")
                  if "__pycache__" not in path.parts
                  and _TRANSLATES.search(path.read_text(encoding="utf-8")))


def ts_path(language: str, ts_dir: Path = TS_DIR) -> Path:
    return ts_dir / f"{CATALOG}_{language}.ts"


def qm_path(language: str, ts_dir: Path = TS_DIR) -> Path:
    return ts_dir / f"{CATALOG}_{language}.qm"


def _run(command: list[str | Path]) -> str:
    done = subprocess.run([str(part) for part in command], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): "
                           f"{done.stderr.strip() or done.stdout.strip()}")
    return done.stdout + done.stderr


def lupdate(ts: Path, language: str, plural_only: bool, sources: list[Path]) -> str:
    """Merge the strings of ``sources`` into ``ts`` (created when missing)."""
    command: list[str | Path] = [find_tool("lupdate"), *sources, "-ts", ts, "-no-obsolete",
                                 "-locations", "none", "-source-language", "en",
                                 "-target-language", language]
    if plural_only:
        command.append("-pluralonly")
    return _run(command)


def lrelease(ts: Path, qm: Path) -> str:
    return _run([find_tool("lrelease"), "-silent", ts, "-qm", qm])


@dataclass(frozen=True)
class Message:
    """One ``<message>`` of a .ts file."""

    context: str
    source: str
    comment: str
    numerus: bool
    translations: tuple[str, ...]
    state: str  # "" (finished), "unfinished", "vanished" or "obsolete"

    @property
    def key(self) -> tuple[str, str, str, bool]:
        return self.context, self.source, self.comment, self.numerus

    def describe(self) -> str:
        comment = f" ({self.comment})" if self.comment else ""
        return f"{self.context}: {self.source!r}{comment}"


def read_ts(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for element in context.iter("message"):
            translation = element.find("translation")
            if translation is None:
                texts: tuple[str, ...] = ()
                state = "unfinished"
            else:
                forms = translation.findall("numerusform")
                texts = tuple(form.text or "" for form in forms) if forms \
                    else (translation.text or "",)
                state = translation.get("type", "")
            messages.append(Message(name, element.findtext("source", ""),
                                    element.findtext("comment", ""),
                                    element.get("numerus") == "yes", texts, state))
    return messages


def _format_fields(text: str) -> Counter[str] | None:
    """The ``str.format`` fields of ``text`` (None: not a valid format string)."""
    try:
        return Counter(f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
                       for _, name, spec, conv in string.Formatter().parse(text)
                       if name is not None)
    except ValueError:
        return None


def _has_mnemonic(text: str) -> bool:
    return bool(_MNEMONIC.search(_ENTITY.sub("", text).replace("&&", "")))


def placeholder_problems(message: Message) -> list[str]:
    """How the translations of ``message`` lose or add placeholders or its mnemonic."""
    problems = []
    source_fields = _format_fields(message.source)
    source_qt = Counter(_QT_PLACEHOLDER.findall(message.source))
    for text in message.translations:
        if not text:
            continue
        if _format_fields(text) != source_fields:
            problems.append(f"{message.describe()}: {{…}} fields differ in {text!r}")
        if Counter(_QT_PLACEHOLDER.findall(text)) != source_qt:
            problems.append(f"{message.describe()}: %-placeholders differ in {text!r}")
        if _has_mnemonic(message.source) and not _has_mnemonic(text):
            problems.append(f"{message.describe()}: the &-mnemonic is missing in {text!r}")
    return problems


@dataclass
class Report:
    """What stands between the code and complete, compiled translations."""

    out_of_date: list[str]  # strings the code has and a .ts lacks, or the reverse
    unfinished: list[str]  # untranslated, or marked unfinished / vanished / obsolete
    placeholders: list[str]  # a translation that loses a {field}, %1 / %n, or its mnemonic
    stale_qm: list[str]  # a .qm that is not the compiled .ts
    source_problems: list[str]  # tr() calls that can never be translated as written

    def all(self) -> list[str]:
        return [*self.source_problems, *self.out_of_date, *self.unfinished,
                *self.placeholders, *self.stale_qm]


def source_problems(sources: list[Path]) -> list[str]:
    """tr() calls whose text lupdate cannot extract correctly."""
    problems = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _FSTRING_TR.search(line):
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                problems.append(f"{shown}:{number}: an f-string inside tr() "
                                "is never translated; use tr('… {name} …').format(name=…)")
    return problems


def check(ts_dir: Path = TS_DIR, sources: list[Path] | None = None) -> Report:
    """Compare the committed files with what the code needs, changing nothing."""
    sources = source_files() if sources is None else sources
    report = Report([], [], [], [], source_problems(sources))
    with tempfile.TemporaryDirectory() as temp:
        for language, plural_only in LANGUAGES.items():
            ts, qm = ts_path(language, ts_dir), qm_path(language, ts_dir)
            if not ts.is_file():
                report.out_of_date.append(f"{ts.name} is missing")
                continue
            committed = read_ts(ts)
            fresh_ts = Path(temp) / ts.name
            shutil.copyfile(ts, fresh_ts)
            lupdate(fresh_ts, language, plural_only, sources)
            fresh = {message.key for message in read_ts(fresh_ts)}
            known = {message.key for message in committed}
            report.out_of_date += [f"{ts.name}: new in the code: {key[0]}: {key[1]!r}"
                                   for key in sorted(fresh - known)]
            report.out_of_date += [f"{ts.name}: no longer in the code: {key[0]}: {key[1]!r}"
                                   for key in sorted(known - fresh)]
            for message in committed:
                if message.state or not all(message.translations):
                    state = message.state or "empty"
                    report.unfinished.append(f"{ts.name}: {state}: {message.describe()}")
                if not message.context:
                    report.source_problems.append(
                        f"{ts.name}: {message.source!r} has no context, so it is never "
                        "translated: call self.tr(...) itself (not an alias of it) inside "
                        "the class")
                if "%n" in message.source and not message.numerus:
                    report.source_problems.append(
                        f"{ts.name}: {message.describe()} uses %n but is not a plural: "
                        "write self.tr(text, '', n) in a QObject subclass")
                report.placeholders += [f"{ts.name}: {problem}"
                                        for problem in placeholder_problems(message)]
            fresh_qm = Path(temp) / qm.name
            lrelease(ts, fresh_qm)
            if not qm.is_file() or not filecmp.cmp(qm, fresh_qm, shallow=False):
                report.stale_qm.append(f"{qm.name} is not the compiled {ts.name}")
    return report


def update(ts_dir: Path = TS_DIR) -> Report:
    """Merge the code's strings into every .ts and compile each into its .qm."""
    ts_dir.mkdir(parents=True, exist_ok=True)
    sources = source_files()
    for language, plural_only in LANGUAGES.items():
        ts = ts_path(language, ts_dir)
        print(lupdate(ts, language, plural_only, sources).strip())
        lrelease(ts, qm_path(language, ts_dir))
    return check(ts_dir, sources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 listing missing, unfinished and "
                             "out-of-date translations")
    args = parser.parse_args(argv)
    try:
        report = check() if args.check else update()
    except (ToolMissing, RuntimeError) as exc:
        print(exc, file=sys.stderr)
        return 2
    problems = report.all()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("Translations are complete and compiled.")
        return 0
    if args.check:
        print(f"{len(problems)} translation problem(s); run packaging/update_translations.py "
              "and translate what it lists.", file=sys.stderr)
        return 1
    print(f"{len(problems)} problem(s) above remain: translate what the .ts files lack, "
          "fix the tr() calls named, then run this again.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
