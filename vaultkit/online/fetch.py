"""The async checker: one verdict per image URL, politely and safely.

For each URL: a `HEAD` request first; when the server refuses it (405, 403,
501) or its answer is not plainly an image (no or another `Content-Type`), a
`GET` of the first KiB (`Range: bytes=0-1023`), whose body is sniffed for image
magic bytes (a server that says `application/octet-stream`) and for WeChat's
hot-link placeholder. Redirects are followed by hand, at most
`max_redirects`, and every hop goes through the SSRF guard (see
`transport.py`); a hop seen before is a loop. A 429 or 5xx answer is retried
with exponential backoff, honouring `Retry-After` (seconds or an HTTP date, cut
to `max_retry_after`), which also pauses the whole host. At most `concurrency`
requests are in flight, `per_host` of them to one host; one request (connect,
answer, first KiB) has `timeout` seconds.

Requests carry no `Referer` and no cookies: WeChat's image host serves the real
image to a request without a referrer and its placeholder to a foreign one, so
the check sees what a reader of the published vault sees only when the
placeholder is recognised in the body: a page or image-like answer that says
"此图片来自微信公众平台" / "未经允许不可引用". The answer body is never
decompressed (`Accept-Encoding: identity`) and never read past 1 KiB.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import http.cookiejar
import os
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from vaultkit import __version__, regexes
from vaultkit.online.guard import Guard, Refused, ResolveError
from vaultkit.online.options import OnlineOptions
from vaultkit.online.transport import GuardedTransport
from vaultkit.online.verdict import Kind, Outcome, Verdict

SNIFF_BYTES = 1024
_HOST = regexes.compile(r"[A-Za-z0-9_.-]+|[0-9A-Fa-f:.]+")
HEADERS = {
    "User-Agent": f"vaultkit/{__version__} (image link check)",
    "Accept": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "Accept-Encoding": "identity",
}
HEAD_REFUSED = frozenset({403, 405, 501})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
HOTLINK_MARKERS = tuple(
    phrase.encode("utf-8") for phrase in ("此图片来自微信公众平台", "未经允许不可引用")
)
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"\x00\x00\x01\x00",  # ICO
    b"II*\x00",  # TIFF
    b"MM\x00*",
)


def sniff_image(body: bytes) -> bool:
    """Whether the first bytes of a body are an image's (PNG, JPEG, GIF, WebP, AVIF, SVG, …)."""
    if body.startswith(_MAGIC):
        return True
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return True
    if body[4:8] == b"ftyp" and body[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1"):
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def is_hotlink_placeholder(body: bytes) -> bool:
    return any(marker in body for marker in HOTLINK_MARKERS)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date); None if bad."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str  # the media type, lower case, without parameters ("" when missing)
    location: str | None
    retry_after: str | None
    body: bytes  # up to SNIFF_BYTES, for a GET


