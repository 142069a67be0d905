"""Videos in lessons: the ``::: video`` directive, its allow-list of hosts, the sanitiser that lets only
its own iframes through, and the frame-src that the page embedding one (and no other page) sends."""
from __future__ import annotations

import re

import pytest

from lms.catalog.models import Lesson
from lms.content.markdown import render_markdown, sanitise
from lms.content.tree import read_tree
from lms.extensions import db
from lms.web import CONTENT_SECURITY_POLICY

from .authoring_support import LESSON_PATH, editor_url, head_text, log_in, make_account
from .content_factory import write

LESSON = "courses/intro-course/01-basics/01-what-is-ai.md"
TRANSCRIPT = "courses/intro-course/assets/sprint-review-transcript.md"
NOCOOKIE = "https://www.youtube-nocookie.com"
SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups"
# The lesson's body starts on line 6 (five lines of front matter), so the directive's lines are 7 to 10.
HEAD = "---\ntitle: What is AI\nminutes: 10\n---\n\nIntro.\n\n"


def video(url: str = "https://www.youtube-nocookie.com/embed/aaaaaaaaaaa", *lines: str) -> str:
    body = lines or ("title: Sprint review of the fraud model (4 min)", "transcript: ../assets/sprint-review-transcript.md")
    return HEAD + f"::: video {url}\n" + "".join(line + "\n" for line in body) + ":::\n\nAfter.\n"


@pytest.fixture()
def with_video(content_dir):
    write(content_dir, TRANSCRIPT, "# Transcript\n\nWhat was said.\n")
    write(content_dir, LESSON, video())
    return content_dir


def lesson_html(root, slug: str = "what-is-ai", **options) -> str:
    tree = read_tree(root, **options)
    assert [str(error) for error in tree.errors] == []
    return next(lesson for lesson in tree.courses[0].lessons if lesson.slug == slug).body_html


def iframes(html: str) -> list[str]:
    return re.findall(r"<iframe[^>]*>", html)


def test_the_directive_renders_an_accessible_player_with_caption_and_transcript(with_video):
    html = lesson_html(with_video)
    [frame] = iframes(html)
    assert 'src="https://www.youtube-nocookie.com/embed/aaaaaaaaaaa"' in frame
    assert 'title="Sprint review of the fraud model (4 min)"' in frame
    assert 'loading="lazy"' in frame and "allowfullscreen" in frame
    assert 'referrerpolicy="strict-origin-when-cross-origin"' in frame and f'sandbox="{SANDBOX}"' in frame
    assert "style=" not in html  # the CSP forbids inline style: 16:9 comes from the .video-frame class
    assert '<div class="video-frame"><iframe' in html
    caption = re.search(r"<figcaption>(.*)</figcaption>", html).group(1)
    assert '<span class="video-title">Sprint review of the fraud model (4 min)</span>' in caption
    # The transcript link resolves like any lesson link: to the course's assets, relative to the page.
    assert 'href="assets/sprint-review-transcript.md"' in caption
    assert html.index("Intro.") < html.index("<figure") < html.index("After.")


@pytest.mark.parametrize("url, src", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=tracking", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?t=90", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
    ("https://vimeo.com/76979871/abc123", "https://player.vimeo.com/video/76979871?h=abc123"),
    ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
    ("https://tube.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
     "https://tube.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"),
    ("https://TUBE.example.org/videos/watch/kkGMgK9ZtnKfYAgnEtQxbv",
     "https://tube.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv"),
])
def test_watch_addresses_become_the_hosts_embed_address(with_video, url, src):
    write(with_video, LESSON, video(url))
    [frame] = iframes(lesson_html(with_video, video_hosts=frozenset({"tube.example.org"})))
    assert f'src="{src.replace("&", "&amp;")}"' in frame


