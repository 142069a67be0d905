"""Apply a validated content tree to the database: identities by slug, skips by hash, never deletes.

A lesson that disappears from the tree is retired, not deleted, so learners keep their history;
if it comes back it is reinstated with that history intact.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.models import Course, Lesson, Module, Programme, ProgrammeCourse, Skill
from ..extensions import db
from ..schools.models import School
from ..schools.services import default_school, default_slug
from ..signals import content_synced
from ..i18n import _
from .errors import ContentError, ContentInvalid, quoted
from .specs import ContentTree, CourseSpec, LessonSpec, ModuleSpec
from .steps import content_steps
from .tree import read_tree


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    files: int = 0
    rendered: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        counts = _("%(files)s files read, %(rendered)s rendered, %(created)s created, %(updated)s updated, "
                   "%(unchanged)s unchanged, %(retired)s retired", files=self.files, rendered=self.rendered,
                   created=self.created, updated=self.updated, unchanged=self.unchanged, retired=self.retired)
        return ", ".join([counts, *(f"{value} {name}" for name, value in self.extra.items())])


class StaleRender(Exception):
    """A file was skipped as unchanged but its row needs writing; the tree is re-read in full."""


def known_hashes() -> dict[str, str]:
    known: dict[str, str] = {}
    for model in (Course, Module, Lesson, Programme):
        rows = db.session.execute(db.select(model.source_path, model.content_hash).where(model.retired.is_(False)))
        known.update({path: digest for path, digest in rows})
    for step in content_steps():
        known.update(step.known())
    return known


def sync_content(root: Path | str, school: School, from_site: bool = False) -> SyncReport:
    """Validate the whole tree, then load it. Raises ContentInvalid with every error; flushes, never commits.
    The tree is the deployment's: programmes go to the schools they name whichever school ``school`` (the caller's)
    is, so a sync from any school's site loads the same rows. ``from_site``: a school's staff publish in the
    browser, so no course may change hands (``ownership_errors``)."""
    tree = read_tree(root, known_hashes())
    if tree.errors:
        raise ContentInvalid(tree.errors)
    refused = _unknown_owners(tree) + (ownership_errors(tree, school) if from_site else [])
    if refused:
        raise ContentInvalid(refused)
    try:
        return _apply(tree, school)
    except StaleRender:  # pragma: no cover - a guard: hashes cover path, bytes and tree layout
        db.session.rollback()
        tree = read_tree(root, None)
        if tree.errors:
            raise ContentInvalid(tree.errors) from None
        return _apply(tree, school)


def _apply(tree: ContentTree, school: School) -> SyncReport:
    report = SyncReport(files=tree.files, rendered=tree.rendered)
    skills = _sync_skills(tree, report)
    courses = {c.slug: c for c in db.session.execute(db.select(Course)).scalars()}
    modules = {(m.course_id, m.slug): m for m in db.session.execute(db.select(Module)).scalars()}
    lessons = {(l.course_id, l.slug): l for l in db.session.execute(db.select(Lesson)).scalars()}
    seen_courses, seen_modules, seen_lessons = set(), set(), set()
    for spec in tree.courses:
        course_changed = spec.overview_html is not None
        course = _sync_course(spec, courses, skills, report)
        seen_courses.add(course.slug)
        for module_spec in spec.modules:
            module = _sync_module(module_spec, course, modules, report)
            seen_modules.add((course.id, module.slug))
            for lesson_spec in module_spec.lessons:
                lesson = _sync_lesson(lesson_spec, course, module, lessons, report)
                if lesson_spec.body_html is not None or course_changed:
                    # Lessons without skills of their own inherit the course's, which may have changed.
                    lesson.skills = [skills[slug] for slug in (lesson_spec.skills or spec.skills)]
                seen_lessons.add((course.id, lesson_spec.slug))
    for spec in tree.courses:
        if spec.overview_html is not None:
            courses[spec.slug].prerequisites = [courses[slug] for slug in spec.prerequisites]
    retire(courses.values(), lambda c: c.slug in seen_courses, report)
    retire(modules.values(), lambda m: (m.course_id, m.slug) in seen_modules, report)
    retire(lessons.values(), lambda l: (l.course_id, l.slug) in seen_lessons, report)
    _sync_programmes(tree, courses, report)
    extra = [part for step in content_steps() for part in step.store(tree, courses, modules, report)]
    db.session.flush()
    _update_outline_hashes(courses.values(), modules.values(), lessons.values(), extra)
    db.session.flush()
    content_synced.send(report)  # e.g. the search index follows the content
    return report


def _update_outline_hashes(courses, modules, lessons, extra: list[tuple[int, str]]) -> None:
    """Give each course a hash of its modules, lessons and what the content steps add to its outline
    (quizzes): the key of its cached outline."""
    digests = {course.id: hashlib.sha256() for course in courses}
    for row in sorted(modules, key=lambda m: (m.course_id, m.slug)):
        digests[row.course_id].update(f"m|{row.slug}|{row.position}|{row.content_hash}|{row.retired}\n".encode())
    for row in sorted(lessons, key=lambda l: (l.course_id, l.slug)):
        digests[row.course_id].update(f"l|{row.slug}|{row.module_id}|{row.position}|{row.content_hash}|{row.retired}\n".encode())
    for course_id, line in sorted(extra, key=lambda part: part[0]):  # each step gives its lines in order
        digests[course_id].update(f"{line}\n".encode())
    for course in courses:
        digest = digests[course.id].hexdigest()
        if course.outline_hash != digest:
            course.outline_hash = digest


def _sync_skills(tree: ContentTree, report: SyncReport) -> dict[str, Skill]:
    existing = {s.slug: s for s in db.session.execute(db.select(Skill)).scalars()}
    for spec in tree.skills:
        skill = existing.get(spec.slug)
        if skill is None:
            skill = existing[spec.slug] = Skill(slug=spec.slug)
            db.session.add(skill)
        skill.name, skill.description, skill.position, skill.retired = spec.name, spec.description, spec.position, False
    listed = {spec.slug for spec in tree.skills}
    for slug, skill in existing.items():
        if slug not in listed:
            skill.retired = True
    return existing


def changed(row, spec, html) -> bool:
    """Whether a row must be written; raises StaleRender when the skipped render is needed after all."""
    if row is not None and row.content_hash == spec.hash and not row.retired:
        return False
    if html is None:
        raise StaleRender(spec.path)
    return True


def count(report: SyncReport, created: bool) -> None:
    if created:
        report.created += 1
    else:
        report.updated += 1


def _sync_course(spec: CourseSpec, courses: dict[str, Course], skills: dict[str, Skill], report: SyncReport) -> Course:
    course = courses.get(spec.slug)
    if not changed(course, spec, spec.overview_html):
        if course.position != spec.position:
            course.position = spec.position
        report.unchanged += 1
        return course
    created = course is None
    if created:
        course = courses[spec.slug] = Course(slug=spec.slug)
        db.session.add(course)
    course.title, course.summary, course.level, course.hours = spec.title, spec.summary, spec.level, spec.hours
    course.language, course.certificate, course.published = spec.language, spec.certificate, spec.published
    course.translation_of, course.school_slug = spec.translation_of, spec.school
    course.overview_html, course.source_path, course.content_hash = spec.overview_html, spec.path, spec.hash
    course.position, course.retired = spec.position, False
    course.skills = [skills[slug] for slug in spec.skills]
    if created:
        db.session.flush()
    count(report, created)
    return course


def _sync_module(spec: ModuleSpec, course: Course, modules: dict, report: SyncReport) -> Module:
    module = modules.get((course.id, spec.slug))
    if not changed(module, spec, spec.intro_html):
        report.unchanged += 1
        return module
    created = module is None
    if created:
        module = modules[(course.id, spec.slug)] = Module(course_id=course.id, slug=spec.slug)
        db.session.add(module)
    module.title, module.summary, module.objectives = spec.title, spec.summary, spec.objectives
    module.intro_html, module.source_path, module.content_hash = spec.intro_html, spec.path, spec.hash
    module.position, module.retired = spec.position, False
    if created:
        db.session.flush()
    count(report, created)
    return module


def _sync_lesson(spec: LessonSpec, course: Course, module: Module, lessons: dict, report: SyncReport) -> Lesson:
    lesson = lessons.get((course.id, spec.slug))
    if not changed(lesson, spec, spec.body_html):
        report.unchanged += 1
        return lesson
    created = lesson is None
    if created:
        lesson = lessons[(course.id, spec.slug)] = Lesson(course_id=course.id, slug=spec.slug)
        db.session.add(lesson)
    lesson.module_id, lesson.title, lesson.summary, lesson.minutes = module.id, spec.title, spec.summary, spec.minutes
    lesson.objectives, lesson.body_html = spec.objectives, spec.body_html
    lesson.frame_origins = " ".join(spec.frame_origins)
    lesson.source_path, lesson.content_hash, lesson.position, lesson.retired = spec.path, spec.hash, spec.position, False
    count(report, created)
    return lesson


def retire(rows, keep, report: SyncReport) -> None:
    for row in rows:
        if not keep(row) and not row.retired:
            row.retired = True
            report.retired += 1


def _unknown_owners(tree: ContentTree) -> list[ContentError]:
    """Every school a course (``school``) or a programme (``schools``) names exists on this site: a typo would hide
    the content everywhere, and a school made later under that name would take it over."""
    wanted = {spec.school for spec in tree.courses if spec.school} | {slug for spec in tree.programmes for slug in spec.schools}
    found = set(db.session.execute(db.select(School.slug).where(School.slug.in_(wanted))).scalars())
    unknown = _("no school has the identifier %(school)s on this site: create it first (flask lms schools create), "
                "or remove it from %(key)s")
    return ([ContentError(spec.path, spec.school_line, unknown % {"school": quoted(spec.school), "key": "school"})
             for spec in tree.courses if spec.school and spec.school not in found]
            + [ContentError(spec.path, spec.schools_line, unknown % {"school": quoted(slug), "key": "schools"})
               for spec in tree.programmes for slug in spec.schools if slug not in found])


def ownership_errors(tree: ContentTree, school: School) -> list[ContentError]:
    """From a school's site (the browser), no course changes hands: a course keeps the school that owns it (none:
    the platform's, shared), and a new one belongs to the school that makes it. Owners change in Git only."""
    stored = dict(db.session.execute(db.select(Course.slug, Course.school_slug)).all())
    here = None if school.slug == default_slug() else school.slug
    errors = []
    for spec in tree.courses:
        expected = stored[spec.slug] if spec.slug in stored else here
        if spec.school != expected:
            errors.append(ContentError(spec.path, spec.school_line, _(
                "school: a course's school is changed in Git by the platform's operators, not in the browser; "
                "write %(value)s", value=f"school: {expected}" if expected else _("no school line"))))
    return errors


