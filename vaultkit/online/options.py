"""How an online check runs: limits, timeouts, the guard's mode, the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

# The duration parser and the command line's defaults live with the config's options, so
# that reading a config or starting `vaultkit check` does not import this package.
from vaultkit.options import (  # re-exported
    CACHE_MAX_AGE_KEY,
    DurationError,
    parse_duration,
)
from vaultkit.options import ONLINE_CONCURRENCY as DEFAULT_CONCURRENCY
from vaultkit.options import ONLINE_TIMEOUT as DEFAULT_TIMEOUT

if TYPE_CHECKING:
    import ssl

DEFAULT_PER_HOST = 8
DEFAULT_CACHE_MAX_AGE = "7d"

__all__ = [
    "CACHE_MAX_AGE_KEY", "DEFAULT_CACHE_MAX_AGE", "DEFAULT_CONCURRENCY", "DEFAULT_PER_HOST",
    "DEFAULT_TIMEOUT", "DurationError", "OnlineOptions", "parse_duration",
]  # fmt: skip


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
