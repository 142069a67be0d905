"""Markdown-it token helpers: top-level blocks with their lines, list items and raw source."""
from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from lms.i18n import _
from lms.quizzes.registry import BlockItem


@dataclass(frozen=True)
class Block:
    """A block and its tokens; ``start``/``end`` are 0-based file lines (end exclusive)."""

    type: str
    tag: str
    start: int
    end: int
    tokens: list[Token]


def top_blocks(tokens: list[Token]) -> list[Block]:
    """Group a token stream into its outermost blocks (a list with all its items is one block)."""
    blocks = []
    i = 0
    while i < len(tokens):
        first = tokens[i]
        j, depth = i, int(first.nesting)
        while depth > 0:
            j += 1
            depth += tokens[j].nesting
        start, end = first.map or (0, 0)
        blocks.append(Block(first.type.removesuffix("_open"), first.tag, start, end, tokens[i: j + 1]))
        i = j + 1
    return blocks


def raw(lines: list[str], start: int, end: int) -> str:
    """Source lines as written, without blank lines around them."""
    chunk = [line.rstrip() for line in lines[start:end]]
    while chunk and not chunk[0]:
        chunk.pop(0)
    while chunk and not chunk[-1]:
        chunk.pop()
    return "\n".join(chunk)


def unquote(lines: list[str]) -> str:
    """The Markdown inside a blockquote: each line without its ``>`` marker (lazy lines kept)."""
    inner = []
    for line in lines:
        text = line.lstrip()
        if text.startswith(">"):
            text = text[2:] if text.startswith("> ") else text[1:]
        inner.append(text)
    return raw(inner, 0, len(inner))


def list_items(block: Block, lines: list[str]) -> tuple[list[BlockItem], list[tuple[int, str]]]:
    """The items of a list with the feedback blockquote nested under each; (line, message) problems."""
    items, problems = [], []
    for item in top_blocks(block.tokens[1:-1]):
        text, feedback, feedback_line = "", "", 0
        for n, child in enumerate(top_blocks(item.tokens[1:-1])):
            if n == 0 and child.type == "paragraph":
                text = " ".join(part.strip() for part in child.tokens[1].content.split("\n"))
            elif child.type == "blockquote" and not feedback:
                feedback, feedback_line = unquote(lines[child.start: child.end]), child.start + 1
            else:
                problems.append((child.start + 1, _("only a blockquote (the feedback) may be nested under an answer")))
        items.append(BlockItem(text, item.start + 1, feedback, feedback_line))
    return items, problems
