"""The vault graph: `vaultkit.load_vault`, its nodes and edges, the topics view, `--stats`,
and a cross-check of its note→note edges with obsidiantools."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import networkx as nx
import pytest
from conftest import REPO, run_cli

import vaultkit
from vaultkit.graph import LoadedVault
from vaultkit.graph.project import most_linked, topics_view
from vaultkit.graph.stats import collect, render
from vaultkit.vault import InputError

GRAPH_VAULT = REPO / "fixtures" / "graph-vault"
ATTRIBUTES = {"kind", "path", "title", "folder", "date", "author", "topics", "summary"}
EDGE_ATTRIBUTES = {"kind", "reason", "line", "alias"}

ARTICLE = "01-博客/甲/[译] 智能体：从零开始.md"
COMPARISON = "01-博客/乙/模型／对比.md"
ORPHAN = "01-博客/丙/没人链接的笔记.md"
LINK_FORMS = "01-博客/甲/链接写法.md"
COMMENTS = "01-博客/甲/注释里的链接.md"
WEEKLY_A, WEEKLY_B = "01-博客/甲/周报.md", "01-博客/乙/周报.md"
AI, LLM, AGENT, OPEN = (f"00-元语/{n}.md" for n in ("AI", "LLM", "Agent", "开源 模型"))
FAQ, README, IMAGE = "02-资源/工具/FAQ.md", "说明.md", "附件/图 1.png"


@pytest.fixture(scope="module")
def loaded() -> LoadedVault:
    return vaultkit.load_vault(GRAPH_VAULT)


@pytest.fixture(scope="module")
def graph(loaded: LoadedVault) -> nx.MultiDiGraph:
    return loaded.graph


def edges(graph: nx.MultiDiGraph, source: str, target: str) -> list[dict]:
    return sorted(graph.get_edge_data(source, target, default={}).values(), key=lambda d: d["line"])


# ------------------------------------------------------------------ nodes


def test_every_note_is_a_node_with_its_kind(graph):
    kinds = dict(graph.nodes(data="kind"))
    assert {n for n, k in kinds.items() if k == "topic"} == {AI, LLM, AGENT, OPEN}
    assert {n for n, k in kinds.items() if k == "note"} == {
        ARTICLE, COMPARISON, ORPHAN, LINK_FORMS, COMMENTS, WEEKLY_A, WEEKLY_B, FAQ, README,
    }  # fmt: skip
    assert {n for n, k in kinds.items() if k == "attachment"} == {IMAGE}
    assert {n for n, k in kinds.items() if k == "missing"} == {
        'missing:他说"够用"', "missing:01-博客/乙/已删除的文章", "missing:00-元语/不存在的主题",
    }  # fmt: skip


def test_every_node_has_every_attribute(graph):
    for node, data in graph.nodes(data=True):
        assert set(data) == ATTRIBUTES, node
        assert isinstance(data["topics"], list)
        assert all(isinstance(data[a], str) for a in ATTRIBUTES - {"topics"})


def test_article_attributes(graph):
    data = graph.nodes[ARTICLE]
    assert data["path"] == ARTICLE
    assert data["title"] == "[译] 智能体：从零开始"
    assert data["folder"] == "01-博客"
    assert data["date"] == "2024-03-08"  # an unquoted YAML date
    assert data["author"] == "甲"
    assert data["topics"] == [AI, AGENT, OPEN]
    assert data["summary"].startswith("**1) 一句话总结**\n作者用一个记账小工具")
    assert data["summary"].endswith("日志是排查问题的唯一线索。")


def test_quoted_date_author_list_and_quotes_in_title(graph):
    data = graph.nodes[COMPARISON]
    assert data["date"] == "2024-04-01"  # a quoted string
    assert data["author"] == "乙, 丙"
    assert data["title"] == '模型／对比："小"模型够用吗'
    assert data["topics"] == [LLM, AI, "missing:00-元语/不存在的主题"]


def test_impossible_date_and_no_summary_give_empty_strings(graph):
    data = graph.nodes[ORPHAN]
    assert data["date"] == ""  # 2023-13-40
    assert data["summary"] == ""
    assert data["author"] == ""


def test_title_falls_back_to_the_file_name(make_vault):
    root = make_vault(
        {"01-博客/无标题.md": "正文，没有 frontmatter。\n", "a.md": "---\ntitle: 7\n---\n"}
    )
    graph = vaultkit.load_vault(root).graph
    assert graph.nodes["01-博客/无标题.md"]["title"] == "无标题"
    assert graph.nodes["a.md"]["title"] == "7"
    assert graph.nodes["a.md"]["folder"] == ""


def test_missing_and_attachment_nodes(graph):
    missing = graph.nodes['missing:他说"够用"']
    assert (missing["title"], missing["path"], missing["folder"]) == ('他说"够用"', "", "")
    image = graph.nodes[IMAGE]
    assert (image["title"], image["path"], image["folder"]) == ("图 1.png", IMAGE, "附件")


def test_unlinked_attachments_are_not_nodes(make_vault):
    root = make_vault({"a.md": "![[x.png]]\n", "x.png": b"\x89PNG", "y.png": b"\x89PNG"})
    graph = vaultkit.load_vault(root).graph
    assert "x.png" in graph and "y.png" not in graph


# ------------------------------------------------------------------ edges


def test_edge_kinds_lines_reasons_and_aliases(graph):
    assert edges(graph, COMPARISON, ARTICLE) == [
        {"kind": "related", "reason": "上下游", "line": 27, "alias": "智能体入门"}
    ]
    assert edges(graph, COMPARISON, WEEKLY_A) == [
        {"kind": "related", "reason": "", "line": 29, "alias": ""}  # no 关联理由 written
    ]
    assert edges(graph, COMPARISON, "missing:01-博客/乙/已删除的文章")[0]["reason"] == "引用"
    assert edges(graph, ARTICLE, IMAGE) == [
        {"kind": "embed", "reason": "", "line": 25, "alias": "400"}
    ]
    assert edges(graph, ARTICLE, FAQ) == [
        {"kind": "markdown", "reason": "", "line": 27, "alias": ""}
    ]
    assert [d["kind"] for d in edges(graph, ARTICLE, LLM)] == ["wikilink"]
    assert [(d["kind"], d["line"]) for d in edges(graph, ARTICLE, AI)] == [("topic", 35)]
    assert [d["kind"] for d in edges(graph, LINK_FORMS, OPEN)] == ["embed"]  # ![[note]]


def test_every_edge_has_the_attributes_and_a_unique_key(graph):
    keys = [key for *_, key in graph.edges(keys=True)]
    assert len(keys) == len(set(keys)) == graph.number_of_edges() == 30
    for *_, data in graph.edges(data=True):
        assert set(data) == EDGE_ATTRIBUTES
        assert isinstance(data["line"], int) and data["line"] >= 1


def test_links_in_comments_math_and_code_are_no_edges(graph):
    assert list(graph.successors(COMMENTS)) == [FAQ]


def test_self_links_urls_and_same_note_headings_are_no_edges(make_vault):
    root = make_vault({
        "a.md": "# 标题\n\n[[#标题]] [[a]] [外链](https://example.com/x.md) <https://e.com>\n",
    })  # fmt: skip
    graph = vaultkit.load_vault(root).graph
    assert graph.number_of_edges() == 0
    assert list(graph.nodes) == ["a.md"]


def test_lines_are_right_with_crlf_and_cjk(make_vault):
    text = "---\ntitle: 甲\n---\n\n## 正文\n\n中文中文 [[b]]\n\n## 关联主题\n\n- [[00-元语/AI]]\n"
    text = text.replace("\n", "\r\n")
    root = make_vault({"a.md": text, "b.md": "b\n", "00-元语/AI.md": "AI\n"})
    graph = vaultkit.load_vault(root).graph
    assert [(d["kind"], d["line"]) for d in edges(graph, "a.md", "b.md")] == [("wikilink", 7)]
    assert [(d["kind"], d["line"]) for d in edges(graph, "a.md", "00-元语/AI.md")] == [
        ("topic", 11)
    ]
    assert graph.nodes["a.md"]["topics"] == ["00-元语/AI.md"]


def test_missing_targets_share_one_node_per_file_meant(make_vault):
    root = make_vault({
        "a/b.md": "[[a/不在]] [x](不在.md) [y](<../a/不在.md#头>) [[不在.md]] [[a/不在#头]]\n",
    })  # fmt: skip
    graph = vaultkit.load_vault(root).graph
    targets = Counter(target for _, target in graph.out_edges("a/b.md"))
    assert targets == {"missing:a/不在": 4, "missing:不在": 1}


def test_link_out_of_the_vault_is_a_missing_node(make_vault):
    root = make_vault({"a/b.md": "[密码](../../etc/passwd)\n"})
    graph = vaultkit.load_vault(root).graph
    assert list(graph.successors("a/b.md")) == ["missing:../etc/passwd"]


def test_related_reason_with_ascii_separators(make_vault):
    text = "## 相关文档\n\n- [[b]];关联理由: 引用;说明: x\n- [[c]]\n\n## 关联主题\n\n- [[b]]\n"
    root = make_vault({"a.md": text, "b.md": "", "c.md": ""})
    graph = vaultkit.load_vault(root).graph
    assert [(d["kind"], d["reason"]) for d in edges(graph, "a.md", "b.md")] == [
        ("related", "引用"), ("topic", ""),
    ]  # fmt: skip
    assert [(d["kind"], d["reason"]) for d in edges(graph, "a.md", "c.md")] == [("related", "")]


def test_topic_folder_and_sections_come_from_the_config(make_vault):
    root = make_vault({
        "vaultkit.toml": '[topics]\nfolder = "主题"\nsection = "主题"\n',
        "主题/AI.md": "AI\n",
        "00-元语/AI.md": "AI\n",
        "a.md": "## 主题\n\n- [[主题/AI]]\n\n## 关联主题\n\n- [[00-元语/AI]]\n",
    })  # fmt: skip
    graph = vaultkit.load_vault(root).graph
    assert graph.nodes["主题/AI.md"]["kind"] == "topic"
    assert graph.nodes["00-元语/AI.md"]["kind"] == "note"
    assert [d["kind"] for d in edges(graph, "a.md", "主题/AI.md")] == ["topic"]
    assert [d["kind"] for d in edges(graph, "a.md", "00-元语/AI.md")] == ["wikilink"]


def test_overrides_for_part_of_the_vault_apply_per_note(make_vault):
    config = (
        '[[overrides]]\ninclude = ["02-资源/**"]\ntopics.related-section = "参见"\n'
        'frontmatter.date-fields = ["更新日期"]\n'
    )
    note = "---\n发布日期: 2024-01-02\n更新日期: 2025-03-04\n---\n\n## 参见\n\n- [[b]]\n"
    root = make_vault({"vaultkit.toml": config, "01-博客/a.md": note, "02-资源/a.md": note,
                       "b.md": ""})  # fmt: skip
    graph = vaultkit.load_vault(root).graph
    assert graph.nodes["01-博客/a.md"]["date"] == "2024-01-02"
    assert graph.nodes["02-资源/a.md"]["date"] == "2025-03-04"
    assert [d["kind"] for d in edges(graph, "01-博客/a.md", "b.md")] == ["wikilink"]
    assert [d["kind"] for d in edges(graph, "02-资源/a.md", "b.md")] == ["related"]


def test_unreadable_note_is_a_node_without_edges(make_vault):
    root = make_vault({"a.md": b"\xff\xfe\x00bad", "b.md": "[[a]]\n"})
    graph = vaultkit.load_vault(root).graph
    assert graph.nodes["a.md"]["kind"] == "note"
    assert list(graph.out_edges("a.md")) == []
    assert list(graph.in_edges("a.md")) == [("b.md", "a.md")]


# ------------------------------------------------------------------ the API


def test_load_vault_gives_index_notes_and_a_cached_graph(loaded):
    assert loaded.root == GRAPH_VAULT
    assert ARTICLE in loaded.notes and loaded.notes[ARTICLE].rel == ARTICLE
    assert loaded.index.notes is loaded.notes
    assert loaded.graph is loaded.graph
    assert loaded.view("notes") is loaded.graph
    assert loaded.view("topics") is loaded.topics_graph
    with pytest.raises(ValueError, match="unknown view"):
        loaded.view("folders")


def test_load_vault_from_a_note_finds_the_root():
    assert vaultkit.load_vault(GRAPH_VAULT / ARTICLE).root == GRAPH_VAULT


def test_load_vault_of_a_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        vaultkit.load_vault(tmp_path / "nope")


def test_vaultkit_exports_load_vault_lazily():
    assert "load_vault" in vaultkit.__all__ and "load_vault" in dir(vaultkit)
    with pytest.raises(AttributeError):
        vaultkit.no_such_thing  # noqa: B018


def _imports_networkx(code: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('networkx' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1] == "True"


def test_networkx_is_imported_only_for_the_graph():
    vault = str(GRAPH_VAULT)
    check = (
        "from vaultkit.cli import main\n"
        f"try:\n    main(['check', {vault!r}, '--exit-zero'])\nexcept SystemExit:\n    pass"
    )
    assert not _imports_networkx(check)
    assert not _imports_networkx(f"import vaultkit\nv = vaultkit.load_vault({vault!r})\nv.notes")
    assert _imports_networkx(f"import vaultkit\nvaultkit.load_vault({vault!r}).graph")


# ------------------------------------------------------------------ topics view


def test_topics_view_weights_are_shared_articles(loaded):
    view = loaded.topics_graph
    assert not view.is_directed()
    assert set(view.nodes) == {AI, LLM, AGENT, OPEN, "missing:00-元语/不存在的主题"}
    weights = {frozenset(e): w for *e, w in view.edges(data="weight")}
    assert weights == {
        frozenset({AI, LLM}): 2,  # the comparison and the orphan
        frozenset({AI, AGENT}): 1,
        frozenset({AI, OPEN}): 1,
        frozenset({AGENT, OPEN}): 1,
        frozenset({AI, "missing:00-元语/不存在的主题"}): 1,
        frozenset({LLM, "missing:00-元语/不存在的主题"}): 1,
    }
    assert dict(view.nodes(data="articles")) == {
        AI: 5, LLM: 2, AGENT: 1, OPEN: 2, "missing:00-元语/不存在的主题": 1,
    }  # fmt: skip
    assert view.nodes[AI]["title"] == "AI" and view.nodes[AI]["kind"] == "topic"
    assert {kind for *_, kind in view.edges(data="kind")} == {"cooccurrence"}


def test_topic_notes_linking_topics_are_not_articles(make_vault):
    root = make_vault({
        "00-元语/A.md": "## 关联主题\n\n- [[00-元语/B]]\n- [[00-元语/C]]\n",
        "00-元语/B.md": "", "00-元语/C.md": "",
        "x.md": "## 关联主题\n\n- [[00-元语/B]]\n- [[00-元语/B]]\n",
    })  # fmt: skip
    view = topics_view(vaultkit.load_vault(root).graph)
    assert view.number_of_edges() == 0
    assert dict(view.nodes(data="articles")) == {"00-元语/A.md": 0, "00-元语/B.md": 1,
                                                  "00-元语/C.md": 0}  # fmt: skip


def test_most_linked_keeps_the_best_connected_nodes(graph):
    part = most_linked(graph, 3)  # 8, 7 and 7 distinct neighbours; then AI with 6
    assert list(part.nodes) == [COMPARISON, ARTICLE, LINK_FORMS]  # the graph's order (乙 < 甲)
    assert sorted(part.edges(keys=True)) == sorted(
        (u, v, k) for u, v, k in graph.edges(keys=True) if {u, v} <= set(part)
    )
    assert part.graph["shown_of"] == graph.number_of_nodes()
    assert most_linked(graph, 100) is graph


# ------------------------------------------------------------------ stats


def test_stats_of_the_notes_view(graph):
    stats = collect(graph)
    assert stats["nodes"] == {"total": 17, "attachment": 1, "missing": 3, "note": 9, "topic": 4}
    assert stats["edges"] == {
        "total": 30, "embed": 2, "markdown": 2, "related": 4, "topic": 11, "wikilink": 11,
    }  # fmt: skip
    assert stats["components"] == {"count": 1, "sizes": [17], "isolated": 0}
    assert stats["hubs"][0] == {
        "id": AI, "title": "AI", "kind": "topic", "in_degree": 6, "links": 6,
    }  # fmt: skip
    assert stats["orphans"] == sorted([ORPHAN, LINK_FORMS, COMMENTS, WEEKLY_B])


def test_stats_of_the_topics_view(loaded):
    stats = collect(loaded.topics_graph)
    assert stats["view"] == "topics"
    assert stats["components"]["count"] == 1
    assert [h["id"] for h in stats["hubs"][:2]] == [AI, LLM]  # 5 articles; 2 (tie broken by weight)
    assert stats["hubs"][0]["topics_shared"] == 5  # LLM twice, Agent, 开源 模型, the missing one
    assert stats["orphans"] == []


def test_stats_count_components_and_isolated_nodes(make_vault):
    root = make_vault({"a.md": "[[b]]\n", "b.md": "", "c.md": "", "d.md": "[[e]]\n"})
    stats = collect(vaultkit.load_vault(root).graph)
    assert stats["components"] == {"count": 3, "sizes": [2, 2, 1], "isolated": 1}
    assert stats["orphans"] == ["a.md", "c.md", "d.md"]


def test_stats_text():
    stats = {
        "view": "notes",
        "nodes": {"total": 3, "note": 2, "topic": 1},
        "edges": {"total": 2, "topic": 2},
        "components": {"count": 1, "sizes": [3], "isolated": 0},
        "hubs": [
            {"id": "00-元语/AI.md", "title": "AI", "kind": "topic", "in_degree": 2, "links": 2}
        ],
        "orphans": [f"n{i}.md" for i in range(25)],
    }
    text = render(stats)
    assert text.splitlines()[:6] == [
        "vault graph: 3 nodes, 2 edges",
        "nodes: note 2, topic 1",
        "edges: topic 2",
        "weakly connected components: 1 (largest 3); isolated nodes: 0",
        "top hubs (linked from):",
        "  2  00-元语/AI.md (topic)  AI",
    ]
    assert "orphans (notes no other note links to): 25" in text
    assert text.endswith("  … and 5 more (`--stats-format json` lists all)\n")
    assert json.loads(render(stats, "json")) == stats


def test_cli_stats_text_and_json():
    done = run_cli("graph", GRAPH_VAULT, "--stats")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("vault graph: 17 nodes, 30 edges\n")
    assert f"  6  {AI} (topic)  AI" in done.stdout
    done = run_cli("graph", GRAPH_VAULT, "--stats", "--stats-format", "json", "--view", "topics")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nodes"]["total"] == 5


# ------------------------------------------------------------------ obsidiantools

# Obsidian's rules that obsidiantools (0.11) gets wrong, each with the links of
# fixtures/graph-vault that show it: (source, target, rule).
PATH = "a vault path (`[[00-元语/AI]]`, `.md` or not) reaches its file; obsidiantools keys "
PATH += "notes by their shortest name and reports the path as a nonexistent note"
PARTIAL = "a partial path (`[[工具/FAQ]]`) reaches the one file whose path ends that way"
SAME_NAME = "of notes sharing a name, `[[周报]]` reaches the one in the linking note's folder"
CASE = "names match ignoring case: `[[llm]]` reaches `LLM.md`"
BRACKETS = "a name with square brackets (`[译]`) is one target; obsidiantools stops at the `]`"
EMBED = "Obsidian's graph counts an embedded note (`![[note]]`); obsidiantools' graph does not"
MARKDOWN = (
    "Obsidian's graph counts a Markdown link to a note; obsidiantools' graph has wikilinks only"
)
COMMENT = "`%% … %%` (inline or across lines) is an Obsidian comment: its links are no links"
MATH = "`$…$` is math: a wikilink in it is no link"

MISSED_BY_OBSIDIANTOOLS = [
    (AGENT, LLM, PATH),
    (ORPHAN, AI, PATH), (ORPHAN, LLM, PATH),
    (WEEKLY_A, AI, PATH), (WEEKLY_B, AI, PATH),
    (ARTICLE, AI, PATH), (ARTICLE, AGENT, PATH), (ARTICLE, OPEN, PATH),
    (ARTICLE, COMPARISON, PATH),
    (ARTICLE, FAQ, MARKDOWN),
    (COMPARISON, AI, PATH), (COMPARISON, LLM, PATH),
    (COMPARISON, ARTICLE, BRACKETS),
    (FAQ, OPEN, PATH),
    (LINK_FORMS, AGENT, PATH),
    (LINK_FORMS, FAQ, PARTIAL),
    (LINK_FORMS, WEEKLY_A, SAME_NAME),
    (LINK_FORMS, LLM, CASE),
    (LINK_FORMS, OPEN, EMBED),
    (LINK_FORMS, README, MARKDOWN),
    (LINK_FORMS, COMPARISON, PATH),
]  # fmt: skip
FOUND_ONLY_BY_OBSIDIANTOOLS = [
    (COMMENTS, AI, COMMENT),
    (COMMENTS, README, COMMENT),
    (COMMENTS, AGENT, MATH),
]


def _note_edges(graph: nx.MultiDiGraph) -> Counter:
    notes = {n for n, kind in graph.nodes(data="kind") if kind in ("note", "topic")}
    return Counter((u, v) for u, v in graph.edges() if u in notes and v in notes and u != v)


def test_note_edges_match_obsidiantools_except_where_it_breaks_obsidians_rules(graph):
    otools = pytest.importorskip(
        "obsidiantools.api", reason="obsidiantools is not installed (pip install obsidiantools)"
    )
    theirs = otools.Vault(GRAPH_VAULT).connect().gather()
    path_of = {name: path.as_posix() for name, path in theirs.md_file_index.items()}
    found = Counter(
        (path_of[u], path_of[v]) for u, v in theirs.graph.edges() if u in path_of and v in path_of
    )
    ours = _note_edges(graph)
    assert ours - found == Counter((s, t) for s, t, _ in MISSED_BY_OBSIDIANTOOLS)
    assert found - ours == Counter((s, t) for s, t, _ in FOUND_ONLY_BY_OBSIDIANTOOLS)
    # What they agree on: bare unique names, headings, aliases and the exact path of a note
    # whose name is shared (the only path obsidiantools knows).
    assert (ours & found) == Counter({
        (LLM, AI): 1, (ARTICLE, LLM): 1, (COMMENTS, FAQ): 1, (LINK_FORMS, FAQ): 1,
        (COMPARISON, WEEKLY_A): 1,
    })  # fmt: skip


def test_obsidiantools_reports_existing_path_targets_as_nonexistent(graph):
    otools = pytest.importorskip(
        "obsidiantools.api", reason="obsidiantools is not installed (pip install obsidiantools)"
    )
    theirs = otools.Vault(GRAPH_VAULT).connect().gather()
    wrongly_missing = {"00-元语/AI", "00-元语/LLM", "00-元语/Agent", "00-元语/开源 模型"}
    assert wrongly_missing <= set(theirs.nonexistent_notes)
    assert not any(node.startswith("missing:00-元语/") and node != "missing:00-元语/不存在的主题"
                   for node in graph)  # fmt: skip
