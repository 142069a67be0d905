"""Cohorts at scale: 20 schools, 200 cohorts (10 a school), 50,000 learners (250 a cohort), each enrolled with
some lessons done and some tests passed, bulk-inserted. Then, for a learner of one cohort and an admin of the
same school: SQL queries and time per request of the dashboard (with the learner's deadlines), a cohort's
progress page (250 learners x 2 deadlines), its CSV, and the catalog. The same run with ONE school of the same
shape shows the figures do not grow with the number of schools (the query counts are equal, asserted).

    python bench/cohort_progress.py [--database URL] [--schools 20]
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, insert

from common import PASSWORD, USER_AGENT, csrf, prepare, temp_dir
from tests.content_factory import make_tree
from tests.quiz_support import write_quiz

COHORTS_PER_SCHOOL = 10
LEARNERS_PER_COHORT = 250
COURSES = ("intro-course", "course-b", "course-c")
REPEATS = 15


def seed(app, schools: int) -> dict:
    """Bulk-insert the schools, cohorts, deadlines, accounts, memberships, enrolments, lesson progress and passes."""
    from lms.accounts.models import User
    from lms.catalog.models import Course, Lesson
    from lms.cohorts.models import Cohort, CohortDeadline, CohortMember
    from lms.extensions import db
    from lms.progress.models import Enrolment, LessonProgress
    from lms.quizzes.models import Attempt, Quiz
    from lms.schools.models import School, SchoolHost
    from lms.schools.services import current_school

    now = datetime.now(UTC)
    with app.app_context():
        served = current_school()  # "default": the school the app serves, one of the twenty
        for n in range(1, schools):
            other = School(slug=f"school-{n:02d}", name=f"School {n}")
            db.session.add(other)
            db.session.flush()
            db.session.add(SchoolHost(host=f"school-{n:02d}.example.org", school_id=other.id))  # each on its own host
        db.session.flush()
        school_ids = [served.id] + list(db.session.execute(db.select(School.id).where(School.id != served.id)
                                                           .order_by(School.id)).scalars())
        courses = {c.slug: c.id for c in db.session.execute(db.select(Course)).scalars()}
        lessons = {slug: list(db.session.execute(db.select(Lesson.id).where(Lesson.course_id == cid)
                                                 .order_by(Lesson.position)).scalars()) for slug, cid in courses.items()}
        quiz = db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()
        users_at = db.session.execute(db.select(db.func.coalesce(db.func.max(User.id), 0))).scalar_one() + 1
        user_id = users_at
        first_cohort = None
        for school_index, school_id in enumerate(school_ids):
            for c in range(COHORTS_PER_SCHOOL):
                course_slug = COURSES[c % len(COURSES)]
                cohort = Cohort(school_id=school_id, slug=f"c{c:02d}", name=f"Cohort {school_index}-{c}",
                                course_id=courses[course_slug], starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18))
                db.session.add(cohort)
                db.session.flush()
                first_cohort = first_cohort or cohort.id
                deadlines = [{"cohort_id": cohort.id, "course_id": courses[course_slug], "quiz_id": None,
                              "due_at": now - timedelta(days=2)}]
                if course_slug == "intro-course":
                    deadlines.append({"cohort_id": cohort.id, "course_id": courses[course_slug], "quiz_id": quiz.id,
                                      "due_at": now + timedelta(days=5)})
                db.session.execute(insert(CohortDeadline), deadlines)
                users, members, enrolments, progress, attempts = [], [], [], [], []
                for n in range(LEARNERS_PER_COHORT):
                    users.append({"id": user_id, "school_id": school_id, "email": f"l{user_id}@example.com",
                                  "name": f"Learner {user_id}",
                                  "password_hash": "!", "role": "learner", "active": True, "created_at": now})
                    members.append({"cohort_id": cohort.id, "user_id": user_id, "source": "import", "joined_at": now})
                    enrolments.append({"school_id": school_id, "user_id": user_id, "course_id": courses[course_slug],
                                       "enrolled_at": now, "last_activity_at": now - timedelta(hours=n),
                                       "completed_at": now - timedelta(days=3) if n % 3 == 0 else None})
                    for lesson_id in lessons[course_slug][:n % 5]:
                        progress.append({"user_id": user_id, "lesson_id": lesson_id, "started_at": now,
                                         "completed_at": now})
                    if course_slug == "intro-course" and n % 2 == 0:
                        attempts.append({"user_id": user_id, "quiz_id": quiz.id, "school_id": school_id, "number": 1,
                                         "seed": 1, "started_at": now, "submitted_at": now, "score": 0.9,
                                         "passed": True, "late": False})
                    user_id += 1
                db.session.execute(insert(User), users)
                db.session.execute(insert(CohortMember), members)
                db.session.execute(insert(Enrolment), enrolments)
                if progress:
                    db.session.execute(insert(LessonProgress), progress)
                if attempts:
                    db.session.execute(insert(Attempt), attempts)
        if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequence past them
            db.session.execute(db.text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
        from lms.accounts.services import create_user, find_user

        create_user("admin@example.com", "Bench Admin", PASSWORD, "admin")
        bench = find_user("bench@example.com")
        db.session.add(CohortMember(cohort_id=first_cohort, user_id=bench.id, source="import"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # the planner's statistics, as autovacuum would leave them
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(db.text("ANALYZE"))
        return {"cohort": first_cohort, "learners": user_id - users_at}


def log_in(app, email: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    response = client.post("/account/login", data={"email": email, "password": PASSWORD,
                                                   "csrf_token": csrf(client, "/account/login")})
    assert response.status_code == 302, response.status_code
    return client


def measure(app, client, path: str) -> tuple[int, float, float]:
    """Queries of one request (steady state), and the best and median times of ``REPEATS`` requests in
    milliseconds (the best is the steadier figure on a machine shared with other work)."""
    from lms.extensions import db

    with app.app_context():
        engine = db.engine
    client.get(path)  # warm: caches filled, as in a worker that has served the page
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    times = []
    for n in range(REPEATS):
        started = time.perf_counter()
        client.get(path).get_data()
        times.append((time.perf_counter() - started) * 1000)
    return len(statements), min(times), statistics.median(times)


def run(database_url: str, schools: int) -> dict[str, tuple[int, float, float]]:
    work = temp_dir()
    tree = make_tree(work / "tree", courses=COURSES)
    write_quiz(tree)
    url = database_url or f"sqlite:///{work / 'cohorts.sqlite3'}"
    app = prepare(url, tree)
    started = time.perf_counter()
    seeded = seed(app, schools)
    print(f"  {schools} school(s): {schools * COHORTS_PER_SCHOOL} cohorts, {seeded['learners']:,} learners seeded "
          f"in {time.perf_counter() - started:.1f} s")
    learner, admin = log_in(app, "bench@example.com"), log_in(app, "admin@example.com")
    cohort = f"/teach/cohorts/{seeded['cohort']}"
    assert "Learner" in admin.get(cohort).get_data(as_text=True)
    figures = {"dashboard": measure(app, learner, "/dashboard"),
               "cohort progress (250)": measure(app, admin, cohort),
               "cohort progress CSV": measure(app, admin, cohort + "/progress.csv"),
               "catalog": measure(app, learner, "/")}
    for name, (queries, best, median) in figures.items():
        print(f"    {name:<24} {queries:>3} queries  best {best:6.1f} ms, median {median:6.1f} ms (of {REPEATS})")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--schools", type=int, default=20)
    args = parser.parse_args()
    kind = "PostgreSQL" if args.database else "SQLite"
    print(f"Cohort progress at scale ({kind}): queries and time per request, 1 school, then {args.schools}")
    one = run(args.database, 1)
    many = run(args.database, args.schools)
    flat = all(one[name][0] == many[name][0] for name in one)
    print(f"  query counts the same with 1 and {args.schools} schools: {'yes' if flat else 'NO'}")
    if not flat:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
