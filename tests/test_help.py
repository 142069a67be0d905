"""The learners' help page: open to everyone, linked from every page, and true to the quiz rules."""
from __future__ import annotations


def test_every_page_links_the_help_page(client, learner):
    for path in ("/", "/account/password", "/dashboard"):
        assert 'href="/help"' in client.get(path).get_data(as_text=True), path


def test_the_help_page_explains_progress_quizzes_and_certificates(client):
    page = client.get("/help").get_data(as_text=True)
    for heading in ("Progress", "Quizzes", "Certificates", "Checking a certificate"):
        assert f">{heading}</h2>" in page
    assert "Answers that reach the server after the time is up score nothing" in page
    assert 'href="/certificates"' in page and 'href="/dashboard"' in page
