"""Numbers in content are finite and within their documented range; YAML anchors and aliases are
refused; an error message quotes at most 80 characters of what the author wrote. Each bad file is
refused by ``flask lms check``, by a sync and by the authoring preview with ``path:line: message``,
and nothing is stored."""
from __future__ import annotations

import time

import pytest

from lms.catalog.models import Course, Lesson
from lms.content.errors import QUOTE_LIMIT, quoted
from lms.content.frontmatter import Bounds, Key
from lms.content.tree import read_tree
from lms.extensions import db
from lms.quizzes.models import QuestionVersion, Quiz

from .authoring_support import log_in, make_account, submit
from .content_factory import write

COURSE_FILE = "courses/intro-course/course.md"
LESSON_FILE = "courses/intro-course/01-basics/02-models.md"
QUIZ_FILE = "quizzes/intro-course/01-basics.md"
QUIZ = """\
---
title: Numbers
pass_mark: 70
max_attempts: 0
time_limit: 20
draw: 2
---

## What is 30 / 120 as a percentage? {#precision points=2}

= 25 ± 0.5

## Pick a {#pick}

- [x] a
- [ ] b
"""

# (file, text replaced, replacement, line, message): every number an author writes, out of range.
BAD_NUMBERS = [
    (COURSE_FILE, "hours: 2", "hours: .inf", 5, "'hours' must be a number from 0 to 1000, not inf"),
    (COURSE_FILE, "hours: 2", "hours: .nan", 5, "'hours' must be a number from 0 to 1000, not nan"),
    (COURSE_FILE, "hours: 2", "hours: -1", 5, "'hours' must be a number from 0 to 1000, not -1"),
    (COURSE_FILE, "hours: 2", "hours: 1000.5", 5, "'hours' must be a number from 0 to 1000, not 1000.5"),
    (LESSON_FILE, "minutes: 10", "minutes: 99999999999999999999999", 3,
     "'minutes' must be a whole number from 0 to 600, not 99999999999999999999999"),
    (LESSON_FILE, "minutes: 10", "minutes: .inf", 3, "'minutes' must be a whole number from 0 to 600, not inf"),
    (LESSON_FILE, "minutes: 10", "minutes: 601", 3, "'minutes' must be a whole number from 0 to 600, not 601"),
    (QUIZ_FILE, "time_limit: 20", "time_limit: 10000000000", 5,
     "'time_limit' must be a whole number from 1 to 1440, not 10000000000"),
    (QUIZ_FILE, "pass_mark: 70", "pass_mark: .nan", 3, "'pass_mark' must be a number from 0 to 100, not nan"),
    (QUIZ_FILE, "max_attempts: 0", "max_attempts: 101", 4, "'max_attempts' must be a whole number from 0 to 100, not 101"),
    (QUIZ_FILE, "draw: 2", "draw: 1001", 6, "'draw' must be a whole number from 1 to 1000, not 1001"),
    (QUIZ_FILE, "points=2", "points=1e999", 9, "points must be a number above 0, at most 100, not '1e999'"),
    (QUIZ_FILE, "points=2", "points=nan", 9, "points must be a number above 0, at most 100, not 'nan'"),
    (QUIZ_FILE, "points=2", "points=101", 9, "points must be a number above 0, at most 100, not '101'"),
    (QUIZ_FILE, "= 25 ± 0.5", "= 1e20", 11, "in '1e20', each number must be a number from -1e+15 to 1e+15"),
    (QUIZ_FILE, "= 25 ± 0.5", "= 1e400", 11, "in '1e400', each number must be a number from -1e+15 to 1e+15"),
    (QUIZ_FILE, "= 25 ± 0.5", "= 25 ± 1e16", 11, "in '25 ± 1e16', each number must be a number from -1e+15 to 1e+15"),
    (QUIZ_FILE, "= 25 ± 0.5", "= -1e16..0", 11, "in '-1e16..0', each number must be a number from -1e+15 to 1e+15"),
]
IDS = [f"{path.rsplit('/', 1)[1]}:{new}" for path, _, new, _, _ in BAD_NUMBERS]


