from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class SchoolSettingsForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    short_name = StringField("Short name", validators=[Optional(), Length(max=60)],
                             description="Shown in the header on narrow screens; leave empty to use the name.")
    logo = FileField("Logo (PNG, JPEG or SVG)")
    remove_logo = BooleanField("Remove the logo")
    accent = StringField("Accent colour", validators=[Optional(), Length(max=7)],
                         description="A hex colour such as #1f4fb8, dark enough for links and white button text "
                                     "(WCAG AA, 4.5:1). Leave empty for the default.")
    signatory = StringField("Signatory", validators=[DataRequired(), Length(max=200)],
                            description="The person who signs certificates.")
    signatory_title = StringField("Signatory's title", validators=[Optional(), Length(max=200)])
    contact_email = EmailField("Contact e-mail", validators=[Optional(), Email(), Length(max=254)])
    footer_links = TextAreaField("Footer links", validators=[Optional(), Length(max=3000)],
                                 description="Up to 5 lines, each 'Label | https://address'.")
    submit = SubmitField("Save settings")
