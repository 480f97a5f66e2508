"""The worker-thread side of the engine connection (QtCore only)."""
