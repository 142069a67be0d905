"""Cohorts: an intake of a programme or a course at a school, with its dates, deadlines, instructors and learners."""
