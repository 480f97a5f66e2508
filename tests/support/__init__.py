"""Test support: synthetic model writers and shared fixtures."""
