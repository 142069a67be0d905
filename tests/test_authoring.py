"""Authoring in the browser: create, preview with line numbers, publish through sync, history,
diffs and restore, reorder, uploads."""
from __future__ import annotations

import io

import pytest

from lms.authoring import store
from lms.catalog.models import Course, CourseAuthor, Lesson
from lms.extensions import db
from lms.progress.models import LessonProgress
from lms.quizzes.models import Quiz

from .authoring_support import (
    COURSE, LESSON_PATH, WORKSPACE, editor_url, head_text, log_in, make_account, png, submit,
)

NEW_LESSON = "courses/intro-course/01-basics/03-prompting.md"
NEW_QUIZ = "quizzes/intro-course/01-basics.md"
GOOD_LESSON = """---
title: Writing prompts
minutes: 7
---

## Be specific

A **good** prompt names the audience. See [the models lesson](02-models.md).
"""
GOOD_QUIZ = """---
title: Basics check
pass_mark: 50
---

## What does a good prompt name? {#audience}

- [x] Its audience
- [ ] Its font
"""


@pytest.fixture()
def author(synced, make_user, auth):
    user_id = make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    return user_id


def test_an_author_writes_a_lesson_and_a_quiz_that_a_learner_then_sees(synced, author, auth, client, make_user):
    created = auth.post(WORKSPACE + "lessons", {"folder": "01-basics", "title": "Prompting", "slug": "prompting",
                                                 "minutes": "7"}, token_from=WORKSPACE)
    assert created.status_code == 302 and created.headers["Location"].endswith(editor_url(NEW_LESSON))
    broken = submit(auth, NEW_LESSON, "---\ntitle: Writing prompts\nminutes: many\n---\n\nBody.\n", "preview")
    page = broken.get_data(as_text=True)
    assert broken.status_code == 200
    assert 'data-line="3"><strong>Line 3</strong></a>: &#39;minutes&#39; must be a whole number' in page
    assert head_text(synced, NEW_LESSON).startswith("---\ntitle: Prompting")  # a preview saves nothing
    bad_link = submit(auth, NEW_LESSON, GOOD_LESSON.replace("02-models.md", "09-nowhere.md"), "preview")
    assert "<strong>Line 8</strong></a>: link to &#39;09-nowhere.md&#39;" in bad_link.get_data(as_text=True)
    preview = submit(auth, NEW_LESSON, GOOD_LESSON, "preview").get_data(as_text=True)
    assert "No problems: this text validates." in preview and "<strong>good</strong>" in preview
    assert 'href="/courses/intro-course/models"' in preview  # links point at the real pages
    published = submit(auth, NEW_LESSON, GOOD_LESSON.replace("\n", "\r\n"), "publish", note="first version")
    assert published.status_code == 302
    assert head_text(synced, NEW_LESSON) == GOOD_LESSON  # textarea CRLF is stored as LF

    assert auth.post(WORKSPACE + "quizzes", {"folder": "01-basics"}, token_from=WORKSPACE).status_code == 302
    no_answers = submit(auth, NEW_QUIZ, "---\ntitle: Basics check\n---\n\n## A question without answers\n", "preview")
    assert "<strong>Line 5</strong></a>: question has no answer block" in no_answers.get_data(as_text=True)
    quiz_preview = submit(auth, NEW_QUIZ, GOOD_QUIZ, "preview").get_data(as_text=True)
    assert "Right:</strong> Its audience" in quiz_preview
    assert submit(auth, NEW_QUIZ, GOOD_QUIZ, "publish").status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one().title == "Basics check"

    auth.logout()
    make_user()
    log_in(auth, "learner@example.com")
    assert auth.post(f"/courses/{COURSE}/enrol", token_from=f"/courses/{COURSE}/").status_code == 302
    lesson = client.get(f"/courses/{COURSE}/prompting").get_data(as_text=True)
    assert "Writing prompts" in lesson and "names the audience" in lesson
    assert "Basics check" in client.get(f"/courses/{COURSE}/quiz/basics").get_data(as_text=True)


