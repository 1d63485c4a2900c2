"""Notes travel pickled (worker processes, the note cache): a round trip keeps every fact.

A pickled `Note` holds its bytes once, its parse records, and its frontmatter
as text; the YAML is composed again (lazily) after loading, the text decoded
again and the line index rebuilt. Whatever a rule can read must come out
equal, and a check must find the same things either way.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml
from conftest import ARTICLE, EXAMPLE_VAULT, check

from vaultkit import frontmatter as fm_module
from vaultkit import note as note_module
from vaultkit import source
from vaultkit.note import CodeRegion, Heading, Link, Note, Section
from vaultkit.source import LineIndex, ProblemKind, ReadProblem, SourceText


def parse(raw: str | bytes, rel: str = "01-博客/n.md") -> Note:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return note_module.parse(Path("/vault") / rel, rel, source.decode(data))


def round_trip(value):
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _mark(mark: yaml.Mark | None) -> tuple | None:
    return None if mark is None else (mark.index, mark.line, mark.column)


def _node(node: yaml.Node | None) -> tuple | None:
    """Everything a rule can read off a YAML node, recursively."""
    if node is None:
        return None
    facts = (type(node).__name__, node.tag, _mark(node.start_mark), _mark(node.end_mark))
    facts += (getattr(node, "style", None), getattr(node, "flow_style", None))
    if isinstance(node, yaml.ScalarNode):
        return (*facts, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*facts, tuple(_node(item) for item in node.value))
    return (*facts, tuple((_node(key), _node(value)) for key, value in node.value))


def _field(fm: fm_module.Frontmatter, entry: fm_module.Field) -> tuple:
    return (
        entry.key, _node(entry.key_node), _node(entry.node), repr(entry.value), entry.error,
        entry.is_scalar, entry.raw, entry.is_empty,
        fm.position(entry.key_node.start_mark), fm.position(entry.node.start_mark),
        fm.position(entry.node.end_mark),
    )  # fmt: skip


def _frontmatter(fm: fm_module.Frontmatter | None) -> tuple | None:
    if fm is None:
        return None
    return (
        fm.text, fm.first_line, fm.closed, fm.body_start, _node(fm.root), fm.error, fm.alias,
        tuple((key, _field(fm, entry)) for key, entry in fm.fields.items()),
        tuple(_field(fm, entry) for entry in fm.duplicates),
        tuple((key, fm.get(key) is entry) for key, entry in fm.fields.items()),
    )  # fmt: skip


def facts(note: Note) -> tuple:
    """Every public attribute and property of a note, as plain values."""
    head = (note.path, note.rel, note.problem, note.text, note.data, note.body_start)
    if note.source is None:
        return head
    src = note.source
    offsets = range(len(note.data) + 1)
    return (
        *head,
        (src.text, src.data, src.has_bom, src.crlf_lines, src.lf_lines, note.newline),
        _frontmatter(note.frontmatter),
        [(type(h), tuple(h)) for h in note.headings],
        [(type(s), s.heading, s.end, s.content_start) for s in note.sections],
        [(type(link), tuple(link), link.is_wikilink) for link in note.links],
        [(type(region), tuple(region)) for region in (*note.code, *note.html)],
        note.blocks, note.lines, note.code_lines, note.body_first_line,
        [note.position(offset) for offset in offsets],
        [note.line_of(offset) for offset in offsets],
        [note.in_code(offset) for offset in offsets],
        src.lines.starts, [src.lines.line_start(n) for n in range(1, len(src.lines.starts) + 1)],
        note.slice(0, len(note.data)),
        [note.section(s.heading.text, s.heading.level) for s in note.sections],
    )  # fmt: skip


NOTES = {
    "article": ARTICLE,
    "no frontmatter": "# 标题\n\n正文 [[链接]]。\n",
    "empty file": "",
    "empty block": "---\n---\n正文\n",
    "opening fence only": "---",
    "fence with spaces": "--- \ntitle: a\n---  \nbody\n",
    "invalid YAML": "---\ntitle: [unclosed\n作者: x\n---\n\n## 摘要\n",
    "bad value": "---\n发布日期: 2024-13-45\ncount: 3\n---\nbody\n",
    "aliases": "---\nbase: &b 一\ncopy: *b\nlist: [*b, *b]\n---\nbody\n",
    "duplicates": "---\ntitle: 一\ntitle: 二\ntags: [a]\ntitle: 三\n---\nbody\n",
    "non-mapping list": "---\n- 一\n- 二\n---\nbody\n",
    "non-mapping scalar": "---\njust text\n---\nbody\n",
    "unclosed": "---\ntitle: 没有结束\n\n## 摘要\n\n[[链接]]\n",
    "merge key": "---\nm:\n  <<: {a: 1}\n  b: 2\nv: {=: 1}\n---\nbody\n",
    "odd values": "---\nn: null\nb: yes\nd: 2024-01-05\nf: 1.5\nl: [1, [2, 3]]\n"
    "x: !!binary aGk=\n---\n",
    "nested too deeply": "---\ndeep: " + "[" * 400 + "]" * 400 + "\nok: 1\n---\nbody\n",
    "CJK body": "---\n标题: 中文\n---\n\n## 第一节 ^节\n\n中文，[[中文/笔记#标题|别名]]。![图](https://例子.com/图.png)\n",
    "comments and block ids": (
        "a %% [[inline]] %% b [[shown]] ^blk-1\n\n%%\n## Hidden\n[[block]] ^hid\n%%\n\n"
        "## Seen ^sid\n\n- item ^i1\n  - sub\n\n![[x.png]]^emb\n\n`%%` %% open\n"
    ),
    "code html math": (
        "```py\n[[no]]\n```\n\n~~~\nunclosed [[no]]\n\n    indented\n\n<div>\n[[h]]\n</div>\n\n"
        "$x$ and $$y$$ `code` <b>b</b>\n"
    ),
    "tables and nested links": (
        "| a | [[Note#Head\\|alias]] |\n|---|---|\n| [x](y) | <b>z</b> |\n\n"
        "[![img](i.png)](https://l.ink) <https://a.b> <a@b.c> [ref]\n\n[ref]: http://r\n"
        "[[multi\nline]] ![[pic.png|100]] [[same]] [[x|x]]\n"
    ),
    "long line": "x" * 9000 + "中" * 3000 + " [[far]]\n",
}


@pytest.mark.parametrize("name", NOTES)
@pytest.mark.parametrize("variant", ["lf", "crlf", "bom"])
def test_a_round_trip_keeps_every_fact(name, variant):
    text = NOTES[name]
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if variant == "bom":
        raw = source.BOM + raw
    note = parse(raw)
    loaded = round_trip(note)
    assert type(loaded) is Note
    assert facts(loaded) == facts(note)
    assert loaded == note


def test_the_fixtures_round_trip_too():
    """Every note of the example vault (one fault of each kind)."""
    paths = sorted(EXAMPLE_VAULT.rglob("*.md"))
    assert len(paths) > 50
    for path in paths:
        note = parse(path.read_bytes(), path.relative_to(EXAMPLE_VAULT).as_posix())
        assert facts(round_trip(note)) == facts(note), path


def test_what_the_fixtures_hold_is_really_exercised():
    """The cases above reach what they claim to: a test that cannot fail proves nothing."""
    deep = parse(NOTES["nested too deeply"]).frontmatter
    assert "nested more than" in deep.fields["deep"].error and deep.fields["ok"].value == 1
    assert parse(NOTES["invalid YAML"]).frontmatter.error is not None
    assert parse(NOTES["aliases"]).frontmatter.alias is not None
    assert len(parse(NOTES["duplicates"]).frontmatter.duplicates) == 2
    assert parse(NOTES["unclosed"]).frontmatter.closed is False
    assert parse(NOTES["bad value"]).frontmatter.fields["发布日期"].error
    merged = parse(NOTES["merge key"]).frontmatter
    # values are constructed on first read, except where constructing rewrites the nodes
    # (a `<<` merge, a `=` key): those nodes read as if constructed from the start
    mapping = merged.root.value[0][1]
    assert [key.value for key, _ in mapping.value] == ["a", "b"]
    assert merged.fields["m"].value == {"a": 1, "b": 2}
    note = parse(NOTES["comments and block ids"])
    assert set(note.blocks) == {"blk-1", "sid", "i1", "emb"}
    assert any(region.kind == "comment" and not region.closed for region in note.code)
    assert parse(NOTES["CJK body"].replace("\n", "\r\n")).newline == "\r\n"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("标题：人工智能的未来发展\n正文内容。\n".encode("gbk"), ProblemKind.GBK),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", ProblemKind.BINARY),
        ("---\ntitle: x\n---\n".encode("utf-16"), ProblemKind.UTF16),
        (b"ok\n\xff\xfe broken", ProblemKind.NOT_UTF8),
    ],
)
def test_unreadable_notes_round_trip(raw, kind):
    note = parse(raw)
    assert note.source is None and note.problem.kind == kind
    loaded = round_trip(note)
    assert facts(loaded) == facts(note) and loaded == note
    assert type(loaded.problem.kind) is ProblemKind


def test_a_note_made_from_a_problem_round_trips():
    problem = ReadProblem(ProblemKind.NOT_REGULAR, "this is a named pipe (FIFO)")
    note = Note(path=Path("/vault/p.md"), rel="p.md", problem=problem)
    assert facts(round_trip(note)) == facts(note)


def test_the_pickle_does_not_depend_on_what_was_read_before():
    """Composed YAML, decoded text and cached lines are never part of the pickle."""
    fresh = pickle.dumps(parse(NOTES["tables and nested links"] + ARTICLE), protocol=5)
    note = parse(NOTES["tables and nested links"] + ARTICLE)
    facts(note)  # reads everything, composes the frontmatter, caches lines and code lines
    assert pickle.dumps(note, protocol=5) == fresh


def test_the_pickle_holds_the_text_once_and_no_yaml():
    url = "https://example.com/images/一张很长的图片地址-0123456789.png"
    note = parse(ARTICLE + f"\n![图]({url}) [[00-元语/AI]] [[00-元语/AI|AI]]\n")
    blob = pickle.dumps(note, protocol=5)
    assert blob.count(url.encode()) == 1  # the target is a range of the data
    assert blob.count(note.frontmatter.text.encode()) == 1
    assert b"yaml" not in blob  # no node trees: the block is composed again on load
    assert len(blob) < len(note.data) + 1200


def test_loading_does_not_compose_until_the_frontmatter_is_read():
    loaded = round_trip(parse(ARTICLE))
    assert loaded.frontmatter._composed is False
    assert loaded.frontmatter.fields["title"].value == "一篇干净的文章"
    assert loaded.frontmatter._composed is True


@pytest.mark.parametrize(
    "value",
    [
        Heading(2, "标题", 3, 12),
        Section(Heading(1, "a", 0, 4), 40),
        Link("wikilink", "a/b", "c", False, 5, 17, "c"),
        Link("inline", "https://x.y/z.png", "alt", True, 0, 30),
        CodeRegion("fenced", 1, 9, closed=False),
        ReadProblem(ProblemKind.GBK, "first non-UTF-8 byte"),
        fm_module.split("---\ntitle: a\n---\nbody\n"),
    ],
)
def test_records_pickle_on_their_own(value):
    loaded = round_trip(value)
    assert type(loaded) is type(value) and loaded == value


def test_source_text_and_line_index_pickle_on_their_own():
    data = "一\r\n二 three\nfour".encode()
    text = source.decode(source.BOM + data)
    loaded = round_trip(text)
    assert type(loaded) is SourceText and loaded == text
    assert (loaded.text, loaded.has_bom, loaded.crlf_lines, loaded.lf_lines) == (
        data.decode(), True, 1, 1,
    )  # fmt: skip
    index = round_trip(LineIndex(data))
    assert [index.position(offset) for offset in range(len(data) + 1)] == [
        text.lines.position(offset) for offset in range(len(data) + 1)
    ]


@pytest.mark.parametrize(
    ("text", "closed", "yaml_text", "body"),
    [
        ("---\na: 1\n---\nbody", True, "a: 1\n", "body"),
        ("---\r\na: 1\r\n---\r\nbody", True, "a: 1\r\n", "body"),
        ("--- \t\na\n---  \n", True, "a\n", ""),
        ("---\n---", True, "", ""),
        ("---\na\n----\nb\n--- x\n---\nbody", True, "a\n----\nb\n--- x\n", "body"),
        ("---\na\n ---\nb\n", False, "a\n ---\nb\n", ""),
        ("---", False, "", ""),
        ("---\n", False, "", ""),
        ("---x\n---\n", None, None, "---x\n---\n"),
        ("\n---\n---\n", None, None, "\n---\n---\n"),
    ],
)
def test_the_frontmatter_block_is_found_as_before(text, closed, yaml_text, body):
    front, body_index = fm_module.locate(text)
    assert text[body_index:] == body
    if closed is None:
        assert front is None and fm_module.split(text) is None
        return
    assert (front.closed, front.text, front.first_line) == (closed, yaml_text, 2)
    assert front.body_start == len(text[:body_index].encode())


def _reference_gbk(data: bytes) -> bool:
    """The per-character definition `looks_like_gbk` implements with a regex."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    if source._CONTROL.search(text):
        return False
    wide = [char.encode("gb18030") for char in text[:100_000] if ord(char) > 0x7F]
    if len(wide) < 2:
        return False
    common = [c for c in wide if len(c) == 2 and 0xA1 <= c[0] <= 0xF7 and 0xA1 <= c[1] <= 0xFE]
    hanzi = [c for c in common if c[0] >= 0xB0]
    level1 = [c for c in hanzi if c[0] <= 0xD7]
    return (
        len(common) >= 0.9 * len(wide)
        and len(hanzi) >= 0.5 * len(wide)
        and len(level1) >= 0.7 * len(hanzi)
    )


