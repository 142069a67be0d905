"""Packaging hook: the built package carries the top-level ``migrations/`` folder as ``lms/migrations``.

Developers and Alembic keep the folder at the top of the repository; a host site that installs the
wheel runs ``flask db upgrade`` from it. Everything else is configured in ``pyproject.toml``.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class BuildWithMigrations(build_py):
    """Copy ``migrations/`` into ``lms/migrations`` of the build (an editable install reads it in place)."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        if not (MIGRATIONS / "env.py").is_file():
            raise SystemExit(f"{MIGRATIONS} is missing: the LMS cannot be built without its migrations")
        for source in sorted(MIGRATIONS.rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                target = Path(self.build_lib, "lms", "migrations", source.relative_to(MIGRATIONS))
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target), preserve_mode=False)


setup(cmdclass={"build_py": BuildWithMigrations})
