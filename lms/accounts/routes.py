"""Account pages. Views load, check and act; the rules live in services."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..mail import send_mail
from ..web import safe_next, silently, transaction
from . import services, sessions
from .forms import ChangePasswordForm, LoginForm, LogoutForm, RegisterForm, ResetForm, ResetRequestForm

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")


def _login_limit() -> str:
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("progress.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        with transaction(services.AccountError, failure=silently) as done:
            user = services.create_user(form.email.data, form.name.data, form.password.data)
            sessions.open_session(user)
            done.success = f"Welcome, {user.name}. Pick a course to start."
        if done.ok:
            login_user(user)
            return redirect(url_for("catalog.home"))
        form.email.errors.append(str(done.error))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, "progress.dashboard"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            with transaction():
                sessions.open_session(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, "progress.dashboard"))
        form.password.errors.append("E-mail or password is not correct.")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            with transaction():
                sessions.end_session(current_user)  # on the server: a copy of its cookies stops working too
        logout_user()
        flash("You are logged out on this device.", "info")
    return redirect(url_for("catalog.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with transaction(services.AccountError, success="Your password is changed. Other devices have been logged out.",
                         failure=silently) as done:
            services.change_password(current_user, form.current.data, form.password.data)
        if done.ok:
            return redirect(url_for("progress.dashboard"))
        form.current.errors.append(str(done.error))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.active:
            link = url_for("accounts.reset", token=services.make_reset_token(user), _external=True)
            minutes = current_app.config["LMS_RESET_TOKEN_MAX_AGE"] // 60
            send_mail(user.email, "Reset your Conductor password",
                      f"Hello {user.name},\n\nUse this link within {minutes} minutes to choose a new password:\n"
                      f"{link}\n\nIf you did not ask for it, ignore this e-mail; your password stays the same.\n")
        # The same answer either way, so the form does not reveal who has an account.
        flash("If an account uses that address, a reset link is on its way.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        with transaction(success="Your password is set. Log in with it now."):
            services.set_password(user, form.password.data)
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)
