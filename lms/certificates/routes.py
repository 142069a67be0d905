"""The learner's certificates: the list, and the PDF and Open Badge downloads of their own certificates."""
from __future__ import annotations

import json
import re
from io import BytesIO
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..i18n import _, language_name
from ..schools.settings import logo_of
from ..web import public_url, transaction
from . import services
from .formatting import hours_text, kind_label, long_date, revocation_reason, status_label
from .models import Certificate
from .openbadge import credential, links_for, signed_credential
from .pdf import render_pdf
from .public import signed_or_503

bp = Blueprint("certificates", __name__, template_folder="templates", static_folder="static",
               static_url_path="/certificates/static")
# In the page's language: "2.5 hours" reads "2,5 heures" on a French page, whatever the certificate's.
bp.add_app_template_filter(hours_text, "certificate_hours")
bp.add_app_template_filter(long_date, "certificate_date")
bp.add_app_template_filter(kind_label, "certificate_kind")
bp.add_app_template_filter(status_label, "certificate_status")
bp.add_app_template_filter(revocation_reason, "revocation_reason")
bp.add_app_template_filter(language_name, "certificate_language")


def verify_url(certificate: Certificate) -> str:
    return public_url("verification.verify", credential_id=certificate.credential_id)


def linkedin_url(certificate: Certificate, link: str) -> str:
    """LinkedIn's documented add-to-profile link, filled in so the learner only confirms."""
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": certificate.title, "organizationName": certificate.school_name,
        "issueYear": certificate.issued_at.year, "issueMonth": certificate.issued_at.month, "certUrl": link,
        "certId": certificate.credential_id})


def _own(credential_id: str) -> Certificate:
    """The learner's own certificate (an admin may fetch any); someone else's is not found, and a revoked
    one can no longer be downloaded by its holder."""
    certificate = services.by_credential_id(credential_id)
    if certificate is None or (certificate.user_id != current_user.id
                               and not (current_user.is_admin and certificate.school_id == current_user.school_id)):
        abort(404)  # an admin supports their own school's learners only
    if not certificate.is_valid and not current_user.is_admin:
        abort(410)
    return certificate


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    filename = re.sub(r"[^A-Za-z0-9._-]", "-", filename)  # slugs come from file names: keep the header plain
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates")
@login_required
def mine():
    items = []
    for certificate in services.certificates_of(current_user):
        link = verify_url(certificate)
        items.append((certificate, link, linkedin_url(certificate, link)))
    return render_template("certificates/mine.html", items=items, requests=services.reissue_requests_of(current_user))


@bp.post("/certificates/<credential_id>/reissue-request")
@login_required
def request_reissue(credential_id: str):
    """The holder asks for the certificate with their current name; only their own (another's is not found)."""
    certificate = services.by_credential_id(credential_id)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with transaction(services.CertificateError,
                     success=_("Your request is sent: an administrator will review it, and the new certificate "
                               "will appear here.")):
        services.request_reissue(certificate, current_user)
    return redirect(url_for("certificates.mine"))


@bp.get("/certificates/<credential_id>.pdf")
@login_required
def pdf(credential_id: str):
    certificate = _own(credential_id)
    logo = logo_of(certificate.logo_id)  # the logo it was issued with; older ones show LMS_SCHOOL_LOGO, if set
    body = render_pdf(certificate, verify_url(certificate),
                      BytesIO(logo.data) if logo else current_app.config.get("LMS_SCHOOL_LOGO"))
    return _download(body, "application/pdf", f"certificate-{certificate.achievement_slug}.pdf")


@bp.get("/certificates/<credential_id>.jwt")
@login_required
def badge_jwt(credential_id: str):
    certificate = _own(credential_id)
    return _download(signed_or_503(lambda: signed_credential(certificate)), "application/vc+jwt",
                     f"open-badge-{certificate.achievement_slug}.jwt")


@bp.get("/certificates/<credential_id>.json")
@login_required
def badge_json(credential_id: str):
    certificate = _own(credential_id)
    document = credential(certificate, links_for(certificate))
    return _download(json.dumps(document, indent=2, ensure_ascii=False), "application/json",
                     f"open-badge-{certificate.achievement_slug}.json")
