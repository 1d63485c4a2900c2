"""Views of the vault graph: the topic co-occurrence graph, and the most linked part of a graph.

`topics_view(graph)` (`vaultkit graph --view topics`) is an undirected
`networkx.Graph` with one node per topic: every node of kind `topic`, and every
node an article names under `## 关联主题` (a topic that does not exist keeps
kind `missing`). Nodes keep the attributes of the vault graph and gain
`articles`, the number of articles (notes of kind `note`) that list the topic.
Two topics are linked when at least one article lists both; the edge's
`weight` is the number of such articles, its `kind` is `cooccurrence`.

`most_linked(graph, max_nodes)` keeps the `max_nodes` nodes with the most
distinct neighbours (for the topics view: the most articles) and the edges
among them, for formats that cannot show thousands of nodes.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx

COOCCURRENCE = "cooccurrence"


def topics_view(graph: nx.MultiDiGraph) -> nx.Graph:
    """The topic co-occurrence graph of a vault graph (see the module docstring)."""
    kinds = graph.nodes(data="kind")
    articles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for _, data in graph.nodes(data=True):
        if data.get("kind") != "note":
            continue
        topics = list(dict.fromkeys(data.get("topics") or ()))
        articles.update(topics)
        pairs.update(combinations(sorted(topics), 2))
    view = nx.Graph(name=graph.graph.get("name", ""), view="topics")
    wanted = [node for node, kind in kinds if kind == "topic"]
    wanted += [node for node in articles if node not in graph or kinds[node] != "topic"]
    for node in wanted:
        attributes = dict(graph.nodes[node]) if node in graph else {}
        attributes["articles"] = articles[node]
        view.add_node(node, **attributes)
    for (first, second), count in sorted(pairs.items()):
        view.add_edge(first, second, kind=COOCCURRENCE, weight=count)
    return view


def rank(graph: nx.Graph) -> list:
    """Nodes, the most connected first: by articles (topic view), distinct neighbours, id."""

    def key(node) -> tuple:
        if graph.is_directed():
            neighbours = set(graph.successors(node)) | set(graph.predecessors(node))
        else:
            neighbours = set(graph.neighbors(node))
        neighbours.discard(node)
        articles = graph.nodes[node].get("articles", 0)
        return (-articles, -len(neighbours), str(node))

    return sorted(graph.nodes, key=key)


def most_linked(graph: nx.Graph, max_nodes: int) -> nx.Graph:
    """The part of `graph` made of its `max_nodes` most connected nodes (a copy, in order)."""
    if graph.number_of_nodes() <= max_nodes:
        return graph
    kept = set(rank(graph)[:max_nodes])
    part = graph.__class__()
    part.graph.update(
        graph.graph, shown_of=graph.number_of_nodes(), edges_of=graph.number_of_edges()
    )
    part.add_nodes_from((node, data) for node, data in graph.nodes(data=True) if node in kept)
    if graph.is_multigraph():
        part.add_edges_from(
            (u, v, key, data)
            for u, v, key, data in graph.edges(keys=True, data=True)
            if u in kept and v in kept
        )
    else:
        part.add_edges_from(
            (u, v, data) for u, v, data in graph.edges(data=True) if u in kept and v in kept
        )
    return part
