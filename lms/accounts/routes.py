"""Account pages. Views load, check and act; the rules live in services."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..i18n import LANGUAGE_COOKIE, _, date_time, force_locale, language_without_preference, ngettext
from ..web import safe_next, silently, transaction
from . import messages, reauth, services, sessions
from .forms import (ChangePasswordForm, ConfirmEmailForm, EmailChangeForm, EndSessionsForm, FinishRegistrationForm,
                    LanguageForm, LoginForm, LogoutForm, NameForm, ProfileLanguageForm, RegisterForm, RemindersForm,
                    ResetForm, ResetRequestForm)

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # a year: a visitor's choice of language outlives any session

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")


# Rate limits. Each form is limited per client address (``request.remote_addr``: the proxy's
# forwarded address when LMS_PROXY_COUNT says to trust it); log-ins also per account, whatever the
# address; and the mails about one address (reset links, registration links and notices) per address
# mailed, whoever asks. Addresses without an account count the same, so a limit reveals none.


def _setting(name: str):
    return lambda: current_app.config[name]


def _submitted_email() -> str:
    """The key of the account a form names (its e-mail address, normalised), existing or not."""
    return "email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    return response.status_code != 302  # a log-in that worked redirects


def _accepted(response) -> bool:
    return response.status_code == 302  # the form was valid, so a mail was queued


def _passwords_off():
    """The answer of a password page at a school whose local passwords are off (lms/sso): who to turn to instead."""
    return render_template("lms/error.html", code=403, title=_("Passwords are off at this school"),
                           message=_("This school signs people in with its identity provider: use a button on the "
                                     "log-in page. Only the school's administrators keep a password here.")), 403


ACCOUNT_MAIL_LIMIT = limiter.shared_limit(_setting("LMS_ACCOUNT_MAIL_RATE_LIMIT"), scope="account-mail",
                                          key_func=_submitted_email, methods=["POST"], deduct_when=_accepted)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_setting("LMS_REGISTER_RATE_LIMIT"), methods=["POST"])
@ACCOUNT_MAIL_LIMIT
def register():
    """The same answer whether the address has an account or not; the mail says which it was."""
    if current_user.is_authenticated:
        return redirect(url_for("progress.dashboard"))
    if not services.passwords_on():
        return _passwords_off()
    form = RegisterForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is None:
            messages.registration_link(form.email.data, form.name.data)
        else:
            messages.already_registered(user)
        flash(_("Check your e-mail: we have sent a message to %(email)s to continue.",
                email=services.normalise_email(form.email.data)), "info")
        return redirect(url_for("catalog.home"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_registration(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("progress.dashboard"))
    if not services.passwords_on():
        return _passwords_off()
    try:
        email, name = services.registration_for_token(token)
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.register"))
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        with transaction(services.AccountError, failure=silently) as done:
            user = services.create_user(email, name, form.password.data)
            sessions.open_session(user)
            done.success = _("Welcome, %(name)s. Pick a course to start.", name=user.name)
        if done.ok:
            login_user(user)
            messages.welcome(user)
            return redirect(url_for("catalog.home"))
        flash(_("This link has already been used: log in, or reset your password if you forgot it."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/finish_registration.html", form=form, email=email, name=name)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_setting("LMS_LOGIN_RATE_LIMIT"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_setting("LMS_LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"], deduct_when=_failed,
               key_func=_submitted_email)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, "progress.dashboard"))
    passwords = services.passwords_on()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and (passwords or services.keeps_password(user)):
            with transaction():
                if current_user.is_authenticated:
                    sessions.end_session(current_user)  # a log-in over another one ends it
                sessions.open_session(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, "progress.dashboard"))
        if passwords:
            form.password.errors.append(_("E-mail or password is not correct."))
        else:  # the same words whether the password was right or not: they reveal no account
            form.password.errors.append(_("Passwords are off at this school: sign in with a button above. Only the "
                                          "school's administrators log in with a password; if you are one, check "
                                          "your e-mail address and password."))
    # With passwords off, the form is for administrators only: behind a link, so learners see only the buttons.
    show_form = passwords or request.args.get("staff") == "1" or request.method == "POST"
    return render_template("accounts/login.html", form=form, passwords=passwords, show_form=show_form)


@bp.post("/language")
def language():
    """The footer's switch: remembered in a cookie for the browser, and on the account when logged in."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    response = redirect(safe_next(form.next.data))
    _remember_language(response, form.language.data)
    if current_user.is_authenticated:
        with transaction():
            services.choose_language(current_user, form.language.data)
    return response


