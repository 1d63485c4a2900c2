"""Every graph format is valid for any title, path, summary or reason (issue 15, item 4).

Graphs whose text holds control and escape characters, lone surrogates (the
undecodable bytes of a file name), markup, quotes and brackets are written in
each format and read back with a strict parser: lxml for GraphML and GEXF,
`json.loads` and networkx for JSON, Graphviz's own `dot` for DOT, html5lib in
strict mode for the page (and the page's graph data as JSON), and the
grammar of the lines vaultkit writes for Mermaid. Every output must also be
encodable as UTF-8, since that is how it is written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from vaultkit.graph import export

html5lib = pytest.importorskip(
    "html5lib", reason="pip install -e '.[test]' (html5lib parses the page)"
)

NASTY = [
    "a\x1b]0;title\x07b", "x\x00y", "\udcff\udcfe.md", "</script><!--", "\u202e反转",
    'quo"te\\', "line\nbreak\r", "\ufffe\uffff", "[译]：／|`#&;<>", "", " ",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


def _graph(texts: list[str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name=texts[0])
    nodes = []
    for number, text in enumerate(texts):
        node = f"{number}/{text}.md"
        nodes.append(node)
        graph.add_node(
            node, kind="note" if number % 2 else "topic", path=node, title=text,
            summary=text, topics=[text], date="", author=text,
        )  # fmt: skip
    for number, node in enumerate(nodes[1:], 1):
        graph.add_edge(nodes[0], node, number, kind="related", reason=texts[number],
                       line=number, alias=texts[number])  # fmt: skip
    return graph


def _strict_xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"), etree.XMLParser(recover=False))


_MERMAID_LINE = re.compile(
    r"graph LR|%% vaultkit: [^\n]*"
    r'|  n\d+(?:\["|\(\["|\[/")[^"\n]*(?:"\]|"\]\)|"/\])'
    r'|  n\d+ -->(?:\|"[^"\n|]*"\|)? n\d+'
    r"|  classDef [\w-]+ [\w:#,.\- ]+|  class [n\d,]+ [\w-]+"
)


def check_all_formats(graph: nx.MultiDiGraph) -> None:
    count = graph.number_of_nodes()
    for output_format in ("graphml", "gexf", "json", "dot", "mermaid", "html"):
        text = export.render(graph, output_format)
        text.encode("utf-8")  # written as UTF-8: no lone surrogate may remain
        if output_format in ("graphml", "gexf"):
            root = _strict_xml(text)
            assert len(root.findall(".//{*}node")) == count
        elif output_format == "json":
            data = json.loads(text)
            assert nx.node_link_graph(data, edges="edges").number_of_nodes() == count
        elif output_format == "mermaid":
            bad = [line for line in text.splitlines() if not _MERMAID_LINE.fullmatch(line)]
            assert bad == []
        elif output_format == "html":
            page = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
            data = page.find(".//script[@id='graph-data']")
            assert data is not None and json.loads(data.text)
        elif output_format == "dot" and shutil.which("dot"):
            done = subprocess.run(["dot", "-Tcanon"], input=text.encode(), capture_output=True)
            assert done.returncode == 0 and not done.stderr, done.stderr


def test_every_format_parses_with_the_nasty_texts():
    check_all_formats(_graph(NASTY))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_every_format_parses_for_any_text(texts):
    check_all_formats(_graph(texts))


def test_xml_text_shows_escapes_for_what_xml_cannot_carry():
    text = export.render(_graph(["a\x1bb", "\udcff.md"]), "graphml")
    assert "a\\x1bb" in text and "\\xff.md" in text


def test_a_clean_graph_is_not_copied():
    graph = _graph(["a", "b"])
    assert export.clean(graph) is graph
