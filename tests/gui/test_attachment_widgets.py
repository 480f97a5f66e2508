"""Attached images: chips in the composer, drops on the window, thumbnails in messages and the
image viewer, all with real image files written by Pillow."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assistant.core.attachments import ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.ui.attachment_strip import CHIP_WIDTH, QUICK_ACTIONS, AttachmentStrip
from assistant.ui.composer import Composer
from assistant.ui.image_drop import DROP_TEXT, ImageDropFilter
from assistant.ui.image_viewer import (
    MISSING_TEXT,
    UNREADABLE_TEXT,
    ImageViewer,
    open_image_viewer,
)
from assistant.ui.message_images import (
    MESSAGE_THUMBNAIL_SIDE,
    MessageImages,
    format_byte_size,
)
from assistant.ui.message_view import TRANSCRIPT_STYLE, MessageView
from assistant.ui.message_widget import MessageWidget
from assistant.ui.notice_bar import error_color

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform cannot stack native windows; said when a viewer is raised again.
    pytest.mark.qt_log_ignore("This plugin does not support raise"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def artifact(name: str) -> str:
    """Where a screenshot goes (gitignored), to look at by eye."""
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / name)
RED, BLUE = (220, 40, 40), (40, 80, 220)


def make_attachment(
    folder: Path,
    name: str,
    size: tuple[int, int] = (640, 480),
    color: tuple[int, int, int] = RED,
    note: str = "",
) -> ImageAttachment:
    """A stored image as the controller prepares it: full PNG named by its sha256, and a
    PNG thumbnail of at most 256 px."""
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    # A white square in the top-left corner, so orientation and cropping can be seen.
    image.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))
    staging = folder / f"staging-{name}.png"
    image.save(staging)
    sha = hashlib.sha256(staging.read_bytes()).hexdigest()
    stored = folder / f"{sha}.png"
    staging.rename(stored)
    thumbnail = folder / f"{sha}.thumb.png"
    image.thumbnail((256, 256))
    image.save(thumbnail)
    return ImageAttachment(sha, str(stored), str(thumbnail), name, size[0], size[1],
                           stored.stat().st_size, note)


def show(qtbot: QtBot, widget: QWidget, width: int = 700, height: int = 300) -> None:
    _HOSTS.append(widget)
    widget.resize(width, height)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)


def icon_color(button: QToolButton) -> QColor:
    image = button.icon().pixmap(button.iconSize()).toImage()
    return image.pixelColor(image.width() * 3 // 4, image.height() * 3 // 4)


def close_to(color: QColor, rgb: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(color.getRgb()[:3], rgb, strict=True))


# -- the strip of chips --------------------------------------------------------------------


@pytest.fixture
def strip(qtbot: QtBot) -> Iterator[AttachmentStrip]:
    host = QWidget()
    widget = AttachmentStrip(host)
    QVBoxLayout(host).addWidget(widget)
    show(qtbot, host)
    yield widget


def test_chips_show_the_images_and_remove_asks_by_sha(
    qtbot: QtBot, strip: AttachmentStrip, tmp_path: Path
) -> None:
    assert not strip.isVisible(), "nothing attached: no strip"
    red = make_attachment(tmp_path, "holiday-photo.png", (640, 480), RED)
    blue = make_attachment(tmp_path, "chart.png", (300, 600), BLUE)
    strip.set_attachments([red, blue])
    assert strip.isVisible()
    assert strip.items() == [red, blue]
    first, second = strip.chips()
    assert first.readable and second.readable
    assert close_to(icon_color(first.thumbnail), RED)
    assert close_to(icon_color(second.thumbnail), BLUE)
    assert 48 <= first.thumbnail.iconSize().width() <= 64
    assert first.name_label.full_text() == "holiday-photo.png"
    assert first.toolTip().splitlines() == [
        "holiday-photo.png", f"640 × 480 · {format_byte_size(red.byte_size)}"]
    assert first.remove_button.accessibleName() == "Remove holiday-photo.png"

    with qtbot.waitSignal(strip.openRequested) as opened:
        qtbot.mouseClick(second.thumbnail, Qt.MouseButton.LeftButton)
    assert opened.args == [blue.path]
    with qtbot.waitSignal(strip.removeRequested) as removed:
        qtbot.mouseClick(first.remove_button, Qt.MouseButton.LeftButton)
    assert removed.args == [red.sha256]
    assert strip.items() == [red, blue], "the owner decides; the strip only asks"

    strip.set_attachments([blue])
    assert [chip.item for chip in strip.chips()] == [blue]
    assert strip.chips()[0] is second, "a chip already shown is kept"
    strip.set_attachments([])
    assert not strip.isVisible()


def test_long_names_are_elided_and_a_note_shows(
    qtbot: QtBot, strip: AttachmentStrip, tmp_path: Path
) -> None:
    name = "a-very-long-file-name-from-a-phone-camera-20240611_181502_HDR.jpg"
    note = "Only the first frame of this animated GIF is used."
    item = make_attachment(tmp_path, name, note=note)
    strip.set_attachments([item])
    (chip,) = strip.chips()
    qtbot.waitUntil(lambda: "…" in chip.name_label.text())
    shown = chip.name_label.text()
    assert shown.startswith("a-very") and shown.endswith(".jpg"), "the middle goes, not the end"
    assert chip.width() == CHIP_WIDTH
    assert chip.note_label.isVisible()
    assert note in chip.toolTip() and name in chip.toolTip()


def test_missing_or_broken_thumbnail_shows_a_placeholder(
    qtbot: QtBot, strip: AttachmentStrip, tmp_path: Path
) -> None:
    good = make_attachment(tmp_path, "good.png")
    broken_file = tmp_path / "broken.png"
    broken_file.write_bytes(b"this is not a png at all" * 20)
    missing = ImageAttachment("0" * 64, str(tmp_path / "gone.png"), str(tmp_path / "gone.t.png"),
                              "gone.png", 10, 10, 100)
    broken = ImageAttachment("1" * 64, str(broken_file), str(broken_file), "broken.png", 10, 10,
                             480)
    strip.set_attachments([good, missing, broken])
    chips = strip.chips()
    assert [chip.readable for chip in chips] == [True, False, False]
    neutral = strip.palette().color(QPalette.ColorRole.Midlight).getRgb()[:3]
    for chip in chips[1:]:
        assert close_to(icon_color(chip.thumbnail), neutral), "a neutral tile, not a hole"
        assert "gone.png" in chip.toolTip() or "broken.png" in chip.toolTip()


def test_busy_count_and_token_estimate(qtbot: QtBot, strip: AttachmentStrip,
                                       tmp_path: Path) -> None:
    strip.set_busy(2)
    assert strip.isVisible(), "preparing shows even before any image is attached"
    assert strip.busy_text() == "Preparing 2 images…"
    assert not any(b.isVisible() for b in strip.quick_action_buttons().values())
    strip.set_busy(1)
    assert strip.busy_text() == "Preparing 1 image…"
    strip.set_busy(0)
    assert strip.busy_text() == ""
    assert not strip.isVisible()

    strip.set_attachments([make_attachment(tmp_path, "a.png")])
    strip.set_token_estimate("≈ 1,152 context tokens", ok=True)
    label = strip._estimate
    assert label.isVisible() and label.text() == "≈ 1,152 context tokens"
    error = error_color(strip.palette()).name(QColor.NameFormat.HexArgb)
    assert error not in label.styleSheet()
    strip.set_token_estimate("≈ 9,000 context tokens: more than the model holds", ok=False)
    assert error in label.styleSheet()
    strip.set_token_estimate("", ok=True)
    assert not label.isVisible()


def test_quick_actions_say_their_prompt_for_one_or_several(
    qtbot: QtBot, strip: AttachmentStrip, tmp_path: Path
) -> None:
    one = make_attachment(tmp_path, "one.png")
    strip.set_attachments([one])
    buttons = strip.quick_action_buttons()
    assert list(buttons) == ["Describe", "Caption", "Read the text", "What is this?"]
    assert all(button.isVisible() for button in buttons.values())
    for label, (single, _several) in QUICK_ACTIONS.items():
        with qtbot.waitSignal(strip.quickActionChosen) as chosen:
            qtbot.mouseClick(buttons[label], Qt.MouseButton.LeftButton)
        assert chosen.args == [single]
    assert QUICK_ACTIONS["Describe"][0] == "Describe this image in detail."
    assert QUICK_ACTIONS["Caption"][0] == "Write a one-line caption for this image."
    assert QUICK_ACTIONS["Read the text"][0] == (
        "Read all the text in this image and write it out exactly.")
    strip.set_attachments([one, make_attachment(tmp_path, "two.png", color=BLUE)])
    with qtbot.waitSignal(strip.quickActionChosen) as chosen:
        qtbot.mouseClick(buttons["Describe"], Qt.MouseButton.LeftButton)
    assert chosen.args == ["Describe these images in detail."]


# -- dropping on the window ----------------------------------------------------------------


@dataclass
class DropWindow:
    window: QMainWindow
    text_box: QPlainTextEdit
    label: QLabel
    drops: ImageDropFilter


@pytest.fixture
def drop_window(qtbot: QtBot) -> Iterator[DropWindow]:
    window = QMainWindow()
    central = QWidget()
    layout = QVBoxLayout(central)
    label = QLabel("The transcript would be here")
    text_box = QPlainTextEdit()
    layout.addWidget(label, 1)
    layout.addWidget(text_box)
    window.setCentralWidget(central)
    drops = ImageDropFilter(window)  # before the window is shown, as a main window does
    show(qtbot, window, 600, 400)
    yield DropWindow(window, text_box, label, drops)


def file_mime(*paths: Path | str) -> QMimeData:
    """Drag data naming files (Path) or URLs (str). Keep it while its events are used."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) if isinstance(p, Path) else QUrl(p) for p in paths])
    return mime


