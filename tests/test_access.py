"""The access-control audit: every route of the app, who may use it, exercised with every role.

A route missing from ROUTES fails the suite, so a new page cannot ship without a decision about
who may open it. Expected answers: 200/302/308 as written; LOGIN is a redirect to the log-in page.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.accounts.models import User
from lms.extensions import db
from lms.schools.logos import store_logo

from .admission_support import make_round, submitted_application
from .conftest import PASSWORD, Auth
from .content_factory import write
from .marking_support import write_assignment
from .peer_support import audit_peer_review
from .quiz_support import write_quiz
from .school_support import tiny_png

ROLES = ("anonymous", "owner", "other", "instructor", "author", "admin", "platform")
LOGIN = "login"  # a redirect to the log-in page
ALLOWED = "allowed"  # past the access check: any answer but 403, a log-in redirect or a server error
COURSE = "/courses/intro-course/"
QUIZ = COURSE + "quiz/basics"
PEER = COURSE + "assignments/practice"
ASSIGNMENT = COURSE + "assignments/basics"
LESSON_FILE = "courses/intro-course/01-basics/02-models.md"
SPARE_FILE = "courses/intro-course/02-practice/03-spare.md"
STATUS_TOKEN = "audit-status-token"  # an application's private link (tests/admission_support.py)


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN, **overrides):
    """A platform administrator is an admin of its school too: it gets the admin's answer unless the row says."""
    answers = {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], status), **overrides}
    if "platform" not in overrides:
        answers["platform"] = answers["admin"]
    return answers