@pytest.mark.parametrize("url, lines, line, message", [
    ("https://evil.example/embed/aaaaaaaaaaa", (), 8, "videos may come only from YouTube"),
    ("http://www.youtube-nocookie.com/embed/aaaaaaaaaaa", (), 8, "must use https://"),
    ("javascript:alert(1)", (), 8, "is not a video address"),
    ("https://user:secret@www.youtube-nocookie.com/embed/aaaaaaaaaaa", (), 8, "must not contain a user name or password"),
    ("https://www.youtube-nocookie.com:8443/embed/aaaaaaaaaaa", (), 8, "must not name a port"),
    ("https://www.youtube.com/watch?v=../../x", (), 8, "is not the address of one video on www.youtube.com"),
    ("https://www.youtube.com/watch?v=aaaaaaaaaaa%0A", (), 8, "is not the address of one video on www.youtube.com"),
    ("https://player.vimeo.com/video/76979871?h=abc%0A", (), 8, "is not the address of one video on player.vimeo.com"),
    ("https://tube.example.org/w/abc", (), 8, "a PeerTube host must be named in LMS_PEERTUBE_HOSTS"),
    ("", (), 8, "a video needs its address"),
    (None, ("transcript: ../assets/sprint-review-transcript.md",), 8, "a video needs a title"),
    (None, ("title:", "transcript: ../assets/sprint-review-transcript.md"), 9, "a video needs a title"),
    (None, ("title: Review",), 8, "a video needs a transcript"),
    (None, ("title: Review", "transcript: ../assets/missing.md"), 10,
     "transcript: link to '../assets/missing.md': no such file courses/intro-course/assets/missing.md"),
    (None, ("title: Review", "transcript: javascript:alert(1)"), 10, "must be a relative link"),
    (None, ("title: Review", "autoplay: yes", "transcript: ../assets/sprint-review-transcript.md"), 10,
     "unexpected 'autoplay: yes' in a video block"),
])
def test_every_refused_form_is_a_problem_on_its_line(with_video, url, lines, line, message):
    write(with_video, LESSON, video("https://www.youtube-nocookie.com/embed/aaaaaaaaaaa" if url is None else url, *lines))
    errors = [str(error) for error in read_tree(with_video).errors]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{LESSON}:{line}: ") and message in errors[0], errors


def test_a_video_outside_a_lesson_is_refused(with_video):
    write(with_video, "courses/intro-course/01-basics/module.md",
          "---\ntitle: Basics\n---\n\n::: video https://www.youtube-nocookie.com/embed/aaaaaaaaaaa\ntitle: T\n:::\n")
    assert [str(error) for error in read_tree(with_video).errors] == [
        "courses/intro-course/01-basics/module.md:5: a video can only be embedded in a lesson"]


def test_a_video_in_a_quote_outside_a_lesson_is_refused_too(with_video):
    write(with_video, "courses/intro-course/01-basics/module.md", "---\ntitle: Basics\n---\n\nIntro.\n\n"
          "> ::: video https://www.youtube-nocookie.com/embed/aaaaaaaaaaa\n> title: T\n> :::\n")
    assert [str(error) for error in read_tree(with_video).errors] == [
        "courses/intro-course/01-basics/module.md:7: a video can only be embedded in a lesson"]


def test_raw_iframes_stay_escaped_and_no_other_source_survives_the_sanitiser(with_video):
    write(with_video, LESSON, video() + '\n<iframe src="https://evil.example/x"></iframe>\n')
    html = lesson_html(with_video)
    assert len(iframes(html)) == 1 and "evil.example" not in iframes(html)[0]
    assert '&lt;iframe src="https://evil.example/x"&gt;' in html
    # HTML that reached the sanitiser some other way keeps an iframe's src only if the directive made it.
    made = "https://www.youtube-nocookie.com/embed/aaaaaaaaaaa"
    hostile = f'<iframe src="https://evil.example/x" onload="x()" sandbox="allow-top-navigation"></iframe><iframe src="{made}"></iframe>'
    cleaned = sanitise(hostile, frame_sources={made})
    assert cleaned == f'<iframe></iframe><iframe src="{made}"></iframe>'
    assert "iframe" not in sanitise(hostile)  # text without a video keeps no iframe at all
    _, problems = render_markdown("::: video https://www.youtube-nocookie.com/embed/aaaaaaaaaaa\ntitle: T\n:::\n")
    assert problems == [(1, "a video can only be embedded in a lesson")]


