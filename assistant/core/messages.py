"""Chat messages as the prompt builder and the engine see them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.core.attachments import ImageAttachment


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(StrEnum):
    """Lifecycle of a stored message. User messages are always ``complete``."""

    STREAMING = "streaming"
    COMPLETE = "complete"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"  # the app died while this answer streamed
    ERROR = "error"


@dataclass(frozen=True)
class ChatTurn:
    """One message of a conversation, as sent to the engine; ``images`` come before the text."""

    role: Role
    text: str
    images: tuple[ImageAttachment, ...] = ()
