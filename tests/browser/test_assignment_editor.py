"""The editor's assignment pages (the outline with an assignment, its preview with the rubric) pass axe."""
from __future__ import annotations

import pytest

from ..content_factory import write
from .test_accessibility import context, log_in, violations  # noqa: F401 (context is a fixture)

pytestmark = pytest.mark.browser

ASSIGNMENT = "assignments/intro-course/01-basics.md"
TEXT = """---
title: Explain a model to a colleague
submit: [text, files]
file_types: [pdf, md]
review: peer+instructor
lowest_level_fails: true
---
Write one page for a colleague, using [the models lesson](../../courses/intro-course/01-basics/02-models.md).

## Rubric {#rubric}

### Plain words {#plain skill=ai-literacy}
Jargon is explained.

- **Not yet** (1): Terms are used and not explained.
- **Clear** (4): Every term a colleague would not know is explained once.
"""


@pytest.fixture()
def with_assignment(content_dir):
    write(content_dir, ASSIGNMENT, TEXT)


def test_the_assignment_editor_and_the_outline_have_no_serious_violations(with_assignment, live_server, context,
                                                                         make_user):
    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    page = context.new_page()
    log_in(page, live_server, "admin@example.com")
    found = {}
    for path in ("/author/courses/intro-course/", f"/author/courses/intro-course/files/{ASSIGNMENT}"):
        assert page.goto(live_server + path).status == 200, path
        found[path] = violations(page)
    assert page.get_by_role("heading", name="Plain words").is_visible()  # the rubric is previewed
    assert found == {path: [] for path in found}
    page.goto(live_server + "/author/courses/intro-course/")
    page.get_by_role("button", name="Add an assignment to module 2").click()
    page.wait_for_url("**/files/assignments/intro-course/02-practice.md")
    assert page.get_by_text("No problems: this text validates.").is_visible()
    assert violations(page) == []
