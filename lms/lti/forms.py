from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..config import is_development
from ..i18n import _, _l

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def web_address(form, field) -> None:
    """An https address; http only for a loopback host in development and tests."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise ValidationError(_("Enter a full web address, starting with https://."))
    if parts.scheme == "http" and not (is_development(current_app.config) and parts.hostname in LOOPBACK):
        raise ValidationError(_("Use an https:// address: the platform's keys and tokens must not travel in clear."))


class PlatformForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("How this school calls the LMS, such as “Moodle of the Faculty”."))
    issuer = StringField(_l("Issuer"), validators=[DataRequired(), Length(max=500), web_address],
                         description=_l("The platform's issuer (iss), such as https://moodle.example.org."))
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)],
                            description=_l("The client ID the platform gave Conductor."))
    deployment_ids = TextAreaField(_l("Deployment IDs"), validators=[DataRequired(), Length(max=5000)],
                                   description=_l("One a line: the platform's deployment IDs of Conductor."))
    auth_login_url = StringField(_l("Authentication request URL"), validators=[DataRequired(), Length(max=500), web_address])
    auth_token_url = StringField(_l("Access token URL"), validators=[DataRequired(), Length(max=500), web_address])
    key_set_url = StringField(_l("Public keyset URL"), validators=[DataRequired(), Length(max=500), web_address])
    token_audience = StringField(_l("Access token audience"), validators=[Optional(), Length(max=500)],
                                 description=_l("Only if the platform asks for one; most leave it empty."))
    active = BooleanField(_l("Launches from this platform are accepted"), default=True)

    def deployment_list(self) -> list[str]:
        return [line.strip() for line in (self.deployment_ids.data or "").splitlines() if line.strip()]


class LinkAccountForm(FlaskForm):
    """An admin's decision that a platform's user is an existing account of the school (found by its address)."""
    email = EmailField(_l("E-mail address of the existing account"), validators=[DataRequired(), Email(), Length(max=254)])


class RegistrationForm(FlaskForm):
    """An admin's confirmation of a dynamic registration: the platform's configuration address and its token,
    as the platform gave them (the POST fetches the configuration again)."""
    openid_configuration = HiddenField(validators=[DataRequired(), Length(max=2000)])
    registration_token = HiddenField(validators=[Optional(), Length(max=4000)])
