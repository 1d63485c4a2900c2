"""The online image check against a real local HTTP server: verdicts, retries, the SSRF
guard (also against DNS rebinding), TLS with a pinned address, and the result cache.

Every test but the guard's own allows private addresses (the server is on 127.0.0.1), or
pretends one host name is public with `PretendPublic`.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from vaultkit.cachedir import FOLDER
from vaultkit.online import OnlineOptions, Outcome, check_urls, fetch
from vaultkit.online.cache import ResultCache
from vaultkit.online.guard import Guard, Refused, classify
from vaultkit.online.options import parse_duration
from vaultkit.online.transport import PinnedBackend
from vaultkit.online.verdict import Kind, Verdict
from vaultkit.options import ConfigError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000)
HOTLINK_PAGE = (
    "<html><body><p>此图片来自微信公众平台</p><p>未经允许不可引用</p></body></html>"
).encode()


@pytest.fixture(scope="module")
def server():
    httpd = HTTPServer(host="127.0.0.1", threaded=True)
    httpd.start()
    yield httpd
    httpd.clear()
    httpd.stop()


@pytest.fixture
def web(server):
    server.clear()
    yield server
    server.clear()


def run(urls, guard=None, **options) -> dict[str, Verdict]:
    settings = {"allow_private": True, "timeout": 2.0, "backoff": 0.01, **options}
    results: dict[str, Verdict] = {}
    asyncio.run(fetch.check_all(list(urls), OnlineOptions(**settings), results, guard=guard))
    return results


def one(url: str, guard=None, **options) -> Verdict:
    return run([url], guard, **options)[url]


def requests(server, path: str | None = None) -> list[tuple[str, str]]:
    return [
        (request.method, request.path)
        for request, _ in server.log
        if path is None or request.path == path
    ]


class PretendPublic(Guard):
    """A guard that takes some host names (all on 127.0.0.1 here) for public hosts."""

    def __init__(
        self, names: dict[str, list[str]], later: dict[str, list[str]] | None = None
    ) -> None:
        self.names = names
        self.later = later or {}  # what a second lookup of a name would answer
        self.lookups: list[str] = []
        super().__init__(allow_private=False, resolver=self._resolve_name)

    def _resolve_name(self, host, port, type=0, **_):
        answer = self.later.get(host) if host in self.lookups else None
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in answer or self.names[host]
        ]

    def judge(self, host, addresses):
        if host in self.names:
            return tuple(str(address) for address in addresses)
        return super().judge(host, addresses)


# ---------------------------------------------------------------- verdicts


def test_an_image_is_ok_with_one_head_request(web):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")

    verdict = one(web.url_for("/a.png"))

    assert (verdict.outcome, verdict.kind, verdict.status) == (Outcome.OK, Kind.IMAGE, 200)
    assert requests(web) == [("HEAD", "/a.png")]


def test_404_is_broken_with_its_status(web):
    web.expect_request("/gone.png").respond_with_data("not here", status=404)

    verdict = one(web.url_for("/gone.png"))

    assert verdict.outcome is Outcome.BROKEN
    assert (verdict.kind, verdict.status) == (Kind.HTTP_STATUS, 404)
    assert verdict.reason == "HTTP 404"


def test_wechat_hotlink_placeholder_is_recognised_in_a_403_body(web):
    web.expect_request("/mmbiz_png/x").respond_with_data(
        HOTLINK_PAGE, status=403, content_type="text/html; charset=utf-8"
    )

    verdict = one(web.url_for("/mmbiz_png/x"))

    assert (verdict.outcome, verdict.kind) == (Outcome.BROKEN, Kind.HOTLINK)
    assert verdict.reason == "WeChat hot-link placeholder (HTTP 403)"
    # HEAD was refused (403), so a ranged GET read the body; neither sent a Referer or cookie
    assert requests(web) == [("HEAD", "/mmbiz_png/x"), ("GET", "/mmbiz_png/x")]
    get = web.log[1][0]
    assert get.headers["Range"] == "bytes=0-1023"
    assert "Referer" not in get.headers and "Cookie" not in get.headers


def test_a_plain_403_is_http_403(web):
    web.expect_request("/private.png").respond_with_data("forbidden", status=403)

    assert one(web.url_for("/private.png")).reason == "HTTP 403"


def test_redirect_chain_is_followed_to_the_image(web):
    web.expect_request("/r1").respond_with_data("", status=301, headers={"Location": "/r2"})
    web.expect_request("/r2").respond_with_data("", status=302, headers={"Location": "r3"})
    web.expect_request("/r3").respond_with_data(
        "", status=307, headers={"Location": web.url_for("/final.png")}
    )
    web.expect_request("/final.png").respond_with_data(PNG, content_type="image/png")

    verdict = one(web.url_for("/r1"))

    assert verdict.outcome is Outcome.OK
    assert verdict.final_url == web.url_for("/final.png")
    assert [path for _, path in requests(web)] == ["/r1", "/r2", "/r3", "/final.png"]


def test_redirect_to_a_missing_image_says_where_it_ended(web):
    web.expect_request("/moved").respond_with_data("", status=301, headers={"Location": "/404"})
    web.expect_request("/404").respond_with_data("", status=404)

    verdict = one(web.url_for("/moved"))

    assert verdict.reason == f"HTTP 404 (after redirects to {web.url_for('/404')})"


def test_redirect_loop_is_named_with_its_hops(web):
    web.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})

    verdict = one(web.url_for("/a"))

    assert (verdict.outcome, verdict.kind) == (Outcome.BROKEN, Kind.REDIRECT_LOOP)
    a, b = web.url_for("/a"), web.url_for("/b")
    assert verdict.reason == f"redirect loop via {a} → {b} → {a}"


def test_too_many_redirects(web):
    for n in range(6):
        web.expect_request(f"/hop{n}").respond_with_data(
            "", status=302, headers={"Location": f"/hop{n + 1}"}
        )

    verdict = one(web.url_for("/hop0"), max_redirects=3)

    assert verdict.kind is Kind.TOO_MANY_REDIRECTS
    assert verdict.reason.startswith("more than 3 redirects (")
    assert len(requests(web)) == 4


def test_redirect_to_another_scheme_is_broken(web):
    web.expect_request("/ftp").respond_with_data(
        "", status=302, headers={"Location": "ftp://example.com/x.png"}
    )

    verdict = one(web.url_for("/ftp"))

    assert verdict.kind is Kind.BAD_REDIRECT
    assert "not an http(s) URL" in verdict.reason


def test_slow_answer_times_out(web):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(PNG, content_type="image/png")

    web.expect_request("/slow.png").respond_with_handler(slow)
    started = time.monotonic()

    verdict = one(web.url_for("/slow.png"), timeout=0.25)

    assert (verdict.outcome, verdict.kind) == (Outcome.BROKEN, Kind.TIMEOUT)
    assert verdict.reason == "timed out after 0.25 s"
    assert time.monotonic() - started < 0.9


def test_html_for_an_image_url_is_not_an_image(web):
    web.expect_request("/page.png").respond_with_data(
        "<html>a page</html>", content_type="text/html; charset=utf-8"
    )

    verdict = one(web.url_for("/page.png"))

    assert (verdict.outcome, verdict.kind) == (Outcome.BROKEN, Kind.NOT_IMAGE)
    assert verdict.reason == "answers text/html, not an image"


def test_429_with_retry_after_then_200(web):
    calls = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(PNG, content_type="image/png")

    web.expect_request("/busy.png").respond_with_handler(limited)

    verdict = one(web.url_for("/busy.png"))

    assert verdict.outcome is Outcome.OK
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9  # Retry-After was honoured


def test_retry_after_is_capped(web):
    calls = []

    def limited(request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("", status=503, headers={"Retry-After": "3600"})
        return Response(PNG, content_type="image/png")

    web.expect_request("/capped.png").respond_with_handler(limited)
    started = time.monotonic()

    verdict = one(web.url_for("/capped.png"), max_retry_after=0.1)

    assert verdict.outcome is Outcome.OK
    assert time.monotonic() - started < 1.5


def test_5xx_is_retried_then_reported(web):
    web.expect_request("/down.png").respond_with_data("", status=503)

    verdict = one(web.url_for("/down.png"), retries=2)

    assert verdict.reason == "HTTP 503"
    assert verdict.transient
    assert len(requests(web)) == 3  # one try and two retries


def test_a_url_that_stays_rate_limited_is_skipped_not_broken(web):
    web.expect_request("/limit.png").respond_with_data("", status=429)

    verdict = one(web.url_for("/limit.png"), retries=1)

    assert (verdict.outcome, verdict.kind) == (Outcome.SKIPPED, Kind.RATE_LIMITED)


def test_head_refused_falls_back_to_a_ranged_get(web):
    def no_head(request: Request) -> Response:
        if request.method == "HEAD":
            return Response("", status=405)
        assert request.headers["Range"] == "bytes=0-1023"
        return Response(PNG[:1024], status=206, content_type="image/png")

    web.expect_request("/nohead.png").respond_with_handler(no_head)

    verdict = one(web.url_for("/nohead.png"))

    assert (verdict.outcome, verdict.status) == (Outcome.OK, 206)
    assert requests(web) == [("HEAD", "/nohead.png"), ("GET", "/nohead.png")]


def test_head_without_content_type_falls_back_and_image_bytes_are_sniffed(web):
    def untyped(request: Request) -> Response:
        response = Response(PNG if request.method == "GET" else b"")
        del response.headers["Content-Type"]
        if request.method == "GET":
            response.headers["Content-Type"] = "application/octet-stream"
        return response

    web.expect_request("/blob").respond_with_handler(untyped)

    verdict = one(web.url_for("/blob"))

    assert verdict.outcome is Outcome.OK
    assert verdict.reason == "image bytes as application/octet-stream"


def test_octet_stream_that_is_not_an_image_is_broken(web):
    web.expect_request("/zip").respond_with_data(b"PK\x03\x04" + bytes(100))

    verdict = one(web.url_for("/zip"))

    assert verdict.kind is Kind.NOT_IMAGE


def test_connection_refused_and_unresolvable_hosts(web):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    guard = PretendPublic({})

    verdicts = run([f"http://127.0.0.1:{port}/x.png"])
    unresolved = one("http://nowhere.test/x.png", guard=guard)

    refused = verdicts[f"http://127.0.0.1:{port}/x.png"]
    assert refused.reason == "connection failed: connection refused"
    assert refused.kind is Kind.CONNECTION
    assert unresolved.kind is Kind.CONNECTION
    assert unresolved.reason == "cannot resolve host `nowhere.test`: Name or service not known"


def test_malformed_urls_are_skipped_without_a_request(web):
    verdicts = run(["http://bad host/x.png", "https://[::1/x.png", "http:///x.png"])

    assert {v.outcome for v in verdicts.values()} == {Outcome.SKIPPED}
    assert {v.kind for v in verdicts.values()} == {Kind.INVALID_URL}


def test_a_bug_in_one_check_does_not_stop_the_others(web, monkeypatch):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    original = fetch.Checker._follow

    async def broken_for_b(self, url):
        if url.endswith("/b.png"):
            raise RuntimeError("boom")
        return await original(self, url)

    monkeypatch.setattr(fetch.Checker, "_follow", broken_for_b)

    verdicts = run([web.url_for("/a.png"), web.url_for("/b.png")])

    assert verdicts[web.url_for("/a.png")].outcome is Outcome.OK
    bug = verdicts[web.url_for("/b.png")]
    assert (bug.outcome, bug.kind) == (Outcome.SKIPPED, Kind.ERROR)
    assert "RuntimeError: boom" in bug.reason


def test_concurrency_is_bounded_in_total_and_per_host(web):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def tracked(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Response(PNG, content_type="image/png")

    web.expect_request("/many").respond_with_handler(tracked)
    urls = [web.url_for(f"/many?n={n}") for n in range(12)]

    verdicts = run(urls, concurrency=6, per_host=3)

    assert all(v.outcome is Outcome.OK for v in verdicts.values())
    assert 1 < state["max"] <= 3  # one host: its limit (3) is the smaller one


# ---------------------------------------------------------------- the SSRF guard


@pytest.mark.parametrize(
    ("address", "what"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", ("private", "reserved")),  # 240/4: Python versions differ on the name
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback (embedded 127.0.0.1)"),
        ("::ffff:10.0.0.1", "private (embedded 10.0.0.1)"),
        ("64:ff9b::a00:1", "private (embedded 10.0.0.1)"),
        ("2002:7f00:1::", "loopback (embedded 127.0.0.1)"),
    ],
)
def test_guard_classifies_non_public_addresses(address, what):
    assert classify(ipaddress.ip_address(address)) in (what if isinstance(what, tuple) else {what})


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_guard_passes_public_addresses(address):
    assert classify(ipaddress.ip_address(address)) is None


def test_loopback_urls_are_refused_without_allow_private(web):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    port = web.port
    urls = [
        web.url_for("/a.png"),  # 127.0.0.1
        f"http://localhost:{port}/a.png",
        f"http://[::1]:{port}/a.png",
        f"http://[::ffff:127.0.0.1]:{port}/a.png",
        f"http://2130706433:{port}/a.png",  # 127.0.0.1 as one number
    ]

    verdicts = run(urls, allow_private=False)

    assert {url: v.outcome for url, v in verdicts.items()} == dict.fromkeys(urls, Outcome.REFUSED)
    assert verdicts[urls[0]].reason == "127.0.0.1 is a loopback address"
    assert verdicts[urls[1]].reason.startswith("`localhost` resolves to ")
    assert web.log == []  # nothing was fetched


def test_the_same_url_is_fetched_with_allow_private(web):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")

    assert one(web.url_for("/a.png"), allow_private=True).outcome is Outcome.OK


def test_every_redirect_hop_goes_through_the_guard(web):
    target = web.url_for("/secret.png")  # 127.0.0.1: must be refused
    web.expect_request("/redirect").respond_with_data("", status=302, headers={"Location": target})
    web.expect_request("/secret.png").respond_with_data(PNG, content_type="image/png")
    guard = PretendPublic({"public.test": ["127.0.0.1"]})

    verdict = one(f"http://public.test:{web.port}/redirect", guard=guard, allow_private=False)

    assert verdict.outcome is Outcome.REFUSED
    assert verdict.reason == "127.0.0.1 is a loopback address"
    assert requests(web) == [("HEAD", "/redirect")]  # the private hop was never requested


def test_a_host_with_one_private_address_is_refused():
    guard = Guard(resolver=lambda host, port, type=0: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
    ])  # fmt: skip

    with pytest.raises(Refused, match=r"`mixed.test` resolves to 10.0.0.5, a private address"):
        asyncio.run(guard.addresses("mixed.test", 80))


def test_connection_goes_to_the_checked_address_not_a_new_lookup(web, monkeypatch):
    # DNS rebinding: the name answers a harmless address when checked and a private one
    # later. The connection must use the checked address and never resolve the name again.
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    guard = PretendPublic({"rebind.test": ["127.0.0.1"]}, later={"rebind.test": ["10.0.0.1"]})
    real_getaddrinfo = socket.getaddrinfo

    def no_second_lookup(host, *args, **kwargs):
        assert host != "rebind.test", "the HTTP stack resolved the name itself"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_second_lookup)
    url = f"http://rebind.test:{web.port}/a.png"

    verdicts = run([url, url + "?again"], guard=guard, allow_private=False)

    assert {v.outcome for v in verdicts.values()} == {Outcome.OK}
    assert guard.lookups == ["rebind.test"]  # once, for both URLs
    assert {request.headers["Host"] for request, _ in web.log} == {f"rebind.test:{web.port}"}


def test_backend_refuses_a_host_the_guard_never_checked():
    backend = PinnedBackend(Guard())

    with pytest.raises(Refused, match="was not checked by the guard"):
        asyncio.run(backend.connect_tcp("unchecked.test", 80))


# ---------------------------------------------------------------- TLS to a pinned address


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key,
         "-out", cert, "-days", "2", "-subj", "/CN=images.test",
         "-addext", "subjectAltName=DNS:images.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = HTTPServer(host="127.0.0.1", ssl_context=context, threaded=True)
    httpd.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    httpd.start()
    client = ssl.create_default_context(cafile=str(cert))
    yield httpd, client
    httpd.clear()
    httpd.stop()


def test_https_to_a_pinned_address_keeps_sni_and_certificate_checks(tls_server):
    httpd, client = tls_server
    guard = PretendPublic({"images.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})

    good = one(f"https://images.test:{httpd.port}/a.png", guard=guard, verify=client)
    wrong = one(f"https://other.test:{httpd.port}/a.png", guard=guard, verify=client)

    assert good.outcome is Outcome.OK  # the certificate for images.test was accepted
    assert (wrong.kind, wrong.reason.startswith("TLS error")) == (Kind.CONNECTION, True)


# ---------------------------------------------------------------- small parsers


def test_retry_after_parses_seconds_and_http_dates():
    now = time.time()
    later = email.utils.formatdate(now + 30, usegmt=True)
    earlier = email.utils.formatdate(now - 30, usegmt=True)

    assert fetch.retry_after("7") == 7.0
    assert 28 <= fetch.retry_after(later, now) <= 31
    assert fetch.retry_after(earlier, now) == 0.0
    assert fetch.retry_after("soon") is None
    assert fetch.retry_after(None) is None


def test_sniffing_knows_image_magic_bytes():
    assert fetch.sniff_image(PNG)
    assert fetch.sniff_image(b"\xff\xd8\xff\xe0")
    assert fetch.sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert fetch.sniff_image(b"\x00\x00\x00\x1cftypavif")
    assert fetch.sniff_image(b'  <?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">')
    assert not fetch.sniff_image(b"<html><body>")
    assert not fetch.sniff_image(b"")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(0, 0), (3600, 3600), ("90", 90), ("90s", 90), ("30m", 1800), ("12h", 43200),
     ("7d", 604800), ("2w", 1209600), ("1.5h", 5400)],
)  # fmt: skip
def test_cache_max_age_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "12 hours", "-5", -5, True, "1y"])
def test_bad_cache_max_age_names_the_key(value):
    with pytest.raises(ConfigError, match=r"images\.online-cache-max-age"):
        parse_duration(value)


# ---------------------------------------------------------------- the result cache


def test_second_run_answers_from_the_cache(web, tmp_path):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    web.expect_request("/b.png").respond_with_data("", status=404)
    urls = [web.url_for("/a.png"), web.url_for("/b.png")]
    options = OnlineOptions(allow_private=True, backoff=0.01)

    first, summary1 = check_urls(urls, options, ResultCache(tmp_path, 3600, True).load())
    web.clear_log()
    second, summary2 = check_urls(urls, options, ResultCache(tmp_path, 3600, True).load())

    assert (summary1.checked, summary1.cached, summary1.broken) == (2, 0, 1)
    assert (summary2.checked, summary2.cached, summary2.broken) == (0, 2, 1)
    assert web.log == []
    assert all(v.cached for v in second.values())
    assert {u: v.reason for u, v in second.items()} == {u: v.reason for u, v in first.items()}
    folder = tmp_path / FOLDER
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_no_cache_checks_again_and_refreshes_the_cache(web, tmp_path):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    urls = [web.url_for("/a.png")]
    check_urls(urls, OnlineOptions(allow_private=True), ResultCache(tmp_path, 3600, True).load())
    web.clear_log()

    _, summary = check_urls(
        urls,
        OnlineOptions(allow_private=True, use_cache=False),
        ResultCache(tmp_path, 3600, True).load(),
    )

    assert (summary.checked, summary.cached) == (1, 0)
    assert requests(web) == [("HEAD", "/a.png")]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[]", b'{"version": 99, "entries": {}}', b"\xff\xfe\x00", b'{"version": 1}'],
)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(web, tmp_path, content):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    path = tmp_path / FOLDER / "online-images.json"
    path.parent.mkdir()
    path.write_bytes(content)

    verdicts, summary = check_urls(
        [web.url_for("/a.png")],
        OnlineOptions(allow_private=True),
        ResultCache(tmp_path, 60, True).load(),
    )

    assert [v.outcome for v in verdicts.values()] == [Outcome.OK]
    assert summary.checked == 1
    assert any("rebuilt" in note for note in summary.notes)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data["entries"]) == [f"private|{web.url_for('/a.png')}"]


def test_malformed_records_are_dropped_and_others_kept(tmp_path):
    good = Verdict("https://x.test/a.png", Outcome.OK, Kind.IMAGE, "image/png", 200, None, 100.0)
    path = tmp_path / FOLDER / "online-images.json"
    path.parent.mkdir()
    entries = {
        good.url: good.to_dict(),
        "https://x.test/b.png": {"outcome": "exploded"},
        "https://x.test/c.png": "nonsense",
    }
    path.write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")

    cache = ResultCache(tmp_path, 3600).load()

    assert list(cache.entries) == [good.url]
    assert cache.get(good.url, now=200.0).cached
    assert cache.get(good.url, now=100.0 + 3600) is None  # too old


def test_cache_ages_transient_failures_faster_and_keeps_modes_apart(tmp_path):
    cache = ResultCache(tmp_path, 7 * 86400)
    timeout = Verdict("https://x.test/t.png", Outcome.BROKEN, Kind.TIMEOUT, "timed out", None,
                      None, 1000.0)  # fmt: skip
    gone = Verdict("https://x.test/g.png", Outcome.BROKEN, Kind.HTTP_STATUS, "HTTP 404", 404,
                   None, 1000.0)  # fmt: skip
    refused = Verdict("https://x.test/r.png", Outcome.REFUSED, Kind.REFUSED, "loopback")
    for verdict in (timeout, gone, refused):
        cache.put(verdict)

    assert cache.get(timeout.url, now=1000.0 + 1800) is not None
    assert cache.get(timeout.url, now=1000.0 + 7200) is None  # an hour at most
    assert cache.get(gone.url, now=1000.0 + 86400) is not None
    assert cache.get(refused.url) is None  # never stored
    assert ResultCache(tmp_path, 7 * 86400, allow_private=True).get(gone.url) is None


def test_unwritable_cache_folder_is_a_warning_not_a_failure(web, tmp_path):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    (tmp_path / FOLDER).write_text("a file where the folder should be", encoding="utf-8")

    verdicts, summary = check_urls(
        [web.url_for("/a.png")], OnlineOptions(allow_private=True), ResultCache(tmp_path, 60).load()
    )

    assert [v.outcome for v in verdicts.values()] == [Outcome.OK]
    assert any("cannot write the result cache" in note for note in summary.notes)


def test_cache_is_not_written_through_a_symbolic_link(web, tmp_path):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    vault = tmp_path / "vault"
    vault.mkdir()
    try:
        (vault / FOLDER).symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symbolic links here")

    _, summary = check_urls(
        [web.url_for("/a.png")], OnlineOptions(allow_private=True), ResultCache(vault, 60).load()
    )

    assert list(elsewhere.iterdir()) == []
    assert any("symbolic link" in note for note in summary.notes)


def test_cache_file_stays_put_when_the_path_is_fresh(tmp_path):
    # A run without URLs to fetch writes nothing (not even the folder).
    _, summary = check_urls([], OnlineOptions(), ResultCache(tmp_path, 60).load())

    assert summary.urls == 0
    assert not (tmp_path / FOLDER).exists()


def test_when_no_server_answers_failures_are_not_cached(web, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    dead = [f"http://127.0.0.1:{port}/{n}.png" for n in range(3)]
    options = OnlineOptions(allow_private=True)

    _, offline = check_urls(dead, options, ResultCache(tmp_path, 3600, True).load())
    _, online = check_urls(
        [*dead, web.url_for("/a.png")], options, ResultCache(tmp_path, 3600, True).load()
    )

    assert offline.notes == [
        "no server answered (3 URLs failed to connect): is the network down? These results "
        "were not cached"
    ]
    assert (online.checked, online.cached, online.notes) == (4, 0, [])  # nothing was cached
    assert len(ResultCache(tmp_path, 3600, True).load().entries) == 4  # now they are


def test_summary_line(web, tmp_path):
    web.expect_request("/a.png").respond_with_data(PNG, content_type="image/png")
    web.expect_request("/b.png").respond_with_data("", status=404)

    _, summary = check_urls(
        [web.url_for("/a.png"), web.url_for("/b.png"), "http://bad host/x.png"],
        OnlineOptions(allow_private=True),
    )

    line = summary.line()
    assert line.startswith(
        "online: 3 image URLs: 2 checked, 1 broken, 0 refused, 1 skipped, 0 cached in "
    )
