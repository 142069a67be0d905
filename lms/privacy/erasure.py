"""What deleting an account does, table by table, in the caller's one transaction.

The account row stays, pseudonymised, so the learning records that point at it (enrolments, lesson
progress, quiz attempts and their answers) stay as anonymous statistics that reports still count; every
field that named the person is cleared or replaced. ``ERASURE`` says what happens to each column that
refers to an account, and a test fails when a new one is missing from it."""
from __future__ import annotations

import json
import re
import secrets

from sqlalchemy import Text, cast, delete, or_, update

from ..accounts.models import User
from ..accounts.sessions import end_sessions
from ..admin.models import AuditEntry
from ..admin.services import record
from ..catalog.models import CourseAuthor
from ..certificates.models import Certificate, ReissueRequest
from ..certificates.services import withdraw_holder
from ..admissions.models import Application
from ..assignments.models import PeerReviewer, Review, Submission, SubmissionFile
from ..cohorts.models import CalendarFeed, CohortInstructor
from ..extensions import db
from ..notifications.models import Notification
from ..portfolio.models import Portfolio
from ..lti.models import LtiAccount, LtiLaunch, LtiScore
from ..sso.models import IdentityLink
from ..xapi.services import forget_learner

DELETED_NAME = "Deleted account"

# (table, column) -> what erasure does to the rows that point at the erased account.
ERASURE = {
    ("login_sessions", "user_id"): "deleted: the account is logged out everywhere",
    ("enrolments", "user_id"): "kept, pointing at the pseudonymous account: reports still count them",
    ("programme_enrolments", "user_id"): "kept, pointing at the pseudonymous account",
    ("lesson_progress", "user_id"): "kept, pointing at the pseudonymous account",
    ("quiz_attempts", "user_id"): "kept with their answers, for item analysis, pointing at the pseudonymous account",
    ("certificates", "user_id"): "revoked (the holder deleted their account); the holder's name removed",
    ("certificates", "issued_by_id"): "kept: the pseudonymous account issued another's certificate",
    ("certificates", "revoked_by_id"): "kept: the pseudonymous account revoked another's certificate",
    ("reissue_requests", "user_id"): "deleted: each holds the name asked for",
    ("reissue_requests", "decided_by_id"): "kept: the pseudonymous account decided another's request",
    ("deletion_requests", "user_id"): "kept as the record of the erasure; the holder's reason cleared",
    ("deletion_requests", "decided_by_id"): "kept: the pseudonymous account decided another's request",
    ("course_authors", "user_id"): "deleted: an erased account authors no course",
    ("course_authors", "assigned_by_id"): "kept: the pseudonymous account assigned another author",
    ("content_revisions", "author_id"): "kept: the revision history of the course, by the pseudonymous account",
    ("audit_log", "actor_id"): "kept; the person's name and e-mail rewritten to the pseudonym in every entry",
    ("cohort_members", "user_id"): "kept, pointing at the pseudonymous account: the cohort's figures still count it",
    ("cohort_instructors", "user_id"): "deleted: an erased account teaches no cohort",
    ("cohort_invitations", "created_by_id"): "kept: the pseudonymous account made an invitation link",
    ("calendar_feeds", "user_id"): "deleted: the private calendar address stops working",
    ("applications", "decided_by_id"): "kept: the pseudonymous account decided another's application",
    ("notifications", "user_id"): "deleted: the record of the reminders and notices mailed to the person",
    ("portfolios", "user_id"): "deleted: the published page and its address stop working",
    ("submissions", "user_id"): "kept, emptied (text, files and the reviewers' comments on it deleted), pointing at the "
                                 "pseudonymous account: the peers' reviews of it still count as given",
    ("submissions", "decided_by_id"): "kept: the pseudonymous account decided another's submission",
    ("reviews", "reviewer_id"): "kept, pointing at the pseudonymous account: the reviewed learner's grade stands on it",
    ("reviews", "flag_resolved_by_id"): "kept: the pseudonymous account resolved a flag on another's review",
    ("peer_reviewers", "user_id"): "deleted: an erased account reviews no more work",
    ("peer_reviewers", "added_by_id"): "kept: the pseudonymous account designated another peer reviewer",
    ("identity_links", "user_id"): "deleted: the provider's identity no longer opens the account (a new sign-in is a "
                                   "stranger)",
    ("lti_accounts", "user_id"): "deleted: a launch by the platform's user no longer opens the account (a new launch "
                                 "makes a new account)",
    ("lti_launches", "user_id"): "deleted: the record of the platform's links the person opened",
    ("lti_scores", "user_id"): "deleted: the record of the scores sent (the platform's gradebook is the school's to "
                               "erase there)",
}
# Not a reference to the account but the person all the same: their own applications (by address), answers and
# files included, are deleted with the account.


