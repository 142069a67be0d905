"""A learner's work on an assignment: one draft at a time, text and files, then a submission that is final.

Versions follow each other: after a "revise" decision the learner starts the next number; after "pass" or
"fail", or while a version waits for its decision, there is no new draft. Submitting is a guarded UPDATE on
the status, so two tabs submitting at once make one submission."""
from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..catalog.models import Course, Skill
from ..content.markdown import render_markdown
from ..db import utcnow
from ..extensions import db
from ..i18n import _, _l, number
from ..schools.models import School
from .filetypes import FILE_TYPES, clean_name, kind_of
from .models import Assignment, Review, Submission, SubmissionFile

TEXT_LIMIT = 50_000  # characters of Markdown
EXTENSION_KINDS = {"jpeg": "jpg"}  # other spellings of a kind's extension
# Where the learner's work stands (the stored status and decision, read together), and that in words.
STATE_LABELS = {"not_started": _l("Not started"), "draft": _l("Draft"), "submitted": _l("Submitted – awaiting review"),
                "revise": _l("Revise and resubmit"), "passed": _l("Passed"), "failed": _l("Not passed")}


class SubmissionRefused(Exception):
    """A rule of the assignment refuses the action; the message says why, for the learner."""


def assignment_for(course: Course, slug: str) -> Assignment | None:
    return db.session.execute(db.select(Assignment).filter_by(course_id=course.id, slug=slug, retired=False)
                              ).scalar_one_or_none()


def skill_names(assignment: Assignment) -> dict[str, str]:
    """The names of the skills the rubric's criteria name, by id."""
    ids = {criterion["skill"] for criterion in assignment.rubric if criterion.get("skill")}
    if not ids:
        return {}
    return dict(db.session.execute(db.select(Skill.slug, Skill.name).where(Skill.slug.in_(ids))).all())


def versions_of(user: User, assignment: Assignment) -> list[Submission]:
    """The learner's versions, oldest first."""
    return list(db.session.execute(db.select(Submission).filter_by(user_id=user.id, assignment_id=assignment.id)
                                   .order_by(Submission.number)).scalars())


def state_of(latest: Submission | None) -> str:
    """Where the work stands, from its latest version (a decision counts once it is released)."""
    if latest is None:
        return "not_started"
    if latest.status == "draft":
        return "draft"
    if latest.status == "submitted" or latest.released_at is None:
        return "submitted"
    return {"pass": "passed", "fail": "failed"}.get(latest.decision or "", "revise")


def states_in(user: User, course_id: int) -> dict[str, str]:
    """The learner's state on each assignment of a course, by slug (one query; "not_started" when absent)."""
    latest: dict[str, Submission] = {}
    rows = db.session.execute(db.select(Assignment.slug, Submission).join(Submission, Submission.assignment_id == Assignment.id)
                              .where(Assignment.course_id == course_id, Assignment.retired.is_(False),
                                     Submission.user_id == user.id).order_by(Submission.number))
    for slug, version in rows:
        latest[slug] = version
    return {slug: state_of(version) for slug, version in latest.items()}


HANDED_IN = ("submitted", "passed", "failed")  # nothing left for the learner to do


def may_start(latest: Submission | None) -> bool:
    """Whether the learner may open a new version: the first, or the next after a released "revise"."""
    return latest is None or state_of(latest) == "revise"


def draft_of(user: User, assignment: Assignment, school: School) -> Submission:
    """The learner's open draft, started if they may start one (the next version begins with the previous text)."""
    versions = versions_of(user, assignment)
    latest = versions[-1] if versions else None
    if latest is not None and latest.status == "draft":
        return latest
    if not may_start(latest):
        raise SubmissionRefused(_("This work can no longer be changed."))
    draft = Submission(assignment_id=assignment.id, user_id=user.id, school_id=school.id,
                       number=latest.number + 1 if latest else 1, status="draft",
                       text=latest.text if latest else "", text_html=latest.text_html if latest else "")
    try:
        with db.session.begin_nested():  # another tab started the same version: use that one
            db.session.add(draft)
    except IntegrityError:
        raced = versions_of(user, assignment)[-1]
        if raced.status != "draft":
            raise SubmissionRefused(_("This work can no longer be changed.")) from None
        return raced
    return draft


