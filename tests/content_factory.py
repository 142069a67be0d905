"""Writes small, valid content trees for tests; each test changes what it needs."""
from __future__ import annotations

import textwrap
from pathlib import Path

SKILLS = """\
- id: ai-literacy
  name: AI literacy
  description: Knows what models do.
- id: agile-delivery
  name: Agile delivery
  description: Runs experiments in sprints.
"""

COURSE = """\
---
title: {title}
summary: A short course used by the tests.
level: beginner
hours: 2
skills: [ai-literacy]
---

Welcome to **{title}**. Start with [the first lesson](01-basics/01-what-is-ai.md).
"""

MODULE = """\
---
title: {title}
summary: Module summary.
objectives:
  - Explain the basics
---

Module introduction.
"""

LESSON = """\
---
title: {title}
minutes: 10
objectives: [Explain one thing]
---

## Section one

Body of {title}. Next: [the other lesson]({link}).

::: tip
A practical hint.
:::

```python
print("hello")
```
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_tree(root: Path, courses: tuple[str, ...] = ("intro-course",), programme: bool = True) -> Path:
    """A tree where each course has two modules of two lessons that link to each other."""
    write(root, "courses/_skills.yaml", SKILLS)
    for slug in courses:
        base = f"courses/{slug}"
        write(root, f"{base}/course.md", COURSE.format(title=slug.replace("-", " ").title()))
        write(root, f"{base}/01-basics/module.md", MODULE.format(title="Basics"))
        write(root, f"{base}/01-basics/01-what-is-ai.md", LESSON.format(title="What is AI", link="02-models.md"))
        write(root, f"{base}/01-basics/02-models.md", LESSON.format(title="Models", link="01-what-is-ai.md"))
        write(root, f"{base}/02-practice/module.md", MODULE.format(title="Practice"))
        write(root, f"{base}/02-practice/01-sprints.md", LESSON.format(title="Sprints", link="../01-basics/02-models.md#section-one"))
        write(root, f"{base}/02-practice/02-review.md", LESSON.format(title="Review", link="01-sprints.md"))
    if programme:
        listed = "\n".join(f"  - {slug}" for slug in courses)
        write(root, "courses/_programmes/pathway.md",
              f"---\ntitle: Test Pathway\nsummary: Every test course in order.\ncourses:\n{listed}\n---\n\nThe pathway.\n")
    return root