def drag_over(window: QMainWindow, target: QWidget, mime: QMimeData,
              actions: Qt.DropAction = Qt.DropAction.CopyAction,
              modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              ) -> QDragMoveEvent:
    """Bring a drag onto ``target`` the way the platform does: through the native window."""
    position = target.mapTo(window, target.rect().center())
    handle = window.windowHandle()
    enter = QDragEnterEvent(position, actions, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(handle, enter)
    move = QDragMoveEvent(position, actions, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(handle, move)
    return move


def drop_on(window: QMainWindow, target: QWidget, mime: QMimeData,
            actions: Qt.DropAction = Qt.DropAction.CopyAction,
            modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QDropEvent:
    drag_over(window, target, mime, actions, modifiers)
    position = QPointF(target.mapTo(window, target.rect().center()))
    drop = QDropEvent(position, actions, mime, Qt.MouseButton.LeftButton, modifiers)
    QApplication.sendEvent(window.windowHandle(), drop)
    return drop


def test_files_dropped_anywhere_even_on_the_text_box(
    qtbot: QtBot, drop_window: DropWindow, tmp_path: Path
) -> None:
    window, drops = drop_window.window, drop_window.drops
    photo = Path(make_attachment(tmp_path, "photo.png").path)
    chart = Path(make_attachment(tmp_path, "chart.png", color=BLUE).path)
    for target in (drop_window.text_box.viewport(), drop_window.label):
        mime = file_mime(photo, "https://example.org/cat.png", chart)
        move = drag_over(window, target, mime)
        assert move.isAccepted()
        assert drops.overlay_shown()
        assert drops.overlay.geometry() == window.rect()
        with qtbot.waitSignal(drops.filesDropped) as dropped:
            drop = drop_on(window, target, mime)
        assert dropped.args == [[str(photo), str(chart)]], "web URLs are left out"
        assert drop.dropAction() == Qt.DropAction.CopyAction
        assert not drops.overlay_shown()
    assert drop_window.text_box.toPlainText() == "", "no file URL was typed into the box"


def test_a_dropped_file_is_copied_never_moved(
    qtbot: QtBot, drop_window: DropWindow, tmp_path: Path
) -> None:
    photo = Path(make_attachment(tmp_path, "photo.png").path)
    mime = file_mime(photo)  # kept: an event only points at its data
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    shift = Qt.KeyboardModifier.ShiftModifier  # the person asks to move the file
    with qtbot.waitSignal(drop_window.drops.filesDropped):
        drop = drop_on(drop_window.window, drop_window.label, mime, actions, shift)
    assert drop.proposedAction() == Qt.DropAction.MoveAction
    assert drop.dropAction() == Qt.DropAction.CopyAction, "a Move would delete the original"
    move_only = drag_over(drop_window.window, drop_window.label, mime, Qt.DropAction.MoveAction)
    assert not move_only.isAccepted()
    assert not drop_window.drops.overlay_shown()


def test_image_data_dropped_emits_the_image(qtbot: QtBot, drop_window: DropWindow) -> None:
    mime = QMimeData()
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(QColor(*BLUE))
    mime.setImageData(picture)
    with qtbot.waitSignal(drop_window.drops.imageDropped) as dropped:
        drop_on(drop_window.window, drop_window.text_box.viewport(), mime)
    (image,) = dropped.args
    assert image.size() == picture.size()
    assert close_to(image.pixelColor(5, 5), BLUE)
    assert drop_window.text_box.toPlainText() == ""


def test_text_drags_keep_working_in_text_boxes(
    qtbot: QtBot, drop_window: DropWindow
) -> None:
    drops = drop_window.drops
    mime = QMimeData()
    mime.setText("dragged words")
    with qtbot.assertNotEmitted(drops.filesDropped), qtbot.assertNotEmitted(drops.imageDropped):
        move = drag_over(drop_window.window, drop_window.text_box.viewport(), mime)
        assert not drops.overlay_shown()
        assert move.isAccepted(), "the text box takes text drags itself"
        drop_on(drop_window.window, drop_window.text_box.viewport(), mime)
        qtbot.wait(20)
    assert drop_window.text_box.toPlainText() == "dragged words"
    web = file_mime("https://example.org/cat.png")
    assert not drag_over(drop_window.window, drop_window.label, web).isAccepted()
    assert not drops.overlay_shown()


def test_overlay_hides_when_the_drag_leaves(qtbot: QtBot, drop_window: DropWindow,
                                            tmp_path: Path) -> None:
    photo = Path(make_attachment(tmp_path, "photo.png").path)
    mime = file_mime(photo)
    drag_over(drop_window.window, drop_window.label, mime)
    assert drop_window.drops.overlay_shown()
    assert drop_window.drops.overlay.accessibleName() == DROP_TEXT
    assert drop_window.window.grab().save(artifact("drop_overlay.png"))
    QApplication.sendEvent(drop_window.window.windowHandle(), QDragLeaveEvent())
    assert not drop_window.drops.overlay_shown()


def test_drag_events_sent_to_a_plain_child_reach_the_filter(
    qtbot: QtBot, drop_window: DropWindow, tmp_path: Path
) -> None:
    """A drag event given straight to a widget that takes no drops bubbles up to the window."""
    photo = Path(make_attachment(tmp_path, "photo.png").path)
    mime = file_mime(photo)
    label = drop_window.label
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        event = event_type(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(label, event)
        assert event.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(drop_window.drops.filesDropped) as dropped:
        QApplication.sendEvent(label, drop)
    assert dropped.args == [[str(photo)]]


# -- thumbnails in messages, and the viewer ------------------------------------------------


@dataclass(frozen=True)
class Msg:
    id: int
    role: Role
    text: str
    images: tuple[ImageAttachment, ...] = ()
    status: MessageStatus = MessageStatus.COMPLETE
    model: str | None = None
    timings: Timings | None = None
    error: str | None = None


_HOSTS: list[QWidget] = []


@pytest.fixture(autouse=True)
def _keep_hosts_alive() -> Iterator[None]:
    """qtbot holds widgets weakly: keep each test's host windows until the test ends."""
    yield
    _HOSTS.clear()


def hosted_message(qtbot: QtBot, message: Msg, width: int = 700) -> MessageWidget:
    host = QWidget()
    _HOSTS.append(host)
    host.setStyleSheet(TRANSCRIPT_STYLE)
    layout = QVBoxLayout(host)
    widget = MessageWidget(message)
    layout.addWidget(widget)
    layout.addStretch(1)
    show(qtbot, host, width, 500)
    return widget


def viewers() -> list[ImageViewer]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, ImageViewer) and w.isVisible()]


def test_user_message_shows_its_images_above_the_text_and_opens_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    wide = make_attachment(tmp_path, "street.png", (800, 400), RED)
    tall = make_attachment(tmp_path, "receipt.png", (300, 900), BLUE)
    widget = hosted_message(qtbot, Msg(1, Role.USER, "What's in these?", (wide, tall)))
    row = widget.images_row
    first, second = row.thumbnails()
    assert row.isVisible() and first.isVisible() and second.isVisible()
    assert first.iconSize().width() == MESSAGE_THUMBNAIL_SIDE  # the long side, aspect kept
    assert first.iconSize().height() == MESSAGE_THUMBNAIL_SIDE // 2
    assert second.iconSize().height() == MESSAGE_THUMBNAIL_SIDE
    assert close_to(icon_color(second), BLUE)
    (prose,) = widget.segment_widgets()
    assert row.mapTo(widget, QPoint(0, row.height())).y() <= prose.mapTo(widget, QPoint()).y()
    assert second.accessibleName() == "Open receipt.png"

    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(viewers()) == 1)
    (viewer,) = viewers()
    assert viewer.windowTitle() == "receipt.png", "the person's file name, not the stored one"
    assert viewer.path == tall.path
    assert viewer.message() == ""
    assert not viewer.isModal()
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert viewers() == [viewer], "the open viewer is raised, not opened twice"
    with qtbot.waitSignal(viewer.finished):
        qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewers())


