"""Loading content: all or nothing, identities that survive edits, and history that is never lost."""
from __future__ import annotations

import shutil

from lms.catalog.models import Course, Lesson, Module, Programme
from lms.extensions import db
from lms.progress.models import LessonProgress

from .content_factory import write


def sync(runner):
    result = runner.invoke(args=["lms", "sync"])
    return result


def unlink_lessons(content_dir) -> None:
    """Drop the links between lessons, so files can be renamed or removed without breaking them."""
    for path in (content_dir / "courses/intro-course").rglob("0*.md"):
        text = path.read_text()
        path.write_text(text[: text.index("Next:")] + "\n" if "Next:" in text else text)


def lessons(app) -> dict[str, Lesson]:
    with app.app_context():
        return {lesson.slug: lesson for lesson in db.session.execute(db.select(Lesson)).scalars()}


def test_sync_loads_the_tree(app, runner):
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert "8 created" in result.output  # course, 2 modules, 4 lessons, programme
    with app.app_context():
        course = db.session.execute(db.select(Course)).scalar_one()
        assert (course.slug, course.title, course.level, float(course.hours)) == ("intro-course", "Intro Course", "beginner", 2.0)
        assert [s.slug for s in course.skills] == ["ai-literacy"]
        lesson = db.session.execute(db.select(Lesson).filter_by(slug="sprints")).scalar_one()
        assert lesson.module.slug == "practice" and lesson.position == 2 and lesson.minutes == 10
        assert [s.slug for s in lesson.skills] == ["ai-literacy"]  # inherited from the course
        assert '<div class="callout callout-tip"' in lesson.body_html
        programme = db.session.execute(db.select(Programme)).scalar_one()
        assert [step.course.slug for step in programme.steps] == ["intro-course"]


def test_unchanged_tree_is_skipped_and_an_edit_rerenders_only_its_file(app, runner, content_dir):
    sync(runner)
    again = sync(runner)
    assert "0 rendered" in again.output and "0 created, 0 updated" in again.output
    write(content_dir, "courses/intro-course/01-basics/02-models.md", "---\ntitle: Models v2\nminutes: 12\n---\n\nNew body.\n")
    edited = sync(runner)
    assert "1 rendered" in edited.output and "1 updated" in edited.output, edited.output
    assert lessons(app)["models"].title == "Models v2"


def test_invalid_tree_changes_nothing(app, runner, content_dir):
    sync(runner)
    write(content_dir, "courses/intro-course/01-basics/02-models.md", "---\ntitle: Changed\nminutes: 3\n---\n\nFine.\n")
    write(content_dir, "courses/intro-course/02-practice/01-sprints.md", "---\ntitle: Broken\nminutes: many\n---\n")
    result = sync(runner)
    assert result.exit_code == 1
    assert "courses/intro-course/02-practice/01-sprints.md:3: 'minutes' must be a whole number" in result.output
    assert "nothing was changed" in result.output
    assert lessons(app)["models"].title == "Models"  # the valid edit was not stored either


def test_renumbering_and_moving_keep_identity_and_progress(app, runner, content_dir, make_user):
    sync(runner)
    user_id = make_user()
    before = lessons(app)
    with app.app_context():
        db.session.add(LessonProgress(user_id=user_id, lesson_id=before["models"].id))
        db.session.commit()
    # Renumber a lesson and move another to a different module.
    unlink_lessons(content_dir)
    base = content_dir / "courses/intro-course"
    (base / "01-basics/02-models.md").rename(base / "01-basics/05-models.md")
    (base / "02-practice/02-review.md").rename(base / "01-basics/03-review.md")
    result = sync(runner)
    assert result.exit_code == 0, result.output
    after = lessons(app)
    assert {slug: lesson.id for slug, lesson in after.items()} == {slug: lesson.id for slug, lesson in before.items()}
    with app.app_context():
        review = db.session.get(Lesson, after["review"].id)
        assert review.module.slug == "basics"
        assert db.session.execute(db.select(LessonProgress).filter_by(lesson_id=after["models"].id)).scalar_one()


def test_removed_lesson_is_retired_with_its_history_and_can_return(app, runner, content_dir, make_user):
    sync(runner)
    user_id = make_user()
    models_id = lessons(app)["models"].id
    with app.app_context():
        db.session.add(LessonProgress(user_id=user_id, lesson_id=models_id))
        db.session.commit()
    unlink_lessons(content_dir)
    source = content_dir / "courses/intro-course/01-basics/02-models.md"
    kept = source.read_text()
    source.unlink()
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert "1 retired" in result.output
    assert lessons(app)["models"].retired is True
    with app.app_context():
        assert db.session.execute(db.select(LessonProgress).filter_by(lesson_id=models_id)).scalar_one()
    source.write_text(kept)
    sync(runner)
    restored = lessons(app)["models"]
    assert (restored.id, restored.retired) == (models_id, False)


def test_front_matter_id_keeps_identity_through_a_rename(app, runner, content_dir):
    sync(runner)
    original = lessons(app)["models"].id
    unlink_lessons(content_dir)
    base = content_dir / "courses/intro-course/01-basics"
    (base / "02-models.md").unlink()
    write(content_dir, "courses/intro-course/01-basics/02-machine-learning-models.md",
          "---\nid: models\ntitle: Machine learning models\nminutes: 10\n---\n\nRenamed file.\n")
    result = sync(runner)
    assert result.exit_code == 0, result.output
    assert lessons(app)["models"].id == original
    assert lessons(app)["models"].title == "Machine learning models"


def test_removed_course_is_retired_and_hidden(app, runner, content_dir, client):
    sync(runner)
    shutil.rmtree(content_dir / "courses/intro-course")
    write(content_dir, "courses/_programmes/pathway.md", "---\ntitle: P\nsummary: S\ncourses: [other]\n---\n")
    from .content_factory import make_tree

    make_tree(content_dir, courses=("other",))
    result = sync(runner)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one().retired
        assert db.session.execute(db.select(Module).filter_by(retired=False)).scalars().all()
    assert client.get("/courses/intro-course/").status_code == 404
    assert "Intro Course" not in client.get("/").get_data(as_text=True)


def test_course_assets_are_served(synced, content_dir, client):
    write(content_dir, "courses/intro-course/assets/notes.txt", "checklist v1")
    with client.get("/courses/intro-course/assets/notes.txt") as response:
        assert response.status_code == 200 and response.get_data(as_text=True) == "checklist v1"
    assert client.get("/courses/intro-course/assets/../course.md").status_code == 404
    assert client.get("/courses/intro-course/assets/missing.png").status_code == 404
