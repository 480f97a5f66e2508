"""English and Simplified Chinese: the committed translations match the code, are complete
and compiled, and a real window speaks Chinese with them installed."""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from assistant.core.settings import LANGUAGES, Settings
from assistant.ui import translations
from assistant.ui.translations import (
    effective_language,
    install_translations,
    language_names,
    remove_translations,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "update_translations.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _load_script()


@pytest.fixture(scope="module")
def report():
    """One check of the committed files against the code (runs lupdate and lrelease)."""
    return tool.check()


# -- the committed files -------------------------------------------------------------------


def test_ts_files_list_exactly_the_strings_in_the_code(report) -> None:
    assert report.source_problems == []
    assert report.out_of_date == [], "run python packaging/update_translations.py"


def test_every_string_is_translated(report) -> None:
    assert report.unfinished == [], "translate these in resources/translations/*.ts"
    for language in tool.LANGUAGES:
        states = {message.state for message in tool.read_ts(tool.ts_path(language))}
        assert states <= {""}, f"{language}: {states}"  # no unfinished, vanished, obsolete


def test_translations_keep_placeholders_and_mnemonics(report) -> None:
    assert report.placeholders == []


def test_qm_files_are_the_compiled_ts_files(report) -> None:
    assert report.stale_qm == [], "run python packaging/update_translations.py"


def test_the_chinese_file_covers_the_settings_dialog() -> None:
    contexts = {message.context for message in tool.read_ts(tool.ts_path("zh_CN"))}
    assert {"SettingsDialog", "AppearanceSettingsGroup", "Language"} <= contexts


def test_check_names_every_kind_of_gap(tmp_path: Path) -> None:
    """A broken copy of the files: the check lists each problem (so it can fail)."""
    broken = tmp_path / "translations"
    shutil.copytree(tool.TS_DIR, broken)
    ts = tool.ts_path("zh_CN", broken)
    text = ts.read_text(encoding="utf-8")
    text = text.replace("<translation>设置</translation>",
                        '<translation type="unfinished">设置</translation>', 1)
    text = text.replace("<translation>打开 {name}</translation>",
                        "<translation>打开</translation>", 1)
    text = text.replace("<translation>回答(&amp;A)</translation>",
                        "<translation>回答</translation>", 1)
    start = text.index("<source>Takes effect when Mosaic restarts.</source>")
    text = text[:text.rindex("<message>", 0, start)] + text[text.index("</message>", start)
                                                             + len("</message>"):]
    ts.write_text(text, encoding="utf-8")
    report = tool.check(broken)
    assert any("Takes effect when Mosaic restarts." in line for line in report.out_of_date)
    assert any("'Settings'" in line and "unfinished" in line for line in report.unfinished)
    assert any("Open {name}" in line for line in report.placeholders)
    assert any("&Answers" in line and "mnemonic" in line for line in report.placeholders)
    assert any("mosaic_zh_CN.qm" in line for line in report.stale_qm)


def test_check_flags_f_strings_inside_tr(tmp_path: Path) -> None:
    module = tmp_path / "widget.py"
    module.write_text('from PySide6.QtWidgets import QLabel\n'
                      'def make(self, name):\n'
                      '    return QLabel(self.tr(f"Hello {name}"))\n', encoding="utf-8")
    problems = tool.source_problems([module])
    assert len(problems) == 1 and "f-string" in problems[0] and ":3:" in problems[0]


def test_the_check_command_exits_zero_when_complete(report) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == (0 if not report.all() else 1), done.stderr


# -- choosing the language -----------------------------------------------------------------


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN", "zh_CN"), ("zh_SG", "zh_CN"),
    # No Traditional Chinese translation: Simplified reads far better than English there.
    ("zh_TW", "zh_CN"), ("zh_HK", "zh_CN"), ("zh_Hant_MO", "zh_CN"),
    ("en_US", "en"), ("en_GB", "en"), ("fr_FR", "en"), ("ja_JP", "en"), ("C", "en"),
])
def test_the_system_language_decides(locale: str, expected: str) -> None:
    assert effective_language("system", QLocale(locale)) == expected


def test_a_chosen_language_wins_over_the_system() -> None:
    assert effective_language("en", QLocale("zh_CN")) == "en"
    assert effective_language("zh_CN", QLocale("en_US")) == "zh_CN"


def test_an_unknown_choice_follows_the_system(caplog) -> None:
    assert effective_language("klingon", QLocale("zh_CN")) == "zh_CN"
    assert "klingon" in caplog.text


def test_language_names_are_native(qapp) -> None:
    names = language_names()
    assert list(names) == list(LANGUAGES)
    assert names["en"] == "English" and names["zh_CN"] == "简体中文"
    assert names["system"] == "Same as the system"


# -- installing it -------------------------------------------------------------------------


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with no translation and the default locale as before afterwards."""
    default_locale = QLocale()
    yield qapp
    remove_translations(qapp)
    QLocale.setDefault(default_locale)


@pytest.mark.gui
def test_a_real_dialog_speaks_chinese(qtbot, app: QApplication) -> None:
    from assistant.ui.settings_dialog import SettingsDialog

    assert install_translations(app, "zh_CN") == "zh_CN"
    dialog = SettingsDialog(Settings(), 4)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "设置"
    assert dialog.tabs.tabText(0) == "回答(&A)"
    assert dialog.appearance.theme.itemText(2) == "深色"
    assert dialog.appearance.language.itemText(2) == "简体中文"
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "取消", "Qt's own strings are Chinese too"
    assert QCoreApplication.translate("SettingsDialog", "default: %n physical core(s)", "",
                                      4) == "默认：4 个物理核心"
    assert QLocale().language() == QLocale.Language.Chinese


def test_english_has_real_plurals(app: QApplication) -> None:
    assert install_translations(app, "en") == "en"
    plural = "default: %n physical core(s)"
    assert QCoreApplication.translate("SettingsDialog", plural, "", 1) == \
        "default: 1 physical core"
    assert QCoreApplication.translate("SettingsDialog", plural, "", 8) == \
        "default: 8 physical cores"
    assert QLocale().language() == QLocale.Language.English


def test_installing_again_replaces_the_earlier_language(app: QApplication) -> None:
    install_translations(app, "zh_CN")
    install_translations(app, "zh_CN")
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "设置"
    install_translations(app, "en")
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"
    remove_translations(app)
    assert QCoreApplication.translate("SettingsDialog", "default: %n physical core(s)", "",
                                      1) == "default: 1 physical core(s)"


def test_a_missing_translation_falls_back_to_english(app: QApplication, tmp_path: Path,
                                                      monkeypatch, caplog) -> None:
    monkeypatch.setattr(translations, "translations_dir", lambda: tmp_path)
    with caplog.at_level(logging.WARNING, logger="assistant.ui.translations"):
        assert install_translations(app, "zh_CN") == "en"
    assert "zh_CN" in caplog.text and "showing English" in caplog.text
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"
    assert QLocale().language() == QLocale.Language.English