def test_images_without_words_and_messages_without_images(
    qtbot: QtBot, tmp_path: Path
) -> None:
    item = make_attachment(tmp_path, "only.png")
    widget = hosted_message(qtbot, Msg(1, Role.USER, "", (item,)))
    assert widget.images_row.isVisible()
    assert not widget._body.isVisible(), "no empty text line under the picture"

    @dataclass(frozen=True)
    class OldMsg:  # a message object from before images existed
        id: int
        role: Role
        text: str
        status: MessageStatus = MessageStatus.COMPLETE
        model: str | None = None
        timings: Timings | None = None
        error: str | None = None

    plain = hosted_message(qtbot, OldMsg(2, Role.USER, "Just words"))  # type: ignore[arg-type]
    assert not plain.images_row.isVisible()
    assert plain.segment_widgets()[0].isVisible()


def test_many_images_wrap_onto_more_rows(qtbot: QtBot, tmp_path: Path) -> None:
    items = tuple(make_attachment(tmp_path, f"p{i}.png", (200, 200)) for i in range(8))
    widget = hosted_message(qtbot, Msg(1, Role.USER, "All of these", items), width=500)
    thumbnails = widget.images_row.thumbnails()
    rows = {t.y() for t in thumbnails}
    assert len(rows) >= 2
    assert all(t.geometry().right() <= widget.images_row.width() for t in thumbnails)
    lowest = max(t.mapTo(widget, QPoint(0, t.height())).y() for t in thumbnails)
    (prose,) = widget.segment_widgets()
    assert lowest <= prose.mapTo(widget, QPoint()).y(), "the text starts below the last row"


