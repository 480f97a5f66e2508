"""Asking about images in the real window, with the real engine and the synthetic vision pair."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assistant.paths import AppPaths
from assistant.ui.image_viewer import ImageViewer
from assistant.ui.main_window import MainWindow
from tests.gui.conftest import (
    ANSWER_TIMEOUT_MS,
    LOAD_TIMEOUT_MS,
    configure,
    load_from_panel,
    open_window,
    stored,
)
from tests.support.synthetic_vision import (
    VisionPair,
    write_corrupt_mmproj,
    write_tiny_vision_pair,
)

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _no_backtrace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GGML_NO_BACKTRACE", "1")


@pytest.fixture
def vision_in_folder(tiny_vision_pair: VisionPair, paths: AppPaths) -> VisionPair:
    model = paths.models_dir / "tiny-vision.gguf"
    mmproj = paths.models_dir / "mmproj-tiny-vision-f16.gguf"
    shutil.copy(tiny_vision_pair.model, model)
    shutil.copy(tiny_vision_pair.mmproj, mmproj)
    return VisionPair(model, mmproj)


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "photos"
    folder.mkdir()
    red = folder / "red square.png"
    Image.new("RGB", (300, 200), (210, 40, 40)).save(red)
    noise = folder / "noise.jpg"
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(noise)
    return {"red": red, "noise": noise}


def vision_window(qtbot: QtBot, model: Path) -> MainWindow:
    window = open_window(qtbot)
    configure(window, max_tokens=8)
    load_from_panel(qtbot, window, model)
    return window


def drop_files(window: MainWindow, target: QWidget, *paths: Path) -> None:
    """Drop files on ``target`` the way the platform does: through the native window."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = target.mapTo(window, target.rect().center())
    handle = window.windowHandle()
    action, button, mods = (Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(handle, QDragEnterEvent(point, action, mime, button, mods))
    QApplication.sendEvent(handle, QDragMoveEvent(point, action, mime, button, mods))
    QApplication.sendEvent(handle, QDropEvent(QPointF(point), action, mime, button, mods))


def wait_for_chips(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: len(window.composer.attachments.items()) == count
                    and not window.attachments.is_preparing, timeout=10_000)


def send(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.composer.set_text(text)
    with qtbot.waitSignal(window.services.engine.generationFinished, timeout=ANSWER_TIMEOUT_MS):
        assert window.composer.submit()


def test_dropped_images_are_asked_about_kept_and_shown_after_a_restart(
        qtbot: QtBot, vision_in_folder: VisionPair, photos: dict[str, Path]) -> None:
    window = vision_window(qtbot, vision_in_folder.model)
    assert "sees images" in window.model_panel.status_text()
    drop_files(window, window.message_view, photos["red"], photos["noise"])
    wait_for_chips(qtbot, window, 2)
    assert "context tokens" in window.composer.attachments.token_estimate()
    send(qtbot, window, "What is in these pictures?")

    user, answer = stored(window)
    assert [image.name for image in user.images] == ["red square.png", "noise.jpg"]
    assert all(Path(image.path).is_file() and Path(image.thumbnail_path).is_file()
               for image in user.images)
    assert Path(user.images[0].path).parent.parent == window.services.paths.attachments_dir
    assert answer.text  # the model answered
    assert window.composer.attachments.items() == []  # the composer starts empty again
    widget = window.message_view.message_widget(user.id)
    assert widget is not None and len(widget.images_row.thumbnails()) == 2

    photos["red"].unlink()  # the stored copy is what the conversation keeps
    window.close()
    again = open_window(qtbot)
    user_again = stored(again)[0]
    assert [image.sha256 for image in user_again.images] == [i.sha256 for i in user.images]
    shown = again.message_view.message_widget(user_again.id)
    assert shown is not None and len(shown.images_row.thumbnails()) == 2


def test_deleting_a_conversation_removes_its_images_once_undo_has_passed(
        qtbot: QtBot, vision_in_folder: VisionPair, photos: dict[str, Path]) -> None:
    window = vision_window(qtbot, vision_in_folder.model)
    window.composer.filesChosen.emit([str(photos["red"])])
    wait_for_chips(qtbot, window, 1)
    send(qtbot, window, "Keep this one.")
    kept = stored(window)[0].images[0]
    window.conversations.new_conversation()
    window.composer.filesChosen.emit([str(photos["red"]), str(photos["noise"])])
    wait_for_chips(qtbot, window, 2)
    send(qtbot, window, "And these.")
    gone = stored(window)[0].images[1]
    window.sidebar.deleteRequested.emit(window.conversations.current_id)
    assert Path(gone.path).is_file()  # Undo is still possible
    window.notice_bar.dismiss()  # the undo offer expires
    assert not Path(gone.path).exists() and not Path(gone.thumbnail_path).exists()
    assert Path(kept.path).is_file()  # still used by the first conversation


def test_a_pasted_screenshot_becomes_a_chip(qtbot: QtBot, vision_in_folder: VisionPair) -> None:
    window = vision_window(qtbot, vision_in_folder.model)
    screenshot = QImage(640, 400, QImage.Format.Format_RGB32)
    screenshot.fill(Qt.GlobalColor.darkCyan)
    mime = QMimeData()
    mime.setImageData(screenshot)
    window.composer.input.insertFromMimeData(mime)
    wait_for_chips(qtbot, window, 1)
    [chip] = window.composer.attachments.items()
    assert chip.name == "Pasted image.png" and (chip.width, chip.height) == (640, 400)
    assert window.composer.text() == ""  # no text was pasted
    window.composer.attachments.openRequested.emit(chip.path)  # a click on the chip
    viewers = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, ImageViewer) and w.isVisible()]
    assert [viewer.windowTitle() for viewer in viewers] == ["Pasted image.png"]
    viewers[0].close()
    send(qtbot, window, "")  # images alone may be sent
    assert stored(window)[0].images[0].sha256 == chip.sha256
    [conversation] = window.services.repository.conversations()
    assert conversation.title == "Image: Pasted image"


