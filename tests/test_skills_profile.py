"""The skills profile: evidence, levels, the role's targets read from courses/_roles/, the page and its cost."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.assignments.models import Assignment, Review, Submission
from lms.content.tree import read_tree
from lms.extensions import db
from lms.quizzes.models import Quiz
from lms.skills.levels import level_for
from lms.skills.models import Role
from lms.skills.services import live_roles, profile

from .content_factory import write
from .quiz_support import sync
from .skills_support import answer, decide, make_assignment, make_quiz, write_role
from .test_queries import count_queries


@pytest.fixture()
def world(app, content_dir, make_user):
    """The test tree with the AI project manager role, loaded; a learner (logged out) and a reviewer."""
    write_role(content_dir)
    sync(app)
    return {"learner": make_user(), "reviewer": make_user("teacher@example.com", "Tess Teacher", role="instructor"),
            "app": app}


def levels(app, user_id: int) -> dict[str, tuple[int, int | None]]:
    """Per skill: (level, weighted percent)."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        found = profile(user, user.school_id, live_roles()[0], "en")
        return {item.skill.slug: (item.level, item.percent) for item in found.skills}


@pytest.mark.parametrize("mean, has_rubric, level", [
    (None, False, 0), (0.0, True, 1), (0.49, True, 1), (0.5, True, 2), (0.69, True, 2), (0.7, True, 3),
    (0.84, True, 3), (0.85, True, 4), (1.0, True, 4), (1.0, False, 2), (0.3, False, 1), (0.6, False, 2),
])
def test_the_level_rule(mean, has_rubric, level):
    assert level_for(mean, has_rubric) == level


def test_a_passing_attempt_raises_the_level_and_a_quiz_alone_stops_at_developing(world):
    app, learner = world["app"], world["learner"]
    assert levels(app, learner)["ai-literacy"] == (0, None)
    with app.app_context():
        quiz = make_quiz(questions={"q1": ["ai-literacy"], "q2": ["ai-literacy"], "q3": ["agile-delivery"]})
        answer(learner, quiz, {"q1": 0.0, "q2": 0.0, "q3": 1.0})
        db.session.commit()
        quiz_id = quiz.id
    assert levels(app, learner)["ai-literacy"] == (1, 0)
    assert levels(app, learner)["agile-delivery"] == (2, 100)  # a perfect quiz score, but no performed work
    with app.app_context():
        answer(learner, db.session.get(Quiz, quiz_id), {"q1": 1.0, "q2": 1.0, "q3": 0.0})  # the best score counts
        db.session.commit()
    assert levels(app, learner) == {"ai-literacy": (2, 100), "agile-delivery": (2, 100)}


def test_a_released_rubric_decision_moves_the_level_past_the_quiz_ceiling(world):
    app, learner, reviewer = world["app"], world["learner"], world["reviewer"]
    with app.app_context():
        quiz = make_quiz(questions={"q1": ["ai-literacy"], "q2": ["ai-literacy"]})
        answer(learner, quiz, {"q1": 1.0, "q2": 1.0})
        work = make_assignment({"framing": "ai-literacy", "plan": "agile-delivery", "style": None})
        decide(learner, work, {"framing": 2, "plan": 1, "style": 0}, reviewer, released=False)
        db.session.commit()
        work_id = work.id
    assert levels(app, learner)["ai-literacy"] == (2, 100)  # a decision not yet released is no evidence
    with app.app_context():
        submission = db.session.execute(db.select(Submission)).scalar_one()
        submission.status, submission.decision, submission.released_at = "decided", "pass", submission.submitted_at
        db.session.commit()
    # 2 questions of 1 point at 100 % and a criterion (weight 3) at 4/4: Advanced; the plan at 2/4: Developing
    assert levels(app, learner) == {"ai-literacy": (4, 100), "agile-delivery": (2, 50)}
    with app.app_context():  # a revised, better version replaces the first one's evidence
        decide(learner, db.session.get(Assignment, work_id), {"framing": 0, "plan": 2, "style": 2}, reviewer, number=2)
        db.session.commit()
    assert levels(app, learner) == {"ai-literacy": (1, 40), "agile-delivery": (4, 100)}


