"""One-button forms: each POST that changes progress carries a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import SubmitField

from ..i18n import _l


class EnrolForm(FlaskForm):
    submit = SubmitField(_l("Enrol in this course"))


class CompleteForm(FlaskForm):
    submit = SubmitField(_l("Mark as complete"))