def test_the_gbk_test_matches_its_definition():
    import random

    rng = random.Random(6)
    pools = [
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动",
        "鬲鬻鬯魍魉魑魅黉黠黩黪黯",  # level-2 hanzi
        "，。、：；！？“”（）《》【】",
        "丂丄丅丆丏",  # GBK extension, not GB2312
        "éü€ŒЖ한カ",
        "ab \n",
        "\U00020000\u3400",  # four-byte characters
    ]
    samples = []
    for _ in range(3000):
        weights = [rng.random() for _ in pools]
        weights[0] += rng.random() * 5
        chars = (rng.choice(rng.choices(pools, weights)[0]) for _ in range(rng.randint(0, 40)))
        samples.append("".join(chars).encode("gb18030"))
        samples.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 30))))
    found = [source.looks_like_gbk(sample) for sample in samples]
    assert found == [_reference_gbk(sample) for sample in samples]
    assert 100 < sum(found) < len(samples) - 100  # both answers are exercised


# ------------------------------------------------------------------ rules see the same notes


FAULTY = {
    "01-博客/a/坏的YAML.md": "---\ntitle: [oops\n---\n\n## 摘要\n",
    "01-博客/a/别名.md": ARTICLE.replace('作者: "测试作者"', "作者: &a 某人\n编辑: *a"),
    "01-博客/a/重复.md": ARTICLE.replace("---\n\n## 摘要", 'title: "又一个"\n---\n\n## 摘要'),
    "01-博客/a/日期.md": ARTICLE.replace("2024-05-06", "2024-5-6"),
    "01-博客/a/没结束.md": "---\ntitle: x\n\n## 摘要\n",
    "01-博客/a/CRLF.md": ARTICLE.replace("\n", "\r\n") + "[[不存在的笔记]] ^bad id\n",
    "01-博客/a/BOM.md": source.BOM + ARTICLE.encode() + "%% [[藏起来]] %%\n".encode(),
    "01-博客/a/GBK.md": "标题：人工智能的未来发展\n正文内容。\n".encode("gbk"),
    "01-博客/a/链接.md": ARTICLE + "\n[[坏链接#没有的标题]] ![图](http://x.y/a b.png) [空]()\n",
}


