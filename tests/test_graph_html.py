"""`vaultkit.graph.html`: the self-contained graph page, checked without a browser.

The page's behaviour in a real browser is tested in `test_graph_page_browser.py`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest

from vaultkit.graph import html as page
from vaultkit.graph.html import page_data, render, safe_url, summary_html, top_folder

ASSETS = Path(page.__file__).parent / "assets"


class Page(HTMLParser):
    """The parts of a rendered page the tests look at, parsed as a browser's tokenizer would."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in, self._text = (tag, dict(attrs)), []

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.title = text
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def data(self) -> dict:
        (text,) = [t for attrs, t in self.scripts if attrs.get("id") == "graph-data"]
        return json.loads(text)


def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("00-元语/AI.md", kind="topic", path="00-元语/AI.md", title="AI", folder="00-元语")
    g.add_node(
        "01-博客/作者甲/一篇 [译] 文章.md",
        kind="note",
        path="01-博客/作者甲/一篇 [译] 文章.md",
        title="一篇文章：副标题",
        folder="01-博客/作者甲",
        date="2024-12-21",
        author="作者甲",
        topics=["00-元语/AI.md", "00-元语/不存在.md"],
        summary="**1) 一句话总结**\n一句话。\n\n*   要点一\n*   要点二\n",
    )
    g.add_node("missing:不存在的笔记", kind="missing", path="", title="不存在的笔记")
    g.add_edge("01-博客/作者甲/一篇 [译] 文章.md", "00-元语/AI.md", kind="topic", line=20)
    g.add_edge("01-博客/作者甲/一篇 [译] 文章.md", "missing:不存在的笔记", kind="wikilink", line=9)
    g.add_edge(
        "01-博客/作者甲/一篇 [译] 文章.md",
        "missing:不存在的笔记",
        kind="related",
        reason="上下游",
        line=12,
    )
    return g


# --- the page as a whole --------------------------------------------------------------------


def test_page_is_one_file_that_loads_nothing_from_outside():
    parsed = Page(render(graph(), title="知识库"))
    assert [attrs for attrs, _ in parsed.scripts if "src" in attrs] == []
    assert [tag for tag, attrs in parsed.tags if "src" in attrs or "href" in attrs] == []
    assert "link" not in [tag for tag, _ in parsed.tags]
    library = (ASSETS / "force-graph.min.js").read_text(encoding="utf-8")
    assert library in [text for _, text in parsed.scripts]
    (csp,) = [
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]


