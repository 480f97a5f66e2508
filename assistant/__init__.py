"""Mosaic: an offline, local, multimodal desktop assistant."""

__version__ = "0.1.0"
APP_NAME = "Mosaic"
# Reverse-DNS id: the desktop entry, AppStream metainfo and icon are named after it.
APP_ID = "io.github.mosaic_assistant.Mosaic"
