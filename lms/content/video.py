"""The ``::: video`` directive: a video player from an allow-listed host, with a title and a transcript.

A lesson author writes::

    ::: video https://www.youtube.com/watch?v=VIDEOID
    title: Sprint review of the fraud model (4 min)
    transcript: ../assets/sprint-review-transcript.md
    :::

The address is checked against the allow-list and normalised to the host's embed address; only
addresses made here may carry an ``<iframe>`` through the sanitiser, and the page that shows one
sends a ``frame-src`` naming exactly the origins it embeds.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from markdown_it.token import Token

from ..i18n import _
from .errors import quoted

YOUTUBE_EMBED_HOST = "www.youtube-nocookie.com"
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
VIMEO_PLAYER_HOST = "player.vimeo.com"
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")  # each used with fullmatch: "$" would let a final newline by
VIMEO_ID = re.compile(r"[0-9]{1,20}")
VIMEO_HASH = re.compile(r"[0-9a-f]{1,40}")
PEERTUBE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
START = re.compile(r"(\d{1,6})s?")
KEY_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
KEYS = ("title", "transcript")
MAX_TITLE = 200

# The iframe's fixed attributes: the sanitiser lets each through with exactly this value.
SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups"
REFERRER_POLICY = "strict-origin-when-cross-origin"
FIXED_ATTRIBUTES = {"loading": "lazy", "allowfullscreen": "", "referrerpolicy": REFERRER_POLICY, "sandbox": SANDBOX}


@dataclass
class Embeds:
    """Videos are allowed in this text: the PeerTube hosts allowed, and what the rendering embedded."""

    peertube_hosts: frozenset[str] = frozenset()
    sources: set[str] = field(default_factory=set)  # every iframe src the directive produced
    origins: list[str] = field(default_factory=list)  # their origins, in order of first use

    def add(self, src: str, origin: str) -> None:
        self.sources.add(src)
        if origin not in self.origins:
            self.origins.append(origin)


def embed_address(url: str, peertube: frozenset[str]) -> tuple[str, str]:
    """The player address for a video page or player address, and its origin; ValueError says why not."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValueError(_("the video address %(url)s contains spaces or control characters", url=quoted(url)))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(_("%(url)s is not a valid web address", url=quoted(url))) from None
    if parts.scheme.lower() != "https":
        if parts.scheme.lower() == "http":
            raise ValueError(_("the video address %(url)s must use https://", url=quoted(url)))
        raise ValueError(_("%(url)s is not a video address: write https://…", url=quoted(url)))
    if parts.username is not None or parts.password is not None:
        raise ValueError(_("the video address %(url)s must not contain a user name or password", url=quoted(url)))
    if port is not None:
        raise ValueError(_("the video address %(url)s must not name a port", url=quoted(url)))
    host, path, query = (parts.hostname or "").lower(), parts.path, parse_qs(parts.query)
    segments = [segment for segment in path.split("/") if segment]
    found = (_youtube(host, segments, query) or _vimeo(host, segments, query)
             or (_peertube(host, segments) if host in peertube else None))
    if found is None:
        known = "YouTube (www.youtube-nocookie.com, youtube.com, youtu.be)"
        if host in {YOUTUBE_EMBED_HOST, "youtu.be", VIMEO_PLAYER_HOST} | YOUTUBE_HOSTS | VIMEO_HOSTS | peertube:
            raise ValueError(_("%(url)s is not the address of one video on %(host)s", url=quoted(url), host=host))
        if peertube:
            raise ValueError(_("videos may come only from %(known)s, Vimeo, PeerTube at %(peertube)s, not %(host)s "
                               "(a PeerTube host must be named in LMS_PEERTUBE_HOSTS)", known=known,
                               peertube=", ".join(sorted(peertube)), host=quoted(host)))
        raise ValueError(_("videos may come only from %(known)s, Vimeo, not %(host)s (a PeerTube host must be named "
                           "in LMS_PEERTUBE_HOSTS)", known=known, host=quoted(host)))
    return found


def _start(query: dict[str, list[str]]) -> str:
    value = (query.get("start") or query.get("t") or [""])[0]
    match = START.fullmatch(value)
    return f"?start={int(match.group(1))}" if match and int(match.group(1)) else ""


def _youtube(host: str, segments: list[str], query: dict[str, list[str]]) -> tuple[str, str] | None:
    video = None
    if host == YOUTUBE_EMBED_HOST or host in YOUTUBE_HOSTS:
        if len(segments) == 2 and segments[0] == "embed":
            video = segments[1]
        elif host in YOUTUBE_HOSTS and segments == ["watch"]:
            video = (query.get("v") or [""])[0]
    elif host == "youtu.be" and len(segments) == 1:
        video = segments[0]
    if video is None or not YOUTUBE_ID.fullmatch(video):
        return None
    return f"https://{YOUTUBE_EMBED_HOST}/embed/{video}{_start(query)}", f"https://{YOUTUBE_EMBED_HOST}"


def _vimeo(host: str, segments: list[str], query: dict[str, list[str]]) -> tuple[str, str] | None:
    if host == VIMEO_PLAYER_HOST and len(segments) == 2 and segments[0] == "video":
        video, secret = segments[1], (query.get("h") or [""])[0]
    elif host in VIMEO_HOSTS and len(segments) in (1, 2):
        video, secret = segments[0], segments[1] if len(segments) == 2 else ""
    else:
        return None
    if not VIMEO_ID.fullmatch(video) or (secret and not VIMEO_HASH.fullmatch(secret)):
        return None
    return (f"https://{VIMEO_PLAYER_HOST}/video/{video}" + (f"?h={secret}" if secret else ""),
            f"https://{VIMEO_PLAYER_HOST}")


