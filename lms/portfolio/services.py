"""Portfolio rules: what a learner may show (their own certificates that are valid, their own passed
submissions) and who may see the page (anyone with its address, unless it is off)."""
from __future__ import annotations

import secrets

from ..accounts.models import User
from ..assignments.models import Assignment, Submission
from ..certificates.models import Certificate
from ..db import utcnow
from ..extensions import db
from ..schools.models import School
from ..skills import services as skills
from .models import Portfolio


def new_token() -> str:
    return secrets.token_urlsafe(24)


def portfolio_of(user: User) -> Portfolio | None:
    return db.session.execute(db.select(Portfolio).filter_by(user_id=user.id)).scalars().first()


def ensure_portfolio(user: User) -> Portfolio:
    """The learner's portfolio, made (off) the first time they open its settings."""
    portfolio = portfolio_of(user)
    if portfolio is None:
        portfolio = Portfolio(user_id=user.id, school_id=user.school_id, visibility="off", token=new_token())
        db.session.add(portfolio)
        db.session.flush()
    return portfolio


def showable_submissions(user: User) -> list[Submission]:
    """The learner's passed submissions, the latest version of each assignment first by assignment order."""
    return list(db.session.execute(
        db.select(Submission).join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Submission.user_id == user.id, Submission.school_id == user.school_id, Submission.decision == "pass",
               Submission.released_at.is_not(None), Assignment.retired.is_(False))
        .options(db.selectinload(Submission.assignment).selectinload(Assignment.course))
        .order_by(Assignment.course_id, Assignment.slug, Submission.number.desc())).scalars())


def update(portfolio: Portfolio, visibility: str, headline: str, show_skills: bool, submission_ids: set[int]) -> None:
    """Save the settings; submissions not the learner's own passed ones are refused (ValueError)."""
    allowed = {s.id: s for s in showable_submissions(portfolio.user)}
    if not submission_ids <= set(allowed):
        raise ValueError("not a submission of yours that passed")
    portfolio.visibility, portfolio.headline, portfolio.show_skills = visibility, headline.strip(), show_skills
    portfolio.submissions = [allowed[i] for i in sorted(submission_ids)]
    portfolio.updated_at = utcnow()


def new_address(portfolio: Portfolio) -> None:
    """A new address for the page: the old one stops working."""
    portfolio.token = new_token()
    portfolio.updated_at = utcnow()


def published(token: str, school: School) -> Portfolio | None:
    """The portfolio this address opens on this school's site, unless it is off or the account is inactive."""
    if not token or len(token) > 43:
        return None
    portfolio = db.session.execute(db.select(Portfolio).filter_by(token=token, school_id=school.id)).scalars().first()
    if portfolio is None or portfolio.visibility == "off" or not portfolio.user.is_active:
        return None
    return portfolio


def shown_certificates(portfolio: Portfolio) -> list[Certificate]:
    """The holder's valid certificates of this school, newest first."""
    rows = db.session.execute(
        db.select(Certificate).where(Certificate.user_id == portfolio.user_id, Certificate.school_id == portfolio.school_id,
                                     Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at.desc())).scalars()
    return [certificate for certificate in rows if certificate.is_valid]


def shown_submissions(portfolio: Portfolio) -> list[Submission]:
    """The chosen submissions that still passed and are still the holder's (a later change hides one)."""
    return [s for s in portfolio.submissions
            if s.user_id == portfolio.user_id and s.decision == "pass" and s.released_at is not None]


def skills_of(portfolio: Portfolio, language: str) -> skills.Profile:
    """The holder's skills profile against the first role of the content (the AI project manager's)."""
    roles = skills.live_roles()
    return skills.profile(portfolio.user, portfolio.school_id, roles[0] if roles else None, language)
