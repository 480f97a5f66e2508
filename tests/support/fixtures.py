"""Shared pytest fixtures (model files, engines). Registered from tests/conftest.py."""
