"""Summary template rules SM001–SM010: a hit (exact line and column), a miss and an edge each."""

from __future__ import annotations

import itertools
import shutil

import pytest
from conftest import SHARED, check, where

from vaultkit.config import from_mapping
from vaultkit.options import ConfigError

BLOG = "01-博客/作者甲/a.md"
TEMPLATE_CODES = [f"SM{n:03d}" for n in range(1, 11)]
_VAULTS = itertools.count()

# Line numbers: `## 摘要` 6, part labels 8 / 11 / 18, `## 正文` 21.
NOTE = """\
---
title: "一篇测试文章"
发布日期: 2024-05-06
---

## 摘要

**1) 一句话总结**
某公司发布了新的开源模型。

**2) 关键要点**
*   要点一。
*   要点二。
*   要点三。
*   要点四。
*   要点五。

**3) 风险/不足**
*   风险一。

## 正文

正文。

## 关联主题

- [[00-元语/AI]]
"""
POINTS = "*   要点一。\n*   要点二。\n*   要点三。\n*   要点四。\n*   要点五。\n"


def diags(make_vault, text: str, code: str, path: str = BLOG, config: str | None = None):
    """The findings of `code` on one note (a fresh vault per call)."""
    files = {path: text}
    if config is not None:
        files["vaultkit.toml"] = config
    root = make_vault(files, name=f"vault{next(_VAULTS)}")
    return [d for d in check(root, select=[code]) if d.code == code]


def lint(make_vault, text: str, code: str, path: str = BLOG, config: str | None = None):
    return [(line, col) for _, line, col, _ in where(diags(make_vault, text, code, path, config))]


def test_the_clean_note_is_clean(make_vault):
    assert where(check(make_vault({BLOG: NOTE}), select=TEMPLATE_CODES)) == []


def test_seed_note_is_clean(make_vault):
    seed = SHARED / "seed"
    if not seed.is_dir():
        pytest.skip(f"{seed} is not there (the shared study notes are outside the repo)")
    source = next(seed.glob("*.md"))
    root = make_vault({})
    target = root / "01-博客" / "x" / source.name
    target.parent.mkdir(parents=True)
    shutil.copyfile(source, target)
    assert where(check(root, select=TEMPLATE_CODES)) == []


# ------------------------------------------------------------------ SM001 missing-summary

NO_SUMMARY = NOTE.replace(NOTE[NOTE.index("## 摘要") : NOTE.index("## 正文")], "")


def test_sm001_hit_points_at_the_body_heading(make_vault):
    found = diags(make_vault, NO_SUMMARY, "SM001")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(6, 1, 6)]
    assert "no `## 摘要` section; add one before `## 正文`" in found[0].message
    assert "`**1) 一句话总结**`" in found[0].message


def test_sm001_hit_without_a_body_heading(make_vault):
    text = '---\ntitle: "t"\n---\n\n正文第一段。\n'
    assert lint(make_vault, text, "SM001") == [(5, 1)]


def test_sm001_hit_on_a_summary_heading_at_the_wrong_level(make_vault):
    found = diags(make_vault, NOTE.replace("## 摘要", "### 摘要"), "SM001")
    assert [(d.start.line, d.start.column) for d in found] == [(6, 1)]
    assert "`### 摘要`; write it as `## 摘要`" in found[0].message
    assert lint(make_vault, NOTE.replace("## 摘要", "## 摘要："), "SM001") == [(6, 1)]


def test_sm001_miss(make_vault):
    assert lint(make_vault, NOTE, "SM001") == []
    assert lint(make_vault, NO_SUMMARY, "SM001", path="02-资源/项目/a.md") == []
    off = "[summary]\nrequired = false\n"
    assert lint(make_vault, NO_SUMMARY, "SM001", config=off) == []


def test_sm001_edge_override_unclosed_frontmatter_and_crlf(make_vault):
    on = '[[overrides]]\ninclude = ["02-资源/**"]\nsummary = { required = true }\n'
    assert lint(make_vault, NO_SUMMARY, "SM001", path="02-资源/项目/a.md", config=on) == [(6, 1)]
    unclosed = '---\ntitle: "t"\n\n## 正文\n\n正文。\n'
    assert lint(make_vault, unclosed, "SM001") == []  # FM002's: the body was not parsed
    assert lint(make_vault, NO_SUMMARY.replace("\n", "\r\n"), "SM001") == [(6, 1)]


# ------------------------------------------------------------------ SM002 summary-misplaced