# (endpoint, method, url, expected answer per role). "owner" is an enrolled learner who owns the
# attempt below; "other" is another learner, not enrolled; "instructor" teaches the cohort below and is
# enrolled in nothing; "author" authors no course, so on a course it is a learner who is not enrolled;
# "platform" is an admin who also runs the platform (creates schools). Rows that enrol run last. Unpublished
# courses, per role:
# tests/test_course_visibility.py.
ROUTES = [
    ("catalog.home", "GET", "/", everyone(200)),
    ("catalog.programme", "GET", "/programmes/pathway", everyone(200)),
    ("catalog.course", "GET", COURSE, everyone(200)),
    ("catalog.course_without_slash", "GET", "/courses/intro-course", everyone(308)),
    ("progress.lesson", "GET", COURSE + "what-is-ai", everyone(200)),  # the free preview
    ("progress.lesson", "GET", COURSE + "models", {"anonymous": LOGIN, "owner": 200, "other": 302, "instructor": 302,
                                                   "author": 302, "admin": 200, "platform": 200}),
    ("catalog.asset", "GET", COURSE + "assets/notes.txt", everyone(200)),
    ("search.results", "GET", "/search?q=models", everyone(200)),
    # The owner's portfolio, published by a private link: the link is the key, on this school's site.
    ("portfolio.page", "GET", "/portfolio/{portfolio_token}", everyone(200)),
    ("portfolio.file", "GET", "/portfolio/{portfolio_token}/files/{portfolio_file}", everyone(200)),
    ("portfolio.settings", "GET", "/account/portfolio", signed_in(200)),
    ("lms_static.static", "GET", "/lms/static/lms.css", everyone(200)),
    ("lms_static.favicon", "GET", "/favicon.ico", everyone(200)),
    ("help.index", "GET", "/help", everyone(200)),
    ("accounts.register", "GET", "/account/register", signed_in(302, anonymous=200)),
    ("accounts.finish_registration", "GET", "/account/register/not-a-token", everyone(302)),
    ("accounts.login", "GET", "/account/login", signed_in(302, anonymous=200)),
    ("accounts.logout", "POST", "/account/logout", everyone(302)),
    ("accounts.change_password", "GET", "/account/password", signed_in(200)),
    ("accounts.login_sessions", "GET", "/account/sessions", signed_in(200)),
    ("accounts.profile", "GET", "/account/profile", signed_in(200)),
    ("accounts.confirm_email", "GET", "/account/email/not-a-token", everyone(400)),  # the link is the proof
    ("accounts.reset_request", "GET", "/account/reset", everyone(200)),
    ("accounts.reset", "GET", "/account/reset/not-a-token", everyone(302)),
    ("accounts.welcome", "GET", "/account/welcome/not-a-token", everyone(302)),
    ("calendar.account", "GET", "/account/calendar", signed_in(200)),
    ("skills.profile", "GET", "/account/skills", signed_in(200)),  # each account sees its own profile only
    ("skills.skill", "GET", "/skills/ai-literacy", everyone(200)),  # what Open Badges alignments point at
    ("skills.skill", "GET", "/skills/no-such-skill", everyone(404)),
    ("calendar.feed", "GET", "/calendar/{calendar_token}.ics", everyone(200)),  # the token is the key (a learner's)
    ("calendar.feed", "GET", "/calendar/not-a-token.ics", everyone(404)),
    # The instructor teaches the audit cohort (more cases: tests/test_teaching.py).
    ("teaching.home", "GET", "/teach/", signed_in(403, admin=200, instructor=200)),
    ("teaching.cohort", "GET", "/teach/cohorts/{cohort_id}", signed_in(403, admin=200, instructor=200)),
    ("teaching.progress_csv", "GET", "/teach/cohorts/{cohort_id}/progress.csv", signed_in(403, admin=200, instructor=200)),
    # Instructor review: the owner's submitted assignment, with a flagged peer review (tests/test_marking.py).
    ("marking.queue_page", "GET", "/teach/reviews", signed_in(403, admin=200, instructor=200)),
    ("marking.review_page", "GET", "/teach/reviews/{submission_id}", signed_in(403, admin=200, instructor=200)),
    ("marking.review_post", "POST", "/teach/reviews/{submission_id}", signed_in(403, admin=302, instructor=302)),
    ("marking.resolve_flag", "POST", "/teach/reviews/{submission_id}/flags/{flag_id}",
     signed_in(403, admin=302, instructor=302)),
    ("marking.report", "GET", "/teach/reviews/report", signed_in(403, admin=200, instructor=200)),
    ("marking.report_csv", "GET", "/teach/reviews/report.csv", signed_in(403, admin=200, instructor=200)),
    ("marking.submissions_csv", "GET", "/teach/reviews/report/submissions.csv", signed_in(403, admin=200, instructor=200)),
    ("progress.dashboard", "GET", "/dashboard", signed_in(200)),
    ("progress.complete", "POST", COURSE + "models/complete", signed_in(403, owner=302)),
    ("progress.resume", "GET", COURSE + "continue", signed_in(302)),  # not enrolled: sent to the course page
    ("quizzes.quiz", "GET", QUIZ, signed_in(200, other=302, instructor=302, author=302)),  # not enrolled: sent to the course page to enrol
    ("quizzes.attempt", "GET", QUIZ + "/attempts/{attempt}", signed_in(403, owner=200, admin=200)),
    ("quizzes.answer", "POST", QUIZ + "/attempts/{attempt}", signed_in(403, owner=302)),
    ("quizzes.autosave", "POST", QUIZ + "/attempts/{attempt}/autosave", signed_in(403, owner=200)),
    ("quizzes.start", "POST", QUIZ + "/start", signed_in(302, other=403, instructor=403, author=403)),
    # Assignments: as quizzes (enrolled learners, and staff who oversee the course); the owner's version is submitted,
    # so its changes are refused with a message. A file: its owner, reviewers and staff with a say, 404 for others.
    ("assignments.assignment", "GET", ASSIGNMENT, signed_in(200, other=302, instructor=302, author=302)),
    ("assignments.save", "POST", ASSIGNMENT + "/save", signed_in(403, owner=302, admin=302)),
    ("assignments.upload", "POST", ASSIGNMENT + "/files", signed_in(403, owner=302, admin=302)),  # no file: a message
    ("assignments.delete_file", "POST", ASSIGNMENT + "/files/{submission_file}/delete", signed_in(403, owner=302, admin=404)),
    ("assignments.submit", "POST", ASSIGNMENT + "/submit", signed_in(403, owner=302, admin=302)),
    # The owner's file: the owner, their instructor and the admin; 404 to the rest, the peer ("other") who reviewed it
    # included (peers download through their review page, under an anonymous name).
    ("assignments.download", "GET", "/assignments/files/{submission_file}", signed_in(404, owner=200, instructor=200,
                                                                                       admin=200)),
    ("certificates.mine", "GET", "/certificates", signed_in(200)),
    ("certificates.pdf", "GET", "/certificates/{credential}.pdf", signed_in(404, owner=200, admin=200)),  # admins support learners
    ("certificates.badge_jwt", "GET", "/certificates/{credential}.jwt", signed_in(404, owner=200, admin=200)),  # admins support learners
    ("certificates.badge_json", "GET", "/certificates/{credential}.json", signed_in(404, owner=200, admin=200)),  # admins support learners
    ("certificates.static", "GET", "/certificates/static/certificates.css", everyone(200)),
    ("verification.verify", "GET", "/verify/{credential}", everyone(200)),  # public by design
    ("verification.verify_json", "GET", "/verify/{credential}.json", everyone(200)),
    ("verification.issuer", "GET", "/issuers/default", everyone(200)),
    ("verification.jwks", "GET", "/issuers/default/jwks.json", everyone(200)),
    ("verification.issuer_key", "GET", "/issuers/default/keys/{kid}", everyone(200)),
    ("verification.status_list", "GET", "/issuers/default/status/revocation", everyone(200)),
    ("certificates_admin.index", "GET", "/admin/certificates/", signed_in(403, admin=200)),
    ("certificates_admin.detail", "GET", "/admin/certificates/{credential}", signed_in(403, admin=200)),
    ("certificates_admin.revoke", "POST", "/admin/certificates/{credential}/revoke", signed_in(403, admin=302)),
    ("certificates_admin.reissue", "POST", "/admin/certificates/{other_credential}/reissue", signed_in(403, admin=302)),
    ("certificates_admin.requests", "GET", "/admin/certificates/reissue-requests", signed_in(403, admin=200)),
    # Authoring: any author may start a course; only its authors (and admins) may touch it. The
    # "author" account authors no course here.
    ("authoring.home", "GET", "/author/", signed_in(403, author=200, admin=200)),
    ("authoring.new_course", "GET", "/author/courses/new", signed_in(403, author=200, admin=200)),
    ("authoring.course", "GET", "/author/courses/intro-course/", signed_in(403, admin=200)),
    ("authoring.edit", "GET", "/author/courses/intro-course/files/" + LESSON_FILE, signed_in(403, admin=200)),
    ("authoring.history", "GET", "/author/courses/intro-course/history/" + LESSON_FILE, signed_in(403, admin=200)),
    ("authoring.revision", "GET", "/author/courses/intro-course/revisions/{revision}", signed_in(403, admin=200)),
    ("reports.home", "GET", "/reports/", signed_in(403, author=200, admin=200)),
    ("reports.home_csv", "GET", "/reports/courses.csv", signed_in(403, author=200, admin=200)),
    ("reports.course", "GET", "/reports/courses/intro-course/", signed_in(403, admin=200)),
    ("reports.course_csv", "GET", "/reports/courses/intro-course/funnel.csv", signed_in(403, admin=200)),
    ("reports.quiz", "GET", "/reports/courses/intro-course/quizzes/basics", signed_in(403, admin=200)),
    ("reports.quiz_csv", "GET", "/reports/courses/intro-course/quizzes/basics/items.csv", signed_in(403, admin=200)),
    ("reports.learner", "GET", "/reports/learners/{owner_id}", signed_in(403, admin=200)),
    ("reports.learner_csv", "GET", "/reports/learners/{owner_id}/progress.csv", signed_in(403, admin=200)),
    ("admin.index", "GET", "/admin/", signed_in(403, admin=200)),
    ("admin.learners", "GET", "/admin/learners", signed_in(403, admin=200)),
    ("admin.learners_csv", "GET", "/admin/learners.csv", signed_in(403, admin=200)),
    ("admin.learner", "GET", "/admin/learners/{victim_id}", signed_in(403, admin=200)),
    ("admin.audit", "GET", "/admin/audit", signed_in(403, admin=200)),
    ("admin.audit_csv", "GET", "/admin/audit.csv", signed_in(403, admin=200)),
    ("school.settings", "GET", "/admin/school", signed_in(403, admin=200)),
    ("school.settings", "POST", "/admin/school", signed_in(403, admin=302)),
    # The school's learning record store (xAPI): its own admins only; the form empty is refused with a message.
    ("xapi_admin.settings", "GET", "/admin/learning-records", signed_in(403, admin=200)),
    ("xapi_admin.settings", "POST", "/admin/learning-records", signed_in(403, admin=422)),
    ("xapi_admin.retry", "POST", "/admin/learning-records/retry", signed_in(403, admin=302)),
    ("school.logo", "GET", "/school/logo/{logo_id}", everyone(200)),
    ("school.theme", "GET", "/school/theme.css", everyone(200)),
    ("platform.schools", "GET", "/platform/schools", signed_in(403, platform=200)),
    ("platform.hosts", "GET", "/platform/schools/default/hosts", signed_in(403, platform=200)),
    ("platform.create", "POST", "/platform/schools", signed_in(403, platform=302)),
    ("admin.authors", "GET", "/admin/courses/intro-course/authors", signed_in(403, admin=200)),
    # Admissions: anyone applies and follows an application by its private link; admins review.
    ("admissions.apply", "GET", "/apply/{round_id}", everyone(200)),
    ("admissions.apply", "POST", "/apply/{round_id}", everyone(422)),  # the form empty: refused, whoever sends it
    ("admissions.sent", "GET", "/apply/{round_id}/sent", everyone(200)),
    ("admissions.status", "GET", "/apply/status/" + STATUS_TOKEN, everyone(200)),
    ("admissions.status", "GET", "/apply/status/not-the-token", everyone(404)),
    ("admissions.confirm", "POST", "/apply/status/" + STATUS_TOKEN + "/confirm", everyone(302)),
    ("admissions_admin.index", "GET", "/admin/admissions", signed_in(403, admin=200, instructor=200)),  # their cohorts
    ("admissions_admin.index", "POST", "/admin/admissions", signed_in(403, admin=422)),
    ("admissions_admin.edit_round", "GET", "/admin/admissions/rounds/{round_id}", signed_in(403, admin=200)),
    ("admissions_admin.edit_round", "POST", "/admin/admissions/rounds/{round_id}", signed_in(403, admin=422)),
    ("admissions_admin.application", "GET", "/admin/admissions/applications/{application_id}", signed_in(403, admin=200)),
    ("admissions_admin.download", "GET", "/admin/admissions/applications/{application_id}/file",
     signed_in(403, admin=200)),
    ("cohorts_admin.index", "GET", "/admin/cohorts/", signed_in(403, admin=200)),
    ("cohorts_admin.new", "GET", "/admin/cohorts/new", signed_in(403, admin=200)),
    ("cohorts_admin.cohort", "GET", "/admin/cohorts/{cohort_id}", signed_in(403, admin=200)),
    ("cohorts_admin.deadlines", "GET", "/admin/cohorts/{cohort_id}/deadlines", signed_in(403, admin=200)),
    ("cohorts_admin.import_form", "GET", "/admin/cohorts/{cohort_id}/import", signed_in(403, admin=200)),
    ("cohort_join.join", "GET", "/join/{join_token}", everyone(200)),  # the link is the key; it names the school
    # Peer review (tests/test_peer_review.py): the owner submitted the audit assignment and was allocated the victim's
    # work; only the allocated reviewer sees a review, only the reviewed learner flags one (404 for anyone else).
    ("peer_review.home", "GET", "/reviewing", signed_in(200)),
    ("peer_review.next_review", "POST", PEER + "/reviews/next", signed_in(403, owner=302)),
    ("peer_review.review", "GET", "/review/{review_id}", signed_in(404, owner=200)),
    ("peer_review.review", "POST", "/review/{review_id}", signed_in(404, owner=422)),  # no level chosen
    ("peer_review.review_file", "GET", "/review/{review_id}/files/{review_file_id}", signed_in(404, owner=200)),
    ("peer_review.received", "GET", PEER + "/reviews", signed_in(404, owner=200)),
    ("peer_review.flag", "POST", "/review/{flag_review_id}/flag", signed_in(404, owner=302)),
    ("peer_review.reviewers", "GET", "/admin/assignments/reviewers", signed_in(403, admin=200)),
    ("peer_review.reviewers", "POST", "/admin/assignments/reviewers", signed_in(403, admin=302, platform=422)),  # added once
    # Changes: made last, by admins on a dedicated account, so no other row depends on them.
    ("authoring.new_module", "POST", "/author/courses/intro-course/modules", signed_in(403, admin=ALLOWED)),
    ("authoring.new_lesson", "POST", "/author/courses/intro-course/lessons", signed_in(403, admin=ALLOWED)),
    ("authoring.new_quiz", "POST", "/author/courses/intro-course/quizzes", signed_in(403, admin=ALLOWED)),
    ("authoring.new_assignment", "POST", "/author/courses/intro-course/assignments", signed_in(403, admin=ALLOWED)),
    ("authoring.upload", "POST", "/author/courses/intro-course/assets", signed_in(403, admin=ALLOWED)),
    ("authoring.move", "POST", "/author/courses/intro-course/move", signed_in(403, admin=ALLOWED)),
    ("authoring.restore", "POST", "/author/courses/intro-course/revisions/{revision}/restore", signed_in(403, admin=ALLOWED)),
    ("authoring.publish_all", "POST", "/author/courses/intro-course/publish", signed_in(403, admin=ALLOWED)),
    ("authoring.delete", "POST", "/author/courses/intro-course/files/" + SPARE_FILE + "/delete", signed_in(403, admin=ALLOWED)),
    ("admin.enrol", "POST", "/admin/learners/{victim_id}/enrol", signed_in(403, admin=ALLOWED)),
    ("admin.unenrol", "POST", "/admin/learners/{victim_id}/unenrol/{course_id}", signed_in(403, admin=ALLOWED)),
    ("admin.set_role", "POST", "/admin/learners/{victim_id}/role", signed_in(403, admin=ALLOWED)),
    ("admin.set_active", "POST", "/admin/learners/{victim_id}/deactivate", signed_in(403, admin=ALLOWED)),
    ("admin.remove_author", "POST", "/admin/courses/intro-course/authors/{victim_id}/remove", signed_in(403, admin=ALLOWED)),
    ("admin.reset_attempt", "POST", "/admin/learners/{owner_id}/attempts/{attempt}/reset", signed_in(403, admin=ALLOWED)),
    ("admin.rename", "POST", "/admin/learners/{victim_id}/name", signed_in(403, admin=302)),
    # Joining by link: learners only (staff accounts are refused); the owner joins, "other" too.
    ("cohort_join.join", "POST", "/join/{join_token}", signed_in(302, instructor=403, author=403, admin=403)),
    # The platform admin comes second: the cohort's name is taken, so the form comes back.
    ("cohorts_admin.new", "POST", "/admin/cohorts/new", signed_in(403, admin=302, platform=200)),
    ("cohorts_admin.edit", "POST", "/admin/cohorts/{cohort_id}/edit", signed_in(403, admin=302)),
    ("cohorts_admin.deadlines", "POST", "/admin/cohorts/{cohort_id}/deadlines", signed_in(403, admin=302)),
    ("cohorts_admin.add_instructor", "POST", "/admin/cohorts/{cohort_id}/instructors", signed_in(403, admin=302)),
    ("cohorts_admin.remove_instructor", "POST", "/admin/cohorts/{cohort_id}/instructors/{instructor_id}/remove",
     signed_in(403, admin=302)),
    ("cohorts_admin.remove_member", "POST", "/admin/cohorts/{cohort_id}/members/{owner_id}/remove",
     signed_in(403, admin=302)),
    ("cohorts_admin.import_preview", "POST", "/admin/cohorts/{cohort_id}/import", signed_in(403, admin=400)),  # no file
    ("cohorts_admin.import_confirm", "POST", "/admin/cohorts/{cohort_id}/import/confirm", signed_in(403, admin=400)),
    ("cohorts_admin.create_invitation", "POST", "/admin/cohorts/{cohort_id}/invitations", signed_in(403, admin=201)),
    ("cohorts_admin.revoke_invitation", "POST", "/admin/cohorts/{cohort_id}/invitations/{invitation_id}/revoke",
     signed_in(403, admin=302)),
    ("cohorts_admin.archive", "POST", "/admin/cohorts/{cohort_id}/archive", signed_in(403, admin=302)),
    ("certificates_admin.approve_request", "POST", "/admin/certificates/reissue-requests/{request}/approve",
     signed_in(403, admin=302)),
    ("certificates_admin.decline_request", "POST", "/admin/certificates/reissue-requests/{request}/decline",
     signed_in(403, admin=302)),
    # Each account asks for its own changes: another's certificate is not found.
    ("certificates.request_reissue", "POST", "/certificates/{other_credential}/reissue-request",
     signed_in(404, owner=302)),
    ("accounts.change_name", "POST", "/account/profile/name", signed_in(302)),
    ("accounts.change_email", "POST", "/account/profile/email", signed_in(302)),
    # LTI: the endpoints a platform calls are open to everyone by design (the platform's signed id_token, or nothing,
    # is the proof); without a launch they refuse (400, 403). Platform registration is the school admin's.
    ("lti.jwks", "GET", "/lti/jwks.json", everyone(200)),  # the tool's public keys: public by design
    ("lti.canvas", "GET", "/lti/canvas.json", everyone(200)),  # the configuration Canvas reads: public by design
    ("lti.login", "GET", "/lti/login", everyone(400)),  # OIDC login initiation, called by platforms: no issuer here
    ("lti.launch", "POST", "/lti/launch", everyone(400)),  # the launch, called by platforms: no id_token here
    ("lti.deep_link", "GET", "/lti/deep-link", everyone(403)),  # only after a deep-linking launch
    # Dynamic registration, no platform named: a GET shows what would be registered (a visitor in the platform's
    # frame is sent to a tab of their own), the admin's POST registers.
    ("lti.register", "GET", "/lti/register", signed_in(403, anonymous=400, admin=400)),
    ("lti.confirm_registration", "POST", "/lti/register", signed_in(403, admin=400)),
    ("lti.contexts", "GET", "/lti/contexts", signed_in(403, instructor=200, admin=200)),
    # The audit's platform course offers no roster service: the import says so and changes nothing.
    ("lti.import_roster", "POST", "/lti/contexts/{lti_context}/roster", signed_in(403, instructor=303, admin=303)),
    ("lti_admin.index", "GET", "/admin/lti/", signed_in(403, admin=200)),
    ("lti_admin.new", "GET", "/admin/lti/new", signed_in(403, admin=200)),
    ("lti_admin.edit", "GET", "/admin/lti/{lti_platform}", signed_in(403, admin=200)),
    ("lti_admin.link", "POST", "/admin/lti/{lti_platform}/accounts/{lti_account}/link", signed_in(403, admin=422)),
    ("accounts.change_language", "POST", "/account/profile/language", signed_in(302)),
    ("accounts.change_reminders", "POST", "/account/profile/reminders", signed_in(302)),
    ("accounts.language", "POST", "/account/language", everyone(302)),  # the footer's switch: anyone may choose
    ("admissions_admin.retention", "POST", "/admin/admissions/retention", signed_in(403, admin=302)),
    ("admissions_admin.accept", "POST", "/admin/admissions/applications/{application_id}/accept", signed_in(403, admin=302)),
    ("admissions_admin.decline", "POST", "/admin/admissions/applications/{application_id}/decline",
     signed_in(403, admin=302)),
    ("admissions.withdraw", "POST", "/apply/status/" + STATUS_TOKEN + "/withdraw", everyone(302)),
    ("progress.enrol", "POST", COURSE + "enrol", signed_in(302)),
    ("calendar.create", "POST", "/account/calendar", signed_in(302)),
    ("calendar.revoke", "POST", "/account/calendar/revoke", signed_in(302)),
    ("progress.enrol_programme", "POST", "/programmes/pathway/enrol", signed_in(302)),
    ("privacy.index", "GET", "/account/data/", signed_in(200)),
    ("privacy.download", "POST", "/account/data/export", signed_in(200)),  # each account's own data only
    ("privacy_admin.requests", "GET", "/admin/deletion-requests/", signed_in(403, admin=200)),
    ("privacy_admin.refuse", "POST", "/admin/deletion-requests/{deletion}/refuse", signed_in(403, admin=302)),
    ("privacy_admin.confirm", "POST", "/admin/deletion-requests/{deletion}/confirm", signed_in(403, admin=302)),
    ("privacy.request_deletion", "POST", "/account/data/delete", signed_in(302)),
    ("portfolio.settings", "POST", "/account/portfolio", signed_in(302)),  # each account's own portfolio
    ("portfolio.new_address", "POST", "/account/portfolio/address", signed_in(302)),
    ("privacy.cancel_deletion", "POST", "/account/data/delete/cancel", signed_in(302)),
    # Single sign-on (tests/test_sso.py): the audit's provider is deactivated, so it has no button and no start.
    ("sso.start", "GET", "/account/sso/{sso_provider}", everyone(404)),
    ("sso.callback", "GET", "/account/sso/callback", everyone(400)),  # no sign-in under way in this browser
    ("sso.links", "GET", "/account/sso/", signed_in(200)),
    # Confirming it is you: only with an active provider the account (without a password) is linked to.
    ("sso.confirm", "POST", "/account/sso/{sso_provider}/confirm", signed_in(404)),
    ("sso_admin.index", "GET", "/admin/sso/", signed_in(403, admin=200)),
    ("sso_admin.new", "GET", "/admin/sso/new", signed_in(403, admin=200)),
    ("sso_admin.edit", "GET", "/admin/sso/{sso_provider}", signed_in(403, admin=200)),
    ("sso_admin.new", "POST", "/admin/sso/new", signed_in(403, admin=422)),  # an empty form: nothing stored
    ("sso_admin.edit", "POST", "/admin/sso/{sso_provider}", signed_in(403, admin=422)),
    ("sso_admin.passwords", "POST", "/admin/sso/passwords", signed_in(403, admin=302)),  # kept on
    ("sso_admin.set_active", "POST", "/admin/sso/{sso_provider}/active", signed_in(403, admin=302)),  # kept off
    ("sso_admin.unlink", "POST", "/admin/sso/links/{sso_link}/remove", signed_in(403, admin=302, platform=404)),
]
REASON = {"reason": "Access audit"}
TODAY = date.today()  # the audit cohort runs around today, so its dates never fall out of range
# People's names, none an interface word (tests/test_french_pages.py looks for English words on each page).
NAMES = {"owner": "Olive Martin", "other": "Oscar Petit", "instructor": "Inès Garnier", "author": "Aurore Lemoine",
         "admin": "Adèle Roux", "platform": "Pauline Mercier"}