def test_viewer_fits_large_images_and_never_enlarges_small_ones(
    qtbot: QtBot, tmp_path: Path
) -> None:
    host = QWidget()
    show(qtbot, host, 300, 200)
    screen = host.screen().availableGeometry()
    big_size = (screen.width() * 3, screen.height() * 2)
    big = make_attachment(tmp_path, "big.png", big_size)
    viewer = open_image_viewer(big.path, host, big.name)
    qtbot.waitExposed(viewer)
    shown = viewer.shown_size()
    assert shown.width() <= screen.width() and shown.height() <= screen.height()
    assert viewer.zoom() < 1
    assert abs(shown.width() / shown.height() - big_size[0] / big_size[1]) < 0.02
    assert viewer._image.width() < big_size[0], "decoded scaled down, not at full size"
    assert shown.width() == viewer.width() or shown.height() == viewer.height(), "it fills"
    viewer.resize(300, 300)
    qtbot.waitUntil(lambda: viewer.shown_size().width() == 300)
    assert viewer.shown_size().height() < 300, "a smaller window shows all of it, smaller"
    viewer.close()

    small = make_attachment(tmp_path, "icon.png", (100, 50))
    viewer = open_image_viewer(small.path, host, small.name)
    qtbot.waitExposed(viewer)
    assert viewer.zoom() == 1.0
    assert (viewer.shown_size().width(), viewer.shown_size().height()) == (100, 50)
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert viewer.zoom() > 1, "the person may zoom in"
    assert viewer.shown_size().width() > 100
    qtbot.keyClick(viewer, Qt.Key.Key_0)
    assert viewer.zoom() == 1.0


