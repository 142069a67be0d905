"""The content tree is validated as a whole: every error named by file and line, nothing stored."""
from __future__ import annotations

import pytest

from lms.content.markdown import render_markdown, sanitise
from lms.content.tree import read_tree

from .content_factory import write
from .html_safety import unsafe_parts


def errors_of(root) -> list[str]:
    return [str(error) for error in read_tree(root).errors]


def test_valid_tree_has_no_errors(content_dir):
    tree = read_tree(content_dir)
    assert tree.errors == []
    course = tree.courses[0]
    assert [lesson.slug for lesson in course.lessons] == ["what-is-ai", "models", "sprints", "review"]
    assert [lesson.position for lesson in course.lessons] == [0, 1, 2, 3]
    assert tree.programmes[0].courses == ["intro-course"]


def test_unknown_front_matter_key_names_file_line_and_suggestion(content_dir):
    write(content_dir, "courses/intro-course/01-basics/02-models.md",
          "---\ntitle: Models\nminutes: 5\nobjectivs: [x]\n---\n\nBody.\n")
    assert errors_of(content_dir) == [
        "courses/intro-course/01-basics/02-models.md:4: unknown key 'objectivs' (did you mean 'objectives'?)"]


def test_missing_and_mistyped_keys(content_dir):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", "---\nminutes: ten\n---\n\nBody.\n")
    errors = errors_of(content_dir)
    assert "courses/intro-course/01-basics/02-models.md:1: missing required key 'title'" in errors
    assert "courses/intro-course/01-basics/02-models.md:2: 'minutes' must be a whole number from 0 to 600, not 'ten'" in errors


def test_invalid_yaml_reports_its_line(content_dir):
    write(content_dir, "courses/intro-course/course.md", "---\ntitle: A\nsummary: [unclosed\nlevel: beginner\n---\n")
    errors = errors_of(content_dir)
    assert any(e.startswith("courses/intro-course/course.md:") and "invalid YAML" in e for e in errors)


def test_course_rules(content_dir):
    write(content_dir, "courses/intro-course/course.md",
          "---\ntitle: T\nsummary: " + "x" * 201 + "\nlevel: expert\nhours: 2\nskills: [ai-literacie]\n---\n")
    errors = errors_of(content_dir)
    assert "courses/intro-course/course.md:3: 'summary' is 201 characters long; at most 200 are allowed" in errors
    assert "courses/intro-course/course.md:4: 'level' must be one of: beginner, intermediate, advanced (got 'expert')" in errors
    assert "courses/intro-course/course.md:1: unknown skill 'ai-literacie' (did you mean 'ai-literacy'?)" in errors


def test_broken_lesson_link_names_the_line(content_dir):
    write(content_dir, "courses/intro-course/01-basics/02-models.md",
          "---\ntitle: Models\nminutes: 5\n---\n\nIntro.\n\nSee [this](../09-nowhere/01-x.md).\n")
    assert errors_of(content_dir) == [
        "courses/intro-course/01-basics/02-models.md:8: link to '../09-nowhere/01-x.md': "
        "no lesson, module, course or assignment at courses/intro-course/09-nowhere/01-x.md"]


def test_a_markdown_template_in_assets_is_a_download_not_a_lesson(content_dir):
    write(content_dir, "courses/intro-course/assets/model-card.md", "# Model card\n")
    write(content_dir, "courses/intro-course/01-basics/02-models.md",
          "---\ntitle: Models\nminutes: 5\n---\n\nDownload the [model card](../assets/model-card.md).\n\n"
          "And the [missing one](../assets/risk-register.md).\n")
    tree = read_tree(content_dir)
    assert [str(e) for e in tree.errors] == [
        "courses/intro-course/01-basics/02-models.md:8: link to '../assets/risk-register.md': "
        "no such file courses/intro-course/assets/risk-register.md"]


