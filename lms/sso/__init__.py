"""Single sign-on with OpenID Connect, per school: each school registers its own identity providers."""
