"""Layout problems a person would see in a shown window, found by walking its widgets.

- text that does not fit its control (cut off, or a button narrower than its label);
- controls laid out side by side that overlap;
- a control that sticks out of its parent (so part of it is cut off);
- tabs that do not fit their bar (scroll arrows or elided titles);
- a window that cannot shrink to the size it was asked to take.

Each problem is one readable line, e.g. ``QPushButton 'Load' in ModelPanel: the text needs
64 px, has 40``. Hidden widgets, the contents of scroll areas outside their viewport, and
children that their parent places by hand over others (overlays, not in its layout) are not
problems.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

_SHOW_MNEMONIC = Qt.TextFlag.TextShowMnemonic.value


def describe(widget: QWidget) -> str:
    """``QPushButton 'Load' in ModelPanel``: the class, its text or name, and the nearest
    enclosing widget of Mosaic's own (else the window's class)."""
    name = widget.objectName()
    text = _shown_text(widget) or widget.accessibleName() or (
        "" if name.startswith("qt_") else name)
    label = type(widget).__name__ + (f" {_short(text)!r}" if text else "")
    owner = widget.parentWidget()
    while owner is not None and type(owner).__module__.startswith("PySide6"):
        if owner.isWindow():
            break
        owner = owner.parentWidget()
    return f"{label} in {type(owner).__name__}" if owner is not None else label


def layout_problems(root: QWidget) -> list[str]:
    """Every problem below (and including) ``root``, which must be shown."""
    return [*clipped_text(root), *overlapping_siblings(root), *outside_parent(root),
            *crowded_tab_bars(root)]


def window_size_problems(window: QWidget, wanted: QSize) -> list[str]:
    """The window did not take ``wanted`` (its minimum size is larger)."""
    if window.size() == wanted:
        return []
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    return [f"{describe(window)}: asked for {wanted.width()}×{wanted.height()}, it is "
            f"{window.width()}×{window.height()} (its minimum is "
            f"{minimum.width()}×{minimum.height()})"]


# --- (a) text that does not fit ------------------------------------------------------------


def clipped_text(root: QWidget) -> list[str]:
    """Labels, buttons, check boxes, combo boxes, group boxes and placeholders (of combo
    boxes, line edits and text boxes) whose text needs more room than the control has."""
    problems = []
    for widget in _shown_widgets(root):
        need_has = _text_room(widget)
        if need_has is None:
            continue
        (need_w, has_w), (need_h, has_h) = need_has
        if need_w > has_w:
            problems.append(f"{describe(widget)}: the text needs {need_w} px, has {has_w}")
        elif need_h > has_h:
            problems.append(f"{describe(widget)}: the text needs {need_h} px of height, "
                            f"has {has_h}")
    return problems


def _text_room(widget: QWidget) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((needed width, available width), (needed height, available height)) for the text a
    widget shows, or None when it shows none (or it may legitimately scroll)."""
    style = widget.style()
    if isinstance(widget, QLabel):
        pixmap = widget.pixmap()
        if not widget.text() or (pixmap is not None and not pixmap.isNull()):
            return None
        if widget.wordWrap():
            need_h = widget.heightForWidth(widget.width())
            need_w = 0  # wrapping makes any width do, except for a word longer than a line
            if not QtGui.Qt.mightBeRichText(widget.text()) \
                    or widget.textFormat() == Qt.TextFormat.PlainText:
                frame = widget.width() - widget.contentsRect().width() + 2 * widget.margin()
                need_w = frame + max(widget.fontMetrics().horizontalAdvance(word)
                                     for word in widget.text().split() or [""])
            return (need_w, widget.width()), (need_h, widget.height())
        hint = widget.sizeHint()
        return (hint.width(), widget.width()), (hint.height(), widget.height())
    if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)):
        text = widget.text()
        if not text:
            return None
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        element = {QPushButton: QStyle.SubElement.SE_PushButtonContents,
                   QCheckBox: QStyle.SubElement.SE_CheckBoxContents,
                   QRadioButton: QStyle.SubElement.SE_RadioButtonContents}
        kind = next(k for k in element if isinstance(widget, k))
        room = style.subElementRect(element[kind], option, widget)
        metrics = widget.fontMetrics()
        size = _ink(metrics, text)
        icon = 0 if widget.icon().isNull() else widget.iconSize().width() + 4
        menu = 0
        if isinstance(widget, QPushButton) and widget.menu() is not None:
            menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, widget)
        return (size.width() + icon + menu, room.width()), (size.height(), room.height())
    if isinstance(widget, QToolButton):
        icon_only = widget.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        if not widget.text() or (icon_only and not widget.icon().isNull()):
            return None
        hint = widget.sizeHint()
        return (hint.width(), widget.width()), (hint.height(), widget.height())
    if isinstance(widget, QComboBox):
        text = widget.currentText() if widget.currentIndex() >= 0 else widget.placeholderText()
        if not text or widget.isEditable():
            return None
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        field = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                     QStyle.SubControl.SC_ComboBoxEditField, widget)
        icon = 0 if widget.itemIcon(widget.currentIndex()).isNull() else \
            widget.iconSize().width() + 4
        size = _ink(widget.fontMetrics(), text, mnemonic=False)
        return (size.width() + icon, field.width()), (size.height(), field.height())
    if isinstance(widget, QGroupBox):
        title = widget.title()
        if not title:
            return None
        size = _ink(widget.fontMetrics(), title)
        indicator = 0
        if widget.isCheckable():
            indicator = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 6
        return (size.width() + indicator + 8, widget.width()), (0, 0)
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        placeholder = widget.placeholderText()
        if not placeholder or not widget.document().isEmpty():
            return None
        margin = math.ceil(widget.document().documentMargin())
        room = widget.viewport().rect().adjusted(margin, margin, -margin, -margin)
        lines = widget.fontMetrics().boundingRect(
            QRect(0, 0, room.width(), 1 << 20), Qt.TextFlag.TextWordWrap.value, placeholder)
        return (0, 0), (lines.height(), room.height())
    if isinstance(widget, QLineEdit):
        placeholder = widget.placeholderText()
        if widget.text() or not placeholder:
            return None  # typed text scrolls by design
        option = QStyleOptionFrame()
        widget.initStyleOption(option)
        room = style.subElementRect(QStyle.SubElement.SE_LineEditContents, option, widget)
        margins = widget.textMargins()
        width = room.width() - margins.left() - margins.right() - 4  # QLineEdit's own 2+2
        width -= sum(_action_room(widget))
        return (widget.fontMetrics().horizontalAdvance(placeholder), width), (0, 0)
    return None


