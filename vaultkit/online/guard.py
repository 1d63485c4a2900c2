"""The SSRF guard: never let a note make vaultkit fetch from a private address.

A vault is untrusted input (notes are pasted from the web and written by agents);
`vaultkit check --online` fetches every image URL in it. Without a guard a note
could make it probe the user's router, a cloud metadata endpoint
(`http://169.254.169.254/`) or a service on `localhost`.

`Guard.addresses(host, port)` resolves a host (`getaddrinfo`, in a thread) and
returns its addresses when every one of them is public; otherwise it raises
`Refused`, naming the address and what it is (loopback, private, link-local,
multicast, reserved, unspecified or otherwise not globally routable), for IPv4
and IPv6 alike. An IPv6 address that embeds an IPv4 one (IPv4-mapped
`::ffff:127.0.0.1`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo) is judged by
the IPv4 address too. A host with one private address among public ones is
refused as a whole: that mix is what DNS-rebinding attacks serve. Literal IPs
in URLs are judged without DNS. With `allow_private` every address passes (for
an intranet vault, and for tests against a local server).

Resolutions are kept for the run, and `pinned(host)` hands the checked
addresses to the connection layer (`transport.PinnedBackend`), which connects
to exactly those addresses and never resolves the name again: a DNS answer
that changes between check and connect (DNS rebinding) cannot redirect the
connection. A host that was never checked has no pin, and connecting to it
fails (fail closed).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list]  # socket.getaddrinfo's signature

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """A host the guard will not let vaultkit connect to; `str()` says why."""

    def __init__(self, host: str, address: str, what: str, message: str = "") -> None:
        self.host, self.address, self.what = host, address, what
        if not message and host == address:
            message = f"{address} is {_article(what)} {what} address"
        elif not message:
            message = f"`{host}` resolves to {address}, {_article(what)} {what} address"
        super().__init__(message)


class ResolveError(Exception):
    """The host name does not resolve."""


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def classify(address: IPAddress) -> str | None:
    """What kind of non-public address this is (`"loopback"`, `"private"`, …); None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            what = classify(inner)
            if what is not None:
                return f"{what} (embedded {inner})"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-global", not address.is_global),
    )
    for what, hit in checks:
        if hit:
            return what
    return None


def literal(host: str) -> IPAddress | None:
    """The address when `host` is an IP literal (`127.0.0.1`, `::1`, `[::1]`), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


class Guard:
    """Resolves and judges hosts for one run; see the module docstring."""

    def __init__(self, allow_private: bool = False, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self._resolver = resolver or socket.getaddrinfo
        self._pending: dict[str, asyncio.Task] = {}
        self._pins: dict[str, tuple[str, ...]] = {}

    def judge(self, host: str, addresses: list[IPAddress]) -> tuple[str, ...]:
        """The addresses as strings, or `Refused` when one is not public."""
        if not self.allow_private:
            for address in addresses:
                what = classify(address)
                if what is not None:
                    raise Refused(host, str(address), what)
        return tuple(dict.fromkeys(str(address) for address in addresses))

    async def addresses(self, host: str, port: int) -> tuple[str, ...]:
        """The checked addresses of `host`; raises `Refused` or `ResolveError`.

        One lookup per host and run, shared by concurrent callers; it runs as its
        own task, so a caller that times out does not cancel it for the others.
        The result is pinned for the connection layer.
        """
        key = _key(host)
        task = self._pending.get(key)
        if task is None:
            task = asyncio.ensure_future(self._lookup(key, port))
            task.add_done_callback(_retrieve)
            self._pending[key] = task
        return await asyncio.shield(task)

    async def _lookup(self, host: str, port: int) -> tuple[str, ...]:
        found = await self._resolve(host, port)
        self._pins[host] = found
        return found

    async def _resolve(self, host: str, port: int) -> tuple[str, ...]:
        address = literal(host)
        if address is not None:
            return self.judge(host, [address])
        try:
            infos = await asyncio.to_thread(self._resolver, host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise ResolveError(f"cannot resolve host `{host}`: {_gai_reason(error)}") from None
        found: list[IPAddress] = []
        for family, *_rest, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            parsed = literal(str(sockaddr[0]))
            if parsed is not None:
                found.append(parsed)
        if not found:
            raise ResolveError(f"cannot resolve host `{host}`: no IPv4 or IPv6 address")
        return self.judge(host, found)

    def pinned(self, host: str) -> tuple[str, ...]:
        """The addresses checked for `host`; raises `Refused` when it was never checked."""
        found = self._pins.get(_key(host))
        if found is None:
            raise Refused(host, host, "", f"`{host}` was not checked by the guard; not connecting")
        return found


def _key(host: str) -> str:
    return host.lower().rstrip(".") or host


def _retrieve(task: asyncio.Task) -> None:
    """Mark a lookup's exception as seen (each caller re-raises it)."""
    if not task.cancelled():
        task.exception()


def _gai_reason(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return error.strerror or str(error)
    return str(error)
