"""The skills profile: a level per skill of the framework from its evidence (lms.skills.evidence), the target of
a role, the gap, and for the weakest skills the lessons that teach them. A fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..accounts.models import User
from ..catalog.models import Course, Lesson, Module, Skill, lesson_skills
from ..catalog.services import can_see, one_version_each
from ..extensions import db
from .evidence import Evidence, quiz_evidence, rubric_evidence
from .levels import TOP_LEVEL, level_for, level_name
from .models import Role

WEAKEST = 3  # the skills whose lessons the profile suggests
LESSONS_PER_SKILL = 5


@dataclass
class SkillLevel:
    skill: Skill
    evidence: list[Evidence]
    target: int = 0
    reason: str = ""
    lessons: list[tuple[Course, Lesson]] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        """The weighted mean of the evidence's fractions (None without evidence), rounded so 0.7 stays 0.7."""
        total = sum(item.weight for item in self.evidence)
        return round(sum(item.fraction * item.weight for item in self.evidence) / total, 6) if total else None

    @property
    def has_rubric(self) -> bool:
        return any(item.kind == "criterion" for item in self.evidence)

    @property
    def level(self) -> int:
        return level_for(self.mean, self.has_rubric)

    @property
    def level_name(self) -> str:
        return level_name(self.level)

    @property
    def gap(self) -> int:
        return max(self.target - self.level, 0)

    @property
    def percent(self) -> int | None:
        return None if self.mean is None else round(self.mean * 100)

    @property
    def quiz_capped(self) -> bool:
        """The quiz score alone would give a higher level than the rule allows without performed work."""
        return not self.has_rubric and self.mean is not None and level_for(self.mean, True) > self.level


@dataclass
class Profile:
    skills: list[SkillLevel]
    role: Role | None
    weakest: list[SkillLevel]
    top: int = TOP_LEVEL


def live_skills() -> list[Skill]:
    return list(db.session.execute(db.select(Skill).where(Skill.retired.is_(False)).order_by(Skill.position)).scalars())


def live_roles() -> list[Role]:
    return list(db.session.execute(db.select(Role).where(Role.retired.is_(False)).order_by(Role.position)).scalars())


def levels_of(user: User, school_id: int, skills: list[Skill]) -> list[SkillLevel]:
    """Each skill with its evidence, in the framework's order."""
    slugs = {skill.slug for skill in skills}
    quizzes, work = quiz_evidence(user.id, school_id, slugs), rubric_evidence(user.id, school_id, slugs)
    return [SkillLevel(skill, work.get(skill.slug, []) + quizzes.get(skill.slug, [])) for skill in skills]


def weakest(levels: list[SkillLevel], count: int = WEAKEST) -> list[SkillLevel]:
    """The skills furthest below their target (then the lowest levels, then the framework's order)."""
    behind = [item for item in levels if item.gap > 0]
    return sorted(behind, key=lambda item: (-item.gap, item.level, item.skill.position))[:count]


def profile(user: User, school_id: int, role: Role | None, language: str) -> Profile:
    """The learner's profile against ``role`` (none: levels only)."""
    levels = levels_of(user, school_id, live_skills())
    if role is not None:
        for item in levels:
            item.target = role.target_of(item.skill.slug)
            item.reason = role.targets.get(item.skill.slug, {}).get("reason", "")
    weak = weakest(levels)
    lessons = teaching_lessons([item.skill.id for item in weak], user, language, LESSONS_PER_SKILL)
    for item in weak:
        item.lessons = lessons.get(item.skill.id, [])
    return Profile(levels, role, weak)


def teaching_lessons(skill_ids: list[int], user: User | None, language: str,
                     limit: int | None = None) -> dict[int, list[tuple[Course, Lesson]]]:
    """Per skill, the live lessons that teach it in courses ``user`` may see on this school's site, one version
    of each course (the reader's language where there is one), in course and lesson order. One query."""
    if not skill_ids:
        return {}
    rows = db.session.execute(
        db.select(lesson_skills.c.skill_id, Lesson, Course)
        .join(Lesson, Lesson.id == lesson_skills.c.lesson_id).join(Course, Course.id == Lesson.course_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(lesson_skills.c.skill_id.in_(skill_ids), Lesson.retired.is_(False), Module.retired.is_(False),
               Course.retired.is_(False), Course.published.is_(True))
        .order_by(Course.position, Course.id, Lesson.position)).all()
    courses = {course.id: course for _skill, _lesson, course in rows if can_see(user, course)}
    shown = {course.id for course in one_version_each(list(courses.values()), language)[0]}
    found: dict[int, list[tuple[Course, Lesson]]] = {}
    for skill_id, lesson, course in rows:
        if course.id in shown and (limit is None or len(found.get(skill_id, [])) < limit):
            found.setdefault(skill_id, []).append((course, lesson))
    return found
