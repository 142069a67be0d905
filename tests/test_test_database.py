"""The suite drops the public schema of its PostgreSQL database, so it refuses one not named for tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import is_test_database

HOST = "postgresql+psycopg://postgres:secret@127.0.0.1:5432/"


@pytest.mark.parametrize("name", ["test", "test_h2", "test_ci_2", "conductor_test", "lms_ci_test"])
def test_a_database_named_for_tests_is_used(name):
    assert is_test_database(HOST + name)
    assert is_test_database(HOST + name + "?sslmode=disable")


@pytest.mark.parametrize("name", ["conductor", "production", "testing", "latest", "contest", "mytest", "test-h2",
                                  "test_", "_test", "TEST", ""])
def test_any_other_database_is_refused(name):
    assert not is_test_database(HOST + name)


def test_the_suite_stops_before_touching_a_database_not_named_for_tests(tmp_path):
    """The refusal comes before any connection: the address need not even exist."""
    env = {**os.environ, "LMS_TEST_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/conductor"}
    test = Path(__file__).with_name("test_platform.py")
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                             f"{test}::test_models_and_migrations_do_not_drift"],
                            env=env, cwd=Path(__file__).parents[1], capture_output=True, text=True, timeout=120)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "LMS_TEST_DATABASE_URL names the database 'conductor'" in result.stdout + result.stderr
