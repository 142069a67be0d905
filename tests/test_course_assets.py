"""The diagrams and templates shipped in courses/*/assets: accessible, inert, linked and served."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
SVGS = sorted(ROOT.glob("courses/*/assets/*.svg"))
LESSONS = sorted(p for p in ROOT.glob("courses/*/*/*.md") if p.name != "module.md")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
LINK = re.compile(r"(?<!!)\[[^\]]+\]\((\.\./assets/[^)\s#]+)")
SVG_NS = "{http://www.w3.org/2000/svg}"


def test_the_curriculum_ships_its_diagrams_and_templates():
    names = {p.name for p in ROOT.glob("courses/*/assets/*")}
    assert {"crisp-dm-cycle.svg", "confusion-matrix.svg", "precision-recall-tradeoff.svg", "cone-of-uncertainty.svg",
            "drift-over-time.svg", "raci-matrix.svg"} <= names
    assert {"problem-framing-sheet.md", "business-case.md", "data-readiness-review.csv", "risk-register.csv",
            "raci.csv", "model-card.md", "monitoring-plan.md"} <= names


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
    sheet = client.get("/courses/leading-ai-initiatives/assets/raci.csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv" and sheet.data.startswith(b"activity,sponsor")


def test_a_lesson_renders_its_diagram_and_its_download_links(tmp_path, make_app, make_user):
    content = tmp_path / "real"
    shutil.copytree(ROOT / "courses", content / "courses")
    shutil.copytree(ROOT / "quizzes", content / "quizzes")
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
