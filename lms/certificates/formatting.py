"""How hours and dates read on a certificate, the same on the PDF, the pages and the badge."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # not strftime's %B, which follows the process locale


def hours_label(hours: Decimal | float | int) -> str:
    """2.0 reads "2", 2.5 reads "2.5"."""
    text = f"{Decimal(str(hours)).quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def long_date(moment: datetime) -> str:
    """21 November 2026, in UTC, so a certificate reads the same wherever it is printed."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
