"""The home page lists courses the way a beginner should take them: a programme's courses in the
programme's order, then the others by level (beginner first), then by title."""
from __future__ import annotations

import re

import pytest

from tests.content_factory import make_tree, write


def set_level(root, slug, title, level):
    path = root / f"courses/{slug}/course.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^level: \w+$", f"level: {level}", text, flags=re.M)
    text = re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def content_dir(tmp_path):
    # Folder order (the old sort) is a, b, c, d, e, f: every rule below has to move something.
    root = make_tree(tmp_path / "content", courses=("a-course", "b-course", "c-course", "d-course",
                                                    "e-course", "f-course"), programme=False)
    set_level(root, "a-course", "Zeta Advanced", "advanced")
    set_level(root, "b-course", "Alpha Intermediate", "intermediate")
    set_level(root, "c-course", "Beta Beginner", "beginner")
    set_level(root, "d-course", "Alpha Beginner", "beginner")
    set_level(root, "e-course", "Second Step", "advanced")
    set_level(root, "f-course", "First Step", "intermediate")
    write(root, "courses/_programmes/pathway.md",
          "---\ntitle: Test Pathway\nsummary: In order.\ncourses:\n  - f-course\n  - e-course\n---\n\nThe pathway.\n")
    return root


def course_titles(html: str) -> list[str]:
    courses = html.split('id="courses-heading"', 1)[1]
    return re.findall(r'<h3[^>]*>\s*<a href="[^"]*/courses/[^"]+">([^<]+)</a>', courses)


def test_the_home_page_lists_programme_courses_first_then_by_level_then_title(synced):
    html = synced.test_client().get("/").get_data(as_text=True)
    assert course_titles(html) == ["First Step", "Second Step", "Alpha Beginner", "Beta Beginner",
                                   "Alpha Intermediate", "Zeta Advanced"]