def test_missing_asset_and_unknown_callout(content_dir):
    write(content_dir, "courses/intro-course/01-basics/02-models.md",
          "---\ntitle: Models\nminutes: 5\n---\n\n![chart](../assets/chart.png)\n\n::: danger\nx\n:::\n")
    errors = errors_of(content_dir)
    assert any(e.startswith("courses/intro-course/01-basics/02-models.md:6: link to '../assets/chart.png'") for e in errors)
    assert any(e.startswith("courses/intro-course/01-basics/02-models.md:8: unknown callout 'danger'") for e in errors)


def test_layout_errors_are_all_reported(content_dir):
    write(content_dir, "courses/intro-course/notes.txt", "stray")
    write(content_dir, "courses/_drafts/x.md", "x")
    write(content_dir, "courses/Bad_Name/course.md", "x")
    write(content_dir, "courses/intro-course/03-empty/readme.md", "x")
    errors = errors_of(content_dir)
    assert "courses/intro-course/notes.txt:0: unexpected file: a course holds course.md, assets/ and module folders" in errors
    assert any(e.startswith("courses/_drafts:0: names starting with '_' are reserved") for e in errors)
    assert any(e.startswith("courses/Bad_Name:0: names are lowercase") for e in errors)
    assert "courses/intro-course/03-empty:0: a module folder needs a module.md" in errors


def test_duplicate_lesson_slugs_in_a_course(content_dir):
    write(content_dir, "courses/intro-course/02-practice/03-models.md", "---\ntitle: Again\nminutes: 1\n---\nx\n")
    errors = errors_of(content_dir)
    assert ("courses/intro-course/02-practice/03-models.md:1: lesson slug 'models' is already used by "
            "courses/intro-course/01-basics/02-models.md in this course") in errors


def test_programme_must_name_existing_courses(content_dir):
    write(content_dir, "courses/_programmes/pathway.md",
          "---\ntitle: P\nsummary: S\ncourses:\n  - intro-course\n  - intro-corse\n---\n")
    assert errors_of(content_dir) == [
        "courses/_programmes/pathway.md:4: unknown course 'intro-corse' (did you mean 'intro-course'?)"]


HOSTILE = """\
---
title: Hostile
minutes: 1
---

<script>alert('x')</script>
<img src=x onerror="alert(1)">
[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
<a href="#" onclick="steal()">raw link</a>
![img](javascript:alert(2))
<iframe src="https://evil.example"></iframe>
"""


def test_hostile_markdown_is_neutralised(content_dir):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", HOSTILE)
    tree = read_tree(content_dir)
    assert tree.errors == []
    html = tree.courses[0].lessons[1].body_html
    assert unsafe_parts(html) == []
    assert "&lt;script&gt;" in html  # raw HTML is shown as text, not executed


def test_relative_links_become_lesson_urls(content_dir):
    tree = read_tree(content_dir)
    lessons = {lesson.slug: lesson for lesson in tree.courses[0].lessons}
    assert '<a href="models"' in lessons["what-is-ai"].body_html
    assert '<a href="models#section-one"' in lessons["sprints"].body_html
    assert 'href="what-is-ai"' in tree.courses[0].overview_html


@pytest.mark.parametrize("feature, needle", [
    ("| a | b |\n|:--|--:|\n| 1 | 2 |\n", '<td class="align-right">2</td>'),
    ("Text[^1]\n\n[^1]: Note.\n", 'class="footnotes"'),
    ("Term\n: Meaning\n", "<dl>"),
    ("- [x] done\n- [ ] todo\n", 'type="checkbox"'),
    ("::: checklist\n- [ ] one\n:::\n", 'class="callout callout-checklist"'),
    ("::: answer\nB\n:::\n", "<summary>Show the answer</summary>"),
    ("```sql\nSELECT 1;\n```\n", '<span class="k">SELECT</span>'),
    ("## A heading\n", '<h2 id="a-heading">'),
])
def test_markdown_features(content_dir, feature, needle):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", f"---\ntitle: M\nminutes: 1\n---\n\n{feature}")
    tree = read_tree(content_dir)
    assert tree.errors == []
    assert needle in tree.courses[0].lessons[1].body_html


