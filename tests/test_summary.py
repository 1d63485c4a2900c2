"""`vaultkit.summary`: the `## 摘要` parts, their labels and bullets; sentences; summary-stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED

from vaultkit import source
from vaultkit.cli import main
from vaultkit.note import parse as parse_note
from vaultkit.options import SummaryOptions
from vaultkit.sentences import sentence_starts
from vaultkit.summary import (
    KEY_POINTS,
    ONE_SENTENCE,
    RISKS,
    parse,
    summary_of,
)

OPTIONS = SummaryOptions()
HEAD = '---\ntitle: "一篇测试文章"\n---\n\n## 摘要\n\n'  # the summary's first line is line 7
BODY = "\n## 正文\n\n正文。\n"


def note_of(text: str, rel: str = "01-博客/x/a.md"):
    return parse_note(Path("/v") / rel, rel, source.decode(text.encode("utf-8")))


def summary(lines: str, options: SummaryOptions = OPTIONS):
    return parse(note_of(HEAD + lines + BODY), options)


def kinds(lines: str) -> list[tuple[str, int, str]]:
    found = summary(lines)
    return [(p.kind, p.label.line, p.label.text) for p in found.parts]


CANONICAL = """\
**1) 一句话总结**
某公司发布了新模型。

**2) 关键要点**
*   要点一。
*   要点二。
    *   细节，不算一条。
*   要点三。

