"""The skills profile: what a learner can prove on each skill of the framework, from the quiz questions and
rubric criteria tagged with it, set against a role's target profile (``courses/_roles/``).

Importing the package registers its content step (reading and storing the role files)."""
from . import roles as _roles  # noqa: F401
