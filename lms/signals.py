"""What one feature announces and others react to, without importing each other.

A lower package sends; a higher one connects a receiver in its own package (see each package's
``receivers`` module, connected when the extension starts). Receivers run in the sender's
transaction: they flush, never commit.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: An attempt was graded, once. Sender: the ``Attempt``; it carries ``passed``.
attempt_graded = _signals.signal("lms.attempt-graded")

#: A submission's decision was released to its learner, once. Sender: the ``Submission``; it carries ``passed``.
submission_decided = _signals.signal("lms.submission-decided")

#: A learner completed a course, once. Sender: the ``Enrolment`` (its ``user`` completed it).
course_completed = _signals.signal("lms.course-completed")

#: A learner completed a programme, once. Sender: the ``ProgrammeEnrolment``; ``completed_at`` is given.
programme_completed = _signals.signal("lms.programme-completed")

#: A certificate was issued for the first time (not a reissue), once. Sender: the ``Certificate``.
certificate_issued = _signals.signal("lms.certificate-issued")

#: A learner's name changed (by the learner, or by an admin). Sender: the ``User``; ``previous`` is the
#: old name and ``actor`` the account that changed it.
name_changed = _signals.signal("lms.name-changed")
#: Content was loaded into the database by a sync (``flask lms sync``, a publish, a git pull). Sender: the
#: ``SyncReport``. Receivers run in the sync's transaction.
content_synced = _signals.signal("lms.content-synced")

#: A learner started a course: on the site (``via="web"``, when they enrol) or from another platform (``via="lti"``,
#: each launch). Sender: the ``User``; ``course`` is the ``Course``.
launched = _signals.signal("lms.launched")

#: A learner opened a lesson for the first time, once per learner and lesson. Sender: the ``User``; ``course`` and
#: ``lesson`` carry ``id``, ``slug`` and ``title`` (``course`` its ``language`` too).
lesson_opened = _signals.signal("lms.lesson-opened")

#: A learner started an attempt at a quiz, once per attempt. Sender: the ``Attempt``.
attempt_started = _signals.signal("lms.attempt-started")
