"""Widgets; the main window only composes them."""
