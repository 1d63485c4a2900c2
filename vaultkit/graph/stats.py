"""`vaultkit graph --stats`: what the graph holds, as text or JSON.

For the notes view: nodes and edges counted by kind, weakly connected
components (their number, the largest sizes, isolated nodes), the hubs (the
nodes linked from the most distinct nodes; `links` counts every incoming
edge) and the orphans (notes of kind `note` that no other node links to, as
rule LK008 sees them). For the topics view: the same counts, connected
components, hubs by the number of articles, and as orphans the topics no
article lists.
"""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx

TOP_HUBS = 10
SHOWN_ORPHANS = 20
SHOWN_SIZES = 5


def collect(graph: nx.Graph, top: int = TOP_HUBS) -> dict:
    """The statistics of a vault graph or of its topics view, as plain data."""
    topics = graph.graph.get("view") == "topics"
    nodes = Counter(kind for _, kind in graph.nodes(data="kind", default=""))
    edges = Counter(kind for *_, kind in graph.edges(data="kind", default=""))
    if graph.is_directed():
        components = list(nx.weakly_connected_components(graph))
    else:
        components = list(nx.connected_components(graph))
    sizes = sorted((len(c) for c in components), reverse=True)
    isolated = sum(1 for node in graph if _neighbours(graph, node) == set())
    hubs = []
    for node in graph:
        linked_from = _sources(graph, node)
        hub = {
            "id": node,
            "title": graph.nodes[node].get("title", ""),
            "kind": graph.nodes[node].get("kind", ""),
        }
        if topics:
            hub["articles"] = graph.nodes[node].get("articles", 0)
            hub["topics_shared"] = int(graph.degree(node, weight="weight"))
        else:
            hub["in_degree"] = len(linked_from)
            hub["links"] = graph.in_degree(node)
        hubs.append(hub)
    if topics:
        hubs.sort(key=lambda h: (-h["articles"], -h["topics_shared"], h["id"]))
        orphans = sorted(n for n, count in graph.nodes(data="articles", default=0) if not count)
    else:
        hubs.sort(key=lambda h: (-h["in_degree"], -h["links"], h["id"]))
        orphans = sorted(
            node
            for node, kind in graph.nodes(data="kind")
            if kind == "note" and not _sources(graph, node)
        )
    return {
        "view": "topics" if topics else "notes",
        "nodes": {"total": graph.number_of_nodes(), **dict(sorted(nodes.items()))},
        "edges": {"total": graph.number_of_edges(), **dict(sorted(edges.items()))},
        "components": {"count": len(components), "sizes": sizes, "isolated": isolated},
        "hubs": [hub for hub in hubs[:top] if hub.get("articles", hub.get("in_degree"))],
        "orphans": orphans,
    }


def _neighbours(graph: nx.Graph, node) -> set:
    if graph.is_directed():
        found = set(graph.successors(node)) | set(graph.predecessors(node))
    else:
        found = set(graph.neighbors(node))
    found.discard(node)
    return found


def _sources(graph: nx.Graph, node) -> set:
    """The other nodes that link to `node`."""
    found = set(graph.predecessors(node)) if graph.is_directed() else set(graph.neighbors(node))
    found.discard(node)
    return found


def render(stats: dict, output_format: str = "text") -> str:
    """`stats` (from `collect`) as text for people or as JSON."""
    if output_format == "json":
        return json.dumps(stats, ensure_ascii=False, indent=2) + "\n"
    topics = stats["view"] == "topics"
    out = []
    nodes, edges, components = stats["nodes"], stats["edges"], stats["components"]
    out.append(
        f"{'topic graph' if topics else 'vault graph'}: {nodes['total']:,} nodes, "
        f"{edges['total']:,} edges"
    )
    out.append("nodes: " + _counts(nodes))
    out.append("edges: " + _counts(edges))
    sizes = components["sizes"]
    largest = f" (largest {sizes[0]:,}" if sizes else ""
    if len(sizes) > 1:
        rest = ", ".join(f"{size:,}" for size in sizes[1:SHOWN_SIZES])
        largest += f"; then {rest}{', …' if len(sizes) > SHOWN_SIZES else ''}"
    largest += ")" if sizes else ""
    which = "connected" if topics else "weakly connected"
    out.append(
        f"{which} components: {components['count']:,}{largest}; "
        f"isolated nodes: {components['isolated']:,}"
    )
    if stats["hubs"]:
        measure = "articles" if topics else "linked from"
        out.append(f"top hubs ({measure}):")
        width = max(len(f"{_measure(hub):,}") for hub in stats["hubs"])
        for hub in stats["hubs"]:
            title = f"  {hub['title']}" if hub["title"] and hub["title"] != hub["id"] else ""
            out.append(f"  {_measure(hub):>{width},}  {hub['id']} ({hub['kind']}){title}")
    orphans = stats["orphans"]
    what = "topics no article lists" if topics else "notes no other note links to"
    out.append(f"orphans ({what}): {len(orphans):,}")
    for node in orphans[:SHOWN_ORPHANS]:
        out.append(f"  {node}")
    if len(orphans) > SHOWN_ORPHANS:
        out.append(
            f"  … and {len(orphans) - SHOWN_ORPHANS:,} more (`--stats-format json` lists all)"
        )
    return "\n".join(out) + "\n"


def _counts(counts: dict) -> str:
    parts = [f"{kind or '(none)'} {count:,}" for kind, count in counts.items() if kind != "total"]
    return ", ".join(parts) or "none"


def _measure(hub: dict) -> int:
    return hub["articles"] if "articles" in hub else hub["in_degree"]
