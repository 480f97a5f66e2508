"""Runs in the engine process: native model backends and the request loop."""