def test_the_policy_lets_exactly_the_two_inline_scripts_run():
    parsed = Page(render(graph(), title="t"))
    (csp,) = [
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    code = [text for attrs, text in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(code) == 2
    hashes = {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in code}
    assert hashes == allowed


def test_embedded_data_holds_every_node_and_edge_with_ids_intact():
    g = graph()
    data = Page(render(g, title="t")).data()
    assert [n["id"] for n in data["nodes"]] == list(g.nodes)
    assert len(data["edges"]) == g.number_of_edges() == 3
    ids = [n["id"] for n in data["nodes"]]
    named = {(ids[e[0]], ids[e[1]], *e[2:]) for e in data["edges"]}
    article = "01-博客/作者甲/一篇 [译] 文章.md"
    assert named == {
        (article, "00-元语/AI.md", "topic", "", 20),
        (article, "missing:不存在的笔记", "wikilink", "", 9),
        (article, "missing:不存在的笔记", "related", "上下游", 12),
    }


def test_strings_that_would_close_the_script_stay_inside_the_data():
    evil = "</script><script>alert(1)</script><!-- \u2028 & </SCRIPT >"
    g = nx.MultiDiGraph()
    g.add_node(evil, kind="note", path=f"01-博客/{evil}.md", title=evil, author=evil, summary="")
    text = render(g, title=evil)
    parsed = Page(text)
    assert len(parsed.scripts) == 3  # the data, the library, the page code: nothing injected
    (node,) = parsed.data()["nodes"]
    assert node["id"] == node["title"] == node["author"] == evil
    assert parsed.title == evil  # shown as text
    assert "<script>alert" not in text
    # Browsers end a script at `</script` followed by a space, `/` or `>`, in any case: the data
    # holds no `<` at all, nor a raw U+2028.
    raw = text.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "\u2028" not in raw


def test_title_is_escaped_in_the_head_and_the_header():
    text = render(graph(), title='<b>"知识库"</b> & co')
    assert text.count("&lt;b&gt;&quot;知识库&quot;&lt;/b&gt; &amp; co") == 2
    assert "<b>" not in text.split("<script", 1)[0]


def test_empty_graph_still_makes_a_page():
    data = Page(render(nx.MultiDiGraph(), title="空")).data()
    assert data == {"title": "空", "nodes": [], "edges": []}


def test_a_simple_digraph_works_too():
    g = nx.DiGraph()
    g.add_edge("a.md", "b.md", kind="wikilink")
    data = page_data(g, title="t")
    assert data["edges"] == [[0, 1, "wikilink"]]


# --- node records ---------------------------------------------------------------------------


def test_node_records_carry_details_for_the_panel():
    nodes = {n["id"]: n for n in page_data(graph(), title="t")["nodes"]}
    article = nodes["01-博客/作者甲/一篇 [译] 文章.md"]
    assert article["title"] == "一篇文章：副标题"
    assert article["group"] == "01-博客"
    assert article["folder"] == "01-博客/作者甲"
    assert article["date"] == "2024-12-21"
    assert article["author"] == "作者甲"
    assert article["topics"] == ["00-元语/AI.md", "00-元语/不存在.md"]
    assert "<strong>1) 一句话总结</strong>" in article["summary"]
    assert "<li>要点一</li>" in article["summary"]
    assert nodes["missing:不存在的笔记"]["group"] == "(unresolved)"
    assert "summary" not in nodes["00-元语/AI.md"]  # empty fields are left out of the data


def test_nodes_without_attributes_and_with_odd_values_still_render():
    g = nx.MultiDiGraph()
    g.add_node("03-图书/某人/书.md")  # no attributes at all
    g.add_node("missing:某个目标", kind="missing")
    g.add_node(
        "README.md",
        kind="note",
        path="README.md",
        title=None,
        date=dt.date(2024, 1, 5),
        author=12,
        topics="00-元语/AI.md",
        summary=None,
    )
    g.add_edge("README.md", "missing:某个目标", line=True)  # no kind, a bool is no line
    data = page_data(g, title="t")
    book, missing, readme = data["nodes"]
    assert book == {
        "id": "03-图书/某人/书.md",
        "kind": "note",
        "title": "书",
        "group": "(vault root)",
    }
    assert missing["title"] == "某个目标"
    assert readme["title"] == "README"
    assert readme["date"] == "2024-01-05"
    assert readme["author"] == "12"
    assert readme["topics"] == ["00-元语/AI.md"]
    assert readme["group"] == "(vault root)"
    assert data["edges"] == [[2, 1, "link"]]


@pytest.mark.parametrize(
    ("path", "kind", "group"),
    [
        ("01-博客/作者/x.md", "note", "01-博客"),
        ("00-元语/AI.md", "topic", "00-元语"),
        ("x.md", "note", "(vault root)"),
        ("", "note", "(vault root)"),
        ("", "missing", "(unresolved)"),
        ("附件\\图.png", "attachment", "附件"),
    ],
)
def test_top_folder_groups(path, kind, group):
    assert top_folder(path, kind) == group


# --- summaries ------------------------------------------------------------------------------


def test_summary_markdown_becomes_html():
    html = summary_html(
        "### 1) 一句话总结\n一句话：**重点**与`代码 <x>`。\n\n"
        "### 2) 关键要点\n*   要点 [来源](https://example.com/a?b=1&c=2)\n"
        "*   主题 [[00-元语/AI|人工智能]] 与 [[00-元语/llm]]\n"
    )
    assert "<h3>1) 一句话总结</h3>" in html
    assert "<strong>重点</strong>" in html
    assert "<code>代码 &lt;x&gt;</code>" in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer nofollow">来源</a>' in html
    )
    assert '<span class="wikilink" title="00-元语/AI">人工智能</span>' in html
    assert '<span class="wikilink" title="00-元语/llm">llm</span>' in html


class Tags(HTMLParser):
    """Every real tag of an HTML fragment with its attributes (values unescaped)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


SUMMARY_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "span",
    "blockquote",
    "br",
    "hr",
    "del",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@pytest.mark.parametrize(
    "markdown",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "a <b onclick=alert(1)>b</b>",
        "<div>\n<iframe src=x></iframe>\n</div>",
        "[[x|<img src=x onerror=alert(1)>]]",
        '[t](https://a.b "x\\" onmouseover=\\"alert(1)")',
        "<!-- a comment --> <style>p{}</style>",
    ],
)
def test_summary_raw_html_is_shown_as_text(markdown):
    tags = Tags(summary_html(markdown)).tags
    assert {tag for tag, _ in tags} <= SUMMARY_TAGS
    assert [name for _, attrs in tags for name in attrs if name.startswith("on")] == []
    assert {name for _, attrs in tags for name in attrs} <= {
        "href",
        "title",
        "target",
        "rel",
        "class",
    }


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&colon;alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
        "[x](file:///etc/passwd)",
    ],
)
def test_summary_links_never_run_script(markdown):
    html = summary_html(markdown)
    values = [v or "" for _, attrs in Tags(html).tags for v in attrs.values()]
    assert not any(re.search(r"(javascript|vbscript|data|file):", v, re.I) for v in values)
    assert '<span class="unsafe-link">' in html  # the text stays, without a link


def test_a_tab_inside_a_scheme_is_percent_encoded_into_a_harmless_relative_link():
    # mistune encodes the tab, and `java%09script:` has no scheme: a browser resolves it as a
    # relative path, never as script.
    html = summary_html("[x](<java\tscript:alert(1)>)")
    assert 'href="java%09script:alert(1)"' in html


def test_summary_images_become_links_so_opening_a_summary_fetches_nothing():
    html = summary_html("![架构图](https://img.example.com/a.png)")
    assert "<img" not in html
    assert 'href="https://img.example.com/a.png"' in html
    assert "[架构图]" in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/x", "https://example.com/x"),
        ("HTTP://example.com", "HTTP://example.com"),
        ("mailto:a@example.com", "mailto:a@example.com"),
        ("notes/x.md", "notes/x.md"),
        ("#heading", "#heading"),
        ("  https://example.com  ", "https://example.com"),
        ("java%0ascript:alert(1)", "java%0ascript:alert(1)"),  # no scheme: a relative path
        ("javascript:alert(1)", None),
        (" \x01javascript:alert(1)", None),
        ("java\tscr\nipt:alert(1)", None),
        ("vbscript:x", None),
        ("data:text/html,x", None),
        ("ftp://example.com", None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_an_asset_that_would_close_its_element_is_refused():
    with pytest.raises(ValueError, match="</script"):
        page._inert_in_element("var s = '</script>';", "script")
    with pytest.raises(ValueError):
        page._inert_in_element("/* <!-- */", "style")
    assert page._inert_in_element("a < b", "script") == "a < b"


# --- the vendored library -------------------------------------------------------------------


def test_assets_ship_with_the_package():
    base = resources.files("vaultkit.graph").joinpath("assets")
    for name in (*page.ASSETS, "force-graph.LICENSE", "THIRD-PARTY-LICENSES.txt", "README.md"):
        assert base.joinpath(name).is_file(), name


def test_vendored_library_matches_its_readme_and_carries_its_licence():
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    library = (ASSETS / "force-graph.min.js").read_bytes()
    version = re.search(r"^- version: (\S+)$", readme, re.M).group(1)
    sha256 = re.search(r"^- sha256: ([0-9a-f]{64})$", readme, re.M).group(1)
    assert hashlib.sha256(library).hexdigest() == sha256
    assert library.startswith(f"// Version {version} force-graph".encode())
    licence = (ASSETS / "force-graph.LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Vasco Asturiano" in licence
    third = (ASSETS / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    assert f"force-graph@{version}" in third
    for bundled in ("d3-force-3d", "d3-zoom", "kapsule", "float-tooltip"):
        assert f"\n{bundled} " in third, bundled
    licences = set(re.findall(r"^[@\w./-]+ [\w.-]+ \(([^)]+)\)$", third, re.M))
    assert licences <= {"MIT", "ISC", "BSD-3-Clause", "Apache-2.0"}


def test_page_code_sets_text_not_html_except_for_the_rendered_summary():
    code = (ASSETS / "page.js").read_text(encoding="utf-8")
    assert re.findall(r"\.innerHTML\s*=\s*([^;]+);", code) == ['n.summary || ""']
    assert "insertAdjacentHTML" not in code and "document.write" not in code
    assert "eval(" not in code and "new Function" not in code
