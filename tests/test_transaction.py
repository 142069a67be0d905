"""``web.transaction`` is the one place a view commits: a refusal undoes the block and says why, any
other error undoes it and propagates, and a block that ends commits and says so once."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages

from lms.accounts.models import User
from lms.extensions import db
from lms.schools.services import current_school
from lms.web import silently, transaction


class Refused(Exception):
    """A rule the user can act on, as a service would raise it."""


def names(app):
    with app.app_context():
        return sorted(db.session.execute(db.select(User.name)).scalars())


def add(name):
    db.session.add(User(school_id=current_school().id, email=f"{name}@example.com", name=name, password_hash="x",
                        role="learner"))
    db.session.flush()


def test_a_block_that_ends_is_committed_and_its_success_flashed(app):
    with app.test_request_context():
        with transaction(Refused, success="Saved.") as done:
            add("kept")
        assert done.ok and get_flashed_messages(with_categories=True) == [("success", "Saved.")]
    assert names(app) == ["kept"]


def test_a_refusal_undoes_the_block_and_flashes_its_message(app):
    with app.test_request_context():
        with transaction(Refused, success="Saved.") as done:
            add("undone")
            raise Refused("Not allowed: say why.")
        assert not done.ok and str(done.error) == "Not allowed: say why."
        assert get_flashed_messages(with_categories=True) == [("error", "Not allowed: say why.")]
        with transaction():  # the same request goes on and commits: nothing of the refused block comes with it
            add("after")
    assert names(app) == ["after"]


def test_a_quiet_refusal_flashes_nothing_and_the_block_may_set_its_success(app):
    with app.test_request_context():
        with transaction(Refused, failure=silently) as done:
            raise Refused("shown next to the field instead")
        with transaction() as later:
            add("named")
            later.success = "Created named."
        assert isinstance(done.error, Refused)
        assert get_flashed_messages(with_categories=True) == [("success", "Created named.")]
    assert names(app) == ["named"]


def test_any_other_error_undoes_the_block_and_propagates(app):
    with app.test_request_context():
        with pytest.raises(KeyError), transaction(Refused, success="Saved."):
            add("lost")
            raise KeyError("bug")
        assert get_flashed_messages() == []
    assert names(app) == []
