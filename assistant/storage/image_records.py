"""The rows of images attached to messages (``attachments``, ``message_attachments``).

Helpers for ``ChatRepository``: they run inside its transactions and on its connection. The
files themselves belong to ``AttachmentStore``; a row names its file relative to the store's
root, so the data folder can move.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.core.attachments import AudioAttachment, ImageAttachment
from assistant.storage.attachment_store import AttachmentStore
from assistant.storage.recordings import forget_unreferenced_recordings

REFERENCED_IMAGES = "SELECT sha256 FROM message_attachments"
_IMAGE_COLUMNS = ("ma.message_id, ma.sha256, ma.name, ma.note, a.stored_name, a.byte_size, "
                  "a.width, a.height")


def stored_name_in(root: Path, attachment: ImageAttachment | AudioAttachment) -> str:
    """``attachment.path`` relative to the attachments folder (``ValueError`` outside it)."""
    path = Path(attachment.path)
    for base, target in ((root, path.absolute()), (root.resolve(), path.resolve())):
        if target.is_relative_to(base):
            return target.relative_to(base).as_posix()
    raise ValueError(f"{attachment.path} is not in the attachments folder {root}; "
                     f"store attachments with the repository's attachment_store")


def insert_images(db: sqlite3.Connection, message_id: int, images: Sequence[ImageAttachment],
                  stored_names: Sequence[str], now: float) -> None:
    """Record ``images`` (in order) as the attachments of ``message_id``."""
    for position, (image, stored_name) in enumerate(zip(images, stored_names, strict=True)):
        db.execute(
            "INSERT OR IGNORE INTO attachments (sha256, kind, stored_name, byte_size, "
            "width, height, created_at) VALUES (?, 'image', ?, ?, ?, ?, ?)",
            (image.sha256, stored_name, image.byte_size, image.width, image.height, now))
        db.execute(
            "INSERT INTO message_attachments (message_id, position, sha256, name, note) "
            "VALUES (?, ?, ?, ?, ?)",
            (message_id, position, image.sha256, image.name, image.note))


def image_from_row(store: AttachmentStore, sha256: str, name: str, note: str,
                   stored_name: str, byte_size: int, width: int | None,
                   height: int | None) -> ImageAttachment:
    return ImageAttachment(
        sha256=sha256, path=str(store.root / stored_name),
        thumbnail_path=str(store.thumbnail_path(sha256)), name=name,
        width=width or 0, height=height or 0, byte_size=byte_size, note=note)


def images_of(db: sqlite3.Connection, store: AttachmentStore, where: str,
              params: tuple[Any, ...]) -> dict[int, tuple[ImageAttachment, ...]]:
    """Images of the messages ``where`` selects (``ma`` is message_attachments), by message
    id, in attachment order."""
    rows = db.execute(
        f"SELECT {_IMAGE_COLUMNS} FROM message_attachments AS ma "
        f"JOIN attachments AS a ON a.sha256 = ma.sha256 {where} "
        "ORDER BY ma.message_id, ma.position", params).fetchall()
    found: dict[int, list[ImageAttachment]] = {}
    for message_id, *columns in rows:
        found.setdefault(message_id, []).append(image_from_row(store, *columns))
    return {message_id: tuple(images) for message_id, images in found.items()}


def forget_unreferenced_attachments(db: sqlite3.Connection) -> list[str]:
    """Delete the rows of images and recordings no message refers to; their sha256."""
    rows = db.execute(
        f"SELECT sha256 FROM attachments WHERE sha256 NOT IN ({REFERENCED_IMAGES})"
    ).fetchall()
    if rows:
        db.execute(f"DELETE FROM attachments WHERE sha256 NOT IN ({REFERENCED_IMAGES})")
    return [sha256 for (sha256,) in rows] + forget_unreferenced_recordings(db)
