"""The profile's "E-mail me reminders about deadlines": on by default, turned off and on again by the learner,
with CSRF, in French too."""
from __future__ import annotations

from lms.accounts.models import User
from lms.extensions import db

PROFILE = "/account/profile"
SETTING = "/account/profile/reminders"


def reminders_off(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).reminders_off


def test_reminders_are_on_until_the_learner_turns_them_off(app, client, auth, learner):
    page = client.get(PROFILE).get_data(as_text=True)
    assert '<input checked id="reminders" name="reminders" type="checkbox" value="y">' in page
    response = auth.post(SETTING, {}, token_from=PROFILE)  # the box unticked
    assert response.status_code == 302 and reminders_off(app, learner)
    page = client.get(PROFILE).get_data(as_text=True)
    assert "You will get no more e-mail reminders about deadlines." in page
    assert '<input id="reminders" name="reminders" type="checkbox" value="y">' in page
    assert auth.post(SETTING, {"reminders": "y"}, token_from=PROFILE).status_code == 302
    assert not reminders_off(app, learner)


def test_without_its_csrf_token_the_setting_is_refused_and_unchanged(app, client, learner):
    response = client.post(SETTING, data={})
    assert response.status_code == 400 and not reminders_off(app, learner)


def test_another_form_refused_keeps_the_setting_shown(app, client, auth, learner):
    page = auth.post("/account/profile/name", {"name": ""}, token_from=PROFILE).get_data(as_text=True)
    assert '<input checked id="reminders" name="reminders" type="checkbox" value="y">' in page


def test_the_setting_in_french(app, client, auth, learner):
    with app.app_context():
        db.session.get(User, learner).locale = "fr"
        db.session.commit()
    page = client.get(PROFILE).get_data(as_text=True)
    assert "M’envoyer par e-mail des rappels d’échéances" in page and "Enregistrer les rappels" in page
    follow = auth.post(SETTING, {}, token_from=PROFILE, follow_redirects=True).get_data(as_text=True)
    assert "Vous ne recevrez plus de rappels d’échéances par e-mail." in follow
