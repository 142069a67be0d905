"""One-button forms: each POST that changes progress carries a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EnrolForm(FlaskForm):
    submit = SubmitField("Enrol")


class CompleteForm(FlaskForm):
    submit = SubmitField("Mark as complete")
