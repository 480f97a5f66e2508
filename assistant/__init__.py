"""Mosaic: an offline, local, multimodal desktop assistant."""

__version__ = "0.1.0"
APP_NAME = "Mosaic"
APP_ID = "mosaic"