SUMMARY_BLOCK = NOTE[NOTE.index("## 摘要") : NOTE.index("## 正文")]
LATE = NO_SUMMARY.replace("## 关联主题", SUMMARY_BLOCK + "## 关联主题")


def test_sm002_hit(make_vault):
    found = diags(make_vault, LATE, "SM002")
    line = LATE.split("\n").index("## 摘要") + 1
    assert [(d.start.line, d.start.column) for d in found] == [(line, 1)]
    assert found[0].message == (
        "`## 摘要` comes after `## 正文` (line 6); move the summary before `## 正文`"
    )


def test_sm002_miss(make_vault):
    assert lint(make_vault, NOTE, "SM002") == []
    appendix = NOTE.replace("## 摘要", "## 附录\n\n附录。\n\n## 摘要")
    assert lint(make_vault, appendix, "SM002") == []  # not a section it must precede


def test_sm002_edge_configured_sections(make_vault):
    appendix = NOTE.replace("## 摘要", "## 附录\n\n附录。\n\n## 摘要")
    config = '[summary]\nplace-before = ["附录"]\n'
    assert lint(make_vault, appendix, "SM002", config=config) == [(10, 1)]
    assert lint(make_vault, LATE, "SM002", config=config) == []


# ------------------------------------------------------------------ SM003 summary-part-missing


def test_sm003_hit_missing_key_points(make_vault):
    text = NOTE.replace("**2) 关键要点**\n" + POINTS + "\n", "")
    found = diags(make_vault, text, "SM003")
    assert [(d.start.line, d.start.column) for d in found] == [(6, 1)]
    assert "has no key points part; add `**2) 关键要点**`" in found[0].message


def test_sm003_hit_once_for_a_summary_without_parts(make_vault):
    text = NOTE.replace(SUMMARY_BLOCK, "## 摘要\n\n一段自由的摘要文字。\n\n又一段文字。\n\n")
    found = diags(make_vault, text, "SM003")
    assert [(d.start.line, d.start.column) for d in found] == [(6, 1)]
    assert "has none of the template's parts" in found[0].message


def test_sm003_miss_the_template_shape_without_labels(make_vault):
    # The owners' prompt names the parts but no label: a sentence, then the points.
    shape = NOTE.replace(SUMMARY_BLOCK, "## 摘要\n\n某公司发布了新模型。\n\n" + POINTS + "\n")
    assert lint(make_vault, shape, "SM003") == []
    for label in ("**2) 关键发现**", "**2) 核心看点 (Key Points)**"):
        text = NOTE.replace("**2) 关键要点**", label)
        assert lint(make_vault, text, "SM003") == [], label
        assert lint(make_vault, text, "SM008") == [], label


def test_sm003_hit_on_an_unlabelled_sentence(make_vault):
    text = NOTE.replace("**1) 一句话总结**\n", "")
    found = diags(make_vault, text, "SM003")
    assert [(d.start.line, d.start.column) for d in found] == [(8, 1)]
    assert "put `**1) 一句话总结**` on the line above it" in found[0].message


def test_sm003_miss(make_vault):
    no_risks = NOTE.replace("**3) 风险/不足**\n*   风险一。\n\n", "")
    assert lint(make_vault, no_risks, "SM003") == []  # the risks part is optional
    free = NOTE.replace(SUMMARY_BLOCK, "## 摘要\n\n一段自由的摘要文字。\n\n")
    assert lint(make_vault, free, "SM003", path="02-资源/项目/a.md") == []  # no template there
    empty = NOTE.replace(SUMMARY_BLOCK, "## 摘要\n\n")
    assert lint(make_vault, empty, "SM003") == []  # ST106 reports an empty section


def test_sm003_edge_risks_required(make_vault):
    no_risks = NOTE.replace("**3) 风险/不足**\n*   风险一。\n\n", "")
    config = "[summary]\nrisks-required = true\n"
    assert lint(make_vault, no_risks, "SM003", config=config) == [(6, 1)]


# ------------------------------------------------------------------ SM004 summary-part-order

SWAPPED = NOTE.replace(
    "**1) 一句话总结**\n某公司发布了新的开源模型。\n\n**2) 关键要点**\n" + POINTS,
    "**2) 关键要点**\n" + POINTS + "\n**1) 一句话总结**\n某公司发布了新的开源模型。\n",
)


def test_sm004_hit(make_vault):
    found = diags(make_vault, SWAPPED, "SM004")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(15, 1, 13)]
    assert "comes after the key points part `**2) 关键要点**` (line 8)" in found[0].message


