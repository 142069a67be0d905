"""The fuzzer: every route of the app's url_map, driven with hostile path values, query arguments and
form fields by each role that can reach it. No answer is a 5xx, and a refused request (a 4xx, or a
POST answered by its form again) leaves the database as it was.

Routes come from ``app.url_map``, so a new route is fuzzed without a change here; a valid value of
each path parameter comes from the access table's URL of the route (tests/test_access.py), and the
roles from its expected answers. Examples per run: ``LMS_FUZZ_EXAMPLES`` (the default keeps the
suite's runtime within about a minute per database).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms.extensions import db

from .test_access import COURSE, LOGIN, QUIZ, ROLES, ROUTES, audit_app, client_for, ids, owner_certificates, send

__all__ = ["audit_app"]  # the access table's fixture, shared

settings.register_profile("fuzz", max_examples=int(os.environ.get("LMS_FUZZ_EXAMPLES", "600")), deadline=None,
                          database=None, derandomize=bool(os.environ.get("CI")),
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                 HealthCheck.data_too_large])
REFUSED_BY = (403, 404)  # an answer that says the role cannot reach the route
# Tables that change by design on any request of a logged-in client (its session's last use).
VOLATILE = {"login_sessions"}
KEY_TABLES = ("users", "enrolments", "certificates", "content_files", "content_revisions", "quiz_attempts",
              "attempt_answers", "course_authors", "audit_log")
QUERY_ARGS = ("page", "q", "against", "role", "status", "next", "attempts", "action", "per_page", "sort")
HOSTILE = [
    "0", "-1", "-9223372036854775809", "9223372036854775808", "1" * 400, "1e308", "NaN", "0x10", " 1", "１２",
    "..", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "a\x00b", "%ff%fe", "%", "%zz", "%2e%2e/",
    "\u202e\u0000\ud7ff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000, "", " ", "\r\n",
    "true", "[]", "{}", "null", "intro-course", "basics", "models", "admin", "learner", "author",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).filter(lambda n: not 0 < n < 1000).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=3000),
)


def form_fields() -> list[str]:
    """Every field name of every form the app defines, plus the fields views read by hand."""
    import lms  # noqa: F401  (the forms are imported with the app)

    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return sorted(names | {"action", "email", "q1", "answer", "responses"})


def rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()), key=lambda rule: rule.rule)


def table_route(endpoint: str, rule) -> tuple[str | None, tuple[str, ...]]:
    """The access table's URL for this route and the roles it lets past (all roles if none)."""
    for row_endpoint, method, url, answers in ROUTES:
        if row_endpoint == endpoint:
            roles = tuple(role for role in ROLES if answers[role] not in (LOGIN, *REFUSED_BY))
            return url, roles or ROLES
    return None, ROLES


def fingerprint(app) -> tuple:
    """Row counts of every table and a hash of the key tables' rows: cheap, and any write shows."""
    with app.app_context():
        counts = tuple((table.name, db.session.execute(select(func.count()).select_from(table)).scalar_one())
                       for table in db.metadata.sorted_tables if table.name not in VOLATILE)
        digest = hashlib.sha256()
        for name in KEY_TABLES:
            table = db.metadata.tables[name]
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return counts, digest.hexdigest()


def path_value(converter, hostile: str) -> str:
    if "%" in hostile and re.fullmatch(r"[\w%./-]*", hostile, re.ASCII):
        return hostile  # already percent-encoded, sent as is (a "?" or "#" would end the path)
    return quote(hostile, safe="/" if type(converter).__name__ == "PathConverter" else "")


@pytest.fixture()
def fuzz_app(audit_app):
    clients = {role: client_for(audit_app, role) for role in ROLES}
    assert send(clients["owner"], "POST", COURSE + "enrol").status_code == 302
    attempt = send(clients["owner"], "POST", QUIZ + "/start").headers["Location"].rsplit("/", 1)[1]
    names = {"attempt": attempt, **owner_certificates(audit_app), **ids(audit_app)}
    adapter = audit_app.url_map.bind("localhost")
    routes = []
    for rule in rules(audit_app):
        url, roles = table_route(rule.endpoint, rule)
        valid = {}
        if url:
            method = next(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))
            endpoint, valid = adapter.match(url.format(**names).split("?")[0], method=method)  # the path alone
            valid = valid if endpoint == rule.endpoint else {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule, method, {k: str(v) for k, v in valid.items()}, roles))
    return audit_app, clients, routes


def build_path(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def test_the_fuzzer_reaches_every_route(fuzz_app):
    app, _, routes = fuzz_app
    assert {rule.endpoint for rule, *_ in routes} == {rule.endpoint for rule in app.url_map.iter_rules()}
    assert len(form_fields()) > 20  # the forms were found


def test_no_hostile_request_is_a_server_error_or_a_refused_write(fuzz_app):
    app, clients, routes = fuzz_app
    fields = form_fields()
    seen: dict[int, int] = {}

    @settings(settings.get_profile("fuzz"))
    @given(data=st.data())
    def fuzz(data):
        rule, method, valid, roles = data.draw(st.sampled_from(routes), label="route")
        role = data.draw(st.sampled_from(roles), label="role")
        values = {}
        for name, converter in rule._converters.items():
            if name in valid and data.draw(st.booleans(), label=f"valid {name}"):
                values[name] = quote(valid[name], safe="/")
            else:
                values[name] = path_value(converter, data.draw(hostile_text, label=name))
        path = build_path(rule, values)
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_ARGS), hostile_text, max_size=3), label="query")
        form: list[tuple[str, object]] = []
        if method == "POST":
            token = data.draw(st.sampled_from(["valid"] * 6 + ["missing", "garbage", "repeated"]), label="csrf")
            if token != "missing":
                form.append(("csrf_token", clients[role].token if token != "garbage" else "x" * 90))
            if token == "repeated":
                form.append(("csrf_token", "forged"))
            names = data.draw(st.lists(st.sampled_from(fields) | st.text(min_size=1, max_size=20), max_size=6),
                              label="fields")
            for name in names:
                if name in ("image", "file") and data.draw(st.booleans(), label="as file"):
                    body = data.draw(st.binary(max_size=2000), label="file body")
                    form.append((name, (io.BytesIO(body), data.draw(hostile_text, label="file name"))))
                else:
                    form.append((name, data.draw(hostile_text, label=f"field {name}")))
        client = client_for(app, role) if rule.endpoint == "accounts.logout" else clients[role]
        before = fingerprint(app)
        response = client.client.open(path, method=method, query_string=query,
                                      data=MultiDict(form) if method == "POST" else None)
        status = response.status_code
        response.close()
        seen[status] = seen.get(status, 0) + 1
        assert status < 500, f"{method} {path} {query} {form!r:.400} as {role}: {status}"
        if 400 <= status < 500 or (method == "POST" and status == 200):
            assert fingerprint(app) == before, f"{method} {path} as {role} was refused ({status}) but wrote"

    fuzz()
    assert len(seen) > 2, seen  # not every request was refused in the same way
