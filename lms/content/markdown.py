"""The one Markdown pipeline: run when content is loaded (and for previews), never per request.

markdown-it-py renders CommonMark with the plugins the content format names, Pygments colours
code, relative links are resolved by the caller, and nh3 sanitises the result so no script,
event handler, ``javascript:`` URL or raw HTML can reach a page.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from functools import lru_cache
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from flask import has_app_context

from ..i18n import DEFAULT_LANGUAGE, _, _l, force_locale, supported
from .errors import quoted
from .video import FIXED_ATTRIBUTES, Embeds, render_video_token, replace_videos

# Bump when the output changes, so the next sync re-renders every file.
RENDERER_VERSION = "5"  # 3: tables in scrolling regions; 4: videos; 5: labels in the course's language

CALLOUT_KINDS = {"note": _l("Note"), "tip": _l("Tip"), "warning": _l("Warning"), "example": _l("Example"),
                 "checklist": _l("Checklist"), "answer": _l("Show the answer")}
# Kinds that render as a disclosure the learner opens, so an exercise's answer is not read by accident.
DISCLOSURE_KINDS = {"answer"}
CALLOUT_LINE = re.compile(r"^\s*:::\s*([A-Za-z][\w-]*)")
# Table alignment arrives as inline style, which the Content-Security-Policy forbids: use classes.
ALIGN_STYLE = re.compile(r'style="text-align:(left|right|center)"')
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

# (line, message) pairs; the caller adds the file path.
Problems = list[tuple[int, str]]
# Maps a relative link target to the href it should have, or raises ValueError with the reason.
LinkResolver = Callable[[str], str]

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
    "figcaption", "figure", "h3", "h4", "h5", "h6", "hr", "img", "input", "label", "li", "ol", "p", "pre", "s", "section", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title", "role"},
    "div": {"role", "aria-label", "tabindex"},
    "img": {"src", "alt", "title"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    "th": {"scope"},
    "section": {"aria-label"},
}


# Building a formatter compiles its whole stylesheet, and finding a lexer scans a registry: do each once.
_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=128)
def _lexer(lang: str):
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, attrs: str) -> str:
    lexer = _lexer(lang) if lang else None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    body = pygments_highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code class="language-{escape(lang)}">{body}</code></pre>\n'


def content_labels(language: str | None) -> dict[str, str]:
    """The words the renderer adds to an author's text (callout titles, a table's name, a video's
    transcript link), in the course's language when the interface has it (English otherwise, and outside
    an app)."""
    def words() -> dict[str, str]:
        labels = {kind: str(label) for kind, label in CALLOUT_KINDS.items()}
        labels.update(table=str(_l("Table")), table_of=str(_l("Table: %(headers)s")),
                      transcript=str(_l("Transcript: %(title)s")))
        return labels

    chosen = supported(language) if language else None
    if chosen and has_app_context():
        with force_locale(chosen):
            return words()
    with force_locale(DEFAULT_LANGUAGE) if has_app_context() else nullcontext():
        return words()


def _callout_renderer(kind: str):
    def render(self, tokens, idx, options, env):
        label = escape(env["labels"][kind]) if "labels" in env else escape(str(CALLOUT_KINDS[kind]))
        if kind in DISCLOSURE_KINDS:
            if tokens[idx].nesting == 1:
                return f'<details class="callout callout-{kind}"><summary>{label}</summary>\n'
            return "</details>\n"
        if tokens[idx].nesting == 1:
            return (f'<div class="callout callout-{kind}" role="note" aria-label="{label}">'
                    f'<p class="callout-title">{label}</p>\n')
        return "</div>\n"

    return render


def _table_open(self, tokens, idx, options, env):
    """A table scrolls inside its own region when it is wider than the page (the page itself never scrolls
    sideways, and cells keep their words whole); the region is focusable so a keyboard can scroll it, and is
    named by the table's header row."""
    headers = []
    for token in tokens[idx + 1:]:
        if token.type == "thead_close" or token.type == "tbody_open":
            break
        if token.type == "inline":
            words = "".join(child.content for child in token.children or () if child.type in ("text", "code_inline"))
            if words.strip():
                headers.append(words.strip())
    labels = env.get("labels") or {"table": "Table", "table_of": "Table: %(headers)s"}
    label = labels["table_of"].replace("%(headers)s", ", ".join(headers)) if headers else labels["table"]
    if len(label) > 120:
        label = label[:117].rstrip() + "..."
    return f'<div class="table-block" role="region" tabindex="0" aria-label="{escape(label)}">\n<table>\n'


