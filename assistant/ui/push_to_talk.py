"""The push-to-talk key: held anywhere in a window to record, and which keys make bad ones."""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

DEFAULT_PUSH_TO_TALK_KEY = "F9"

_MODIFIER_KEYS = {
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Meta, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
    Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock,
}
_TYPING_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier \
    | Qt.KeyboardModifier.MetaModifier
_IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.GroupSwitchModifier
_FIRST_SPECIAL_KEY = 0x01000000  # Qt's keys below this one are characters
# Keys that edit text or move between controls, and what they do (a whole sentence each).
_EDITING_KEYS = {
    Qt.Key.Key_Tab: QT_TRANSLATE_NOOP(
        "PushToTalk", "Tab moves between controls; choose a key such as F9."),
    Qt.Key.Key_Backtab: QT_TRANSLATE_NOOP(
        "PushToTalk", "Shift+Tab moves between controls; choose a key such as F9."),
    Qt.Key.Key_Backspace: QT_TRANSLATE_NOOP(
        "PushToTalk", "Backspace deletes text; choose a key such as F9."),
    Qt.Key.Key_Delete: QT_TRANSLATE_NOOP(
        "PushToTalk", "Delete deletes text; choose a key such as F9."),
    Qt.Key.Key_Left: QT_TRANSLATE_NOOP(
        "PushToTalk", "The arrow keys move the cursor; choose a key such as F9."),
    Qt.Key.Key_Right: QT_TRANSLATE_NOOP(
        "PushToTalk", "The arrow keys move the cursor; choose a key such as F9."),
    Qt.Key.Key_Up: QT_TRANSLATE_NOOP(
        "PushToTalk", "The arrow keys move the cursor; choose a key such as F9."),
    Qt.Key.Key_Down: QT_TRANSLATE_NOOP(
        "PushToTalk", "The arrow keys move the cursor; choose a key such as F9."),
    Qt.Key.Key_Home: QT_TRANSLATE_NOOP(
        "PushToTalk", "Home moves the cursor; choose a key such as F9."),
    Qt.Key.Key_End: QT_TRANSLATE_NOOP(
        "PushToTalk", "End moves the cursor; choose a key such as F9."),
}
# Text-box shortcuts, and why they make bad push-to-talk keys ({key}: how it is written).
_EDITING_SHORTCUTS = {
    "Ctrl+C": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} copies in text boxes; choose a key such as F9."),
    "Ctrl+V": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} pastes in text boxes; choose a key such as F9."),
    "Ctrl+X": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} cuts in text boxes; choose a key such as F9."),
    "Ctrl+Z": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} undoes in text boxes; choose a key such as F9."),
    "Ctrl+Y": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} redoes in text boxes; choose a key such as F9."),
    "Ctrl+Shift+Z": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} redoes in text boxes; choose a key such as F9."),
    "Ctrl+A": QT_TRANSLATE_NOOP(
        "PushToTalk", "{key} selects all text in text boxes; choose a key such as F9."),
}


def parse_key(sequence: str) -> QKeySequence:
    """``sequence`` as Qt reads it; "Super" and "Win" are read as Qt's "Meta"."""
    text = re.sub(r"\b(super|win|windows)\+", "Meta+", sequence.strip(), flags=re.IGNORECASE)
    return QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)


def key_text(sequence: str) -> str:
    """How a key is written for people, e.g. "F9" or "Ctrl+Shift+M" ("" for no key)."""
    keys = parse_key(sequence)
    if keys.count() != 1 or keys[0].key() == Qt.Key.Key_unknown:
        return sequence.strip()
    return keys.toString(QKeySequence.SequenceFormat.NativeText)


