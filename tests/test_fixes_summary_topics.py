"""Fixes of SM007 (summary-label-variant) and TP003 (topic-synonym).

Each fix: the exact bytes after applying it, CRLF kept, BOM kept, CJK around the edit,
a second round changes nothing, a re-check no longer reports it, and cases with no fix.
"""

from __future__ import annotations

import pytest
from conftest import ARTICLE, check, crlf, fix_once

from vaultkit import fix
from vaultkit.diagnostics import Diagnostic

BLOG = "01-博客/作者甲/a.md"
TOPIC_NOTE = '---\ntitle: "{name}"\n---\n\n## 定义\n\n{name} 是一个主题。\n'
TOPICS = {
    f"00-元语/{name}.md": TOPIC_NOTE.format(name=name)
    for name in ("AI", "Agent", "llm", "memory", "大模型")
}
KEY_POINTS = "**2) 关键要点**"
ONE_SENTENCE = "**1) 一句话总结**\n这是一句话总结。"


def assert_fixes(
    make_vault, files: dict, rel: str, after: str, code: str, unsafe: bool = False
) -> list[Diagnostic]:
    """Fixing `rel` gives exactly `after`; a second round changes nothing and reports nothing."""
    root = make_vault(files)
    found, data = fix_once(root, rel, code, unsafe)
    assert data == after.encode("utf-8")
    assert found and all(d.fix is not None and d.fix.applicable for d in found)
    again, data_again = fix_once(root, rel, code, unsafe)
    assert again == [] and data_again == data
    return found


# ------------------------------------------------------------------ SM007 summary-label-variant


def with_label(old: str, new: str, text: str = ARTICLE) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("label", "fixed"),
    [
        ("**2) 核心要点**", KEY_POINTS),
        ("**关键要点**", KEY_POINTS),
        ("**关键要点：**", KEY_POINTS),
        ("2) 核心要点", KEY_POINTS),
        ("  __2) 关键要点__  ", f"  {KEY_POINTS}  "),  # indentation and trailing blanks stay
    ],
)
def test_sm007_fix_writes_the_canonical_label(make_vault, label, fixed):
    files = {BLOG: with_label(KEY_POINTS, label)}
    found = assert_fixes(make_vault, files, BLOG, with_label(KEY_POINTS, fixed), "SM007")
    assert [d.fix.safe for d in found] == [True]


def test_sm007_fix_edits_only_the_label(make_vault):
    root = make_vault({BLOG: with_label(KEY_POINTS, "**2) 核心要点**")})
    (diagnostic,) = check(root, select=["SM007"])
    start = ARTICLE.encode().index(KEY_POINTS.encode())
    (edit,) = diagnostic.fix.edits
    assert (edit.start, edit.end, edit.text) == (
        start,
        start + len(KEY_POINTS.encode()),
        KEY_POINTS,
    )
    assert diagnostic.fix.message == f"replace `**2) 核心要点**` with `{KEY_POINTS}`"


def test_sm007_fix_moves_inline_text_to_the_next_line(make_vault):
    files = {BLOG: with_label(ONE_SENTENCE, "**一句话总结**：这是一句话总结。")}
    found = assert_fixes(make_vault, files, BLOG, ARTICLE, "SM007")
    assert found[0].fix.message.endswith("and move the text after it to the next line")


def test_sm007_fix_keeps_crlf_bom_and_cjk(make_vault):
    before = "\ufeff" + crlf(with_label(ONE_SENTENCE, "**一句话总结** ： 这是一句话总结。"))
    after = "\ufeff" + crlf(ARTICLE)
    assert_fixes(make_vault, {BLOG: before}, BLOG, after, "SM007")
    before = "\ufeff" + crlf(with_label(KEY_POINTS, "**核心要点**"))
    after = "\ufeff" + crlf(ARTICLE)
    assert_fixes(make_vault, {"01-博客/作者甲/b.md": before}, "01-博客/作者甲/b.md", after, "SM007")


def test_sm007_heading_label_fix_is_unsafe(make_vault):
    files = {BLOG: with_label(KEY_POINTS, "### 2) 核心要点")}
    root = make_vault(files)
    (diagnostic,) = check(root, select=["SM007"])
    assert diagnostic.fix is not None and not diagnostic.fix.safe
    assert fix.choose([diagnostic]) == []  # not with --fix alone
    assert_fixes(make_vault, files, BLOG, ARTICLE, "SM007", unsafe=True)


