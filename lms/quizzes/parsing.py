"""Read a Markdown quiz into a QuizSpec, reporting every problem of the file with its line."""
from __future__ import annotations

import difflib
import re
from typing import Any

from markdown_it import MarkdownIt

from lms.content.errors import ContentError, quoted
from lms.content.frontmatter import Bounds
from lms.i18n import _
from lms.quizzes.blocks import Block, list_items, raw, top_blocks, unquote
from lms.quizzes.qtypes import QUESTION_TYPES, AnswerBlock, BlockItem, detect_type
from lms.quizzes.registry import CHECKBOX_RE
from lms.quizzes.settings import check_settings, read_front_matter
from lms.quizzes.spec import ID_RE, QuestionSpec, QuizSpec, slugify

MD = MarkdownIt("commonmark").enable("table")
ATTRS_RE = re.compile(r"\s*\{([^{}]*)\}\s*$")
BASE_ATTRIBUTES = ("id", "points", "skills")
POINTS = Bounds(0, 100, above=True)
MAX_ID = 100  # a question id is a column of 100 characters
# Blocks that may follow a question's answer block without meaning anything.
SEPARATORS = ("hr",)


def _is_separator(block: Block) -> bool:
    """A thematic break or an HTML comment (an author's note) between questions."""
    if block.type == "html_block":
        return block.tokens[0].content.lstrip().startswith("<!--")
    return block.type in SEPARATORS


def parse_quiz(text: str, path: str) -> tuple[QuizSpec | None, list[ContentError]]:
    """The quiz and no errors, or None and every error of the file (sorted by line)."""
    errors: list[ContentError] = []
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front = read_front_matter(lines, path, errors)
    # Blank out the front matter so Markdown token lines are file lines.
    tokens = MD.parse("\n" * front.end + "\n".join(lines[front.end:]))
    blocks = top_blocks(tokens)
    for block in blocks:
        if block.type == "heading" and block.tag == "h1":
            errors.append(ContentError(path, block.start + 1,
                                       _("'#' heading: questions start with '##'; the title goes in front matter")))
    starts = [i for i, b in enumerate(blocks) if b.type == "heading" and b.tag == "h2"]
    intro = blocks[: starts[0]] if starts else blocks
    body = _intro(intro, lines, path, errors)
    questions: list[QuestionSpec] = []
    first_line: dict[str, int] = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        question = _question(blocks[start], blocks[start + 1: end], lines, path, errors, n + 1)
        if question is None:
            continue
        if question.id in first_line:
            errors.append(ContentError(path, question.line, _(
                "duplicate question id %(id)s (also on line %(line)d): set another {#id}",
                id=quoted(question.id), line=first_line[question.id])))
        else:
            first_line[question.id] = question.line
        questions.append(question)
    if not starts:
        errors.append(ContentError(path, 1, _("the quiz has no questions: each question starts with a '## ' heading")))
    settings = check_settings(front, len(starts), path, errors)
    if errors:
        return None, sorted(set(errors))
    return QuizSpec(**settings, questions=questions, body=body), []


def _intro(blocks: list[Block], lines: list[str], path: str, errors: list[ContentError]) -> str:
    """Prose before the first question; answers or headings there are mistakes."""
    for block in blocks:
        if block.type == "heading" and block.tag != "h1":
            errors.append(ContentError(path, block.start + 1, _("heading before the first question: "
                                                                "questions start with '## '")))
        elif _equals_start(block, lines) is not None or (
            block.type == "bullet_list"
            and any(CHECKBOX_RE.match(i.text) or "=>" in i.text for i in list_items(block, lines)[0])
        ):
            errors.append(ContentError(path, block.start + 1, _("answers before the first question: "
                                                                "start the question with a '## ' heading")))
    if not blocks:
        return ""
    return raw(lines, blocks[0].start, blocks[-1].end)


def _equals_start(block: Block, lines: list[str]) -> int | None:
    """For a paragraph holding ``= answer`` lines, the 0-based line where they start."""
    if block.type != "paragraph":
        return None
    return next((n for n in range(block.start, block.end) if lines[n].lstrip().startswith("=")), None)


