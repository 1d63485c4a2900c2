"""The linker's cached index and model: what a warm `link suggest` reads, and that it
scores exactly as a cold build does (small vaults built here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_vault

np = pytest.importorskip("numpy", reason="the linker extra (numpy, scipy) is not installed")

from vaultkit import config as config_module  # noqa: E402
from vaultkit.linker import index as index_module  # noqa: E402
from vaultkit.linker.model import Model  # noqa: E402
from vaultkit.linker.related import Related  # noqa: E402
from vaultkit.linker.text import title_grams  # noqa: E402

TOPIC = '---\ntitle: "{name}"\n---\n\n## 定义\n\n{name} 的定义。\n'


def note(title: str, body: str, topics: list[str], related: tuple[str, ...] = ()) -> str:
    entries = "".join(f"- [[{rel}]]；关联理由：解说；说明：相关。\n" for rel in related)
    section = f"## 相关文档\n\n{entries}\n" if entries else ""
    links = "\n".join(f"- [[00-元语/{t}]]" for t in topics)
    return f'---\ntitle: "{title}"\n---\n\n## 正文\n\n{body}\n\n{section}## 关联主题\n\n{links}\n'


@pytest.fixture
def vault(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    files = {f"00-元语/{t}.md": TOPIC.format(name=t) for t in ("mcp", "rag", "AI")}
    for n in range(4):
        body = f"模型上下文协议 工具 会话 {n}"
        files[f"01-博客/甲/m{n}.md"] = note(f"协议笔记第{n}篇", body, ["mcp"])
        files[f"01-博客/乙/r{n}.md"] = note(f"检索增强 {n}", f"向量 检索 召回 重排 {n}", ["rag"])
    files["01-博客/乙/long.md"] = note("Claude Code 使用指南 v2", "智能体 工具 协议", ["AI"])
    files["01-博客/乙/long2.md"] = note("Claude Code 使用指南 v3", "其他 内容", ["AI"])
    files["01-博客/乙/other.md"] = note("完全不同的题目啊", "其他 内容", ["AI"])
    return write_vault(tmp_path / "vault", files)


def load(vault: Path) -> index_module.VaultIndex:
    return index_module.load(vault, config_module.load(vault))


def test_warm_index_reads_token_counts_only_when_the_model_is_built(vault: Path) -> None:
    cold = load(vault)
    Model(cold)  # builds and caches the model
    warm = load(vault)
    assert callable(warm.rows)  # tokens.npz not opened yet
    Model(warm)  # the cached model needs no counts
    assert callable(warm.rows)
    assert np.array_equal(warm.counts.data, cold.counts.data)
    assert np.array_equal(warm.counts.indptr, cold.counts.indptr)


def test_token_counts_written_for_other_notes_are_counted_again(vault: Path) -> None:
    cold = load(vault)
    warm = load(vault)
    cache = index_module.folder(vault) / "tokens.npz"
    with np.load(cache) as arrays:
        stored = {name: arrays[name] for name in arrays.files}
    stored["key"] = np.frombuffer(b"another run", np.uint8)
    stored["data"] = stored["data"] * 0 + 7  # what another vault state would have
    with open(cache, "wb") as out:
        np.savez(out, **stored)
    assert np.array_equal(warm.counts.data, cold.counts.data)  # recounted from the notes
    assert np.array_equal(warm.counts.indices, cold.counts.indices)


def test_one_note_similarity_matches_the_full_matrix(vault: Path) -> None:
    model = Model(load(vault), cache=False)
    rows = [model.similar(i) for i in range(len(model.index.notes))]
    full = model.all_similar()
    assert np.allclose(np.array(rows), full, atol=1e-6)
    assert all(row[i] == 0.0 for i, row in enumerate(rows))


def test_cached_model_scores_as_a_fresh_one(vault: Path) -> None:
    index = load(vault)
    fresh = Model(index)
    cached = Model(load(vault))
    i = index.by_rel["01-博客/甲/m0.md"]
    assert [t.key for t in fresh.topics(i)] == [t.key for t in cached.topics(i)]
    assert np.array_equal(fresh.title_ids, cached.title_ids)


def test_title_grams_are_cjk_characters_latin_words_and_pairs() -> None:
    assert title_grams("Claude Code 指南") == sorted(
        ["claude", "code", "指", "南", "claudecode", "code指", "指南"]
    )
    assert title_grams("") == []
    assert title_grams("——！") == []


def test_near_titles_hit_miss_and_short(vault: Path) -> None:
    index = load(vault)
    related = Related(Model(index))
    near = [index.notes[j].rel for j in related.near_titles(index.by_rel["01-博客/乙/long.md"])]
    assert near == ["01-博客/乙/long2.md"]  # only the version differs
    assert related.near_titles(index.by_rel["01-博客/乙/other.md"]) == []
    assert "01-博客/乙/long.md" not in near  # never itself
    short = index_module.load(vault, config_module.load(vault))
    assert Related(Model(short)).near_titles(short.by_rel["00-元语/AI.md"]) == []


@pytest.fixture
def topical(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    files = {f"00-元语/{t}.md": f'---\ntitle: "{t}"\n---\n' for t in ("mcp", "Agent", "rag", "AI")}
    for n in range(3):  # the same text: only their topics tell them apart
        files[f"01-博客/甲/m{n}.md"] = note(f"苹果香蕉第{n}篇", "苹果 香蕉 橘子", ["mcp", "Agent"])
        files[f"01-博客/乙/r{n}.md"] = note(f"香蕉苹果其{n}", "苹果 香蕉 橘子", ["rag", "AI"])
    return write_vault(tmp_path / "vault", files)


def test_a_topic_note_is_related_to_the_notes_linking_it(topical: Path) -> None:
    index = load(topical)
    related = Related(Model(index))
    i = index.by_rel["00-元语/mcp.md"]
    ranked = {c.rel: c.evidence for c in related.rank(i, related.model.similar(i), limit=4)}
    # the notes linking mcp, and the topic always linked together with it (same text all)
    assert set(ranked) == {*(f"01-博客/甲/m{n}.md" for n in range(3)), "00-元语/Agent.md"}
    assert "it links this topic" in ranked["01-博客/甲/m0.md"]
    assert "notes often link both topics (co-occurrence 1.00)" in ranked["00-元语/Agent.md"]


def test_an_article_gets_no_topic_link_evidence(topical: Path) -> None:
    index = load(topical)
    related = Related(Model(index))
    i = index.by_rel["01-博客/甲/m0.md"]
    scored = related.scores(i, related.model.similar(i))
    assert not scored.topic_links.any()
    rag_topic = index.by_rel["00-元语/rag.md"]
    assert scored.score[rag_topic] < scored.score[index.by_rel["01-博客/甲/m1.md"]]


def test_title_overlap_is_a_jaccard_index_of_cjk_and_latin_grams(vault: Path) -> None:
    index = load(vault)
    related = Related(Model(index))
    i = index.by_rel["01-博客/乙/long.md"]
    scored = related.scores(i, related.model.similar(i))
    assert scored.titles[index.by_rel["01-博客/乙/long2.md"]] == pytest.approx(11 / 15)
    assert scored.titles[index.by_rel["01-博客/乙/other.md"]] == 0.0
    assert scored.titles[i] == 0.0  # never itself
    ranked = related.rank(i, related.model.similar(i), limit=3)
    assert ranked[0].rel == "01-博客/乙/long2.md"
    assert any(e.startswith("similar titles (73%") for e in ranked[0].evidence)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://GitHub.com/Owner/Name.git", "github.com/owner/name"),
        ("https://www.gitlab.com/a/b/-/tree/main", "gitlab.com/a/b"),
        ("https://github.com/owner", None),  # an owner, not a repository
        ("https://example.com/github.com/a/b", None),  # the name in a path is no host
        ("https://example.com/文章", None),
    ],
)
def test_repository_of_a_url(url: str, expected: str | None) -> None:
    from vaultkit.linker.features import repo

    assert repo(url) == expected


def test_features_round_trip_with_lazily_decoded_fields() -> None:
    from vaultkit.linker.features import Features

    features = Features("a.md", "标题", False, ["https://a.example/x"], ["https://b.example/"])
    features.mentions, features.title_mentions = {"mcp": [2, 3, 9]}, ["mcp"]
    row = features.to_json()
    again = Features.from_json(row)
    assert "mentions" not in vars(again)  # not decoded yet
    assert again.mentions == {"mcp": [2, 3, 9]}
    assert again.body_urls == ["https://b.example/"] and again.title_mentions == ["mcp"]
    assert again == features
    assert Features.from_json(again.to_json()) == features


def test_a_value_set_before_the_lazy_fields_are_read_is_kept() -> None:
    from vaultkit.linker.features import Features

    row = Features("a.md", "t", False, body_urls=["https://b.example/"]).to_json()
    again = Features.from_json(row)
    again.mentions = {"rag": [1, 4]}  # found again: the topics' names changed
    assert again.body_urls == ["https://b.example/"]
    assert again.mentions == {"rag": [1, 4]}
    assert Features.from_json(again.to_json()).mentions == {"rag": [1, 4]}


@pytest.mark.parametrize("lazy", ["not json", "[1, 2]", "[[], [], []]", "null"])
def test_a_damaged_cache_row_reads_as_no_mentions(lazy: str) -> None:
    from vaultkit.linker.features import Features

    row = Features("a.md", "t", False).to_json()
    damaged = Features.from_json([*row[:-1], lazy])
    assert (damaged.body_urls, damaged.mentions, damaged.title_mentions) == ([], {}, [])
    with pytest.raises(AttributeError):
        _ = damaged.no_such_field