def test_a_follow_up_reuses_the_image_already_in_the_conversation(
        qtbot: QtBot, vision_in_folder: VisionPair, photos: dict[str, Path]) -> None:
    window = vision_window(qtbot, vision_in_folder.model)
    window.composer.filesChosen.emit([str(photos["noise"])])
    wait_for_chips(qtbot, window, 1)
    send(qtbot, window, "Describe this image.")
    with qtbot.waitSignal(window.services.engine.generationStarted,
                          timeout=ANSWER_TIMEOUT_MS) as started:
        send(qtbot, window, "And the colours?")
    assert started.args[0].reused_images == 1
    assert stored(window)[-1].text


@pytest.mark.parametrize(("kind", "expected"), [
    ("not_image", "is not an image Mosaic can read"),
    ("truncated", "damaged or incomplete"),
    ("huge_file", "MB"),
    ("bomb", "too many pixels"),
])
def test_bad_images_are_explained_and_nothing_is_lost(
        qtbot: QtBot, vision_in_folder: VisionPair, photos: dict[str, Path], tmp_path: Path,
        kind: str, expected: str) -> None:
    bad = tmp_path / {"not_image": "notes.png", "truncated": "cut.jpg",
                      "huge_file": "huge.png", "bomb": "bomb.png"}[kind]
    if kind == "not_image":
        bad.write_text("meeting notes, not a picture")
    elif kind == "truncated":
        bad.write_bytes(photos["noise"].read_bytes()[:2000])
    elif kind == "huge_file":
        with bad.open("wb") as handle:
            handle.write(photos["red"].read_bytes())
            handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    else:
        Image.new("1", (20_000, 20_000)).save(bad)
    window = vision_window(qtbot, vision_in_folder.model)
    window.composer.set_text("Keep this text.")
    drop_files(window, window.composer, bad, photos["red"])
    wait_for_chips(qtbot, window, 1)  # the good image still attaches
    assert expected in window.notice_bar.text()
    assert bad.name in window.notice_bar.text()
    assert window.composer.text() == "Keep this text."
    send(qtbot, window, "Keep this text.")
    assert stored(window)[-1].text


