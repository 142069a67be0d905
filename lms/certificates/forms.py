"""Admin forms; each POST carries a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason for revoking", validators=[DataRequired(), Length(max=500)],
                           description="Shown publicly on the verification page. Do not include personal data.")
    submit = SubmitField("Revoke certificate")


class ReissueForm(FlaskForm):
    note = StringField("Reason for reissuing (optional)", validators=[Optional(), Length(max=300)],
                       description="For example: the learner corrected their name. Shown on the old certificate's "
                                   "verification page.")
    submit = SubmitField("Reissue certificate")


class DeclineForm(FlaskForm):
    note = StringField("Reason for declining", validators=[DataRequired(), Length(max=300)],
                       description="Shown to the learner on their certificates page.")
    submit = SubmitField("Decline")
