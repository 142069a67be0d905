"""Who may do what: every authoring page is for authors and admins, and an author edits only the
courses they are an author of; admins edit all of them."""
from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from ..accounts.models import User
from ..catalog.models import Course
from ..extensions import db
from .models import CourseAuthor


def require_author():
    """A blueprint guard: log in first, then authors and admins only (403 for anyone else)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_author:
        abort(403)
    return None


def require_admin():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def can_author(user: User, course: Course) -> bool:
    if user.is_admin:
        return True
    if not user.is_author:
        return False
    return db.session.get(CourseAuthor, (course.id, user.id)) is not None


def authored_courses(user: User) -> list[Course]:
    """The courses the user may edit and see reports of, retired ones left out."""
    query = db.select(Course).where(Course.retired.is_(False)).order_by(Course.position, Course.title)
    if not user.is_admin:
        query = query.join(CourseAuthor, CourseAuthor.course_id == Course.id).where(CourseAuthor.user_id == user.id)
    return list(db.session.execute(query).scalars())


def course_or_404(slug: str) -> Course:
    """Any live course, published or not: authors work on unpublished ones."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug, retired=False)).scalar_one_or_none()
    if course is None:
        abort(404)
    return course


def authored_course_or_abort(slug: str) -> Course:
    """Load (404), then check (403): the view's first two steps for every course page."""
    course = course_or_404(slug)
    if not can_author(current_user, course):
        abort(403)
    return course