def test_sm004_miss(make_vault):
    assert lint(make_vault, NOTE, "SM004") == []


def test_sm004_edge_a_repeated_part_is_not_out_of_order(make_vault):
    again = NOTE.replace("**3) 风险/不足**", "**一句话总结**\n又一句。\n\n**3) 风险/不足**")
    assert lint(make_vault, again, "SM004") == []  # SM005's
    assert lint(make_vault, again, "SM005") == [(18, 1)]
    risks_first = NOTE.replace("## 摘要\n", "## 摘要\n\n**3) 风险/不足**\n*   风险。\n")
    assert lint(make_vault, risks_first, "SM004") == [(11, 1), (14, 1)]


# ------------------------------------------------------------------ SM005 summary-part-duplicate


def test_sm005_hit(make_vault):
    text = NOTE.replace("**3) 风险/不足**", "**核心要点**\n*   又一条。\n\n**3) 风险/不足**")
    found = diags(make_vault, text, "SM005")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(18, 1, 9)]
    assert found[0].message == (
        "a second key points part `**核心要点**` (the first, `**2) 关键要点**`, is on line 11); "
        "merge them under one label"
    )


def test_sm005_miss(make_vault):
    assert lint(make_vault, NOTE, "SM005") == []


def test_sm005_edge_points_in_bold_are_no_second_part(make_vault):
    text = NOTE.replace("*   要点五。", "*   **关键要点**：这是一条要点。")
    assert lint(make_vault, text, "SM005") == []


# ------------------------------------------------------------------ SM006 summary-part-empty


def test_sm006_hit(make_vault):
    text = NOTE.replace("**2) 关键要点**\n" + POINTS, "**2) 关键要点**\n")
    found = diags(make_vault, text, "SM006")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(11, 1, 12)]
    assert "key points part is empty; write the key points under it" in found[0].message
    risks = NOTE.replace("*   风险一。\n", "")
    found = diags(make_vault, risks, "SM006")
    assert [(d.start.line, d.start.column) for d in found] == [(18, 1)]
    assert "remove the label (the risks part is optional)" in found[0].message


def test_sm006_miss(make_vault):
    assert lint(make_vault, NOTE, "SM006") == []


def test_sm006_edge_inline_text_is_content(make_vault):
    inline = NOTE.replace("**1) 一句话总结**\n某公司", "**1) 一句话总结**：某公司")
    assert lint(make_vault, inline, "SM006") == []
    assert lint(make_vault, inline, "SM007") == [(8, 1)]


# ------------------------------------------------------------------ SM007 summary-label-variant


def test_sm007_hit(make_vault):
    text = NOTE.replace("**2) 关键要点**", "**2) 核心要点**").replace(
        "**3) 风险/不足**", "风险与不足"
    )
    found = diags(make_vault, text, "SM007")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [
        (11, 1, 12),
        (18, 1, 6),
    ]
    assert found[0].message == (
        "key points label `**2) 核心要点**` is not the template's; write `**2) 关键要点**`"
    )
    assert found[0].fix.message == "replace `**2) 核心要点**` with `**2) 关键要点**`"
    assert "write `**3) 风险/不足**`" in found[1].message


@pytest.mark.parametrize(
    ("label", "column", "length"),
    [
        ("**一句话总结**", 1, 9),
        ("### 1) 一句话总结", 1, 12),
        ("1) 一句话总结", 1, 8),
        ("  **1）一句话总结**", 3, 11),
    ],
)
def test_sm007_hit_on_real_drift(make_vault, label, column, length):
    found = diags(make_vault, NOTE.replace("**1) 一句话总结**", label), "SM007")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [
        (8, column, column + length)
    ]
    assert found[0].message.endswith("write `**1) 一句话总结**`")


def test_sm007_miss(make_vault):
    assert lint(make_vault, NOTE, "SM007") == []
    drift = NOTE.replace("**2) 关键要点**", "**2) 核心要点**")
    assert lint(make_vault, drift, "SM007", path="02-资源/项目/a.md") == []  # no template there
    accepted = '[summary]\nkey-points-accepted = ["**2) 核心要点**"]\n'
    assert lint(make_vault, drift, "SM007", config=accepted) == []


