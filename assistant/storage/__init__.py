"""SQLite persistence: schema, migrations and repositories (GUI thread only)."""
