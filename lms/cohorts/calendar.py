"""A learner's deadlines as an iCalendar feed any calendar app can subscribe to, at a private address.

Calendar apps send no cookie, so the address carries the key: ``/calendar/<token>.ics``. The token is an HMAC
of the feed's row (its id and its learner) with the site's SECRET_KEY, and the row stores only the token's
SHA-256. So the learner can see their address again on ``/account/calendar`` (it is derived from the row,
never stored), a copy of the database alone opens no feed, and revoking (or replacing) the address marks the
row revoked: the old token then finds no live row and answers 404. Changing SECRET_KEY ends every address
(each learner makes a new one). Rows are never deleted by revocation, so a feed id is never reused."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from icalendar import Calendar, Event
from sqlalchemy import update
from wtforms import SubmitField

from ..accounts.models import User
from ..db import utcnow
from ..extensions import db, limiter
from ..i18n import _, _l, force_locale, school_language, user_language
from ..accounts.services import of_this_school
from ..schools.services import find_school
from ..web import public_url, transaction
from .models import CalendarFeed
from .tracking import LearnerDeadline, learner_deadlines

bp = Blueprint("calendar", __name__, template_folder="templates")

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes of HMAC-SHA256, base64url without padding
# Calendar apps poll every few minutes to every few hours; this leaves room for several devices and refuses
# someone trying tokens by the thousand.
FEED_RATE_LIMIT = "30 per minute;600 per hour"


# --- services (flush, never commit) ---

def feed_token(feed: CalendarFeed) -> str:
    """The feed's secret, derived from its row and the SECRET_KEY (see the module's docstring)."""
    message = f"lms-calendar-feed:{feed.id}:{feed.user_id}".encode()
    digest = hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: User) -> CalendarFeed | None:
    return db.session.execute(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                            CalendarFeed.revoked_at.is_(None))
                              .order_by(CalendarFeed.id.desc()).limit(1)).scalar_one_or_none()


def revoke_feeds(user: User) -> int:
    """End every live address of the learner; returns how many there were."""
    return db.session.execute(update(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                         CalendarFeed.revoked_at.is_(None))
                              .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def create_feed(user: User) -> CalendarFeed:
    """A new address for the learner; the one they had stops working."""
    revoke_feeds(user)
    feed = CalendarFeed(user_id=user.id, token_hash=secrets.token_hex(32))  # a placeholder until the id is known
    db.session.add(feed)
    db.session.flush()
    feed.token_hash = token_hash(feed_token(feed))
    db.session.flush()
    return feed


def live_token(feed: CalendarFeed) -> str | None:
    """The feed's token, unless the SECRET_KEY changed since it was made (the address then no longer works)."""
    token = feed_token(feed)
    return token if hmac.compare_digest(token_hash(token), feed.token_hash) else None


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed this token opens: its hash names the row, and the row must still derive the same token."""
    if not TOKEN.fullmatch(token):
        return None
    feed = db.session.execute(db.select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token),
                                                            CalendarFeed.revoked_at.is_(None))).scalar_one_or_none()
    return feed if feed is not None and live_token(feed) == token else None


def deadline_link(deadline: LearnerDeadline) -> str:
    if deadline.quiz_slug is not None:
        return public_url("quizzes.quiz", course_slug=deadline.course_slug, quiz_slug=deadline.quiz_slug)
    return public_url("catalog.course", slug=deadline.course_slug)


def deadline_summary(deadline: LearnerDeadline) -> str:
    if deadline.quiz_title is not None:
        return _("Due: %(quiz)s (%(course)s)", quiz=deadline.quiz_title, course=deadline.course_title)
    return _("Due: %(course)s", course=deadline.course_title)


def calendar_of(user: User, deadlines: list[LearnerDeadline]) -> bytes:
    """The feed: one event per deadline, its UID stable across fetches (the deadline's row and the site)."""
    site = urlsplit(public_url("catalog.home")).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Conductor LMS//Cohort deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Deadlines"))
    stamp = utcnow()
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"cohort-deadline-{deadline.id}@{site}")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_at)
        event.add("summary", deadline_summary(deadline))
        event.add("description", deadline.cohort_name)
        event.add("url", deadline_link(deadline))
        calendar.add_component(event)
    return calendar.to_ical()


# --- views ---

class CreateFeedForm(FlaskForm):
    submit = SubmitField(_l("Create my calendar address"))


class RevokeFeedForm(FlaskForm):
    submit = SubmitField(_l("Revoke the address"))


def addresses(feed: CalendarFeed | None) -> tuple[str, str] | tuple[None, None]:
    """The feed's https address and the same as ``webcal://``, which opens the calendar app to subscribe."""
    token = live_token(feed) if feed is not None else None
    if token is None:
        return None, None
    address = public_url("calendar.feed", token=token)
    return address, "webcal://" + address.split("://", 1)[1]


@bp.get("/account/calendar")
@login_required
def account():
    address, webcal = addresses(active_feed(current_user))
    return render_template("cohorts/calendar/account.html", address=address, webcal=webcal,
                           create_form=CreateFeedForm(), revoke_form=RevokeFeedForm())


@bp.post("/account/calendar")
@login_required
def create():
    if not CreateFeedForm().validate_on_submit():
        abort(400)
    with transaction(success=_("Your calendar address is ready. Any address made before no longer works.")):
        create_feed(current_user)
    return redirect(url_for("calendar.account"))


@bp.post("/account/calendar/revoke")
@login_required
def revoke():
    if not RevokeFeedForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        if revoke_feeds(current_user):
            done.success = _("Your calendar address no longer works.")
    if not done.success:
        flash(_("You had no calendar address."), "info")
    return redirect(url_for("calendar.account"))


@bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_RATE_LIMIT)
def feed(token: str):
    found = feed_for_token(token)
    school = find_school()
    if found is None:
        abort(404)
    user = of_this_school(db.session.get(User, found.user_id))  # another school's address is unknown here
    if user is None or not user.active:
        abort(404)
    with force_locale(user_language(user) or school_language()):
        body = calendar_of(user, learner_deadlines(user, school) if school is not None else [])
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-store"  # private data: no shared or disk cache keeps it
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
