"""Checking a few notes against a cached vault: vault rules read the other notes' facts only,
and find exactly what they find with every note parsed."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, write_vault

from vaultkit.linter import check_paths
from vaultkit.note import LazyNote

SAME_URL = "https://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=Y"
MAIL = "someone@example.com"  # ending three notes of one folder (ST120)
BODY = "这是一篇关于模型训练的长文，讨论了数据、算力和评测。" * 3


def article(url: str, topics: list[str], body: str = BODY, extra: str = "") -> str:
    text = ARTICLE.replace("https://example.com/posts/clean", url)
    text = text.replace("正文第一段。", body + extra)
    head, _, _ = text.partition("## 关联主题")
    paths = [t if "/" in t else f"00-元语/{t}" for t in topics]  # `元语/llm`: resolved to tell
    return head + "## 关联主题\n\n" + "".join(f"- [[{path}]]\n" for path in paths)


def topic(name: str) -> str:
    return f"---\ntitle: {name}\n类型: 主题\n---\n\n# {name}\n\n定义。\n"


FILES = {
    "00-元语/AI.md": topic("AI"),
    "00-元语/llm.md": topic("llm"),
    "00-元语/LLM.md": topic("LLM"),  # near duplicate of llm (TP002)
    "00-元语/Agent.md": topic("Agent"),
    "00-元语/无人用.md": topic("无人用"),  # linked by nobody (TP008)
    "01-博客/甲/一.md": article(SAME_URL, ["AI", "llm", "Agent"], extra=f"\n\n{MAIL}"),
    "01-博客/甲/五.md": article("https://example.com/5", ["AI", "Agent"], extra=f"\n\n{MAIL}"),
    "01-博客/甲/六.md": article("https://example.com/6", ["AI", "元语/llm"], extra=f"\n\n{MAIL}"),
    "01-博客/乙/二.md": article(SAME_URL + "&chksm=1", ["AI", "llm", "Agent"]),  # FM017
    "01-博客/丙/三.md": article(
        "https://example.com/3", ["AI", "LLM", "Agent"], extra="\n\n见 [[一#不存在的标题]]。"
    ),
    "01-博客/丁/四.md": article(
        "https://example.com/4", ["AI", "缺失的主题", "Agent"], extra="\n\n见 [[不存在的笔记]]。"
    ),
}


def key(run) -> list[tuple]:
    return [(d.path, d.start, d.end, d.code, d.message) for d in run.result.diagnostics]


@pytest.fixture
def vault(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    return write_vault(tmp_path / "vault", FILES)


@pytest.mark.parametrize("rel", sorted(FILES))
def test_one_note_against_a_cached_vault_finds_what_a_full_check_finds(vault, rel):
    extra = ["LK008", "LK009"]
    whole = check_paths([vault], use_cache=False, extend_select=extra)
    assert {"FM017", "TP001", "TP002", "TP008", "LK001", "LK004", "ST120"} <= {
        d.code for d in whole.result.diagnostics
    }
    check_paths([vault], use_cache=True, extend_select=extra)  # the cache: notes and facts
    one = check_paths([vault / rel], use_cache=True, extend_select=extra)
    assert not one.result.internal_errors
    expected = [f for f in key(whole) if f[0] == rel]
    assert key(one) == expected
    assert key(check_paths([vault / rel], use_cache=False, extend_select=extra)) == expected


def test_notes_that_are_not_checked_stay_unread(vault):
    check_paths([vault], use_cache=True)
    run = check_paths([vault / "01-博客/丁/四.md"], use_cache=True)
    others = [note for note in run.vault.notes if note.rel != "01-博客/丁/四.md"]
    assert others and all(isinstance(note, LazyNote) for note in others)
    assert not any(note.loaded for note in others)  # facts were enough
    assert {d.code for d in run.result.diagnostics} >= {"TP001", "LK001"}


def test_a_lazy_note_loads_its_record_when_read(vault):
    check_paths([vault], use_cache=True)
    run = check_paths([vault / "01-博客/丁/四.md"], use_cache=True)
    lazy = run.vault.by_rel["01-博客/甲/一.md"]
    assert not lazy.loaded
    assert lazy.source is not None and "## 关联主题" in lazy.text  # read from the file again
    assert lazy.loaded and [h.text for h in lazy.headings][:1] == ["摘要"]


def test_an_edited_note_changes_what_the_others_report(vault):
    check_paths([vault], use_cache=True)
    second = vault / "01-博客/乙/二.md"
    second.write_text(FILES["01-博客/乙/二.md"].replace(SAME_URL, "https://example.com/2"))
    first = check_paths([vault / "01-博客/甲/一.md"], use_cache=True)
    assert "FM017" not in {d.code for d in first.result.diagnostics}  # no duplicate any more
    unused = vault / "00-元语/无人用.md"
    (vault / "01-博客/丙/三.md").write_text(
        FILES["01-博客/丙/三.md"].replace("- [[00-元语/Agent]]", "- [[00-元语/无人用]]")
    )
    assert "TP008" not in {d.code for d in check_paths([unused], use_cache=True).result.diagnostics}
