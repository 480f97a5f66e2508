"""Images attached to messages, as the window, the store and the engine see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageAttachment:
    """One checked image, stored content-addressed under the data folder.

    ``path`` is the stored copy (named by ``sha256`` of its bytes), never the person's
    original file, so the conversation keeps working after the original moves. ``width``
    and ``height`` are after EXIF orientation. ``note`` says what the person should know,
    e.g. that only the first frame of an animated GIF is used ("" when nothing).
    """

    sha256: str
    path: str
    thumbnail_path: str
    name: str
    width: int
    height: int
    byte_size: int
    note: str = ""


@dataclass(frozen=True)
class AudioAttachment:
    """The recording a spoken message was transcribed from (a 16 kHz mono WAV, stored
    content-addressed like images), kept so the person can play it back."""

    sha256: str
    path: str
    name: str
    duration_s: float
