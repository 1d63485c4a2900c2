"""Topic mentions in CJK prose: boundaries, longest match, aliases, and what is never prose."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("numpy", reason="the linker extra (numpy, scipy) is not installed")

from vaultkit.linker.matching import Matcher, ambiguous
from vaultkit.linker.text import prose, tokens
from vaultkit.note import parse
from vaultkit.source import decode

TOPICS = {
    "mcp": ["mcp", "Model Context Protocol"],
    "claudecode": ["Claude Code"],
    "claude": ["Claude"],
    "codereview": ["code-review", "代码审查"],
    "gpu互连": ["GPU互连"],
    "知识工作": ["知识工作"],
    "知识图谱": ["知识图谱"],
    "x": ["x"],
}


def spans(text: str) -> list[tuple[str, str]]:
    matcher = Matcher(TOPICS)
    return [(text[s:e], topic) for s, e, topic in matcher.spans(text)]


def test_latin_name_next_to_cjk_is_a_mention() -> None:
    assert spans("使用MCP协议") == [("MCP", "mcp")]
    assert spans("使用 mcp 协议，再用Mcp。") == [("mcp", "mcp"), ("Mcp", "mcp")]


def test_latin_name_inside_a_word_is_not() -> None:
    assert spans("MCPs 和 smcp 以及 mcp2") == []


def test_separators_in_a_latin_name_are_interchangeable() -> None:
    assert spans("做 code review，或 code-review，或 code_review") == [
        ("code review", "codereview"),
        ("code-review", "codereview"),
        ("code_review", "codereview"),
    ]


def test_longest_name_wins_where_names_overlap() -> None:
    assert spans("用Claude Code写，用Claude聊") == [
        ("Claude Code", "claudecode"),
        ("Claude", "claude"),
    ]


def test_cjk_names_are_substrings_with_latin_edges_checked() -> None:
    assert spans("多GPU互连方案与知识工作者") == [("GPU互连", "gpu互连"), ("知识工作", "知识工作")]
    assert spans("XGPU互连") == []


def test_aliases_match_like_names() -> None:
    assert spans("Model Context Protocol 与代码审查") == [
        ("Model Context Protocol", "mcp"),
        ("代码审查", "codereview"),
    ]


def test_short_and_common_names_are_ambiguous() -> None:
    assert ambiguous("x") and ambiguous("v0") and ambiguous("meta")
    assert not ambiguous("mcp") and not ambiguous("知识图谱")


def test_mentions_carry_their_line() -> None:
    found = Matcher(TOPICS).mentions("第一行\n第二行讲MCP\n\n知识图谱")
    assert [(m.topic, m.line, m.text) for m in found] == [
        ("mcp", 2, "MCP"),
        ("知识图谱", 4, "知识图谱"),
    ]


NOTE = """\
---
title: "MCP 笔记"
tags: [mcp]
---

## 正文

正文讲 MCP 协议。

```python
mcp = "code"
```

行内 `mcp` 代码，公式 $mcp$，链接 [MCP 文档](https://x.com/mcp) 和 [[00-元语/mcp]]，
网址 https://example.com/mcp/page 和 www.mcp.dev/page。%% mcp 注释 %%

<div>
mcp in an HTML block
</div>

## 关联主题

- [[00-元语/mcp]]
"""


def test_prose_blanks_everything_that_is_not_prose(tmp_path: Path) -> None:
    note = parse(tmp_path / "n.md", "n.md", decode(NOTE.encode()))
    text = prose(note, ("关联主题", "相关文档"))
    assert len(text.split("\n")) == len(NOTE.split("\n"))  # lines stay in place
    found = Matcher(TOPICS).mentions(text)
    assert [(m.line, m.text) for m in found] == [(8, "MCP")]


def test_tokens_are_cjk_bigrams_and_latin_words() -> None:
    assert tokens("知识图谱 and the GPU") == {"知识": 1, "识图": 1, "图谱": 1, "gpu": 1}