def test_sm007_edge_configured_canonical_label_inline_text_and_crlf(make_vault):
    config = '[summary]\nkey-points-label = "### 关键要点"\n'
    found = diags(make_vault, NOTE, "SM007", config=config)
    assert [(d.start.line, d.message.endswith("write `### 关键要点`")) for d in found] == [
        (11, True)
    ]
    assert (
        lint(make_vault, NOTE.replace("**2) 关键要点**", "### 关键要点"), "SM007", config=config)
        == []
    )
    inline = NOTE.replace("**1) 一句话总结**\n某公司", "**一句话总结**：某公司")
    found = diags(make_vault, inline.replace("\n", "\r\n"), "SM007")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(8, 1, 11)]
    assert found[0].fix.message == (
        "replace `**一句话总结**：` with `**1) 一句话总结**` and move the text after it to the "
        "next line"
    )


# ------------------------------------------------------------------ SM008 one-sentence-too-long

ONE = "某公司发布了新的开源模型。"


def test_sm008_hit(make_vault):
    text = NOTE.replace(ONE, ONE + "该模型在多个基准上领先。随后开放下载。")
    found = diags(make_vault, text, "SM008")
    assert [(d.start.line, d.start.column, d.end.line, d.end.column) for d in found] == [
        (9, 14, 9, 33)
    ]
    assert found[0].message == (
        "the one-sentence summary has 3 sentences; keep one sentence (move the rest into "
        "`**2) 关键要点**`)"
    )


def test_sm008_hit_across_lines_and_in_latin(make_vault):
    text = NOTE.replace(ONE, "OpenAI shipped o3. It beats o1 by 20 points.")
    assert lint(make_vault, text, "SM008") == [(9, 20)]
    text = NOTE.replace(ONE, ONE + "\n第二句在下一行。")
    assert lint(make_vault, text, "SM008") == [(10, 1)]


def test_sm008_miss(make_vault):
    assert lint(make_vault, NOTE, "SM008") == []
    for sentence in (
        "OpenAI 发布 o3.5，得分 71.7%，e.g. 超过 U.S. 团队……详见 https://example.com/a.b?c=1 。",
        "他说：“我们到了。”然后宣布了新模型。",
        "新模型（据称更快。也更便宜。）正式发布。",
        "新模型发布了！🎉",
        "用 `a。b` 调用新接口。",
    ):
        assert lint(make_vault, NOTE.replace(ONE, sentence), "SM008") == [], sentence


def test_sm008_edge_inline_label_cjk_column_and_bullets(make_vault):
    inline = NOTE.replace("**1) 一句话总结**\n" + ONE, "**1) 一句话总结**：" + ONE + "第二句。")
    assert lint(make_vault, inline, "SM008") == [(8, 27)]
    bullets = NOTE.replace(ONE, "*   第一点。\n*   第二点。")
    found = diags(make_vault, bullets, "SM008")
    assert [(d.start.line, d.start.column) for d in found] == [(10, 1)]
    assert "written as 2 bullet points" in found[0].message
    crlf = NOTE.replace(ONE, ONE + "第二句。").replace("\n", "\r\n")
    assert lint(make_vault, crlf, "SM008") == [(9, 14)]


# ------------------------------------------------------------------ SM009 key-points-count


LONG_BODY = "正文。\n\n" + "这是一段足够长的正文，讲了很多具体的事实与数据。" * 25 + "\n"


def test_sm009_hit(make_vault):
    text = NOTE.replace("*   要点四。\n*   要点五。\n", "").replace("正文。\n", LONG_BODY)
    found = diags(make_vault, text, "SM009")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(11, 1, 12)]
    assert found[0].message == (
        "the key points have 3 bullet points; the template asks for 5–10 (write at least 5)"
    )
    many = NOTE.replace(POINTS, POINTS * 3)  # too many: whatever the body
    found = diags(make_vault, many, "SM009")
    assert "have 15 bullet points" in found[0].message and "at most 10" in found[0].message


def test_sm009_miss(make_vault):
    assert lint(make_vault, NOTE, "SM009") == []
    nested = NOTE.replace("*   要点五。\n", "*   要点五。\n    *   细节一。\n    *   细节二。\n")
    assert lint(make_vault, nested, "SM009") == []  # nested bullets belong to their parent


def test_sm009_edge_configured_bounds_and_prose(make_vault):
    config = "[summary]\nkey-points-min = 1\nkey-points-max = 4\n"
    assert lint(make_vault, NOTE, "SM009", config=config) == [(11, 1)]
    prose = NOTE.replace(POINTS, "一段文字代替要点。\n").replace("正文。\n", LONG_BODY)
    found = diags(make_vault, prose, "SM009")
    assert "have 1 line and no bullet points" in found[0].message


