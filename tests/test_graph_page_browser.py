"""The graph page in a real browser: headless Chromium driven over the DevTools protocol.

Chromium talks DevTools over a pipe (`--remote-debugging-pipe`: commands on fd 3, replies on
fd 4, each message JSON ended by a NUL byte), so the test needs nothing beyond the standard
library. It records every console error, uncaught exception and network request, waits until the
page says it is ready (`body[data-ready]`), checks what a person would see and do (the node
count, search, the details panel, colour modes, a click on the canvas) and saves a screenshot
under pytest's tmp path (printed, and attached as the `screenshot` property).

Skipped, with the reason, where no Chromium is installed (`apt-get install chromium`), except
under CI (the CI variable set), where .ci/run installs it and a missing browser is a failure;
set VAULTKIT_CHROMIUM to use another binary.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pytest

from vaultkit.graph.html import render

CHROMIUM = os.environ.get("VAULTKIT_CHROMIUM") or next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
        if (found := shutil.which(name))
    ),
    None,
)
NO_CHROMIUM = (
    "no Chromium found (apt-get install chromium, or set VAULTKIT_CHROMIUM): "
    "the graph page is not tested in a browser"
)

WIDTH, HEIGHT = 1280, 800


class Browser:
    """Headless Chromium with one page, driven over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self._log = (profile / "chromium.log").open("wb")  # Chromium's own messages, for debugging
        commands_r, self._commands_w = os.pipe()
        self._replies_r, replies_w = os.pipe()
        # Keep our ends away from fds 3 and 4, which the child's dup2 calls overwrite.
        child_in, child_out = fcntl_dup(commands_r), fcntl_dup(replies_w)
        os.close(commands_r)
        os.close(replies_w)

        def wire_pipe() -> None:  # runs in the child before exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--mute-audio",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            # Python opens files non-inheritable (PEP 446), so only the two pipe ends reach it.
            close_fds=False,
            preexec_fn=wire_pipe,
        )
        os.close(child_in)
        os.close(child_out)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.session = ""
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        attached = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    # --- the protocol ---

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._replies_r, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._replies[message["id"]] = message
                        self._lock.notify_all()
                else:
                    self._on_event(message)

    def _on_event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            self.console_errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exception = details.get("exception", {}).get("description", "")
            self.console_errors.append(f"exception: {details.get('text', '')} {exception}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"log ({entry.get('source')}): {entry.get('text')}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))
        self._events.put(message)

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            call_id = self._next_id
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._commands_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while call_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    raise TimeoutError(f"no reply to {method} within {timeout}s")
                self._lock.wait(left)
            reply = self._replies.pop(call_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    # --- what a test does ---

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def js(self, expression: str, timeout: float = 30) -> Any:
        result = self.call(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} still false after {timeout}s")
            time.sleep(0.1)

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                type=kind,
                x=x,
                y=y,
                button="none" if kind == "mouseMoved" else "left",
                clickCount=0 if kind == "mouseMoved" else 1,
            )
            time.sleep(0.05)

    def move(self, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        with contextlib.suppress(TimeoutError, RuntimeError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands_w)
        os.close(self._replies_r)
        self._log.close()


def fcntl_dup(fd: int) -> int:
    """A copy of `fd` numbered 10 or higher, inheritable by the child."""
    import fcntl

    copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.set_inheritable(copy, True)
    return copy


@pytest.fixture
def browser(tmp_path: Path):
    if CHROMIUM is None:
        if os.environ.get("CI"):  # CI installs Chromium (.ci/run): there the test must run
            pytest.fail(NO_CHROMIUM + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(NO_CHROMIUM)
    chrome = Browser(tmp_path / "chromium-profile")
    yield chrome
    chrome.close()


def shot(browser: Browser, tmp_path: Path, name: str, record_property) -> Path:
    path = browser.screenshot(tmp_path / name)
    record_property("screenshot", str(path))
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000  # a real picture, not an empty canvas
    return path


# --- graphs -----------------------------------------------------------------------------------

EVIL = '<img src=x onerror="document.body.dataset.pwned=1">'


def small_graph() -> nx.MultiDiGraph:
    """A vault-shaped graph: articles, topics, an attachment and an unresolved target."""
    g = nx.MultiDiGraph()

    def topic(name: str) -> str:
        node = f"00-元语/{name}.md"
        g.add_node(node, kind="topic", path=node, title=name, folder="00-元语")
        return node

    ai, llm, agent, tool = topic("AI"), topic("llm"), topic("Agent"), topic("工具")

    def article(path: str, title: str, topics: list[str], summary: str = "", **extra) -> str:
        folder = path.rsplit("/", 1)[0]
        g.add_node(
            path,
            kind="note",
            path=path,
            title=title,
            folder=folder,
            topics=topics,
            summary=summary,
            **extra,
        )
        for line, t in enumerate(topics, start=40):
            if t in g:  # a topic note that does not exist is listed but has no edge here
                g.add_edge(path, t, kind="topic", line=line, reason="", alias="")
        return path

    a = article(
        "01-博客/示例作者/小模型的用处.md",
        "小模型到底有什么用？",
        [ai, llm],
        "### 1) 一句话总结\n**小模型**适合端侧部署。\n\n### 2) 关键要点\n"
        "*   延迟低 [来源](https://example.com/post)\n"
        "*   坏链接 [点我](javascript:document.body.dataset.pwned=1)\n"
        f"*   {EVIL}\n",
        date="2024-12-21",
        author="示例作者",
    )
    b = article(
        "01-博客/另一位作者/智能体的兴起.md",
        "智能体的兴起",
        [agent, ai, "00-元语/不存在的主题.md"],
        "一句话：智能体在**兴起**。",
        date="2025-01-03",
        author="另一位作者",
    )
    c = article("02-资源/工具/并行开发客户端.md", "并行开发客户端", [tool, agent])
    evil = article("01-博客/示例作者/恶意标题.md", EVIL, [ai])
    g.add_node("README.md", kind="note", path="README.md", title="Vault readme", folder="")
    g.add_node("missing:不存在的笔记", kind="missing", path="", title="不存在的笔记")
    g.add_node("attachments/图.png", kind="attachment", path="attachments/图.png", title="图.png")
    g.add_edge(a, b, kind="related", reason="上下游", line=30, alias="")
    g.add_edge(a, b, kind="wikilink", reason="", line=12, alias="智能体")
    g.add_edge(b, "missing:不存在的笔记", kind="wikilink", reason="", line=9, alias="")
    g.add_edge(b, "attachments/图.png", kind="embed", reason="", line=10, alias="")
    g.add_edge(c, a, kind="markdown", reason="", line=5, alias="")
    g.add_edge(evil, c, kind="wikilink", reason="", line=7, alias="")
    return g


def big_graph(notes: int = 4_900, topics: int = 100, per_note: int = 4) -> nx.MultiDiGraph:
    """About the size of a real vault: 5,000 nodes and 20,000 edges, deterministic."""
    g = nx.MultiDiGraph()
    topic_ids = [f"00-元语/主题{t}.md" for t in range(topics)]
    for t, node in enumerate(topic_ids):
        g.add_node(node, kind="topic", path=node, title=f"主题{t}", folder="00-元语")
    folders = ["01-博客", "02-资源", "03-图书", "06-文档系统"]
    for n in range(notes):
        folder = f"{folders[n % 7 % 4]}/作者{n % 37}"
        path = f"{folder}/笔记 {n}.md"
        chosen = [topic_ids[(n * 7 + k * 13) % topics] for k in range(3)]
        g.add_node(
            path,
            kind="note",
            path=path,
            title=f"笔记 {n}",
            folder=folder,
            topics=chosen,
            date="2024-01-01",
            author=f"作者{n % 37}",
            summary=f"**要点** 第 {n} 篇。",
        )
        for t in chosen:
            g.add_edge(path, t, kind="topic", line=50)
    ids = [n for n, kind in g.nodes(data="kind") if kind == "note"]
    for i, node in enumerate(ids):
        for k in range(per_note - 3):
            g.add_edge(node, ids[(i * 31 + k * 97 + 1) % len(ids)], kind="wikilink", line=20)
    for i in range(g.number_of_edges(), 20_000):
        g.add_edge(ids[i % len(ids)], ids[(i * 17 + 5) % len(ids)], kind="related", reason="引用")
    return g


def set_search(browser: Browser, text: str) -> None:
    browser.js(
        "(() => { const box = document.getElementById('search');"
        f"box.value = {json.dumps(text)}; box.dispatchEvent(new Event('input')); }})()"
    )


def open_page(browser: Browser, tmp_path: Path, graph: nx.MultiDiGraph, name: str) -> Path:
    page = tmp_path / f"{name}.html"
    page.write_text(render(graph, title="示例知识库的图"), encoding="utf-8")
    browser.open(page.as_uri())
    browser.wait_for("document.body && document.body.dataset.ready === 'true'")
    return page


# --- tests ------------------------------------------------------------------------------------


def test_page_loads_offline_without_errors_and_counts_the_graph(browser, tmp_path, record_property):
    graph = small_graph()
    page = open_page(browser, tmp_path, graph, "small")
    browser.wait_for("document.body.dataset.settled === 'true'", timeout=60)
    time.sleep(0.6)  # the closing zoom-to-fit animation

    assert browser.js("document.getElementById('node-count').dataset.count") == str(
        graph.number_of_nodes()
    )
    assert browser.js("document.getElementById('node-count').textContent") == str(
        graph.number_of_nodes()
    )
    assert browser.js("document.getElementById('edge-count').dataset.count") == str(
        graph.number_of_edges()
    )
    assert browser.js("vaultkitGraph.graph.graphData().nodes.length") == graph.number_of_nodes()
    assert browser.js("document.title") == "示例知识库的图"
    legend = browser.js(
        "[...document.querySelectorAll('#legend-items li')].map(li => li.textContent)"
    )
    assert legend == ["note5", "topic4", "attachment1", "missing1"]
    # Offline: the only thing the page ever loaded is itself.
    assert browser.requests == [page.as_uri()]
    assert browser.js("document.body.dataset.error || ''") == ""
    assert browser.console_errors == []
    shot(browser, tmp_path, "graph-small.png", record_property)


def test_search_then_details_panel_with_summary_and_clickable_topics(
    browser, tmp_path, record_property
):
    open_page(browser, tmp_path, small_graph(), "search")
    browser.js("document.getElementById('search').focus()")
    browser.call("Input.insertText", text="小模型")  # typed as a person would (CJK via IME)
    browser.wait_for("document.querySelectorAll('#search-results li').length === 1")
    assert browser.js("document.getElementById('search-status').textContent") == "1 match"
    # A path search, case-insensitive, across several terms.
    set_search(browser, "02-资源 客户端")
    assert browser.js("document.body.dataset.matches") == "1"
    set_search(browser, "VAULT")
    assert browser.js("document.querySelector('#search-results li').dataset.id") == "README.md"
    set_search(browser, "小模型")
    browser.js("document.querySelector('#search-results li').click()")
    browser.wait_for("!document.getElementById('details').hidden")

    assert browser.js("document.getElementById('d-title').textContent") == "小模型到底有什么用？"
    facts = browser.js(
        "[...document.querySelectorAll('#d-facts dt, #d-facts dd')].map(e => e.textContent)"
    )
    assert facts[facts.index("Date") + 1] == "2024-12-21"
    assert facts[facts.index("Author") + 1] == "示例作者"
    # The summary is rendered Markdown ...
    assert browser.js("document.querySelector('#d-summary h3').textContent") == "1) 一句话总结"
    assert browser.js("document.querySelector('#d-summary strong').textContent") == "小模型"
    assert browser.js("document.querySelector('#d-summary a').href") == "https://example.com/post"
    # ... with no way to run script: no javascript: link, raw HTML shown as text.
    hrefs = browser.js("[...document.querySelectorAll('#d-summary a')].map(a => a.href)")
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    assert browser.js("document.querySelectorAll('#d-summary img').length") == 0
    assert EVIL in browser.js("document.getElementById('d-summary').textContent")
    browser.js("document.querySelector('#d-summary .unsafe-link').click()")
    assert browser.js("document.body.dataset.pwned || ''") == ""

    shot(browser, tmp_path, "graph-details.png", record_property)

    # Topics are clickable and lead to the topic's own details.
    topics = browser.js(
        "[...document.querySelectorAll('#d-topics button')].map(b => b.textContent)"
    )
    assert topics == ["AI", "llm"]
    browser.js("document.querySelector('#d-topics button[data-id=\"00-元语/llm.md\"]').click()")
    browser.wait_for("document.body.dataset.selected === '00-元语/llm.md'")
    assert browser.js("document.getElementById('d-title').textContent") == "llm"
    assert browser.js("document.getElementById('d-kind').textContent") == "topic"
    assert browser.js("document.getElementById('d-in-count').textContent") == "(1)"
    assert browser.console_errors == []


def test_topic_that_is_not_in_the_graph_is_shown_but_not_a_button(browser, tmp_path):
    open_page(browser, tmp_path, small_graph(), "absent")
    assert browser.js("vaultkitGraph.select('01-博客/另一位作者/智能体的兴起.md')")
    absent = browser.js(
        "[...document.querySelectorAll('#d-topics .absent')].map(e => e.textContent)"
    )
    assert absent == ["00-元语/不存在的主题.md"]
    reasons = browser.js("[...document.querySelectorAll('#d-in .reason')].map(e => e.textContent)")
    assert reasons == ["上下游"]
    assert browser.console_errors == []


def test_colour_by_folder_and_hiding_a_legend_entry(browser, tmp_path, record_property):
    open_page(browser, tmp_path, small_graph(), "folders")
    browser.js("document.querySelector('input[name=colour][value=group]').click()")
    assert browser.js("document.body.dataset.colourMode") == "group"
    names = browser.js(
        "[...document.querySelectorAll('#legend-items .name')].map(e => e.textContent)"
    )
    assert names == ["00-元语", "01-博客", "(vault root)", "02-资源", "attachments", "(unresolved)"]
    visible = "vaultkitGraph.nodes.filter(n => vaultkitGraph.graph.nodeVisibility()(n)).length"
    assert browser.js(visible) == 11
    browser.js("document.querySelector('#legend-items li[data-key=\"group:00-元语\"]').click()")
    assert browser.js(visible) == 7
    browser.js("document.querySelector('#legend-items li[data-key=\"group:00-元语\"]').click()")
    assert browser.js(visible) == 11
    shot(browser, tmp_path, "graph-folders.png", record_property)
    assert browser.console_errors == []


def test_clicking_a_node_on_the_canvas_opens_it_and_tooltips_are_text(browser, tmp_path):
    open_page(browser, tmp_path, small_graph(), "click")
    browser.wait_for("document.body.dataset.settled === 'true'", timeout=60)
    time.sleep(1.6)  # the closing zoom, then force-graph's hit-test canvas (refreshed at 800 ms)
    node = "01-博客/示例作者/恶意标题.md"
    x, y = browser.js(
        f"(() => {{ const n = vaultkitGraph.nodes.find(n => n.id === {json.dumps(node)});"
        "const p = vaultkitGraph.graph.graph2ScreenCoords(n.x, n.y);"
        "const r = document.getElementById('graph').getBoundingClientRect();"
        "return [p.x + r.left, p.y + r.top]; })()"
    )
    browser.move(x, y)  # hover: force-graph shows the title as a tooltip
    time.sleep(0.3)
    browser.click(x, y)
    browser.wait_for(f"document.body.dataset.selected === {json.dumps(node)}", timeout=10)
    assert browser.js("document.getElementById('d-title').textContent") == EVIL
    assert browser.js("document.body.dataset.pwned || ''") == ""
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.console_errors == []


def test_a_link_to_the_page_with_a_node_id_opens_that_node(browser, tmp_path):
    page = tmp_path / "hash.html"
    page.write_text(render(small_graph(), title="t"), encoding="utf-8")
    node = "01-博客/另一位作者/智能体的兴起.md"
    browser.open(page.as_uri() + "#" + quote(node, safe=""))
    browser.wait_for("document.body && document.body.dataset.ready === 'true'")
    assert browser.js("document.body.dataset.selected") == node
    assert browser.js("document.getElementById('d-title').textContent") == "智能体的兴起"
    browser.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
    assert browser.js("document.getElementById('details').hidden") is True
    assert browser.js("location.hash") == ""
    assert browser.console_errors == []


def test_an_empty_graph_is_an_empty_page_not_an_error(browser, tmp_path):
    open_page(browser, tmp_path, nx.MultiDiGraph(), "empty")
    assert browser.js("document.getElementById('node-count').dataset.count") == "0"
    assert browser.js("vaultkitGraph.search('任何')") == 0
    assert browser.console_errors == []


def test_a_vault_sized_graph_loads_and_settles(browser, tmp_path, record_property):
    graph = big_graph()
    assert graph.number_of_nodes() == 5_000
    start = time.monotonic()
    open_page(browser, tmp_path, graph, "big")
    ready = time.monotonic() - start
    assert browser.js("document.getElementById('node-count').textContent") == "5,000"
    assert browser.js("document.getElementById('edge-count').dataset.count") == str(
        graph.number_of_edges()
    )
    assert ready < 30, f"the page took {ready:.1f}s to become ready"
    browser.wait_for("document.body.dataset.settled === 'true'", timeout=90)
    time.sleep(0.6)
    # Search stays quick enough on 5,000 titles.
    assert browser.js("vaultkitGraph.search('笔记 42')") >= 1
    browser.js("vaultkitGraph.search('')")
    shot(browser, tmp_path, "graph-big.png", record_property)
    assert browser.console_errors == []
