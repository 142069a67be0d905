"""SQL queries per lesson page (and dashboard) for a logged-in learner, with 10 and 1,000 lessons."""
from __future__ import annotations

from sqlalchemy import event

from common import logged_in_client, prepare, temp_dir
from lms import caching

from tests.content_factory import make_big_tree


def count(app, client, path: str) -> int:
    from lms.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def main() -> None:
    print("SQL queries per page (logged-in learner, steady state)")
    for lessons in (10, 1000):
        work = temp_dir()
        app = prepare(f"sqlite:///{work / 'q.sqlite3'}", make_big_tree(work / "tree", lessons))
        client = logged_in_client(app, "course-000")
        client.get("/courses/course-000/lesson-5")  # the first visit starts the lesson (its writes)
        with app.app_context():
            caching.clear()  # as in a worker that has not shown this page yet
        first = count(app, client, "/courses/course-000/lesson-5")
        lesson = count(app, client, "/courses/course-000/lesson-5")
        dashboard = count(app, client, "/dashboard")
        course = count(app, client, "/courses/course-000/")
        print(f"  {lessons:>5} lessons: lesson page {lesson} ({first} in a worker that has not cached it), "
              f"course page {course}, dashboard {dashboard}")


if __name__ == "__main__":
    main()
