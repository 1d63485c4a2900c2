"""ST117 stray-comment: a `%%` that hides part of the note by accident, reported at the `%%`."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, where

from vaultkit.rules import get

A = "01-博客/作者/a.md"


def test_st117_hit_an_unclosed_comment_names_the_sections_it_hides(make_vault):
    body = ARTICLE.replace("正文第一段。", "安装时请使用 %%capture 隐藏 pip 的输出。")
    root = make_vault({A: body})
    found = check(root, select=["ST117"])
    assert where(found) == [(A, ARTICLE_BODY_LINE, 8, "ST117")]
    assert (found[0].end.line, found[0].end.column) == (ARTICLE_BODY_LINE, 17)
    last = len(body.rstrip("\n").split("\n"))
    assert found[0].message == (
        f"`%%capture` opens an Obsidian comment that never closes: lines "
        f"{ARTICLE_BODY_LINE}–{last} are hidden, `## 关联主题` among them; "
        "write it as code (`` `%%capture` ``) or remove it"
    )


def test_st117_hit_a_glued_marker_closed_lines_later(make_vault):
    text = "- 使用 %%capture 隐藏输出\n- 第二条\n\n## 小节\n\n- 再用 %%capture 一次\n"
    root = make_vault({A: ARTICLE.replace("正文第一段。", text)})
    found = check(root, select=["ST117"])
    line = ARTICLE_BODY_LINE
    assert where(found) == [(A, line, 6, "ST117")]
    assert f"a later `%%` closes: lines {line}–{line + 5} are hidden, `## 小节` among them" in (
        found[0].message
    )


def test_st117_miss_comments_written_on_purpose_and_markers_in_code(make_vault):
    text = (
        "%% 一行注释 %%\n\n%%\n多行注释\n%%\n\n一句 %%行内%% 注释。\n\n"
        "`%%capture` 在代码里。\n\n```python\n%%capture\n```\n"
    )
    root = make_vault({A: ARTICLE.replace("正文第一段。", text)})
    assert check(root, select=["ST117"]) == []


def test_st117_edge_a_heading_inside_a_fence_in_the_comment_is_not_listed(make_vault):
    text = "请用 %%time 计时。\n\n```markdown\n## 不是小节\n```\n"
    body = ARTICLE.replace("正文第一段。", text).replace("\n## 关联主题", "\n## 关联")
    root = make_vault({A: body})
    [finding] = check(root, select=["ST117"])
    assert "`## 关联` among them" in finding.message and "不是小节" not in finding.message
    assert (finding.start.line, finding.start.column) == (ARTICLE_BODY_LINE, 4)


@pytest.mark.parametrize("code", ["ST117"])
def test_documentation_has_the_sections(code):
    doc = get(code).documentation()
    for section in ("## What it does", "## Why is this bad?", "## Example"):
        assert section in doc
