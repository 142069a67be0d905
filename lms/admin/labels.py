"""What the admin pages call the values stored in the database (roles, audit actions, detail keys): the
stored codes never change, only their display labels are translated."""
from __future__ import annotations

from ..i18n import _, _l

ROLE_LABELS = {"learner": _l("Learner"), "instructor": _l("Instructor"), "author": _l("Author"),
               "admin": _l("Administrator")}

# Every action the audit log records, as the log's filter, its table and a learner's history name it.
ACTION_LABELS = {
    "enrol": _l("Enrolment"),
    "unenrol": _l("Unenrolment"),
    "reset_attempt": _l("Reset attempt"),
    "deactivate": _l("Deactivation"),
    "reactivate": _l("Reactivation"),
    "set_role": _l("Role change"),
    "rename": _l("Name change"),
    "add_author": _l("Author added"),
    "remove_author": _l("Author removed"),
    "school_settings": _l("School settings"),
    "create_school": _l("School created"),
    "school_hosts": _l("Host names changed"),
    "deletion_requested": _l("Deletion requested"),
    "deletion_cancelled": _l("Deletion request cancelled"),
    "deletion_refused": _l("Deletion refused"),
    "erase_account": _l("Account deleted"),
    "lti_link": _l("LTI account linked"),  # lms/lti: an admin links a platform's user to an existing account
    # Admissions (lms/admissions): the applicant has no account, so their steps have no actor.
    "admission_round_created": _l("Admission round created"),
    "admission_round_changed": _l("Admission round changed"),
    "application_made": _l("Application made"),
    "application_confirmed": _l("Application confirmed"),
    "application_withdrawn": _l("Application withdrawn"),
    "application_accepted": _l("Application accepted"),
    "application_declined": _l("Application declined"),
    "admission_retention": _l("Retention of applications"),
    "applications_purged": _l("Applications deleted (retention)"),
    "cohort_create": _l("Cohort created"),
    "cohort_update": _l("Cohort changed"),
    "cohort_archive": _l("Cohort archived"),
    "cohort_unarchive": _l("Cohort made active again"),
    "cohort_deadlines": _l("Cohort deadlines"),
    "cohort_instructor_add": _l("Cohort instructor added"),
    "cohort_instructor_remove": _l("Cohort instructor removed"),
    "cohort_member_remove": _l("Learner removed from a cohort"),
    "cohort_import": _l("Cohort import"),
    "cohort_invitation_create": _l("Cohort invitation link created"),
    "cohort_invitation_revoke": _l("Cohort invitation link revoked"),
    # Single sign-on (lms/sso)
    "sso_provider_saved": _l("Identity provider saved"),
    "sso_provider_active": _l("Identity provider activated or deactivated"),
    "sso_local_passwords": _l("Local passwords turned on or off"),
    "sso_unlinked": _l("Account unlinked from an identity provider"),
}

# The keys an action's details use, in words.
DETAIL_LABELS = {
    "course": _l("Course"),
    "quiz": _l("Quiz"),
    "attempt": _l("Attempt"),
    "score": _l("Score"),
    "passed": _l("Passed"),
    "started_at": _l("Started"),
    "submitted_at": _l("Submitted"),
    "enrolled_at": _l("Enrolled"),
    "completed_at": _l("Completed"),
    "previous": _l("Previous"),
    "role": _l("Role"),
    "name": _l("Name"),
    "user": _l("Account"),
    "logo_changed": _l("Logo changed"),
    "footer_changed": _l("Footer changed"),
    "admin": _l("Administrator"),
    "hosts": _l("Host names"),
    "certificates_revoked": _l("Certificates revoked"),
    "cohort": _l("Cohort"),
    "open": _l("Open"),
    "questions": _l("Questions"),
    "closes_on": _l("Last day to apply"),
    "file": _l("File"),
    "account_created": _l("Account created"),
    "months": _l("Months"),
    "count": _l("Number"),
    "offering": _l("Programme or course"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "changed": _l("Changed"),
    "created": _l("Accounts created"),
    "added": _l("Accounts added"),
    "already": _l("Already learners"),
    "invitation": _l("Invitation link"),
    "seats": _l("Seats"),
    "expires_at": _l("Expires"),
    "issuer": _l("Issuer"),
    "label": _l("Button label"),
    "creates_accounts": _l("Creates accounts"),
    "links_by_email": _l("Links by verified e-mail"),
    "active": _l("Active"),
    "on": _l("On"),
    "provider": _l("Identity provider"),
}

TARGET_LABELS = {"user": _l("Account"), "course": _l("Course"), "school": _l("School"), "cohort": _l("Cohort"),
                 "application": _l("Application"), "admission_round": _l("Admission round"),
                 "identityprovider": _l("Identity provider")}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action.replace("_", " ").capitalize()))


def target_label(target_type: str) -> str:
    return str(TARGET_LABELS.get(target_type, target_type))


def status_label(active: bool) -> str:
    return _("active") if active else _("deactivated")
