"""A learner's portfolio: one page they may publish (off by default, by a private link, or public) with their
certificates and verification links, their skills profile and the submissions they choose to show."""
