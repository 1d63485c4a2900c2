"""An httpx transport that connects only to addresses the SSRF guard checked.

`GuardedTransport` asks the guard about every request's host before sending it
(so each redirect hop, which `fetch.py` follows by hand, is checked too) and
sends it through an httpcore connection pool whose network backend,
`PinnedBackend`, connects to the guard's pinned addresses instead of resolving
the host name again. The URL keeps its host name, so the `Host` header, TLS SNI
and certificate verification are those of the name, while the TCP connection
goes to the address that was checked: DNS rebinding between check and connect
is impossible. Proxies from the environment are not used (`trust_env` off):
a proxy would resolve names itself.

Limits: the pin lasts one run (one lookup per host); an HTTPS connection is
reused only for its own host name (pools are keyed by host, not address).
"""

from __future__ import annotations

import functools
import ssl
import typing

import httpcore
import httpx

from vaultkit.online.guard import Guard

_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
)


def _mapped(error: Exception, request: httpx.Request) -> Exception:
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(str(error) or type(error).__name__, request=request)
    return error


@functools.cache
def _ssl_context(verify: bool) -> ssl.SSLContext:
    """One context per process: loading the CA bundle takes a tenth of a second."""
    return httpx.create_ssl_context(verify=verify, trust_env=False)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the guard's pinned addresses for a host, never to a fresh lookup."""

    def __init__(self, guard: Guard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.guard = guard
        self.inner = inner or httpcore.AnyIOBackend()
        self.connected: list[tuple[str, str, int]] = []  # (host, address, port), for tests

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = self.guard.pinned(host)  # raises Refused for an unchecked host
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
                continue
            self.connected.append((host, address, port))
            return stream
        assert last is not None  # a pin is never empty
        raise last

    async def connect_unix_socket(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are never used for image checks")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _Stream(httpx.AsyncByteStream):
    def __init__(self, inner: typing.AsyncIterable[bytes], request: httpx.Request) -> None:
        self._inner, self._request = inner, request

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        try:
            async for part in self._inner:
                yield part
        except Exception as error:
            raise _mapped(error, self._request) from error

    async def aclose(self) -> None:
        if hasattr(self._inner, "aclose"):
            await self._inner.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """See the module docstring."""

    def __init__(
        self,
        guard: Guard,
        *,
        verify: ssl.SSLContext | bool = True,
        max_connections: int = 64,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self.guard = guard
        self.backend = PinnedBackend(guard)
        context = verify if isinstance(verify, ssl.SSLContext) else _ssl_context(verify)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=keepalive_expiry,
            network_backend=self.backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        await self.guard.addresses(url.raw_host.decode("ascii"), port)  # Refused, ResolveError
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as error:
            raise _mapped(error, request) from error
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream, request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