def test_peer_reviews_give_the_median_and_an_instructor_review_wins(world, make_user):
    app, learner, reviewer = world["app"], world["learner"], world["reviewer"]
    peers = [make_user(f"peer{n}@example.com", f"Peer {n}") for n in range(3)]
    with app.app_context():
        work = make_assignment({"framing": "ai-literacy"})
        submission = decide(learner, work, {"framing": 0}, peers[0], kind="peer")
        for peer, level in zip(peers[1:], (2, 2)):
            db.session.add(Review(
                submission_id=submission.id, reviewer_id=peer, kind="peer", submitted_at=submission.submitted_at,
                levels={"framing": level}))
        db.session.commit()
        submission_id = submission.id
    assert levels(app, learner)["ai-literacy"] == (4, 100)  # the median of 0, 4 and 4 points
    with app.app_context():
        db.session.add(Review(submission_id=submission_id, reviewer_id=reviewer, kind="instructor",
                              submitted_at=db.session.get(Submission, submission_id).submitted_at, levels={"framing": 1}))
        db.session.commit()
    assert levels(app, learner)["ai-literacy"] == (2, 50)


def test_retired_quizzes_other_learners_and_untagged_questions_are_not_evidence(world, make_user):
    app, learner = world["app"], world["learner"]
    other = make_user("other@example.com", "Oscar Other")
    with app.app_context():
        answer(learner, make_quiz(retired=True), {"q1": 1.0})
        answer(other, make_quiz(), {"q1": 1.0})
        answer(learner, make_quiz(questions={"q1": [], "q2": ["no-such-skill"]}), {"q1": 1.0, "q2": 1.0})
        db.session.commit()
    assert levels(app, learner) == {"ai-literacy": (0, None), "agile-delivery": (0, None)}
    assert levels(app, other)["ai-literacy"] == (2, 100)


def test_the_role_is_read_from_the_content_tree_and_stored(world, content_dir):
    app = world["app"]
    with app.app_context():
        [role] = db.session.execute(db.select(Role)).scalars()
        assert role.title == "AI project manager" and role.target_of("ai-literacy") == 3
        assert role.targets["agile-delivery"] == {"level": 2, "reason": "Runs experiments in sprints."}
    write_role(content_dir, "title: Data steward\ntargets:\n  ai-literacy: {level: 1, reason: Reads model cards.}\n",
               name="data-steward")
    (content_dir / "courses/_roles/ai-project-manager.yaml").unlink()
    sync(app)
    with app.app_context():
        assert [(r.slug, r.retired) for r in db.session.execute(db.select(Role).order_by(Role.slug)).scalars()] == [
            ("ai-project-manager", True), ("data-steward", False)]


def test_role_files_are_validated_with_path_and_line(app, content_dir):
    write_role(content_dir, """\
title: AI project manager
colour: blue
targets:
  ai-literacy:
    level: 5
    reason: Too high.
  agile-delivry:
    level: 2
    reason: A typo in the skill.
  ai-literacy:
    level: 2
    reason: Twice.
""")
    write(content_dir, "courses/_roles/no-reason.yaml", "title: X\ntargets:\n  ai-literacy:\n    level: two\n")
    write(content_dir, "courses/_roles/Bad Name.yaml", "title: X\n")
    with app.app_context():
        errors = [str(error) for error in read_tree(content_dir).errors]
    path = "courses/_roles/ai-project-manager.yaml"
    assert f"{path}:2: unknown key 'colour'" in errors
    assert f"{path}:5: 'ai-literacy': the level is a whole number from 1 to 4" in errors
    assert f"{path}:7: unknown skill 'agile-delivry' (did you mean 'agile-delivery'?)" in errors
    assert f"{path}:10: the skill 'ai-literacy' is listed twice" in errors
    assert "courses/_roles/no-reason.yaml:4: 'ai-literacy': the level is a whole number from 1 to 4" in errors
    assert "courses/_roles/no-reason.yaml:3: 'ai-literacy': the reason is one line of at most 200 characters" in errors
    assert any(e.startswith("courses/_roles/Bad Name.yaml:0: a role is a file") for e in errors)


