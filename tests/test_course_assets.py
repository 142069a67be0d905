"""The diagrams and templates shipped in courses/*/assets: accessible, inert, linked and served."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SVGS = sorted(ROOT.glob("courses/*/assets/*.svg"))
LESSONS = sorted(p for p in ROOT.glob("courses/*/*/*.md") if p.name != "module.md")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
LINK = re.compile(r"(?<!!)\[[^\]]+\]\((\.\./assets/[^)\s#]+)")
SVG_NS = "{http://www.w3.org/2000/svg}"
CAPSTONE = ROOT / "courses" / "leading-ai-initiatives" / "assets"
MD_LINK = re.compile(r"\]\(([^)\s#]+)")
LEVELS = ["level_1_not_yet", "level_2_developing", "level_3_proficient", "level_4_exemplary"]


def capstone_brief() -> dict:
    text = (CAPSTONE / "capstone-brief.md").read_text(encoding="utf-8")
    front, body = text.removeprefix("---\n").split("\n---\n", 1)
    return {**yaml.safe_load(front), "body": body}


def capstone_rubric() -> list[dict]:
    with open(CAPSTONE / "capstone-rubric.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_curriculum_ships_its_diagrams_and_templates():
    names = {p.name for p in ROOT.glob("courses/*/assets/*")}
    assert {"crisp-dm-cycle.svg", "confusion-matrix.svg", "precision-recall-tradeoff.svg", "cone-of-uncertainty.svg",
            "drift-over-time.svg", "raci-matrix.svg"} <= names
    assert {"problem-framing-sheet.md", "business-case.md", "data-readiness-review.csv", "risk-register.csv",
            "raci.csv", "model-card.md", "monitoring-plan.md"} <= names
    assert {"capstone-brief.md", "capstone-rubric.csv", "capstone-rubric.md"} <= names


@pytest.mark.parametrize("path", SVGS, ids=lambda p: p.name)
def test_every_svg_has_a_title_and_runs_or_loads_nothing(path):
    source = path.read_text(encoding="utf-8")
    root = ElementTree.fromstring(source)
    assert root.tag == SVG_NS + "svg"
    title = root.find(SVG_NS + "title")
    assert title is not None and title.text and title.text.strip(), "a <title> first, for screen readers"
    assert root.find(SVG_NS + "desc") is not None
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "use", "iframe", "a"}, tags
    assert not re.search(r"\son\w+\s*=", source), "no event handler attributes"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), f"{name}={value}: only references inside the file"
    for target in re.findall(r"url\(([^)]*)\)", source):
        assert target.strip("'\" ").startswith("#"), f"url({target}): only references inside the file"
    assert "@import" not in source and "javascript:" not in source.lower()
    assert "prefers-color-scheme: dark" in source, "readable in dark mode"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: str(p.relative_to(ROOT / "courses")))
def test_every_image_in_a_lesson_has_alt_text_and_every_asset_link_exists(path):
    text = path.read_text(encoding="utf-8")
    for alt, src in IMAGE.findall(text):
        assert len(alt.strip()) >= 20, f"{src}: alt text must say what the image shows"
        assert (path.parent / src).resolve().is_file(), src
    for target in LINK.findall(text):
        assert (path.parent / target).resolve().is_file(), target


def test_a_diagram_a_template_and_a_spreadsheet_are_served_as_files(tmp_path, make_app, make_user, auth):
    content = tmp_path / "real"
    shutil.copytree(ROOT / "courses", content / "courses")
    shutil.copytree(ROOT / "quizzes", content / "quizzes")
    shutil.copytree(ROOT / "assignments", content / "assignments")
    app = make_app(LMS_CONTENT_DIR=str(content))
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    client = app.test_client()

    svg = client.get("/courses/ai-foundations/assets/confusion-matrix.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg") and b"<title" in svg.data
    policy = svg.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script" not in policy
    assert svg.headers["X-Content-Type-Options"] == "nosniff"

    template = client.get("/courses/ai-foundations/assets/problem-framing-sheet.md")
    assert template.status_code == 200 and b"# Problem framing sheet" in template.data
    assert template.headers["Content-Disposition"].startswith("attachment")
    rubric = client.get("/courses/leading-ai-initiatives/assets/capstone-rubric.csv")
    assert rubric.status_code == 200 and rubric.mimetype == "text/csv" and rubric.data.startswith(b"id,criterion,skill")
    sheet = client.get("/courses/leading-ai-initiatives/assets/raci.csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv" and sheet.data.startswith(b"activity,sponsor")


def test_a_lesson_renders_its_diagram_and_its_download_links(tmp_path, make_app, make_user):
    content = tmp_path / "real"
    shutil.copytree(ROOT / "courses", content / "courses")
    shutil.copytree(ROOT / "quizzes", content / "quizzes")
    shutil.copytree(ROOT / "assignments", content / "assignments")
    app = make_app(LMS_CONTENT_DIR=str(content))
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user(email="admin@example.com", role="admin")
    client = app.test_client()
    login = client.get("/account/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', login.data).group(1).decode()
    client.post("/account/login", data={"email": "admin@example.com", "password": "correct-horse-battery",
                                         "csrf_token": token})
    page = client.get("/courses/leading-ai-initiatives/roles-raci-and-handoffs").get_data(as_text=True)
    assert re.search(r'<img src="assets/raci-matrix.svg" alt="RACI grid of seven activities[^"]*"', page), page[:200]
    assert re.search(r'<a href="assets/raci.csv"[^>]*>RACI \(CSV\)</a>', page)
    page = client.get("/courses/ai-foundations/framing-data-and-training").get_data(as_text=True)
    assert re.search(r'<a href="assets/problem-framing-sheet.md"[^>]*>problem framing sheet \(Markdown\)</a>', page)


def test_the_capstone_rubric_weighs_programme_skills_with_four_observable_levels():
    rubric = capstone_rubric()
    skills = {skill["id"] for skill in yaml.safe_load((ROOT / "courses" / "_skills.yaml").read_text(encoding="utf-8"))}
    deliverables = {d["id"] for d in capstone_brief()["deliverables"]}
    assert 6 <= len(rubric) <= 8
    assert len({row["id"] for row in rubric}) == len(rubric)
    assert sum(int(row["weight"]) for row in rubric) == 100
    for row in rubric:
        assert row["skill"] in skills, row["id"]
        assert set(row["deliverables"].split()) <= deliverables, row["id"]
        descriptors = [row[level].strip() for level in LEVELS]
        assert all(len(d) >= 40 for d in descriptors), f"{row['id']}: a level needs a concrete descriptor"
        assert len(set(descriptors)) == 4, row["id"]
    scored = {d for row in rubric for d in row["deliverables"].split()}
    assert scored == deliverables, "every deliverable is scored by a criterion"


def test_the_capstone_rubric_table_is_the_csv_and_both_state_the_pass_rule():
    table = (CAPSTONE / "capstone-rubric.md").read_text(encoding="utf-8")
    for row in capstone_rubric():
        assert f"| {row['id']} | {row['criterion']} | `{row['skill']}` | {row['weight']} | {row['deliverables']} |" in table
        for number, level in enumerate(LEVELS, start=1):
            assert re.search(rf"^\| {number} [A-Z][a-z ]+ \| {re.escape(row[level])} \|$", table, re.M), (row["id"], level)
    rule = capstone_brief()["pass_rule"]
    sentence = f"a total of at least {rule['min_total']}, and no criterion at level {rule['min_level'] - 1}"
    assert sentence in table and sentence in capstone_brief()["body"]


def test_the_capstone_brief_names_a_template_for_each_deliverable_and_every_link_resolves():
    brief = capstone_brief()
    assert [d["due_week"] for d in brief["deliverables"]] == sorted(d["due_week"] for d in brief["deliverables"])
    assert max(d["due_week"] for d in brief["deliverables"]) == brief["weeks"] == 6
    for deliverable in brief["deliverables"]:
        assert deliverable["id"] in brief["body"] and deliverable["title"] in brief["body"], deliverable["id"]
        for template in deliverable["templates"]:
            assert (CAPSTONE / template).resolve().is_file(), f"{deliverable['id']}: {template}"
            assert f"]({template})" in brief["body"], f"{deliverable['id']}: link {template} in the table"
        if "guide" in deliverable:
            assert (CAPSTONE / deliverable["guide"]).resolve().is_file(), f"{deliverable['id']}: {deliverable['guide']}"
        assert deliverable["templates"] or "guide" in deliverable, f"{deliverable['id']}: nothing to build it from"
    assert (CAPSTONE / brief["rubric"]).is_file()
    for name in ("capstone-brief.md", "capstone-rubric.md"):
        for target in MD_LINK.findall((CAPSTONE / name).read_text(encoding="utf-8")):
            if not target.startswith(("https://", "mailto:")):
                assert (CAPSTONE / target).resolve().is_file(), f"{name}: {target}"
