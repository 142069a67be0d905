from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..i18n import _l


class ExportForm(FlaskForm):
    """The download asks for the password again: the file holds everything, so a session left open on a
    shared computer must not be enough to take it."""
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Download my data"))


class DeletionForm(FlaskForm):
    reason = TextAreaField(_l("Why (optional)"), validators=[Length(max=2000)],
                           description=_l("Only the school's administrators read it; it is erased with your account."))
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Ask to delete my account"))


class RefuseForm(FlaskForm):
    note = StringField(_l("Reason for refusing"), validators=[DataRequired(), Length(max=2000)])