def test_the_shipped_role_profile_is_valid():
    """courses/_roles/ai-project-manager.yaml of this repository names every skill of the framework."""
    import lms.skills  # noqa: F401  (registers the roles step)
    from pathlib import Path

    tree = read_tree(Path(__file__).resolve().parents[1])
    assert not tree.errors
    [role] = tree.roles
    assert set(role.targets) == {skill.slug for skill in tree.skills}


def test_the_page_shows_the_chart_the_table_the_gaps_and_lessons_for_the_weakest(world, auth, client):
    app, learner = world["app"], world["learner"]
    with app.app_context():
        answer(learner, make_quiz(questions={"q1": ["agile-delivery"]}), {"q1": 1.0})
        db.session.commit()
    auth.login()
    page = client.get("/account/skills").get_data(as_text=True)
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=\"skills-chart-title\">" in svg and "<desc id=\"skills-chart-desc\">" in svg
    assert "Agile delivery: level 2, Developing; target 2." in svg and "AI literacy: level 0, No evidence yet; target 3." in svg
    assert svg.count('class="chart-bar"') == 1 and svg.count('class="chart-target"') == 2
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    assert "<caption id=\"levels-caption\">Your level per skill</caption>" in table
    cells = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
             for row in re.findall(r"<tr>(.*?)</tr>", " ".join(table.split()))]
    assert ["AI literacy", "0 · No evidence yet", "3", "3", "–"] in cells
    assert ["Agile delivery", "2 · Developing", "2", "met", "100%"] in cells
    weakest = page.split('id="next-title"')[1].split('id="evidence-title"')[0]
    assert "AI literacy: level 0, target 3" in weakest and "Agile delivery" not in weakest
    assert 'href="/courses/intro-course/what-is-ai"' in weakest  # the course's skill, inherited by its lessons
    assert "Question: Question q1" in page and "Quiz " in page  # the evidence, with its source


def test_lessons_of_courses_the_learner_may_not_see_are_not_suggested(world, auth, client, content_dir):
    """An unpublished course, and a published one that another school owns, teach nothing here."""
    app = world["app"]
    with app.app_context():
        from lms.schools.services import create_school

        create_school("ecole-b", "École B", ["b.example.org"])
        db.session.commit()
    write(content_dir, "courses/their-course/course.md", "---\ntitle: Theirs\nsummary: S.\nlevel: beginner\nhours: 1\n"
          "skills: [ai-literacy]\nschool: ecole-b\n---\n\nTheirs.\n")
    write(content_dir, "courses/their-course/01-m/module.md", "---\ntitle: M\n---\n")
    write(content_dir, "courses/their-course/01-m/01-other.md", "---\ntitle: Their lesson\nminutes: 5\n---\n\nBody.\n")
    write(content_dir, "courses/hidden-course/course.md", "---\ntitle: Hidden\nsummary: S.\nlevel: beginner\nhours: 1\n"
          "skills: [ai-literacy]\npublished: false\n---\n\nHidden.\n")
    write(content_dir, "courses/hidden-course/01-m/module.md", "---\ntitle: M\n---\n")
    write(content_dir, "courses/hidden-course/01-m/01-secret.md", "---\ntitle: Secret lesson\nminutes: 5\n---\n\nBody.\n")
    sync(app)
    auth.login()
    page = client.get("/account/skills").get_data(as_text=True)
    assert "Secret lesson" not in page and "Their lesson" not in page and "/courses/intro-course/what-is-ai" in page
    public = client.get("/skills/ai-literacy").get_data(as_text=True)
    assert "Secret lesson" not in public and "Their lesson" not in public and "What is AI" in public


