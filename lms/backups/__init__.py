"""Backups that restore: ``flask lms backup`` and ``flask lms restore`` for SQLite (the online backup
API) and PostgreSQL (pg_dump and pg_restore), each checked to be a Conductor database at a migration
this version knows. The signing keys stay out of them (``flask lms keys export``)."""
