"""Grades back to the platforms (AGS): connected when the extension starts."""