def test_a_table_sits_in_a_focusable_region_named_by_its_header_row():
    html, problems = render_markdown("| **Risk** | `p99` <i> |\n|---|---|\n| drift | 1 |\n")
    assert problems == []
    assert html.startswith('<div class="table-block" role="region" tabindex="0" aria-label="Table: Risk, p99 &lt;i&gt;">'
                           "\n<table>")
    assert html.rstrip().endswith("</table>\n</div>")


def test_answer_callout_is_a_disclosure_that_survives_sanitising():
    html, problems = render_markdown("::: answer\nThe key is **B**.\n\n<script>alert(1)</script>\n:::\n")
    assert problems == []
    assert html.startswith('<details class="callout callout-answer"><summary>Show the answer</summary>')
    assert "<strong>B</strong>" in html and html.rstrip().endswith("</details>")
    assert "<script" not in html


def test_sanitiser_keeps_details_and_summary_but_strips_script_and_handlers():
    dirty = ('<details class="callout callout-answer" open ontoggle="alert(1)"><summary onclick="alert(2)">'
             "Show the answer</summary><script>alert(3)</script><p>B</p></details>")
    clean = sanitise(dirty)
    assert clean == ('<details class="callout callout-answer"><summary>Show the answer</summary>'
                     "<p>B</p></details>")


def test_check_command_lists_errors_and_exits_non_zero(content_dir, runner):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", "---\ntitle: M\nminutez: 1\n---\n")
    result = runner.invoke(args=["lms", "check"])
    assert result.exit_code == 1
    assert "courses/intro-course/01-basics/02-models.md:3: unknown key 'minutez' (did you mean 'minutes'?)" in result.output
    assert "courses/intro-course/01-basics/02-models.md:1: missing required key 'minutes'" in result.output


def test_check_command_accepts_a_valid_tree(runner):
    result = runner.invoke(args=["lms", "check"])
    assert result.exit_code == 0, result.output
    assert "1 courses, 4 lessons" in result.output


QUIZ = """\
---
title: Check the basics
pass_mark: 70
---

## Which task is supervised learning? {#supervised skills=ai-literacy}

- [ ] Grouping customers without labels
  > That is clustering.
- [x] Predicting churn from labelled history
  > Yes: labelled outcomes.

> Supervised learning learns from labelled examples.
"""


def test_quizzes_are_validated_with_the_tree(content_dir):
    write(content_dir, "quizzes/intro-course/01-basics.md", QUIZ)
    write(content_dir, "quizzes/intro-course/final.md", QUIZ.replace("skills=ai-literacy", "skills=ai-literasy"))
    write(content_dir, "quizzes/intro-course/03-missing.md", QUIZ)
    write(content_dir, "quizzes/no-course/01-basics.md", QUIZ)
    tree = read_tree(content_dir)
    errors = [str(e) for e in tree.errors]
    assert "quizzes/intro-course/final.md:6: unknown skill 'ai-literasy' in question 'supervised' (did you mean 'ai-literacy'?)" in errors
    assert any(e.startswith("quizzes/intro-course/03-missing.md:0: no module folder '03-missing'") for e in errors)
    assert any(e.startswith("quizzes/no-course:0: no course folder named 'no-course'") for e in errors)
    assert ("intro-course", "basics") in tree.quizzes


def test_quiz_syntax_errors_reach_check_with_their_line(content_dir, runner):
    write(content_dir, "quizzes/intro-course/01-basics.md", QUIZ.replace("- [x] Predicting", "- [ ] Predicting"))
    result = runner.invoke(args=["lms", "check"])
    assert result.exit_code == 1
    assert "quizzes/intro-course/01-basics.md:8: no option is marked [x]: mark the right answer" in result.output
