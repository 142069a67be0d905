"""School settings: admins edit them in the browser; every page reads the logo and the accent stylesheet."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import require_admin
from ..admin.services import record
from ..extensions import db
from ..i18n import _, school_language, supported
from ..web import body_limit, transaction
from .forms import SchoolSettingsForm
from .logos import LogoRefused
from .models import SchoolLogo
from .services import current_school, find_school
from .settings import SettingsRefused, parse_catalog, dark_mode_accent, darker, footer_text, site_branding, update_settings

bp = Blueprint("school", __name__, template_folder="templates")


def shared_course_slugs() -> set[str]:
    """The live courses no school owns: those a school's catalog list may name."""
    from ..catalog.models import Course  # a view may import a higher feature

    return set(db.session.execute(db.select(Course.slug).where(Course.retired.is_(False),
                                                                Course.school_slug.is_(None))).scalars())
# An uploaded SVG is shown as an image, never as a page that could run: no script, no fetch, sandboxed.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
YEAR = 31536000
bp.app_context_processor(lambda: {"lms_school": site_branding})  # every page's header, footer and accent


@bp.route("/admin/school", methods=["GET", "POST"])
@body_limit("LMS_LOGO_MAX_BYTES")
def settings():
    denied = require_admin()
    if denied is not None:
        return denied
    school = current_school() if request.method == "POST" else None
    form = SchoolSettingsForm()
    status = 200
    if request.method == "GET":
        now = site_branding()
        form.name.data, form.short_name.data, form.accent.data = now.name, now.short_name, now.accent
        form.signatory.data, form.signatory_title.data = now.signatory, now.signatory_title
        form.contact_email.data = now.contact_email
        form.footer_links.data = "\n".join(f"{label} | {url}" for label, url in now.footer_links)
        form.default_language.data = supported(now.language) or school_language()
        school_row = find_school()
        form.catalog.data = "\n".join(json.loads(school_row.catalog or "[]")) if school_row is not None else ""
    elif form.validate_on_submit():
        limit = current_app.config["LMS_LOGO_MAX_BYTES"]
        upload = form.logo.data
        logo = upload.stream.read(limit + 1) if upload and getattr(upload, "filename", "") else None
        # A form that does not send the language (an older page, a script) keeps the school's.
        language = form.default_language.data if "default_language" in request.form else None
        catalog_text = form.catalog.data if "catalog" in request.form else None
        with transaction(SettingsRefused, LogoRefused, success=_("The school settings are saved.")) as done:
            before = footer_text(school)
            catalog = parse_catalog(catalog_text, shared_course_slugs()) if catalog_text is not None else None
            update_settings(school, name=form.name.data, short_name=form.short_name.data or "",
                            accent=form.accent.data or "", signatory=form.signatory.data,
                            signatory_title=form.signatory_title.data or "", contact_email=form.contact_email.data or "",
                            footer_links=form.footer_links.data or "", logo=logo, remove_logo=form.remove_logo.data,
                            default_language=language, catalog=catalog)
            record(current_user, "school_settings", school, name=school.name, logo_changed=bool(logo),
                   footer_changed=before != footer_text(school))
        if done.ok:
            return redirect(url_for("school.settings"))
        form.form_errors.append(str(done.error))
        status = 422
    else:
        status = 422
    return render_template("school/settings.html", form=form, branding=site_branding(),
                           logo_limit=current_app.config["LMS_LOGO_MAX_BYTES"]), status


@bp.get("/school/logo/<id:logo_id>")
def logo(logo_id: int):
    """A logo by id: its bytes never change, so browsers may keep it; shown, never run."""
    item = db.session.get(SchoolLogo, logo_id)
    if item is None:
        abort(404)
    response = Response(item.data, mimetype=item.media_type)
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    response.headers["Content-Disposition"] = "inline; filename=logo." + item.media_type.split("/")[1].split("+")[0]
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/school/theme.css")
def theme():
    """The accent colour as CSS custom properties, from a checked value; the URL carries the settings
    version, so a change is a new address and a cached copy is never stale."""
    settings = site_branding()
    css = ""
    if settings.accent:
        dark, dark_hover = dark_mode_accent(settings.accent)
        css = (f":root {{ --brand: {settings.accent}; --brand-dark: {darker(settings.accent)}; }}\n"
               f"@media (prefers-color-scheme: dark) {{ :root {{ --brand: {dark}; --brand-dark: {dark_hover}; }} }}\n")
    response = Response(css, mimetype="text/css")
    current = request.args.get("v") == settings.theme_version
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if current else "no-cache"
    return response
