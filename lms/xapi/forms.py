from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import _l


class RecordStoreForm(FlaskForm):
    endpoint = StringField(_l("xAPI address"), validators=[DataRequired(), Length(max=490)],
                           description=_l("The record store's xAPI endpoint, such as https://lrs.example.org/xAPI/."))
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=200)],
                      description=_l("The user name of the credentials the record store gave you."))
    secret = PasswordField(_l("Secret"), validators=[Optional(), Length(max=500)],
                           description=_l("The password of those credentials. Leave empty to keep the one saved."))
    active = BooleanField(_l("Send statements to this record store"), default=True)


class RetryForm(FlaskForm):
    """Only the CSRF token: "retry now" is one button."""