@pytest.fixture()
def synced_video(with_video, app, runner):
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    return app


def test_the_page_with_a_video_allows_exactly_its_origin_in_frame_src(synced_video, client, learner, auth):
    page = client.get("/courses/intro-course/what-is-ai")
    assert page.status_code == 200 and "<iframe" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"] == f"{CONTENT_SECURITY_POLICY}; frame-src {NOCOOKIE}"
    assert auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/").status_code == 302
    for other in ("/courses/intro-course/models", "/courses/intro-course/", "/"):
        response = client.get(other)
        assert response.status_code == 200, other
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, other
    with synced_video.app_context():
        origins = dict(db.session.execute(db.select(Lesson.slug, Lesson.frame_origins)).all())
    assert origins == {"what-is-ai": NOCOOKIE, "models": "", "sprints": "", "review": ""}


def test_two_hosts_on_one_page_are_both_listed_once(with_video, make_app):
    write(with_video, LESSON, video() + video("https://vimeo.com/76979871").removeprefix(HEAD)
          + video("https://www.youtube.com/watch?v=bbbbbbbbbbb").removeprefix(HEAD))
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    policy = app.test_client().get("/courses/intro-course/what-is-ai").headers["Content-Security-Policy"]
    assert policy.endswith(f"; frame-src {NOCOOKIE} https://player.vimeo.com") and policy.count("frame-src") == 1


def test_a_peertube_video_needs_its_host_in_the_setting(with_video, make_app):
    write(with_video, LESSON, video("https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv"))
    app = make_app(LMS_PEERTUBE_HOSTS="tube.example.org, videos.example.net")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    policy = app.test_client().get("/courses/intro-course/what-is-ai").headers["Content-Security-Policy"]
    assert policy.endswith("; frame-src https://tube.example.org")
    # The setting is part of what rendering depends on: without the host, the next sync refuses the file.
    refused = make_app().test_cli_runner().invoke(args=["lms", "sync"])
    assert refused.exit_code != 0 and f"{LESSON}:8: " in refused.output


def test_a_bad_peertube_setting_stops_the_app_with_its_name(make_app):
    with pytest.raises(RuntimeError, match="LMS_PEERTUBE_HOSTS names 'https://tube.example.org'"):
        make_app(LMS_PEERTUBE_HOSTS="https://tube.example.org")


def test_sync_of_a_bad_video_stores_nothing_and_names_file_and_line(with_video, app, runner):
    write(with_video, LESSON, video("https://evil.example/embed/aaaaaaaaaaa"))
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code != 0
    assert f"{LESSON}:8: videos may come only from YouTube" in result.output
    assert "nothing was changed" in result.output
    with app.app_context():
        assert db.session.execute(db.select(Lesson)).first() is None
    check = runner.invoke(args=["lms", "check"])
    assert check.exit_code != 0 and f"{LESSON}:8: " in check.output


def test_the_editor_preview_plays_the_video_with_its_own_frame_src(synced, make_user, auth, content_dir):
    make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    write(content_dir, TRANSCRIPT, "# Transcript\n")  # the preview reads the published tree's files
    editor = auth.client.get(editor_url(LESSON_PATH))
    assert "frame-src" not in editor.headers["Content-Security-Policy"]
    from .authoring_support import submit

    text = head_text(synced, LESSON_PATH) + "\n::: video https://vimeo.com/76979871\ntitle: Demo\ntranscript: https://example.org/t\n:::\n"
    response = submit(auth, LESSON_PATH, text, "preview")
    assert response.status_code == 200
    assert 'src="https://player.vimeo.com/video/76979871"' in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == f"{CONTENT_SECURITY_POLICY}; frame-src https://player.vimeo.com"
