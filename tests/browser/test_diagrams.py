"""The course diagrams show in a lesson, in light and in dark mode, under the site's security policy."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LESSONS = {
    "/courses/ai-foundations/confusion-matrix-and-core-metrics": "assets/confusion-matrix.svg",
    "/courses/agile-ai-delivery/crisp-dm-in-sprints": "assets/crisp-dm-cycle.svg",
    "/courses/leading-ai-initiatives/drift-and-psi": "assets/drift-over-time.svg",
}


@pytest.fixture()
def content_dir(tmp_path) -> Path:
    """The shipped curriculum instead of the small test tree."""
    shutil.copytree(ROOT / "courses", tmp_path / "content" / "courses")
    shutil.copytree(ROOT / "quizzes", tmp_path / "content" / "quizzes")
    shutil.copytree(ROOT / "assignments", tmp_path / "content" / "assignments")
    return tmp_path / "content"


def corner_brightness(png: bytes) -> float:
    """Mean brightness of a patch inside the diagram's background, away from any text."""
    image = Image.open(io.BytesIO(png)).convert("L")
    patch = image.crop((12, image.height - 14, 40, image.height - 10))
    return sum(patch.tobytes()) / (patch.width * patch.height)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagrams_show_with_their_alt_text_in_light_and_dark_mode(synced, live_server, browser, make_user, shot,
                                                                  scheme):
    make_user(email="admin@example.com", role="admin")
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/account/login")
    page.fill("input[name=email]", "admin@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    for path, src in LESSONS.items():
        blocked: list[str] = []
        page.on("console", lambda message: blocked.append(message.text) if "Content Security" in message.text else None)
        page.goto(live_server + path)
        image = page.locator(f'img[src="{src}"]')
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 300"), f"{src} did not load"
        assert len(image.get_attribute("alt")) > 20
        brightness = corner_brightness(image.screenshot())
        # The diagram paints its own background: white in light mode, near-black in dark mode.
        assert (brightness > 230) if scheme == "light" else (brightness < 40), (src, scheme, brightness)
        assert blocked == [], blocked
        shot(page, f"{scheme}-{src.split('/')[-1].removesuffix('.svg')}")
    context.close()
