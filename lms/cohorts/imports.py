"""Importing learners into a cohort from a CSV file (e-mail, name): read and check every row first (a dry run
stores nothing), then apply the whole file in one transaction, in batches of bulk statements.

A file is refused as a whole when any row is wrong: the errors name their line. The same functions serve the
admin pages and ``flask lms cohorts import``."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..accounts import services as accounts
from ..extensions import db
from ..i18n import _, school_language
from .models import Cohort, CohortMember

BATCH = 500  # rows per bulk statement: memory stays flat, round trips stay few
EMAIL_HEADERS = {"email", "e-mail", "courriel", "mail", "adresse e-mail", "adresse électronique"}
NAME_HEADERS = {"name", "nom", "full name", "nom complet"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_EMAIL, MAX_NAME = 254, 120


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str


@dataclass
class Plan:
    """What importing a file would do: the rows, sorted into what happens to each, or the errors."""
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    to_create: list[Row] = field(default_factory=list)
    to_add: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(ValueError):
    """The file has errors: nothing was stored."""

    def __init__(self, plan: Plan):
        super().__init__(_("The file has errors: nothing was imported."))
        self.plan = plan


def _decode(content: bytes) -> str | None:
    try:
        return content.decode("utf-8-sig")  # with or without the BOM spreadsheets write
    except UnicodeDecodeError:
        return None


def _columns(header: list[str]) -> tuple[int | None, int | None]:
    names = [cell.strip().lower() for cell in header]
    email = next((i for i, cell in enumerate(names) if cell in EMAIL_HEADERS), None)
    name = next((i for i, cell in enumerate(names) if cell in NAME_HEADERS), None)
    return email, name


def parse(content: bytes, max_rows: int) -> Plan:
    """Read the file's rows and check each one; ``plan.errors`` lists every problem with its line number."""
    plan = Plan()
    text = _decode(content)
    if text is None:
        plan.errors.append((1, _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")))
        return plan
    if not text.strip():
        plan.errors.append((1, _("The file is empty.")))
        return plan
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    email_at, name_at = _columns(header)
    if email_at is None or name_at is None:
        plan.errors.append((1, _("The first line must name the columns: “email” and “name” (or “courriel” and "
                                 "“nom”).")))
        return plan
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(plan.rows) + len(plan.errors) >= max_rows:
            plan.errors.append((line, _("The file has more than %(num)d rows: split it.", num=max_rows)))
            break
        email = cells[email_at].strip() if email_at < len(cells) else ""
        name = " ".join(cells[name_at].split()) if name_at < len(cells) else ""
        error = _row_error(email, name, seen)
        if error:
            plan.errors.append((line, error))
            continue
        seen[accounts.normalise_email(email)] = line
        plan.rows.append(Row(line, accounts.normalise_email(email), name))
    if not plan.rows and not plan.errors:
        plan.errors.append((1, _("The file has no learners: only its header line.")))
    return plan


def _row_error(email: str, name: str, seen: dict[str, int]) -> str | None:
    if not email:
        return _("the e-mail address is missing.")
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        return _("“%(email)s” is not an e-mail address.", email=email[:MAX_EMAIL])
    earlier = seen.get(accounts.normalise_email(email))
    if earlier is not None:
        return _("%(email)s is already on line %(line)d.", email=email, line=earlier)
    if not name:
        return _("the name is missing.")
    if len(name) > MAX_NAME:
        return _("the name is longer than %(num)d characters.", num=MAX_NAME)
    return None


def batches(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _member_ids(cohort: Cohort, user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    query = db.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id,
                                                  CohortMember.user_id.in_(user_ids))
    return set(db.session.execute(query).scalars())


def preview(cohort: Cohort, content: bytes, max_rows: int) -> Plan:
    """The dry run: what the file would change, read from the database, with nothing stored."""
    plan = parse(content, max_rows)
    if not plan.ok:
        return plan
    for batch in batches(plan.rows):
        existing = accounts.find_users_by_email([row.email for row in batch])
        members = _member_ids(cohort, list(existing.values()))
        for row in batch:
            user_id = existing.get(row.email)
            (plan.to_create if user_id is None else plan.members if user_id in members else plan.to_add).append(row)
    return plan


@dataclass
class Applied:
    created: list[int] = field(default_factory=list)  # new accounts, to invite
    added: list[int] = field(default_factory=list)  # existing accounts added, to tell
    already: int = 0


def apply(cohort: Cohort, content: bytes, max_rows: int) -> Applied:
    """Import the file: create the missing accounts (invited, in the school's language), make everyone a member
    (``source="import"``) and enrol them. Raises ``ImportRefused`` (nothing stored) when any row is wrong.
    Flushes, never commits: the caller's transaction holds the whole file."""
    from .services import enrol_many

    plan = parse(content, max_rows)
    if not plan.ok:
        raise ImportRefused(plan)
    applied, locale = Applied(), school_language()
    for batch in batches(plan.rows):
        before = accounts.find_users_by_email([row.email for row in batch])
        missing = [(row.email, row.name) for row in batch if row.email not in before]
        now = accounts.create_invited_users(missing, locale=locale) if missing else {}
        ids = {**now, **before}
        members = _member_ids(cohort, list(ids.values()))
        joining = [ids[row.email] for row in batch if ids[row.email] not in members]
        enrol_many(cohort, joining, "import")
        applied.created += [ids[email] for email, _name in missing]
        known = set(before.values())
        applied.added += [user_id for user_id in joining if user_id in known]
        applied.already += len(members)
    return applied


SEAL_SALT = "lms-cohort-import"
SEAL_MAX_AGE = 3600  # an hour between the preview and the confirmation


def seal(cohort: Cohort, actor_id: int, content: bytes) -> str:
    """The previewed file, signed (and compressed) for the confirmation form: the server applies exactly what it
    showed, for this cohort and this admin only, within the hour; a changed byte breaks the signature."""
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SEAL_SALT)
    return serializer.dumps({"cohort": cohort.id, "actor": actor_id, "file": content.decode("utf-8-sig")})


def unseal(cohort: Cohort, actor_id: int, sealed: str) -> bytes | None:
    """The file a confirmation form carries, or None when it is forged, stale or for another cohort or admin."""
    from flask import current_app
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SEAL_SALT)
    try:
        data = serializer.loads(sealed, max_age=SEAL_MAX_AGE)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or data.get("cohort") != cohort.id or data.get("actor") != actor_id:
        return None
    return str(data.get("file", "")).encode()
