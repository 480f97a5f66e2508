"""Images waiting in the composer: checked and stored off the GUI thread, shown as chips.

Every source (the attach button, a paste, a drop anywhere on the window) ends in
``AttachmentStore.add_image`` on the thread pool: the file is checked (format, size, bombs,
truncation), copied content-addressed under the data folder and thumbnailed there. The
chips then show the stored copy, so sending works even if the original moves. The composer
shows roughly how many context tokens the images will take with the loaded model.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage

from assistant.audio.decode import AUDIO_EXTENSIONS
from assistant.client.background import run_in_background
from assistant.core.attachments import ImageAttachment
from assistant.storage.attachment_store import AttachmentStore
from assistant.ui.composer import Composer
from assistant.ui.image_drop import ImageDropFilter
from assistant.ui.image_viewer import open_image_viewer
from assistant.ui.model_controller import ModelController
from assistant.ui.notice_bar import NoticeBar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

PASTED_NAME = "Pasted image.png"  # a file name: stored with the image, not translated
LEFTOVER_AGE_S = 24 * 3600  # stored for a composer but never sent: removed after a day
NO_SIGHT = QT_TRANSLATE_NOOP("AttachmentController", "The loaded model cannot see images")


def store_file(store: AttachmentStore, path: str, order: int) -> tuple[int, ImageAttachment]:
    """Check and store one file (runs on the thread pool); ``order`` comes back with it."""
    return order, store.add_image(Path(path), Path(path).name)


def store_qimage(store: AttachmentStore, image: QImage,
                 order: int) -> tuple[int, ImageAttachment]:
    """Encode a pasted or dropped QImage as PNG and store it (runs on the thread pool)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise ValueError(QCoreApplication.translate(
            "AttachmentController",
            "The pasted image could not be read; copy it again or save it to a file and "
            "attach that.",
        ))
    buffer.close()
    return order, store.add_image(bytes(data.data()), PASTED_NAME)


class AttachmentController(QObject):
    """Owns the images attached to the message being written; passes recordings on."""

    audioFilesDropped = Signal(list)  # wav/flac/ogg/mp3 paths: to be transcribed

    def __init__(self, store: AttachmentStore, referenced: set[str], composer: Composer,
                 drop: ImageDropFilter, models: ModelController, notice_bar: NoticeBar,
                 window: QWidget) -> None:
        super().__init__(window)
        self._store = store
        self._composer = composer
        self._strip = composer.attachments
        self._models = models
        self._notice = notice_bar
        self._window = window
        self._pending: list[tuple[int, ImageAttachment]] = []  # in the order they were added
        self._preparing = 0
        self._next_order = 0
        composer.filesChosen.connect(self.add_files)
        composer.imagePasted.connect(self.add_image)
        drop.filesDropped.connect(self.add_files)
        drop.imageDropped.connect(self.add_image)
        self._strip.removeRequested.connect(self.remove)
        self._strip.openRequested.connect(self.open_image)
        self._models.loadedModelChanged.connect(self.update_estimate)
        # Images stored for a message that was never sent (the app closed first).
        run_in_background(store.sweep_unreferenced, referenced, LEFTOVER_AGE_S,
                          on_done=self._swept, on_error=self._sweep_failed)

    @Slot(object)
    def _swept(self, removed: int) -> None:
        if removed:
            log.info("removed %d attachment files no message uses", removed)

    @Slot(str)
    def _sweep_failed(self, message: str) -> None:
        log.warning("could not tidy the attachments folder: %s", message)

    # --- state -------------------------------------------------------------------------

    def pending(self) -> tuple[ImageAttachment, ...]:
        return tuple(item for _order, item in self._pending)

    @property
    def is_preparing(self) -> bool:
        return self._preparing > 0

    def clear(self) -> None:
        """The message was sent (or the conversation changed): start empty."""
        self._pending.clear()
        self._show()

    # --- adding ------------------------------------------------------------------------

    @Slot(list)
    def add_files(self, paths: list[str]) -> None:
        audio = [path for path in paths if Path(path).suffix.lower() in AUDIO_EXTENSIONS]
        if audio:
            self.audioFilesDropped.emit(audio)
        for path in paths:
            if path in audio:
                continue
            run_in_background(store_file, self._store, path, self._started(),
                              on_done=self._added, on_error=self._failed)

    @Slot(QImage)
    def add_image(self, image: QImage) -> None:
        run_in_background(store_qimage, self._store, QImage(image), self._started(),
                          on_done=self._added, on_error=self._failed)

    def _started(self) -> int:
        self._preparing += 1
        self._strip.set_busy(self._preparing)
        self._next_order += 1
        return self._next_order

    @Slot(object)
    def _added(self, result: tuple[int, ImageAttachment]) -> None:
        order, attachment = result
        self._preparing = max(0, self._preparing - 1)
        if all(item.sha256 != attachment.sha256 for _order, item in self._pending):
            self._pending.append((order, attachment))
            self._pending.sort(key=lambda entry: entry[0])
        if attachment.note:
            self._notice.show_info(
                self.tr("{name}: {note}", "an attached image's file name, then a note about it")
                .format(name=attachment.name, note=attachment.note)
            )
        self._show()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._preparing = max(0, self._preparing - 1)
        self._notice.show_error(message)
        self._show()

    @Slot(str)
    def remove(self, sha256: str) -> None:
        self._pending = [entry for entry in self._pending if entry[1].sha256 != sha256]
        self._show()

    @Slot(str)
    def open_image(self, path: str) -> None:
        name = next((item.name for item in self.pending() if item.path == path), None)
        open_image_viewer(path, self._window, name)

    # --- showing -----------------------------------------------------------------------

    def _show(self) -> None:
        self._strip.set_busy(self._preparing)
        self._strip.set_attachments(self.pending())
        self.update_estimate()

    @Slot()
    def update_estimate(self) -> None:
        """"≈ N context tokens" for the pending images with the loaded model."""
        if not self._pending:
            self._strip.set_token_estimate("", True)
            return
        budget = self._models.image_budget()
        if budget is None:
            self._strip.set_token_estimate(self.tr(NO_SIGHT), False)
            return
        tokens = sum(budget.tokens_for(item.width, item.height) for item in self.pending())
        n_ctx = self._models.loaded_context()
        fits = not n_ctx or tokens < n_ctx * 3 // 4
        if fits:
            text = self.tr("≈ {tokens} context tokens").format(tokens=f"{tokens:,}")
        else:
            text = self.tr(
                "≈ {tokens} context tokens — more than this model's context of {context} allows"
            ).format(tokens=f"{tokens:,}", context=f"{n_ctx:,}")
        self._strip.set_token_estimate(text, fits)
