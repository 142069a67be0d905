"""Every model, imported in one place so Alembic and the app see the whole schema."""
from .accounts.models import User
from .catalog.models import Course, Lesson, Module, Programme, ProgrammeCourse, Skill
from .certificates.models import Certificate
from .progress.models import Enrolment, LessonProgress, ProgrammeEnrolment
from .quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from .schools.models import School

__all__ = [
    "Attempt", "AttemptAnswer", "AttemptQuestion", "Certificate", "Course", "Enrolment", "Lesson", "LessonProgress",
    "Module", "Programme", "ProgrammeCourse", "ProgrammeEnrolment", "QuestionVersion", "Quiz", "School", "Skill", "User",
]