FORMS = {"quizzes.answer": {"action": "save"}, "certificates_admin.revoke": REASON, "certificates_admin.reissue": REASON,
         "admin.enrol": {**REASON, "course": "intro-course"}, "admin.unenrol": REASON, "admin.set_active": REASON,
         "admin.set_role": {**REASON, "role": "learner"}, "admin.remove_author": REASON, "admin.reset_attempt": REASON,
         "authoring.new_module": {"title": "Audit module"}, "authoring.new_lesson": {"title": "Audit lesson"},
         "authoring.new_quiz": {"title": "Audit quiz"}, "admin.rename": {"rename-name": "Renamed Victim",
         "rename-reason": "Access audit"}, "certificates_admin.decline_request": {"note": "Access audit"},
         "accounts.change_name": {"name": "Audit Name"},
         "accounts.change_email": {"email": "new-address@example.com", "password": PASSWORD},
         "accounts.change_language": {"language": "en"}, "privacy.download": {"export-password": PASSWORD},
         "privacy.request_deletion": {"delete-password": PASSWORD}, "privacy_admin.refuse": {"note": "Access audit"},
         "accounts.language": {"language": "en", "next": "/"},
         "school.settings": {"name": "Audit School", "signatory": "Audit Signatory"},
         "platform.create": {"name": "École d’audit", "slug": "ecole-audit", "hosts": "audit.example.org",
                             "admin_name": "Inès Garnier", "admin_email": "ines@example.org"},
         "admissions_admin.retention": {"months": "0"}, "admissions_admin.decline": {"message": "Audit"},
         "cohorts_admin.new": {"name": "Audit cohort", "offering": "course:1", "starts_on": str(TODAY - timedelta(days=30)),
                               "ends_on": str(TODAY + timedelta(days=90))},
         "cohorts_admin.edit": {"name": "Audit intake", "starts_on": str(TODAY - timedelta(days=60)),
                                "ends_on": str(TODAY + timedelta(days=90))},
         "cohorts_admin.deadlines": {"course-1-date": str(TODAY + timedelta(days=5)), "course-1-time": "18:00"},
         "cohorts_admin.create_invitation": {"seats": "5"}, "marking.review_post": {"action": "save"},
         "marking.resolve_flag": {"resolution": "dismiss"},
         "portfolio.settings": {"visibility": "link", "headline": "Audit"},
         "peer_review.flag": {"reason": "Access audit"},
         "peer_review.reviewers": {"course": "intro-course", "email": "victim@example.com"},
         "sso_admin.passwords": {"local_passwords": "y"}, "sso_admin.set_active": {"active": "0"}}


