"""The SQLite storage layer: schema, quarantine, repository behaviour and search (no Qt)."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from assistant.core.attachments import ImageAttachment
from assistant.core.generation import Timings
from assistant.core.messages import MessageStatus, Role
from assistant.paths import app_paths
from assistant.storage.attachment_store import AttachmentStore
from assistant.storage.chat_repository import DEFAULT_TITLE, ChatRepository
from assistant.storage.database import (
    OpenedDatabase,
    StorageError,
    damaged_database_sentence,
    open_database,
)
from assistant.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from assistant.storage.text_rules import TITLE_MAX_CHARS, fts_query, title_from_text

QUARANTINE_NAME = re.compile(r"^chat\.sqlite3\.corrupt-\d{8}-\d{6}(-\d+)?$")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "chat.sqlite3"


@pytest.fixture
def opened(db_path: Path) -> Iterator[OpenedDatabase]:
    database = open_database(db_path)
    yield database
    database.connection.close()


@pytest.fixture
def repo(opened: OpenedDatabase) -> ChatRepository:
    return ChatRepository(opened.connection)


def reopen(opened: OpenedDatabase, path: Path) -> OpenedDatabase:
    opened.connection.close()
    return open_database(path)


def fts_terms(connection: sqlite3.Connection, table: str) -> set[str]:
    """Every term present in an FTS5 index, read through an fts5vocab table."""
    connection.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_vocab USING fts5vocab(main, {table}, row)"
    )
    return {row[0] for row in connection.execute(f"SELECT term FROM temp.{table}_vocab")}


def assert_healthy(connection: sqlite3.Connection) -> None:
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for table in ("conversations_fts", "messages_fts"):
        connection.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


# ------------------------------------------------------------------ opening and schema


def test_new_database_is_wal_migrated_and_healthy(opened: OpenedDatabase) -> None:
    connection = opened.connection
    assert opened.quarantined is None
    assert schema_version(connection) == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert_healthy(connection)


def test_data_persists_across_reopen(opened: OpenedDatabase, db_path: Path) -> None:
    repo = ChatRepository(opened.connection)
    chat = repo.create_conversation(system_prompt="Be brief.")
    repo.add_message(chat.id, Role.USER, "What is WAL?")
    answer = repo.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING, "tiny")
    timings = Timings(12, 4, 30, 0.25, 1.5)
    repo.finish_message(answer.id, "Write-ahead logging.", MessageStatus.COMPLETE, timings)

    again = reopen(opened, db_path)
    try:
        repo = ChatRepository(again.connection)
        [stored] = repo.conversations()
        assert (stored.title, stored.system_prompt) == ("What is WAL?", "Be brief.")
        user, assistant = repo.messages(chat.id)
        assert (user.role, user.text, user.status) == (Role.USER, "What is WAL?", "complete")
        assert user.timings is None
        assert assistant.text == "Write-ahead logging."
        assert (assistant.status, assistant.model) == (MessageStatus.COMPLETE, "tiny")
        assert assistant.timings == timings
        assert_healthy(again.connection)
    finally:
        again.connection.close()


def test_migrations_are_idempotent(opened: OpenedDatabase, db_path: Path) -> None:
    assert migrate(opened.connection) == 0
    again = reopen(opened, db_path)
    try:
        assert again.quarantined is None
        assert migrate(again.connection) == 0
        assert schema_version(again.connection) == SCHEMA_VERSION
    finally:
        again.connection.close()


def test_streaming_messages_become_interrupted_on_reopen(
    opened: OpenedDatabase, db_path: Path
) -> None:
    repo = ChatRepository(opened.connection)
    chat = repo.create_conversation()
    answer = repo.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING)
    repo.update_streaming_text(answer.id, "half an answer about zeppelins")
    assert repo.search("zeppelins") == []  # streaming text is not indexed yet

    again = reopen(opened, db_path)
    try:
        repo = ChatRepository(again.connection)
        stored = repo.message(answer.id)
        assert stored is not None
        assert stored.status is MessageStatus.INTERRUPTED
        assert stored.text == "half an answer about zeppelins"
        assert [hit.message_id for hit in repo.search("zeppelins")] == [answer.id]
        assert_healthy(again.connection)
    finally:
        again.connection.close()


def test_newer_schema_is_refused_with_a_sentence(opened: OpenedDatabase, db_path: Path) -> None:
    opened.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    opened.connection.close()
    with pytest.raises(StorageError) as raised:
        open_database(db_path)
    sentence = str(raised.value)
    assert "newer version of Mosaic" in sentence and str(db_path) in sentence
    assert "\n" not in sentence and sentence.endswith(".")
    assert db_path.exists()  # not quarantined: a newer Mosaic can still read it
    assert list(db_path.parent.glob("*.corrupt-*")) == []


# --------------------------------------------------------------------------- quarantine


def test_garbage_file_is_quarantined_with_its_wal(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = bytes(random.Random(7).randrange(256) for _ in range(5000))
    db_path.write_bytes(garbage)
    Path(f"{db_path}-wal").write_bytes(b"not a wal either")

    opened = open_database(db_path)
    try:
        assert opened.quarantined is not None
        assert opened.quarantined.parent == db_path.parent
        assert QUARANTINE_NAME.match(opened.quarantined.name)
        assert opened.quarantined.read_bytes() == garbage
        assert Path(f"{opened.quarantined}-wal").read_bytes() == b"not a wal either"
        repo = ChatRepository(opened.connection)
        assert repo.conversations() == []
        repo.create_conversation("Fresh start")
        assert_healthy(opened.connection)
    finally:
        opened.connection.close()
    sentence = damaged_database_sentence(opened.quarantined)
    assert sentence.startswith("Your chat database was damaged; it was moved to ")
    assert str(opened.quarantined) in sentence


@pytest.mark.parametrize(
    "keep", [0.5, 0.9, 60, 10], ids=["half", "most", "header-only", "torn-header"]
)
def test_truncated_database_is_quarantined(db_path: Path, keep: float) -> None:
    opened = open_database(db_path)
    repo = ChatRepository(opened.connection)
    for number in range(30):
        chat = repo.create_conversation()
        repo.add_message(chat.id, Role.USER, f"question {number} " + "filler " * 400)
    opened.connection.close()  # checkpoints the WAL into the main file
    size = db_path.stat().st_size
    with db_path.open("r+b") as file:
        file.truncate(int(size * keep) if keep < 1 else int(keep))

    recovered = open_database(db_path)
    try:
        assert recovered.quarantined is not None and recovered.quarantined.exists()
        assert ChatRepository(recovered.connection).conversations() == []
        assert_healthy(recovered.connection)
    finally:
        recovered.connection.close()


def test_scribbled_page_is_quarantined(db_path: Path) -> None:
    opened = open_database(db_path)
    repo = ChatRepository(opened.connection)
    for number in range(30):
        chat = repo.create_conversation()
        repo.add_message(chat.id, Role.USER, f"question {number} " + "filler " * 400)
    opened.connection.close()
    page = 4096
    middle = db_path.stat().st_size // page // 2 * page
    with db_path.open("r+b") as file:
        file.seek(middle)
        file.write(bytes(random.Random(3).randrange(256) for _ in range(page)))

    recovered = open_database(db_path)
    recovered.connection.close()
    assert recovered.quarantined is not None


def test_second_quarantine_in_the_same_second_gets_its_own_name(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    names = set()
    for _ in range(2):
        db_path.write_bytes(b"garbage" * 100)
        opened = open_database(db_path)
        opened.connection.close()
        assert opened.quarantined is not None
        names.add(opened.quarantined.name)
    assert len(names) == 2


# ------------------------------------------------------------------------ conversations


def test_conversations_newest_update_first(repo: ChatRepository) -> None:
    first = repo.create_conversation("First")
    second = repo.create_conversation("Second")
    assert [chat.id for chat in repo.conversations()] == [second.id, first.id]
    time.sleep(0.002)
    repo.add_message(first.id, Role.USER, "bump")
    assert [chat.id for chat in repo.conversations()] == [first.id, second.id]


def test_settings_of_a_conversation(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    repo.set_system_prompt(chat.id, "You are a pirate.")
    repo.set_conversation_model(chat.id, "/models/tiny.gguf")
    stored = repo.conversation(chat.id)
    assert stored is not None
    assert (stored.system_prompt, stored.model_path) == ("You are a pirate.", "/models/tiny.gguf")
    repo.set_conversation_model(chat.id, None)
    stored = repo.conversation(chat.id)
    assert stored is not None and stored.model_path is None
    assert repo.conversation(9999) is None


def test_auto_title_from_first_user_message(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    assert chat.title == DEFAULT_TITLE
    repo.add_message(chat.id, Role.ASSISTANT, "Hello! How can I help?")
    assert repo.conversation(chat.id).title == DEFAULT_TITLE  # type: ignore[union-attr]
    long_question = (
        "\n   \n  Could you   explain how the\tkey-value cache works in llama.cpp when "
        "a conversation grows?\nSecond line"
    )
    repo.add_message(chat.id, Role.USER, long_question)
    title = repo.conversation(chat.id).title  # type: ignore[union-attr]
    assert title == "Could you explain how the key-value cache works…"
    assert len(title) <= TITLE_MAX_CHARS
    repo.add_message(chat.id, Role.USER, "A different second question")
    assert repo.conversation(chat.id).title == title  # type: ignore[union-attr]


def test_title_from_text_rules() -> None:
    assert title_from_text("  short   and sweet \nignored") == "short and sweet"
    assert title_from_text(" \n\t\n") == ""
    assert title_from_text("x" * 100) == "x" * (TITLE_MAX_CHARS - 1) + "…"
    cut = title_from_text("word " * 30)
    assert cut.endswith("word…") and len(cut) <= TITLE_MAX_CHARS
    exact = "a" * TITLE_MAX_CHARS
    assert title_from_text(exact) == exact


def test_blank_or_renamed_conversations_keep_their_title(repo: ChatRepository) -> None:
    blank = repo.create_conversation()
    repo.add_message(blank.id, Role.USER, "   \n ")
    assert repo.conversation(blank.id).title == DEFAULT_TITLE  # type: ignore[union-attr]
    named = repo.create_conversation("Trip planning")
    repo.add_message(named.id, Role.USER, "Where should I go?")
    assert repo.conversation(named.id).title == "Trip planning"  # type: ignore[union-attr]


def test_rename(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    repo.rename_conversation(chat.id, "   Recipes  ")
    assert repo.conversation(chat.id).title == "Recipes"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="title"):
        repo.rename_conversation(chat.id, " \t ")
    with pytest.raises(StorageError, match="no longer exists"):
        repo.rename_conversation(424242, "Ghost")
    assert [hit.conversation_id for hit in repo.search("recipes")] == [chat.id]


def test_soft_delete_restore_and_purge(repo: ChatRepository, opened: OpenedDatabase) -> None:
    keep = repo.create_conversation("Keeper")
    repo.add_message(keep.id, Role.USER, "kept words")
    doomed = repo.create_conversation("Quokka facts")
    repo.add_message(doomed.id, Role.USER, "tell me about marsupials")
    repo.add_message(doomed.id, Role.ASSISTANT, "wombats and quokkas")

    repo.delete_conversation(doomed.id)
    assert [chat.id for chat in repo.conversations()] == [keep.id]
    assert repo.conversation(doomed.id) is None
    assert repo.search("quokka") == [] and repo.search("marsupials") == []
    assert len(repo.messages(doomed.id)) == 2  # still stored, for undo

    repo.restore_conversation(doomed.id)
    assert {chat.id for chat in repo.conversations()} == {keep.id, doomed.id}
    assert {hit.conversation_id for hit in repo.search("quokka")} == {doomed.id}

    repo.delete_conversation(doomed.id)
    assert repo.purge_deleted(older_than_s=3600) == 0  # deleted just now: kept for undo
    assert repo.purge_deleted() == 1
    assert repo.messages(doomed.id) == []
    with pytest.raises(StorageError, match="cannot be restored"):
        repo.restore_conversation(doomed.id)
    connection = opened.connection
    for gone in ("quokka", "quokkas", "marsupials", "wombats", "facts"):
        assert gone not in fts_terms(connection, "messages_fts")
        assert gone not in fts_terms(connection, "conversations_fts")
    assert "kept" in fts_terms(connection, "messages_fts")
    assert_healthy(connection)


# ----------------------------------------------------------------------------- messages


def test_delete_messages_from(repo: ChatRepository, opened: OpenedDatabase) -> None:
    chat = repo.create_conversation()
    other = repo.create_conversation()
    first = repo.add_message(chat.id, Role.USER, "one")
    second = repo.add_message(chat.id, Role.ASSISTANT, "two")
    stranger = repo.add_message(other.id, Role.USER, "elsewhere")
    repo.add_message(chat.id, Role.USER, "three")
    repo.add_message(chat.id, Role.ASSISTANT, "fourfold")

    assert repo.delete_messages_from(second.id) == 3
    assert [m.id for m in repo.messages(chat.id)] == [first.id]
    assert [m.id for m in repo.messages(other.id)] == [stranger.id]
    assert repo.delete_messages_from(second.id) == 0
    assert "fourfold" not in fts_terms(opened.connection, "messages_fts")
    replacement = repo.add_message(chat.id, Role.ASSISTANT, "again")
    assert replacement.id > second.id  # ids are never reused


def test_streaming_then_finish(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    answer = repo.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING, "m")
    assert repo.update_streaming_text(answer.id, "partial")
    assert repo.message(answer.id).text == "partial"  # type: ignore[union-attr]
    assert repo.finish_message(answer.id, "partial answer", MessageStatus.ERROR,
                               error="The model stopped responding.")
    stored = repo.message(answer.id)
    assert stored is not None
    assert (stored.status, stored.error, stored.timings) == (
        MessageStatus.ERROR, "The model stopped responding.", None)
    assert not repo.update_streaming_text(answer.id, "late token")  # no longer streaming
    assert repo.message(answer.id).text == "partial answer"  # type: ignore[union-attr]
    assert not repo.finish_message(987654, "x", MessageStatus.STOPPED)
    with pytest.raises(ValueError):
        repo.finish_message(answer.id, "x", MessageStatus.STREAMING)


def test_update_message_text(repo: ChatRepository) -> None:
    chat = repo.create_conversation("Kitchen")
    question = repo.add_message(chat.id, Role.USER, "What is a teapot?")
    repo.update_message_text(question.id, "What is a kettle?")
    assert repo.message(question.id).text == "What is a kettle?"  # type: ignore[union-attr]
    assert [h.message_id for h in repo.search("kettle")] == [question.id]
    assert [h.message_id for h in repo.search("teapot")] == []
    with pytest.raises(StorageError, match="no longer exists"):
        repo.update_message_text(55555, "nothing")


def test_add_message_to_missing_conversation(repo: ChatRepository) -> None:
    with pytest.raises(StorageError, match="no longer exists"):
        repo.add_message(31337, Role.USER, "hello?")


def test_streaming_updates_are_cheap(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    answer = repo.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING)
    full = ("The quick brown fox jumps over the lazy dog. " * 200)[:8192]
    started = time.perf_counter()
    for step in range(1, 501):
        repo.update_streaming_text(answer.id, full[: len(full) * step // 500])
    elapsed = time.perf_counter() - started
    print(f"500 streaming updates up to 8 KB: {elapsed * 1000:.1f} ms")
    assert repo.message(answer.id).text == full  # type: ignore[union-attr]
    assert elapsed < 1.0


# ------------------------------------------------------------------------------- search


def test_search_by_message_text_and_title(repo: ChatRepository) -> None:
    cooking = repo.create_conversation("Sourdough baking")
    repo.add_message(cooking.id, Role.USER, "How long should the levain ferment?")
    repo.add_message(
        cooking.id, Role.ASSISTANT, "Usually four to twelve hours, at room temperature."
    )
    other = repo.create_conversation("Astronomy")
    repo.add_message(other.id, Role.USER, "What is a neutron star?")

    [title_hit] = repo.search("sourdough")
    assert (title_hit.conversation_id, title_hit.message_id) == (cooking.id, None)
    assert title_hit.conversation_title == "Sourdough baking"
    assert title_hit.snippet == "[Sourdough] baking"

    [text_hit] = repo.search("temperature")
    assert text_hit.conversation_id == cooking.id
    assert text_hit.conversation_title == "Sourdough baking"
    assert "[temperature]" in text_hit.snippet

    assert [h.conversation_id for h in repo.search("neutr")] == [other.id]  # prefix
    assert [h.conversation_id for h in repo.search("neutron sta")] == [other.id]
    assert repo.search("neutron levain") == []  # every term must match
    assert repo.search("Levain")[0].snippet.count("[") == 1  # case-insensitive
    assert repo.search("") == [] and repo.search("   ") == []
    assert len(repo.search("o", limit=1)) <= 1


def test_search_finds_non_ascii_text(repo: ChatRepository) -> None:
    chat = repo.create_conversation("Voyage")
    repo.add_message(chat.id, Role.USER, "Où est le café? 你好世界 ünïcödé")
    assert [h.message_id is not None for h in repo.search("cafe")] == [True]
    assert len(repo.search("你好")) == 1
    assert len(repo.search("unicode")) == 1


HOSTILE_QUERIES = [
    '"', '""', '"unbalanced', "AND(", "AND", "OR", "NOT", "NEAR(a b)", "*", "a*", "-", "-x",
    "(", ")", "^", ":", "col:foo", "title:foo", "a AND OR b", "{title}: x", "+", "\\",
    "'; DROP TABLE messages; --", "\x00", "a\x00b", "世界", "日本語 テスト", "🙂", "e\u0301",
    "\u202e", "NEAR", "a NEAR/3 b", "\t\n", "**", "\"*\"", "x" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_search_strings_never_raise(repo: ChatRepository, query: str) -> None:
    chat = repo.create_conversation("AND OR NOT star")
    repo.add_message(chat.id, Role.USER, "col foo title x 世界 e\u0301 DROP TABLE")
    hits = repo.search(query)
    assert all(hit.conversation_id == chat.id for hit in hits)


def test_random_search_strings_never_raise(repo: ChatRepository) -> None:
    chat = repo.create_conversation()
    repo.add_message(chat.id, Role.USER, "some searchable words")
    rng = random.Random(2024)
    alphabet = '"*-+()^:{}[]\\\'. ANDORNEARNOT世界éß\x00\t\n' + "abcxyz019"
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 25)))
        repo.search(query)  # must not raise


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('say "hi" AND( * -') == '"say" """hi""" "AND("*'
    assert fts_query("  ") is None
    assert fts_query("* - ()") is None
    assert fts_query("a\x00b") == '"ab"*'


# ------------------------------------------------------------------------ attached images


def png(colour: tuple[int, int, int], size: tuple[int, int] = (8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def attachments_root(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def image_repo(opened: OpenedDatabase, attachments_root: Path) -> ChatRepository:
    return ChatRepository(opened.connection, attachments_root)


@pytest.fixture
def store(attachments_root: Path) -> AttachmentStore:
    """A second store on the same folder, as the window's background thread has one."""
    return AttachmentStore(attachments_root)


