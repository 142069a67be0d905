"""The independent LTI platform's course page in Chromium: a launch inside its iframe goes through the whole OIDC
round trip to a tool on another site (platform on 127.0.0.1, tool on localhost), as the tool's own iframe tests
need. The tool is the harness's pylti1p3 sample, not Conductor."""
from __future__ import annotations

import json

import pytest
import requests

from tests.lti_platform.fixtures import lti_platform, lti_platform_server  # noqa: F401
from tests.lti_platform.sample_tool import ToolKey, create_sample_tool, serving

pytestmark = pytest.mark.browser

LEARNER = {"sub": "learner-1", "name": "Ada Learner",
           "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}


def launch_in_iframe(platform, browser, cookies: str) -> tuple[dict, dict]:
    """Launch the sample tool from the platform's course page; the tool's JSON answer and its app config."""
    tool = create_sample_tool(ToolKey(), cookies=cookies)
    with serving(tool) as loopback:
        site = loopback.replace("127.0.0.1", "localhost")
        tool.config["LTI"] = platform.register_tool(f"{site}/login", f"{site}/launch", jwks_url=f"{loopback}/jwks")
        launch = platform.launch(LEARNER, {"id": "course-1", "title": "Rhetoric"}, {"id": "link-1"}, nrps=False)
        assert launch["iframe_url"].startswith("http://127.0.0.1:")
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(launch["iframe_url"])
            page.wait_for_url(launch["iframe_url"])
            answer = page.frame_locator("#tool").locator("body")
            answer.filter(has_text="learner-1" if cookies == "partitioned" else "refused").wait_for(timeout=15000)
            [frame] = [frame for frame in page.frames if frame != page.main_frame]
            assert frame.url == f"{site}/launch"  # the id_token was posted to the tool inside the iframe
            return json.loads(answer.inner_text()), tool.config
        finally:
            context.close()


def test_a_launch_in_the_course_pages_iframe_reaches_the_tool(lti_platform, browser):
    answer, config = launch_in_iframe(lti_platform, browser, "partitioned")
    assert answer["sub"] == "learner-1"
    assert [data["sub"] for data in config["LAUNCHES"]] == ["learner-1"]


@pytest.mark.parametrize("cookies", ["lax", "cross-site"])
def test_the_iframe_is_another_site_where_only_partitioned_cookies_survive(lti_platform, browser, cookies):
    """The same tool loses its OIDC state inside the iframe with Lax cookies (the iframe is cross-site) and with
    SameSite=None; Secure ones (Chromium blocks third-party cookies): the harness puts the tool where a real
    LMS does, and a tool needs Partitioned (CHIPS) cookies or another way to keep its state."""
    answer, config = launch_in_iframe(lti_platform, browser, cookies)
    assert answer == {"refused": "State not found"}
    assert config["LAUNCHES"] == []


def test_dynamic_registration_in_the_platforms_page_registers_the_tool_which_then_launches(lti_platform, browser):
    tool = create_sample_tool(ToolKey())
    with serving(tool) as loopback:
        site = loopback.replace("127.0.0.1", "localhost")
        started = lti_platform.start_dynamic_registration(f"{site}/register")
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(started["page_url"])
            page.get_by_role("status").filter(has_text="Registration closed").wait_for(timeout=15000)
        finally:
            context.close()
        grant = lti_platform.dynamic_registration(started["registration_token"])
        assert grant["used"] and grant["closed"]
        assert tool.config["LTI"]["client_id"] == grant["client_id"]
        [registered] = lti_platform.tools()
        assert (registered["login_url"], registered["launch_url"]) == (f"{site}/login", f"{site}/launch")
        launch = lti_platform.launch(LEARNER, {"id": "course-1"}, {"id": "link-1"}, nrps=False)
        with requests.Session() as session:
            assert lti_platform.follow_launch(session, launch).json()["sub"] == "learner-1"
