"""Authoring in the browser: the database keeps the source of every content file."""
