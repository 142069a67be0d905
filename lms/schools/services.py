"""Finding the school a request or command acts for, and the rules for creating schools and naming their hosts.

A request acts for the school that lists its host name; the school ``LMS_SCHOOL`` answers on every host no
school lists, so a deployment with one school answers on any host (the embedded default). A command acts for
``LMS_SCHOOL`` unless it names another school."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request
from sqlalchemy import inspect, or_
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError

from werkzeug.sansio.utils import host_is_trusted

from ..config import trusted_hosts
from ..db import insert_ignore
from ..web import site_host_from
from ..extensions import db
from ..i18n import _
from .models import School, SchoolHost

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
# A DNS name (RFC 1123 labels) or an IPv4 address: what a browser puts in the Host header, port left out.
HOST = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_HOSTS = 20


class SchoolRefused(ValueError):
    """A school or host the platform cannot take; the message says why."""


def request_host() -> str | None:
    """The request's host name in lower case, without its port; None outside a request."""
    if not has_request_context():
        return None
    try:
        return (urlsplit("//" + request.host).hostname or "").rstrip(".") or None
    except ValueError:  # a malformed Host header (Werkzeug refuses most before this)
        return None


def _lookup(host: str | None) -> School | None:
    """The school listing ``host``, else the ``LMS_SCHOOL`` one: one query (a page's budget counts it)."""
    default = current_app.config["LMS_SCHOOL"]
    if host is None:
        return db.session.execute(db.select(School).filter_by(slug=default)).scalar_one_or_none()
    statement = (db.select(School)
                 .outerjoin(SchoolHost, (SchoolHost.school_id == School.id) & (SchoolHost.host == host))
                 .where(or_(SchoolHost.host == host, School.slug == default))
                 .order_by(SchoolHost.host.is_(None)).limit(1))
    return db.session.execute(statement).scalar_one_or_none()


def find_school() -> School | None:
    """The school this request (or command) acts for, read-only: browsing never creates it (enrolling does).
    Read once per request."""
    host = request_host()
    cached = g.get("lms_school")
    if cached is not None and cached[0] == host:
        school, state = cached[1], inspect(cached[1])
        if not state.detached:  # not from a session that ended
            if not state.expired:
                return school
            try:  # after a commit (one query, as a lookup), so a block acting for a school goes on doing so
                db.session.refresh(school)
                return school
            except (ObjectDeletedError, InvalidRequestError):  # its row went with a rollback: look again
                pass
    school = _lookup(host)
    if school is not None:
        g.lms_school = (host, school)
    return school


def current_school() -> School:
    """The school this request acts for; the ``LMS_SCHOOL`` one is created on first use, so a fresh install works."""
    school = find_school()
    if school is None:
        school = default_school()
        g.lms_school = (request_host(), school)
    return school


def default_school() -> School:
    """The ``LMS_SCHOOL`` school, created on first use from the LMS_* seed values (admins edit them afterwards)."""
    config = current_app.config
    slug = config["LMS_SCHOOL"]
    school = school_by_slug(slug)
    if school is None:
        seed = {"slug": slug, "name": config["LMS_SCHOOL_NAME"], "signatory": config["LMS_CERTIFICATE_SIGNATORY"]}
        db.session.execute(insert_ignore(School, seed, ["slug"]))
        school = db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one()
    return school


@contextmanager
def acting_for(school: School) -> Iterator[School]:
    """Inside the block, the request (or command) acts for ``school``: its branding, its address in links, its
    accounts. A platform administrator's page uses it to invite a new school's first admin."""
    saved = g.get("lms_school"), g.get("lms_branding")
    g.lms_school = (request_host(), school)
    g.pop("lms_branding", None)
    g.pop("lms_own_host", None)
    try:
        yield school
    finally:
        g.pop("lms_own_host", None)
        g.lms_school, g.lms_branding = saved
        if saved[0] is None:
            g.pop("lms_school", None)
        if saved[1] is None:
            g.pop("lms_branding", None)


def default_slug() -> str:
    """The school that answers on every host no school lists (``LMS_SCHOOL``)."""
    return current_app.config["LMS_SCHOOL"]