def _peertube(host: str, segments: list[str]) -> tuple[str, str] | None:
    if len(segments) == 3 and segments[0] == "videos" and segments[1] in ("embed", "watch"):
        video = segments[2]
    elif len(segments) == 2 and segments[0] == "w":
        video = segments[1]
    else:
        return None
    if not PEERTUBE_ID.fullmatch(video):
        return None
    return f"https://{host}/videos/embed/{video}", f"https://{host}"


def render_video(src: str, title: str, transcript: str, link: str = "Transcript: %(title)s") -> str:
    """``link``: the transcript link's words in the course's language (markdown.content_labels)."""
    attributes = " ".join(f'{name}="{escape(value)}"' if value else name for name, value in FIXED_ATTRIBUTES.items())
    return (f'<figure class="video">'
            f'<div class="video-frame"><iframe src="{escape(src)}" title="{escape(title)}" {attributes}></iframe></div>'
            f'<figcaption><span class="video-title">{escape(title)}</span>'
            f'<a class="video-transcript" href="{escape(transcript)}">{escape(link).replace("%(title)s", escape(title))}</a>'
            f'</figcaption>'
            f'</figure>\n')


def replace_videos(tokens: list[Token], embeds: Embeds, resolve: Callable[[str], str] | None,
                   line_offset: int, problems: list[tuple[int, str]]) -> list[Token]:
    """Replace each ``::: video`` block by one ``video`` token, or by nothing when it has a problem."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "container_video_open":
            result.append(token)
            index += 1
            continue
        close, depth = index + 1, 1
        while close < len(tokens):
            depth += {"container_video_open": 1, "container_video_close": -1}.get(tokens[close].type, 0)
            if depth == 0:
                break
            close += 1
        video = _read_block(token, tokens[index + 1:close], embeds, resolve, line_offset, problems)
        if video is not None:
            result.append(video)
        index = close + 1
    return result


def _read_block(opener: Token, inner: list[Token], embeds: Embeds, resolve, line_offset: int,
                problems: list[tuple[int, str]]) -> Token | None:
    line = line_offset + (opener.map[0] if opener.map else 0) + 1
    count = len(problems)
    url = opener.info.strip().split(None, 1)[1:]
    address = url[0].strip() if url else ""
    src = origin = ""
    if not address:
        problems.append((line, _("a video needs its address: %(example)s", example="::: video https://…")))
    else:
        try:
            src, origin = embed_address(address, embeds.peertube_hosts)
        except ValueError as exc:
            problems.append((line, str(exc)))
    values: dict[str, tuple[str, int]] = {}
    for token in inner:
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        at = line_offset + (token.map[0] if token.map else 0) + 1
        if token.type != "inline":
            problems.append((at, _("a video block holds only %(title)s and %(transcript)s lines", title="'title:'",
                                    transcript="'transcript:'")))
            continue
        for offset, text in enumerate(token.content.split("\n")):
            match = KEY_LINE.match(text.strip())
            if not match or match.group(1) not in KEYS:
                problems.append((at + offset, _("unexpected %(text)s in a video block (write %(title)s and "
                                                "%(transcript)s, then close the block with %(close)s)",
                                                text=quoted(text.strip()), title="'title: …'",
                                                transcript="'transcript: …'", close=":::")))
            elif match.group(1) in values:
                problems.append((at + offset, _("%(key)s is given twice", key=match.group(1))))
            else:
                values[match.group(1)] = (match.group(2).strip(), at + offset)
    title, title_line = values.get("title", ("", line))
    if not title:
        problems.append((title_line, _("a video needs a title (%(example)s): it names the player for screen readers",
                                        example="title: …")))
    elif len(title) > MAX_TITLE:
        problems.append((title_line, _("the video title is %(length)s characters long; at most %(limit)s are allowed",
                                        length=len(title), limit=MAX_TITLE)))
    transcript, transcript_line = values.get("transcript", ("", line))
    if not transcript:
        problems.append((transcript_line, _("a video needs a transcript (%(key)s a file in the course's assets/ "
                                            "or a lesson)", key="transcript:")))
    else:
        transcript = _transcript_href(transcript, resolve, transcript_line, problems)
    if len(problems) > count:
        return None
    embeds.add(src, origin)
    video = Token("video", "figure", 0, map=opener.map, block=True)
    video.meta = {"src": src, "title": title, "transcript": transcript}
    return video


def _transcript_href(target: str, resolve, line: int, problems: list[tuple[int, str]]) -> str:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("/", "#", "//")) or "\\" in target:
        if target.lower().startswith("https://") and not any(ch.isspace() for ch in target):
            return target
        problems.append((line, _("the transcript %(target)s must be a relative link to a file in the course's "
                                 "assets/ (or a lesson), or an https:// address", target=quoted(target))))
        return ""
    if resolve is None:
        return target
    try:
        return resolve(target)
    except ValueError as exc:
        problems.append((line, _("transcript: %(problem)s", problem=exc)))
        return ""


def render_video_token(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    labels = env.get("labels") or {}
    return render_video(meta["src"], meta["title"], meta["transcript"], labels.get("transcript", "Transcript: %(title)s"))
