"""Certificates: issued on completion, printed as PDF, verifiable by anyone, exported as Open Badges 3.0."""
