"""Store the assignments of a validated tree: settings and rubric in place (submissions keep the rubric
they were submitted against), retirement (never deletion) of what disappeared."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..content.steps import ContentStep, register_step
from ..content.sync import SyncReport, changed, count, retire
from ..extensions import db
from .loading import read_assignments
from .models import Assignment
from .spec import AssignmentSpec

if TYPE_CHECKING:
    from ..catalog.models import Course
    from ..content.specs import ContentTree

MB = 1024 * 1024


def rubric_of(spec: AssignmentSpec) -> list[dict]:
    """The rubric as stored: criteria in order, each level with its points and HTML."""
    return [{"key": c.key, "title": c.title, "skill": c.skill, "description_html": spec.html.criteria[c.key][0],
             "levels": [{"name": level.name, "points": level.points, "html": html}
                        for level, html in zip(c.levels, spec.html.criteria[c.key][1])]}
            for c in spec.criteria]


def sync_assignments(tree: ContentTree, courses: dict[str, Course], modules: dict, report: SyncReport) -> list[Assignment]:
    rows = {(a.course_id, a.slug): a for a in db.session.execute(db.select(Assignment)).scalars()}
    seen = set()
    for (course_slug, slug), spec in tree.assignments.items():
        course = courses[course_slug]
        seen.add((course.id, slug))
        row = rows.get((course.id, slug))
        if not changed(row, spec, spec.html):
            report.unchanged += 1
            continue
        created = row is None
        if created:
            row = rows[(course.id, slug)] = Assignment(course_id=course.id, slug=slug)
            db.session.add(row)
        row.module_id = modules[(course.id, slug)].id
        _store(row, spec)
        count(report, created)
    retire(rows.values(), lambda a: (a.course_id, a.slug) in seen, report)
    return list(rows.values())


def _store(row: Assignment, spec: AssignmentSpec) -> None:
    row.title, row.review_mode, row.peer_reviews, row.pass_mark = spec.title, spec.review, spec.peer_reviews, spec.pass_mark
    row.submit_text, row.submit_files, row.file_types = spec.submit_text, spec.submit_files, list(spec.file_types)
    row.max_file_bytes, row.max_files = int(spec.max_file_mb * MB), spec.max_files
    row.lowest_level_fails, row.skills = spec.lowest_level_fails, list(spec.skills)
    row.brief_html, row.rubric, row.max_points = spec.html.brief_html, rubric_of(spec), spec.max_points
    row.source_path, row.content_hash, row.retired = spec.source, spec.hash, False


def _known() -> list[tuple[str, str]]:
    return list(db.session.execute(db.select(Assignment.source_path, Assignment.content_hash)
                                   .where(Assignment.retired.is_(False))))


def _outline(tree: ContentTree, courses: dict[str, Course], modules: dict, report: SyncReport) -> list[tuple[int, str]]:
    """Store the assignments; what each course's outline shows of them is their slugs, modules and titles."""
    rows = sorted(sync_assignments(tree, courses, modules, report), key=lambda a: (a.course_id, a.slug))
    return [(a.course_id, f"a|{a.slug}|{a.module_id}|{a.title}|{a.retired}") for a in rows]


register_step(ContentStep("assignments", read=read_assignments, known=_known, store=_outline))
