"""Writing a vault graph (or its topics view) as GraphML, GEXF, JSON, DOT or Mermaid.

Each writer takes a graph following `vaultkit.graph.build` (or a view from
`vaultkit.graph.project`) and returns the file's text.

- GraphML and GEXF (for Gephi, Cytoscape, yEd, igraph): GraphML has no list
  type and GEXF's lists are time spans, so a list attribute (`topics`) is
  written as a JSON array in a string (`["00-元语/AI.md"]`); every other
  attribute keeps its type. Node ids are the graph's ids (vault paths, CJK
  intact); edge ids are the graph's unique edge keys. Nodes also get the
  title as `label` (GEXF's own label; Gephi reads a GraphML `label` too).
- JSON: networkx node-link data (`nx.node_link_data(graph, edges="edges")`),
  lists kept as lists; `nx.node_link_graph(data, edges="edges")` reads it back.
- DOT (Graphviz): every id quoted, so spaces, `[译]`, `：`, `／` and quotes are
  safe; labels are titles; shape and style by kind; the vault's attributes
  (`kind`, `path`, `date`, `author`; `kind`, `reason`, `line`, `alias`) kept as
  DOT attributes for tools such as `gvpr`. Long text (`summary`, `topics`) is
  left out.
- Mermaid (`graph LR`), to paste into a note inside a ```` ```mermaid ```` fence:
  nodes are `n0`, `n1`… labelled with the note's name (its path when the
  name is not unique), which the class `internal-link` turns into a link
  Obsidian follows; parallel edges are merged (related reasons and
  co-occurrence weights become edge labels). Mermaid refuses more than 500
  edges and 50,000 characters by default and lays out hundreds of nodes
  poorly, so `to_mermaid` keeps the `max_nodes` most connected nodes (100
  unless told) and at most `MERMAID_MAX_EDGES` edges, and says in a `%%`
  comment what it left out.
"""

from __future__ import annotations

import io
import json
import posixpath
from collections import Counter
from collections.abc import Callable

import networkx as nx

from vaultkit.escape import is_visible, visible
from vaultkit.graph.project import most_linked, rank
from vaultkit.vault import NOTE_SUFFIX

MERMAID_MAX_NODES = 100
MERMAID_MAX_EDGES = 500  # Mermaid's default `maxEdges`
MERMAID_MAX_TEXT = 50_000  # Mermaid's default `maxTextSize`


def _flat(graph: nx.Graph) -> nx.Graph:
    """A copy for XML formats: lists as JSON strings, None as "", the title as `label`."""
    flat = graph.copy()
    for node, data in flat.nodes(data=True):
        data["label"] = data.get("title") or str(node)

    def convert(data: dict) -> None:
        for name, value in data.items():
            if isinstance(value, list | tuple | set | dict):
                data[name] = json.dumps(
                    sorted(value) if isinstance(value, set) else value, ensure_ascii=False
                )
            elif value is None:
                data[name] = ""

    convert(flat.graph)
    for _, data in flat.nodes(data=True):
        convert(data)
    if flat.is_multigraph():
        for *_, data in flat.edges(keys=True, data=True):
            convert(data)
    else:
        for *_, data in flat.edges(data=True):
            convert(data)
    return flat


