"""The vault graph as one self-contained HTML page a person can explore.

`render(graph, title=...)` returns the whole page as a string: the vendored force-graph library
(`assets/force-graph.min.js`, see `assets/README.md`), the page's own CSS and JavaScript
(`assets/page.css`, `assets/page.js`) and the graph itself embedded as JSON. The page loads
nothing from the network, so it works offline and from `file://`.

The graph follows the contract of `vaultkit.graph.build` (a networkx `MultiDiGraph`): nodes keyed
by vault-relative path or `missing:<target>` with the attributes `kind`, `path`, `title`,
`folder`, `date`, `author`, `topics` (topic node ids) and `summary` (the `## 摘要` Markdown);
edges with `kind`, `reason`, `line`, `alias`. Every attribute is optional here: a node without
any still gets a label (its id).

Safety: every string from the vault reaches the browser either as JSON data (made inert inside
`<script>` by escaping `<`, `>`, `&`) that the page writes with `textContent`, or as summary HTML
rendered here with mistune with raw HTML escaped and every link or image URL checked against an
allow-list of schemes (`http`, `https`, `mailto`, or none), so `javascript:` cannot run.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from vaultkit import regexes

__all__ = ["page_data", "render", "safe_url", "summary_html"]

LIBRARY = "force-graph.min.js"
ASSETS = ("page.html", "page.css", "page.js", LIBRARY)

# Group names for nodes that have no top folder of their own.
ROOT_GROUP = "(vault root)"
MISSING_GROUP = "(unresolved)"

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = regexes.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# What a browser's URL parser drops before it reads the scheme: leading and trailing C0 controls
# and spaces, and every tab and newline anywhere.
_URL_STRIP = "".join(chr(c) for c in range(0x21))
_URL_DROP = regexes.compile(r"[\t\n\r]")
_PLACEHOLDER = regexes.compile(r"\{\{(TITLE|CSS|LIBRARY|DATA|APP|SCRIPT_HASHES)\}\}")


def render(graph: Any, *, title: str) -> str:
    """The whole page for `graph` (a networkx graph following the vault-graph contract)."""
    data = page_data(graph, title=title)
    library = _inert_in_element(_asset(LIBRARY), "script")
    app = _inert_in_element(_asset("page.js"), "script")
    parts = {
        "TITLE": html.escape(title),
        "CSS": _inert_in_element(_asset("page.css"), "style"),
        "LIBRARY": library,
        "DATA": embed_json(data),
        "APP": app,
        # Only these two scripts may run: no inline handler or `javascript:` URL, even one that
        # slipped through the escaping, can execute.
        "SCRIPT_HASHES": f"{_csp_hash(library)} {_csp_hash(app)}",
    }
    # One pass, so text substituted for one placeholder is never scanned for another.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("page.html"))


def page_data(graph: Any, *, title: str) -> dict[str, Any]:
    """The JSON the page reads: nodes with their details, edges as short lists of indices.

    Edges are `[source index, target index, kind, reason, line]`, one per edge of the multigraph
    (parallel edges kept), so `len(edges)` is `graph.number_of_edges()`.
    """
    ids = list(graph.nodes)
    index = {node_id: i for i, node_id in enumerate(ids)}
    nodes = [_node_record(node_id, attrs) for node_id, attrs in graph.nodes(data=True)]
    edges = []
    for source, target, attrs in graph.edges(data=True):
        edge: list[Any] = [index[source], index[target], _text(attrs.get("kind")) or "link"]
        reason, line = _text(attrs.get("reason")), attrs.get("line")
        line = line if isinstance(line, int) and not isinstance(line, bool) else None
        if reason or line is not None:
            edge += [reason, line]
        edges.append(edge)
    return {"title": title, "nodes": nodes, "edges": edges}


def _node_record(node_id: Any, attrs: Mapping[str, Any]) -> dict[str, Any]:
    node_id = str(node_id)
    kind = _text(attrs.get("kind")) or "note"
    path = _text(attrs.get("path"))
    record: dict[str, Any] = {
        "id": node_id,
        "kind": kind,
        "title": _text(attrs.get("title")) or _label_of(node_id, path),
        "group": top_folder(path, kind),
    }
    for key in ("path", "folder", "date", "author"):
        value = path if key == "path" else _text(attrs.get(key))
        if value:
            record[key] = value
    topics = [_text(t) for t in _as_list(attrs.get("topics"))]
    if topics := [t for t in topics if t]:
        record["topics"] = topics
    summary = _text(attrs.get("summary"))
    if summary.strip():
        record["summary"] = summary_html(summary)
    return record


def top_folder(path: str, kind: str = "note") -> str:
    """The first folder of a vault-relative path: the group a node gets in "colour by folder"."""
    if kind == "missing" or not path:
        return MISSING_GROUP if kind == "missing" else ROOT_GROUP
    head, sep, _ = path.replace("\\", "/").strip("/").partition("/")
    return head if sep else ROOT_GROUP


def _label_of(node_id: str, path: str) -> str:
    name = (path or node_id.removeprefix("missing:")).rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".md") or node_id


def _text(value: Any) -> str:
    """A node or edge attribute as display text (YAML may give dates, numbers, None)."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, Iterable) else [value]


