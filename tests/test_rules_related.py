"""Related-documents rules LK101–LK102: a hit (exact line and column), a miss and an edge each,
and one finding per link (LK001/LK002 leave a missing `## 相关文档` target to LK101)."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, check, where

from vaultkit.rules import get

A = "01-博客/作者/a.md"
OTHER = "01-博客/作者/另一篇.md"
HEAD = ARTICLE[: ARTICLE.index("## 关联主题")]
FIRST = HEAD.count("\n") + 3  # the first entry line
GOOD = "；关联理由：上下游；说明：那篇文章给出了本文引用的数据。"


def article(*entries: str) -> str:
    """ARTICLE with a `## 相关文档` section of these lines before its topics."""
    related = "## 相关文档\n\n" + "".join(line + "\n" for line in entries) + "\n"
    return HEAD + related + ARTICLE[ARTICLE.index("## 关联主题") :]


def vault(make_vault, *entries: str, **files: str):
    return make_vault({"00-元语/AI.md": "", OTHER: "", A: article(*entries), **files})


# ------------------------------------------------------------------ LK101 related-doc-unresolved


def test_lk101_hit_instead_of_lk001(make_vault):
    near = {"01-博客/作者/端侧推理的内存估算.md": ""}
    root = vault(make_vault, f"- [[01-博客/作者/端侧推理的内存估箅|估算]]{GOOD}", **near)
    found = check(root, select=["LK101", "LK001", "LK102"])
    assert where(found) == [(A, FIRST, 3, "LK101")]
    message = found[0].message
    assert "the related note `01-博客/作者/端侧推理的内存估箅` does not exist" in message
    assert "did you mean `[[01-博客/作者/端侧推理的内存估算|估算]]`?" in message
    assert (found[0].end.line, found[0].end.column) == (FIRST, 28)


def test_lk101_miss_existing_note_and_markdown_link(make_vault):
    root = vault(
        make_vault,
        f"- [[01-博客/作者/另一篇|另一篇]]{GOOD}",
        f"- [另一篇](另一篇.md){GOOD}",
    )
    assert check(root, select=["LK101", "LK001", "LK002"]) == []


def test_lk101_edge_url_empty_item_nested_lines_and_links_in_the_explanation(make_vault):
    root = vault(
        make_vault,
        f"- [原文](https://example.com/post){GOOD}",
        "- 暂无",
        "  - [[01-博客/作者/不存在的嵌套]]",  # nested: not an entry, LK001's
        "- [[01-博客/作者/另一篇]]；关联理由：引用；说明：也见 [[01-博客/作者/不存在]]。",
        f"- [缺失](没有.md){GOOD}",
    )
    found = check(root, select=["LK101", "LK001", "LK002"])
    assert where(found) == [
        (A, FIRST, 3, "LK101"),
        (A, FIRST + 1, 1, "LK101"),
        (A, FIRST + 2, 5, "LK001"),
        (A, FIRST + 3, 34, "LK001"),
        (A, FIRST + 4, 3, "LK101"),
    ]
    assert "links a web page, not a note" in found[0].message
    assert "`- 暂无` links no note" in found[1].message


def test_lk101_edge_crlf_and_cjk(make_vault):
    text = article(f"- 见 [[不存在的笔记]]{GOOD}").replace("\n", "\r\n")
    root = make_vault({A: text})
    assert where(check(root, select=["LK101", "LK001"])) == [(A, FIRST, 5, "LK101")]


# ------------------------------------------------------------------ LK102 related-doc-reason


def test_lk102_hit_unknown_type_at_the_type(make_vault):
    root = vault(make_vault, "- [[01-博客/作者/另一篇|另一篇]]；关联理由：参考；说明：见该文。")
    found = check(root, select=["LK102"])
    assert where(found) == [(A, FIRST, 29, "LK102")]
    assert "`参考` is not a relation type; use one of 引用、解说、延伸思考" in found[0].message
    assert (found[0].end.line, found[0].end.column) == (FIRST, 31)


@pytest.mark.parametrize(
    ("tail", "column", "length", "expected"),
    [
        ("", 3, 20, "the entry gives no reason: append `；关联理由：TYPE；说明：…`"),
        (" 相关", 24, 2, "instead of `相关`"),
        ("；关联理由：；说明：x", 24, 4, "`关联理由` names no relation type"),
        ("；关联理由：观点一至；说明：x", 29, 4, "did you mean `观点一致`?"),
        ("；关联理由：引用", 29, 2, "the reason has no `说明`"),
        ("；关联理由：引用；说明：  ", 32, 2, "`说明` is empty"),
        (";关联理由:引用;说明:x", 23, 1, "full-width `；` instead of `;`"),
        ("；关联理由:引用；说明：x", 28, 1, "full-width `：` instead of `:`"),
        ("关联理由：引用；说明：x", 23, 4, "`关联理由` has no `；` before it"),
        ("；关联理由：引用 说明：x", 32, 2, "`说明` has no `；` before it"),
    ],
)
def test_lk102_hits_point_at_the_first_problem(make_vault, tail, column, length, expected):
    root = vault(make_vault, f"- [[01-博客/作者/另一篇|另一篇]]{tail}")
    found = check(root, select=["LK102"])
    assert where(found) == [(A, FIRST, column, "LK102")]
    assert found[0].end.column - found[0].start.column == length
    assert expected in found[0].message


def test_lk102_miss_every_type_spaces_and_a_missing_target_is_lk101s(make_vault):
    types = ["引用", "解说", "延伸思考", "观点一致", "观点相悖", "同一事件", "上下游", "版本演进"]
    entries = [f"- [[01-博客/作者/另一篇]]；关联理由：{t}；说明：说明{t}。" for t in types]
    entries.append("- [[01-博客/作者/另一篇]] ； 关联理由： 引用 ； 说明： 有空格也可以。")
    entries.append("- [[01-博客/作者/不存在]]；关联理由：引用；说明：目标缺失归 LK101。")
    root = vault(make_vault, *entries)
    assert check(root, select=["LK102"]) == []


def test_lk102_edge_ascii_separators_accepted_by_option_crlf_and_custom_types(make_vault):
    config = '[topics]\nrelated-ascii-separators = true\nrelation-types = ["参考"]\n'
    text = article(
        "- [[01-博客/作者/另一篇]];关联理由:参考;说明:可以用半角。",
        "- [[01-博客/作者/另一篇]]；关联理由：引用；说明：引用已不在列表里。",
    ).replace("\n", "\r\n")
    root = make_vault({OTHER: "", "vaultkit.toml": config, A: text})
    found = check(root, select=["LK102"])
    assert where(found) == [(A, FIRST + 1, 25, "LK102")]
    assert "use one of 参考" in found[0].message


def test_topic_notes_related_sections_are_checked_too(make_vault):
    root = make_vault({OTHER: "", "00-元语/AI.md": "## 相关文档\n\n- [[01-博客/作者/另一篇]]\n"})
    assert where(check(root, select=["LK102"])) == [("00-元语/AI.md", 3, 3, "LK102")]


@pytest.mark.parametrize("code", ["LK101", "LK102"])
def test_documentation_has_the_sections(code):
    rule = get(code)
    assert rule.category == "links"
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Options"):
        assert section in rule.documentation(), (code, section)
