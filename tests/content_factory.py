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


BIG_LESSON = """\
---
title: Lesson {n}
minutes: 12
objectives: [Compute precision for a fraud model, Choose a threshold]
skills: [ai-literacy]
---

## A worked scenario

A bank screens 10,000 card payments a day; 40 are fraud. The model flags 120 payments, 30 of them
fraud. Precision is 30 / 120 = 25%; recall is 30 / 40 = 75%. See [the next lesson]({link}).

| | Flagged | Not flagged |
|---|--:|--:|
| Fraud | 30 | 10 |
| Legitimate | 90 | 9,870 |

::: tip
Report precision and recall together: accuracy hides the rare class.
:::

```python
precision = 30 / 120
recall = 30 / 40
```

{filler}

- [ ] Ask for the confusion matrix
- [ ] Ask for the baseline
"""

FILLER = ("Read the evaluation report with the business cost of each error in mind, and ask how the "
          "numbers would change with a different threshold. ") * 40


def make_big_tree(root: Path, lessons: int, per_course: int = 100, modules_per_course: int = 4) -> Path:
    """A realistic tree of ``lessons`` lessons (about 900 words each) for benchmarks and scale tests."""
    write(root, "courses/_skills.yaml", SKILLS)
    courses = max(1, -(-lessons // per_course))
    made = 0
    for c in range(courses):
        slug = f"course-{c:03d}"
        write(root, f"courses/{slug}/course.md", COURSE.replace(
            "Start with [the first lesson](01-basics/01-what-is-ai.md).", "").format(title=f"Course {c}"))
        count = min(per_course, lessons - made)
        per_module = -(-count // modules_per_course)
        for index in range(count):
            m, position = divmod(index, per_module)
            folder = f"courses/{slug}/{m + 1:02d}-module-{m}"
            if position == 0:
                write(root, f"{folder}/module.md", MODULE.format(title=f"Module {m}"))
            link = f"{position + 2:03d}-lesson-{index + 1}.md" if position + 1 < per_module and index + 1 < count else "module.md"
            body = BIG_LESSON.replace("{filler}", FILLER).format(n=index, link=link)
            write(root, f"{folder}/{position + 1:03d}-lesson-{index}.md", body)
        made += count
    return root
