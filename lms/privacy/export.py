"""A person's data, as one JSON document and one CSV per kind, in a ZIP with a README in their language.

Built in memory: one person's rows are few (a learner with a course, an attempt and a certificate makes
8 KB); ``MAX_ROWS`` caps each kind so a pathological account cannot exhaust the server.
Nothing of another person goes in: an attempt's questions are the course's, and an entry of the audit
log where the person acted on someone else keeps only the action and its time."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from ..accounts.models import LoginSession, User
from ..accounts.sessions import device
from ..admin.models import AuditEntry
from ..authoring.models import SourceFile, SourceRevision
from ..catalog.models import Course, CourseAuthor, Lesson, Programme
from ..certificates.models import Certificate, ReissueRequest
from ..admissions.models import AdmissionRound, Application
from ..cohorts.models import CalendarFeed, Cohort, CohortInstructor, CohortInvitation, CohortMember
from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..notifications.models import Notification
from ..portfolio.models import Portfolio
from ..progress.models import Enrolment, LessonProgress, ProgrammeEnrolment
from ..quizzes.models import Attempt, AttemptAnswer, QuestionVersion, Quiz
from ..reports.csvstream import cell
from ..schools.models import School
from ..lti.models import LtiAccount, LtiLaunch, LtiPlatform, LtiResourceLink, LtiScore
from ..sso.models import IdentityLink, IdentityProvider
from ..web import public_url
from . import work
from .models import DeletionRequest

MAX_ROWS = 100_000

# (table, column) of every reference to an account -> the export kind that holds the rows pointing at the
# person; a test fails when a column is missing, so a new table cannot be forgotten. The "*_by" columns
# record the person acting on someone else's record: exported as the fact (what, which id, when) only.
EXPORTED = {
    ("users", None): "account",
    ("login_sessions", "user_id"): "login_sessions",
    ("enrolments", "user_id"): "enrolments",
    ("programme_enrolments", "user_id"): "programme_enrolments",
    ("lesson_progress", "user_id"): "lesson_progress",
    ("quiz_attempts", "user_id"): "quiz_attempts",
    ("certificates", "user_id"): "certificates",
    ("certificates", "issued_by_id"): "staff_actions",
    ("certificates", "revoked_by_id"): "staff_actions",
    ("reissue_requests", "user_id"): "reissue_requests",
    ("reissue_requests", "decided_by_id"): "staff_actions",
    ("deletion_requests", "user_id"): "deletion_requests",
    ("deletion_requests", "decided_by_id"): "staff_actions",
    ("course_authors", "user_id"): "course_authorships",
    ("course_authors", "assigned_by_id"): "staff_actions",
    ("content_revisions", "author_id"): "content_revisions",
    ("audit_log", "actor_id"): "audit_entries",
    ("cohort_members", "user_id"): "cohorts",
    ("cohort_instructors", "user_id"): "cohorts_taught",
    ("cohort_invitations", "created_by_id"): "staff_actions",
    ("calendar_feeds", "user_id"): "calendar_feeds",
    ("applications", "decided_by_id"): "staff_actions",
    ("notifications", "user_id"): "notifications",
    ("portfolios", "user_id"): "portfolio",
    ("submissions", "user_id"): "submissions",
    ("submissions", "decided_by_id"): "staff_actions",
    ("reviews", "reviewer_id"): "reviews_written",
    ("reviews", "flag_resolved_by_id"): "staff_actions",
    ("peer_reviewers", "user_id"): "peer_reviewer_roles",
    ("peer_reviewers", "added_by_id"): "staff_actions",
    ("identity_links", "user_id"): "identity_links",
    ("lti_accounts", "user_id"): "lti_accounts",
    ("lti_launches", "user_id"): "lti_launches",
    ("lti_scores", "user_id"): "lti_scores",
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _rows(statement) -> list:
    return list(db.session.execute(statement.limit(MAX_ROWS)).all())


def _account(user: User) -> list[dict]:
    return [{"id": user.id, "email": user.email, "name": user.name, "role": user.role, "active": user.active,
             "created_at": _iso(user.created_at), "language": user.locale,
             "deadline_reminders": not user.reminders_off}]


def _sessions(user: User) -> list[dict]:
    # Never the key: it is the credential the session's cookies carry.
    return [{"created_at": _iso(row.created_at), "expires_at": _iso(row.expires_at), "remember": row.remember,
             "device": device(row.user_agent), "user_agent": row.user_agent}
            for (row,) in _rows(db.select(LoginSession).filter_by(user_id=user.id).order_by(LoginSession.created_at))]


def _enrolments(user: User, school: School) -> list[dict]:
    return [{"course": course.slug, "course_title": course.title, "enrolled_at": _iso(row.enrolled_at),
             "completed_at": _iso(row.completed_at), "last_activity_at": _iso(row.last_activity_at)}
            for row, course in _rows(db.select(Enrolment, Course).join(Course, Course.id == Enrolment.course_id)
                                     .where(Enrolment.user_id == user.id, Enrolment.school_id == school.id)
                                     .order_by(Enrolment.enrolled_at))]


def _programme_enrolments(user: User, school: School) -> list[dict]:
    return [{"programme": programme.slug, "programme_title": programme.title, "enrolled_at": _iso(row.enrolled_at),
             "completed_at": _iso(row.completed_at)}
            for row, programme in _rows(db.select(ProgrammeEnrolment, Programme)
                                        .join(Programme, Programme.id == ProgrammeEnrolment.programme_id)
                                        .where(ProgrammeEnrolment.user_id == user.id,
                                               ProgrammeEnrolment.school_id == school.id)
                                        .order_by(ProgrammeEnrolment.enrolled_at))]


def _lesson_progress(user: User) -> list[dict]:
    return [{"course": course.slug, "lesson": lesson.slug, "lesson_title": lesson.title,
             "started_at": _iso(row.started_at), "completed_at": _iso(row.completed_at)}
            for row, lesson, course in _rows(
                db.select(LessonProgress, Lesson, Course).join(Lesson, Lesson.id == LessonProgress.lesson_id)
                .join(Course, Course.id == Lesson.course_id).where(LessonProgress.user_id == user.id)
                .order_by(LessonProgress.started_at, LessonProgress.id))]


def _attempts(user: User, school: School) -> list[dict]:
    attempts = _rows(db.select(Attempt, Quiz, Course).join(Quiz, Quiz.id == Attempt.quiz_id)
                     .join(Course, Course.id == Quiz.course_id)
                     .where(Attempt.user_id == user.id, Attempt.school_id == school.id)
                     .order_by(Attempt.started_at, Attempt.id))
    answers: dict[int, list[dict]] = {}
    for answer, question in _rows(db.select(AttemptAnswer, QuestionVersion)
                                  .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
                                  .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
                                  .where(Attempt.user_id == user.id, Attempt.school_id == school.id)
                                  .order_by(AttemptAnswer.attempt_id, QuestionVersion.position)):
        answers.setdefault(answer.attempt_id, []).append({
            "attempt_id": answer.attempt_id, "question": question.key, "question_version": question.version,
            "response": answer.response, "score": answer.score, "saved_at": _iso(answer.saved_at)})
    return [{"id": row.id, "course": course.slug, "quiz": quiz.slug, "quiz_title": quiz.title, "number": row.number,
             "started_at": _iso(row.started_at), "deadline": _iso(row.deadline), "submitted_at": _iso(row.submitted_at),
             "score": row.score, "passed": row.passed, "late": row.late, "answers": answers.get(row.id, [])}
            for row, quiz, course in attempts]


def _certificates(user: User, school: School) -> list[dict]:
    return [{"credential_id": row.credential_id, "kind": row.kind, "title": row.title, "holder_name": row.holder_name,
             "generation": row.generation, "hours": float(row.hours), "completed_at": _iso(row.completed_at),
             "issued_at": _iso(row.issued_at), "status": row.status, "revoked_at": _iso(row.revoked_at),
             "revocation_reason": row.revocation_reason or None, "language": row.language,
             "verification_url": public_url("verification.verify", credential_id=row.credential_id)}
            for (row,) in _rows(db.select(Certificate).filter_by(user_id=user.id, school_id=school.id)
                                .order_by(Certificate.issued_at, Certificate.id))]


def _reissue_requests(user: User, school: School) -> list[dict]:
    return [{"credential_id": credential, "name_asked_for": row.name, "state": row.state,
             "requested_at": _iso(row.requested_at), "decided_at": _iso(row.decided_at), "decision_note": row.decision_note}
            for row, credential in _rows(db.select(ReissueRequest, Certificate.credential_id)
                                         .join(Certificate, Certificate.id == ReissueRequest.certificate_id)
                                         .where(ReissueRequest.user_id == user.id, ReissueRequest.school_id == school.id))]


def _deletion_requests(user: User, school: School) -> list[dict]:
    return [{"state": row.state, "reason": row.reason, "requested_at": _iso(row.requested_at),
             "decided_at": _iso(row.decided_at), "decision_note": row.decision_note}
            for (row,) in _rows(db.select(DeletionRequest).filter_by(user_id=user.id, school_id=school.id))]


def _authorships(user: User) -> list[dict]:
    return [{"course": course.slug, "course_title": course.title, "assigned_at": _iso(row.assigned_at)}
            for row, course in _rows(db.select(CourseAuthor, Course).join(Course, Course.id == CourseAuthor.course_id)
                                     .where(CourseAuthor.user_id == user.id).order_by(CourseAuthor.assigned_at))]


def _revisions(user: User) -> list[dict]:
    return [{"file": path, "number": row.number, "origin": row.origin, "note": row.note,
             "created_at": _iso(row.created_at), "published_at": _iso(row.published_at)}
            for row, path in _rows(db.select(SourceRevision, SourceFile.path)
                                   .join(SourceFile, SourceFile.id == SourceRevision.file_id)
                                   .where(SourceRevision.author_id == user.id).order_by(SourceRevision.created_at))]


# What the person did to someone else's record: the fact, never the other person's data.
STAFF_COLUMNS = ((Certificate, "issued_by_id", "issued_at", "issued a certificate"),
                 (Certificate, "revoked_by_id", "revoked_at", "revoked a certificate"),
                 (ReissueRequest, "decided_by_id", "decided_at", "decided a reissue request"),
                 (DeletionRequest, "decided_by_id", "decided_at", "decided a deletion request"),
                 (CourseAuthor, "assigned_by_id", "assigned_at", "assigned a course author"),
                 (CohortInvitation, "created_by_id", "created_at", "made a cohort invitation link"),
                 (Application, "decided_by_id", "decided_at", "decided an application"), *work.STAFF_COLUMNS)


def _applications(user: User, school: School) -> list[dict]:
    """The person's own applications (by their address at this school), with their answers; the file's name only."""
    return [{"cohort": cohort.name, "name": row.name, "email": row.email, "status": row.status,
             "answers": json.loads(row.answers or "{}"), "file_name": row.file_name, "applied_at": _iso(row.created_at),
             "decided_at": _iso(row.decided_at), "decision_message": row.decision_message}
            for row, cohort in _rows(db.select(Application, Cohort).join(AdmissionRound, AdmissionRound.id == Application.round_id)
                                     .join(Cohort, Cohort.id == AdmissionRound.cohort_id)
                                     .where(Application.email == user.email, Application.school_id == school.id))]


def _cohorts(user: User, school: School) -> list[dict]:
    return [{"cohort": cohort.name, "starts_on": cohort.starts_on.isoformat(), "ends_on": cohort.ends_on.isoformat(),
             "joined_at": _iso(member.joined_at), "joined_by": member.source}
            for member, cohort in _rows(db.select(CohortMember, Cohort).join(Cohort, Cohort.id == CohortMember.cohort_id)
                                        .where(CohortMember.user_id == user.id, Cohort.school_id == school.id))]


def _cohorts_taught(user: User, school: School) -> list[dict]:
    return [{"cohort": cohort.name, "since": _iso(row.added_at)}
            for row, cohort in _rows(db.select(CohortInstructor, Cohort).join(Cohort, Cohort.id == CohortInstructor.cohort_id)
                                     .where(CohortInstructor.user_id == user.id, Cohort.school_id == school.id))]


def _calendar_feeds(user: User) -> list[dict]:
    # The address's key is never stored (only its hash), so the export names when, not which.
    return [{"created_at": _iso(feed.created_at), "revoked_at": _iso(feed.revoked_at)}
            for (feed,) in _rows(db.select(CalendarFeed).filter_by(user_id=user.id))]


def _notifications(user: User, school: School) -> list[dict]:
    # What was mailed: its kind, the id of the cohort deadline or certificate it was about, and when.
    return [{"kind": row.kind, "about_id": row.subject_id, "created_at": _iso(row.created_at),
             "sent_at": _iso(row.sent_at), "failed_at": _iso(row.failed_at)}
            for (row,) in _rows(db.select(Notification).filter_by(user_id=user.id, school_id=school.id)
                                .order_by(Notification.id))]


def _portfolio(user: User, school: School) -> list[dict]:
    # Its address is the person's own: it is in the export, as the settings page shows it.
    return [{"visibility": row.visibility, "headline": row.headline, "shows_skills": row.show_skills,
             "address": public_url("portfolio.page", token=row.token),
             "submissions_shown": [submission.id for submission in row.submissions], "updated_at": _iso(row.updated_at)}
            for (row,) in _rows(db.select(Portfolio).filter_by(user_id=user.id, school_id=school.id))]


def _identity_links(user: User) -> list[dict]:
    # The identifier the provider knows the person by, and the address it last gave.
    return [{"provider": provider.label, "issuer": provider.issuer, "subject": row.sub, "email": row.email or None,
             "linked_at": _iso(row.created_at), "last_used_at": _iso(row.last_used_at)}
            for row, provider in _rows(db.select(IdentityLink, IdentityProvider)
                                       .join(IdentityProvider, IdentityProvider.id == IdentityLink.provider_id)
                                       .where(IdentityLink.user_id == user.id).order_by(IdentityLink.created_at))]


def _lti_accounts(user: User) -> list[dict]:
    # The identifier each LMS that launched Conductor knows the person by, and the address it claimed.
    return [{"platform": platform.name, "issuer": platform.issuer, "subject": row.sub,
             "email_claimed": row.claimed_email or None, "linked_at": _iso(row.created_at)}
            for row, platform in _rows(db.select(LtiAccount, LtiPlatform)
                                       .join(LtiPlatform, LtiPlatform.id == LtiAccount.platform_id)
                                       .where(LtiAccount.user_id == user.id).order_by(LtiAccount.created_at))]


def _lti_launches(user: User) -> list[dict]:
    return [{"platform": platform.name, "resource_link": link.resource_link_id, "opens": f"{link.target} {link.target_id}",
             "last_launch_at": _iso(row.last_launch_at)}
            for row, link, platform in _rows(db.select(LtiLaunch, LtiResourceLink, LtiPlatform)
                                             .join(LtiResourceLink, LtiResourceLink.id == LtiLaunch.resource_link_id)
                                             .join(LtiPlatform, LtiPlatform.id == LtiResourceLink.platform_id)
                                             .where(LtiLaunch.user_id == user.id).order_by(LtiLaunch.id))]


def _lti_scores(user: User) -> list[dict]:
    return [{"platform": platform.name, "line_item": link.lineitem_url or None, "for": row.source,
             "score": row.score_given, "out_of": row.score_maximum, "queued_at": _iso(row.created_at)}
            for row, link, platform in _rows(db.select(LtiScore, LtiResourceLink, LtiPlatform)
                                             .join(LtiResourceLink, LtiResourceLink.id == LtiScore.resource_link_id)
                                             .join(LtiPlatform, LtiPlatform.id == LtiResourceLink.platform_id)
                                             .where(LtiScore.user_id == user.id).order_by(LtiScore.id))]


def _staff_actions(user: User) -> list[dict]:
    found = []
    for model, column, moment, action in STAFF_COLUMNS:
        rows = _rows(db.select(getattr(model, moment)).where(getattr(model, column) == user.id))
        found += [{"action": action, "at": _iso(at)} for (at,) in rows]
    return sorted(found, key=lambda row: row["at"] or "")


def _audit(user: User) -> list[dict]:
    entries = _rows(db.select(AuditEntry).where(
        ((AuditEntry.target_type == "user") & (AuditEntry.target_id == user.id)) | (AuditEntry.actor_id == user.id))
        .order_by(AuditEntry.id))
    found = []
    for (entry,) in entries:
        about_them = entry.target_type == "user" and entry.target_id == user.id
        other_person = entry.target_type == "user" and not about_them
        found.append({"at": _iso(entry.created_at), "action": entry.action,
                      "you_are": "target" if about_them else "actor", "target_type": entry.target_type,
                      # an entry about someone else keeps the fact only: their name, e-mail and details stay out
                      "target": None if other_person else entry.target_label,
                      "reason": None if other_person else entry.reason,
                      "details": None if other_person or "user" in (entry.details or {}) else entry.details,
                      "by_you": entry.actor_id == user.id})
    return found


def collect(user: User, school: School) -> dict[str, Any]:
    """Everything the database holds about the person, one key per kind."""
    return {"exported_at": _iso(utcnow()), "school": school.slug,
            "account": _account(user), "login_sessions": _sessions(user),
            "enrolments": _enrolments(user, school), "programme_enrolments": _programme_enrolments(user, school),
            "lesson_progress": _lesson_progress(user), "quiz_attempts": _attempts(user, school),
            "certificates": _certificates(user, school), "reissue_requests": _reissue_requests(user, school),
            "deletion_requests": _deletion_requests(user, school), "course_authorships": _authorships(user),
            "content_revisions": _revisions(user), "staff_actions": _staff_actions(user), "audit_entries": _audit(user),
            "cohorts": _cohorts(user, school), "cohorts_taught": _cohorts_taught(user, school),
            "calendar_feeds": _calendar_feeds(user), "applications": _applications(user, school),
            "notifications": _notifications(user, school), "submissions": work.submissions(user, school, MAX_ROWS),
            "reviews_written": work.reviews_written(user, school, MAX_ROWS),
            "peer_reviewer_roles": work.peer_reviewer_roles(user, school, MAX_ROWS),
            "portfolio": _portfolio(user, school), "identity_links": _identity_links(user),
            "lti_accounts": _lti_accounts(user), "lti_launches": _lti_launches(user), "lti_scores": _lti_scores(user)}


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
                         for value in (row.get(column) for column in columns)])
    return buffer.getvalue()


def csv_files(data: dict[str, Any]) -> dict[str, str]:
    """One CSV per kind; an attempt's answers go in quiz_answers.csv, one row each, by attempt id."""
    files = {}
    for kind, rows in data.items():
        if not isinstance(rows, list):
            continue
        if kind == "quiz_attempts":
            files["quiz_answers.csv"] = _csv([answer for row in rows for answer in row["answers"]])
            rows = [{key: value for key, value in row.items() if key != "answers"} for row in rows]
        files[f"{kind}.csv"] = _csv(rows)
    return files


