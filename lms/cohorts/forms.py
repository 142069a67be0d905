"""The cohort admin's forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..i18n import _l
from .services import MAX_SEATS


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (optional)"), validators=[Optional(), Length(max=64)],
                       description=_l("Lowercase letters, digits and hyphens, used in addresses and by the "
                                      "command line. Made from the name when left empty."))
    offering = SelectField(_l("Programme or course"), validators=[DataRequired()])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    submit = SubmitField(_l("Create the cohort"))


class EditCohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()],
                     description=_l("UTF-8, separated by commas or semicolons, with a first line naming the "
                                    "“email” and “name” columns."))
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """The previewed file, signed by the server (``imports.seal``): what is applied is what was shown."""
    sealed = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import these learners"))


class InstructorForm(FlaskForm):
    user = SelectField(_l("Staff account"), validators=[DataRequired()])
    submit = SubmitField(_l("Add instructor"))


class InvitationForm(FlaskForm):
    seats = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=MAX_SEATS)], default=30)
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()],
                           description=_l("The link stops working at the end of this day (UTC)."))
    submit = SubmitField(_l("Create a link"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Remove"))


class CsrfForm(FlaskForm):
    """A one-button POST: only the CSRF token."""