class _Failure(Exception):
    def __init__(self, kind: Kind, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _connection_reason(error: httpx.TransportError) -> str:
    """Why a connection failed, from the innermost cause that says (`connection refused`)."""
    text = str(error) or type(error).__name__
    cause: BaseException | None = error
    for _ in range(8):  # the chain: httpx -> httpcore -> anyio -> the socket's OSError
        if cause is None:
            break
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {getattr(cause, 'verify_message', None) or cause.reason or cause}"
        if isinstance(cause, OSError) and isinstance(cause.errno, int) and cause.errno > 0:
            text = os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    if "SSL" in text or "CERTIFICATE" in text.upper():
        return f"TLS error: {text}"
    return f"connection failed: {text}"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _chain(hops: list[str], limit: int = 4) -> str:
    shown = hops if len(hops) <= limit else [*hops[: limit - 1], "…", hops[-1]]
    return " → ".join(shown)


class Checker:
    """Checks URLs with one client and one guard, within the options' limits."""

    def __init__(self, options: OnlineOptions, client: httpx.AsyncClient) -> None:
        self.options = options
        self.client = client
        self.total = asyncio.Semaphore(options.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.paused: dict[str, float] = {}  # host -> loop time before which not to send

    async def check(self, url: str) -> Verdict:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, UnicodeError, ValueError) as error:
            return self._verdict(
                url, Outcome.SKIPPED, Kind.INVALID_URL, f"not a valid URL: {error}"
            )
        if parsed.scheme not in ("http", "https") or not parsed.host:
            return self._verdict(url, Outcome.SKIPPED, Kind.INVALID_URL, "not an http(s) URL")
        if not _HOST.fullmatch(parsed.raw_host.decode("ascii", "replace")):
            reason = f"not a valid host name `{parsed.host}`"
            return self._verdict(url, Outcome.SKIPPED, Kind.INVALID_URL, reason)
        try:
            return await self._follow(url)
        except Refused as error:
            return self._verdict(url, Outcome.REFUSED, Kind.REFUSED, str(error))
        except ResolveError as error:
            return self._verdict(url, Outcome.BROKEN, Kind.CONNECTION, str(error))
        except _Failure as error:
            return self._verdict(url, Outcome.BROKEN, error.kind, error.reason)
        except Exception as error:  # a bug must not stop the other checks: say so instead
            reason = f"vaultkit could not check it ({type(error).__name__}: {error}); please report"
            return self._verdict(url, Outcome.SKIPPED, Kind.ERROR, reason)

    def _verdict(
        self,
        url: str,
        outcome: Outcome,
        kind: Kind,
        reason: str,
        status: int | None = None,
        final_url: str | None = None,
    ) -> Verdict:
        return Verdict(url, outcome, kind, reason, status, final_url, time.time())

    async def _follow(self, url: str) -> Verdict:
        hops = [url]
        method = "HEAD"
        while True:
            current = hops[-1]
            answer = await self._attempts(method, current)
            if 300 <= answer.status < 400 and answer.status != 304 and answer.location:
                target = self._redirect(hops, answer.location)
                hops.append(target)
                continue
            if method == "HEAD" and (
                answer.status in HEAD_REFUSED
                or (200 <= answer.status < 300 and not answer.content_type.startswith("image/"))
            ):
                method = "GET"  # refused, or not plainly an image: look at the body
                continue
            return self._judge(url, answer, hops)

    def _redirect(self, hops: list[str], location: str) -> str:
        try:
            target = str(httpx.URL(hops[-1]).join(location))
            scheme = httpx.URL(target).scheme
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise _Failure(Kind.BAD_REDIRECT, f"redirects to an invalid URL `{location}`") from None
        if scheme not in ("http", "https"):
            raise _Failure(Kind.BAD_REDIRECT, f"redirects to `{location}`, not an http(s) URL")
        if target in hops:
            loop = [*hops[hops.index(target) :], target]
            raise _Failure(Kind.REDIRECT_LOOP, f"redirect loop via {_chain(loop)}")
        if len(hops) > self.options.max_redirects:
            raise _Failure(
                Kind.TOO_MANY_REDIRECTS,
                f"more than {self.options.max_redirects} redirects ({_chain([*hops, target])})",
            )
        return target

    def _judge(self, url: str, answer: Answer, hops: list[str]) -> Verdict:
        final = hops[-1] if len(hops) > 1 else None
        where = f" (after redirects to {final})" if final else ""
        status = answer.status

        def verdict(outcome: Outcome, kind: Kind, reason: str) -> Verdict:
            return self._verdict(url, outcome, kind, reason, status, final)

        if is_hotlink_placeholder(answer.body):
            return verdict(
                Outcome.BROKEN, Kind.HOTLINK, f"WeChat hot-link placeholder (HTTP {status}){where}"
            )
        if status == 429:
            return verdict(
                Outcome.SKIPPED, Kind.RATE_LIMITED, f"rate limited (HTTP 429){where}; try later"
            )
        if not 200 <= status < 300:
            return verdict(Outcome.BROKEN, Kind.HTTP_STATUS, f"HTTP {status}{where}")
        kind = answer.content_type
        if kind.startswith("image/"):
            return verdict(Outcome.OK, Kind.IMAGE, f"{kind}{where}")
        if kind in UNTYPED and sniff_image(answer.body):
            return verdict(Outcome.OK, Kind.IMAGE, f"image bytes as {kind or 'no type'}{where}")
        shown = kind or "no Content-Type"
        return verdict(Outcome.BROKEN, Kind.NOT_IMAGE, f"answers {shown}, not an image{where}")

    async def _attempts(self, method: str, url: str) -> Answer:
        """One request, repeated after a 429/5xx answer or a dropped connection."""
        options = self.options
        host = httpx.URL(url).host
        dropped = False
        attempt = 0
        while True:
            try:
                answer = await self._once(method, url, host)
            except (httpx.RemoteProtocolError, httpx.ReadError) as error:
                if dropped:  # once: a kept-alive connection the server had closed
                    raise _Failure(Kind.CONNECTION, _connection_reason(error)) from None
                dropped = True
                continue
            if answer.status not in RETRY_STATUSES or attempt >= options.retries:
                return answer
            delay = retry_after(answer.retry_after)
            if delay is None:
                delay = options.backoff * (2**attempt) * random.uniform(0.75, 1.25)
            delay = min(delay, options.max_retry_after)
            loop = asyncio.get_running_loop()
            self.paused[host] = max(self.paused.get(host, 0.0), loop.time() + delay)
            attempt += 1

    async def _once(self, method: str, url: str, host: str) -> Answer:
        await self._wait_for(host)
        semaphore = self.hosts.setdefault(host, asyncio.Semaphore(self.options.per_host_limit))
        timeout = self.options.timeout
        async with semaphore, self.total:
            try:
                async with asyncio.timeout(timeout):
                    return await self._send(method, url)
            except (TimeoutError, httpx.TimeoutException):
                raise _Failure(Kind.TIMEOUT, f"timed out after {_seconds(timeout)}") from None
            except (httpx.RemoteProtocolError, httpx.ReadError):
                raise
            except httpx.TransportError as error:
                raise _Failure(Kind.CONNECTION, _connection_reason(error)) from None

    async def _send(self, method: str, url: str) -> Answer:
        headers = {"Range": f"bytes=0-{SNIFF_BYTES - 1}"} if method == "GET" else None
        request = self.client.build_request(method, url, headers=headers)
        response = await self.client.send(request, stream=True)
        try:
            body = b""
            if method == "GET":
                parts: list[bytes] = []
                size = 0
                async for part in response.aiter_raw():
                    parts.append(part)
                    size += len(part)
                    if size >= SNIFF_BYTES:
                        break
                body = b"".join(parts)[:SNIFF_BYTES]
        finally:
            await response.aclose()
        return Answer(
            status=response.status_code,
            content_type=_media_type(response.headers.get("content-type")),
            location=response.headers.get("location"),
            retry_after=response.headers.get("retry-after"),
            body=body,
        )

    async def _wait_for(self, host: str) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self.paused.get(host, 0.0) - loop.time()) > 0:
            await asyncio.sleep(delay)


def _client(options: OnlineOptions, guard: Guard) -> httpx.AsyncClient:
    transport = GuardedTransport(
        guard, verify=options.verify, max_connections=max(options.concurrency, 1)
    )
    no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        transport=transport,
        headers=HEADERS,
        cookies=no_cookies,
        follow_redirects=False,
        timeout=httpx.Timeout(options.timeout),
        trust_env=False,
    )


async def check_all(
    urls: list[str],
    options: OnlineOptions,
    results: dict[str, Verdict],
    done: Callable[[Verdict], None] = lambda verdict: None,
    guard: Guard | None = None,
) -> dict[str, Verdict]:
    """Check every URL, filling `results` as verdicts come in (kept when interrupted).

    `guard` replaces the one `options` describe (tests use it to pretend a host is public).
    """
    guard = guard or Guard(options.allow_private, options.resolver)
    async with _client(options, guard) as client:
        checker = Checker(options, client)

        async def one(url: str) -> None:
            verdict = await checker.check(url)
            results[url] = verdict
            done(verdict)

        tasks = [asyncio.ensure_future(one(url)) for url in urls]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
    return results
