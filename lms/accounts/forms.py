from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectChoice, StringField,
                     SubmitField)
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length

from ..i18n import LANGUAGES, _l

PASSWORD_RULES = [DataRequired(), Length(min=10, max=128, message=_l("Use 10 to 128 characters."))]


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("As it should appear on your certificates."))
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We will send a link there to choose your password."))
    submit = SubmitField(_l("Continue"))


class FinishRegistrationForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES, description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat password"), validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES, description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES, description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Set new password"))


class LanguageForm(FlaskForm):
    """The footer's language switch: the language, and the page to come back to."""
    language = StringField(validators=[DataRequired(), AnyOf(list(LANGUAGES))])
    next = HiddenField()


# The profile's choice: "" keeps no preference (the browser's language, else the school's); each language is
# named in its own language, as in the footer's switch.
BROWSER_LANGUAGE = ""


class ProfileLanguageForm(FlaskForm):
    """The profile's language preference, saved on the account."""
    language = RadioField(_l("Language of the interface"),
                          choices=[SelectChoice(BROWSER_LANGUAGE, _l("Your browser's language")),
                                   *(SelectChoice(tag, name, render_kw={"lang": tag}) for tag, name in LANGUAGES.items())],
                          validators=[AnyOf([BROWSER_LANGUAGE, *LANGUAGES])])
    submit = SubmitField(_l("Save language"))


class RemindersForm(FlaskForm):
    """Whether the learner gets e-mail reminders about cohort deadlines (on unless turned off)."""
    reminders = BooleanField(_l("E-mail me reminders about deadlines"))
    submit = SubmitField(_l("Save reminders"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class EndSessionsForm(FlaskForm):
    """Log out of another device, or of all the others; the password is asked again (ASVS V3.3.4)."""

    which = RadioField(_l("Which to log out"), validators=[DataRequired(_l("Choose a device, or all of them."))], choices=[])
    current = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log out"))


class NameForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("As it should appear on your certificates."))
    submit = SubmitField(_l("Save name"))


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New e-mail address"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We will send a link there; your address changes only when you open it."))
    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Send confirmation link"))


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm new address"))
