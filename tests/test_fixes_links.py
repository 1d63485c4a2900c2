"""Fixes of LK006 (link-case-mismatch) and IM002 (image-case-mismatch): a wikilink respelled
as its one file is spelled.

Each fix: the exact bytes after applying it, CRLF kept, BOM kept, CJK around the edit,
a second round changes nothing, a re-check no longer reports it, and cases with no fix.
"""

from __future__ import annotations

import pytest
from conftest import check, crlf, fix_once

from vaultkit.diagnostics import Diagnostic
from vaultkit.source import BOM

NOTE = "01-博客/作者甲/a.md"
TOPIC = '---\ntitle: "{name}"\n---\n\n## 定义\n\n{name} 是一个主题。\n'
TOPICS = {f"00-元语/{name}.md": TOPIC.format(name=name) for name in ("LLM", "Agent", "大模型")}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32  # enough of a PNG for the image rules


def assert_fixed(
    make_vault, files: dict, rel: str, after: str | bytes, code: str
) -> list[Diagnostic]:
    """Fixing `rel` gives exactly `after`; a second round changes nothing and reports nothing."""
    root = make_vault(files)
    found, data = fix_once(root, rel, code)
    assert data == (after.encode("utf-8") if isinstance(after, str) else after)
    assert found and all(d.fix is not None and d.fix.applicable and d.fix.safe for d in found)
    again, data_again = fix_once(root, rel, code)
    assert again == [] and data_again == data
    return found


# ------------------------------------------------------------------ LK006 link-case-mismatch


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("[[00-元语/llm]]", "[[00-元语/LLM]]"),
        ("[[00-元语/llm|大语言模型]]", "[[00-元语/LLM|大语言模型]]"),  # the alias stays
        ("[[00-元语/llm#定义|别名]]", "[[00-元语/LLM#定义|别名]]"),  # heading and alias stay
        ("[[llm]]", "[[LLM]]"),  # a bare name: the name only
        ("[[/00-元语/AGENT]]", "[[/00-元语/Agent]]"),  # the leading `/` stays
        ("[[00-元语/agent.MD]]", "[[00-元语/Agent.md]]"),  # an extension written is kept
        ("![[00-元语/llm]]", "![[00-元语/LLM]]"),  # an embed of a note
        ("[[00-元语/LLM]] 和 [[00-元语/Llm]]", "[[00-元语/LLM]] 和 [[00-元语/LLM]]"),
    ],
)
def test_lk006_fix_respells_the_path_only(make_vault, written, fixed):
    before = f"## 延伸\n\n- 见 {written} 一节。\n"
    after = f"## 延伸\n\n- 见 {fixed} 一节。\n"
    found = assert_fixed(make_vault, {**TOPICS, NOTE: before}, NOTE, after, "LK006")
    assert len(found) == 1


def test_lk006_fix_is_one_minimal_edit(make_vault):
    text = "中文 [[00-元语/llm|别名]] 之后\n"
    root = make_vault({**TOPICS, NOTE: text})
    (diagnostic,) = check(root, select=["LK006"])
    start = text.encode().index("00-元语/llm".encode())
    (edit,) = diagnostic.fix.edits
    assert (edit.start, edit.end, edit.text) == (
        start,
        start + len("00-元语/llm".encode()),
        "00-元语/LLM",
    )
    assert diagnostic.fix.message == "replace `00-元语/llm` with `00-元语/LLM`"
    assert (diagnostic.start.line, diagnostic.start.column) == (1, 4)


def test_lk006_fix_keeps_crlf(make_vault):
    before = crlf("## 延伸\n\n- [[00-元语/llm]]\n- [[00-元语/agent]]\n")
    after = crlf("## 延伸\n\n- [[00-元语/LLM]]\n- [[00-元语/Agent]]\n")
    found = assert_fixed(make_vault, {**TOPICS, NOTE: before}, NOTE, after, "LK006")
    assert [d.start.line for d in found] == [3, 4]


def test_lk006_fix_keeps_the_bom(make_vault):
    before = BOM + "[[00-元语/llm]] 是什么？\n".encode()
    after = BOM + "[[00-元语/LLM]] 是什么？\n".encode()
    assert_fixed(make_vault, {**TOPICS, NOTE: before}, NOTE, after, "LK006")


def test_lk006_fix_of_a_cjk_name_between_cjk_text(make_vault):
    files = {**TOPICS, "资料/GPT 模型简介.md": "正文\n", NOTE: "参考「[[gpt 模型简介]]」一文。\n"}
    assert_fixed(make_vault, files, NOTE, "参考「[[GPT 模型简介]]」一文。\n", "LK006")