def test_an_animated_gif_uses_its_first_frame_and_says_so(
        qtbot: QtBot, vision_in_folder: VisionPair, tmp_path: Path) -> None:
    gif = tmp_path / "spinner.gif"
    frames = [Image.new("RGB", (64, 64), color) for color in ("red", "green", "blue")]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    window = vision_window(qtbot, vision_in_folder.model)
    window.composer.filesChosen.emit([str(gif)])
    wait_for_chips(qtbot, window, 1)
    assert "first frame" in window.notice_bar.text()


def test_a_model_that_cannot_see_says_so_before_sending_and_offers_a_vision_model(
        qtbot: QtBot, vision_in_folder: VisionPair, tiny_gguf: Path, paths: AppPaths,
        photos: dict[str, Path]) -> None:
    text_only = paths.models_dir / "text-only.gguf"
    shutil.copy(tiny_gguf, text_only)
    window = vision_window(qtbot, text_only)
    window.composer.filesChosen.emit([str(photos["red"])])
    wait_for_chips(qtbot, window, 1)
    assert "cannot see images" in window.composer.attachments.token_estimate()
    window.composer.set_text("What colour is it?")
    assert window.composer.submit()
    notice = window.notice_bar.text()
    assert "cannot see images" in notice and "tiny-vision.gguf" in notice
    assert window.services.repository.conversations() == []  # nothing was sent
    assert window.composer.text() == "What colour is it?"
    assert len(window.composer.attachments.items()) == 1
    with qtbot.waitSignal(window.services.engine.modelLoaded, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(window.notice_bar.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "sees images" in window.model_panel.status_text())
    send(qtbot, window, "What colour is it?")
    assert stored(window)[0].images


def test_a_projector_that_crashes_the_engine_is_named_and_the_model_still_chats(
        qtbot: QtBot, vision_in_folder: VisionPair) -> None:
    # A projector whose header looks sound but whose weights make llama.cpp abort.
    damaged = vision_in_folder.mmproj.with_name("mmproj-tiny-vision-broken.gguf")
    write_corrupt_mmproj(vision_in_folder.mmproj, damaged, "wrong_shape")
    os.remove(vision_in_folder.mmproj)
    window = open_window(qtbot)
    configure(window, max_tokens=8)
    with qtbot.waitSignal(window.services.engine.engineCrashed, timeout=LOAD_TIMEOUT_MS):
        load_from_panel(qtbot, window, vision_in_folder.model)
    qtbot.waitUntil(lambda: window.services.engine.loaded_model is not None,
                    timeout=LOAD_TIMEOUT_MS)
    assert not window.services.engine.loaded_model.mmproj
    assert "sees images" not in window.model_panel.status_text()
    window.composer.set_text("Hello?")
    with qtbot.waitSignal(window.services.engine.generationFinished, timeout=ANSWER_TIMEOUT_MS):
        window.composer.submit()
    assert stored(window)[-1].text


def test_a_projector_picked_with_vision_is_checked_remembered_and_used(
        qtbot: QtBot, vision_in_folder: VisionPair, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    wide = write_tiny_vision_pair(tmp_path / "wide", projection_dim=96, name="wide")
    window = vision_window(qtbot, vision_in_folder.model)
    panel = window.model_panel
    monkeypatch.setattr(panel, "choose_projector_file", lambda: str(wide.mmproj))
    qtbot.mouseClick(panel.vision_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not belong to" in window.notice_bar.text(), timeout=10_000)
    assert "96-wide" in window.notice_bar.text()
    qtbot.waitUntil(lambda: window.services.engine.loaded_model is not None
                    and not window.models.is_loading, timeout=LOAD_TIMEOUT_MS)
    # the projector beside the model is still the one in use
    assert window.services.engine.loaded_model.mmproj == str(vision_in_folder.mmproj)

    copy = tmp_path / "elsewhere" / "mmproj-my-copy.gguf"
    copy.parent.mkdir()
    shutil.copy(vision_in_folder.mmproj, copy)
    monkeypatch.setattr(panel, "choose_projector_file", lambda: str(copy))
    with qtbot.waitSignal(window.services.engine.modelLoaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        qtbot.mouseClick(panel.vision_button, Qt.MouseButton.LeftButton)
    assert loaded.args[0].mmproj == str(copy)
    choices = window.services.settings.current.projector_choices
    assert choices == {str(vision_in_folder.model): str(copy)}
