"""`vaultkit graph` exports: each file read back by an independent reader and by networkx."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from conftest import REPO, run_cli

import vaultkit
from vaultkit.graph import export
from vaultkit.graph.export import dot_quote, mermaid_label, to_dot, to_mermaid

GRAPH_VAULT = REPO / "fixtures" / "graph-vault"
ARTICLE = "01-博客/甲/[译] 智能体：从零开始.md"
COMPARISON = "01-博客/乙/模型／对比.md"
QUOTED = 'missing:他说"够用"'
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"
# Ids that need quoting or escaping somewhere: spaces, brackets, full-width colon and slash,
# quotes, a backslash, a line break, DOT keywords, Mermaid syntax.
NASTY = [
    "01-博客/甲/[译] 智能体：从零开始.md", "01-博客/乙/模型／对比.md", 'missing:他说"够用"',
    "missing:a\\b", "missing:两行\n文字", "graph", "node", "end", "missing:C#; <b>&amp;</b>",
    "missing:a|b `c` {d} (e) --> f", "missing:%% 不是注释",
]  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return vaultkit.load_vault(GRAPH_VAULT).graph


@pytest.fixture(scope="module")
def nasty() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="怪名字")
    for number, node in enumerate(NASTY):
        kind = "missing" if node.startswith("missing:") else "note"
        title = node.removeprefix("missing:")
        graph.add_node(node, kind=kind, path=node, title=title, topics=[NASTY[0]])
        if number:
            graph.add_edge(NASTY[0], node, number, kind="related", reason=node, line=number,
                           alias="")  # fmt: skip
    return graph


def export_file(folder: Path, name: str, *options: str) -> Path:
    target = folder / name
    done = run_cli("graph", GRAPH_VAULT, "-o", target, *options)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"vaultkit: wrote {target}" in done.stderr
    return target


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """`exported(name, *options)`: the vault exported once per module through the CLI."""
    folder = tmp_path_factory.mktemp("exports")
    done: dict[tuple, Path] = {}

    def get(name: str, *options: str) -> Path:
        if (name, options) not in done:
            done[name, options] = export_file(folder, name, *options)
        return done[name, options]

    return get


def same_graph(read: nx.Graph, graph: nx.MultiDiGraph) -> None:
    """`read` has `graph`'s nodes (with their attributes) and edges."""
    assert set(read.nodes) == set(graph.nodes)
    assert read.number_of_edges() == graph.number_of_edges()
    for node, data in graph.nodes(data=True):
        got = read.nodes[node]
        assert json.loads(got["topics"]) == data["topics"]
        for name in ("kind", "path", "title", "folder", "date", "author", "summary"):
            assert got[name] == data[name], (node, name)
    ours = sorted((u, v, d["kind"], d["line"]) for u, v, d in graph.edges(data=True))
    theirs = sorted((u, v, d["kind"], int(d["line"])) for u, v, d in read.edges(data=True))
    assert theirs == ours


# ------------------------------------------------------------------ GraphML