def files_of(image: ImageAttachment) -> list[Path]:
    return [Path(image.path), Path(image.thumbnail_path)]


def attachment_rows(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT sha256 FROM attachments")}


def test_images_survive_reopen_in_their_order(
    opened: OpenedDatabase, db_path: Path, attachments_root: Path, store: AttachmentStore
) -> None:
    repo = ChatRepository(opened.connection, attachments_root)
    chat = repo.create_conversation()
    red = store.add_image(png((255, 0, 0), (40, 30)), "red.png")
    green = store.add_image(png((0, 255, 0)), "green.png")
    blue = store.add_image(png((0, 0, 255)), "blue.png")
    sent = repo.add_message(chat.id, Role.USER, "Which is warmest?", images=[green, red, blue])
    answer = repo.add_message(chat.id, Role.ASSISTANT, "The red one.")
    assert sent.images == (green, red, blue)  # what the store described, unchanged
    assert answer.images == ()

    again = reopen(opened, db_path)
    try:
        repo = ChatRepository(again.connection, attachments_root)
        question, reply = repo.messages(chat.id)
        assert question.images == (green, red, blue)
        assert [image.name for image in question.images] == ["green.png", "red.png", "blue.png"]
        assert (question.images[1].width, question.images[1].height) == (40, 30)
        assert reply.images == ()
        assert repo.message(sent.id) == question
        assert repo.conversations()[0].title == "Which is warmest?"
        assert_healthy(again.connection)
    finally:
        again.connection.close()


def test_same_image_twice_is_one_row_with_each_name_and_note(
    image_repo: ChatRepository, opened: OpenedDatabase, store: AttachmentStore
) -> None:
    chat = image_repo.create_conversation()
    image = store.add_image(png((5, 5, 5)), "cat.png")
    renamed = dataclasses.replace(image, name="cat again.png", note="Note.")
    first = image_repo.add_message(chat.id, Role.USER, "Look", images=[image, renamed])
    image_repo.add_message(chat.id, Role.USER, "Again", images=[image])
    assert attachment_rows(opened.connection) == {image.sha256}
    stored = image_repo.message(first.id)
    assert stored is not None
    assert [(i.name, i.note) for i in stored.images] == [("cat.png", ""), ("cat again.png",
                                                                            "Note.")]


def test_message_with_a_vanished_image_is_not_saved(
    image_repo: ChatRepository, opened: OpenedDatabase, store: AttachmentStore
) -> None:
    chat = image_repo.create_conversation()
    kept = store.add_image(png((1, 2, 3)), "kept.png")
    vanished = store.add_image(png((3, 2, 1)), "Holiday photo.jpg")
    Path(vanished.path).unlink()
    with pytest.raises(StorageError) as raised:
        image_repo.add_message(chat.id, Role.USER, "What is this?", images=[kept, vanished])
    assert str(raised.value) == ("The image Holiday photo.jpg is no longer available; "
                                 "attach it again.")
    assert image_repo.messages(chat.id) == []
    assert attachment_rows(opened.connection) == set()
    assert image_repo.conversation(chat.id).title == DEFAULT_TITLE  # type: ignore[union-attr]


def test_image_from_another_folder_is_a_programming_error(
    image_repo: ChatRepository, tmp_path: Path
) -> None:
    elsewhere = AttachmentStore(tmp_path / "elsewhere").add_image(png((0, 0, 0)), "x.png")
    chat = image_repo.create_conversation()
    with pytest.raises(ValueError, match="not in the attachments folder"):
        image_repo.add_message(chat.id, Role.USER, "x", images=[elsewhere])
    assert image_repo.messages(chat.id) == []


def test_purge_removes_images_no_message_needs_and_keeps_shared_ones(
    image_repo: ChatRepository, opened: OpenedDatabase, store: AttachmentStore
) -> None:
    shared = store.add_image(png((10, 10, 10)), "shared.png")
    only_doomed = store.add_image(png((20, 20, 20)), "only doomed.png")
    keeper = image_repo.create_conversation("Keeper")
    kept_message = image_repo.add_message(keeper.id, Role.USER, "mine", images=[shared])
    doomed = image_repo.create_conversation("Doomed")
    image_repo.add_message(doomed.id, Role.USER, "both", images=[shared, only_doomed])

    image_repo.delete_conversation(doomed.id)
    assert image_repo.purge_deleted() == 1

    assert attachment_rows(opened.connection) == {shared.sha256}
    assert not any(path.exists() for path in files_of(only_doomed))
    assert all(path.is_file() for path in files_of(shared))
    assert image_repo.message(kept_message.id).images == (shared,)  # type: ignore[union-attr]
    assert image_repo.referenced_image_hashes() == {shared.sha256}
    assert opened.connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_later_messages_removes_their_own_images_only(
    image_repo: ChatRepository, opened: OpenedDatabase, store: AttachmentStore
) -> None:
    early = store.add_image(png((1, 1, 1)), "early.png")
    late = store.add_image(png((2, 2, 2)), "late.png")
    elsewhere = store.add_image(png((3, 3, 3)), "elsewhere.png")
    chat = image_repo.create_conversation()
    other = image_repo.create_conversation()
    first = image_repo.add_message(chat.id, Role.USER, "one", images=[early])
    image_repo.add_message(chat.id, Role.ASSISTANT, "two")
    retry = image_repo.add_message(chat.id, Role.USER, "three", images=[late, early, elsewhere])
    image_repo.add_message(other.id, Role.USER, "other", images=[elsewhere])

    assert image_repo.delete_messages_from(retry.id) == 1

    assert not any(path.exists() for path in files_of(late))
    assert all(path.is_file() for path in files_of(early) + files_of(elsewhere))
    assert attachment_rows(opened.connection) == {early.sha256, elsewhere.sha256}
    assert [m.images for m in image_repo.messages(chat.id)] == [(early,), ()]
    assert image_repo.message(first.id).images == (early,)  # type: ignore[union-attr]


def test_soft_deleted_conversation_keeps_its_images_for_undo(
    image_repo: ChatRepository, store: AttachmentStore
) -> None:
    image = store.add_image(png((200, 100, 0)), "sunset.png")
    chat = image_repo.create_conversation()
    message = image_repo.add_message(chat.id, Role.USER, "Pretty?", images=[image])

    image_repo.delete_conversation(chat.id)
    assert image_repo.purge_deleted(older_than_s=3600) == 0  # just deleted: kept for undo
    assert image.sha256 in image_repo.referenced_image_hashes()
    assert store.sweep_unreferenced(image_repo.referenced_image_hashes(), older_than_s=0) == 0
    assert all(path.is_file() for path in files_of(image))

    image_repo.restore_conversation(chat.id)
    [restored] = image_repo.messages(chat.id)
    assert restored.id == message.id and restored.images == (image,)
    assert all(Path(p).is_file() for p in (image.path, image.thumbnail_path))


def test_startup_sweep_removes_images_of_messages_never_sent(
    image_repo: ChatRepository, store: AttachmentStore
) -> None:
    sent = store.add_image(png((1, 0, 0)), "sent.png")
    never_sent = store.add_image(png((0, 1, 0)), "never sent.png")
    chat = image_repo.create_conversation()
    image_repo.add_message(chat.id, Role.USER, "here", images=[sent])

    removed = store.sweep_unreferenced(image_repo.referenced_image_hashes(), older_than_s=0)

    assert removed == 1
    assert not any(path.exists() for path in files_of(never_sent))
    assert all(path.is_file() for path in files_of(sent))


def test_one_argument_repository_uses_the_attachments_folder_of_the_app(
    opened: OpenedDatabase,
) -> None:
    repo = ChatRepository(opened.connection)
    image = AttachmentStore(app_paths().attachments_dir).add_image(png((9, 9, 9)), "a.png")
    chat = repo.create_conversation()
    repo.add_message(chat.id, Role.USER, "a", images=[image])
    assert repo.messages(chat.id)[0].images == (image,)


def test_version_1_database_upgrades_and_keeps_its_chats(
    db_path: Path, attachments_root: Path, store: AttachmentStore
) -> None:
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path, isolation_level=None)
    old.executescript(f"BEGIN;\n{MIGRATIONS[0]}\nPRAGMA user_version = 1;\nCOMMIT;")
    old.execute("INSERT INTO conversations (title, created_at, updated_at) "
                "VALUES ('Old chat', 1.0, 2.0)")
    old.execute("INSERT INTO messages (conversation_id, role, text, status, created_at) "
                "VALUES (1, 'user', 'written before images existed', 'complete', 1.5)")
    old.close()

    opened = open_database(db_path)
    try:
        connection = opened.connection
        assert opened.quarantined is None
        assert schema_version(connection) == SCHEMA_VERSION == 3
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        assert {"attachments", "message_attachments",
                "message_attachments_by_sha256"} <= tables
        repo = ChatRepository(connection, attachments_root)
        [chat] = repo.conversations()
        [message] = repo.messages(chat.id)
        assert (chat.title, message.text, message.images) == (
            "Old chat", "written before images existed", ())
        assert [hit.message_id for hit in repo.search("images")] == [message.id]

        image = store.add_image(png((7, 8, 9)), "new.png")
        repo.add_message(chat.id, Role.USER, "now with a picture", images=[image])
        assert repo.messages(chat.id)[1].images == (image,)
        assert migrate(connection) == 0
        assert_healthy(connection)
    finally:
        opened.connection.close()


def test_attachment_rows_refuse_an_unknown_kind(opened: OpenedDatabase) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        opened.connection.execute(
            "INSERT INTO attachments (sha256, kind, stored_name, byte_size, created_at) "
            "VALUES ('x', 'video', 'x/x.mp4', 1, 0)")
