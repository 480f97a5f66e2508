"""Translation for the Qt-free layers: sentences built in models/core reach the window too.

``translate(context, text)`` returns ``text`` unchanged until the interface installs a
translator (``assistant.ui.translations`` installs ``QCoreApplication.translate``), so
these layers never import Qt and stay English in the command line and the logs' callers.

Call it with a *literal* context and a *literal* whole sentence, then fill named
placeholders with ``.format()``::

    translate("MachineFit", "Needs about {size}; fits in memory.").format(size=text)

``packaging/update_translations.py`` runs lupdate over every module importing this one;
lupdate recognises ``translate("Context", "text")`` calls, so a variable, an f-string or a
sentence glued from pieces would never be extracted or found.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]

_translator: Translator | None = None


def install_translator(func: Translator | None) -> None:
    """Route :func:`translate` through ``func`` (``None``: back to the English source)."""
    global _translator
    _translator = func


def translate(context: str, text: str) -> str:
    """``text`` in the interface language (unchanged while no translator is installed)."""
    if _translator is None:
        return text
    return _translator(context, text)
