"""Authoring forms; every one carries a CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, IntegerField, SelectChoice, SelectField, SelectMultipleField, \
    StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

SLUG_RULES = [DataRequired(), Length(max=80),
              Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lowercase letters, digits and '-'.")]


class NewCourseForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Address name (slug)", validators=SLUG_RULES,
                       description="Part of the course's address: lowercase letters, digits and '-'. It cannot change later.")
    summary = StringField("Summary", validators=[DataRequired(), Length(max=200)],
                          description="One sentence for the catalog, at most 200 characters.")
    level = SelectField("Level", choices=[SelectChoice(level, level.capitalize())
                                          for level in ("beginner", "intermediate", "advanced")])
    hours = DecimalField("Estimated hours", places=1, validators=[DataRequired(), NumberRange(min=0.1, max=999)])
    skills = SelectMultipleField("Skills", validators=[DataRequired(message="Choose at least one skill.")],
                                 description="Hold Ctrl (or Cmd) to choose several.")
    submit = SubmitField("Create the course (unpublished)")


class NewModuleForm(FlaskForm):
    title = StringField("Module title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Module slug", validators=SLUG_RULES)
    submit = SubmitField("Add module")


class NewLessonForm(FlaskForm):
    folder = HiddenField(validators=[DataRequired()])
    title = StringField("Lesson title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Lesson slug", validators=SLUG_RULES)
    minutes = IntegerField("Minutes", default=10, validators=[DataRequired(), NumberRange(min=1, max=600)])
    submit = SubmitField("Add lesson")


class NewQuizForm(FlaskForm):
    folder = HiddenField()  # a module folder; empty for the final exam
    submit = SubmitField("Add quiz")


class MoveForm(FlaskForm):
    path = HiddenField(validators=[DataRequired()])
    direction = HiddenField(validators=[DataRequired()])


class UploadForm(FlaskForm):
    image = FileField("Image (PNG, JPEG, GIF or WebP)", validators=[FileRequired()])
    submit = SubmitField("Upload")


class EditorForm(FlaskForm):
    text = TextAreaField("Markdown source, front matter included")
    note = StringField("What changed (optional)", validators=[Optional(), Length(max=300)])
    base = HiddenField()
    preview = SubmitField("Preview")
    save = SubmitField("Save draft")
    publish = SubmitField("Save and publish")


class ConfirmForm(FlaskForm):
    """A button whose POST needs nothing but the CSRF token (restore, publish all, delete)."""

    submit = SubmitField("Confirm")