def test_viewer_turns_photos_upright(qtbot: QtBot, tmp_path: Path) -> None:
    photo = Image.new("RGB", (60, 30), RED)
    photo.paste((255, 255, 255), (0, 0, 20, 10))  # white in the top-left corner as stored
    exif = photo.getexif()
    exif[0x0112] = 6  # taken with the camera turned: show rotated 90° clockwise
    path = tmp_path / "turned.jpg"
    photo.save(path, exif=exif.tobytes())
    host = QWidget()
    show(qtbot, host, 200, 200)
    viewer = open_image_viewer(str(path), host)
    assert viewer.windowTitle() == "turned.jpg"
    assert (viewer.shown_size().width(), viewer.shown_size().height()) == (30, 60)
    shown = viewer.findChild(QLabel, "imageViewerImage").pixmap().toImage()
    assert (shown.width(), shown.height()) == (30, 60)
    assert close_to(shown.pixelColor(26, 4), (255, 255, 255)), "turned: white is top-right"
    assert close_to(shown.pixelColor(3, 4), RED)


def test_viewer_explains_a_file_it_cannot_show(qtbot: QtBot, tmp_path: Path) -> None:
    host = QWidget()
    show(qtbot, host, 200, 200)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image" * 10)
    viewer = open_image_viewer(str(broken), host, "scan.png")
    qtbot.waitExposed(viewer)
    assert viewer.message() == UNREADABLE_TEXT
    assert viewer.windowTitle() == "scan.png"
    assert viewer.shown_size().isEmpty()
    missing = open_image_viewer(str(tmp_path / "gone.png"), host)
    assert missing.message() == MISSING_TEXT
    for text in (UNREADABLE_TEXT, MISSING_TEXT):
        assert text.endswith(".") and "\n" not in text


