from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import _l
from .models import DEFAULT_SCOPES


class ProviderForm(FlaskForm):
    label = StringField(_l("Button label"), validators=[DataRequired(), Length(max=120)],
                        description=_l("What the log-in page's button says, such as: Sign in with Université X."))
    issuer = StringField(_l("Issuer"), validators=[DataRequired(), Length(max=500)],
                         description=_l("The provider's issuer address, such as "
                                        "https://login.microsoftonline.com/TENANT-ID/v2.0 or "
                                        "https://sso.example.org/realms/school. Conductor reads its discovery "
                                        "document before saving."))
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    client_secret = PasswordField(_l("Client secret"), validators=[Optional(), Length(max=2000)])
    scopes = StringField(_l("Scopes"), default=DEFAULT_SCOPES, validators=[Optional(), Length(max=255)],
                         description=_l("Separated by spaces; openid is required."))
    creates_accounts = BooleanField(_l("Create a learner account on a first sign-in"))
    links_by_email = BooleanField(_l("Link an existing account whose e-mail address the provider says is verified"))


class PasswordsForm(FlaskForm):
    local_passwords = BooleanField(_l("People may log in with a password"))


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])  # "1" turns the provider on, "0" off


class LinkSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    q = StringField(_l("Find a linked account"), validators=[Optional(), Length(max=254)])
