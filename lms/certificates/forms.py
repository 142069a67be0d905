"""Admin forms; each POST carries a CSRF token."""
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import _l


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=500)],
                           description=_l("Shown publicly on the verification page. Do not include personal data."))
    submit = SubmitField(_l("Revoke certificate"))


class ReissueForm(FlaskForm):
    note = StringField(_l("Reason for reissuing (optional)"), validators=[Optional(), Length(max=300)],
                       description=_l("For example: the learner corrected their name. Shown on the old certificate's "
                                      "verification page."))
    submit = SubmitField(_l("Reissue certificate"))


class DeclineForm(FlaskForm):
    note = StringField(_l("Reason for declining"), validators=[DataRequired(), Length(max=300)],
                       description=_l("Shown to the learner on their certificates page."))
    submit = SubmitField(_l("Decline"))
