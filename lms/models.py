"""Every model, imported in one place so Alembic and the app see the whole schema."""
from .accounts.models import LoginSession, User
from .admin.models import AuditEntry
from .admissions.models import AdmissionRound, Application
from .assignments.models import Assignment, PeerReviewer, Review, Submission, SubmissionFile
from .authoring.models import SourceFile, SourceRevision
from .catalog.models import Course, CourseAuthor, Lesson, Module, Programme, ProgrammeCourse, Skill
from .certificates.models import Certificate
from .cohorts.models import CalendarFeed, Cohort, CohortDeadline, CohortInstructor, CohortInvitation, CohortMember
from .lti.models import (LtiAccount, LtiContext, LtiDeployment, LtiLaunch, LtiLaunchData, LtiPlatform, LtiResourceLink,
                         LtiScore)
from .notifications.models import Notification
from .outbox.models import OutboxMessage
from .portfolio.models import Portfolio
from .privacy.models import DeletionRequest
from .progress.models import Enrolment, LessonProgress, ProgrammeEnrolment
from .quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from .schools.models import School, SchoolHost, SchoolLogo
from .skills.models import Role
from .sso.models import IdentityLink, IdentityProvider
from .xapi.models import RecordStore

__all__ = [
    "AdmissionRound", "Application", "Assignment", "Attempt", "AttemptAnswer", "AttemptQuestion", "AuditEntry", "CalendarFeed",
    "Certificate", "Cohort", "CohortDeadline", "CohortInstructor", "CohortInvitation", "CohortMember", "Course",
    "CourseAuthor", "DeletionRequest", "Enrolment", "IdentityLink", "IdentityProvider",
    "Lesson", "LessonProgress", "LoginSession", "LtiAccount", "LtiContext", "LtiDeployment", "LtiLaunch", "LtiLaunchData",
    "LtiPlatform", "LtiResourceLink", "LtiScore", "Module", "Notification", "OutboxMessage", "PeerReviewer", "Portfolio", "Programme",
    "ProgrammeCourse", "ProgrammeEnrolment", "QuestionVersion", "Quiz", "RecordStore", "Review", "Role", "Submission", "SubmissionFile",
    "School", "SchoolHost", "SchoolLogo", "Skill", "SourceFile", "SourceRevision", "User",
]
