"""IM100 remote-image-broken and IM101 remote-image-refused: notes whose images point at a
real local HTTP server, checked in-process and through the real CLI (`--online`)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, run_cli, where
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from vaultkit.cli import main
from vaultkit.linter import check_paths
from vaultkit.online import OnlineOptions

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500)
HOTLINK_PAGE = "<html><p>此图片来自微信公众平台</p><p>未经允许不可引用</p></html>".encode()
BODY_LINE = ARTICLE_BODY_LINE  # the line of `正文第一段。` in ARTICLE
ONLINE = OnlineOptions(allow_private=True, timeout=2.0, backoff=0.01)


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
    server.expect_request("/ok.png").respond_with_data(PNG, content_type="image/png")
    server.expect_request("/gone.png").respond_with_data("missing", status=404)
    yield server
    server.clear()


def article(*body: str) -> str:
    return ARTICLE.replace("正文第一段。", "\n".join(body))


def requested(server) -> list[str]:
    return [request.path for request, _ in server.log]


# ---------------------------------------------------------------- IM100


def test_broken_image_is_reported_at_every_occurrence(make_vault, web):
    gone = web.url_for("/gone.png")
    root = make_vault(
        {
            "01-博客/a/一.md": article(f"![图一]({gone})", "", f"前文说明：![图二]({gone})"),
            "01-博客/a/二.md": article("文字", "", f"![]({gone})"),
        }
    )

    found = check(root, select=["IM"], online=ONLINE)

    assert where(found, "IM100") == [
        ("01-博客/a/一.md", BODY_LINE, 1, "IM100"),
        ("01-博客/a/一.md", BODY_LINE + 2, 6, "IM100"),  # after 5 CJK characters
        ("01-博客/a/二.md", BODY_LINE + 2, 1, "IM100"),
    ]
    first = found[0]
    assert (first.end.line, first.end.column) == (BODY_LINE, 1 + len(f"![图一]({gone})"))
    assert first.message.startswith("remote image is broken: HTTP 404; ")
    assert requested(web) == ["/gone.png"]  # one request for three images


def test_clean_images_and_no_online_flag_give_nothing(make_vault, web):
    root = make_vault({"01-博客/a/x.md": article(f"![图]({web.url_for('/ok.png')})")})

    assert where(check(root, select=["IM"], online=ONLINE)) == []
    web.clear_log()
    assert where(check(root, select=["IM"])) == []  # without --online: no rule, no request
    assert requested(web) == []


def test_crlf_note_positions(make_vault, web):
    gone = web.url_for("/gone.png")
    text = article("引言", f"见图：![示意]({gone})").replace("\n", "\r\n")
    root = make_vault({"01-博客/a/crlf.md": text})

    found = check(root, select=["IM100"], online=ONLINE)

    assert where(found) == [("01-博客/a/crlf.md", BODY_LINE + 1, 4, "IM100")]
    assert found[0].end.column == 4 + len(f"![示意]({gone})")


def test_each_reason_reaches_the_message(make_vault, web):
    web.expect_request("/hot").respond_with_data(HOTLINK_PAGE, status=403, content_type="text/html")
    web.expect_request("/page.png").respond_with_data("<html/>", content_type="text/html")
    web.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    lines = [f"![{name}]({web.url_for(path)})" for name, path in
             [("a", "/hot"), ("b", "/page.png"), ("c", "/loop")]]  # fmt: skip
    root = make_vault({"01-博客/a/x.md": article(*lines)})

    found = check(root, select=["IM100"], online=ONLINE)

    messages = [d.message for d in found]
    assert messages[0].startswith("remote image is broken: WeChat hot-link placeholder (HTTP 403)")
    assert "the host refuses hot-linking; download it into the vault" in messages[0]
    assert messages[1].startswith("remote image is broken: answers text/html, not an image; ")
    assert messages[2].startswith("remote image is broken: redirect loop via ")


def test_only_remote_image_embeds_are_checked(make_vault, web):
    gone = web.url_for("/gone.png")
    root = make_vault(
        {
            "01-博客/a/x.md": article(
                f"[a link, not an image]({gone})",
                "![[local.png]]",
                "![local](attachments/local.png)",
                "```",
                f"![in code]({gone})",
                "```",
                f"`![in a span]({gone})`",
                f"%% ![in a comment]({gone}) %%",
                "![by reference][ref]",
                "",
                f"[ref]: {gone}",
            )
        }
    )

    found = check(root, select=["IM1"], online=ONLINE)

    assert where(found) == [("01-博客/a/x.md", BODY_LINE + 8, 1, "IM100")]  # the reference
    assert requested(web) == ["/gone.png"]


def test_no_request_when_no_online_rule_runs(make_vault, web):
    gone = web.url_for("/gone.png")
    root = make_vault(
        {
            "01-博客/a/x.md": article(f"![]({gone})"),
            "drafts/y.md": article(f"![]({web.url_for('/ok.png')})"),
            "vaultkit.toml": '[per-file-ignores]\n"drafts/**" = ["IM"]\n',
        }
    )

    assert where(check(root, select=["FM001"], online=ONLINE)) == []
    assert requested(web) == []
    assert where(check(root, select=["IM"], online=ONLINE)) == [
        ("01-博客/a/x.md", BODY_LINE, 1, "IM100")
    ]
    assert requested(web) == ["/gone.png"]  # drafts/ ignores IM: its image was not fetched


def test_only_the_reported_notes_images_are_fetched(make_vault, web):
    root = make_vault(
        {
            "01-博客/a/x.md": article(f"![]({web.url_for('/gone.png')})"),
            "01-博客/a/y.md": article(f"![]({web.url_for('/ok.png')})"),
        }
    )

    found = check(root / "01-博客/a/y.md", select=["IM"], online=ONLINE)

    assert found == []
    assert requested(web) == ["/ok.png"]


# ---------------------------------------------------------------- IM101


def test_private_address_is_refused_and_reported(make_vault, web):
    url = web.url_for("/ok.png")
    root = make_vault(
        {
            "01-博客/a/x.md": article(
                f"截图：![截图]({url})", f"![]({url.replace('127.0.0.1', 'localhost')})"
            )
        }
    )

    found = check(root, select=["IM"], online=OnlineOptions())

    assert where(found) == [
        ("01-博客/a/x.md", BODY_LINE, 4, "IM101"),
        ("01-博客/a/x.md", BODY_LINE + 1, 1, "IM101"),
    ]
    assert found[0].severity.value == "warning"
    assert found[0].message.startswith(
        "image URL points at a non-public address (127.0.0.1 is a loopback address), so it was "
        "not fetched"
    )
    assert "`localhost` resolves to " in found[1].message
    assert requested(web) == []


# ---------------------------------------------------------------- cache and summary


def test_second_run_uses_the_vault_cache(make_vault, web):
    root = make_vault({"01-博客/a/x.md": article(f"![]({web.url_for('/gone.png')})")})

    first = check_paths([root], select=["IM"], online=ONLINE)
    web.clear_log()
    second = check_paths([root], select=["IM"], online=ONLINE)

    assert (first.online.checked, first.online.cached) == (1, 0)
    assert (second.online.checked, second.online.cached, second.online.broken) == (0, 1, 1)
    assert where(second.result.diagnostics) == [("01-博客/a/x.md", BODY_LINE, 1, "IM100")]
    assert requested(web) == []
    assert (root / ".vaultkit_cache" / "CACHEDIR.TAG").is_file()
    assert (root / ".vaultkit_cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    # the cache folder is no part of the vault: checking again finds the same notes
    assert second.result.files_checked == 1


def test_cache_max_age_from_config(make_vault, web):
    root = make_vault(
        {
            "01-博客/a/x.md": article(f"![]({web.url_for('/ok.png')})"),
            "vaultkit.toml": "[images]\nonline-cache-max-age = 0\n",
        }
    )

    check_paths([root], select=["IM"], online=ONLINE)
    again = check_paths([root], select=["IM"], online=ONLINE)

    assert (again.online.checked, again.online.cached) == (1, 0)
    assert requested(web) == ["/ok.png", "/ok.png"]


# ---------------------------------------------------------------- the CLI, end to end


def cli(*args) -> tuple[int, str, str]:
    """The CLI in-process (fast); the end-to-end test above runs the real one."""
    done = CliRunner().invoke(main, [str(arg) for arg in args])
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def cases(web):
    """One image URL per case the issue lists, each with its expected message start."""
    calls = []

    def limited(request: Request) -> Response:
        calls.append(request.method)
        if len(calls) == 1:
            return Response("", status=429, headers={"Retry-After": "0"})
        return Response(PNG, content_type="image/png")

    in_flight = threading.Semaphore(0)  # released by each slow answer that is done
    slow_calls = []

    def slow(request: Request) -> Response:
        slow_calls.append(1)
        time.sleep(1.0)
        in_flight.release()
        return Response(PNG, content_type="image/png")

    web.expect_request("/hot").respond_with_data(HOTLINK_PAGE, status=403, content_type="text/html")
    web.expect_request("/r1").respond_with_data("", status=302, headers={"Location": "/r2"})
    web.expect_request("/r2").respond_with_data("", status=302, headers={"Location": "/ok.png"})
    web.expect_request("/l1").respond_with_data("", status=302, headers={"Location": "/l2"})
    web.expect_request("/l2").respond_with_data("", status=302, headers={"Location": "/l1"})
    web.expect_request("/slow.png").respond_with_handler(slow)
    web.expect_request("/page.png").respond_with_data("<html/>", content_type="text/html")
    web.expect_request("/busy.png").respond_with_handler(limited)
    yield {
        "/ok.png": None,
        "/gone.png": "remote image is broken: HTTP 404; ",
        "/hot": "remote image is broken: WeChat hot-link placeholder (HTTP 403); ",
        "/r1": None,
        "/l1": "remote image is broken: redirect loop via ",
        "/slow.png": "remote image is broken: timed out after 0.5 s; ",
        "/page.png": "remote image is broken: answers text/html, not an image; ",
        "/busy.png": None,
    }
    for _ in slow_calls:  # let the slow answers end here, not in a later test's server log
        in_flight.acquire(timeout=5)
    time.sleep(0.1)


def test_cli_online_reports_every_case(make_vault, web, cases):
    lines = [f"![{n}]({web.url_for(path)})" for n, path in enumerate(cases)]
    root = make_vault({"01-博客/a/x.md": article(*lines)})
    args = ("--select", "IM", "--online", "--allow-private", "--timeout", "0.5")

    done = run_cli("check", root, *args, "--output-format", "json")

    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    got = {d["line"]: d["message"] for d in report["diagnostics"]}
    for index, (path, expected) in enumerate(cases.items()):
        line = BODY_LINE + index
        if expected is None:
            assert line not in got, (path, got.get(line))
        else:
            assert got[line].startswith(expected), (path, got[line])
    assert {d["code"] for d in report["diagnostics"]} == {"IM100"}
    # on a pipe: no progress bar, only the summary line
    stderr = done.stderr.splitlines()
    assert len(stderr) == 1, stderr
    assert stderr[0].startswith(
        "vaultkit: online: 8 image URLs: 8 checked, 5 broken, 0 refused, 0 skipped, 0 cached in "
    )

    # the second run (in-process, for speed) answers from the vault's cache; --no-cache fetches
    _, again, again_err = cli("check", root, *args, "--output-format", "concise")
    _, _, forced_err = cli("check", root, *args, "--no-cache", "--output-format", "concise")

    assert again.count("IM100") == 5
    assert "0 checked, 5 broken, 0 refused, 0 skipped, 8 cached" in again_err
    assert "8 checked, 5 broken, 0 refused, 0 skipped, 0 cached" in forced_err


def test_cli_refuses_loopback_without_allow_private(make_vault, web):
    root = make_vault({"01-博客/a/x.md": article(f"![]({web.url_for('/ok.png')})")})

    status, stdout, _ = cli("check", root, "--select", "IM", "--online", "--output-format", "json")

    assert status == 1
    report = json.loads(stdout)
    assert [(d["line"], d["column"], d["code"]) for d in report["diagnostics"]] == [
        (BODY_LINE, 1, "IM101")
    ]
    assert requested(web) == []


def test_cli_online_flags_need_online(make_vault):
    root = make_vault({"a.md": "# a\n"})

    status, _, stderr = cli("check", root, "--allow-private", "--timeout", "3")

    assert status == 2
    assert "--allow-private, --timeout: only with --online" in stderr
    # --no-cache is general (it will also skip the parse cache); alone it is no error
    assert cli("check", root, "--no-cache", "--select", "FM")[0] == 1


def test_cli_bad_cache_max_age_is_a_config_error(make_vault):
    root = make_vault(
        {"a.md": "# a\n", "vaultkit.toml": '[images]\nonline-cache-max-age = "soon"\n'}
    )

    status, _, stderr = cli("check", root)

    assert status == 2
    assert "images.online-cache-max-age" in stderr and "'soon'" in stderr


def test_plain_check_imports_no_http_or_progress_library(make_vault):
    root = make_vault({"01-博客/a/x.md": article("![](https://example.com/x.png)")})
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from vaultkit.cli import main\n"
        f"CliRunner().invoke(main, ['check', {str(root)!r}])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'httpx', 'httpcore', 'rich', "
        "'anyio'}))\n"
    )

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(make_vault, web):
    def slowish(request: Request) -> Response:
        time.sleep(0.15)
        return Response(PNG, content_type="image/png")

    web.expect_request("/slowish.png").respond_with_handler(slowish)
    root = make_vault({"01-博客/a/x.md": article(f"![]({web.url_for('/slowish.png')})")})
    leader, follower = os.openpty()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1", "TERM": "xterm", "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "check", str(root), "--online", "--allow-private"],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        shown += chunk
    process.wait(10)
    os.close(leader)

    text = shown.decode("utf-8", "replace")
    assert "checking images" in text
    assert "online: 1 image URL: 1 checked" in text


def test_the_pre_commit_hook_stays_offline():
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(
        encoding="utf-8"
    )
    entries = [line for line in hooks.splitlines() if line.strip().startswith(("entry:", "args:"))]

    assert len(entries) >= 2 and all("vaultkit check" in e for e in entries if "entry:" in e)
    assert not [entry for entry in entries if "online" in entry]
    assert "--online" not in hooks