@pytest.mark.parametrize(
    "inline",
    [
        "- 要点一。",  # would become a list item
        "1. 要点一。",
        "> 引用",
        "## 小标题",
        "---",  # would underline the label as a heading
        "| 表格 |",
    ],
)
def test_sm007_no_fix_when_the_moved_text_would_start_a_block(make_vault, inline):
    text = with_label(ONE_SENTENCE, f"**一句话总结**：{inline}")
    found = check(make_vault({BLOG: text}), select=["SM007"])
    assert [d.fix for d in found] == [None]


def test_sm007_bold_text_after_the_label_is_moved(make_vault):
    before = with_label(ONE_SENTENCE, "**一句话总结**：**某公司**发布了模型。")
    after = with_label(ONE_SENTENCE, "**1) 一句话总结**\n**某公司**发布了模型。")
    assert_fixes(make_vault, {BLOG: before}, BLOG, after, "SM007")


# ------------------------------------------------------------------ TP003 topic-synonym


def topics(*lines: str, text: str = ARTICLE) -> str:
    """ARTICLE with its topic lines replaced."""
    head = text[: text.index("## 关联主题")]
    return head + "## 关联主题\n\n" + "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(
    ("entry", "fixed"),
    [
        ("- [[00-元语/agents]]", "- [[00-元语/Agent]]"),
        ("- [[00-元语/AGENTS|智能体]]", "- [[00-元语/Agent|智能体]]"),
        ("- [[00-元语/agents.md]]", "- [[00-元语/Agent.md]]"),
        ("- [[agents]]；智能体", "- [[Agent]]；智能体"),
        ("- [[00-元语/Agents#定义]]", "- [[00-元语/Agent#定义]]"),
    ],
)
def test_tp003_fix_links_the_topic(make_vault, entry, fixed):
    files = {**TOPICS, BLOG: topics("- [[00-元语/AI]]", "- [[00-元语/llm]]", entry)}
    after = topics("- [[00-元语/AI]]", "- [[00-元语/llm]]", fixed)
    found = assert_fixes(make_vault, files, BLOG, after, "TP003")
    assert [d.fix.safe for d in found] == [True]


def test_tp003_fix_edits_only_the_name(make_vault):
    text = topics("- [[00-元语/AI]]", "- [[00-元语/llm]]", "- [[00-元语/agents|智能体]]")
    root = make_vault({**TOPICS, BLOG: text})
    (diagnostic,) = check(root, select=["TP003"])
    start = text.encode().index(b"agents|")
    (edit,) = diagnostic.fix.edits
    assert (edit.start, edit.end, edit.text) == (start, start + len("agents"), "Agent")
    assert diagnostic.fix.message == "link `[[00-元语/Agent|智能体]]`"


def test_tp003_fix_keeps_crlf_bom_and_cjk(make_vault):
    config = '[topics]\nsynonyms = { "大语言模型" = "大模型" }\n'
    lines = ("- [[00-元语/AI]]", "- [[00-元语/llm]]")
    before = "\ufeff" + crlf(topics(*lines, "- [[00-元语/大语言模型|大语言模型（LLM）]]"))
    after = "\ufeff" + crlf(topics(*lines, "- [[00-元语/大模型|大语言模型（LLM）]]"))
    files = {**TOPICS, BLOG: before, "vaultkit.toml": config}
    assert_fixes(make_vault, files, BLOG, after, "TP003")


@pytest.mark.parametrize(
    ("files", "entry"),
    [
        ({}, "- [[00-元语/Agent]]\n- [[00-元语/agents]]"),  # listed already: remove the line
        ({"00-元语/Agent.md": None}, "- [[00-元语/agents]]"),  # the topic note is missing
        ({"00-元语/agent.md": TOPIC_NOTE.format(name="agent")}, "- [[00-元语/agents]]"),
        ({}, "| [[00-元语/agents\\|智能体]] |"),  # a table's escaped pipe
        ({}, "- [[ 00-元语/agents ]]"),  # spaces inside the brackets
        ({}, "- ![[00-元语/agents]]"),  # an embed
        ({"vaultkit.toml": '[topics]\nsynonyms = { agents = "Agent", Agents = "AI" }\n'}, None),
    ],
)
def test_tp003_no_fix(make_vault, files, entry):
    vault = {**TOPICS, **files}
    vault = {rel: text for rel, text in vault.items() if text is not None}
    lines = ["- [[00-元语/AI]]", "- [[00-元语/llm]]", entry or "- [[00-元语/agents]]"]
    vault[BLOG] = topics(*lines)
    found = check(make_vault(vault), select=["TP003"])
    assert len(found) == 1 and found[0].fix is None
