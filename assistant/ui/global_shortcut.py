"""A desktop-wide key (default Ctrl+Alt+M) that shows Mosaic, where the platform allows one.

X11 (Qt platform ``xcb``): a passive grab on the root window through our own Xlib
connection, read with a QSocketNotifier. Wayland gives applications no global keys by
design; other platforms are not supported yet. Either way :attr:`unavailable_reason` says
what the person can do instead (starting Mosaic again shows its window).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSocketNotifier, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence

from assistant import APP_NAME

log = logging.getLogger(__name__)

DEFAULT_KEY = "Ctrl+Alt+M"

# Xlib constants (X.h).
_KEY_PRESS = 2
_SHIFT_MASK, _LOCK_MASK, _CONTROL_MASK, _MOD1_MASK, _MOD2_MASK, _MOD4_MASK = 1, 2, 4, 8, 16, 64
_GRAB_MODE_ASYNC = 1
_BAD_ACCESS = 10
_XK_NUM_LOCK = 0xFF7F
# Qt modifier → X modifier mask (Alt is Mod1 and Super/Meta is Mod4 on every common keymap).
_QT_TO_X_MODIFIERS = ((Qt.KeyboardModifier.ShiftModifier, _SHIFT_MASK),
                      (Qt.KeyboardModifier.ControlModifier, _CONTROL_MASK),
                      (Qt.KeyboardModifier.AltModifier, _MOD1_MASK),
                      (Qt.KeyboardModifier.MetaModifier, _MOD4_MASK))
_X_MODIFIERS_COMPARED = _SHIFT_MASK | _CONTROL_MASK | _MOD1_MASK | _MOD4_MASK
_MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                            Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock,
                            Qt.Key.Key_Super_L, Qt.Key.Key_Super_R})
# Qt's portable key names that differ from X keysym names.
_KEYSYM_NAMES = {"Space": "space", "Esc": "Escape", "PgUp": "Prior", "PgDown": "Next",
                 "Ins": "Insert", "Del": "Delete", "Backspace": "BackSpace",
                 "Enter": "KP_Enter", "Return": "Return", "Print": "Print"}


class _XKeyEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                ("window", ctypes.c_ulong), ("root", ctypes.c_ulong),
                ("subwindow", ctypes.c_ulong), ("time", ctypes.c_ulong),
                ("x", ctypes.c_int), ("y", ctypes.c_int), ("x_root", ctypes.c_int),
                ("y_root", ctypes.c_int), ("state", ctypes.c_uint),
                ("keycode", ctypes.c_uint), ("same_screen", ctypes.c_int)]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xkey", _XKeyEvent), ("pad", ctypes.c_long * 24)]


class _XErrorEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("display", ctypes.c_void_p),
                ("resourceid", ctypes.c_ulong), ("serial", ctypes.c_ulong),
                ("error_code", ctypes.c_ubyte), ("request_code", ctypes.c_ubyte),
                ("minor_code", ctypes.c_ubyte)]


class _XModifierKeymap(ctypes.Structure):
    _fields_ = [("max_keypermod", ctypes.c_int),
                ("modifiermap", ctypes.POINTER(ctypes.c_ubyte))]


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_XErrorEvent))


def _load_xlib() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        xlib = ctypes.CDLL(name)
    except OSError:
        return None
    display, window, keysym = ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong
    signatures = {
        "XOpenDisplay": ([ctypes.c_char_p], display),
        "XCloseDisplay": ([display], ctypes.c_int),
        "XDefaultRootWindow": ([display], window),
        "XConnectionNumber": ([display], ctypes.c_int),
        "XStringToKeysym": ([ctypes.c_char_p], keysym),
        "XKeysymToKeycode": ([display, keysym], ctypes.c_ubyte),
        "XGrabKey": ([display, ctypes.c_int, ctypes.c_uint, window, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int], ctypes.c_int),
        "XUngrabKey": ([display, ctypes.c_int, ctypes.c_uint, window], ctypes.c_int),
        "XSync": ([display, ctypes.c_int], ctypes.c_int),
        "XPending": ([display], ctypes.c_int),
        "XNextEvent": ([display, ctypes.POINTER(_XEvent)], ctypes.c_int),
        "XSetErrorHandler": ([ctypes.c_void_p], ctypes.c_void_p),
        "XGetModifierMapping": ([display], ctypes.POINTER(_XModifierKeymap)),
        "XFreeModifiermap": ([ctypes.POINTER(_XModifierKeymap)], ctypes.c_int),
    }
    for function, (argtypes, restype) in signatures.items():
        getattr(xlib, function).argtypes = argtypes
        getattr(xlib, function).restype = restype
    return xlib


def _platform_name() -> str:
    return QGuiApplication.platformName()


@dataclass(frozen=True)
class KeyChord:
    """One key with its modifiers, as X11 names them."""

    keysym_name: str  # e.g. "m", "F12", "space"
    modifiers: int  # X modifier mask


def parse_key(key: str) -> KeyChord | None:
    """``"Ctrl+Alt+M"`` (Qt's portable text) as an X11 key chord; None when it is not one key."""
    sequence = QKeySequence.fromString(key, QKeySequence.SequenceFormat.PortableText)
    if sequence.count() != 1:
        return None
    combination = sequence[0]
    if combination.key() in _MODIFIER_KEYS or combination.key() == Qt.Key.Key_unknown:
        return None
    modifiers = combination.keyboardModifiers()
    mask = 0
    for qt_modifier, x_mask in _QT_TO_X_MODIFIERS:
        if modifiers & qt_modifier:
            mask |= x_mask
    name = QKeySequence(combination.key()).toString(QKeySequence.SequenceFormat.PortableText)
    if not name:
        return None
    if len(name) == 1:
        return KeyChord(name.lower(), mask)
    return KeyChord(_KEYSYM_NAMES.get(name, name), mask)


class GlobalShortcut(QObject):
    """Emits :attr:`activated` when the registered key is pressed anywhere on the desktop."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unavailable_reason = ""
        self.key = ""
        self._xlib: ctypes.CDLL | None = None
        self._display: int | None = None
        self._root = 0
        self._keycode = 0
        self._modifiers = 0
        self._grabbed: list[int] = []  # modifier masks grabbed with self._keycode
        self._notifier: QSocketNotifier | None = None
        self._x_errors: list[tuple[int, int]] = []  # (error_code, request_code)
        self._error_handler = _ERROR_HANDLER(self._record_x_error)

    @property
    def is_registered(self) -> bool:
        return bool(self._grabbed)

    def register(self, key: str = DEFAULT_KEY) -> bool:
        """Take ``key`` desktop-wide. False, with :attr:`unavailable_reason` set, when this
        platform has no global keys, the key is not a key, or another application has it."""
        self.unregister()
        self.key = key
        self.unavailable_reason = ""
        platform = _platform_name()
        if platform.startswith("wayland"):
            return self._unavailable(self.tr(
                "Wayland does not let applications take global keys; bind the command "
                "`mosaic` to a key in your desktop's keyboard settings — starting {app} again "
                "shows its window.").format(app=APP_NAME))
        if platform != "xcb":
            return self._unavailable(self.tr(
                "{app} cannot take a global key on this system yet; starting {app} again "
                "shows its window.").format(app=APP_NAME))
        chord = parse_key(key)
        if chord is None:
            return self._unavailable(self.tr(
                "“{key}” is not a key combination {app} can use; choose one like "
                "Ctrl+Alt+M.").format(key=key, app=APP_NAME))
        return self._register_x11(chord)

    def status_text(self) -> str:
        """One sentence for Settings: the key that shows Mosaic, or why there is none."""
        if self.is_registered:
            return self.tr("{key} shows {app} from any application.").format(
                key=self.key, app=APP_NAME)
        return self.unavailable_reason

    def _unavailable(self, reason: str) -> bool:
        self.unavailable_reason = reason
        log.info("global shortcut %s unavailable: %s", self.key, reason)
        return False

    def _register_x11(self, chord: KeyChord) -> bool:
        xlib = _load_xlib()
        if xlib is None:
            return self._unavailable(self.tr(
                "The X11 library (libX11) is missing, so {app} cannot take a global key; "
                "install libx11-6, or start {app} again to show its window.").format(
                    app=APP_NAME))
        display = xlib.XOpenDisplay(None)
        if not display:
            return self._unavailable(self.tr(
                "{app} could not connect to the X display for a global key; starting {app} "
                "again shows its window.").format(app=APP_NAME))
        keysym = xlib.XStringToKeysym(chord.keysym_name.encode())
        if len(chord.keysym_name) == 1 and not keysym:
            keysym = ord(chord.keysym_name)  # Latin-1 keysyms are their code points
        keycode = xlib.XKeysymToKeycode(display, keysym) if keysym else 0
        if not keycode:
            xlib.XCloseDisplay(display)
            return self._unavailable(self.tr(
                "“{key}” is not on this keyboard, so {app} cannot take it as a global key; "
                "choose another combination.").format(key=self.key, app=APP_NAME))
        self._xlib, self._display = xlib, display
        self._root = xlib.XDefaultRootWindow(display)
        self._keycode, self._modifiers = keycode, chord.modifiers
        lock_variants = {0, _LOCK_MASK, self._num_lock_mask(),
                         _LOCK_MASK | self._num_lock_mask()}
        with self._trapping_x_errors() as errors:
            for extra in sorted(lock_variants):
                xlib.XGrabKey(display, keycode, chord.modifiers | extra, self._root, 0,
                              _GRAB_MODE_ASYNC, _GRAB_MODE_ASYNC)
                self._grabbed.append(chord.modifiers | extra)
        if errors:
            taken = any(code == _BAD_ACCESS for code, _request in errors)
            log.warning("XGrabKey %s failed: %s", self.key, errors)
            self.unregister()
            if taken:
                return self._unavailable(self.tr(
                    "{key} is taken by another application, so it cannot show {app}; free "
                    "it there or in your desktop's keyboard settings.").format(
                        key=self.key, app=APP_NAME))
            return self._unavailable(self.tr(
                "The X server refused {key} as a global key; starting {app} again shows "
                "its window.").format(key=self.key, app=APP_NAME))
        self._notifier = QSocketNotifier(xlib.XConnectionNumber(display),
                                         QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read_events)
        self._read_events()  # events Xlib queued while syncing
        log.info("global shortcut %s registered", self.key)
        return True

    @contextmanager
    def _trapping_x_errors(self) -> Iterator[list[tuple[int, int]]]:
        """Collect X errors from the requests made inside, then sync; Xlib's default handler
        would end the process on the first one."""
        assert self._xlib is not None and self._display is not None
        self._x_errors = []
        previous = self._xlib.XSetErrorHandler(
            ctypes.cast(self._error_handler, ctypes.c_void_p))
        try:
            yield self._x_errors
            self._xlib.XSync(self._display, 0)  # their errors arrive now, through our handler
        finally:
            self._xlib.XSetErrorHandler(previous)

    def _record_x_error(self, _display: int, event: ctypes._Pointer) -> int:
        self._x_errors.append((event.contents.error_code, event.contents.request_code))
        return 0

    def _num_lock_mask(self) -> int:
        """The modifier mask NumLock sets on this keymap (Mod2 on nearly all)."""
        assert self._xlib is not None and self._display is not None
        num_lock = self._xlib.XKeysymToKeycode(self._display, _XK_NUM_LOCK)
        mapping = self._xlib.XGetModifierMapping(self._display)
        if not num_lock or not mapping:
            return _MOD2_MASK
        try:
            per_modifier = mapping.contents.max_keypermod
            for index in range(8 * per_modifier):
                if mapping.contents.modifiermap[index] == num_lock:
                    return 1 << (index // per_modifier)
        finally:
            self._xlib.XFreeModifiermap(mapping)
        return _MOD2_MASK

    def _read_events(self) -> None:
        if self._xlib is None or self._display is None:
            return
        event = _XEvent()
        pressed = False
        while self._xlib.XPending(self._display):
            self._xlib.XNextEvent(self._display, ctypes.byref(event))
            if (event.type == _KEY_PRESS and event.xkey.keycode == self._keycode
                    and event.xkey.state & _X_MODIFIERS_COMPARED == self._modifiers):
                pressed = True
        if pressed:  # once per batch: a held key's repeats show the window once
            self.activated.emit()

    def unregister(self) -> None:
        """Release the key and the X connection (idempotent)."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._xlib is not None and self._display is not None:
            with self._trapping_x_errors():
                for modifiers in self._grabbed:
                    self._xlib.XUngrabKey(self._display, self._keycode, modifiers, self._root)
            self._xlib.XCloseDisplay(self._display)
        self._grabbed.clear()
        self._xlib, self._display = None, None


__all__ = ["DEFAULT_KEY", "GlobalShortcut", "KeyChord", "parse_key"]