def pseudonym() -> str:
    """An unroutable (RFC 2606 ``.invalid``), unique address that stands for the erased account."""
    return f"deleted-{secrets.token_hex(8)}@invalid"


def _identifiers(user: User) -> set[str]:
    """Every string that named the person: the name and e-mail, the names certificates and reissue requests
    were made out to, and the names a rename logged."""
    found = {user.email, user.name}
    found |= set(db.session.execute(db.select(Certificate.holder_name).filter_by(user_id=user.id)).scalars())
    found |= set(db.session.execute(db.select(ReissueRequest.name).filter_by(user_id=user.id)).scalars())
    for details in db.session.execute(db.select(AuditEntry.details).where(
            AuditEntry.target_type == "user", AuditEntry.target_id == user.id, AuditEntry.action == "rename")).scalars():
        found |= {value for key, value in (details or {}).items() if key in ("name", "previous") and isinstance(value, str)}
    return {text for text in found if text and len(text.strip()) >= 2}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _scrub(value, identifiers: list[re.Pattern], replacement: str):
    if isinstance(value, str):
        for identifier in identifiers:
            value = identifier.sub(replacement, value)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, identifiers, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, identifiers, replacement) for item in value]
    return value


def _rewrite_audit(user: User, identifiers: set[str], replacement: str) -> None:
    """The log keeps the facts (what was done, when, to account #id), not the person: every entry about the
    account gets the pseudonym as its label, and any name or e-mail of the person in any entry's label,
    reason or details is replaced by it. Longest first, so a name inside an e-mail goes with the e-mail."""
    ordered = sorted(identifiers, key=len, reverse=True)
    # whole words only: erasing "Ann" leaves "Annual report" alone
    patterns = [re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)") for text in ordered]
    mentions = [condition for text in ordered for condition in (
        AuditEntry.target_label.ilike(_like(text), escape="\\"), AuditEntry.reason.like(_like(text), escape="\\"),
        # the details are stored as JSON text, non-ASCII letters escaped as json.dumps writes them
        cast(AuditEntry.details, Text).like(_like(json.dumps(text)[1:-1]), escape="\\"))]
    about = (AuditEntry.target_type == "user") & (AuditEntry.target_id == user.id)
    # Only the person's school's log: the same address may name a living account at another school.
    for entry in db.session.execute(db.select(AuditEntry).where(AuditEntry.school_id == user.school_id,
                                                                or_(about, *mentions))).scalars():
        if entry.target_type == "user" and entry.target_id == user.id:
            entry.target_label = replacement
        else:
            entry.target_label = _scrub(entry.target_label, patterns, replacement)[:300]
        entry.reason = _scrub(entry.reason, patterns, replacement)
        entry.details = _scrub(dict(entry.details or {}), patterns, replacement)


def erase_account(user: User, admin: User) -> str:
    """Erase the person from the account and everything that names them; returns the pseudonym. The same
    e-mail address may then register again, as a new account."""
    identifiers = _identifiers(user)
    replacement = pseudonym()
    revoked = withdraw_holder(user, admin)
    end_sessions(user)
    db.session.execute(delete(CourseAuthor).where(CourseAuthor.user_id == user.id))
    db.session.execute(delete(CohortInstructor).where(CohortInstructor.user_id == user.id))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    forget_learner(user.id)  # the statements about the person waiting for the school's record store are never sent
    # The person's work, its files and the reviews of it (explicitly: the session may hold none of them).
    # The person's work is emptied (text and files gone) but its rows stay, pointing at the pseudonymous account: the
    # peers who reviewed it keep the reviews they gave (what they owed stays given) and the figures still count it.
    # The reviewers' words about it go with it: they may quote it.
    own = db.select(Submission.id).where(Submission.user_id == user.id)
    db.session.execute(delete(SubmissionFile).where(SubmissionFile.submission_id.in_(own)))
    db.session.execute(update(Submission).where(Submission.user_id == user.id)
                       .values(text="", text_html="", feedback="").execution_options(synchronize_session=False))
    db.session.execute(update(Review).where(Review.submission_id.in_(own))
                       .values(comments={}, annotations=[], comment="", flag_reason="")
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(PeerReviewer).where(PeerReviewer.user_id == user.id))
    db.session.execute(delete(Portfolio).where(Portfolio.user_id == user.id))
    db.session.execute(delete(IdentityLink).where(IdentityLink.user_id == user.id))
    for model in (LtiAccount, LtiLaunch, LtiScore):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(Application).where(Application.email == user.email, Application.school_id == user.school_id))
    user.name, user.email, user.locale = DELETED_NAME, replacement, None
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password: no "$" separators
    user.active, user.role = False, "learner"
    db.session.flush()
    _rewrite_audit(user, identifiers, replacement)
    record(admin, "erase_account", user, certificates_revoked=revoked)
    return replacement
