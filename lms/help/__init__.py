"""The learners' help page: how progress, quizzes, certificates and verification work."""