def _ink(metrics: QtGui.QFontMetrics, text: str, *, mnemonic: bool = True) -> QSize:
    """The size of the pixels ``text`` covers (its width without the trailing space some
    glyphs carry, such as a full-width "）"), and the height of its lines."""
    shown = _plain(text) if mnemonic else text
    lines = shown.split("\n")
    width = max(metrics.boundingRect(line).width() for line in lines)
    return QSize(width, metrics.height() * len(lines))


def _action_room(edit: QLineEdit) -> list[int]:
    """The widths of the visible buttons inside a line edit (its clear button, actions)."""
    return [child.width() for child in edit.findChildren(QWidget, options=Qt.FindChildOption
                                                         .FindDirectChildrenOnly)
            if child.isVisible() and not child.isWindow()]


# --- (b) siblings that overlap ----------------------------------------------------------


def overlapping_siblings(root: QWidget) -> list[str]:
    """Pairs of shown widgets that the same layout places and that overlap."""
    problems = []
    for parent in [root, *_shown_widgets(root)]:
        layout = parent.layout()
        if layout is None or isinstance(parent, QStackedWidget):
            continue
        placed = [w for w in _layout_widgets(layout) if w.isVisible() and not w.isWindow()
                  and w.parentWidget() is parent]
        for index, first in enumerate(placed):
            for second in placed[index + 1:]:
                shared = first.geometry().intersected(second.geometry())
                if shared.width() > 0 and shared.height() > 0:
                    problems.append(f"{describe(first)} and {describe(second)} overlap by "
                                    f"{shared.width()}×{shared.height()} px")
    return problems


