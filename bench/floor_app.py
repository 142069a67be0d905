"""Floors for the lesson-page benchmark: the bare page plus, one at a time, the work any logged-in
page must do. FLOOR=session reads the signed session cookie; FLOOR=login also loads the user
through Flask-Login (from memory); FLOOR=query also runs the lesson page's one SQL query."""
import os
from pathlib import Path

from flask import Flask, session
from flask_login import LoginManager, UserMixin, current_user

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["LMS_SECRET_KEY"]
HTML = Path(os.environ["BENCH_HTML"]).read_bytes()
FLOOR = os.environ.get("FLOOR", "session")


class Learner(UserMixin):
    def __init__(self, user_id: str):
        self.id = user_id


login_manager = LoginManager(app)
login_manager.user_loader(Learner)

if FLOOR == "query":
    from sqlalchemy import create_engine

    from lms.progress.visits import _VISIT_QUERY

    engine = create_engine(os.environ["LMS_DATABASE_URL"])
    PARAMS = {"course": os.environ["BENCH_COURSE"], "lesson": os.environ["BENCH_LESSON"]}


@app.get("/")
def page():
    if FLOOR == "session":
        assert session.get("_user_id")
    else:
        assert current_user.is_authenticated
    if FLOOR == "query":
        with engine.connect() as connection:
            connection.execute(_VISIT_QUERY, {**PARAMS, "user": int(current_user.id.partition(".")[0])}).all()
    return HTML, 200, {"Content-Type": "text/html; charset=utf-8"}
