"""The one place a provider's client secret is sealed for the database and opened again (``lms.secretbox``)."""
from __future__ import annotations

from ..secretbox import SecretUnreadable, seal, unseal

__all__ = ["SecretUnreadable", "seal", "unseal"]