# --- embedding ------------------------------------------------------------------------------


def embed_json(data: Any) -> str:
    """JSON that is inert inside `<script type="application/json">`.

    `<`, `>` and `&` become `\\u003c`, `\\u003e`, `\\u0026` (so no `</script>` or `<!--` can
    appear), U+2028/U+2029 are escaped too; JSON.parse gives the original strings back. CJK stays
    readable.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _inert_in_element(text: str, element: str) -> str:
    """Refuse an asset that would close its own `<script>`/`<style>` element early."""
    if re.search(rf"</{element}|<!--", text, re.IGNORECASE):
        raise ValueError(f"asset text contains '</{element}' or '<!--'; it cannot be inlined")
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def _asset(name: str) -> str:
    text = resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")
    # The browser reads CR LF and CR as LF before it hashes a script for the CSP: do the same.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- summaries --------------------------------------------------------------------------------


def safe_url(url: str) -> str | None:
    """The URL a link may carry, or None when the browser would run or open something unsafe.

    The URL is first cleaned the way a browser's URL parser cleans it (so `\\tjava\\nscript:`
    is seen as `javascript:`); it is allowed when it has no scheme (a relative reference) or an
    `http`, `https` or `mailto` scheme. The cleaned URL is what the page gets.
    """
    cleaned = _URL_DROP.sub("", url.strip(_URL_STRIP))
    scheme = _SCHEME.match(cleaned)
    if scheme and scheme.group(0)[:-1].lower() not in _SAFE_SCHEMES:
        return None
    return cleaned


def summary_html(markdown: str) -> str:
    """The `## 摘要` Markdown as HTML for the details panel, with raw HTML escaped."""
    return _markdown()(markdown)


@cache
def _markdown() -> Any:
    import mistune  # a runtime dependency, imported only when a page is built

    class SummaryRenderer(mistune.HTMLRenderer):
        """mistune's HTML with raw HTML escaped, safe links only and no remote images."""

        def link(self, text: str, url: str, title: str | None = None) -> str:
            href = safe_url(url)
            if href is None:
                return f'<span class="unsafe-link">{text}</span>'
            attrs = f' title="{html.escape(title)}"' if title else ""
            return (
                f'<a href="{html.escape(href)}"{attrs} target="_blank" '
                f'rel="noopener noreferrer nofollow">{text}</a>'
            )

        def image(self, text: str, url: str, title: str | None = None) -> str:
            # An offline page should not fetch remote images when a summary is opened: show the
            # image as a link with its alt text instead.
            label = text or "image"
            return self.link(f"[{label}]", url, title)

        def wikilink(self, text: str, target: str) -> str:
            return (
                f'<span class="wikilink" title="{html.escape(target)}">{html.escape(text)}</span>'
            )

    def parse_wikilink(inline: Any, m: re.Match[str], state: Any) -> int:
        target = m.group("wl_target").strip()
        alias = (m.group("wl_alias") or "").strip()
        shown = alias or target.rsplit("/", 1)[-1]
        state.append_token({"type": "wikilink", "raw": shown, "attrs": {"target": target}})
        return m.end()

    def wikilinks(md: Any) -> None:
        md.inline.register(
            "wikilink",
            r"\[\[(?P<wl_target>[^\[\]|\n]+)(?:\|(?P<wl_alias>[^\[\]\n]*))?\]\]",
            parse_wikilink,
            before="link",
        )

    return mistune.create_markdown(
        escape=True,
        renderer=SummaryRenderer(escape=True),
        plugins=["strikethrough", "table", wikilinks],
    )
