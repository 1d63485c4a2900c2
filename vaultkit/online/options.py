"""How an online check runs: limits, timeouts, the guard's mode, the cache."""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from vaultkit.options import ConfigError

DEFAULT_CONCURRENCY = 32
DEFAULT_PER_HOST = 8
DEFAULT_TIMEOUT = 10.0
DEFAULT_CACHE_MAX_AGE = "7d"
CACHE_MAX_AGE_KEY = "images.online-cache-max-age"

_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class OnlineOptions:
    allow_private: bool = False  # let the guard pass private/loopback addresses
    use_cache: bool = True  # read earlier results (`--no-cache`: False; results are still saved)
    concurrency: int = DEFAULT_CONCURRENCY  # requests in flight at once
    per_host: int = DEFAULT_PER_HOST  # requests in flight to one host
    timeout: float = DEFAULT_TIMEOUT  # seconds for one request (connect, headers, first KiB)
    max_redirects: int = 10
    retries: int = 2  # extra attempts after a 429 or 5xx answer
    backoff: float = 0.5  # first wait before a retry without Retry-After; doubles each time
    max_retry_after: float = 30.0  # a longer Retry-After is cut to this
    cache_max_age: float | None = None  # seconds; None: `[images] online-cache-max-age`
    progress: bool = False  # show a progress bar (the CLI turns it on for a terminal)
    verify: ssl.SSLContext | bool = True  # TLS verification (a context: tests with their own CA)
    resolver: Callable[..., list] | None = None  # getaddrinfo stand-in, for tests

    @property
    def per_host_limit(self) -> int:
        return max(1, min(self.per_host, self.concurrency))


class DurationError(ConfigError):
    """A cache max age that is not a duration; the message names the key."""


def parse_duration(value: int | float | str, key: str = CACHE_MAX_AGE_KEY) -> float:
    """Seconds from `3600`, `"3600"`, `"90s"`, `"30m"`, `"12h"`, `"7d"` or `"2w"`."""
    if isinstance(value, bool):
        raise DurationError(f'{key}: expected seconds or a duration such as "12h", got {value!r}')
    if isinstance(value, int | float):
        if value < 0:
            raise DurationError(f"{key}: must be 0 or more, got {value!r}")
        return float(value)
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise DurationError(
            f'{key}: expected seconds or a duration such as "90s", "30m", "12h", "7d", '
            f"got {value!r}"
        )
    number, unit = match.groups()
    return float(number) * _UNITS[(unit or "s").lower()]