**3) 风险/不足**
*   风险一。
"""


# ------------------------------------------------------------------ parts


def test_canonical_summary_parts_lines_and_bullets():
    found = summary(CANONICAL)
    assert found.heading_line == 5 and found.first_line == 6
    assert [(p.kind, p.label.line, p.label.column) for p in found.parts] == [
        (ONE_SENTENCE, 7, 1),
        (KEY_POINTS, 10, 1),
        (RISKS, 16, 1),
    ]
    one, points, risks = found.parts
    assert [(line.number, line.text) for line in one.lines] == [(8, "某公司发布了新模型。")]
    assert [(b.line, b.column, b.text) for b in points.bullets] == [
        (11, 1, "要点一。"),
        (12, 1, "要点二。"),
        (14, 1, "要点三。"),
    ]  # the nested bullet on line 13 belongs to its parent
    assert len(points.lines) == 4 and risks.bullets[0].text == "风险一。"
    assert found.preamble == ()
    assert not any(p.empty for p in found.parts)


def test_part_byte_spans():
    text = HEAD + CANONICAL + BODY
    note = note_of(text)
    one = parse(note, OPTIONS).parts[0]
    assert note.slice(one.start, one.end) == "**1) 一句话总结**\n某公司发布了新模型。"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("**1) 一句话总结**", ONE_SENTENCE),
        ("**一句话总结**", ONE_SENTENCE),
        ("### 1) 一句话总结", ONE_SENTENCE),
        ("1) 一句话总结", ONE_SENTENCE),
        ("1）一句话总结", ONE_SENTENCE),
        ("一句话总结：", ONE_SENTENCE),
        ("**TL;DR**", ONE_SENTENCE),
        ("**2) 关键要点**", KEY_POINTS),
        ("**2) 核心要点**", KEY_POINTS),
        ("关键点", KEY_POINTS),
        ("**关键信息**", KEY_POINTS),
        ("#### 要点", KEY_POINTS),
        ("2、关键要点", KEY_POINTS),
        ("**3) 风险/不足**", RISKS),
        ("**3) 风险与不足**", RISKS),
        ("### 3) 风险与缺口（基于原文明确提及）", RISKS),
        ("局限", RISKS),
        ("**不足与风险**", RISKS),
        ("**风险提示**", RISKS),
        ("**主要挑战**", RISKS),
        ("**3) 风险与不足：**", RISKS),
        ("（3）局限性", RISKS),
        ("三、风险与不足", RISKS),
    ],
)
def test_label_variants_are_recognised_by_meaning(label, kind):
    assert kinds(f"{label}\n内容。\n") == [(kind, 7, label)]


@pytest.mark.parametrize(
    "line",
    [
        "*   **风险**：模型可能出错。",  # a bullet is a point
        "- 关键要点",
        "**安全风险**：模型可能泄露数据。",  # a point in bold, not a label
        "**命名：跳过 o2**",
        "存在风险，需要注意。",  # sentence punctuation
        "存在风险",  # a bare line must be label words only
        "问题背景",
        "**问题背景**",  # a weak word only counts at the end
        "风险：有",
        "---",
        "**a** 和 **风险**",
        "3. 存在风险",  # a numbered point
        "1. 风险与不足",  # the number does not fit the part
    ],
)
def test_points_and_prose_are_not_labels(line):
    assert summary(f"{line}\n").parts == ()


def test_a_numbered_list_item_is_not_a_label():
    lines = "**2) 关键要点**\n1. 第一点。\n2. 第二点。\n3. 局限性\n"
    assert kinds(lines) == [(KEY_POINTS, 7, "**2) 关键要点**")]


def test_inline_label_text():
    found = summary("**一句话总结**：某公司发布了新模型。\n")
    part = found.parts[0]
    assert part.label.text == "**一句话总结**："
    assert part.label.inline is not None
    assert part.label.inline.number == 7
    assert part.label.inline.column == 11
    assert [line.text for line in part.lines] == ["某公司发布了新模型。"]


def test_code_block_lines_are_never_labels():
    lines = "**2) 关键要点**\n```\n**3) 风险/不足**\n```\n*   要点。\n"
    found = summary(lines)
    assert [p.kind for p in found.parts] == [KEY_POINTS]
    assert len(found.parts[0].bullets) == 1


def test_preamble_empty_parts_and_no_parts():
    found = summary("一段没有标签的文字。\n\n**2) 关键要点**\n\n**3) 风险/不足**\n*   风险。\n")
    assert [line.number for line in found.preamble] == [7]
    assert [p.empty for p in found.parts] == [True, False]
    free = summary("一段没有标签的文字。\n")
    assert free.parts == () and not free.empty
    assert parse(note_of(HEAD + BODY.lstrip("\n")), OPTIONS).empty


def test_no_summary_section():
    assert parse(note_of('---\ntitle: "t"\n---\n\n## 正文\n\n正文。\n'), OPTIONS) is None
    assert parse(note_of('---\ntitle: "t"\n---\n\n### 摘要\n\n文字。\n'), OPTIONS) is None


def test_h3_labels_stay_inside_the_summary():
    lines = "### 1) 一句话总结\n一句话。\n\n### 2) 关键要点\n*   要点。\n"
    found = summary(lines)
    assert [p.kind for p in found.parts] == [ONE_SENTENCE, KEY_POINTS]
    assert found.last_line == 12  # the blank line before `## 正文`


def test_crlf_and_cjk_columns():
    text = (HEAD + "**一句话总结**：中文在前。\n\n  **2) 关键要点**\n*   要点。\n" + BODY).replace(
        "\n", "\r\n"
    )
    note = note_of(text)
    one, points = parse(note, OPTIONS).parts
    # columns count characters, not UTF-8 bytes; `\r` is no part of a line
    assert (one.label.inline.number, one.label.inline.column) == (7, 11)
    assert one.lines[0].text == "中文在前。"
    assert (points.label.line, points.label.column, points.label.text) == (9, 3, "**2) 关键要点**")
    assert note.slice(points.start, points.end) == "**2) 关键要点**\r\n*   要点。"


def test_configured_labels_and_words():
    options = SummaryOptions(
        one_sentence_label="**概述**",
        one_sentence_words=["一句话"],
        key_points_words=["要闻"],
    )
    found = summary("**概述**\n一句话。\n\n**本期要闻**\n*   要点。\n", options)
    assert [(p.kind, p.label.style) for p in found.parts] == [
        (ONE_SENTENCE, "configured"),
        (KEY_POINTS, "bold"),
    ]
    assert summary("**关键要点**\n*   要点。\n", options).parts == ()


def test_summary_of_parses_once_per_note():
    note = note_of(HEAD + CANONICAL + BODY)
    first = summary_of(note, OPTIONS)
    assert summary_of(note, OPTIONS) is first
    other = SummaryOptions(key_points_min=1)
    assert summary_of(note, other) is not first
    assert summary_of(note_of(HEAD + CANONICAL + BODY), OPTIONS) is not first


def test_seed_summary_has_the_three_parts():
    seed = SHARED / "seed"
    if not seed.is_dir():
        pytest.skip(f"{seed} is not there (the shared study notes are outside the repo)")
    path = next(seed.glob("*.md"))
    found = parse(parse_note(path, "01-博客/x/seed.md", source.read(path, 10**7)), OPTIONS)
    assert [p.label.text for p in found.parts] == [
        "**1) 一句话总结**",
        "**2) 关键要点**",
        "**3) 风险/不足**",
    ]
    assert [len(p.bullets) for p in found.parts] == [0, 7, 2]
    assert sentence_starts(" ".join(line.text for line in found.parts[0].lines)) == []


# ------------------------------------------------------------------ sentences


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("某公司发布了新模型。它很强。", [10]),
        ("得分71.7%，超过o3.5与GPT-4.5。", []),
        ("他说：“好。”然后走了。", []),
        ("模型发布了……然后呢？", []),
        ("太好了！！", []),
        ("这是“期货”状态。", []),
        ("结束。”", []),
        ("它很强。🚀", []),
        ("See e.g. the U.S. Army and J. Smith, etc. today.", []),
        ("It shipped. Then it broke.", [12]),
        ("It shipped. then it broke.", []),
        ("Visit https://a.com/x.y?z=1 now. 然后结束。", [33]),
        ("版本 1. 第一", []),
        ("真的吗?真的", []),
        ("a... b", []),
        ("第一句。\n第二句。", [5]),
        ("第一句。**第二句**。", [6]),
        ("（括号里。还有一句。）之后。", []),
        ('He said "stop. now" and left.', []),
        ("价格为3.5万元！随后上涨。", [9]),
    ],
)
def test_sentence_starts(text, starts):
    assert sentence_starts(text) == starts


# ------------------------------------------------------------------ summary-stats

BLOG = '---\ntitle: "t"\n---\n\n## 摘要\n\n{}\n## 正文\n\n正文。\n'


@pytest.fixture
def drift_vault(make_vault):
    return make_vault(
        {
            "01-博客/a/one.md": BLOG.format(CANONICAL),
            "01-博客/a/two.md": BLOG.format(CANONICAL.replace("2) 关键要点", "2) 核心要点")),
            "01-博客/b/three.md": BLOG.format(
                CANONICAL.replace("**2) 关键要点**", "### 关键点").replace(
                    "风险/不足", "风险与不足"
                )
            ),
            "01-博客/b/free.md": BLOG.format("只有一段话的摘要。\n"),
            "01-博客/b/none.md": '---\ntitle: "t"\n---\n\n## 正文\n\n正文。\n',
            "02-资源/p.md": BLOG.format("**2) 核心要点**\n*   不在模板范围内。\n"),
        }
    )


def test_summary_stats_json(drift_vault):
    result = CliRunner().invoke(
        main, ["summary-stats", str(drift_vault), "--output-format", "json", "--examples", "1"]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["notes"], stats["summaries"], stats["template_notes"]) == (6, 5, 4)
    parts = {p["kind"]: p for p in stats["parts"]}
    assert [(v["label"], v["count"], v["canonical"]) for v in parts["key-points"]["variants"]] == [
        ("### 关键点", 1, False),
        ("**2) 关键要点**", 1, True),
        ("**2) 核心要点**", 1, False),
    ]
    assert parts["key-points"]["variants"][2]["examples"] == ["01-博客/a/two.md"]
    assert (
        parts["risks"]["notes"] == 3 and parts["one-sentence"]["canonical"] == "**1) 一句话总结**"
    )
    assert stats["without_parts"] == {"count": 1, "examples": ["01-博客/b/free.md"]}
    assert stats["missing_summary"] == {"count": 1, "examples": ["01-博客/b/none.md"]}


def test_summary_stats_text(drift_vault):
    result = CliRunner().invoke(main, ["summary-stats", str(drift_vault)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Summary labels in 4 notes under the summary template")
    assert "key points (canonical `**2) 关键要点**`): 3 notes, 3 ways of writing the label" in out
    assert "  1  **2) 核心要点**\n     e.g. 01-博客/a/two.md\n" in out
    assert "  3  **1) 一句话总结**  (canonical)\n" in out
    assert "summaries without any part: 1\n  e.g. 01-博客/b/free.md" in out


def test_summary_stats_of_a_folder_and_errors(drift_vault, tmp_path):
    result = CliRunner().invoke(
        main, ["summary-stats", str(drift_vault / "01-博客" / "a"), "--output-format", "json"]
    )
    assert json.loads(result.stdout)["template_notes"] == 2
    missing = CliRunner().invoke(main, ["summary-stats", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_breaks_and_comments_are_no_content():
    found = summary("**2) 关键要点**\n\n---\n\n<!-- 待写 -->\n%% 草稿 %%\n")
    assert [p.empty for p in found.parts] == [True]


def test_unevenly_indented_siblings_are_all_top_level_points():
    points = " *   一。\n*   二。\n  *   三。\n      - 细节。\n- 四。\n  - 细节。\n"
    found = summary("**2) 关键要点**\n" + points)
    assert [b.text for b in found.parts[0].bullets] == ["一。", "二。", "三。", "四。"]
