"""The interface language: English or Simplified Chinese, from the system or a setting.

Our messages come from ``resources/translations/mosaic_<lang>.qm`` (built by
``packaging/update_translations.py``); Qt's own (standard buttons, dialogs) from Qt's
``qtbase_<lang>.qm``. English needs a file too: it holds the plural forms of ``%n``
messages ("1 file" / "2 files").

A system language of any Chinese variety gives Simplified Chinese: Mosaic has no
Traditional Chinese translation, and a reader of Traditional Chinese reads Simplified
Chinese far more easily than English (Settings can still choose English).
"""

from __future__ import annotations

import logging
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from assistant.core import i18n
from assistant.core.settings import LANGUAGES
from assistant.resources import resources_dir

log = logging.getLogger(__name__)

CATALOG = "mosaic"  # mosaic_<lang>.ts / .qm
FALLBACK = "en"
_QT_CATALOG = "qtbase"
# Native names are never translated: a person looks for their own language's name.
NATIVE_NAMES = {"en": "English", "zh_CN": "简体中文"}
_LOCALES = {
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
    "zh_CN": (QLocale.Language.Chinese, QLocale.Country.China),
}

_installed: list[QTranslator] = []  # ours and Qt's, to remove on the next install


def translations_dir() -> Path:
    return resources_dir() / "translations"


def catalog_path(language: str) -> Path:
    """Where the compiled translation for ``language`` ("en", "zh_CN") is shipped."""
    return translations_dir() / f"{CATALOG}_{language}.qm"


def effective_language(choice: str, system_locale: QLocale | None = None) -> str:
    """The language ("en" or "zh_CN") that ``choice`` (one of ``LANGUAGES``) means here.

    "system" walks the desktop's preferred interface languages in order: the first that is
    English or any Chinese decides; none of them gives English.
    """
    if choice in NATIVE_NAMES:
        return choice
    if choice != "system":
        log.warning("unknown interface language %r; following the system", choice)
    locale = system_locale if system_locale is not None else QLocale.system()
    for tag in locale.uiLanguages():
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary == "zh":
            return "zh_CN"
        if primary == "en":
            return "en"
    return FALLBACK


def language_names() -> dict[str, str]:
    """Each of ``LANGUAGES`` as a person would read it in the settings (native names)."""
    names = {"system": QCoreApplication.translate("Language", "Same as the system")}
    names.update(NATIVE_NAMES)
    return {code: names[code] for code in LANGUAGES}


def _qt_catalog_path(language: str) -> Path:
    """Qt's own translation: where Qt says, else in the PySide6 package (a bundle may keep
    it only there)."""
    name = f"{_QT_CATALOG}_{language}.qm"
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
               Path(PySide6.__file__).resolve().parent / "Qt" / "translations"]
    return next((folder / name for folder in folders if (folder / name).is_file()),
                folders[0] / name)


def _load(app: QCoreApplication, path: Path) -> QTranslator | None:
    translator = QTranslator(app)
    if path.is_file() and translator.load(str(path)):
        return translator
    translator.deleteLater()
    return None


def remove_translations(app: QCoreApplication) -> None:
    """Take out every translator :func:`install_translations` put in (English source text
    remains, with "(s)"-style plurals)."""
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()
    i18n.install_translator(None)
    global _running_language
    _running_language = FALLBACK


_running_language = FALLBACK


def install_translations(app: QCoreApplication, choice: str) -> str:
    """Translate the interface into the language ``choice`` means (replacing what an
    earlier call installed) and make it the default locale; returns that language.

    A missing or unreadable translation is logged and leaves English.
    """
    language = effective_language(choice)
    remove_translations(app)
    translators: list[QTranslator] = []
    if language != FALLBACK:
        qt_path = _qt_catalog_path(language)
        ours = _load(app, catalog_path(language))
        if ours is None:
            log.warning("the %s translation %s is missing or unreadable; showing English",
                        language, catalog_path(language))
            language = FALLBACK
        else:
            qt_own = _load(app, qt_path)
            if qt_own is None:
                log.warning("Qt's %s translation %s is missing; standard buttons stay "
                            "English", language, qt_path)
            else:
                translators.append(qt_own)  # installed first: ours are searched first
            translators.append(ours)
    if language == FALLBACK:
        plurals = _load(app, catalog_path(FALLBACK))
        if plurals is None:
            log.warning("the English plural forms %s are missing; counts read '(s)'",
                        catalog_path(FALLBACK))
        else:
            translators.append(plurals)
    for translator in translators:
        app.installTranslator(translator)
        _installed.append(translator)
    # The Qt-free layers' sentences (machine fit, downloads, imports) follow the same catalog.
    i18n.install_translator(QCoreApplication.translate)
    QLocale.setDefault(_locale_for(language))
    global _running_language
    _running_language = language
    return language


def installed_language() -> str:
    """The language the last :func:`install_translations` put in place ("en" before any)."""
    return _running_language


def _locale_for(language: str) -> QLocale:
    """The system locale when it speaks ``language`` (keeping its regional formats), else
    the language's main locale."""
    system = QLocale.system()
    language_enum, territory = _LOCALES[language]
    if system.language() == language_enum:
        return system
    return QLocale(language_enum, territory)
