"""Full-text search over the lessons and courses a reader may see (SQLite FTS5 or PostgreSQL)."""