def test_graphml_read_with_elementtree(exported, graph):
    root = ET.parse(exported("vault.graphml")).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    keys = {
        (key.get("for"), key.get("attr.name")): (key.get("id"), key.get("attr.type"))
        for key in root.iter(f"{GRAPHML}key")
    }
    assert keys[("node", "topics")][1] == "string"  # GraphML has no list type
    assert keys[("edge", "line")][1] in ("int", "long")
    (element,) = root.findall(f"{GRAPHML}graph")
    assert element.get("edgedefault") == "directed"
    nodes = {node.get("id"): node for node in element.iter(f"{GRAPHML}node")}
    assert set(nodes) == set(graph.nodes)
    topics_key = keys[("node", "topics")][0]
    (topics,) = [
        d.text for d in nodes[ARTICLE].iter(f"{GRAPHML}data") if d.get("key") == topics_key
    ]
    assert json.loads(topics) == ["00-元语/AI.md", "00-元语/Agent.md", "00-元语/开源 模型.md"]
    edge_ids = [edge.get("id") for edge in element.iter(f"{GRAPHML}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == graph.number_of_edges()
    sources = {edge.get("source") for edge in element.iter(f"{GRAPHML}edge")}
    assert COMPARISON in sources and sources <= set(nodes)


def test_graphml_read_with_networkx(exported, graph):
    read = nx.read_graphml(exported("vault.graphml"), force_multigraph=True)
    same_graph(read, graph)
    assert read.nodes[QUOTED]["title"] == '他说"够用"'
    assert read.nodes[ARTICLE]["label"] == "[译] 智能体：从零开始"


def test_graphml_read_with_igraph(exported, graph):
    igraph = pytest.importorskip("igraph", reason="python-igraph is not installed")
    read = igraph.Graph.Read_GraphML(str(exported("vault.graphml")))
    assert read.vcount() == graph.number_of_nodes()
    assert read.ecount() == graph.number_of_edges()
    assert read.is_directed()
    assert set(read.vs["id"]) == set(graph.nodes)
    article = read.vs.find(id=ARTICLE)
    assert article["title"] == "[译] 智能体：从零开始"
    assert article["date"] == "2024-03-08"
    related = [e for e in read.es if e["kind"] == "related" and e["reason"] == "上下游"]
    assert [read.vs[e.source]["id"] for e in related] == [COMPARISON]


@pytest.mark.parametrize("writer", [export.to_graphml, export.to_gexf])
def test_xml_formats_keep_odd_ids(tmp_path, nasty, writer):
    path = tmp_path / "odd.xml"
    path.write_text(writer(nasty), encoding="utf-8")
    reader = nx.read_graphml if writer is export.to_graphml else nx.read_gexf
    read = reader(path)
    assert set(read.nodes) == set(NASTY)
    assert json.loads(read.nodes["graph"]["topics"]) == [NASTY[0]]


# ------------------------------------------------------------------ GEXF


def test_gexf_read_with_elementtree(exported, graph):
    root = ET.parse(exported("vault.gexf")).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.2"
    (element,) = root.findall(f"{GEXF}graph")
    assert element.get("defaultedgetype") == "directed"
    titles = {
        a.get("title"): (a.get("id"), a.get("type")) for a in element.iter(f"{GEXF}attribute")
    }
    assert titles["topics"][1] == "string"
    nodes = {node.get("id"): node for node in element.iter(f"{GEXF}node")}
    assert set(nodes) == set(graph.nodes)
    assert nodes[ARTICLE].get("label") == "[译] 智能体：从零开始"
    assert nodes[QUOTED].get("label") == '他说"够用"'
    edge_ids = [edge.get("id") for edge in element.iter(f"{GEXF}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == graph.number_of_edges()


def test_gexf_read_with_networkx(exported, graph):
    read = nx.read_gexf(exported("vault.gexf"))
    same_graph(read, graph)


def test_gexf_of_the_topics_view_has_weights(exported):
    root = ET.parse(exported("topics.gexf", "--view", "topics")).getroot()
    weights = sorted(float(e.get("weight")) for e in root.iter(f"{GEXF}edge"))
    assert weights == [1, 1, 1, 1, 1, 2]
    assert root.find(f"{GEXF}graph").get("defaultedgetype") == "undirected"


# ------------------------------------------------------------------ JSON


def test_json_is_node_link_data(exported, graph):
    data = json.loads(exported("vault.json").read_text("utf-8"))
    assert set(data) >= {"directed", "multigraph", "graph", "nodes", "edges"}
    assert data["directed"] and data["multigraph"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FutureWarning about "links"
        read = nx.node_link_graph(data, edges="edges")
    assert set(read.nodes) == set(graph.nodes)
    assert read.nodes[ARTICLE] == graph.nodes[ARTICLE]  # lists stay lists
    assert sorted(read.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))


def test_json_to_standard_output():
    done = run_cli("graph", GRAPH_VAULT, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["nodes"]) == 17


# ------------------------------------------------------------------ DOT


def test_dot_quote():
    assert dot_quote('他说"够用"') == '"他说\\"够用\\""'
    assert dot_quote("a\\b") == '"a\\\\b"'
    assert dot_quote("两行\r\n文字") == '"两行\\n文字"'
    assert dot_quote("[译] 智能体：从零开始") == '"[译] 智能体：从零开始"'


def test_dot_text(graph):
    text = to_dot(graph)
    assert text.startswith('digraph "graph-vault" {\n')
    assert '  "missing:他说\\"够用\\"" [label="他说\\"够用\\""' in text
    assert (
        f'  "{COMPARISON}" -> "{ARTICLE}" [color="#2e7d32", penwidth=1.6, label="上下游", '
        'kind="related", reason="上下游", line="27", alias="智能体入门"];'
    ) in text


DOT_MISSING = "Graphviz `dot` is not installed (apt-get install graphviz)"


def _dot(*args: str, text: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["dot", *args], input=text, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


@pytest.mark.skipif(shutil.which("dot") is None, reason=DOT_MISSING)
def test_dot_renders_with_graphviz(exported):
    path = exported("vault.gv")
    done = subprocess.run(["dot", "-Tsvg", path], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "[译] 智能体：从零开始" in done.stdout
    assert "模型／对比：&quot;小&quot;模型够用吗" in done.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason=DOT_MISSING)
@pytest.mark.parametrize("view", ["notes", "topics"])
def test_dot_ids_survive_graphviz(nasty, view):
    graph = nasty if view == "notes" else nx.Graph(nx.MultiGraph(nasty), name="t")
    done = _dot("-Tjson", text=to_dot(graph))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    names = {obj["name"] for obj in json.loads(done.stdout)["objects"]}
    # In a DOT id only `\"` is an escape: `\\` stays two characters, as Graphviz documents.
    expected = {node.replace("\\", "\\\\").replace("\n", "\\n") for node in NASTY}
    assert names == expected


@pytest.mark.skipif(shutil.which("dot") is None, reason=DOT_MISSING)
def test_dot_labels_render_as_written(nasty):
    done = _dot("-Tsvg", text=to_dot(nasty))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    shown = {t.text for t in ET.fromstring(done.stdout).iter("{http://www.w3.org/2000/svg}text")}
    assert {NASTY[0], '他说"够用"', "a\\b", "两行", "文字", "%% 不是注释"} <= shown


# ------------------------------------------------------------------ Mermaid


def test_mermaid_label_escapes():
    assert mermaid_label('他说"够用"') == "他说#quot;够用#quot;"
    assert mermaid_label("C#; <b>&</b>") == "C#35;; #lt;b#gt;#amp;#lt;/b#gt;"
    assert mermaid_label("a|b `c`") == "a#124;b #96;c#96;"
    assert mermaid_label("两行\n  文字") == "两行 文字"
    assert mermaid_label("[译] 模型／对比：(一)") == "[译] 模型／对比：(一)"


def test_mermaid_of_the_vault(graph):
    lines = to_mermaid(graph).splitlines()
    assert lines[0] == "graph LR"
    assert not any(line.startswith("%%") for line in lines)  # nothing left out
    ids = {line.split("[")[0].split("(")[0].strip(): line for line in lines[1:18]}
    assert len(ids) == 17
    assert '  n7["[译] 智能体：从零开始"]' in lines  # a note's name
    assert '  n5["01-博客/乙/周报"]' in lines  # a shared name: its path
    assert '  n13["他说#quot;够用#quot;"]' in lines
    assert '  n3(["开源 模型"])' in lines  # a topic
    assert '  n16[/"图 1.png"/]' in lines  # an attachment
    assert '  n6 -->|"上下游"| n7' in lines  # a related reason
    assert lines[-1].startswith("  class n0,n1,n2,n3,n4") and lines[-1].endswith(" internal-link")


def test_mermaid_merges_parallel_edges(graph):
    text = to_mermaid(graph)
    assert text.count("  n10 --> n11\n") == 1  # two links from 链接写法 to FAQ


def test_mermaid_of_the_topics_view_has_weights(exported):
    text = exported("topics.mmd", "--view", "topics").read_text("utf-8")
    assert text.startswith('graph LR\n  n0(["AI"])\n')
    assert '  n0 ---|"2"| n2\n' in text


def test_mermaid_into_a_note_is_fenced(exported):
    text = exported("主题图.md", "--view", "topics").read_text("utf-8")
    assert text.startswith("```mermaid\ngraph LR\n") and text.endswith("```\n")


def test_mermaid_keeps_the_most_linked_nodes(graph):
    text = to_mermaid(graph, max_nodes=3)
    lines = text.splitlines()
    assert lines[1] == (
        "%% vaultkit: the 3 most linked of 17 nodes and 3 of 30 edges shown; raise --max-nodes "
        "to show more"
    )
    assert len([line for line in lines if line.startswith("  n") and '["' in line]) == 3
    done = run_cli("graph", GRAPH_VAULT, "--format", "mermaid", "--max-nodes", "2")
    assert done.returncode == 0 and done.stdout.count('["') == 2


def test_mermaid_keeps_at_most_500_edges():
    graph = nx.Graph(name="big", view="topics")
    for first in range(40):
        for second in range(first + 1, 40):
            graph.add_edge(f"t{first}", f"t{second}", kind="cooccurrence", weight=first + 1)
    for node in graph:
        graph.nodes[node].update(kind="topic", title=node, path=f"00-元语/{node}.md")
    text = to_mermaid(graph, max_nodes=1000)
    edges = [line for line in text.splitlines() if " ---" in line]
    assert len(edges) == export.MERMAID_MAX_EDGES
    assert text.splitlines()[1] == (
        "%% vaultkit: all 40 nodes and 500 of 780 edges shown; Mermaid draws at most 500 edges"
    )
    assert '  n38 ---|"39"| n39' in text  # the heaviest stay
    assert '"1"' not in text


def test_mermaid_default_limit_is_100_nodes():
    graph = nx.MultiDiGraph()
    for number in range(150):
        graph.add_node(f"n{number}.md", kind="note", path=f"n{number}.md", title=str(number))
        graph.add_edge(f"n{number}.md", "n0.md", kind="wikilink", reason="", line=1, alias="")
    text = to_mermaid(graph)
    assert "the 100 most linked of 150 nodes" in text
    assert '  n0["n0"]' in text  # the hub is kept


MERMAID_PARSER = os.environ.get("VAULTKIT_MERMAID_NODE_MODULES")
PARSE_SCRIPT = """
import { JSDOM } from "jsdom";
import fs from "node:fs";
const dom = new JSDOM("<!doctype html><body></body>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const result = await mermaid.parse(fs.readFileSync(0, "utf8"));
console.log(result.diagramType);
"""


@pytest.mark.skipif(
    not MERMAID_PARSER or shutil.which("node") is None,
    reason="set VAULTKIT_MERMAID_NODE_MODULES to a node_modules with mermaid and jsdom "
    "(npm install mermaid@11 jsdom) to parse the Mermaid output with Mermaid itself",
)
@pytest.mark.parametrize("which", ["vault", "topics", "nasty"])
def test_mermaid_parses_with_mermaid(graph, nasty, which):
    chosen = {"vault": graph, "topics": vaultkit.load_vault(GRAPH_VAULT).topics_graph}
    text = to_mermaid(chosen.get(which, nasty))
    script = Path(MERMAID_PARSER).parent / "vaultkit-parse-mermaid.mjs"
    script.write_text(PARSE_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        ["node", script], input=text, capture_output=True, text=True, timeout=120
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "flowchart-v2"


# ------------------------------------------------------------------ HTML and the command line


def test_html_calls_the_page_writer(exported, graph):
    pytest.importorskip("vaultkit.graph.html", reason="the HTML page writer is not there yet")
    text = exported("vault.html").read_text("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "graph-vault" in text


def test_html_without_its_writer_is_a_clear_error(monkeypatch, graph):
    import vaultkit.graph

    monkeypatch.setitem(sys.modules, "vaultkit.graph.html", None)  # as if html.py were absent
    monkeypatch.delattr(vaultkit.graph, "html", raising=False)
    with pytest.raises(export.ExportError, match="no HTML page writer"):
        export.render(graph, "html")


def test_format_from_the_file_name():
    assert export.format_for("a.graphml") == "graphml"
    assert export.format_for("a.GV") == "dot"
    assert export.format_for("主题图.md") == "mermaid"
    assert export.format_for("a.txt") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --format (and -o FILE), or --stats"),
        (("-o", "x.txt"), "cannot tell the format from x.txt; give --format"),
        (("--format", "json", "--stats"), "with --stats, write the graph to a file with -o"),
        (("--format", "pdf"), "'pdf' is not one of"),
    ],
)
def test_usage_errors(args, message):
    done = run_cli("graph", GRAPH_VAULT, *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_missing_vault_is_an_error(tmp_path):
    done = run_cli("graph", tmp_path / "nope", "--stats")
    assert done.returncode == 2
    assert "vaultkit: error: no such file or folder" in done.stderr


def test_export_and_stats_together(tmp_path):
    target = tmp_path / "v.dot"
    done = run_cli("graph", GRAPH_VAULT, "-o", target, "--stats", "--view", "topics")
    assert done.returncode == 0, done.stderr
    assert target.read_text("utf-8").startswith('graph "graph-vault" {')
    assert done.stdout.startswith("topic graph: 5 nodes, 6 edges\n")


def test_unwritable_output_is_an_error(tmp_path):
    done = run_cli("graph", GRAPH_VAULT, "-o", tmp_path / "no" / "such" / "x.json")
    assert done.returncode == 2
    assert "cannot write" in done.stderr