def bad_text(content_dir, path: str, old: str, new: str) -> str:
    if path == QUIZ_FILE:
        write(content_dir, QUIZ_FILE, QUIZ)
    text = (content_dir / path).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def stored(app) -> tuple:
    """What the database holds of the content the bad files would change."""
    with app.app_context():
        course = db.session.execute(db.select(Course.hours)).scalar_one()
        minutes = sorted(db.session.execute(db.select(Lesson.minutes)).scalars())
        quizzes = db.session.execute(db.select(Quiz.time_limit, Quiz.pass_mark, Quiz.max_attempts, Quiz.draw)).all()
        questions = db.session.execute(db.select(QuestionVersion.points, QuestionVersion.data)).all()
        return course, minutes, [tuple(q) for q in quizzes], [tuple(q) for q in questions]


@pytest.mark.parametrize("path, old, new, line, message", BAD_NUMBERS, ids=IDS)
def test_a_number_out_of_range_is_refused_by_check_and_sync(app, runner, content_dir, path, old, new, line, message):
    write(content_dir, QUIZ_FILE, QUIZ)
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    before = stored(app)
    write(content_dir, path, bad_text(content_dir, path, old, new))
    checked = runner.invoke(args=["lms", "check"])
    assert checked.exit_code == 1
    assert f"{path}:{line}: {message}" in checked.output.splitlines(), checked.output
    synced = runner.invoke(args=["lms", "sync"])
    assert synced.exit_code == 1 and f"{path}:{line}: {message}" in synced.output
    assert stored(app) == before


@pytest.mark.parametrize("path, old, new, line, message", BAD_NUMBERS, ids=IDS)
def test_the_preview_gives_the_same_message_and_publishing_stores_nothing(app, runner, content_dir, make_user, auth,
                                                                        path, old, new, line, message):
    write(content_dir, QUIZ_FILE, QUIZ)
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    make_account(app, make_user, "author")
    log_in(auth, "author@example.com")
    before = stored(app)
    text = bad_text(content_dir, path, old, new)
    with app.app_context():
        from lms.authoring.preview import preview

        assert f"{path}:{line}: {message}" in [str(error) for error in preview(path, text.encode()).errors]
    page = submit(auth, path, text, "preview").get_data(as_text=True)
    assert f"<strong>Line {line}</strong></a>: {message}".replace("'", "&#39;") in page
    published = submit(auth, path, text, "publish")
    assert published.status_code == 422
    assert stored(app) == before


def test_a_course_with_infinite_hours_never_reaches_the_home_page(app, runner, content_dir, client):
    """The review's report: ``hours: .inf`` in a published course made the home page a 500 for everyone."""
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "hours: 2", "hours: .inf"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 1
    page = client.get("/")
    assert page.status_code == 200 and "Intro Course" in page.get_data(as_text=True)


def test_numbers_at_the_ends_of_their_ranges_are_accepted(content_dir):
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "hours: 2", "hours: 1000"))
    write(content_dir, LESSON_FILE, bad_text(content_dir, LESSON_FILE, "minutes: 10", "minutes: 600"))
    quiz = (QUIZ.replace("time_limit: 20", "time_limit: 1440").replace("pass_mark: 70", "pass_mark: 100")
            .replace("max_attempts: 0", "max_attempts: 100").replace("points=2", "points=100")
            .replace("= 25 ± 0.5", "= -1e15..1e15"))
    write(content_dir, QUIZ_FILE, quiz)
    tree = read_tree(content_dir)
    assert tree.errors == []
    assert tree.courses[0].hours == 1000 and tree.courses[0].lessons[1].minutes == 600
    spec = tree.quizzes[("intro-course", "basics")]
    assert (spec.time_limit, spec.pass_mark, spec.max_attempts, spec.questions[0].points) == (1440, 100, 100, 100)
    assert spec.questions[0].data == {"answers": [{"min": -1e15, "max": 1e15}]}


def test_every_number_key_has_bounds():
    with pytest.raises(ValueError, match="has bounds"):
        Key("hours", "number")
    with pytest.raises(ValueError, match="has bounds"):
        Key("title", "text", bounds=Bounds(0, 1))


def test_a_bounded_number_is_finite_and_whole_when_asked():
    minutes = Bounds(0, 600, whole=True)
    assert [minutes.admits(v) for v in (0, 600, 10.0, True, "10", float("inf"), 10**30)] == \
        [True, True, False, False, False, False, False]
    points = Bounds(0, 100, above=True)
    assert [points.admits(v) for v in (0, 0.5, 100, float("nan"))] == [False, True, True, False]