@pytest.fixture()
def audit_app(make_app, content_dir, make_user):
    write(content_dir, "courses/intro-course/assets/notes.txt", "notes")
    write(content_dir, SPARE_FILE, "---\ntitle: Spare\nminutes: 1\n---\n\nA lesson the audit deletes.\n")
    write_quiz(content_dir)
    write_assignment(content_dir)
    # CSRF stays on and every POST carries a valid token, so the answer is the route's access check
    # (a log-in redirect, a 403) and never a 400 for a missing token.
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    for role in ROLES[1:]:
        make_user(email=f"{role}@example.com", name=NAMES[role],
                  role={"instructor": "instructor", "author": "author", "admin": "admin", "platform": "admin"}.get(role, "learner"))
    make_user(email="victim@example.com", name="Victim")  # the account the admin rows change
    with app.app_context():
        store_logo(tiny_png(), 4096)
        db.session.execute(db.update(User).where(User.email == "platform@example.com").values(platform_admin=True))
        db.session.commit()
    submitted_application(app, make_round(app), STATUS_TOKEN)
    return app


def client_for(app, role) -> Auth:
    """A client of the role, logged in unless anonymous, with the CSRF token of its session."""
    auth = Auth(app.test_client())
    if role != "anonymous":
        response = auth.login(email=f"{role}@example.com", password=PASSWORD)
        assert response.status_code == 302, role
    auth.token = auth.csrf("/account/login" if role == "anonymous" else "/")
    return auth


