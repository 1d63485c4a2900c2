"""The `related` part of a topic score: the topics of the notes a note is related to
(its `## 相关文档` targets and the notes whose entries name it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_vault
from test_linker_index import TOPIC, note

pytest.importorskip("numpy", reason="the linker extra (numpy, scipy) is not installed")

from vaultkit import config as config_module
from vaultkit.linker import index as index_module
from vaultkit.linker.model import Model, describe


@pytest.fixture
def model(tmp_path: Path, monkeypatch) -> Model:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    files = {f"00-元语/{name}.md": TOPIC.format(name=name) for name in ("rag", "security", "AI")}
    files |= {
        # a names b (and a topic note); b names c; d names c and e, which has no topics
        "01-博客/a.md": note("甲文", "向量 召回 重排。", ["rag"], ["01-博客/b", "00-元语/AI"]),
        "01-博客/b.md": note("乙文", "权限 审计 漏洞。", ["security", "AI"], ["01-博客/c"]),
        "01-博客/c.md": note("丙文", "密钥 隔离 攻击。", ["security"]),
        "01-博客/d.md": note("丁文", "嵌入 向量 检索。", ["rag"], ["01-博客/c", "01-博客/e"]),
        "01-博客/e.md": note("戊文", "还没有 主题 的 文章。", []),
        "01-博客/f.md": note("己文", "没有 关系 的 文章。", ["AI"]),
    }
    root = write_vault(tmp_path / "vault", files)
    return Model(index_module.load(root, config_module.load(root)))


def part(model: Model, rel: str, topic: str) -> tuple[float, list[str]]:
    i = model.index.by_rel[rel]
    score = next(s for s in model.topics(i) if s.key == topic)
    return score.parts["related"], describe(score, model, i)


def test_a_related_notes_topic_counts_with_its_evidence(model: Model) -> None:
    value, evidence = part(model, "01-博客/a.md", "security")
    # one related example (b; the topic note AI is no example) links it: 1 / (1 + 1)
    assert value == pytest.approx(0.5)
    assert "1 of the 1 notes it is related to link it" in evidence


def test_the_relation_holds_both_ways(model: Model) -> None:
    value, evidence = part(model, "01-博客/c.md", "ai")  # c names no note; b and d name c
    assert value == pytest.approx(1 / 3)
    assert "1 of the 2 notes it is related to link it" in evidence
    # b is named by a and names c: rag from a, security from c, each 1 / (2 + 1)
    assert part(model, "01-博客/b.md", "rag")[0] == pytest.approx(1 / 3)
    assert part(model, "01-博客/b.md", "security")[0] == pytest.approx(1 / 3)


def test_a_note_without_related_notes_gets_nothing(model: Model) -> None:
    for topic in ("rag", "security", "ai"):
        value, evidence = part(model, "01-博客/f.md", topic)
        assert value == 0.0
        assert not any("related to" in line for line in evidence)


def test_a_related_note_without_topics_neither_votes_nor_dilutes(model: Model) -> None:
    value, evidence = part(model, "01-博客/d.md", "security")  # from c; e does not count
    assert value == pytest.approx(0.5)
    assert "1 of the 1 notes it is related to link it" in evidence