LAUGHS = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 9))


@pytest.mark.parametrize("path, old", [(COURSE_FILE, "level: beginner"), (LESSON_FILE, "minutes: 10"),
                                        (QUIZ_FILE, "pass_mark: 70")])
def test_yaml_anchors_and_aliases_are_refused_at_their_line(content_dir, runner, path, old):
    """A billion laughs: nine lines that expand to 9^8 items. Refused at the first anchor, quickly."""
    key = old.split(":")[0]  # the key then holds 9^8 items, which an error message once quoted in full
    write(content_dir, path, bad_text(content_dir, path, old, f"l0: &l0 lol\n{LAUGHS}{key}: *l8"))
    line = next(n for n, text in enumerate((content_dir / path).read_text().splitlines(), 1) if text.startswith("l0:"))
    started = time.perf_counter()
    result = runner.invoke(args=["lms", "check"])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert f"{path}:{line}: YAML anchors and aliases ('&name', '*name') are not allowed: write each value out" \
        in result.output.splitlines()
    assert max(len(line) for line in result.output.splitlines()) < 300


def test_an_alias_alone_is_refused_too(content_dir):
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "level: beginner", "level: *nowhere"))
    errors = [str(error) for error in read_tree(content_dir).errors]
    assert any(e.startswith(f"{COURSE_FILE}:4: ") for e in errors), errors


def test_an_ampersand_in_a_value_is_not_an_anchor(content_dir):
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "title: Intro Course", "title: 'Q&A *and* more'"))
    tree = read_tree(content_dir)
    assert tree.errors == [] and tree.courses[0].title == "Q&A *and* more"


@pytest.mark.parametrize("value", [
    "2024-13-45",  # a date PyYAML cannot construct (ValueError)
    "9" * 5000,  # an integer Python refuses to read (more than 4,300 digits)
])
def test_yaml_values_that_cannot_be_constructed_are_errors_not_crashes(content_dir, runner, value):
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "summary: A short", f"released: {value}\nsummary: A short"))
    result = runner.invoke(args=["lms", "check"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # not a crash
    assert f"{COURSE_FILE}:2: invalid YAML: a value cannot be read" in result.output


def test_an_error_quotes_at_most_80_characters_of_a_value(content_dir):
    long_level = "x" * 10_000
    write(content_dir, COURSE_FILE, bad_text(content_dir, COURSE_FILE, "level: beginner", f"level: {long_level}"))
    write(content_dir, LESSON_FILE, bad_text(content_dir, LESSON_FILE, "minutes: 10", f"minutes: {'9' * 4000}"))
    errors = {error.path: error.message for error in read_tree(content_dir).errors}
    assert errors[COURSE_FILE] == \
        f"'level' must be one of: beginner, intermediate, advanced (got '{'x' * QUOTE_LIMIT}…')"
    assert errors[LESSON_FILE].startswith("'minutes' must be a whole number from 0 to 600, not 9999")
    assert len(errors[LESSON_FILE]) <= len("'minutes' must be a whole number from 0 to 600, not ") + QUOTE_LIMIT


def test_quoted_cuts_any_value_short():
    assert quoted("abc") == "'abc'"
    assert quoted("a" * 200) == "'" + "a" * QUOTE_LIMIT + "…'"
    assert len(quoted(list(range(10_000)))) <= QUOTE_LIMIT + 1
    assert quoted(int("1" * 4000) * 10**1000) == "a number too long to show"
    nested: list = []
    for _ in range(50):
        nested = [nested] * 50  # 50^50 items if expanded
    assert len(quoted(nested)) <= QUOTE_LIMIT + 1


@pytest.mark.parametrize("name, message", [
    ("123456-lesson.md", "the order prefix 'NN-' has at most 4 digits"),
    ("9" * 240 + "-lesson.md", "the order prefix 'NN-' has at most 4 digits"),
    ("01-" + "a" * 81 + ".md", "the name is 81 characters long; at most 80 are allowed"),
])
def test_order_prefixes_and_names_are_bounded(content_dir, name, message):
    path = f"courses/intro-course/01-basics/{name}"
    write(content_dir, path, "---\ntitle: Long\nminutes: 1\n---\n\nBody.\n")
    assert f"{path}:0: {message}" in [str(error) for error in read_tree(content_dir).errors]
