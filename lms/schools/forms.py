from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..i18n import LANGUAGES, _l


class SchoolSettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=60)],
                             description=_l("Shown in the header on narrow screens; leave empty to use the name."))
    logo = FileField(_l("Logo (PNG, JPEG or SVG)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    accent = StringField(_l("Accent colour"), validators=[Optional(), Length(max=7)],
                         description=_l("A hex colour such as #1f4fb8, dark enough for links and white button text "
                                        "(WCAG AA, 4.5:1). Leave empty for the default."))
    signatory = StringField(_l("Signatory"), validators=[DataRequired(), Length(max=200)],
                            description=_l("The person who signs certificates."))
    signatory_title = StringField(_l("Signatory's title"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)])
    footer_links = TextAreaField(_l("Footer links"), validators=[Optional(), Length(max=3000)],
                                 description=_l("Up to 5 lines, each 'Label | https://address'."))
    # Not checked here: a form without it keeps the school's language, and update_settings checks the value.
    default_language = SelectField(_l("Default language"), validate_choice=False,
                                   choices=[SelectChoice(tag, name, render_kw={"lang": tag}) for tag, name in LANGUAGES.items()],
                                   description=_l("The language of the interface for visitors whose browser asks "
                                                  "for none that Conductor speaks. Each visitor can choose another "
                                                  "at the foot of every page."))
    catalog = TextAreaField(_l("Courses offered"), validators=[Optional(), Length(max=5000)],
                            description=_l("The shared courses this school offers besides its programmes' courses "
                                           "and its own, one course identifier a line (such as ai-foundations; its "
                                           "translations come with it). Leave empty to offer every course."))
    submit = SubmitField(_l("Save settings"))


class NewSchoolForm(FlaskForm):
    """A platform administrator's form: a school, its host names and its first admin."""
    name = StringField(_l("School name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Identifier"), validators=[DataRequired(), Length(max=64)],
                       description=_l("Lower-case letters, digits and hyphens, such as ecole-lyon. It names the "
                                      "school's credential issuer and never changes."))
    hosts = TextAreaField(_l("Host names"), validators=[DataRequired(), Length(max=3000)],
                          description=_l("One a line, such as learn.ecole-lyon.fr; the first is the school's own "
                                         "address, which its e-mails and certificates name."))
    admin_name = StringField(_l("First admin's name"), validators=[DataRequired(), Length(max=120)])
    admin_email = EmailField(_l("First admin's e-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                             description=_l("They get an e-mail with a link to choose their password, on the "
                                            "school's own address."))
    submit = SubmitField(_l("Create the school"))


class HostsForm(FlaskForm):
    hosts = TextAreaField(_l("Host names"), validators=[DataRequired(), Length(max=3000)])
    submit = SubmitField(_l("Save host names"))