def _findings(*roots: Path) -> list[tuple]:
    return sorted(
        (d.path, d.start.line, d.start.column, d.end.line, d.end.column, d.code, d.message)
        for d in check(*roots, select=["ALL"])
    )


def test_a_check_finds_the_same_whether_notes_were_pickled_or_not(tmp_path, monkeypatch):
    from conftest import write_vault

    vault = write_vault(tmp_path / "vault", FAULTY)
    before = [_findings(EXAMPLE_VAULT), _findings(vault)]
    assert len(before[0]) > 50 and len(before[1]) > 10

    parse_note = note_module.parse
    trips = []

    def parse_and_round_trip(*args):
        trips.append(args[1])
        return round_trip(parse_note(*args))

    monkeypatch.setattr(note_module, "parse", parse_and_round_trip)
    after = [_findings(EXAMPLE_VAULT), _findings(vault)]
    assert len(trips) > 60  # the notes really went through pickle
    assert after == before


def test_a_released_note_holds_what_a_loaded_one_does_and_answers_the_same():
    """What the per-note stage keeps of a note checked in this process (`Note.release`)."""
    raw = ARTICLE + NOTES["tables and nested links"]
    note = parse(raw)
    expected = facts(note)  # reads everything: composes the YAML, caches lines and code lines
    assert note.frontmatter.composed and "lines" in note.__dict__
    note.release()
    assert not {"lines", "code_lines", "_not_prose"} & note.__dict__.keys()
    assert note.source._text is None and not note.source.lines.built
    assert not note.frontmatter.composed
    assert facts(note) == expected == facts(round_trip(parse(raw)))


def test_a_note_without_frontmatter_or_text_releases():
    problem = ReadProblem(ProblemKind.NOT_REGULAR, "this is a named pipe (FIFO)")
    unread = Note(path=Path("/vault/p.md"), rel="p.md", problem=problem)
    expected = facts(unread)
    unread.release()
    assert facts(unread) == expected
    bare = parse("# 只有正文\n\n一段。\n")
    bare.release()
    assert facts(bare) == facts(parse("# 只有正文\n\n一段。\n"))
