"""Quizzes: the Markdown quiz format, its question types, and GIFT/Aiken interchange.

Importing the package registers its content step (reading and storing quizzes/ beside courses/)."""
from . import syncing as _syncing  # noqa: F401