def test_message_images_report_which_image_opens(qtbot: QtBot, tmp_path: Path) -> None:
    items = (make_attachment(tmp_path, "a.png"), make_attachment(tmp_path, "b.png", color=BLUE))
    row = MessageImages(items)
    show(qtbot, row, 400, 200)
    assert row.images() == list(items)
    with qtbot.waitSignal(row.openRequested) as opened:
        qtbot.mouseClick(row.thumbnails()[0], Qt.MouseButton.LeftButton)
    assert opened.args == [items[0].path]
    row.set_images(())
    assert not row.isVisible()


# -- screenshots ---------------------------------------------------------------------------


def test_screenshots_of_the_composer_and_a_message_with_images(
    qtbot: QtBot, tmp_path: Path
) -> None:
    composer = Composer()
    show(qtbot, composer, 720, 200)
    items = [
        make_attachment(tmp_path, "holiday-at-the-lake-2024-07-14-evening.png", (1200, 800),
                        (70, 130, 180)),
        make_attachment(tmp_path, "waving.gif", (320, 320), (240, 170, 40),
                        note="Only the first frame of this animated GIF is used."),
    ]
    composer.attachments.set_attachments(items)
    composer.attachments.set_token_estimate("≈ 1,152 context tokens", ok=True)
    composer.set_text("What time of day was this taken?")
    for _ in range(3):
        QApplication.processEvents()
    composer.resize(720, composer.sizeHint().height())
    QApplication.processEvents()
    image = composer.grab()
    assert image.save(artifact("composer_attachments.png"))
    assert composer.attachments.isVisible()
    assert composer.attachments.y() < composer.input.y(), "chips sit above the text box"
    assert composer.attach_button.x() < composer.input.x(), "attach sits left of the text box"

    view = MessageView()
    show(qtbot, view, 760, 420)
    view.set_messages([
        Msg(1, Role.USER, "What's different between these two?", tuple(items)),
        Msg(2, Role.ASSISTANT, "The first is a wide blue photo; the second a square yellow one."),
        Msg(3, Role.USER, "", (items[0],)),
    ])
    for _ in range(3):
        QApplication.processEvents()
    assert view.grab().save(artifact("message_images.png"))
