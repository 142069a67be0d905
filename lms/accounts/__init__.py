"""Accounts: registration, log-in, passwords and roles."""