@pytest.mark.parametrize(
    "written",
    [
        "[g](00-元语/llm.md)",  # a Markdown link: reported, not fixed
        "[[ 00-元语/llm ]]",  # spaces inside the brackets
        "[[./llm]]",  # relative to the note's folder
    ],
)
def test_lk006_no_fix_when_the_link_is_not_a_plain_wikilink(make_vault, written):
    files = {**TOPICS, "00-元语/ref.md": f"见 {written}\n"}
    found = check(make_vault(files), select=["LK006"])
    assert [d.code for d in found] == ["LK006"]
    assert found[0].fix is None


def test_lk006_no_fix_when_another_file_differs_only_in_case(make_vault):
    files = {"a/Note.md": "", "a/NOTE.md": "", "c/n.md": "[[a/note]]\n"}
    found = check(make_vault(files), select=["LK006"])
    assert [d.code for d in found] == ["LK006"]
    assert found[0].fix is None


def test_lk006_no_fix_inside_a_table_escape(make_vault):
    files = {**TOPICS, NOTE: "| 主题 | 说明 |\n| --- | --- |\n| [[00-元语/llm\\|模型]] | 无 |\n"}
    found = check(make_vault(files), select=["LK006"])
    assert [d.code for d in found] == ["LK006"]
    assert found[0].fix is None


# ------------------------------------------------------------------ IM002 image-case-mismatch


def test_im002_fix_respells_the_embed_and_keeps_its_size(make_vault):
    files = {"附件/diagram.png": PNG, NOTE: "图示：![[Diagram.PNG|300]]（见上）\n"}
    found = assert_fixed(make_vault, files, NOTE, "图示：![[diagram.png|300]]（见上）\n", "IM002")
    assert found[0].fix.message == "replace `Diagram.PNG` with `diagram.png`"


def test_im002_fix_keeps_crlf_and_bom(make_vault):
    before = BOM + crlf("第一张\n![[附件/Shot 1.png]]\n第二张\n").encode()
    after = BOM + crlf("第一张\n![[附件/shot 1.png]]\n第二张\n").encode()
    files = {"附件/shot 1.png": PNG, NOTE: before}
    assert_fixed(make_vault, files, NOTE, after, "IM002")


def test_im002_no_fix_for_a_markdown_image(make_vault):
    files = {"01-博客/作者甲/img/shot.png": PNG, NOTE: "截图 ![](img/Shot.png)\n"}
    found = check(make_vault(files), select=["IM002"])
    assert [d.code for d in found] == ["IM002"]
    assert found[0].fix is None


# ------------------------------------------------------------------ LK001 broken-wikilink


MOVED = {**TOPICS, "02-资源/新文件夹/某文章.md": "---\ntitle: 某文章\n---\n\n## 一节\n\n正文。\n"}


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("[[02-资源/旧文件夹/某文章]]", "[[02-资源/新文件夹/某文章]]"),
        ("[[旧文件夹/某文章#一节|别名]]", "[[02-资源/新文件夹/某文章#一节|别名]]"),
        ("![[02-资源/旧文件夹/某文章.md]]", "![[02-资源/新文件夹/某文章.md]]"),
    ],
)
def test_lk001_unsafe_fix_follows_a_moved_note(make_vault, written, fixed):
    root = make_vault({**MOVED, NOTE: f"见 {written} 一节。\n"})
    found, data = fix_once(root, NOTE, "LK001", unsafe=True)
    assert [(d.start.line, d.start.column) for d in found] == [(1, 3)]
    assert found[0].fix is not None and not found[0].fix.safe
    assert data.decode("utf-8") == f"见 {fixed} 一节。\n"
    again, _ = fix_once(root, NOTE, "LK001", unsafe=True)
    assert again == []


@pytest.mark.parametrize(
    "written",
    [
        "[[02-资源/旧文件夹/不存在]]",  # no file of that name
        "[[00-元语/某文章 ]]",  # not written plainly (a space before `]]`)
        "[[./旧/某文章]]",  # relative: Obsidian looks nowhere else
    ],
)
def test_lk001_no_fix_without_one_plainly_written_moved_note(make_vault, written):
    root = make_vault({**MOVED, NOTE: f"见 {written} 一节。\n"})
    found = [d for d in check(root, select=["LK001"]) if d.path == NOTE]
    assert len(found) == 1 and found[0].fix is None


def test_lk001_no_fix_when_two_notes_carry_the_name(make_vault):
    twice = {**MOVED, "03-图书/某文章.md": "---\ntitle: 另一篇\n---\n\n正文。\n"}
    root = make_vault({**twice, NOTE: "见 [[02-资源/旧文件夹/某文章]]。\n"})
    found = [d for d in check(root, select=["LK001"]) if d.path == NOTE]
    assert len(found) == 1 and found[0].fix is None