def shortcut_problem(sequence: str, in_use: Mapping[str, str] | None = None) -> str:
    """"" when ``sequence`` makes a good push-to-talk key, else one sentence saying why not.

    ``in_use`` maps shortcuts the window already has (e.g. "Ctrl+N") to what they do.
    """
    if not sequence.strip():
        return QCoreApplication.translate(
            "PushToTalk", "Choose a key to hold while you speak, for example F9.")
    keys = parse_key(sequence)
    if keys.count() == 0 or keys[0].key() == Qt.Key.Key_unknown:
        return QCoreApplication.translate(
            "PushToTalk", "“{key}” is not a key Mosaic knows; press the key you want instead."
        ).format(key=sequence.strip())
    if keys.count() > 1:
        return QCoreApplication.translate(
            "PushToTalk", "Use one key or one key combination, not a sequence of several.")
    combination = keys[0]
    key = combination.key()
    mods = combination.keyboardModifiers() & ~_IGNORED_MODIFIERS
    shown = keys.toString(QKeySequence.SequenceFormat.PortableText)
    if key in _MODIFIER_KEYS:
        if mods != Qt.KeyboardModifier.NoModifier:
            return QCoreApplication.translate(
                "PushToTalk", "{key} alone switches the keyboard layout or input method; "
                "choose a key such as F9.").format(key=shown)
        return QCoreApplication.translate(
            "PushToTalk", "{key} alone cannot be held to talk; choose a key such as F9."
        ).format(key=shown)
    if key == Qt.Key.Key_Space:
        if mods == Qt.KeyboardModifier.NoModifier:
            return QCoreApplication.translate(
                "PushToTalk", "Space would stop you typing spaces; choose a key such as F9.")
        if mods == Qt.KeyboardModifier.AltModifier:
            return QCoreApplication.translate(
                "PushToTalk", "Alt+Space opens the window menu; choose a key such as F9.")
        return QCoreApplication.translate(
            "PushToTalk", "{key} switches input methods (for example to type Chinese); "
            "choose a key such as F9.").format(key=shown)
    if key == Qt.Key.Key_Escape:
        return QCoreApplication.translate(
            "PushToTalk", "Esc cancels a recording; choose another key, such as F9.")
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return QCoreApplication.translate(
            "PushToTalk", "Enter sends the message; choose another key, such as F9.")
    if key.value < _FIRST_SPECIAL_KEY and not mods & _TYPING_MODIFIERS:
        return QCoreApplication.translate(
            "PushToTalk", "{key} would stop you typing that character; choose a key such as F9."
        ).format(key=shown)
    if key in _EDITING_KEYS and not mods & _TYPING_MODIFIERS:
        return QCoreApplication.translate("PushToTalk", _EDITING_KEYS[key])
    if shown in _EDITING_SHORTCUTS:
        return QCoreApplication.translate("PushToTalk", _EDITING_SHORTCUTS[shown]).format(
            key=shown)
    for other, action in (in_use or {}).items():
        if parse_key(other).matches(keys) == QKeySequence.SequenceMatch.ExactMatch:
            return QCoreApplication.translate(
                "PushToTalk", "{key} already does “{action}”; choose another key, such as F9."
            ).format(key=shown, action=action)
    return ""