def _layout_widgets(layout: QLayout) -> Iterator[QWidget]:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        if item.widget() is not None:
            yield item.widget()
        elif item.layout() is not None:
            yield from _layout_widgets(item.layout())


# --- (c) children that stick out of their parent ------------------------------------------


def outside_parent(root: QWidget) -> list[str]:
    """Shown widgets that reach outside their parent's rectangle (so part is cut off).
    What a scroll area shows through its viewport scrolls by design and is not checked."""
    problems = []
    for widget in _shown_widgets(root):
        parent = widget.parentWidget()
        if parent is None or widget.isWindow() or _is_viewport(parent):
            continue
        inside = parent.rect()
        geometry = widget.geometry()
        if inside.contains(geometry):
            continue
        over = _overhang(geometry, inside)
        problems.append(f"{describe(widget)} reaches {over} outside {describe(parent)}")
    return problems


def _is_viewport(widget: QWidget) -> bool:
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


def _overhang(inner: QRect, outer: QRect) -> str:
    sides = {"left": outer.left() - inner.left(), "top": outer.top() - inner.top(),
             "right": inner.right() - outer.right(),
             "bottom": inner.bottom() - outer.bottom()}
    return ", ".join(f"{px} px {side}" for side, px in sides.items() if px > 0)


# --- tab bars -------------------------------------------------------------------------------


def crowded_tab_bars(root: QWidget) -> list[str]:
    """Tab bars whose tabs do not all fit (the titles get cut or need scroll arrows)."""
    problems = []
    for bar in _shown_widgets(root):
        if not isinstance(bar, QTabBar) or bar.count() == 0:
            continue
        horizontal = bar.shape() in (QTabBar.Shape.RoundedNorth, QTabBar.Shape.RoundedSouth,
                                     QTabBar.Shape.TriangularNorth,
                                     QTabBar.Shape.TriangularSouth)
        for index in range(bar.count()):
            wanted = bar.tabSizeHint(index)
            given = bar.tabRect(index)
            need, has = (wanted.width(), given.width()) if horizontal else \
                (wanted.height(), given.height())
            outside = not bar.rect().contains(given)
            if need > has or outside:
                problems.append(f"tab {_short(_plain(bar.tabText(index)))!r} of "
                                f"{describe(bar)}: needs {need} px, "
                                + ("is scrolled out of view" if outside else f"has {has}"))
    return problems


# --- walking -------------------------------------------------------------------------------


def _shown_widgets(root: QWidget) -> Iterator[QWidget]:
    """``root``'s visible descendants in the same window (not other windows, not menus),
    skipping the pages a stacked widget is not showing and the halves a splitter hides."""
    for child in root.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if child.isWindow() or not child.isVisible():
            continue
        if isinstance(root, QSplitter) and child.width() == 0:
            continue
        yield child
        yield from _shown_widgets(child)


def _shown_text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return _plain(widget.text())
    if isinstance(widget, QComboBox):
        return widget.currentText() if widget.currentIndex() >= 0 else widget.placeholderText()
    if isinstance(widget, QGroupBox):
        return _plain(widget.title())
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.placeholderText() if widget.document().isEmpty() else ""
    return ""


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"




# --- screenshots ---------------------------------------------------------------------------

ARTIFACTS_ENV = "MOSAIC_TEST_ARTIFACTS"


def screenshots_dir() -> Path:
    """``$MOSAIC_TEST_ARTIFACTS/screenshots``, else ``<repo>/test-artifacts/screenshots``
    (git-ignored); created when missing."""
    root = os.environ.get(ARTIFACTS_ENV)
    base = Path(root) if root else Path(__file__).resolve().parents[2] / "test-artifacts"
    folder = base / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_screenshot(widget: QWidget, name: str) -> Path:
    """What ``widget`` shows now, as ``<screenshots_dir>/<name>.png``."""
    path = screenshots_dir() / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not save the screenshot {path}")
    return path


__all__ = ["ARTIFACTS_ENV", "clipped_text", "crowded_tab_bars", "describe", "layout_problems",
           "outside_parent", "overlapping_siblings", "save_screenshot", "screenshots_dir",
           "window_size_problems"]
