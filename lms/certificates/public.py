"""What anyone may check without logging in: a certificate's verification page and status, and the
issuer's profile, public keys and revocation list that a verifier needs to check a signed badge."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from ..schools.services import find_school
from . import services
from .keys import key_store
from .signing import SigningKeyUnavailable, public_jwk, published, register
from .models import Certificate, PublishedKey
from .openbadge import issuer_profile, iso, key_url, status_list_credential
from ..web import public_url

bp = Blueprint("verification", __name__, template_folder="templates")


def _public(response: Response, max_age: int = 300) -> Response:
    """Verifiers (wallets, other sites' scripts) fetch these from anywhere; they hold only public data."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def signed_or_503(make):
    """Sign with the current key, committing any key registered on the way; a server lacking the
    current private key logs why and answers 503, so the balancer's other servers can answer."""
    try:
        body = make()
    except SigningKeyUnavailable as error:
        current_app.logger.error("%s", error)
        abort(503, description=_("This server cannot sign credentials at the moment; try again later."))
    db.session.commit()
    return body


def _certificate(credential_id: str) -> Certificate:
    certificate = services.by_credential_id(credential_id)
    school = find_school()
    if certificate is None or school is None or certificate.school_id != school.id:
        abort(404)  # the standard page: an unknown id, or another school's, reveals nothing
    return certificate


def _issuer_or_404(slug: str) -> School:
    """A school's issuer, on that school's own site only (its credentials name it there)."""
    school = find_school()
    if school is None or school.slug != slug:
        abort(404)
    return school


@bp.get("/verify/<credential_id>")
def verify(credential_id: str):
    certificate = _certificate(credential_id)
    replacement = db.session.get(Certificate, certificate.replaced_by_id) if certificate.replaced_by_id else None
    school = db.session.get(School, certificate.school_id)
    return render_template("certificates/verify.html", certificate=certificate, replacement=replacement,
                           issuer_slug=school.slug)


@bp.get("/verify/<credential_id>.json")
def verify_json(credential_id: str):
    certificate = _certificate(credential_id)
    school = db.session.get(School, certificate.school_id)
    replacement = db.session.get(Certificate, certificate.replaced_by_id) if certificate.replaced_by_id else None
    return _public(jsonify({
        "id": public_url("verification.verify", credential_id=certificate.credential_id),
        "credentialId": certificate.credential_id, "status": certificate.status,
        "revokedAt": iso(certificate.revoked_at) if certificate.revoked_at else None,
        "revocationReason": (certificate.revocation_reason or None) if certificate.revoked_at else None,
        "replacedBy": public_url("verification.verify", credential_id=replacement.credential_id) if replacement else None,
        "holder": certificate.holder_name or None,  # None: removed when the holder deleted their account "achievement": certificate.title, "kind": certificate.kind,
        "hours": float(certificate.hours), "completedAt": iso(certificate.completed_at),
        "issuedAt": iso(certificate.issued_at),
        "issuer": {"id": public_url("verification.issuer", slug=school.slug), "name": certificate.school_name},
    }), max_age=60)


@bp.get("/issuers/<slug>")
def issuer(slug: str):
    return _public(jsonify(issuer_profile(_issuer_or_404(slug))))


@bp.get("/issuers/<slug>/jwks.json")
def jwks(slug: str):
    """Every key the school ever signed with, newest last, so credentials signed before a rotation still
    verify; only this school's, so another school's credential does not verify against them."""
    school = _issuer_or_404(slug)
    if register(school, key_store(school).keys()):
        db.session.commit()  # a key found in this server's folder, published for every server
    keys = [public_jwk(key) | {"kid": key_url(school, key)} for key in published(school)]
    return _public(jsonify({"keys": keys}))


@bp.get("/issuers/<slug>/keys/<kid>")
def issuer_key(slug: str, kid: str):
    """One public key as a JWK: what a credential's ``kid`` header points at."""
    school = _issuer_or_404(slug)
    key = db.session.scalars(db.select(PublishedKey).filter_by(kid=kid, school_id=school.id)).first()
    if key is None:
        abort(404)
    return _public(jsonify(public_jwk(key) | {"kid": key_url(school, key)}), max_age=86400)


@bp.get("/issuers/<slug>/status/revocation")
def status_list(slug: str):
    """The school's Bitstring Status List: bit N is set when certificate N is revoked."""
    school = _issuer_or_404(slug)
    body = signed_or_503(lambda: status_list_credential(school, services.revoked_indexes(school), utcnow()))
    return _public(Response(body, mimetype="application/vc+jwt"), max_age=60)