class PushToTalkKey(QObject):
    """Watches one window's keyboard for the push-to-talk key, wherever focus is in it.

    ``pressed()`` when the key goes down (with exactly its modifiers), ``released()`` when it
    comes up (whatever modifiers are still held by then); auto-repeats are swallowed, so the
    key never types into a text box. Esc while the key is held or :meth:`set_recording` says
    a recording runs emits ``cancelRequested()`` (a cancelled hold then ends silently: its
    release emits nothing). If the window loses focus while the key is held, the release
    cannot be seen, so ``released()`` is emitted then.

    It hears keys where real ones arrive: at the focused widget of the window (or the
    window, when nothing in it has focus). Tests send keys there, or to
    ``window.windowHandle()``.
    """

    pressed = Signal()
    released = Signal()
    cancelRequested = Signal()

    def __init__(self, window: QWidget, sequence: str = DEFAULT_PUSH_TO_TALK_KEY) -> None:
        super().__init__(window)
        self._window = window
        self._key: Qt.Key | None = None
        self._modifiers = Qt.KeyboardModifier.NoModifier
        self._sequence = ""
        self._held = False
        self._cancelled = False  # Esc ended this hold; swallow the key until it comes up
        self._recording = False
        self._enabled = True
        if self.set_sequence(sequence):
            self.set_sequence(DEFAULT_PUSH_TO_TALK_KEY)
        # Watched: the focused widget inside the window (key presses and the shortcut check
        # reach it first) and the window itself (keys when nothing has focus; deactivation).
        # An application-wide filter would see every paint of the app too, and cost a
        # Python call for each.
        window.installEventFilter(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first"
        app.focusChanged.connect(self._on_focus_changed)
        self._on_focus_changed(None, QApplication.focusWidget())

    def sequence(self) -> str:
        """The key in portable text, e.g. "F9" or "Ctrl+Shift+M"."""
        return self._sequence

    def set_sequence(self, sequence: str) -> str:
        """Use ``sequence`` from now on; a bad one (see :func:`shortcut_problem`) is refused,
        the key stays as it was, and the sentence saying why is returned ("" when taken)."""
        problem = shortcut_problem(sequence)
        if problem:
            return problem
        combination = parse_key(sequence)[0]
        self._release_quietly()
        self._key = combination.key()
        self._modifiers = combination.keyboardModifiers() & ~_IGNORED_MODIFIERS
        self._sequence = QKeySequence(combination).toString(
            QKeySequence.SequenceFormat.PortableText)
        return ""

    def set_recording(self, recording: bool) -> None:
        """Whether a recording runs (then Esc cancels it, even one started with the mouse)."""
        self._recording = recording

    def set_enabled(self, enabled: bool) -> None:
        """Off: the key types and acts as any other key (e.g. while no speech is possible)."""
        if not enabled:
            self._release_quietly()
        self._enabled = enabled

    def is_held(self) -> bool:
        return self._held

    # -- internals -------------------------------------------------------------------------

    def _release_quietly(self) -> None:
        self._held = False
        self._cancelled = False

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is not None and old is not self._window:
            old.removeEventFilter(self)
        if new is not None and new is not self._window and self._window.isAncestorOf(new):
            new.installEventFilter(self)

    def _is_our_key(self, event: QKeyEvent) -> bool:
        return self._key is not None and event.key() == self._key

    def _mods(self, event: QKeyEvent) -> Qt.KeyboardModifier:
        return event.modifiers() & ~_IGNORED_MODIFIERS

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            if self._enabled:
                return self._on_press(event)  # type: ignore[arg-type]
        elif kind == QEvent.Type.KeyRelease:
            if self._enabled:
                return self._on_release(event)  # type: ignore[arg-type]
        elif kind == QEvent.Type.ShortcutOverride:
            # Claim the key from any menu shortcut: the key press must reach this filter.
            if self._enabled and self._is_our_key(event) \
                    and (self._held or self._mods(event) == self._modifiers):  # type: ignore[arg-type]
                event.accept()
                return True
        elif kind == QEvent.Type.WindowDeactivate and watched is self._window:
            # The key's release will go to another window: the hold ends now.
            was_held = self._held
            self._release_quietly()
            if was_held:
                self.released.emit()
        return False

    def _on_press(self, event: QKeyEvent) -> bool:
        if self._is_our_key(event):
            if self._held or self._cancelled:
                return True  # auto-repeat (possibly with the modifiers already let go)
            if event.isAutoRepeat() or self._mods(event) != self._modifiers:
                return False
            self._held = True
            self.pressed.emit()
            return True
        if event.key() == Qt.Key.Key_Escape and (self._held or self._recording):
            if not event.isAutoRepeat():
                if self._held:
                    self._held = False
                    self._cancelled = True
                self.cancelRequested.emit()
            return True
        return False

    def _on_release(self, event: QKeyEvent) -> bool:
        if not self._is_our_key(event) or not (self._held or self._cancelled):
            return False
        if event.isAutoRepeat():
            return True
        was_held = self._held
        self._release_quietly()
        if was_held:
            self.released.emit()
        return True
