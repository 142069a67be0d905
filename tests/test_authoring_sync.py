"""Git and the browser edit one tree: sync records every file, export writes it back byte for byte,
and a sync that would overwrite a newer browser edit stops and names the files."""
from __future__ import annotations

import filecmp
from pathlib import Path

from lms.authoring import store
from lms.authoring.models import SourceFile, SourceRevision
from lms.catalog.models import Lesson
from lms.extensions import db
from lms.schools.services import current_school

from .content_factory import write

ROOT = Path(__file__).resolve().parent.parent
LESSON = "courses/intro-course/01-basics/02-models.md"


def tree_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for folder in ("courses", "quizzes") for path in (root / folder).rglob("*") if path.is_file()}


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["lms", *args])


def browser_publish(app, path: str, text: str) -> None:
    """What the editor's Publish does, without the page around it."""
    with app.app_context():
        record = store.file_for_update(path)
        store.add_revision(record, text.encode(), "edit")
        store.publish_head(record)
        store.apply_live(current_school())
        db.session.commit()


def lesson_title(app, slug="models") -> str:
    with app.app_context():
        return db.session.execute(db.select(Lesson.title).filter_by(slug=slug)).scalar_one()


def test_the_real_curriculum_round_trips_byte_for_byte(make_app, tmp_path):
    app = make_app(LMS_CONTENT_DIR=str(ROOT))
    result = invoke(app, "sync")
    assert result.exit_code == 0, result.output
    exported = invoke(app, "export", str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.output
    original, copy = tree_files(ROOT), tree_files(tmp_path / "out")
    assert sorted(copy) == sorted(original) and len(original) > 100
    mismatched = [path for path in original if original[path] != copy[path]]
    assert mismatched == []
    assert not filecmp.dircmp(ROOT / "courses", tmp_path / "out/courses").diff_files
    again = invoke(app, "sync", "--content-dir", str(tmp_path / "out"))  # and back: nothing to do
    assert "0 rendered" in again.output and "0 created, 0 updated" in again.output, again.output


def test_sync_records_each_file_once_and_each_change_as_a_revision(app, content_dir):
    assert invoke(app, "sync").exit_code == 0
    assert invoke(app, "sync").exit_code == 0
    write(content_dir, LESSON, "---\ntitle: Models v2\nminutes: 12\n---\n\nNew body.\n")
    assert invoke(app, "sync").exit_code == 0
    with app.app_context():
        record = store.file_at(LESSON)
        assert (record.head_number, record.live_number) == (2, 2)
        assert record.synced_hash == record.live_hash == store.content_hash((content_dir / LESSON).read_bytes())
        assert db.session.execute(db.select(db.func.count(SourceRevision.id))).scalar_one() == \
            db.session.execute(db.select(db.func.count(SourceFile.id))).scalar_one() + 1


def test_browser_edit_survives_a_sync_of_an_unchanged_folder(app, content_dir):
    assert invoke(app, "sync").exit_code == 0
    browser_publish(app, LESSON, "---\ntitle: Edited in the browser\nminutes: 5\n---\n\nBrowser body.\n")
    write(content_dir, "courses/intro-course/02-practice/02-review.md",
          "---\ntitle: Review v2\nminutes: 3\n---\n\nGit edit of another file.\n")
    result = invoke(app, "sync")
    assert result.exit_code == 0, result.output
    assert "1 browser edits kept" in result.output
    assert lesson_title(app) == "Edited in the browser" and lesson_title(app, "review") == "Review v2"


def test_sync_stops_when_both_sides_changed_a_file_unless_forced(app, content_dir):
    assert invoke(app, "sync").exit_code == 0
    browser_publish(app, LESSON, "---\ntitle: Browser version\nminutes: 5\n---\n\nBrowser body.\n")
    write(content_dir, LESSON, "---\ntitle: Git version\nminutes: 5\n---\n\nGit body.\n")
    stopped = invoke(app, "sync")
    assert stopped.exit_code == 1
    assert f"{LESSON}: changed in the browser" in stopped.output and "nothing was changed" in stopped.output
    assert lesson_title(app) == "Browser version"
    forced = invoke(app, "sync", "--force")
    assert forced.exit_code == 0 and "1 conflicts overwritten" in forced.output, forced.output
    assert lesson_title(app) == "Git version"
    with app.app_context():  # the browser's edit stays in the history, restorable
        record = store.file_at(LESSON)
        texts = [r.text for r in record.revisions]
        assert any("Browser version" in t for t in texts) and "Git version" in texts[-1]


def test_same_change_on_both_sides_is_not_a_conflict_and_export_then_sync_is_clean(app, content_dir, tmp_path):
    assert invoke(app, "sync").exit_code == 0
    browser_publish(app, LESSON, "---\ntitle: Same on both sides\nminutes: 5\n---\n\nBody.\n")
    assert invoke(app, "export", str(content_dir)).exit_code == 0  # the author commits the export to Git
    result = invoke(app, "sync")
    assert result.exit_code == 0, result.output
    assert "browser edits kept" not in result.output and "0 created, 0 updated" in result.output
    with app.app_context():
        record = store.file_at(LESSON)
        assert record.synced_hash == record.live_hash == record.head_hash


def test_a_file_created_in_the_browser_is_not_deleted_by_a_sync_and_export_removes_stray_files(app, content_dir, tmp_path):
    assert invoke(app, "sync").exit_code == 0
    new = "courses/intro-course/02-practice/03-retro.md"
    browser_publish(app, new, "---\ntitle: Retro\nminutes: 4\n---\n\nMade in the browser.\n")
    assert invoke(app, "sync").exit_code == 0
    assert lesson_title(app, "retro") == "Retro"
    out = tmp_path / "out"
    write(out, "courses/old-course/course.md", "stale")
    report = invoke(app, "export", str(out))
    assert "removed courses/old-course/course.md" in report.output
    assert (out / new).read_text().startswith("---\ntitle: Retro") and not (out / "courses/old-course").exists()


def test_a_draft_is_a_browser_change_too(app, content_dir):
    assert invoke(app, "sync").exit_code == 0
    with app.app_context():
        store.add_revision(store.file_at(LESSON), b"---\ntitle: Draft\nminutes: 1\n---\n", "edit")
        db.session.commit()
    assert invoke(app, "sync").exit_code == 0  # the folder did not change: the draft stays a draft
    with app.app_context():
        record = store.file_at(LESSON)
        assert record.has_draft and store.head_revision(record).text.startswith("---\ntitle: Draft")
    write(content_dir, LESSON, "---\ntitle: Git moved on\nminutes: 5\n---\n")
    assert invoke(app, "sync").exit_code == 1
