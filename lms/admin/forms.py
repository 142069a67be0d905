"""Admin forms: every action that changes a learner asks why, for the audit log."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

REASON = [DataRequired(message="Say why: the reason goes in the audit log."), Length(max=500)]


class ReasonForm(FlaskForm):
    """Unenrol, reset an attempt, deactivate or reactivate: the target is in the URL or a hidden field."""

    target = HiddenField()
    reason = TextAreaField("Reason", validators=REASON)
    submit = SubmitField("Confirm")


class EnrolForm(FlaskForm):
    course = SelectField("Course", validators=[DataRequired()])
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Enrol")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(role, role.capitalize()) for role in ("learner", "author", "admin")])
    reason = StringField("Reason", validators=REASON)
    submit = SubmitField("Change role")


class AuthorForm(FlaskForm):
    email = EmailField("E-mail of the new author", validators=[DataRequired(), Email()])
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Add author")


class RemoveAuthorForm(FlaskForm):
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Remove")


class RenameForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)],
                       description="As it should appear on the learner's certificates from now on.")
    reason = StringField("Reason", validators=REASON)
    submit = SubmitField("Change name")
