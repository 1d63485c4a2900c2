"""Topic rules TP001–TP008: a hit (exact line and column), a miss and an edge each, and the
agreement with the link rules (one finding per link: LK001 and LK006 leave topic entries to
these rules)."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, where

from vaultkit.config import from_mapping
from vaultkit.options import ConfigError
from vaultkit.rules import get

HEADING_LINE = ARTICLE.split("\n").index("## 关联主题") + 1  # 25
FIRST = HEADING_LINE + 2  # the first topic line
TOPIC_NOTE = '---\ntitle: "{name}"\n类型: "元语词条"\n---\n\n## 定义\n\n{name} 是一个主题。\n'
TOPICS = {
    f"00-元语/{name}.md": TOPIC_NOTE.format(name=name)
    for name in ("AI", "Agent", "llm", "memory", "code-review")
}
A = "01-博客/作者/a.md"
B = "01-博客/作者/b.md"
C = "01-博客/作者/c.md"


def article(*topics: str, section: str = "## 关联主题") -> str:
    """ARTICLE with its topics section replaced by these lines."""
    head = ARTICLE[: ARTICLE.index("## 关联主题")]
    return head + section + "\n\n" + "".join(line + "\n" for line in topics)


def links(*names: str) -> list[str]:
    return [f"- [[00-元语/{name}]]" for name in names]


def messages(found, code):
    return [d.message for d in found if d.code == code]


# ------------------------------------------------------------------ TP001 topic-not-found


def test_tp001_hit_suggests_the_closest_topic_and_lk001_stays_quiet(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agnet", "llm"))})
    found = check(root, select=["TP001", "LK001"])
    assert where(found) == [(A, FIRST + 1, 3, "TP001")]
    assert "the topic note `00-元语/Agnet.md` does not exist" in found[0].message
    assert "did you mean `[[00-元语/Agent]]`?" in found[0].message
    assert (found[0].end.line, found[0].end.column) == (FIRST + 1, 18)


def test_tp001_miss_every_topic_exists(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agent", "llm"), "- [[AI|人工智能]]")})
    assert check(root, select=["TP001", "LK001"]) == []


def test_tp001_edge_crlf_cjk_and_links_outside_the_section_stay_lk001(make_vault):
    text = article("- [[00-元语/未建主题]]", *links("AI", "llm"), "- [[01-博客/没有/这篇]]")
    text = text.replace("正文第一段。", "正文 [[不存在的笔记]] 第一段。").replace("\n", "\r\n")
    root = make_vault({**TOPICS, A: text})
    found = check(root, select=["TP001", "LK001"])
    assert where(found) == [
        (A, 23, 4, "LK001"),  # in the body: still the link rule's
        (A, FIRST, 3, "TP001"),
        (A, FIRST + 3, 3, "TP001"),
    ]
    assert "no similar" not in found[1].message
    assert "topics are notes under `00-元语/`" in found[2].message


def test_tp001_leaves_banned_synonym_and_near_duplicate_topics_to_their_rules(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "blog", "agents", "code review", "llm"))})
    found = check(root, select=["TP", "LK"], ignore=["TP008", "TP005"])
    assert where(found) == [
        (A, FIRST + 1, 3, "TP004"),
        (A, FIRST + 2, 3, "TP003"),
        (A, FIRST + 3, 3, "TP002"),
    ]


# ------------------------------------------------------------------ TP002 topic-near-duplicate


def test_tp002_hit_case_only_names_the_topic_note_and_lk006_stays_quiet(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agent"), "- [[00-元语/LLM|大模型]]")})
    found = check(root, select=["TP002", "LK006"])
    assert where(found) == [(A, FIRST + 2, 3, "TP002")]
    message = found[0].message
    assert "`LLM` differs from the topic `llm` only in case" in message
    assert "the topic note `00-元语/llm.md`" in message
    assert "write `[[00-元语/llm|大模型]]`" in message


def test_tp002_hit_separators_on_a_missing_spelling_is_not_tp001(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agent", "code_review"))})
    found = check(root, select=["TP", "LK"], ignore=["TP008", "TP005"])
    assert where(found) == [(A, FIRST + 2, 3, "TP002")]
    assert "only in `-`, `_` or spaces" in found[0].message


def test_tp002_without_a_note_the_most_used_spelling_wins(make_vault):
    root = make_vault(
        {
            **TOPICS,
            A: article(*links("AI", "llm", "context_engineering")),
            B: article(*links("AI", "llm", "context_engineering")),
            C: article(*links("AI", "llm", "Context Engineering")),
        }
    )
    found = check(root, select=["TP001", "TP002"])
    assert where(found) == [
        (A, FIRST + 2, 3, "TP001"),
        (B, FIRST + 2, 3, "TP001"),
        (C, FIRST + 2, 3, "TP002"),
    ]
    assert "no topic note yet; `context_engineering` is the most used spelling (2 entries)" in (
        found[2].message
    )


def test_tp002_colliding_topic_notes_report_the_less_used_note_too(make_vault):
    root = make_vault(
        {
            **TOPICS,
            "00-元语/LLM.md": TOPIC_NOTE.format(name="LLM"),
            A: article(*links("AI", "llm", "Agent")),
            B: article(*links("AI", "llm", "Agent")),
            C: article(*links("AI", "LLM", "Agent")),
        }
    )
    found = check(root, select=["TP002"])
    assert where(found) == [
        ("00-元语/LLM.md", 1, 1, "TP002"),
        (C, FIRST + 1, 3, "TP002"),
    ]
    assert "merge this one into `00-元语/llm.md` (linked by 2 topic entries)" in found[0].message


def test_tp002_miss_one_spelling_everywhere(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "llm")), B: article(*links("llm"))})
    assert check(root, select=["TP002"]) == []


# ------------------------------------------------------------------ TP003 topic-synonym


def test_tp003_hit_names_the_topic_to_use(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "llm", "agents"))})
    found = check(root, select=["TP003"])
    assert where(found) == [(A, FIRST + 2, 3, "TP003")]
    assert "`agents` is a synonym of the topic `Agent`" in found[0].message
    assert "link `[[00-元语/Agent]]` instead" in found[0].message


def test_tp003_edge_already_listed_case_and_configured_synonyms(make_vault):
    config = '[topics]\nsynonyms = { "Memo" = "memory", "大模型" = "llm" }\n'
    root = make_vault(
        {
            **TOPICS,
            "vaultkit.toml": config,
            A: article(*links("AI", "llm", "MEMO", "memory", "大模型", "agents")),
        }
    )
    found = check(root, select=["TP003"])
    assert where(found) == [(A, FIRST + 2, 3, "TP003"), (A, FIRST + 4, 3, "TP003")]
    assert "the note already lists it: remove this line" in found[0].message
    assert "the note already lists it" in found[1].message  # `llm` is listed too


def test_tp003_miss(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agent", "memory"))})
    assert check(root, select=["TP003"]) == []


# ------------------------------------------------------------------ TP004 banned-topic


def test_tp004_hit_ignores_case_and_separators(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "llm", "Agent", "Open Source", "Blog"))})
    found = check(root, select=["TP004", "TP001", "LK001"])
    assert where(found) == [(A, FIRST + 3, 3, "TP004"), (A, FIRST + 4, 3, "TP004")]
    assert "`Open Source` is a banned topic" in found[0].message


def test_tp004_edge_an_empty_banned_list_leaves_a_missing_topic_to_tp001(make_vault):
    root = make_vault(
        {**TOPICS, "vaultkit.toml": "[topics]\nbanned = []\n", A: article(*links("AI", "blog"))}
    )
    assert where(check(root, select=["TP004", "TP001"])) == [(A, FIRST + 1, 3, "TP001")]


def test_tp004_miss_banned_word_inside_a_longer_topic(make_vault):
    root = make_vault(
        {**TOPICS, "00-元语/blog-engine.md": "", A: article(*links("AI", "blog-engine"))}
    )
    assert check(root, select=["TP004"]) == []


# ------------------------------------------------------------------ TP005 topic-count


def test_tp005_hit_too_few_at_the_heading(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "llm"))})
    found = check(root, select=["TP005"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP005")]
    assert "lists only 2 topics; list 3 to 8" in found[0].message
    assert (found[0].end.line, found[0].end.column) == (HEADING_LINE, 8)


def test_tp005_hit_too_many(make_vault):
    names = ["AI", "Agent", "llm", "memory", "code-review", "t1", "t2", "t3", "t4"]
    root = make_vault({A: article(*links(*names))})
    found = check(root, select=["TP005"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP005")]
    assert "lists 9 topics; keep 3 to 8" in found[0].message


def test_tp005_miss_three_topics_topic_notes_and_empty_sections(make_vault):
    many = "\n## 关联主题\n\n" + "".join(f"- [[00-元语/t{i}]]\n" for i in range(12))
    root = make_vault(
        {
            A: article(*links("AI", "Agent", "llm")),
            B: article(),  # empty: ST106's
            "00-元语/hub.md": "# hub\n" + many,  # topic notes list their neighbours
        }
    )
    assert check(root, select=["TP005"]) == []


def test_tp005_is_off_by_default_and_counts_concept_notes(make_vault):
    concept = "- [[02-资源/工具/某项目]]"
    root = make_vault({**TOPICS, A: article(*links("AI", "llm"), concept), B: article("- [[AI]]")})
    assert "TP005" not in {d.code for d in check(root)}
    assert where(check(root, select=["TP005"])) == [(B, HEADING_LINE, 1, "TP005")]


def test_tp005_edge_banned_synonyms_duplicates_and_other_folders_do_not_count(make_vault):
    root = make_vault(
        {
            A: article(*links("AI", "Agent", "agents", "AI", "blog"), "- [[01-博客/作者/b]]"),
            B: article(*links("AI", "Agent", "llm", "blog")),
            C: article(*links("a", "b", "c", "d")),
            "vaultkit.toml": '[[overrides]]\ninclude = ["01-博客/作者/c.md"]\n'
            "topics = { min-count = 1, max-count = 0 }\n",
        }
    )
    found = check(root, select=["TP005"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP005")]
    assert "only 2 topics" in found[0].message


# ------------------------------------------------------------------ TP006 missing-topics-section


def test_tp006_hit_on_the_last_line(make_vault):
    text = ARTICLE[: ARTICLE.index("## 关联主题")].rstrip("\n") + "\n\n"
    root = make_vault({A: text})
    found = check(root, select=["TP006"])
    assert where(found) == [(A, 23, 1, "TP006")]
    assert "has no `## 关联主题` section; add one at the end" in found[0].message


def test_tp006_miss_outside_the_required_folders_and_with_the_section(make_vault):
    text = ARTICLE[: ARTICLE.index("## 关联主题")]
    root = make_vault({"04-聊天/x.md": text, "skills/y.md": text, A: ARTICLE})
    assert check(root, select=["TP006"]) == []


def test_tp006_hit_in_the_folders_the_owners_check(make_vault):
    text = ARTICLE[: ARTICLE.index("## 关联主题")].rstrip("\n") + "\n"
    root = make_vault({"02-资源/工具/x.md": text, "03-图书/作者/书.md": text, A: ARTICLE})
    found = check(root, select=["TP006"])
    assert where(found) == [
        ("02-资源/工具/x.md", 23, 1, "TP006"),
        ("03-图书/作者/书.md", 23, 1, "TP006"),
    ]


def test_tp006_edge_a_section_hidden_by_a_stray_comment_is_st116s(make_vault):
    body = ARTICLE.replace("正文第一段。", "安装时请使用 %%capture 隐藏输出。")
    root = make_vault({**TOPICS, A: body})
    found = check(root, select=["TP006", "ST117"])
    assert where(found) == [(A, ARTICLE_BODY_LINE, 8, "ST117")]


def test_tp006_edge_misspelled_heading_missing_space_open_fence_and_override(make_vault):
    body = ARTICLE[: ARTICLE.index("## 关联主题")]
    root = make_vault(
        {
            A: body + "### 关联主题\n\n- [[00-元语/AI]]\n",
            B: body + "##关联主题\n\n- [[00-元语/AI]]\n",  # ST103's
            C: body + "```python\nprint(1)\n\n## 关联主题\n\n- [[00-元语/AI]]\n",  # ST105's
            "02-资源/工具/x.md": "# x\n\n正文。\n",
            "vaultkit.toml": '[[overrides]]\ninclude = ["02-资源/**"]\n'
            "topics = { required = true }\n",
        }
    )
    found = check(root, select=["TP006"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP006"), ("02-资源/工具/x.md", 3, 1, "TP006")]
    assert "the topics heading is `### 关联主题`; write it as `## 关联主题`" in found[0].message


# ------------------------------------------------------------------ TP007 topic-entry-format


def test_tp007_hits_at_the_offending_part(make_vault):
    lines = [
        "* [[00-元语/AI]]",  # marker
        "- [[00-元语/AI]] [[00-元语/llm]]",  # two links
        "- 主题：[[00-元语/Agent]]",  # text before
        "- [[00-元语/memory]]（重要）",  # text after
        "- Agent",  # a bare word
        "- [AI](../../00-元语/AI.md)",  # a Markdown link
        "- [[llm]]",  # no folder
        "- [[01-博客/作者/b]]",  # not a topic
        "- ![[00-元语/AI]]",  # an embed
        "  - [[00-元语/AI]]",  # indented
    ]
    root = make_vault({**TOPICS, B: "", A: article(*lines)})
    found = check(root, select=["TP007"])
    assert where(found) == [
        (A, FIRST, 1, "TP007"),
        (A, FIRST + 1, 16, "TP007"),
        (A, FIRST + 2, 3, "TP007"),
        (A, FIRST + 3, 19, "TP007"),
        (A, FIRST + 4, 3, "TP007"),
        (A, FIRST + 5, 3, "TP007"),
        (A, FIRST + 6, 3, "TP007"),
        (A, FIRST + 7, 3, "TP007"),
        (A, FIRST + 8, 3, "TP007"),
        (A, FIRST + 9, 3, "TP007"),
    ]
    text = messages(found, "TP007")
    assert "`*` starts the line" in text[0]
    assert "2 links on one line" in text[1]
    assert "text `主题：` before the link" in text[2]
    assert "text `（重要）` after the link" in text[3]
    assert "`Agent` is not a link to a topic; write `- [[00-元语/Agent]]`" in text[4]
    assert "is not a wikilink" in text[5]
    assert "write the topic with its folder, `[[00-元语/llm]]`" in text[6]
    assert "links `01-博客/作者/b.md`, which is not a topic note" in text[7]
    assert "remove the `!`" in text[8]
    assert "`-` starts the line" in text[9]
    assert (found[3].end.line, found[3].end.column) == (FIRST + 3, 23)


def test_tp007_miss_clean_lines_aliases_comments_and_tag_lines(make_vault):
    lines = [
        *links("AI", "Agent"),
        "- [[00-元语/llm|大模型]]  ",
        "%% 由脚本生成 %%",
        "<!-- 备注 -->",
        "- #标签",  # ST111's
    ]
    root = make_vault({**TOPICS, A: article(*lines)})
    assert check(root, select=["TP007"]) == []
    assert where(check(root, select=["ST111"])) == [(A, FIRST + 5, 3, "ST111")]


def test_tp007_miss_an_existing_concept_note_linked_by_its_path(make_vault):
    concept = "02-资源/通用开发工具/rust：系统编程语言.md"
    lines = [*links("AI", "llm"), "- [[02-资源/通用开发工具/rust：系统编程语言|Rust]]"]
    root = make_vault({**TOPICS, concept: "# rust\n", A: article(*lines)})
    assert check(root, select=["TP001", "TP002", "TP003", "TP004", "TP007", "TP009"]) == []


def test_tp007_edge_an_article_or_the_note_itself_is_not_a_topic(make_vault):
    lines = [*links("AI", "llm"), "- [[01-博客/作者/b]]", "- [[02-资源/工具/x]]"]
    root = make_vault({**TOPICS, B: "", "02-资源/工具/x.md": article(*lines)})
    found = check(root, select=["TP007"])
    assert where(found) == [("02-资源/工具/x.md", FIRST + 2, 3, "TP007"),
                            ("02-资源/工具/x.md", FIRST + 3, 3, "TP007")]  # fmt: skip
    assert "links this note, which is not a topic note" in found[1].message


def test_tp007_edge_crlf_and_cjk_columns(make_vault):
    text = article(*links("AI", "Agent"), "- [[00-元语/llm]] 、大模型").replace("\n", "\r\n")
    root = make_vault({**TOPICS, A: text})
    found = check(root, select=["TP007"])
    assert where(found) == [(A, FIRST + 2, 17, "TP007")]
    assert (found[0].end.line, found[0].end.column) == (FIRST + 2, 21)


# ------------------------------------------------------------------ TP008 unused-topic


def test_tp008_hit_on_line_one(make_vault):
    root = make_vault({**TOPICS, A: article(*links("AI", "Agent", "llm", "memory"))})
    found = check(root, select=["TP008"])
    assert where(found) == [("00-元语/code-review.md", 1, 1, "TP008")]
    assert "no note links to the topic `code-review`" in found[0].message


def test_tp008_miss_any_link_counts_even_from_the_body_or_another_topic(make_vault):
    root = make_vault(
        {
            **TOPICS,
            "00-元语/AI.md": TOPIC_NOTE.format(name="AI") + "\n见 [[00-元语/code-review]]\n",
            A: article(*links("AI", "Agent", "llm")).replace("正文第一段。", "见 [[memory]]。"),
        }
    )
    assert check(root, select=["TP008"]) == []


def test_tp008_edge_self_links_do_not_count_and_case_mismatches_do(make_vault):
    root = make_vault(
        {
            "00-元语/AI.md": "见 [[AI]]\n",
            "00-元语/llm.md": "",
            A: article(*links("LLM")),
        }
    )
    assert where(check(root, select=["TP008"])) == [("00-元语/AI.md", 1, 1, "TP008")]


# ------------------------------------------------------------------ options and docs


def test_options_are_validated():
    with pytest.raises(ConfigError, match=r"topics.min-count \(9\) is larger"):
        from_mapping({"topics": {"min-count": 9}})
    with pytest.raises(ConfigError, match="did you mean 'max-count'"):
        from_mapping({"topics": {"max-counts": 9}})
    with pytest.raises(ConfigError, match=r"topics\.synonyms: expected a table of strings"):
        from_mapping({"topics": {"synonyms": ["agents"]}})
    with pytest.raises(ConfigError, match=r"topics\.folder"):
        from_mapping({"topics": {"folder": "/"}})


def test_custom_folder_and_section(make_vault):
    config = '[topics]\nfolder = "Topics"\nsection = "Topics"\n'
    text = article("- [[Topics/AI]]", "- [[Topics/gone]]", "- [[00-元语/AI]]", section="## Topics")
    root = make_vault({"vaultkit.toml": config, "Topics/AI.md": "", "00-元语/AI.md": "", A: text})
    found = check(root, select=["TP001", "TP007"])
    assert where(found) == [(A, FIRST + 1, 3, "TP001"), (A, FIRST + 2, 3, "TP007")]
    assert "`Topics/gone.md` does not exist" in found[0].message


@pytest.mark.parametrize("code", [f"TP00{n}" for n in range(1, 10)])
def test_documentation_has_the_sections(code):
    rule = get(code)
    doc = rule.documentation()
    assert rule.category == "topics"
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Options"):
        assert section in doc, (code, section)
