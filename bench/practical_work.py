"""Practical work at scale: one course with a peer+instructor assignment, a cohort of learners taught by one
instructor, every learner with a submitted version (a quarter with both peer reviews in, a quarter decided with a
released grade), bulk-inserted. Then SQL queries and time per request of: the instructor's queue, the review
page of one submission, the review-time report, a learner's assignment page, a peer's next allocation (a POST
that picks the fairest submission among all of them) and a learner's skills profile. The same run with 50
learners shows which figures grow with the number of submissions (the query counts must not).

    python bench/practical_work.py [--database URL] [--learners 5000]
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, insert

from cohort_progress import log_in
from common import PASSWORD, csrf, prepare, temp_dir
from tests.content_factory import make_tree, write
from tests.quiz_support import write_quiz

REPEATS = 10
ASSIGNMENT = """\
---
title: Plan an experiment
submit: [text]
review: peer+instructor
peer_reviews: 2
---
Plan a two-week experiment for a model your team could ship.

## Rubric {#rubric}

### Framing {#framing skill=ai-literacy}

- **Not yet** (0): No measurable goal.
- **Proficient** (10): A goal with a number and an owner.

### Delivery {#delivery skill=agile-delivery}

- **Not yet** (0): No plan.
- **Proficient** (10): A sprint plan with a stop rule.
"""
PAGE = "/courses/intro-course/assignments/practice"


def seed(app, learners: int) -> dict:
    """Bulk-insert the learners, their cohort membership, enrolments, submissions, peer reviews and decisions."""
    from lms.accounts.models import User
    from lms.accounts.services import create_user
    from lms.assignments.models import Assignment, Review, Submission
    from lms.catalog.models import Course
    from lms.cohorts.models import Cohort, CohortInstructor, CohortMember
    from lms.extensions import db
    from lms.progress.models import Enrolment
    from lms.schools.services import default_school

    now = datetime.now(UTC)
    with app.app_context():
        school = default_school()
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        assignment = db.session.execute(db.select(Assignment).filter_by(slug="practice")).scalar_one()
        cohort = Cohort(school_id=school.id, slug="spring", name="Spring", course_id=course.id,
                        starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18))
        db.session.add(cohort)
        teacher = create_user("teacher@example.com", "Bench Teacher", PASSWORD, "instructor")
        db.session.flush()
        db.session.add(CohortInstructor(cohort_id=cohort.id, user_id=teacher.id))
        first = db.session.execute(db.select(db.func.coalesce(db.func.max(User.id), 0))).scalar_one() + 1
        ids = list(range(first, first + learners))
        db.session.execute(insert(User), [{"id": i, "school_id": school.id, "email": f"l{i}@example.com",
                                           "name": f"Learner {i}", "password_hash": "!", "role": "learner",
                                           "active": True, "created_at": now} for i in ids])
        db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": i, "source": "import",
                                                   "joined_at": now} for i in ids])
        db.session.execute(insert(Enrolment), [{"school_id": school.id, "user_id": i, "course_id": course.id,
                                                "enrolled_at": now, "last_activity_at": now} for i in ids])
        rows = []
        for n, i in enumerate(ids):
            decided = n % 4 == 3
            rows.append({"id": i, "assignment_id": assignment.id, "user_id": i, "school_id": school.id, "number": 1,
                         "status": "decided" if decided else "submitted", "text": f"Plan {i}",
                         "text_html": f"<p>Plan {i}</p>", "rubric": assignment.rubric, "created_at": now,
                         "updated_at": now, "submitted_at": now - timedelta(minutes=learners - n),
                         "decision": "pass" if decided else None, "score": 20 if decided else None,
                         "percent": 100 if decided else None, "decided_at": now if decided else None,
                         "released_at": now if decided else None, "decided_by_id": teacher.id if decided else None,
                         "feedback": ""})
        db.session.execute(insert(Submission), rows)
        reviews = []
        for n, i in enumerate(ids):
            if n % 4 in (2, 3):  # both peer reviews in, by the next two learners
                for step in (1, 2):
                    reviewer = ids[(n + step) % len(ids)]
                    reviews.append({"submission_id": i, "reviewer_id": reviewer, "kind": "peer", "allocated_at": now,
                                    "submitted_at": now, "levels": {"framing": 1, "delivery": 1}, "points": 20,
                                    "comments": {}, "annotations": [], "comment": "", "flag_reason": "",
                                    "excluded": False})
            if n % 4 == 3:
                reviews.append({"submission_id": i, "reviewer_id": teacher.id, "kind": "instructor",
                                "allocated_at": now, "opened_at": now - timedelta(hours=n % 30), "submitted_at": now,
                                "levels": {"framing": 1, "delivery": 1}, "points": 20, "comments": {},
                                "annotations": [], "comment": "", "flag_reason": "", "excluded": False})
        db.session.execute(insert(Review), reviews)
        if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences past them
            for table in ("users", "submissions"):
                db.session.execute(db.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        bench = db.session.execute(db.select(User).filter_by(email="bench@example.com")).scalar_one()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=bench.id, source="import"))
        db.session.add(Enrolment(school_id=school.id, user_id=bench.id, course_id=course.id))
        db.session.add(Submission(assignment_id=assignment.id, user_id=bench.id, school_id=school.id, number=1,
                                  status="submitted", text="Mine", text_html="<p>Mine</p>", rubric=assignment.rubric,
                                  submitted_at=now))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # the planner's statistics, as autovacuum would leave them
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(db.text("ANALYZE"))
        oldest = db.session.execute(db.select(Submission.id).where(Submission.status == "submitted")
                                    .order_by(Submission.submitted_at)).scalars().first()
        return {"submission": oldest}


def statements_of(app, call) -> tuple[int, object]:
    from lms.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements), result


def measure(app, client, path: str) -> tuple[int, float, float]:
    """Queries of one GET (steady state), best and median milliseconds of ``REPEATS``."""
    client.get(path)
    queries, response = statements_of(app, lambda: client.get(path))
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _n in range(REPEATS):
        started = time.perf_counter()
        client.get(path).get_data()
        times.append((time.perf_counter() - started) * 1000)
    return queries, min(times), statistics.median(times)


def allocation(app, client) -> tuple[int, float, float]:
    """A peer's request for the next submission to review: queries and milliseconds of the POST (each request
    allocates a new submission, so each is timed once, ``REPEATS`` times after giving the previous back)."""
    from lms.assignments.models import Review
    from lms.extensions import db

    def give_back():
        with app.app_context():
            db.session.execute(db.delete(Review).where(Review.submitted_at.is_(None), Review.kind == "peer"))
            db.session.commit()

    token = csrf(client, PAGE + "/reviews")
    post = lambda: client.post(PAGE + "/reviews/next", data={"csrf_token": token})  # noqa: E731
    queries, response = statements_of(app, post)
    assert response.status_code == 302 and "/review/" in response.headers["Location"], response.headers
    times = []
    for _n in range(REPEATS):
        give_back()
        started = time.perf_counter()
        post()
        times.append((time.perf_counter() - started) * 1000)
    give_back()
    return queries, min(times), statistics.median(times)


def run(database_url: str, learners: int) -> dict[str, tuple[int, float, float]]:
    work = temp_dir()
    tree = make_tree(work / "tree")
    write_quiz(tree)
    write(tree, "assignments/intro-course/02-practice.md", ASSIGNMENT)
    url = database_url or f"sqlite:///{work / 'practical.sqlite3'}"
    app = prepare(url, tree)
    started = time.perf_counter()
    seeded = seed(app, learners)
    print(f"  {learners:,} learners, each with a submission, seeded in {time.perf_counter() - started:.1f} s")
    teacher, learner = log_in(app, "teacher@example.com"), log_in(app, "bench@example.com")
    figures = {"instructor's queue": measure(app, teacher, "/teach/reviews"),
               "a submission's review page": measure(app, teacher, f"/teach/reviews/{seeded['submission']}"),
               "review-time report": measure(app, teacher, "/teach/reviews/report"),
               "learner's assignment page": measure(app, learner, PAGE),
               "learner's skills profile": measure(app, learner, "/account/skills"),
               "peer's next allocation": allocation(app, learner)}
    for name, (queries, best, median) in figures.items():
        print(f"    {name:<28} {queries:>3} queries  best {best:7.1f} ms, median {median:7.1f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--learners", type=int, default=5000)
    args = parser.parse_args()
    kind = "PostgreSQL" if args.database else "SQLite"
    print(f"Practical work at scale ({kind}): queries and time per request, 50 learners, then {args.learners:,}")
    small = run(args.database, 50)
    large = run(args.database, args.learners)
    for name in small:
        print(f"  {name:<28} x{large[name][1] / small[name][1]:5.1f} time for x{args.learners // 50} submissions")
    flat = all(small[name][0] == large[name][0] for name in small)
    print(f"  query counts the same with 50 and {args.learners:,} learners: {'yes' if flat else 'NO'}")
    if not flat:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
