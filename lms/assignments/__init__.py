"""Practical work: assignments written in the content format (a brief and a rubric), submissions, peer and
instructor review, and the skills a learner can prove.

Importing the package registers its content step (reading and storing assignments/ beside courses/)."""
from . import syncing as _syncing  # noqa: F401
