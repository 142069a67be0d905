"""Who may do what, in one place. Views load (404), then check here (403), then act.

- A course (its page, lessons, assets and quizzes) is for everyone once published; unpublished, for
  its own authors and admins only (``catalog.services.can_see``, the rule every page uses).
- Authoring and reports pages are for authors and admins; an author edits, and sees reports of,
  only the courses they are an author of; admins all of them.
- Admin pages (learners, certificates) are for admins only, each school's for its own admins (an account of
  another school is a stranger on this one: ``lms.accounts.sessions.load_user``).
- Platform pages (schools and their host names) are for platform administrators only.
- A quiz attempt is its learner's; an admin may look at anyone's but never answer for them.
"""
from __future__ import annotations

import json

from flask import abort, current_app
from flask_login import current_user

from .accounts.models import User
from .catalog.models import Course, CourseAuthor, Programme, ProgrammeCourse
from .catalog.services import offered_here, oversees, owned_here
from .extensions import db
from .quizzes.models import Attempt, Quiz
from .schools.services import default_slug, find_school


def require_author():
    """A blueprint guard: log in first, then authors and admins only (403 for anyone else)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_author:
        abort(403)
    return None


def require_platform_admin():
    """Platform administrators only: they create schools and name their hosts."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.platform_admin:
        abort(403)
    return None


def require_admin():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def can_author(user: User, course: Course) -> bool:
    """Admins, and the authors of this course: the same people who may see it unpublished."""
    return oversees(user, course)


def offered_here_clause():
    """SQL: the courses this school's site offers (its own, and the shared ones of its list, its programmes',
    or all of them when it keeps no list): ``catalog.services.offered_here`` as a WHERE clause."""
    school = find_school()
    if school is None:
        return Course.school_slug.is_(None)
    listed = json.loads(school.catalog or "[]")
    shared = Course.school_slug.is_(None)
    if listed:
        in_programmes = (db.select(ProgrammeCourse.course_id).join(Programme, Programme.id == ProgrammeCourse.programme_id)
                         .where(Programme.school_id == school.id, Programme.retired.is_(False)))
        shared = shared & (Course.slug.in_(listed) | Course.translation_of.in_(listed) | Course.id.in_(in_programmes))
    return shared | (Course.school_slug == school.slug)


def _owned_here():
    """SQL: the courses this school writes (its own; the shared ones too on the ``LMS_SCHOOL`` school's site)."""
    school = find_school()
    here = school.slug if school is not None else default_slug()
    return Course.school_slug == here if here != default_slug() else (Course.school_slug.is_(None) |
                                                                     (Course.school_slug == here))


def authored_courses(user: User) -> list[Course]:
    """The courses the user may edit: of the school that writes them, retired ones left out."""
    query = db.select(Course).where(Course.retired.is_(False), _owned_here()).order_by(Course.position, Course.title)
    if not user.is_admin:
        query = query.join(CourseAuthor, CourseAuthor.course_id == Course.id).where(CourseAuthor.user_id == user.id)
    return list(db.session.execute(query).scalars())


def reported_courses(user: User) -> list[Course]:
    """The courses the user sees reports of: an admin, every course this school offers (its learners' figures);
    an author, the courses they write."""
    if not user.is_admin:
        return authored_courses(user)
    query = db.select(Course).where(Course.retired.is_(False), offered_here_clause()).order_by(Course.position, Course.title)
    return list(db.session.execute(query).scalars())


def reported_course_or_abort(slug: str) -> Course:
    """Load (404), then check (403): admins report on every course their school offers, authors on theirs."""
    course = course_or_404(slug)
    if not (current_user.is_admin or can_author(current_user, course)):
        abort(403)
    return course


def owned_course_or_abort(slug: str) -> Course:
    """A course this school writes (its authors are assigned here), else 403."""
    course = course_or_404(slug)
    if not owned_here(course):
        abort(403)
    return course


def course_or_404(slug: str) -> Course:
    """Any live course, published or not: authors work on unpublished ones."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug, retired=False)).scalar_one_or_none()
    # Another school's own course does not exist here; a shared one this school leaves out of its catalog exists
    # only for the school that writes it (the platform's).
    if course is None or not (offered_here(course) or owned_here(course)):
        abort(404)
    return course


def authored_course_or_abort(slug: str) -> Course:
    """Load (404), then check (403): the view's first two steps for every course page."""
    course = course_or_404(slug)
    if not can_author(current_user, course):
        abort(403)
    return course


def attempt_or_abort(quiz: Quiz, attempt_id: int, viewing: bool = False) -> Attempt:
    """The attempt (404 unless it belongs to this quiz), for its learner only (403); with ``viewing``,
    an admin may look at anyone's."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.quiz_id != quiz.id:
        abort(404)
    if attempt.user_id != current_user.id and not (viewing and current_user.is_admin
                                                   and attempt.school_id == current_user.school_id):
        abort(403)  # an admin supports their own school's learners only
    return attempt


def require_admin_or_abort() -> None:
    """Inside a view already behind log-in: admins only."""
    if not current_user.is_admin:
        abort(403)