def test_a_preview_validates_the_whole_tree_but_renders_only_its_file(synced):
    from lms.authoring.preview import preview

    with synced.app_context():
        result = preview(LESSON_PATH, head_text(synced, LESSON_PATH).replace("minutes: 10", "minutes: ten").encode())
        assert result.rendered == 1 and result.kind == "lesson" and "Body of Models" in result.html
        assert [str(e) for e in result.errors] == [f"{LESSON_PATH}:3: 'minutes' must be a whole number from 0 to 600, not 'ten'"]
        clash = preview("courses/intro-course/02-practice/05-models.md", b"---\ntitle: Twin\nminutes: 1\n---\n")
        assert "lesson slug 'models' is already used by" in clash.own_errors[0].message


def test_invalid_text_is_saved_as_a_draft_but_not_published(synced, author, auth, client):
    response = submit(auth, LESSON_PATH, "---\ntitle: Models\nminutez: 3\n---\n", "publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Why it was not published" in page
    assert "unknown key &#39;minutez&#39; (did you mean &#39;minutes&#39;?)" in page
    with synced.app_context():
        record = store.file_at(LESSON_PATH)
        assert record.has_draft and record.head_number == 2 and record.live_number == 1
        assert db.session.execute(db.select(Lesson.minutes).filter_by(slug="models")).scalar_one() == 10


def test_history_shows_a_diff_and_restores_the_earlier_text(synced, author, auth, client):
    original = head_text(synced, LESSON_PATH)
    edited = original.replace("title: Models", "title: Models, revised")
    assert submit(auth, LESSON_PATH, edited, "publish", note="new title").status_code == 302
    with synced.app_context():
        record = store.file_at(LESSON_PATH)
        first, second = record.revisions
        ids = first.id, second.id
    history = client.get(f"/author/courses/{COURSE}/history/{LESSON_PATH}").get_data(as_text=True)
    assert "new title" in history and "published now" in history and "Author Person" in history
    diff = client.get(f"/author/courses/{COURSE}/revisions/{ids[1]}").get_data(as_text=True)
    assert '<tr class="diff-removed">' in diff and "− title: Models</code>" in diff
    assert '<tr class="diff-added">' in diff and "+ title: Models, revised</code>" in diff
    restored = auth.post(f"/author/courses/{COURSE}/revisions/{ids[0]}/restore", token_from=WORKSPACE)
    assert restored.status_code == 302
    assert head_text(synced, LESSON_PATH) == original
    with synced.app_context():
        record = store.file_at(LESSON_PATH)
        assert (record.head_number, record.live_number) == (3, 2)  # the restore is a draft until published
        assert store.head_revision(record).origin == "restore"


def test_a_stale_editor_cannot_overwrite_a_newer_revision(synced, author, auth):
    original = head_text(synced, LESSON_PATH)
    assert submit(auth, LESSON_PATH, original + "\nFirst.\n", "save").status_code == 302
    stale = submit(auth, LESSON_PATH, original + "\nSecond.\n", "save", base="1")
    assert stale.status_code == 409 and "was saved after you opened revision 1" in stale.get_data(as_text=True)
    assert head_text(synced, LESSON_PATH).endswith("First.\n")


def test_reordering_renames_files_rewrites_links_and_keeps_progress(synced, author, auth, make_user):
    learner = make_user(email="reader@example.com")
    with synced.app_context():
        sprints = db.session.execute(db.select(Lesson).filter_by(slug="sprints")).scalar_one()
        db.session.add(LessonProgress(user_id=learner, lesson_id=sprints.id))
        db.session.commit()
        sprints_id = sprints.id
    moved = auth.post(WORKSPACE + "move", {"path": "courses/intro-course/02-practice/module.md", "direction": "up"},
                      token_from=WORKSPACE)
    assert moved.status_code == 302
    with synced.app_context():
        paths = {f.path for f in store.course_files(db.session.execute(db.select(Course)).scalar_one())
                 if f.live_hash is not None}
        assert "courses/intro-course/01-practice/01-sprints.md" in paths
        assert "courses/intro-course/02-basics/02-models.md" in paths and LESSON_PATH not in paths
        sprints = db.session.execute(db.select(Lesson).filter_by(slug="sprints")).scalar_one()
        assert (sprints.id, sprints.position) == (sprints_id, 0)
        assert db.session.execute(db.select(LessonProgress).filter_by(lesson_id=sprints_id)).scalar_one()
        text = store.live_data("courses/intro-course/01-practice/01-sprints.md").decode()
        assert "](../02-basics/02-models.md#section-one)" in text  # the link followed the moved file
    lesson_move = auth.post(WORKSPACE + "move", {"path": "courses/intro-course/02-basics/02-models.md",
                                                 "direction": "up"}, token_from=WORKSPACE)
    assert lesson_move.status_code == 302
    with synced.app_context():
        assert store.live_data("courses/intro-course/02-basics/01-models.md") is not None
        positions = dict(db.session.execute(db.select(Lesson.slug, Lesson.position)).all())
        assert positions["models"] < positions["what-is-ai"]


def test_images_are_checked_by_content_extension_and_size(synced, author, auth, client, make_app):
    def upload(name: str, data: bytes):
        return auth.post(WORKSPACE + "assets", {"image": (io.BytesIO(data), name)}, token_from=WORKSPACE,
                         content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)

    assert "Uploaded chart.png" in upload("Chart.PNG", png())
    with client.get(f"/courses/{COURSE}/assets/chart.png") as served:
        assert served.status_code == 200 and served.mimetype == "image/png" and served.data == png()
    assert "Only PNG, JPEG, GIF and WebP" in upload("fake.png", b"<svg onload=alert(1)>")
    assert "but its name ends in .jpg" in upload("photo.jpg", png())
    synced.config["LMS_UPLOAD_MAX_BYTES"] = 100
    assert "at most 0 KB are allowed" in upload("big.png", png(40, 40))
    with synced.app_context():
        assert store.file_at("courses/intro-course/assets/fake.png") is None


def test_a_new_course_starts_unpublished_with_its_creator_as_author(synced, author, auth, client):
    response = auth.post("/author/courses/new", {"title": "Prompt craft", "slug": "prompt-craft",
                                                  "summary": "Writing prompts that work.", "level": "beginner",
                                                  "hours": "1.5", "skills": ["ai-literacy"]},
                         token_from="/author/courses/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/author/courses/prompt-craft/")
    with synced.app_context():
        course = db.session.execute(db.select(Course).filter_by(slug="prompt-craft")).scalar_one()
        assert course.published is False and float(course.hours) == 1.5
        assert db.session.get(CourseAuthor, (course.id, author)) is not None
    assert "Prompt craft" in client.get("/author/").get_data(as_text=True)
    auth.logout()
    assert "Prompt craft" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("base", ["²", "9" * 5000, "-1", ""])
def test_a_revision_number_that_is_not_plain_digits_is_a_bad_request(synced, author, auth, base):
    response = submit(auth, LESSON_PATH, head_text(synced, LESSON_PATH), "save", base=base)
    assert response.status_code == 400


def test_a_draft_is_compared_with_the_published_text_and_the_previous_revision_on_request(synced, author, auth, client):
    original = head_text(synced, LESSON_PATH)
    first_edit = original.replace("title: Models", "title: Models, first edit")
    assert submit(auth, LESSON_PATH, first_edit, "save").status_code == 302
    assert submit(auth, LESSON_PATH, first_edit + "\nA second edit.\n", "save").status_code == 302
    with synced.app_context():
        record = store.file_at(LESSON_PATH)
        assert (record.head_number, record.live_number) == (3, 1)
        newest = record.revisions[-1].id
    page = f"/author/courses/{COURSE}/revisions/{newest}"
    diff = client.get(page).get_data(as_text=True)  # by default: what the draft changes for learners
    assert "Changes from revision 1 (published)" in diff
    assert "+ title: Models, first edit</code>" in diff and "+ A second edit.</code>" in diff
    assert f'href="{page}?against=2">the previous revision (2)</a>' in diff
    previous = client.get(page + "?against=2").get_data(as_text=True)
    assert "Changes from revision 2 (the previous one)" in previous
    assert "+ A second edit.</code>" in previous and "+ title: Models, first edit</code>" not in previous
    assert f'href="{page}?against=1">the published revision (1)</a>' in previous
    history = client.get(f"/author/courses/{COURSE}/history/{LESSON_PATH}").get_data(as_text=True)
    assert f'href="{page}?against=1" aria-label="Revision 3 against the published revision"' in history
    assert f'href="{page}?against=2" aria-label="Revision 3 against revision 2"' in history