def readme(files: list[str]) -> str:
    """What each file holds, in the current language (the caller forces the person's)."""
    what = {
        "data.json": _("everything below in one JSON document"),
        "account.csv": _("your account: name, e-mail address, role, language, deadline reminders, when it was created"),
        "login_sessions.csv": _("the devices you are logged in on, and when"),
        "enrolments.csv": _("the courses you enrolled in, and when you completed them"),
        "programme_enrolments.csv": _("the programmes you enrolled in"),
        "lesson_progress.csv": _("each lesson you opened and completed"),
        "quiz_attempts.csv": _("your test attempts: times, scores, results"),
        "quiz_answers.csv": _("your answer to each question of each attempt"),
        "certificates.csv": _("your certificates, with their verification links"),
        "reissue_requests.csv": _("your requests to reissue a certificate"),
        "deletion_requests.csv": _("your requests to delete your account"),
        "course_authorships.csv": _("the courses you author"),
        "content_revisions.csv": _("the changes you made to course files"),
        "staff_actions.csv": _("what you did on other people's records, without their data"),
        "audit_entries.csv": _("the audit log's entries about you or made by you"),
        "cohorts.csv": _("the cohorts you are a learner of, and how you joined them"),
        "cohorts_taught.csv": _("the cohorts you teach"),
        "applications.csv": _("your applications to the school's cohorts, with your answers"),
        "calendar_feeds.csv": _("when you made or revoked your calendar address (the address itself is not kept)"),
        "notifications.csv": _("the reminders and notices we e-mailed you, and when"),
        "portfolio.csv": _("your portfolio's settings and address, and the work it shows"),
        "submissions.csv": _("your assignment work: each version's text, the names and sizes of its files, its decision "
                             "and the reviews it received (without who wrote them)"),
        "reviews_written.csv": _("the reviews you gave of other learners' work (without their work)"),
        "peer_reviewer_roles.csv": _("the courses whose work you review as a designated peer reviewer"),
        "identity_links.csv": _("the identity providers you sign in with, and the identifier each knows you by"),
        "lti_accounts.csv": _("the learning platforms (LTI) that open Conductor for you, and the identifier each knows "
                              "you by"),
        "lti_launches.csv": _("the links of those platforms you opened Conductor from, and when you last did"),
        "lti_scores.csv": _("the scores sent to those platforms' gradebooks"),
    }
    lines = [_("Your data at Conductor"), "", _("Dates are in UTC (ISO 8601). The files:"), ""]
    lines += [f"- {name}: {what.get(name, '')}" for name in files]
    return "\n".join(lines) + "\n"


def build_zip(user: User, school: School) -> bytes:
    data = collect(user, school)
    files = {"data.json": json.dumps(data, ensure_ascii=False, indent=2)} | csv_files(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(list(files)))
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
