"""Authoring forms; every one carries a CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, IntegerField, SelectChoice, SelectField, SelectMultipleField, \
    StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..i18n import _l

SLUG_RULES = [DataRequired(), Length(max=80),
              Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and '-'."))]


class NewCourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Address name (slug)"), validators=SLUG_RULES,
                       description=_l("Part of the course's address: lowercase letters, digits and '-'. It cannot change later."))
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=200)],
                          description=_l("One sentence for the catalog, at most 200 characters."))
    level = SelectField(_l("Level"), choices=[SelectChoice("beginner", _l("Beginner")),
                                              SelectChoice("intermediate", _l("Intermediate")),
                                              SelectChoice("advanced", _l("Advanced"))])
    hours = DecimalField(_l("Estimated hours"), places=1, validators=[DataRequired(), NumberRange(min=0.1, max=999)])
    skills = SelectMultipleField(_l("Skills"), validators=[DataRequired(message=_l("Choose at least one skill."))],
                                 description=_l("Hold Ctrl (or Cmd) to choose several."))
    submit = SubmitField(_l("Create the course (unpublished)"))


class NewModuleForm(FlaskForm):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Module slug"), validators=SLUG_RULES)
    submit = SubmitField(_l("Add module"))


class NewLessonForm(FlaskForm):
    folder = HiddenField(validators=[DataRequired()])
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Lesson slug"), validators=SLUG_RULES)
    minutes = IntegerField(_l("Minutes"), default=10, validators=[DataRequired(), NumberRange(min=1, max=600)])
    submit = SubmitField(_l("Add lesson"))


class NewQuizForm(FlaskForm):
    folder = HiddenField()  # a module folder; empty for the final exam
    submit = SubmitField(_l("Add quiz"))


class NewAssignmentForm(FlaskForm):
    folder = HiddenField(validators=[DataRequired()])  # the module folder
    submit = SubmitField(_l("Add assignment"))


class MoveForm(FlaskForm):
    path = HiddenField(validators=[DataRequired()])
    direction = HiddenField(validators=[DataRequired()])


class UploadForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class EditorForm(FlaskForm):
    text = TextAreaField(_l("Markdown source, front matter included"))
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=300)])
    base = HiddenField()
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Save and publish"))


class ConfirmForm(FlaskForm):
    """A button whose POST needs nothing but the CSRF token (restore, publish all, delete)."""

    submit = SubmitField(_l("Confirm"))
