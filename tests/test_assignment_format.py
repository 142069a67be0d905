"""Assignment files through ``flask lms sync``: a valid one is stored with its rubric; each kind of mistake is
reported as ``path:line: message`` and nothing of the tree is stored."""
from __future__ import annotations

import pytest

from lms.assignments.models import Assignment
from lms.extensions import db

from .assignment_support import DEFAULT, write_assignment
from .content_factory import write

PATH = "assignments/intro-course/01-basics.md"


def sync(app):
    return app.test_cli_runner().invoke(args=["lms", "sync"])


def stored(app) -> list[Assignment]:
    with app.app_context():
        rows = list(db.session.execute(db.select(Assignment)).scalars())
        db.session.expunge_all()
        return rows


def test_a_valid_file_is_stored_with_its_rubric_and_maximum(app, content_dir):
    write_assignment(content_dir)
    result = sync(app)
    assert result.exit_code == 0, result.output
    [row] = stored(app)
    assert (row.slug, row.title, row.review_mode, row.peer_reviews) == ("basics", "Data readiness review", "peer+instructor", 2)
    assert row.submit_text and row.submit_files and row.file_types == ["pdf", "docx"] and row.max_files == 2
    assert row.max_file_bytes == 104857 and row.max_points == 14
    assert [c["key"] for c in row.rubric] == ["evidence", "recommendation"]
    evidence = row.rubric[0]
    assert evidence["skill"] == "ai-literacy" and "What the reviewer looks for" in evidence["description_html"]
    assert [(level["name"], level["points"]) for level in evidence["levels"]] == [("Not yet", 0), ("Partly", 5),
                                                                                ("Proficient", 10)]
    assert "<strong>one</strong>" in row.brief_html and "Rubric" not in row.brief_html


def line_of(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


MISTAKES = {
    "no rubric": (DEFAULT[: DEFAULT.index("## Rubric")], None, "no rubric"),
    "bad level line": (DEFAULT.replace("- **Partly** (5): Some", "- Partly (5): Some"), "- Partly (5): Some rows have evidence.",
                       "a level reads"),
    "levels not ascending": (DEFAULT.replace("**Partly** (5)", "**Partly** (12)"),
                             "- **Proficient** (10): Every row has evidence a reviewer could check.",
                             "levels go from the fewest points to the most"),
    "unknown skill": (DEFAULT.replace("{#evidence skill=ai-literacy}", "{#evidence skill=cooking}"),
                      "### Evidence for each criterion {#evidence skill=cooking}", "unknown skill 'cooking'"),
    "duplicate key": (DEFAULT.replace("{#recommendation}", "{#evidence}"), "### Clear recommendation {#evidence}",
                      "duplicate criterion key 'evidence'"),
    "files without file_types": (DEFAULT.replace("file_types: [pdf, docx]\n", ""), "submit: [text, files]",
                                 "list the file types"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_is_reported_by_line_and_nothing_is_stored(app, content_dir, mistake):
    text, line, message = MISTAKES[mistake]
    write_assignment(content_dir, text=text)
    result = sync(app)
    assert result.exit_code != 0
    number = line_of(text, line) if line else len(text.split("\n"))  # the end of the file
    assert f"{PATH}:{number}: " in result.output and message in result.output, result.output
    assert stored(app) == []


def test_a_fixed_file_after_a_mistake_is_stored(app, content_dir):
    write_assignment(content_dir, text=DEFAULT.replace("(5)", "(12)"))
    assert sync(app).exit_code != 0
    write_assignment(content_dir)
    assert sync(app).exit_code == 0
    assert [row.slug for row in stored(app)] == ["basics"]


def test_an_unknown_module_folder_is_reported(app, content_dir):
    write_assignment(content_dir, module_folder="03-missing")
    result = sync(app)
    assert result.exit_code != 0
    assert "assignments/intro-course/03-missing.md:0: no module folder '03-missing'" in result.output, result.output
    assert stored(app) == []


def test_a_capstone_naming_a_module_without_assignment_is_reported(app, content_dir):
    programme = "courses/_programmes/pathway.md"
    text = "---\ntitle: Test Pathway\nsummary: Every test course in order.\ncourses:\n  - intro-course\n" \
           "capstone: intro-course/practice\n---\n\nThe pathway.\n"
    write(content_dir, programme, text)
    write_assignment(content_dir)
    result = sync(app)
    assert result.exit_code != 0
    assert f"{programme}:6: " in result.output and "no assignment for that module" in result.output, result.output
    assert stored(app) == []
    write(content_dir, programme, text.replace("intro-course/practice", "intro-course/basics"))
    assert sync(app).exit_code == 0, sync(app).output
