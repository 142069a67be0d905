"""Admin forms: every action that changes a learner asks why, for the audit log."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..i18n import _l
from .labels import ROLE_LABELS

REASON = [DataRequired(message=_l("Say why: the reason goes in the audit log.")), Length(max=500)]


class ReasonForm(FlaskForm):
    """Unenrol, reset an attempt, deactivate or reactivate: the target is in the URL or a hidden field."""

    target = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=REASON)
    submit = SubmitField(_l("Confirm"))


class EnrolForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Enrol"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()])
    reason = StringField(_l("Reason"), validators=REASON)
    submit = SubmitField(_l("Change role"))


class AuthorForm(FlaskForm):
    email = EmailField(_l("E-mail of the new author"), validators=[DataRequired(), Email()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Add author"))


class RemoveAuthorForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Remove"))


class RenameForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("As it should appear on the learner's certificates from now on."))
    reason = StringField(_l("Reason"), validators=REASON)
    submit = SubmitField(_l("Change name"))
