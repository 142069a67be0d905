"""Quizzes: the Markdown quiz format, its question types, and GIFT/Aiken interchange."""
