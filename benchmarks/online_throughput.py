"""Online image checks per second against a local HTTP server (`vaultkit check --online`).

    python benchmarks/online_throughput.py [--urls 500] [--hosts 1] [--runs 3]
                                           [--concurrency 32] [--per-host 8] [--delay 0]

Serves a PNG from a threaded HTTP/1.1 server in a separate process (so it does not share
the checker's interpreter) and checks `--urls` distinct image URLs with the default limits,
the cache off. `--hosts N` spreads the URLs over N host names that all resolve to the server
(real vaults are ~87 % one host, `mmbiz.qpic.cn`, so the per-host limit is what bounds
them); `--delay S` makes each answer take S seconds, like a remote server's round trip.
Prints each run and the median URLs/second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vaultkit.online import OnlineOptions, check_urls
from vaultkit.online.options import DEFAULT_CONCURRENCY, DEFAULT_PER_HOST

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000)


class _Image(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.0

    def _answer(self, body: bool) -> None:
        if self.delay:
            time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        if body:
            self.wfile.write(PNG)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def log_message(self, *args) -> None:
        pass


def _serve(port_out, delay: float) -> None:
    _Image.delay = delay
    ThreadingHTTPServer.request_queue_size = 256  # the default 5 drops concurrent connects
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Image)
    server.daemon_threads = True
    port_out.send(server.server_address[1])
    server.serve_forever()


def local_names(host, port, type=0, **_):
    """Every `hN.test` name is the local server."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--per-host", type=int, default=DEFAULT_PER_HOST)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=_serve, args=(send, args.delay), daemon=True)
    server.start()
    port = receive.recv()
    try:
        options = OnlineOptions(
            allow_private=True,
            use_cache=False,
            concurrency=args.concurrency,
            per_host=args.per_host,
            resolver=local_names,
        )
        rates = []
        for run in range(args.runs):
            urls = [
                f"http://h{n % args.hosts}.test:{port}/img.png?run={run}&n={n}"
                for n in range(args.urls)
            ]
            started = time.perf_counter()
            verdicts, summary = check_urls(urls, options)
            seconds = time.perf_counter() - started
            ok = sum(v.outcome.value == "ok" for v in verdicts.values())
            assert ok == args.urls, summary.line()
            rates.append(args.urls / seconds)
            print(f"run {run + 1}: {args.urls} URLs in {seconds:.2f} s = {rates[-1]:.0f} URLs/s")
    finally:
        server.terminate()
    print(
        f"median: {statistics.median(rates):.0f} URLs/s ({args.urls} URLs, {args.hosts} host(s), "
        f"concurrency {args.concurrency}, {args.per_host} per host, delay {args.delay:g} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
