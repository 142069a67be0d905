"""Personal data: a learner's export of everything held about them, and the deletion of their account."""