def _remember_language(response, language: str | None) -> None:
    """The browser's own memory of the choice (the cookie); None forgets it, so the browser's language applies."""
    path = url_for("catalog.home")
    if language is None:
        response.delete_cookie(LANGUAGE_COOKIE, path=path, httponly=True, samesite="Lax",
                               secure=current_app.config["SESSION_COOKIE_SECURE"])
    else:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], path=path)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            with transaction():
                sessions.end_session(current_user)  # on the server: a copy of its cookies stops working too
        logout_user()
        flash(_("You are logged out on this device."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not services.keeps_password(current_user):
        return _passwords_off()
    if not services.has_password(current_user):  # made by single sign-on or invited: no current password to give
        return render_template("accounts/change_password.html", form=None)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with transaction(services.AccountError, success=_("Your password is changed. Other devices have been logged out."),
                         failure=silently) as done:
            services.change_password(current_user, form.current.data, form.password.data)
        if done.ok:
            messages.password_changed(current_user)
            return redirect(url_for("progress.dashboard"))
        form.current.errors.append(str(done.error))
    return render_template("accounts/change_password.html", form=form)


def _signed_in_account() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/sessions", methods=["GET", "POST"])
@login_required
@limiter.limit(_setting("LMS_LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"], deduct_when=_failed,
               key_func=_signed_in_account)
def login_sessions():
    """The account's sessions on every device; log out of one or of all the others."""
    rows = sessions.active_sessions(current_user)
    others = [row for row in rows if row.key != current_user.session_key]
    form = reauth.fitted(EndSessionsForm(), current_user, "current")
    form.which.choices = [(sessions.handle(row), _("%(device)s, logged in %(moment)s", device=sessions.device(row.user_agent),
                                                   moment=date_time(row.created_at))) for row in others]
    if len(others) > 1:
        form.which.choices.append(("others", _("All %(num)d other devices", num=len(others))))
    if form.validate_on_submit() and not reauth.unconfirmed(form, current_user, "current"):
        password = form.current.data if form.current is not None else None  # None: confirmed (reauth)
        with transaction(services.AccountError, failure=silently) as done:
            ended = services.end_other_sessions(current_user, password, form.which.data)
        if done.ok:
            flash(ngettext("Logged out of %(num)d other device.", "Logged out of %(num)d other devices.", ended), "success")
            return redirect(url_for("accounts.login_sessions"))
        (form.current.errors if form.current is not None else form.form_errors).append(str(done.error))
    return render_template("accounts/sessions.html", form=form, rows=rows, device=sessions.device,
                           current=current_user.session_key, others=others,
                           has_password=services.has_password(current_user))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_setting("LMS_RESET_RATE_LIMIT"), methods=["POST"])
@ACCOUNT_MAIL_LIMIT
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.active and services.keeps_password(user):
            messages.reset_link(user)
        elif user is None or not user.active:
            messages.no_account(form.email.data)  # a mail either way, each sent after the request
        # (an account whose school turned passwords off gets no link: it signs in with the school's provider)
        # The same answer either way, so the form does not reveal who has an account.
        flash(_("If an account uses that address, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form, passwords=services.passwords_on())


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.reset_request"))
    if not services.keeps_password(user):
        return _passwords_off()
    form = ResetForm()
    if form.validate_on_submit():
        with transaction(success=_("Your password is set. Log in with it now.")):
            services.set_password(user, form.password.data)
        messages.password_changed(user)
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """An invited account's first visit: its owner chooses a password, then is logged in."""
    try:
        user = services.user_for_invitation_token(token)
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.login"))
    if not services.keeps_password(user):
        return _passwords_off()
    form = ResetForm()
    if form.validate_on_submit():
        with transaction(success=_("Welcome, %(name)s. Your password is set.", name=user.name)):
            if current_user.is_authenticated:
                sessions.end_session(current_user)  # the link's account takes over this browser
            services.set_password(user, form.password.data)
            sessions.open_session(user)
        login_user(user)
        return redirect(url_for("progress.dashboard"))
    return render_template("accounts/welcome.html", form=form, user=user)


def _profile(name_form: NameForm | None = None, email_form: EmailChangeForm | None = None,
             language_form: ProfileLanguageForm | None = None, reminders_form: RemindersForm | None = None,
             status: int = 200):
    from ..certificates.services import outdated_certificates  # a view may import a higher feature

    return render_template("accounts/profile.html", name_form=name_form or NameForm(name=current_user.name),
                           email_form=email_form or reauth.fitted(EmailChangeForm(), current_user),
                           language_form=language_form or ProfileLanguageForm(language=current_user.locale or ""),
                           reminders_form=reminders_form or RemindersForm(formdata=None, reminders=not current_user.reminders_off),
                           outdated=len(outdated_certificates(current_user)),
                           has_password=services.has_password(current_user)), status


@bp.get("/profile")
@login_required
def profile():
    return _profile()


@bp.post("/profile/name")
@login_required
def change_name():
    """The learner's own name, as printed on certificates issued from now on."""
    from ..certificates.services import outdated_certificates

    form = NameForm()
    if not form.validate_on_submit():
        return _profile(name_form=form, status=400)
    with transaction(services.AccountError, failure=silently) as done:
        changed = services.rename(current_user, form.name.data, actor=current_user)
    if not done.ok:
        form.name.errors.append(str(done.error))
        return _profile(name_form=form, status=400)
    if not changed:
        flash(_("Your name is unchanged."), "info")
    elif outdated_certificates(current_user):
        flash(_("Your name is saved. Certificates issued before show the old name: you can ask for a reissue "
                "on your certificates page."), "success")
    else:
        flash(_("Your name is saved. It will appear on the certificates you earn from now on."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/language")
@login_required
def change_language():
    """The account's interface language, or none (the browser's, else the school's); said in the new one."""
    form = ProfileLanguageForm()
    if not form.validate_on_submit():
        return _profile(language_form=form, status=400)
    chosen = form.language.data or None
    with transaction():
        services.choose_language(current_user, chosen)
    response = redirect(url_for("accounts.profile"))
    _remember_language(response, chosen)  # a language chosen earlier in the footer must not outvote this one
    # Said in the language the next pages speak (the request began in the old one): the chosen one, else the
    # browser's, else the school's.
    with force_locale(chosen or language_without_preference(cookie=False)):
        flash(_("Your language is saved.") if chosen else
              _("Your language is saved: pages follow your browser's language."), "success")
    return response


@bp.post("/profile/reminders")
@login_required
def change_reminders():
    """Deadline reminders by e-mail, on or off (certificates and application decisions are mailed either way)."""
    form = RemindersForm()
    if not form.validate_on_submit():
        return _profile(reminders_form=form, status=400)
    with transaction():
        services.choose_reminders(current_user, bool(form.reminders.data))
    flash(_("You will get e-mail reminders about deadlines.") if form.reminders.data else
          _("You will get no more e-mail reminders about deadlines."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/email")
@login_required
@ACCOUNT_MAIL_LIMIT
def change_email():
    """Mail a confirmation link to the new address. The same answer whether another account uses the
    address or not: then its owner is told by mail instead, so the page reveals no account."""
    form = reauth.fitted(EmailChangeForm(), current_user)
    if not form.validate_on_submit() or reauth.unconfirmed(form, current_user):
        return _profile(email_form=form, status=400)
    if form.password is not None:  # an account without a password confirmed with its identity provider (reauth)
        try:
            services.check_password(current_user, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
            return _profile(email_form=form, status=400)
    new_email = services.normalise_email(form.email.data)
    if new_email == current_user.email:
        form.email.errors.append(_("This is already your e-mail address."))
        return _profile(email_form=form, status=400)
    owner = services.find_user(new_email)
    if owner is None:
        messages.email_change_link(current_user, new_email)
    else:
        messages.email_in_use(owner)
    flash(_("Check your e-mail: we have sent a message to %(email)s. Your address changes when you open "
            "the link in it.", email=new_email), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link from the new address: a button confirms (a GET changes nothing, so a mail scanner that
    follows links cannot confirm for the learner). A bad link changes nothing and says why."""
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        with transaction(services.AccountError, failure=silently) as done:
            user, previous = services.change_email_for_token(token)
        if done.ok:
            messages.email_changed(user, previous)
            flash(_("Your e-mail address is now %(email)s. Use it to log in.", email=user.email), "success")
            return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
        return render_template("accounts/confirm_email.html", form=None, error=str(done.error)), 400
    try:
        _account, new_email = services.email_change_for_token(token)
    except services.AccountError as exc:
        return render_template("accounts/confirm_email.html", form=None, error=str(exc)), 400
    return render_template("accounts/confirm_email.html", form=form, error=None, new_email=new_email)
