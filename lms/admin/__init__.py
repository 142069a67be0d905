"""Learner management for admins, with an audit log of every action."""