def _question(heading: Block, rest: list[Block], lines: list[str], path: str,
              errors: list[ContentError], number: int) -> QuestionSpec | None:
    """One ``##`` section: prompt and attributes, body, answer block, explanation."""
    line = heading.start + 1
    content = heading.tokens[1].content if len(heading.tokens) > 1 else ""
    prompt, attrs_text = _split_attributes(content)
    attrs = _attributes(attrs_text, line, path, errors)
    if not prompt:
        errors.append(ContentError(path, line, _("question has no text after '##'")))
    index = next((i for i, b in enumerate(rest)
                  if b.type in ("bullet_list", "ordered_list") or _equals_start(b, lines) is not None), None)
    if index is None:
        errors.append(ContentError(path, line, _("question has no answer block: add options (- [x] / - [ ]), "
                                                 "'= answer' lines, 'left => right' pairs or a numbered list")))
        return None
    answer = rest[index]
    equals_start = _equals_start(answer, lines)
    block_start = answer.start if equals_start is None else equals_start
    body = raw(lines, heading.end, block_start)
    after = rest[index + 1:]
    if answer.type == "paragraph":
        # Blank lines between '=' lines split the paragraph; the answers are still one block.
        paragraphs = [answer]
        while after and _equals_start(after[0], lines) == after[0].start:
            paragraphs.append(after.pop(0))
        items = _equals_items(paragraphs, block_start, lines, path, errors)
        kind = "equals"
    else:
        items, item_errors = list_items(answer, lines)
        errors.extend(ContentError(path, n, message) for n, message in item_errors)
        kind = "bullet" if answer.type == "bullet_list" else "ordered"
    explanation = ""
    if after and after[0].type == "blockquote":
        explanation = unquote(lines[after[0].start: after[0].end])
        after = after[1:]
    for block in after:
        if not _is_separator(block) and not (block.type == "heading" and block.tag == "h1"):
            errors.append(ContentError(path, block.start + 1, _("unexpected content after the answer block: "
                                                                "only a blockquote (the explanation) may follow it")))
    type_attrs = {k: v for k, v in attrs.items() if k not in BASE_ATTRIBUTES}
    answer_block = AnswerBlock(kind, tuple(items), block_start + 1, type_attrs, line)
    qtype = detect_type(answer_block)
    if qtype is None:
        errors.append(ContentError(path, answer_block.line, _("cannot tell the question type: choice options "
                                                              "need '[ ]' or '[x]', matching lines need 'left => right'")))
        return None
    for key in type_attrs:
        if key not in qtype.attributes:
            errors.append(ContentError(path, line, _("%(attribute)s does not apply to %(type)s questions",
                                                     attribute=key, type=qtype.label)))
    data = qtype.parse(answer_block, errors, path)
    return QuestionSpec(
        id=attrs.get("id") or slugify(prompt) or f"question-{number}",
        type=qtype.name, prompt=prompt, body=body, points=attrs.get("points", 1),
        skills=attrs.get("skills", ()), explanation=explanation, data=data, line=line,
    )


def _equals_items(paragraphs: list[Block], start: int, lines: list[str], path: str,
                  errors: list[ContentError]) -> list[BlockItem]:
    """Every ``= answer`` line, read from the raw file because Markdown merges them."""
    items = []
    first = True
    for paragraph in paragraphs:
        for n in range(start if first else paragraph.start, paragraph.end):
            text = lines[n].strip()
            if not text.startswith("="):
                errors.append(ContentError(path, n + 1, _("every line of the answer block must start with '='")))
            elif not text[1:].strip():
                errors.append(ContentError(path, n + 1, _("empty answer after '='")))
            else:
                items.append(BlockItem(text[1:].strip(), n + 1))
        first = False
    return items


def _split_attributes(content: str) -> tuple[str, str | None]:
    """Separate a trailing ``{#id points=2 ...}``; other braces stay part of the prompt."""
    match = ATTRS_RE.search(content)
    if match and all(t.startswith("#") or "=" in t for t in match[1].split()):
        return content[: match.start()].strip(), match[1]
    return content.strip(), None


def _attributes(text: str | None, line: int, path: str, errors: list[ContentError]) -> dict[str, Any]:
    """Heading attributes as values: id, points (float), skills (tuple) and type-specific text."""
    known = BASE_ATTRIBUTES + tuple(sorted({a for t in QUESTION_TYPES.values() for a in t.attributes}))
    attrs: dict[str, Any] = {}

    def fail(message: str) -> None:
        errors.append(ContentError(path, line, message))

    for token in (text or "").split():
        key, value = ("id", token[1:]) if token.startswith("#") else token.split("=", 1)
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            fail(_("unknown attribute %(name)s (did you mean %(close)s?)", name=quoted(key), close=repr(close[0]))
                 if close else _("unknown attribute %(name)s (known: %(known)s)", name=quoted(key),
                                 known=", ".join(("#id",) + known[1:])))
        elif key in attrs:
            fail(_("attribute %(name)s is given twice", name=quoted(key)))
        elif key == "id" and not (ID_RE.fullmatch(value) and len(value) <= MAX_ID):
            fail(_("invalid id %(id)s: use letters, digits, '-' and '_', at most %(max)d characters",
                   id=quoted(value), max=MAX_ID))
        elif key == "points":
            try:
                points = float(value)
            except ValueError:
                points = None
            if points is None or not POINTS.admits(points):
                fail(_("points must be %(bounds)s, not %(value)s", bounds=POINTS.describe(), value=quoted(value)))
            else:
                attrs[key] = int(points) if points.is_integer() else points
        elif key == "skills":
            skills = tuple(s.strip() for s in value.split(","))
            if not all(skills):
                fail(_("skills must be comma-separated ids, not %(value)s", value=quoted(value)))
            else:
                attrs[key] = skills
        else:
            attrs[key] = value
    return attrs