def test_summary_options_are_validated():
    with pytest.raises(ConfigError, match=r"summary\.key-points-min"):
        from_mapping({"summary": {"key-points-min": 11}})
    with pytest.raises(ConfigError, match=r"summary\.leakage-patterns: '\(' is not a valid"):
        from_mapping({"summary": {"leakage-patterns": ["("]}})
    with pytest.raises(ConfigError, match=r"summary\.template: expected true or false"):
        from_mapping({"summary": {"template": "yes"}})


# ------------------------------------------------------------------ SM010 summary-leakage


def test_sm010_hit(make_vault):
    sentence = "本文围绕“开源模型”提炼了核心观点，见关联主题与 [[00-元语/AI]]。"
    found = diags(make_vault, NOTE.replace(ONE, sentence), "SM010")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [
        (9, 1, 13),  # 本文围绕“开源模型”提炼
        (9, 20, 24),  # 关联主题
        (9, 26, 38),  # [[00-元语/AI]], reported once (not again for its `元语`)
    ]
    assert found[0].message.startswith("the summary says `本文围绕“开源模型”提炼`")
    assert found[2].message.startswith("the summary links `[[00-元语/AI]]`")


def test_sm010_miss(make_vault):
    assert lint(make_vault, NOTE, "SM010") == []  # `## 关联主题` itself is outside the summary
    for sentence in ("某公司研究元语言的新模型。", "某公司发布了 `关联主题` 接口。"):
        assert lint(make_vault, NOTE.replace(ONE, sentence), "SM010") == [], sentence


def test_sm010_edge_outside_the_template_config_and_ignores(make_vault):
    text = NOTE.replace("*   风险一。", "*   元语：示例。")
    assert lint(make_vault, text, "SM010", path="02-资源/项目/a.md") == [(19, 5)]
    assert lint(make_vault, text, "SM010", path="06-文档系统/规则.md") == []
    link = NOTE.replace(ONE, "见 [[其他笔记]]。")
    assert lint(make_vault, link, "SM010") == [(9, 3)]
    assert lint(make_vault, link, "SM010", config="[summary]\nleakage-wikilinks = false\n") == []
    config = '[summary]\nleakage-phrases = []\nleakage-patterns = ["风险一"]\n'
    assert lint(make_vault, NOTE, "SM010", config=config) == [(19, 5)]


def test_sm010_templated_filler_and_process_data(make_vault):
    filler = {
        "本文聚焦定位，便于后续选型与归档检索。": "本文聚焦定位，便于后续选型与归档检索",
        "主题定位：原文落在“模型”，不是泛泛而谈。": "主题定位：原文落在“模型”，不是泛泛而谈",
        "默认分支为 `main`（当前 HEAD 提交为 `57aa064e97`）。": "HEAD 提交为 `57aa064e97`",
        "项目参考热度分为 3022。": "参考热度分为 3022",
        "本文档仅记录公开信息，不能替代官方文档与发行说明。": "不能替代官方文档与发行说明",
    }  # fmt: skip
    for sentence, said in filler.items():
        (found,) = diags(make_vault, NOTE.replace(ONE, sentence), "SM010")
        assert (found.start.line, found.start.column) == (9, sentence.index(said) + 1), sentence
        assert found.message.startswith(f"the summary says `{said}`")


def test_sm010_filler_miss_and_edge(make_vault):
    facts = (
        "该项目聚焦本地推理，便于离线使用。",  # a project that focuses: not the archive's filler
        "提交记录显示 HEAD 指针可回退。",  # git's HEAD as the article's subject
        "本归档不替代官方文档，且不复述任何规避限制的可操作细节。",  # the required boundary
    )
    for sentence in facts:
        assert lint(make_vault, NOTE.replace(ONE, sentence), "SM010") == [], sentence


def test_sm009_edge_a_brief_needs_no_five_points(make_vault):
    brief = NOTE.replace("*   要点四。\n*   要点五。\n", "")  # a body of one word
    assert lint(make_vault, brief, "SM009") == []
    config = "[summary]\nkey-points-min-body = 0\n"
    assert lint(make_vault, brief, "SM009", config=config) == [(11, 1)]
    linked = brief.replace("正文。\n", "[原文](https://example.com/" + "a" * 600 + ")\n")
    assert lint(make_vault, linked, "SM009") == []  # a link target is no prose
