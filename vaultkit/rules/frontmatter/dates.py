"""Reading what people write in a date field, and what they should have written."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from vaultkit import regexes

ISO_DATE = regexes.compile(r"\d{4}-\d{2}-\d{2}")
_PARTS = regexes.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?")
_COMPACT = regexes.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_ONLY = regexes.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_TIME = regexes.compile(r"(?:[Tt]|\s+)\d{1,2}:\d{2}")
_WORDY = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")


def _real(year: int, month: int, day: int) -> tuple[date | None, str]:
    try:
        return date(year, month, day), ""
    except ValueError:
        if not 1 <= month <= 12:
            return None, f"there is no month {month}"
        return None, f"{year}-{month:02d} has no day {day}"


def parse_iso(text: str) -> date | None:
    """The date of an exact `YYYY-MM-DD` text, or None."""
    if not ISO_DATE.fullmatch(text):
        return None
    return _real(int(text[:4]), int(text[5:7]), int(text[8:10]))[0]


def diagnose(raw: str) -> tuple[str, str | None] | None:
    """None for a real `YYYY-MM-DD` date; else (what is wrong, the date to write or None)."""
    if parse_iso(raw) is not None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    match = _PARTS.match(text) or _COMPACT.fullmatch(text)
    if match is not None:
        year, month, day = (int(group) for group in match.groups())
        found, why = _real(year, month, day)
        if found is None:
            swapped = _real(year, day, month)[0] if day <= 12 < month else None
            return f"not a real date ({why})", swapped.isoformat() if swapped else None
        rest = text[match.end() :]
        if _TIME.match(rest):
            return "a date and time; keep only the date", found.isoformat()
        if rest.strip():
            return "not a plain date", found.isoformat()
        return "not in `YYYY-MM-DD` form", found.isoformat()
    for form in _WORDY:
        try:
            return "not in `YYYY-MM-DD` form", datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    if _MONTH_ONLY.fullmatch(text):
        return "a month without a day", None
    return "not a date", None


def rewrite(raw: str) -> str | None:
    """The `YYYY-MM-DD` form of one real date written another way, else None.

    `2026年1月23日`, `2026/1/23`, `2026-1-23`, `2026.1.23`, `20260123` and
    `Jan 23, 2026` have one reading. An ISO date, an impossible date (even one
    that would be real with day and month swapped), a month without a day and
    a date with anything after it (a time, a note) get None: rewriting those
    would be a guess or would drop what was written.
    """
    if diagnose(raw) is None:
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    match = _PARTS.fullmatch(text) or _COMPACT.fullmatch(text)
    if match is not None:
        found = _real(*(int(group) for group in match.groups()))[0]
        return found.isoformat() if found is not None else None
    for form in _WORDY:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return None
