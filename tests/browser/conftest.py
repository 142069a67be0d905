"""A live server on the test database and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def whole_bodies(app):
    """The app with each response read to its end and closed before the server writes it. Chromium drops requests
    it no longer needs (a favicon when the page navigates on); Werkzeug's development server then leaves a static
    file's handle to the garbage collector, whose ResourceWarning the suite turns into an error at a random
    moment. A file held open by a dropped connection is the development server's matter, not the app's: gunicorn
    serves production."""
    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    return wsgi


@contextmanager
def serving(app):
    """``app`` served on 127.0.0.1 at a free port, in a thread: its base URL."""
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture()
def live_server(synced):
    with serving(synced) as base:
        yield base


@pytest.fixture()
def browser():
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture()
def shot(request):
    """Save a full-page screenshot per step under build/screenshots/<test>/."""
    folder = SHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