def school_by_slug(slug: str) -> School | None:
    return db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one_or_none()


def hosts_of(school: School) -> list[str]:
    """The school's host names, its own address first."""
    return list(db.session.execute(db.select(SchoolHost.host).filter_by(school_id=school.id)
                                   .order_by(SchoolHost.position, SchoolHost.host)).scalars())


def own_host() -> str | None:
    """The address of the school this request (or command) acts for, for the links that leave the site; None for a
    school that lists no host (the ``LMS_SCHOOL`` one, whose address is ``LMS_BASE_URL``'s)."""
    school = find_school()
    if school is None:
        return None
    cached = g.get("lms_own_host")
    if cached is None or cached[0] != school.id:  # read once per request (and per school acted for)
        cached = g.lms_own_host = (school.id, db.session.execute(
            db.select(SchoolHost.host).filter_by(school_id=school.id).order_by(SchoolHost.position, SchoolHost.host)
            .limit(1)).scalar_one_or_none())
    return cached[1]


def parse_hosts(text: str) -> list[str]:
    """Host names, one a line or separated by spaces or commas: lower case, no scheme, port or path."""
    hosts: list[str] = []
    for item in re.split(r"[\s,]+", (text or "").strip().lower()):
        if not item:
            continue
        item = item.rstrip(".")
        if not HOST.fullmatch(item):
            raise SchoolRefused(_("'%(host)s' is not a host name: write it as learn.example.org, without https:// "
                                  "or a path.", host=item[:80]))
        if item not in hosts:
            hosts.append(item)
    if len(hosts) > MAX_HOSTS:
        raise SchoolRefused(_("A school may have at most %(most)d host names.", most=MAX_HOSTS))
    trusted = trusted_hosts(current_app.config)
    for host in hosts:
        if trusted is not None and not host_is_trusted(host, trusted):
            raise SchoolRefused(_("The site does not answer on %(host)s: add it (or its domain, as .example.org) to "
                                  "LMS_TRUSTED_HOSTS first.", host=host))
    return hosts


def set_hosts(school: School, hosts: list[str]) -> None:
    """Make ``hosts`` the school's host names; a host another school lists is refused, naming it."""
    taken = db.session.execute(db.select(SchoolHost.host, School.name).join(School, School.id == SchoolHost.school_id)
                               .where(SchoolHost.host.in_(hosts), SchoolHost.school_id != school.id)).first()
    if taken is not None:
        raise SchoolRefused(_("The host %(host)s already belongs to the school %(school)s.",
                              host=taken.host, school=taken.name))
    db.session.execute(db.delete(SchoolHost).where(SchoolHost.school_id == school.id))
    for position, host in enumerate(hosts):
        db.session.add(SchoolHost(host=host, school_id=school.id, position=position))
    g.pop("lms_own_host", None)
    try:
        db.session.flush()
    except IntegrityError:  # another school took one of them a moment ago; the caller rolls back
        raise SchoolRefused(_("One of these host names was just given to another school.")) from None


def create_school(slug: str, name: str, hosts: list[str]) -> School:
    """A new school answering on ``hosts``; its settings start from the LMS_* seed values."""
    slug, name = slug.strip().lower(), name.strip()
    if not SLUG.fullmatch(slug):
        raise SchoolRefused(_("The school's short identifier may hold lower-case letters, digits and hyphens "
                              "(at most 64), such as ecole-lyon."))
    if not name or len(name) > 200:
        raise SchoolRefused(_("The school needs a name of at most 200 characters."))
    if school_by_slug(slug) is not None:
        raise SchoolRefused(_("A school with the identifier %(slug)s already exists.", slug=slug))
    if not hosts:
        raise SchoolRefused(_("A new school needs at least one host name: the address its people will open."))
    config = current_app.config
    school = School(slug=slug, name=name, signatory=config["LMS_CERTIFICATE_SIGNATORY"])
    db.session.add(school)
    db.session.flush()
    set_hosts(school, hosts)
    return school


def all_schools() -> list[School]:
    return list(db.session.execute(db.select(School).order_by(School.name)).scalars())


site_host_from(own_host)