def save_text(user: User, assignment: Assignment, school: School, text: str) -> Submission:
    """Keep the learner's Markdown and its sanitised rendering in their draft."""
    if not assignment.submit_text:
        raise SubmissionRefused(_("This assignment takes files, not text."))
    text = text.replace("\r\n", "\n")
    if len(text) > TEXT_LIMIT:
        raise SubmissionRefused(_("Your text is longer than %(count)s characters.", count=number(TEXT_LIMIT)))
    draft = draft_of(user, assignment, school)
    draft.text = text
    draft.text_html = render_markdown(text, language=assignment.course.language)[0] if text.strip() else ""
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def extension_kind(name: str | None) -> str:
    """The kind a file's name claims, from its extension (``report.JPEG`` claims jpg)."""
    extension = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    return EXTENSION_KINDS.get(extension, extension)


def add_file(draft: Submission, data: bytes, name: str | None) -> SubmissionFile:
    """Attach a file the assignment accepts, recognised by its content and named as the learner named it."""
    assignment = draft.assignment
    if draft.status != "draft":
        raise SubmissionRefused(_("This work can no longer be changed."))
    if not assignment.submit_files:
        raise SubmissionRefused(_("This assignment takes text, not files."))
    if not data:
        raise SubmissionRefused(_("The file is empty."))
    if len(data) > assignment.max_file_bytes:
        raise SubmissionRefused(_("The file is larger than %(size)s MB.",
                                  size=number(round(assignment.max_file_bytes / 1024 / 1024, 1))))
    if len(draft.files) >= assignment.max_files:
        raise SubmissionRefused(_("You can attach at most %(count)d files: delete one first.", count=assignment.max_files))
    claimed, kind = extension_kind(name), kind_of(data, extension_kind(name))
    accepted = ", ".join(kind.upper() for kind in assignment.file_types)
    if kind is None or kind not in assignment.file_types:
        raise SubmissionRefused(_("This file is not one this assignment accepts (%(kinds)s).", kinds=accepted))
    if claimed != kind:
        raise SubmissionRefused(_("This file is a %(kind)s document but its name ends in .%(extension)s: "
                                  "save it with the right ending and attach it again.",
                                  kind=kind.upper(), extension=claimed or "…"))
    row = SubmissionFile(submission=draft, name=clean_name(name, "." + kind), kind=kind, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), data=data)
    db.session.add(row)
    draft.updated_at = utcnow()
    db.session.flush()
    return row


def delete_file(draft: Submission, file: SubmissionFile) -> None:
    if draft.status != "draft" or file.submission_id != draft.id:
        raise SubmissionRefused(_("This work can no longer be changed."))
    draft.files.remove(file)
    draft.updated_at = utcnow()
    db.session.flush()


def submit(draft: Submission) -> Submission:
    """Hand the draft in with the rubric as it is now; refused when something the assignment asks for is missing."""
    assignment = draft.assignment
    if draft.status != "draft":
        raise SubmissionRefused(_("This version was already submitted."))
    if assignment.submit_text and not draft.text.strip():
        raise SubmissionRefused(_("Write your answer before you submit."))
    if assignment.submit_files and not draft.files:
        raise SubmissionRefused(_("Attach at least one file before you submit."))
    done = db.session.execute(
        db.update(Submission).where(Submission.id == draft.id, Submission.status == "draft")
        .values(status="submitted", submitted_at=utcnow(), rubric=assignment.rubric)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(draft)
    if not done:
        raise SubmissionRefused(_("This version was already submitted."))
    return draft


def file_by_id(file_id: int) -> SubmissionFile | None:
    return db.session.get(SubmissionFile, file_id)


def may_download(user: User, file: SubmissionFile, staff_may_review) -> bool:
    """The owner, an instructor reviewing the submission, or staff with a say on it (``staff_may_review``, from
    cohorts); a draft is its owner's alone. Peers download through their review page, which names the file
    anonymously (a file's own name may name its author)."""
    submission = file.submission
    if not user.is_authenticated or user.school_id != submission.school_id:
        return False
    if user.id == submission.user_id:
        return True
    if submission.status == "draft":
        return False
    reviewing = db.session.execute(db.select(Review.id).filter_by(submission_id=submission.id, reviewer_id=user.id,
                                                                  kind="instructor")).first()
    return reviewing is not None or staff_may_review(user, submission)


def media_type(file: SubmissionFile) -> str:
    return FILE_TYPES[file.kind]


def deciding_review(submission: Submission | None) -> Review | None:
    """The instructor's review behind a released decision, which the learner reads (never who wrote it)."""
    if submission is None or submission.released_at is None or submission.decided_by_id is None:
        return None
    return next((r for r in submission.reviews if r.kind == "instructor" and r.reviewer_id == submission.decided_by_id
                 and r.submitted_at is not None), None)
