"""Line diffs between two revisions (difflib), shaped for an accessible table."""
from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap" (unchanged lines left out)
    old: int | None  # line number in the older text
    new: int | None  # line number in the newer text
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−", "gap": "…"}.get(self.kind, "")


def diff_lines(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """Changed lines with ``context`` unchanged lines around them; the rest become gaps."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, before, after, autojunk=False).get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", i + 1, j + 1, before[i]) for i, j in zip(range(i1, i2), range(j1, j2))]
                continue
            lines += [DiffLine("removed", i + 1, None, before[i]) for i in range(i1, i2)]
            lines += [DiffLine("added", None, j + 1, after[j]) for j in range(j1, j2)]
    return lines


def unified(old: str, new: str, old_name: str, new_name: str) -> str:
    """The same change as a unified diff, for copying into a message or a patch."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        old_name, new_name))
