"""Enrolments and progress: what a learner has started and completed."""
