"""TP009 generic-topics-only: a `## 关联主题` made only of the owners' fallback topics, and the
scope of the topic rules (the owners' skills and prompts are not content)."""

from __future__ import annotations

from conftest import ARTICLE, check, where

HEADING_LINE = ARTICLE.split("\n").index("## 关联主题") + 1
A = "02-资源/通用开发工具/某工具：命令行文件转换工具.md"


def article(*topics: str) -> str:
    head = ARTICLE[: ARTICLE.index("## 关联主题")]
    return head + "## 关联主题\n\n" + "".join(f"- [[{topic}]]\n" for topic in topics)


def test_tp009_hit_only_fallback_topics_at_the_heading(make_vault):
    root = make_vault({A: article("00-元语/github", "00-元语/tool", "00-元语/workflow")})
    found = check(root, select=["TP009"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP009")]
    assert (found[0].end.line, found[0].end.column) == (HEADING_LINE, 8)
    assert "lists only generic fallback topics (`tool`, `workflow`, `github`)" in found[0].message


def test_tp009_miss_one_specific_topic_or_a_concept_note_is_enough(make_vault):
    root = make_vault(
        {
            A: article("00-元语/github", "00-元语/tool", "00-元语/cli"),
            "01-博客/作者/b.md": article("00-元语/AI", "02-资源/工具/某项目"),
            "01-博客/作者/c.md": article(),  # empty: ST106's
        }
    )
    assert check(root, select=["TP009"]) == []


def test_tp009_edge_case_synonyms_aliases_and_folders_not_required(make_vault):
    root = make_vault(
        {
            A: article("00-元语/GitHub|GitHub", "00-元语/agents", "AI"),
            "00-元语/hub.md": article("00-元语/AI", "00-元语/Agent"),  # a topic note
            "04-聊天/x.md": article("00-元语/AI"),  # topics not required there
            "vaultkit.toml": '[topics]\ngeneric = ["AI", "Agent", "github"]\n',
        }
    )
    found = check(root, select=["TP009"])
    assert where(found) == [(A, HEADING_LINE, 1, "TP009")]
    assert "(`AI`, `Agent`, `github`)" in found[0].message


def test_topic_rules_skip_the_owners_skills_and_prompts(make_vault):
    text = article("00-元语/translation", "00-元语/github")
    root = make_vault({"skills/x.md": text, "prompts/y.md": text, "01-博客/作者/z.md": text})
    found = check(root, select=["TP"], extend_select=["TP005"])
    assert {d.path for d in found} == {"01-博客/作者/z.md"}
