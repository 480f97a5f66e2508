"""SQLite persistence: schema, migrations and repositories (GUI thread only).

``database.open_database`` opens (quarantining a damaged file) and migrates the one
database; ``chat_repository.ChatRepository`` reads and writes conversations and messages;
``migrations`` holds the numbered schema; ``errors.StorageError`` carries one sentence.
"""
