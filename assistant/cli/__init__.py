"""Headless sub-commands: they drive the same engine process as the window, without Qt."""