def _table_close(self, tokens, idx, options, env):
    return "</table>\n</div>\n"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "typographer": False, "highlight": _highlight})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(tasklists_plugin, enabled=False, label=True)
        .use(anchors_plugin, min_level=2, max_level=3)
    )
    for kind in CALLOUT_KINDS:
        md.use(container_plugin, name=kind, render=_callout_renderer(kind))
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    # Read into one ``video`` token after parsing (lms/content/video.py); never rendered as a container.
    md.use(container_plugin, name="video")
    md.add_render_rule("video", render_video_token)
    return md


def _is_relative(url: str) -> bool:
    return bool(url) and not URL_SCHEME.match(url) and not url.startswith(("/", "#", "//"))


def _rewrite_links(tokens: list[Token], resolve: LinkResolver | None, line_offset: int, problems: Problems) -> None:
    line = line_offset + 1
    for token in tokens:
        if token.map:
            line = line_offset + token.map[0] + 1
        for child in token.children or ():
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            if attr is None:
                continue
            url = str(child.attrGet(attr) or "")
            if not _is_relative(url):
                continue
            if resolve is None:
                continue
            try:
                child.attrSet(attr, resolve(url))
            except ValueError as exc:
                problems.append((line, str(exc)))


def _check_callouts(text: str, line_offset: int, problems: Problems, videos: bool) -> None:
    fenced = False
    for number, raw in enumerate(text.splitlines(), start=line_offset + 1):
        if raw.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else CALLOUT_LINE.match(raw)
        if match and match.group(1) == "video":
            if not videos:
                problems.append((number, _("a video can only be embedded in a lesson")))
        elif match and match.group(1) not in CALLOUT_KINDS:
            kinds = ", ".join(CALLOUT_KINDS)
            problems.append((number, _("unknown callout %(kind)s (use one of: %(kinds)s)", kind=quoted(match.group(1)),
                                       kinds=kinds)))


def sanitise(html: str, frame_sources: set[str] | frozenset[str] = frozenset()) -> str:
    """Keep only the allowed tags and attributes; an ``<iframe>`` only with a src in ``frame_sources``
    (the addresses the video directive made) and its fixed attributes with exactly their values."""
    tags, attributes, values = ALLOWED_TAGS, ALLOWED_ATTRIBUTES, None
    if frame_sources:
        tags = ALLOWED_TAGS | {"iframe"}
        attributes = {**ALLOWED_ATTRIBUTES, "iframe": {"title"}}
        values = {"iframe": {"src": set(frame_sources), **{name: {value} for name, value in FIXED_ATTRIBUTES.items()}}}
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        tag_attribute_values=values,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str, *, resolve: LinkResolver | None = None, line_offset: int = 0,
                    embeds: Embeds | None = None, language: str | None = None) -> tuple[str, Problems]:
    """Render trusted-format, untrusted-content Markdown to safe HTML, with problems by line.

    ``embeds`` allows ``::: video`` blocks (lessons only) and collects the origins they embed; ``language``
    is the course's, the language of the labels the renderer adds (``content_labels``)."""
    problems: Problems = []
    _check_callouts(text, line_offset, problems, videos=embeds is not None)
    md = _parser()
    env: dict = {"labels": content_labels(language)}
    tokens = md.parse(text, env)
    _rewrite_links(tokens, resolve, line_offset, problems)
    if embeds is None:  # a block the line check cannot see (in a quote or a list) is refused all the same
        reported = {line for line, _ in problems}
        for token in tokens:
            line = line_offset + (token.map[0] if token.map else 0) + 1
            if token.type == "container_video_open" and line not in reported:
                problems.append((line, "a video can only be embedded in a lesson"))
    if any(token.type == "container_video_open" for token in tokens):
        tokens = replace_videos(tokens, embeds or Embeds(), resolve, line_offset, problems if embeds else [])
    html = ALIGN_STYLE.sub(r'class="align-\1"', md.renderer.render(tokens, md.options, env))
    return sanitise(html, embeds.sources if embeds else frozenset()), problems


def render_inline(text: str) -> str:
    """Render a one-line string (a quiz prompt, a title) without block elements."""
    md = _parser()
    return sanitise(md.renderInline(text))


def pygments_css() -> str:
    return HtmlFormatter(style="default").get_style_defs(".highlight")