def to_graphml(graph: nx.Graph) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(_flat(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def to_gexf(graph: nx.Graph) -> str:
    buffer = io.BytesIO()
    nx.write_gexf(_flat(graph), buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    return buffer.getvalue().decode("utf-8")


def to_json(graph: nx.Graph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# ------------------------------------------------------------------ DOT

_DOT_NODE_STYLE = {
    "note": 'shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#5b7db1"',
    "topic": 'shape=ellipse, style=filled, fillcolor="#fff4d6", color="#c99a2e"',
    "missing": 'shape=box, style="rounded,dashed", color="#bb5555", fontcolor="#bb5555"',
    "attachment": 'shape=note, style=filled, fillcolor="#eeeeee", color="#888888"',
}
_DOT_EDGE_STYLE = {
    "topic": 'color="#c99a2e"',
    "related": 'color="#2e7d32", penwidth=1.6',
    "embed": "style=dotted",
    "markdown": "style=dashed",
}
_DOT_NODE_FIELDS = ("kind", "path", "date", "author")
_DOT_EDGE_FIELDS = ("kind", "reason", "line", "alias")


def dot_quote(text: object) -> str:
    """`text` as a quoted DOT string: `\\` and `"` escaped, line breaks as `\\n`."""
    value = str(text).replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{value}"'


def to_dot(graph: nx.Graph) -> str:
    directed = graph.is_directed()
    arrow = "->" if directed else "--"
    name = graph.graph.get("name") or "vault"
    out = [
        f"{'digraph' if directed else 'graph'} {dot_quote(name)} {{",
        "  graph [rankdir=LR, overlap=false, fontname=sans];",
        "  node [fontname=sans, fontsize=10];",
        '  edge [fontname=sans, fontsize=8, color="#999999"];',
    ]
    for node, data in graph.nodes(data=True):
        attributes = [f"label={dot_quote(data.get('title') or node)}"]
        style = _DOT_NODE_STYLE.get(str(data.get("kind")))
        if style:
            attributes.append(style)
        attributes += _dot_fields(data, _DOT_NODE_FIELDS)
        if "articles" in data:
            attributes.append(f"articles={data['articles']}")
        out.append(f"  {dot_quote(node)} [{', '.join(attributes)}];")
    for source, target, data in graph.edges(data=True):
        attributes = []
        style = _DOT_EDGE_STYLE.get(str(data.get("kind")))
        if style:
            attributes.append(style)
        if data.get("reason"):
            attributes.append(f"label={dot_quote(data['reason'])}")
        if "weight" in data:
            weight = data["weight"]
            attributes += [f"label={dot_quote(weight)}", f"weight={weight}"]
            attributes.append(f"penwidth={min(1 + weight / 2, 8):g}")
        attributes += _dot_fields(data, _DOT_EDGE_FIELDS)
        listing = f" [{', '.join(attributes)}]" if attributes else ""
        out.append(f"  {dot_quote(source)} {arrow} {dot_quote(target)}{listing};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_fields(data: dict, names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            found.append(f"{name}={dot_quote(value)}")
    return found


# ------------------------------------------------------------------ Mermaid

_MERMAID_ENTITIES = {
    "#": "#35;",  # first: the other entities start with `#`
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
}
_MERMAID_SHAPES = {
    "note": ('["', '"]'),
    "topic": ('(["', '"])'),
    "missing": ('["', '"]'),
    "attachment": ('[/"', '"/]'),
}
_MERMAID_CLASSES = {
    "topic": "fill:#fff4d6,stroke:#c99a2e",
    "missing": "stroke:#b55,stroke-dasharray:4 3,color:#b55",
    "attachment": "fill:#eeeeee,stroke:#888888",
}


def mermaid_label(text: object) -> str:
    """`text` made safe inside a quoted Mermaid label (entity codes, one line)."""
    value = " ".join(str(text).split())
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in value)


def _mermaid_names(graph: nx.Graph) -> dict:
    """Each node's label: a note's name (its path when the name is not unique)."""
    stems: Counter[str] = Counter()
    names = {}
    for node, data in graph.nodes(data=True):
        path = str(data.get("path") or "")
        if data.get("kind") in ("note", "topic") and path.endswith(NOTE_SUFFIX):
            names[node] = posixpath.basename(path)[: -len(NOTE_SUFFIX)]
            stems[names[node].casefold()] += 1
        else:
            names[node] = str(data.get("title") or node)
    for node, data in graph.nodes(data=True):
        name = names[node]
        if data.get("kind") in ("note", "topic") and stems[name.casefold()] > 1:
            names[node] = str(data["path"])[: -len(NOTE_SUFFIX)]
    return names


def to_mermaid(graph: nx.Graph, max_nodes: int | None = None) -> str:
    """A `graph LR` flowchart of the graph's most connected part (see the module docstring)."""
    limit = MERMAID_MAX_NODES if max_nodes is None else max_nodes
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    part = most_linked(graph, limit)
    order = {node: number for number, node in enumerate(rank(part))}
    merged = _merged_edges(part)
    if len(merged) > MERMAID_MAX_EDGES:
        merged.sort(key=lambda e: (-e[3], order[e[0]] + order[e[1]], order[e[0]], order[e[1]]))
        merged = merged[:MERMAID_MAX_EDGES]
    ids = {node: f"n{number}" for number, node in enumerate(part.nodes)}
    names = _mermaid_names(part)
    out = ["graph LR"]
    shown_edges = sum(e[4] for e in merged)
    shown_nodes = part.number_of_nodes()
    if shown_nodes < total_nodes or shown_edges < total_edges:
        nodes = f"the {shown_nodes:,} most linked of" if shown_nodes < total_nodes else "all"
        why = (
            f"Mermaid draws at most {MERMAID_MAX_EDGES} edges"
            if shown_edges < part.number_of_edges()
            else "raise --max-nodes to show more"
        )
        out.append(
            f"%% vaultkit: {nodes} {total_nodes:,} nodes and {shown_edges:,} of "
            f"{total_edges:,} edges shown; {why}"
        )
    for node, data in part.nodes(data=True):
        opening, closing = _MERMAID_SHAPES.get(str(data.get("kind")), ('["', '"]'))
        out.append(f"  {ids[node]}{opening}{mermaid_label(names[node])}{closing}")
    arrow = "-->" if part.is_directed() else "---"
    for source, target, label, *_ in merged:
        text = f'|"{mermaid_label(label)}"|' if label else ""
        out.append(f"  {ids[source]} {arrow}{text} {ids[target]}")
    by_kind: dict[str, list[str]] = {}
    for node, kind in part.nodes(data="kind"):
        by_kind.setdefault(str(kind), []).append(ids[node])
    for kind, style in _MERMAID_CLASSES.items():
        if kind in by_kind:
            out.append(f"  classDef {kind} {style}")
            out.append(f"  class {','.join(by_kind[kind])} {kind}")
    links = [ids[node] for node, kind in part.nodes(data="kind") if kind in ("note", "topic")]
    if links:
        out.append(f"  class {','.join(links)} internal-link")
    return "\n".join(out) + "\n"


def _merged_edges(graph: nx.Graph) -> list[tuple[object, object, str, int, int]]:
    """`(source, target, label, strength, edges)` with parallel edges merged.

    The label lists related reasons (or is the co-occurrence weight); strength
    is the weight, or the number of links, and decides which edges stay when
    there are too many.
    """
    merged: dict[tuple, list] = {}
    for source, target, data in graph.edges(data=True):
        if source == target:
            continue
        entry = merged.setdefault((source, target), [[], 0, 0])
        entry[2] += 1
        if "weight" in data:
            entry[1] += int(data["weight"])
            entry[0].append(str(data["weight"]))
            continue
        entry[1] += 1
        if data.get("reason") and data["reason"] not in entry[0]:
            entry[0].append(str(data["reason"]))
    return [(s, t, "、".join(labels), strength, count)
            for (s, t), (labels, strength, count) in merged.items()]  # fmt: skip


def fenced(mermaid: str) -> str:
    """Mermaid text inside a ```` ```mermaid ```` fence, ready for a note."""
    return f"```mermaid\n{mermaid}```\n"


FORMATS: dict[str, Callable[..., str]] = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "json": to_json,
    "dot": to_dot,
    "mermaid": to_mermaid,
}
SUFFIXES = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
    ".html": "html",
    ".htm": "html",
}


class ExportError(Exception):
    """The graph cannot be written in the format asked for."""


def format_for(filename: str) -> str | None:
    """The format a file name's extension implies (`.graphml`, `.gv`, `.md`, …), if any."""
    return SUFFIXES.get(posixpath.splitext(filename)[1].lower())


_KEEP = "\t\n\r"  # what every format carries in text


def _in_text(value: object) -> object:
    if isinstance(value, list):
        return [_in_text(item) for item in value]
    return visible(value, _KEEP) if isinstance(value, str) else value


def _carried(value: object) -> bool:
    if isinstance(value, list):
        return all(map(_carried, value))
    return not isinstance(value, str) or is_visible(value, _KEEP)


def clean(graph: nx.Graph) -> nx.Graph:
    """`graph`, or a copy whose ids and text attributes hold no character that a format
    cannot carry (controls, escapes, undecodable bytes of a name: see `vaultkit.escape`)."""

    def ok(data: dict) -> bool:
        return all(map(_carried, data.values()))

    if (
        ok(graph.graph)
        and all(is_visible(str(node)) and ok(data) for node, data in graph.nodes(data=True))
        and all(ok(data) for *_, data in graph.edges(data=True))
    ):
        return graph

    def cleaned(data: dict) -> dict:
        return {name: _in_text(value) for name, value in data.items()}

    copy = graph.__class__()
    copy.graph.update(cleaned(graph.graph))
    ids = {node: visible(node) if isinstance(node, str) else node for node in graph.nodes}
    copy.add_nodes_from((ids[node], cleaned(data)) for node, data in graph.nodes(data=True))
    if graph.is_multigraph():
        for source, target, key, data in graph.edges(keys=True, data=True):
            copy.add_edge(ids[source], ids[target], key, **cleaned(data))
    else:
        for source, target, data in graph.edges(data=True):
            copy.add_edge(ids[source], ids[target], **cleaned(data))
    return copy


def render(
    graph: nx.Graph,
    output_format: str,
    *,
    max_nodes: int | None = None,
    fence: bool = False,
    title: str = "",
) -> str:
    """`graph` in `output_format` (a key of `FORMATS`, or `html`).

    `max_nodes` keeps only the most connected nodes (Mermaid: 100 unless
    given); `fence` wraps Mermaid in a ```` ```mermaid ```` fence; `title`
    names the HTML page. Text that no format could carry is escaped first (`clean`).
    """
    graph = clean(graph)
    title = visible(title)
    if output_format == "mermaid":
        text = to_mermaid(graph, max_nodes)
        return fenced(text) if fence else text
    if max_nodes is not None:
        graph = most_linked(graph, max_nodes)
    if output_format == "html":
        try:
            from vaultkit.graph import html
        except ModuleNotFoundError as error:
            if error.name == "vaultkit.graph.html":
                raise ExportError(
                    "this vaultkit has no HTML page writer (vaultkit/graph/html.py); "
                    "choose another --format"
                ) from error
            raise ExportError(
                f"the HTML page needs the package `{error.name}`, which is not installed"
            ) from error
        return html.render(graph, title=title or str(graph.graph.get("name") or "vault"))
    if output_format not in FORMATS:
        raise ExportError(f"unknown format {output_format!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[output_format](graph)
