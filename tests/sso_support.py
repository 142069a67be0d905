"""An independent OpenID Connect provider (panva's oidc-provider, tests/oidc_provider/provider.mjs) run on loopback
for the single sign-on tests, and a browser-less walk through its log-in page."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from lms.extensions import db
from lms.schools.services import acting_for
from lms.sso import services as sso

PROVIDER_SCRIPT = Path(__file__).resolve().parent / "oidc_provider" / "provider.mjs"
NODE_MODULES = Path(__file__).resolve().parents[1] / "node_modules"
CLIENT_ID, CLIENT_SECRET = "conductor", "conductor-test-secret"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "another-application", "another-secret"
A_CALLBACK = "http://localhost/account/sso/callback"
B_HOST = "b.example.org"
B_CALLBACK = f"http://{B_HOST}/account/sso/callback"
OTHER_CALLBACK = "http://127.0.0.1/another-application/callback"
ACCOUNTS = [
    {"sub": "sub-ada", "email": "ada@example.org", "email_verified": True, "name": "Ada Lovelace"},
    {"sub": "sub-grace", "email": "grace@example.org", "email_verified": True, "name": "Grace Hopper"},
    {"sub": "sub-mallory", "email": "mallory@example.org", "email_verified": False, "name": "Mallory Unverified"},
]


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen
    redirect_uris: list[str] = field(default_factory=list)

    def change_account(self, **account) -> None:
        """The provider's administrator changes an account (its e-mail address, say)."""
        response = requests.post(self.issuer + "/_test/accounts", data=json.dumps(account), timeout=10)
        response.close()
        assert response.status_code == 204


@pytest.fixture()
def oidc_provider():
    """Start the provider (``node`` on PATH) with Conductor's client registered for ``redirect_uris``."""
    started: list[subprocess.Popen] = []

    def start(redirect_uris=(A_CALLBACK, B_CALLBACK), accounts=ACCOUNTS) -> RunningProvider:
        node = shutil.which("node")
        assert node, "node is not on PATH"
        settings = {"clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": list(redirect_uris)},
                                {"client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET,
                                 "redirect_uris": [OTHER_CALLBACK]}],
                    "accounts": accounts}
        process = subprocess.Popen([node, str(PROVIDER_SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=str(PROVIDER_SCRIPT.parent),
                                   env={"PATH": str(Path(node).parent), "NODE_PATH": str(NODE_MODULES)})
        started.append(process)
        process.stdin.write(json.dumps(settings))
        process.stdin.close()
        line = process.stdout.readline()
        assert line, "the OpenID provider did not start: " + process.stderr.read()
        return RunningProvider(json.loads(line)["issuer"], process, list(redirect_uris))

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            pipe.close()


def register_provider(app, provider: RunningProvider, school=None, **options):
    """The provider as a school's admin registers it (the discovery document is read); returns its id."""
    values = {"label": "Sign in with Université A", "issuer": provider.issuer, "client_id": CLIENT_ID,
              "client_secret": CLIENT_SECRET, "scopes": "openid email profile", "creates_accounts": False,
              "links_by_email": False, **options}
    with app.test_request_context("/"):
        from lms.schools.services import current_school

        with acting_for(school or current_school()) as acting:
            row = sso.save_provider(acting, None, **values)
            db.session.commit()
            return row.id


def log_in_at_provider(authorization_url: str, login: str, browser: requests.Session | None = None,
                       asked: list | None = None) -> str:
    """Follow the provider's pages as a browser would, log in as ``login``; returns the URL it sends back to.
    ``browser``: a browser that keeps its session at the provider between calls (by default, a fresh one each
    time); ``asked`` gets the login each time the provider shows its log-in page."""
    provider = urlsplit(authorization_url).netloc
    url = authorization_url
    with nullcontext(browser) if browser is not None else requests.Session() as browser:
        for _step in range(12):
            response = browser.get(url, allow_redirects=False, timeout=10)
            with response:
                if response.status_code in (302, 303):
                    url = urljoin(url, response.headers["Location"])
                elif response.status_code == 200 and 'name="login"' in response.text:
                    if asked is not None:
                        asked.append(login)
                    action = re.search(r'action="([^"]+)"', response.text).group(1)
                    posted = browser.post(urljoin(url, action), data={"login": login}, allow_redirects=False, timeout=10)
                    with posted:
                        assert posted.status_code in (302, 303), posted.text
                        url = urljoin(url, posted.headers["Location"])
                else:
                    raise AssertionError(f"the provider answered {response.status_code}: {response.text[:500]}")
            if urlsplit(url).netloc != provider:
                return url
    raise AssertionError("the provider never sent the browser back")


def local(url: str) -> str:
    """The path and query of a URL of the site, for the test client."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def sign_in(client, provider_id: int, login: str, base_url: str = "http://localhost", next_path: str | None = None):
    """Click the provider's button on the site, log in at the provider, come back: the site's last answer."""
    start = f"/account/sso/{provider_id}" + (f"?next={next_path}" if next_path else "")
    response = client.get(start, base_url=base_url)
    assert response.status_code == 302, response.get_data(as_text=True)
    back = log_in_at_provider(response.headers["Location"], login)
    return client.get(local(back), base_url=base_url), back
