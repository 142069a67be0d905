"""Every model, imported in one place so Alembic and the app see the whole schema."""
from .accounts.models import User
from .catalog.models import Course, Lesson, Module, Programme, ProgrammeCourse, Skill
from .progress.models import Enrolment, LessonProgress, ProgrammeEnrolment
from .schools.models import School

__all__ = [
    "Course", "Enrolment", "Lesson", "LessonProgress", "Module", "Programme",
    "ProgrammeCourse", "ProgrammeEnrolment", "School", "Skill", "User",
]
