"""Checks rendered HTML the way a browser would read it, not as a string."""
from __future__ import annotations

from html.parser import HTMLParser

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "form", "base", "meta", "link", "svg", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


# A whole page has its own layout: a stylesheet link, meta tags and forms, and scripts only as files.
PAGE_TAGS = {"meta", "link", "form"}


class _Collector(HTMLParser):
    def __init__(self, whole_page: bool):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.whole_page = whole_page

    def handle_starttag(self, tag, attrs):
        allowed = self.whole_page and (tag in PAGE_TAGS or (tag == "script" and dict(attrs).get("src", "").startswith("/")))
        if tag in DANGEROUS_TAGS and not allowed:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")


def unsafe_parts(html: str, whole_page: bool = False) -> list[str]:
    """What in ``html`` could run script; a whole page may hold its layout's own tags."""
    collector = _Collector(whole_page)
    collector.feed(html)
    collector.close()
    return collector.problems
