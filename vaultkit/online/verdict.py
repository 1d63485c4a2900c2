"""What checking one remote image URL concluded, and why.

Standard library only: the rules read verdicts without importing httpx.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"  # answered with an image
    BROKEN = "broken"  # will not show: the reason says why (IM100)
    REFUSED = "refused"  # points at a private/loopback address; never fetched (IM101)
    SKIPPED = "skipped"  # not checked: malformed URL, rate limited, interrupted, a bug


class Kind(StrEnum):
    """The machine-readable reason behind an outcome."""

    IMAGE = "image"
    HTTP_STATUS = "http-status"
    NOT_IMAGE = "not-image"
    HOTLINK = "hotlink"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    REFUSED = "refused"
    RATE_LIMITED = "rate-limited"
    INVALID_URL = "invalid-url"
    INTERRUPTED = "interrupted"
    ERROR = "error"  # a bug in vaultkit


# Failures that may pass on their own: cached for an hour at most (see `cache.py`).
TRANSIENT = frozenset({Kind.TIMEOUT, Kind.CONNECTION})


@dataclass(frozen=True, slots=True)
class Verdict:
    url: str
    outcome: Outcome
    kind: Kind
    reason: str  # for people: "HTTP 404", "answers text/html, not an image", …
    status: int | None = None  # the last HTTP status seen
    final_url: str | None = None  # where redirects ended, when they did
    checked_at: float = 0.0  # time.time() of the check
    cached: bool = False  # read from the result cache, not fetched in this run

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT or (
            self.kind is Kind.HTTP_STATUS and self.status is not None and self.status >= 500
        )

    def as_cached(self) -> Verdict:
        return replace(self, cached=True)

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "kind": self.kind.value,
            "reason": self.reason,
            "status": self.status,
            "final_url": self.final_url,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, url: str, data: dict) -> Verdict:
        """Raises `KeyError`, `TypeError` or `ValueError` for a malformed record."""
        status, final_url, checked_at = data["status"], data["final_url"], data["checked_at"]
        if not isinstance(data["reason"], str):
            raise TypeError("reason")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
            raise TypeError("status")
        if final_url is not None and not isinstance(final_url, str):
            raise TypeError("final_url")
        if isinstance(checked_at, bool) or not isinstance(checked_at, int | float):
            raise TypeError("checked_at")
        return cls(
            url=url,
            outcome=Outcome(data["outcome"]),
            kind=Kind(data["kind"]),
            reason=data["reason"],
            status=status,
            final_url=final_url,
            checked_at=float(checked_at),
        )


def is_remote(target: str) -> bool:
    """Whether an image target is a remote URL (`http://` or `https://`, any case)."""
    return target[:8].lower().startswith(("http://", "https://"))
