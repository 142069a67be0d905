from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length

from ..i18n import LANGUAGES

PASSWORD_RULES = [DataRequired(), Length(min=10, max=128, message="Use 10 to 128 characters.")]


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)],
                       description="As it should appear on your certificates.")
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)],
                       description="We will send a link there to choose your password.")
    submit = SubmitField("Continue")


class FinishRegistrationForm(FlaskForm):
    password = PasswordField("Password", validators=PASSWORD_RULES, description="At least 10 characters.")
    confirm = PasswordField("Repeat password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()
    submit = SubmitField("Log in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=PASSWORD_RULES, description="At least 10 characters.")
    confirm = PasswordField("Repeat new password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Change password")


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email()])
    submit = SubmitField("Send reset link")


class ResetForm(FlaskForm):
    password = PasswordField("New password", validators=PASSWORD_RULES, description="At least 10 characters.")
    confirm = PasswordField("Repeat new password", validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])
    submit = SubmitField("Set new password")


class LanguageForm(FlaskForm):
    """The footer's language switch: the language, and the page to come back to."""
    language = StringField(validators=[DataRequired(), AnyOf(list(LANGUAGES))])
    next = HiddenField()


class LogoutForm(FlaskForm):
    submit = SubmitField("Log out")


class EndSessionsForm(FlaskForm):
    """Log out of another device, or of all the others; the password is asked again (ASVS V3.3.4)."""

    which = RadioField("Which to log out", validators=[DataRequired("Choose a device, or all of them.")], choices=[])
    current = PasswordField("Your password", validators=[DataRequired()])
    submit = SubmitField("Log out")
class NameForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)],
                       description="As it should appear on your certificates.")
    submit = SubmitField("Save name")


class EmailChangeForm(FlaskForm):
    email = EmailField("New e-mail address", validators=[DataRequired(), Email(), Length(max=254)],
                       description="We will send a link there; your address changes only when you open it.")
    password = PasswordField("Current password", validators=[DataRequired()])
    submit = SubmitField("Send confirmation link")


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField("Confirm new address")
