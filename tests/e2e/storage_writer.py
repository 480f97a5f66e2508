"""Child process for test_storage_kill: streams an answer into the database until killed.

Usage: ``python storage_writer.py DATABASE``. Creates a conversation with one user
message, then grows an assistant message with ``update_streaming_text`` in a tight loop,
printing ``ACK <length>`` (flushed) after each committed update. It exits with status 3
if it was never killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_PIECES = 50_000
USER_TEXT = "Tell me a very long story about a lighthouse keeper."


def answer_text(pieces: int) -> str:
    """The streamed answer after ``pieces`` updates; each is a prefix of the next."""
    return "".join(f"w{index} " for index in range(pieces))


def main(database: Path) -> None:
    from assistant.core.messages import MessageStatus, Role
    from assistant.storage.chat_repository import ChatRepository
    from assistant.storage.database import open_database

    repo = ChatRepository(open_database(database).connection)
    chat = repo.create_conversation()
    repo.add_message(chat.id, Role.USER, USER_TEXT)
    answer = repo.add_message(chat.id, Role.ASSISTANT, "", MessageStatus.STREAMING, "fake")
    print(f"READY {chat.id} {answer.id}", flush=True)
    text = ""
    for index in range(MAX_PIECES):  # the parent kills this process long before the end
        text += f"w{index} "
        repo.update_streaming_text(answer.id, text)
        print(f"ACK {len(text)}", flush=True)
    sys.exit(3)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(Path(sys.argv[1]))
