"""Conversations and messages: every read and write the window makes, on one connection.

Use from the GUI thread only, with a connection from ``open_database``. Each write is
committed before the method returns. Times are seconds since the epoch (``time.time()``).
A failed database operation raises ``StorageError`` whose text is one English sentence.

Search is :mod:`chat_search`'s. Images and recordings of a message are stored files
(``AttachmentStore``, under the attachments folder) whose rows :mod:`image_records` and
:mod:`recordings` write. When messages are deleted for good (``purge_deleted``,
``delete_messages_from``) the attachments no message refers to any more lose their rows and
files; a soft-deleted conversation keeps them so Undo brings them back.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.attachments import AudioAttachment, ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.paths import app_paths
from assistant.storage.attachment_store import AttachmentStore
from assistant.storage.chat_search import SearchHit, search_chats
from assistant.storage.errors import StorageError, describe_sqlite_error
from assistant.storage.image_records import (
    REFERENCED_IMAGES,
    forget_unreferenced_attachments,
    image_from_row,
    images_of,
    insert_images,
    stored_name_in,
)
from assistant.storage.recordings import (
    REFERENCED_RECORDINGS,
    insert_recording,
    recordings_of,
)
from assistant.storage.text_rules import title_from_text

DEFAULT_TITLE = "New chat"

_CONVERSATION_GONE = "That conversation no longer exists; it may have been deleted permanently."
_MESSAGE_GONE = "That message no longer exists; it may have been deleted."
_CONVERSATION_COLUMNS = "id, title, system_prompt, model_path, created_at, updated_at"
_MESSAGE_COLUMNS = ("id, conversation_id, role, text, status, model, created_at, prompt_tokens, "
                    "reused_tokens, generated_tokens, ttft_s, generation_s, error")


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    system_prompt: str
    model_path: str | None
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    role: Role
    text: str
    status: MessageStatus
    model: str | None
    created_at: float
    timings: Timings | None
    error: str | None
    images: tuple[ImageAttachment, ...] = ()  # in the order they were attached
    audio: AudioAttachment | None = None  # the recording a spoken message came from


class ChatRepository:
    """Reads and writes conversations and messages on one long-lived connection.

    ``attachments_root`` is the folder of stored images (``AppPaths.attachments_dir`` of
    the paths in force when None); stored names in the database are relative to it.
    """

    def __init__(
        self, connection: sqlite3.Connection, attachments_root: Path | None = None
    ) -> None:
        self._db = connection
        root = attachments_root if attachments_root is not None else app_paths().attachments_dir
        self.attachment_store = AttachmentStore(root)

    # ----------------------------------------------------------------- conversations

    def create_conversation(
        self, title: str = DEFAULT_TITLE, system_prompt: str = ""
    ) -> Conversation:
        title = title.strip() or DEFAULT_TITLE
        now = time.time()
        cursor = self._run(
            "create the conversation",
            "INSERT INTO conversations (title, system_prompt, created_at, updated_at) "
            "VALUES (?, ?, ?, ?)",
            (title, system_prompt, now, now),
        )
        return Conversation(int(cursor.lastrowid or 0), title, system_prompt, None, now, now)

    def conversations(self) -> list[Conversation]:
        """Conversations not deleted, most recently updated first."""
        rows = self._run(
            "read your conversations",
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL "
            "ORDER BY updated_at DESC, id DESC",
        ).fetchall()
        return [Conversation(*row) for row in rows]

    def conversation(self, conversation_id: int) -> Conversation | None:
        """The conversation, or None when it does not exist or is (soft-)deleted."""
        row = self._run(
            "read the conversation",
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations "
            "WHERE id = ? AND deleted_at IS NULL",
            (conversation_id,),
        ).fetchone()
        return None if row is None else Conversation(*row)

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        title = title.strip()
        if not title:
            raise ValueError("A conversation needs a title; type at least one character.")
        self._update_conversation("rename the conversation", conversation_id, "title", title)

    def set_system_prompt(self, conversation_id: int, text: str) -> None:
        self._update_conversation(
            "save the system prompt", conversation_id, "system_prompt", text
        )

    def set_conversation_model(self, conversation_id: int, path: str | None) -> None:
        self._update_conversation(
            "save the conversation's model", conversation_id, "model_path", path
        )

    def count_conversations_with_model(self, path: str) -> int:
        """How many conversations (not deleted) last answered with the model at ``path``."""
        row = self._run("count the conversations of a model",
                        "SELECT COUNT(*) FROM conversations WHERE model_path = ? "
                        "AND deleted_at IS NULL", (path,)).fetchone()
        return int(row[0])

    def delete_conversation(self, conversation_id: int) -> None:
        """Soft delete: hidden from lists and search until restored or purged."""
        self._run(
            "delete the conversation",
            "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            (time.time(), conversation_id),
        )

    def restore_conversation(self, conversation_id: int) -> None:
        """Undo ``delete_conversation``; raises ``StorageError`` once it was purged."""
        cursor = self._run(
            "restore the conversation",
            "UPDATE conversations SET deleted_at = NULL WHERE id = ?",
            (conversation_id,),
        )
        if cursor.rowcount == 0:
            raise StorageError(
                "That conversation was deleted permanently and cannot be restored."
            )

    def purge_deleted(self, older_than_s: float = 0) -> int:
        """Permanently remove conversations soft-deleted at least ``older_than_s`` ago,
        with their messages and search entries; return how many were removed."""
        cutoff = time.time() - older_than_s
        doomed = "SELECT id FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?"
        with self._transaction("delete conversations permanently") as db:
            db.execute(
                "DELETE FROM message_attachments WHERE message_id IN "
                f"(SELECT id FROM messages WHERE conversation_id IN ({doomed}))",
                (cutoff,),
            )
            db.execute(f"DELETE FROM messages WHERE conversation_id IN ({doomed})", (cutoff,))
            cursor = db.execute(f"DELETE FROM conversations WHERE id IN ({doomed})", (cutoff,))
            unreferenced = forget_unreferenced_attachments(db)
        self._remove_image_files(unreferenced)
        return cursor.rowcount

    # ----------------------------------------------------------------------- messages

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        text: str,
        status: MessageStatus = MessageStatus.COMPLETE,
        model: str | None = None,
        images: Sequence[ImageAttachment] = (),
        audio: AudioAttachment | None = None,
    ) -> StoredMessage:
        """Append a message and bump the conversation; the first user message of a
        conversation still called ``DEFAULT_TITLE`` gives it its title.

        ``images`` (from ``AttachmentStore.add_image`` on this repository's attachments
        folder) are recorded in order in the same transaction; when one of their files is
        gone, ``StorageError`` says so and nothing is saved. ``audio`` (from
        ``AttachmentStore.add_recording``) is the recording the text was transcribed from."""
        role, status = Role(role), MessageStatus(status)
        stored_names = [stored_name_in(self.attachment_store.root, image) for image in images]
        audio_name = stored_name_in(self.attachment_store.root, audio) if audio is not None else ""
        now = time.time()
        with self._transaction("save the message") as db:
            row = db.execute(
                "SELECT title FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None:
                raise StorageError(_CONVERSATION_GONE)
            for image, stored_name in zip(images, stored_names, strict=True):
                if not (self.attachment_store.root / stored_name).is_file():
                    raise StorageError(
                        f"The image {image.name} is no longer available; attach it again."
                    )
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, text, status, model, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, role.value, text, status.value, model, now),
            )
            message_id = int(cursor.lastrowid or 0)
            insert_images(db, message_id, images, stored_names, now)
            if audio is not None:
                audio_file = self.attachment_store.root / audio_name
                if not audio_file.is_file():
                    raise StorageError("The recording is no longer available; record again.")
                insert_recording(db, message_id, audio, audio_name, audio_file.stat().st_size,
                                 now)
            new_title = title_from_text(text) if role is Role.USER else ""
            if role is Role.USER and not new_title and images:  # a picture and no words
                new_title = title_from_text(f"Image: {Path(images[0].name).stem}")
            if row[0] == DEFAULT_TITLE and new_title:
                db.execute(
                    "UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                    (now, new_title, conversation_id),
                )
            else:
                db.execute(
                    "UPDATE conversations SET updated_at = ? WHERE id = ?",
                    (now, conversation_id),
                )
        stored_images = tuple(
            image_from_row(self.attachment_store, image.sha256, image.name, image.note,
                           stored_name, image.byte_size, image.width, image.height)
            for image, stored_name in zip(images, stored_names, strict=True)
        )
        return StoredMessage(
            message_id, conversation_id, role, text, status, model, now, None, None,
            stored_images, audio,
        )

    def update_streaming_text(self, message_id: int, text: str) -> bool:
        """Save the text so far of a streaming answer (called every frame; one small
        UPDATE, not indexed for search). False when the message is gone or no longer
        streaming, in which case nothing changes."""
        cursor = self._run(
            "save the answer",
            "UPDATE messages SET text = ? WHERE id = ? AND status = 'streaming'",
            (text, message_id),
        )
        return cursor.rowcount > 0

    def finish_message(
        self,
        message_id: int,
        text: str,
        status: MessageStatus,
        timings: Timings | None = None,
        error: str | None = None,
    ) -> bool:
        """Store the final text, status, timings and error of an answer. False when the
        message no longer exists (e.g. deleted by a regenerate while it streamed)."""
        status = MessageStatus(status)
        if status is MessageStatus.STREAMING:
            raise ValueError("A finished message needs a final status, not 'streaming'.")
        numbers: tuple[Any, ...] = (None,) * 5
        if timings is not None:
            numbers = (timings.prompt_tokens, timings.reused_tokens, timings.generated_tokens,
                       timings.time_to_first_token_s, timings.generation_s)
        with self._transaction("save the answer") as db:
            cursor = db.execute(
                "UPDATE messages SET text = ?, status = ?, prompt_tokens = ?, "
                "reused_tokens = ?, generated_tokens = ?, ttft_s = ?, generation_s = ?, "
                "error = ? WHERE id = ?",
                (text, status.value, *numbers, error, message_id),
            )
            if cursor.rowcount == 0:
                return False
            self._touch_conversation_of(db, message_id)
        return True

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        """The conversation's messages, oldest first."""
        rows = self._run(
            "read the conversation",
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()
        images = self._images(
            "JOIN messages AS m ON m.id = ma.message_id WHERE m.conversation_id = ?",
            (conversation_id,))
        audio = self._recordings(
            "JOIN messages AS m ON m.id = mr.message_id WHERE m.conversation_id = ?",
            (conversation_id,))
        return [_message_from_row(row, images.get(row[0], ()), audio.get(row[0]))
                for row in rows]

    def message(self, message_id: int) -> StoredMessage | None:
        row = self._run(
            "read the message",
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?",
            (message_id,),
        ).fetchone()
        if row is None:
            return None
        images = self._images("WHERE ma.message_id = ?", (message_id,))
        audio = self._recordings("WHERE mr.message_id = ?", (message_id,))
        return _message_from_row(row, images.get(message_id, ()), audio.get(message_id))

    def delete_messages_from(self, message_id: int) -> int:
        """Delete this message and every later one of its conversation; return the count
        (0 when the message does not exist)."""
        with self._transaction("delete the messages") as db:
            row = db.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return 0
            db.execute(
                "DELETE FROM message_attachments WHERE message_id IN "
                "(SELECT id FROM messages WHERE conversation_id = ? AND id >= ?)",
                (row[0], message_id),
            )
            cursor = db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND id >= ?",
                (row[0], message_id),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?", (time.time(), row[0])
            )
            unreferenced = forget_unreferenced_attachments(db)
        self._remove_image_files(unreferenced)
        return cursor.rowcount

    def update_message_text(self, message_id: int, text: str) -> None:
        """Replace a message's text (editing a user message before resending it)."""
        with self._transaction("save the edited message") as db:
            cursor = db.execute(
                "UPDATE messages SET text = ? WHERE id = ?", (text, message_id)
            )
            if cursor.rowcount == 0:
                raise StorageError(_MESSAGE_GONE)
            self._touch_conversation_of(db, message_id)

    # ------------------------------------------------------------------------- images

    def referenced_image_hashes(self) -> set[str]:
        """The sha256 of every image a stored message carries, including messages of
        soft-deleted conversations (for ``AttachmentStore.sweep_unreferenced``)."""
        rows = self._run(
            "read the list of attached images",
            f"{REFERENCED_IMAGES} UNION {REFERENCED_RECORDINGS}",
        ).fetchall()
        return {sha256 for (sha256,) in rows}

    def _images(self, where: str,
                params: tuple[Any, ...]) -> dict[int, tuple[ImageAttachment, ...]]:
        try:
            return images_of(self._db, self.attachment_store, where, params)
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, "read the attached images")) from exc

    def _recordings(self, where: str, params: tuple[Any, ...]) -> dict[int, AudioAttachment]:
        try:
            return recordings_of(self._db, self.attachment_store.root, where, params)
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, "read the recordings")) from exc

    # ------------------------------------------------------------------------- search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over titles and finished messages of conversations that are
        not deleted: title hits first, then message hits, each best match first."""
        try:
            return search_chats(self._db, query, limit)
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, "search your conversations")) from exc

    # ------------------------------------------------------------------------ helpers

    def _update_conversation(
        self, action: str, conversation_id: int, column: str, value: str | None
    ) -> None:
        cursor = self._run(
            action,
            f"UPDATE conversations SET {column} = ?, updated_at = ? WHERE id = ?",
            (value, time.time(), conversation_id),
        )
        if cursor.rowcount == 0:
            raise StorageError(_CONVERSATION_GONE)

    def _remove_image_files(self, hashes: list[str]) -> None:
        """Delete files whose rows are gone; one that cannot be deleted now is left for
        the start-up sweep (``referenced_image_hashes`` no longer names it)."""
        for sha256 in hashes:
            with suppress(StorageError, ValueError):
                self.attachment_store.remove(sha256)

    @staticmethod
    def _touch_conversation_of(db: sqlite3.Connection, message_id: int) -> None:
        db.execute(
            "UPDATE conversations SET updated_at = ? "
            "WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
            (time.time(), message_id),
        )

    def _run(self, action: str, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StorageError(describe_sqlite_error(exc, action)) from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any failure rolls it back."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StorageError(describe_sqlite_error(exc, action)) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")


def _message_from_row(
    row: tuple[Any, ...], images: tuple[ImageAttachment, ...] = (),
    audio: AudioAttachment | None = None,
) -> StoredMessage:
    (message_id, conversation_id, role, text, status, model, created_at,
     prompt_tokens, reused_tokens, generated_tokens, ttft_s, generation_s, error) = row
    counts = (prompt_tokens, reused_tokens, generated_tokens, ttft_s, generation_s)
    timings = None
    if any(value is not None for value in counts):
        timings = Timings(
            prompt_tokens=prompt_tokens or 0,
            reused_tokens=reused_tokens or 0,
            generated_tokens=generated_tokens or 0,
            time_to_first_token_s=ttft_s or 0.0,
            generation_s=generation_s or 0.0,
        )
    return StoredMessage(
        message_id, conversation_id, Role(role), text, MessageStatus(status), model,
        created_at, timings, error, images, audio,
    )
