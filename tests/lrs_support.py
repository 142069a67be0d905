"""A real learning record store for the tests: Ralph (``ralph-malph``) with its file-system backend, served by
uvicorn on 127.0.0.1 (``tests/ralph_server.py``), in its own virtual environment (``make ralph``: its CLI pins a click older than Flask's).

``ralph_lrs`` starts it on a free port with a data directory under the test's tmp_path and credentials made by
Ralph's own ``ralph auth``; ``stop()`` and ``start()`` take it down and bring it back on the same port and data."""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "conductor", "ralph-test-secret"
SERVER = Path(__file__).resolve().parent / "ralph_server.py"  # uvicorn serving Ralph's API (see there)


def ralph_bin() -> Path:
    """``LMS_TEST_RALPH_VENV``, else the project's ``.venv-ralph`` (made by ``make ralph``)."""
    venv = Path(os.environ.get("LMS_TEST_RALPH_VENV") or ROOT / ".venv-ralph")
    if not (venv / "bin" / "ralph").is_file():
        pytest.fail(f"Ralph is not installed in {venv}: run `make ralph` (or set LMS_TEST_RALPH_VENV)", pytrace=False)
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_credentials(folder: Path) -> Path:
    """Ralph's credentials file, made by its own ``ralph auth`` (a bcrypt hash of PASSWORD for USER)."""
    folder.mkdir(parents=True, exist_ok=True)
    auth_file = folder / "auth.json"
    env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"), "RALPH_AUTH_FILE": str(auth_file),
           "RALPH_RUNSERVER_BACKEND": "fs"}  # its CLI loads the server settings, whose default backend is absent
    subprocess.run([str(ralph_bin() / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                    "-A", USER, "http://localhost", "-w"], env=env, check=True, capture_output=True)
    return auth_file


class Ralph:
    def __init__(self, folder: Path, auth_file: Path):
        self.bin, self.port = ralph_bin(), free_port()
        self.data = folder / "data"
        self.data.mkdir(parents=True)
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"), "RALPH_AUTH_FILE": str(auth_file),
                    "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data)}
        self.log = folder / "ralph.log"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(self.bin / "python"), str(SERVER), str(self.port)],
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped at start:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer within a minute:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement stored, read back through the xAPI (GET /xAPI/statements, following ``more``)."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        found, path = [], "/xAPI/statements?limit=500"
        while path:
            request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={
                "Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                page = json.load(answer)
            found += page["statements"]
            path = page.get("more") or ""
        return found


@pytest.fixture(scope="session")
def ralph_credentials(tmp_path_factory) -> Path:
    return make_credentials(tmp_path_factory.mktemp("ralph-auth"))


@pytest.fixture()
def ralph_lrs(tmp_path, ralph_credentials):
    server = Ralph(tmp_path / "ralph", ralph_credentials)
    server.start()
    yield server
    server.stop()
