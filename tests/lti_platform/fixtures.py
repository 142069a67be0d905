"""pytest fixtures: one platform process per test session, its state reset for each test.

Use from a test module: `from tests.lti_platform.fixtures import lti_platform, lti_platform_server  # noqa: F401`.
"""
from __future__ import annotations

import os
import selectors
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from .client import PlatformClient

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30


class PlatformProcess:
    """`python -m tests.lti_platform` as a child process: its URL, its log, and a clean stop."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "w", encoding="utf-8")
        paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.process = subprocess.Popen([sys.executable, "-m", "tests.lti_platform"], cwd=ROOT, text=True,
                                        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log)
        try:
            self.url = self._read_url()
        except BaseException:
            self.stop()
            raise

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=START_TIMEOUT):
                raise RuntimeError(f"the LTI platform did not start in {START_TIMEOUT}s: {self.log()}")
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            raise RuntimeError(f"the LTI platform failed to start: {line!r} {self.log()}")
        return line

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> None:
        """Terminate, wait, close the pipes: nothing left for the garbage collector to warn about."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()


@pytest.fixture(scope="session")
def lti_platform_server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[PlatformProcess]:
    server = PlatformProcess(tmp_path_factory.mktemp("lti_platform") / "platform.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def lti_platform(lti_platform_server: PlatformProcess) -> t.Iterator[PlatformClient]:
    """A client of the platform, reset to a new platform's state; fails the test if the platform crashed."""
    before = len(lti_platform_server.log())
    with PlatformClient(lti_platform_server.url) as client:
        client.reset()
        yield client
    crash = lti_platform_server.log()[before:]
    assert "Traceback" not in crash, f"the LTI platform crashed during the test:\n{crash}"
