"""E-mail notifications: deadline reminders (7 days and 1 day before, and once missed) and events (a certificate
issued, a submission decided), each sent once per learner and subject, inline or on an RQ queue."""