def send(auth: Auth, method: str, url: str, data: dict | None = None):
    """The request as a browser sends it: a POST carries the session's CSRF token."""
    if method == "POST":
        data = {"csrf_token": auth.token, **(data or {})}
    return auth.client.open(url, method=method, data=data or {})


def test_every_route_is_in_the_audit_table(app):
    listed = {endpoint for endpoint, *_ in ROUTES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed - listed == set(), "add these routes to ROUTES with who may use them"
    assert listed - routed == set(), "these rows name routes that no longer exist"


def test_every_route_answers_each_role_as_the_table_says(audit_app):
    clients = {role: client_for(audit_app, role) for role in ROLES}
    assert send(clients["owner"], "POST", COURSE + "enrol").status_code == 302
    attempt = send(clients["owner"], "POST", QUIZ + "/start").headers["Location"].rsplit("/", 1)[1]
    names = {"attempt": attempt, **owner_certificates(audit_app), **ids(audit_app)}
    observed, expected = {}, {}
    for endpoint, method, url, answers in ROUTES:
        url = url.format(**names)
        for role in ROLES:
            if endpoint == "accounts.logout":
                client = client_for(audit_app, role)  # a fresh session, so the others stay logged in
            else:
                client = clients[role]
            response = send(client, method, url, FORMS.get(endpoint))
            status = response.status_code
            location = response.headers.get("Location", "")
            to_login = status == 302 and location.startswith("/account/login")
            if answers[role] == LOGIN and to_login:
                got = LOGIN
            elif answers[role] == ALLOWED and status != 403 and not to_login and status < 500:
                got = ALLOWED
            else:
                got = status
            observed[(url, method, role)] = got
            expected[(url, method, role)] = answers[role]
            response.close()
    mismatches = {key: (observed[key], expected[key]) for key in expected if observed[key] != expected[key]}
    assert mismatches == {}, "(observed, expected) per (url, method, role)"


def ids(app) -> dict[str, int]:
    """Database ids the URLs name: the owner, the victim account, the course and a content revision; and a
    request of the victim to delete their account (made here, once)."""
    from lms.accounts.models import User
    from lms.authoring.models import SourceFile, SourceRevision
    from lms.catalog.models import Course
    from lms.admissions.models import AdmissionRound, Application
    from lms.schools.models import SchoolLogo

    with app.app_context():
        users = {u.email.split("@")[0]: u.id for u in db.session.execute(db.select(User)).scalars()}
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        revision = db.session.execute(db.select(SourceRevision.id).join(SourceFile, SourceFile.id == SourceRevision.file_id)
                                      .where(SourceFile.path == LESSON_FILE)).scalars().first()
        logo = db.session.execute(db.select(SchoolLogo.id)).scalars().first()
        deletion = deletion_request(users["victim"])
        round_id = db.session.execute(db.select(AdmissionRound.id)).scalars().first()
        application_id = db.session.execute(db.select(Application.id)).scalars().first()
        return {"deletion": deletion, "round_id": round_id, "application_id": application_id, "owner_id": users["owner"],
                "victim_id": users["victim"], "course_id": course.id, "revision": revision,
                "logo_id": logo, **audit_cohort(app, users), **audit_submission(users),
                **audit_peer_review(app, users), **owner_portfolio(app, users["owner"]), **audit_sso(users), **audit_lti()}


def audit_sso(users: dict[str, int]) -> dict[str, int]:
    """A deactivated identity provider of the school (no network: its issuer is never read) and the "other"
    learner's link to it."""
    from lms.sso.models import IdentityLink, IdentityProvider

    school_id = db.session.get(User, users["other"]).school_id
    provider = IdentityProvider(school_id=school_id, label="Audit provider", issuer="https://idp.example.org",
                                client_id="audit", client_secret="audit-secret", scopes="openid", active=False)
    db.session.add(provider)
    db.session.flush()
    link = IdentityLink(provider_id=provider.id, sub="audit-sub", user_id=users["other"], email="other@example.com")
    db.session.add(link)
    db.session.commit()
    return {"sso_provider": provider.id, "sso_link": link.id}


def audit_lti() -> dict[str, int]:
    """A platform of the school and one of its courses (a context), with no roster service."""
    from lms.lti.models import LtiAccount, LtiContext, LtiPlatform
    from lms.schools.services import default_school

    platform = LtiPlatform(school_id=default_school().id, name="Audit platform", issuer="https://lms.example.org",
                           client_id="audit", auth_login_url="https://lms.example.org/auth",
                           auth_token_url="https://lms.example.org/token", key_set_url="https://lms.example.org/jwks")
    db.session.add(platform)
    db.session.flush()
    context = LtiContext(platform_id=platform.id, context_id="audit-course", title="Audit course")
    victim = db.session.scalar(db.select(User.id).filter_by(email="victim@example.com"))
    account = LtiAccount(platform_id=platform.id, sub="audit-sub", user_id=victim)
    db.session.add_all([context, account])
    db.session.commit()
    return {"lti_platform": platform.id, "lti_context": context.id, "lti_account": account.id}


def audit_submission(users: dict[str, int]) -> dict[str, int]:
    """The owner's submitted assignment (with a file), reviewed by the "other" learner, who it flagged as unfair."""
    from lms.assignments.models import SubmissionFile

    from .marking_support import assignment, peer_review, submit

    owner, other = (db.session.get(User, users[name]) for name in ("owner", "other"))
    submission = submit(owner, assignment())
    submission.files.append(SubmissionFile(name="work.pdf", kind="pdf", size=9, sha256="0" * 64, data=b"%PDF-1.4\n"))
    flag = peer_review(submission, other, {"problem": 0, "measure": 0}, flagged=True)
    db.session.commit()
    return {"submission_id": submission.id, "flag_id": flag.id, "submission_file": submission.files[0].id}


def audit_cohort(app, users: dict[str, int]) -> dict[str, object]:
    """A cohort of the intro course taught by the instructor, the owner a learner of it with a missed and an
    upcoming deadline (one on the quiz), an invitation link (its token, which only its creator ever sees) and the
    owner's calendar address."""
    from datetime import timedelta

    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.cohorts import services
    from lms.cohorts.calendar import create_feed, feed_token
    from lms.db import utcnow
    from lms.quizzes.models import Quiz
    from lms.schools.services import current_school

    with app.test_request_context("/"):
        admin, owner, instructor = (db.session.get(User, users[name]) for name in ("admin", "owner", "instructor"))
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        quiz = db.session.execute(db.select(Quiz.id).filter_by(slug="basics")).scalar_one()
        now = utcnow()
        cohort = services.create_cohort(admin, current_school(), "Promo audit", "audit", course,
                                        (now - timedelta(days=60)).date(), (now + timedelta(days=60)).date())
        services.add_instructor(admin, cohort, instructor)
        services.join(cohort, owner, "staff")
        services.set_deadlines(admin, cohort, {(course.id, None): now - timedelta(days=1),
                                               (course.id, quiz): now + timedelta(days=3)})
        invitation, token = services.create_invitation(admin, cohort, 10, None)
        calendar = feed_token(create_feed(owner))
        db.session.commit()
        return {"cohort_id": cohort.id, "instructor_id": instructor.id, "invitation_id": invitation.id,
                "join_token": token, "calendar_token": calendar}


def owner_portfolio(app, owner_id: int) -> dict[str, object]:
    """The owner's passed second version of the practice module's assignment (tests/peer_support.py makes the
    assignment and their first version), with a file, shown on their portfolio published by a private link."""
    from lms.assignments.models import Assignment, Submission, SubmissionFile
    from lms.db import utcnow
    from lms.portfolio.models import Portfolio
    from lms.schools.services import default_school

    with app.app_context():
        assignment = db.session.execute(db.select(Assignment).filter_by(slug="practice")).scalar_one()
        submission = Submission(assignment_id=assignment.id, user_id=owner_id, school_id=default_school().id,
                                number=2, status="decided", decision="pass", rubric=assignment.rubric, submitted_at=utcnow(),
                                decided_at=utcnow(), released_at=utcnow(), text="My plan.", text_html="<p>My plan.</p>")
        stored = SubmissionFile(name="plan.pdf", kind="pdf", size=9, sha256="0" * 64, data=b"%PDF-1.4\n")
        submission.files.append(stored)
        portfolio = Portfolio(user_id=owner_id, school_id=default_school().id, visibility="link", token="audit-portfolio",
                              submissions=[submission])
        db.session.add_all([submission, portfolio])
        db.session.commit()
        return {"portfolio_token": portfolio.token, "portfolio_file": stored.id}


def deletion_request(user_id: int) -> int:
    from lms.privacy.models import DeletionRequest
    from lms.schools.services import current_school

    row = db.session.execute(db.select(DeletionRequest).filter_by(user_id=user_id)).scalar_one_or_none()
    if row is None:
        row = DeletionRequest(school_id=current_school().id, user_id=user_id, reason="", decision_note="")
        db.session.add(row)
        db.session.commit()
    return row.id


def owner_certificates(app) -> dict[str, str]:
    """The owner's course certificate (revoked by the audit) and programme certificate (reissued by
    it), a reissue request for the course certificate, and the issuer's signing key id."""
    from lms.accounts.models import User
    from lms.catalog.models import Programme
    from lms.certificates.models import ReissueRequest
    from lms.certificates.signing import signing_key
    from lms.certificates.services import issue_course_certificate, issue_programme_certificate
    from lms.db import utcnow
    from lms.progress.models import Enrolment, ProgrammeEnrolment

    with app.app_context():
        owner = db.session.execute(db.select(User).filter_by(email="owner@example.com")).scalar_one()
        enrolment = db.session.execute(db.select(Enrolment).filter_by(user_id=owner.id)).scalar_one()
        enrolment.completed_at = utcnow()
        programme = db.session.execute(db.select(Programme)).scalar_one()
        membership = ProgrammeEnrolment(user_id=owner.id, programme_id=programme.id, school_id=enrolment.school_id)
        db.session.add(membership)
        db.session.flush()
        course_certificate = issue_course_certificate(owner, enrolment)
        course = course_certificate.credential_id
        programme_certificate = issue_programme_certificate(owner, membership, utcnow()).credential_id
        request = ReissueRequest(certificate_id=course_certificate.id, user_id=owner.id, school_id=enrolment.school_id,
                                 name="Owner Renamed")
        db.session.add(request)
        db.session.commit()
        request_id = request.id
        from lms.schools.services import default_school

        kid = signing_key(default_school()).kid
        db.session.commit()  # the first key, registered
    return {"credential": course, "other_credential": programme_certificate, "kid": kid, "request": request_id}


def test_a_removed_check_turns_the_audit_red(audit_app, monkeypatch):
    """The audit is able to fail: with the attempt owner check gone, another learner gets in."""
    import lms.quizzes.routes as routes

    from lms.quizzes.models import Attempt

    monkeypatch.setattr(routes, "attempt_or_abort", lambda quiz, attempt_id, viewing=False: db.session.get(Attempt, attempt_id))
    owner, other = client_for(audit_app, "owner"), client_for(audit_app, "other")
    assert send(owner, "POST", COURSE + "enrol").status_code == 302
    attempt = send(owner, "POST", QUIZ + "/start").headers["Location"].rsplit("/", 1)[1]
    assert send(other, "GET", f"{QUIZ}/attempts/{attempt}").status_code == 200  # the hole the audit would catch
