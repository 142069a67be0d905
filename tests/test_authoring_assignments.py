"""Assignments in the browser editor: the outline shows a module's assignment beside its quiz, an author
adds one from a valid starter, previews its brief and rubric, publishes it, and a module move takes it along."""
from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from lms.assignments.models import Assignment
from lms.authoring import store
from lms.extensions import db

from .authoring_support import WORKSPACE, editor_url, head_text, log_in, make_account, submit

BASICS = "assignments/intro-course/01-basics.md"
PRACTICE = "assignments/intro-course/02-practice.md"
BRIEF = """---
title: Explain a model to a colleague
submit: [text, files]
file_types: [pdf, md]
review: peer
peer_reviews: 3
pass_mark: 50
---
Write one page for a colleague, using [the models lesson](../../courses/intro-course/01-basics/02-models.md).

## Rubric {#rubric}

### Plain words {#plain skill=ai-literacy}
Jargon is explained.

- **Not yet** (1): Terms are used and not explained.
- **Clear** (4): Every term a colleague would not know is explained once.
"""


@pytest.fixture()
def author(synced, make_user, auth):
    user_id = make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    return user_id


def add_assignment(auth, folder: str):
    return auth.post(WORKSPACE + "assignments", {"folder": folder}, token_from=WORKSPACE)


def test_an_author_adds_previews_and_publishes_a_module_assignment(synced, author, auth):
    workspace = auth.client.get(WORKSPACE).get_data(as_text=True)
    assert workspace.count("Add an assignment</button>") == 2  # one per module, beside its quiz
    assert 'aria-label="Add an assignment to module 1"' in workspace

    created = add_assignment(auth, "01-basics")
    assert created.status_code == 302 and created.headers["Location"].endswith(editor_url(BASICS))
    starter = auth.client.get(editor_url(BASICS)).get_data(as_text=True)
    assert "No problems: this text validates." in starter  # the starter is a valid assignment
    assert "Practice: basics" in starter and "Replace this criterion with your own" in starter
    workspace = auth.client.get(WORKSPACE).get_data(as_text=True)
    assert f'href="{editor_url(BASICS)}"' in workspace and "new (draft)" in workspace
    assert workspace.count("Add an assignment</button>") == 1

    broken = submit(auth, BASICS, BRIEF.replace("(4): Every", "(1): Every"), "preview").get_data(as_text=True)
    assert "<strong>Line 17</strong></a>: levels go from the fewest points to the most" in broken
    preview = submit(auth, BASICS, BRIEF, "preview").get_data(as_text=True)
    assert "No problems: this text validates." in preview
    links = [urljoin("https://school.example/", href) for href in re.findall(r'href="([^"]+)" rel=', preview)]
    assert "https://school.example/courses/intro-course/models" in links  # the brief's links reach the real pages
    assert "by peers (3 peer reviews)" in preview and "<h4>Plain words</h4>" in preview
    assert "<strong>Clear</strong> (4): <p>Every term a colleague would not know is explained once.</p>" in preview
    assert "pdf, md" in preview and "skill ai-literacy" in preview

    assert submit(auth, BASICS, BRIEF, "publish").status_code == 302
    with synced.app_context():
        row = db.session.execute(db.select(Assignment).filter_by(slug="basics")).scalar_one()
        assert (row.title, row.review_mode, row.peer_reviews, row.pass_mark) == (
            "Explain a model to a colleague", "peer", 3, 50)
        assert [c["key"] for c in row.rubric] == ["plain"] and row.max_points == 4

    again = add_assignment(auth, "01-basics")
    assert again.status_code == 302 and again.headers["Location"].endswith(WORKSPACE)
    assert f"{BASICS} exists already." in auth.client.get(WORKSPACE).get_data(as_text=True)
    assert head_text(synced, BASICS) == BRIEF


def test_an_assignment_needs_a_real_module_folder(synced, author, auth):
    assert auth.post(WORKSPACE + "assignments", {}, token_from=WORKSPACE).status_code == 400
    refused = add_assignment(auth, "09-nowhere")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(WORKSPACE)
    assert "No such module folder." in auth.client.get(WORKSPACE).get_data(as_text=True)
    with synced.app_context():
        assert store.file_at("assignments/intro-course/09-nowhere.md") is None


def test_moving_a_module_moves_its_assignment_and_keeps_its_identity(synced, author, auth):
    assert add_assignment(auth, "02-practice").status_code == 302
    assert submit(auth, PRACTICE, BRIEF, "publish").status_code == 302
    with synced.app_context():
        assignment_id = db.session.execute(db.select(Assignment.id).filter_by(slug="practice")).scalar_one()
    moved = auth.post(WORKSPACE + "move", {"path": "courses/intro-course/02-practice/module.md", "direction": "up"},
                      token_from=WORKSPACE)
    assert moved.status_code == 302
    with synced.app_context():
        assert store.live_data("assignments/intro-course/01-practice.md") is not None
        assert store.live_data(PRACTICE) is None
        row = db.session.execute(db.select(Assignment).filter_by(slug="practice")).scalar_one()
        assert (row.id, row.retired, row.source_path) == (assignment_id, False, "assignments/intro-course/01-practice.md")
        text = store.live_data("assignments/intro-course/01-practice.md").decode()
        assert "](../../courses/intro-course/02-basics/02-models.md)" in text  # its link followed the moved lesson
    workspace = auth.client.get(WORKSPACE).get_data(as_text=True)
    assert f'href="{editor_url("assignments/intro-course/01-practice.md")}"' in workspace


def test_the_authoring_guide_example_and_messages_are_what_the_parser_says(app):
    from pathlib import Path

    from lms.assignments.parsing import parse_assignment

    root = Path(__file__).resolve().parent.parent
    guide = (root / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = guide.split("\n## Assignments\n", 1)[1].split("\n## Engine rules\n", 1)[0]
    example = section.split("A complete small assignment:\n\n```markdown\n", 1)[1].split("\n```", 1)[0] + "\n"
    with app.app_context():
        spec, errors = parse_assignment(example, "assignments/x/01-m.md", {"ai-literacy"})
        assert errors == [] and spec.review == "peer" and spec.max_points == 10 and spec.lowest_level_fails
        path = "assignments/data-quality/04-data-readiness.md"
        practice = (root / path).read_text(encoding="utf-8")
        skills = {"data-literacy", "risk-management", "team-leadership"}
        same_points = practice.replace("- **Developing** (6): Every row is answered", "- **Developing** (2): Every row is answered")
        no_types = practice.replace("file_types: [csv, xlsx, ods, md, pdf]\n", "")
        for text in (same_points, no_types):
            [error] = parse_assignment(text, path, skills)[1]
            assert f"\n{error}\n" in section, str(error)