def _programme_schools(tree: ContentTree) -> dict[str, School]:
    """The schools the tree's programmes name, by identifier (``LMS_SCHOOL``'s, for the programmes that name none,
    made if missing); ``_unknown_owners`` has checked that each exists."""
    wanted = {slug for spec in tree.programmes for slug in spec.schools}
    found = {s.slug: s for s in db.session.execute(db.select(School).where(School.slug.in_(wanted))).scalars()}
    found[default_slug()] = default_school()
    return found


def _sync_programmes(tree: ContentTree, courses: dict[str, Course], report: SyncReport) -> None:
    """Each programme is offered by the schools it names (``schools:``), else by the ``LMS_SCHOOL`` school; one
    row per school, so each school's learners enrol in, and complete, their own."""
    schools = _programme_schools(tree)
    existing = {(p.school_id, p.slug): p for p in db.session.execute(db.select(Programme)).scalars()}
    wanted = set()
    for spec, school in ((spec, schools[slug]) for spec in tree.programmes for slug in spec.schools or [default_slug()]):
        wanted.add((school.id, spec.slug))
        programme = existing.get((school.id, spec.slug))
        if not changed(programme, spec, spec.overview_html):
            report.unchanged += 1
            continue
        created = programme is None
        if created:
            programme = existing[(school.id, spec.slug)] = Programme(school_id=school.id, slug=spec.slug)
            db.session.add(programme)
        programme.title, programme.summary, programme.certificate = spec.title, spec.summary, spec.certificate
        programme.capstone = spec.capstone
        programme.overview_html, programme.source_path, programme.content_hash = spec.overview_html, spec.path, spec.hash
        programme.retired = False
        if programme.steps:  # the same (programme, course) keys come back: delete the old rows first
            programme.steps.clear()
            db.session.flush()
        programme.steps = [ProgrammeCourse(course=courses[slug], position=index) for index, slug in enumerate(spec.courses)]
        count(report, created)
    retire(existing.values(), lambda p: (p.school_id, p.slug) in wanted, report)
