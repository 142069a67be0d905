from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import AnyOf, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import _l


class PortfolioForm(FlaskForm):
    visibility = RadioField(_l("Who can see your portfolio"), choices=[
        SelectChoice("off", _l("Nobody: it is off")),
        SelectChoice("link", _l("People you give its private link to (search engines are asked not to list it)")),
        SelectChoice("public", _l("Anyone: a public page search engines may list")),
    ], validators=[AnyOf(["off", "link", "public"])], default="off")
    headline = StringField(_l("Headline"), validators=[Length(max=200)],
                           description=_l("One line under your name, for example: AI project manager, health care."))
    show_skills = BooleanField(_l("Show my skills profile"))
    submissions = SelectMultipleField(_l("Work to show"), coerce=int, choices=[],
                                      option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    submit = SubmitField(_l("Save portfolio"))


class NewAddressForm(FlaskForm):
    submit = SubmitField(_l("Make a new link"))
