from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..i18n import _l
from .questions import MAX_ANSWER


class RoundForm(FlaskForm):
    cohort = SelectField(_l("Cohort"), coerce=int, validate_choice=True)
    questions = TextAreaField(
        _l("Questions"), validators=[Optional(), Length(max=20000)],
        description=_l("One question a line: kind | label | help | options. The kind is short, long, choice or "
                       "file; start the label with * to make it required; separate a choice's options with ;."))
    closes_on = DateField(_l("Last day to apply"), validators=[Optional()],
                          description=_l("Leave empty to take applications until you close the round."))
    is_open = BooleanField(_l("Open: take applications"))
    submit = SubmitField(_l("Save the round"))


class RetentionForm(FlaskForm):
    months = IntegerField(_l("Keep applications that were not accepted for (months)"),
                          validators=[InputRequired(), NumberRange(min=0, max=120)],
                          description=_l("0 keeps them. The purge command deletes older ones."))
    submit = SubmitField(_l("Save the retention"))


class DeclineForm(FlaskForm):
    message = TextAreaField(_l("Message to the applicant"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Decline"))


class ActionForm(FlaskForm):
    """A one-button form: only its CSRF token is checked."""


class ApplyForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


def apply_form(questions: list[dict[str, Any]]) -> FlaskForm:
    """The round's form: name, e-mail, then a field ``q<n>`` per question, in the school's order."""

    class RoundApplyForm(ApplyForm):
        pass

    for index, question in enumerate(questions):
        required = [DataRequired()] if question["required"] else [Optional()]
        options = {"description": question["help"] or None}
        kind = question["kind"]
        if kind == "short":
            field = StringField(question["label"], validators=[*required, Length(max=MAX_ANSWER["short"])], **options)
        elif kind == "long":
            field = TextAreaField(question["label"], validators=[*required, Length(max=MAX_ANSWER["long"])], **options)
        elif kind == "choice":
            choices = [SelectChoice("", "—")] + [SelectChoice(option, option) for option in question["options"]]
            field = SelectField(question["label"], choices=choices, validate_choice=False, validators=required, **options)
        else:
            field = FileField(question["label"], **options)  # checked by content in the view (files.check)
        setattr(RoundApplyForm, f"q{index}", field)
    RoundApplyForm.submit = SubmitField(_l("Send the application"))
    return RoundApplyForm()