def test_the_skill_page_is_public_and_lists_the_lessons(world, client):
    page = client.get("/skills/ai-literacy").get_data(as_text=True)
    assert "<h1>AI literacy</h1>" in page and "Knows what models do." in page
    assert 'href="/courses/intro-course/what-is-ai"' in page
    assert client.get("/skills/unknown").status_code == 404


def test_a_role_is_chosen_by_its_id(world, auth, client, content_dir):
    write_role(content_dir, "title: Data steward\ntargets:\n  ai-literacy: {level: 1, reason: Reads model cards.}\n",
               name="data-steward")
    sync(world["app"])
    auth.login()
    page = client.get("/account/skills?role=data-steward").get_data(as_text=True)
    assert "target of the role Data steward" in page and 'aria-current="page">Data steward' in page
    assert client.get("/account/skills?role=nobody").status_code == 404


def test_the_page_costs_the_same_queries_for_one_attempt_and_for_ten(world, auth, client):
    app, learner, reviewer = world["app"], world["learner"], world["reviewer"]
    auth.login()
    with app.app_context():
        quiz = make_quiz(questions={"q1": ["ai-literacy"], "q2": ["agile-delivery"]})
        answer(learner, quiz, {"q1": 0.5, "q2": 0.5})
        decide(learner, make_assignment({"framing": "ai-literacy"}), {"framing": 1}, reviewer)
        db.session.commit()
        quiz_id = quiz.id
    client.get("/account/skills")
    with count_queries(app) as one:
        assert client.get("/account/skills").status_code == 200
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        for _attempt in range(9):
            answer(learner, quiz, {"q1": 0.5, "q2": 1.0})
        decide(learner, make_assignment({"plan": "agile-delivery"}), {"plan": 2}, reviewer)
        db.session.commit()
    with count_queries(app) as ten:
        page = client.get("/account/skills").get_data(as_text=True)
    assert "Agile delivery: level 4, Advanced" in page
    assert len(ten) == len(one) and len(ten) <= 12, ten


def test_the_page_needs_a_login_and_reads_in_french(world, auth, client):
    assert client.get("/account/skills").status_code == 302
    auth.login()
    client.post("/account/language", data={"language": "fr", "csrf_token": auth.csrf("/")})
    page = client.get("/account/skills").get_data(as_text=True)
    assert "Vos compétences" in page and "Aucune preuve pour l’instant" in page


def test_the_account_page_links_to_the_profile(world, auth, client):
    auth.login()
    assert 'href="/account/skills"' in client.get("/account/profile").get_data(as_text=True)


def test_without_a_role_the_page_shows_levels_only(app, make_user, auth, client):
    sync(app)
    make_user()
    auth.login()
    page = client.get("/account/skills").get_data(as_text=True)
    assert "<title id=\"skills-chart-title\">Your level on each skill</title>" in page
    assert "Where to work next" not in page and 'class="chart-target"' not in page
    assert "About AI literacy and the lessons that teach it" in page


def test_the_role_file_is_in_the_store_and_survives_a_browser_publish(world):
    """`flask lms sync` keeps courses/_roles/ in the file store, so a publish from the browser, which loads the
    store's tree, keeps the role; no course's editor lists it (docs/skills.md)."""
    from lms.authoring.store import apply_live, belongs_to, live_data
    from lms.catalog.models import Course
    from lms.schools.services import default_school

    app = world["app"]
    path = "courses/_roles/ai-project-manager.yaml"
    with app.test_request_context():
        assert live_data(path) is not None
        apply_live(default_school())
        db.session.commit()
        assert not db.session.execute(db.select(Role)).scalar_one().retired
        assert not any(belongs_to(course, path) for course in db.session.execute(db.select(Course)).scalars())
