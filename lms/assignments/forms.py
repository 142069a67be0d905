"""Forms of the review pages: a rubric's levels and comments (built from the rubric), a flag, the reviewer pool."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..i18n import _l

MAX_COMMENT = 5000


class RubricInvalid(Exception):
    """A posted rubric no honest form could send (a level out of range, an unknown value): a 400."""


class ButtonForm(FlaskForm):
    """A one-button POST: only the CSRF token."""


class FlagForm(FlaskForm):
    reason = TextAreaField(_l("Why is this review unfair?"), validators=[DataRequired(), Length(max=MAX_COMMENT)])


class PoolForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[InputRequired()])
    email = EmailField(_l("E-mail address of the reviewer"), validators=[DataRequired(), Email(), Length(max=254)])


class RemoveForm(FlaskForm):
    member = HiddenField(validators=[DataRequired()])


def rubric_form(rubric: list[dict[str, Any]], prefix: str = "") -> FlaskForm:
    """A form with a radio group (``<prefix><key>``, the level's index) and a comment (``<prefix><key>-comment``)
    for each criterion, and an overall comment."""

    class RubricForm(FlaskForm):
        comment = TextAreaField(_l("Overall comment"), validators=[Length(max=MAX_COMMENT)])

    for criterion in rubric:
        choices = [SelectChoice(index, level["name"]) for index, level in enumerate(criterion["levels"])]
        setattr(RubricForm, prefix + criterion["key"], RadioField(
            criterion["title"], choices=choices, coerce=_index, validators=[InputRequired()]))
        setattr(RubricForm, prefix + criterion["key"] + "-comment", TextAreaField(
            criterion["title"], validators=[Length(max=MAX_COMMENT)]))
    return RubricForm()


def _index(value):
    """A level index from the form (None when absent: InputRequired then names the criterion)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if not str(value).isdigit() or len(str(value)) > 2:
        raise ValueError("not a level")
    return int(value)


def read_rubric(form: FlaskForm, rubric: list[dict[str, Any]], prefix: str = "") -> tuple[dict[str, int], dict[str, str]] | None:
    """The levels and comments of a valid posted form; None when a level is missing (the page names which).
    Raises RubricInvalid for anything an honest form could not post."""
    if form.validate_on_submit():
        levels = {c["key"]: form[prefix + c["key"]].data for c in rubric}
        comments = {c["key"]: (form[prefix + c["key"] + "-comment"].data or "").strip() for c in rubric}
        return levels, comments
    fields = {prefix + c["key"] for c in rubric}
    honest = all(name in fields and not form[name].raw_data for name in form.errors)
    if form.csrf_token.errors or not honest:
        raise RubricInvalid(sorted(form.errors))
    return None
