"""`vaultkit link`: suggest (text and JSON schema), topics, eval, apply and decisions, on a
small vault built here (and on the real corpus when ../shared is there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED, write_vault

pytest.importorskip("numpy", reason="the linker extra (numpy, scipy) is not installed")
jsonschema = pytest.importorskip("jsonschema")

from vaultkit.cli import main  # noqa: E402
from vaultkit.linker.suggest import SCHEMA  # noqa: E402


def run_cli(*args: str):
    """The CLI in-process: `.exit_code`, `.stdout`, and `.output` (stdout and stderr)."""
    return CliRunner().invoke(main, [str(a) for a in args])


TOPIC = '---\ntitle: "{name}"\n{extra}---\n\n## 定义\n\n{name} 的定义。\n'


def article(title: str, body: str, topics: list[str], related: str = "", url: str = "") -> str:
    url = url or f"https://example.com/{abs(hash(title))}"
    lines = "\n".join(f"- [[00-元语/{t}]]" for t in topics)
    related = f"## 相关文档\n\n{related}\n\n" if related else ""
    return (
        f'---\ntitle: "{title}"\n原文链接: "{url}"\n---\n\n## 正文\n\n{body}\n\n'
        f"{related}## 关联主题\n\n{lines}\n"
    )


MCP_BODY = "模型上下文协议 让智能体调用工具，服务端 客户端 协议 传输 会话。"
RAG_BODY = "检索增强生成 把向量数据库 检索 召回 重排 嵌入 用在问答里。"


def vault_files() -> dict[str, str]:
    files = {
        "00-元语/mcp.md": TOPIC.format(name="mcp", extra="aliases: [模型上下文协议]\n"),
        "00-元语/rag.md": TOPIC.format(name="rag", extra=""),
        "00-元语/AI.md": TOPIC.format(name="AI", extra=""),
        "00-元语/Agent.md": TOPIC.format(name="Agent", extra=""),
        "00-元语/security.md": TOPIC.format(name="security", extra=""),
        "00-元语/article.md": TOPIC.format(name="article", extra=""),
    }
    for n in range(6):
        files[f"01-博客/甲/mcp{n}.md"] = article(
            f"协议笔记{n}", MCP_BODY + f" 第{n}篇。", ["mcp", "Agent", "AI"]
        )
        files[f"01-博客/乙/rag{n}.md"] = article(
            f"检索笔记{n}", RAG_BODY + f" 第{n}篇。", ["rag", "AI"]
        )
    files["01-博客/甲/new.md"] = article(
        "新的协议文章",
        MCP_BODY + "\n\n原文见 [源](https://example.com/source-of-rag0)。",
        ["AI"],
    )
    files["01-博客/乙/rag0.md"] = article(
        "检索笔记0", RAG_BODY, ["rag", "AI"], url="https://example.com/source-of-rag0",
        related="- [[01-博客/甲/new|新的协议文章]]；关联理由：同一事件；说明：同一件事。",
    )  # fmt: skip
    return files


@pytest.fixture
def vault(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    return write_vault(tmp_path / "vault", vault_files())


def suggest_json(vault: Path, rel: str, *extra: str) -> dict:
    result = run_cli("link", "suggest", str(vault / rel), "--output-format", "json", *extra)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    return payload["notes"][0]


def test_suggest_ranks_the_topic_the_note_names_and_its_neighbours_link(vault: Path) -> None:
    note = suggest_json(vault, "01-博客/甲/new.md")
    assert note["topics"]["current"] == ["AI"]
    names = [c["topic"] for c in note["topics"]["candidates"]]
    assert names[:2] == ["mcp", "Agent"] or names[:2] == ["Agent", "mcp"]
    mcp = next(c for c in note["topics"]["candidates"] if c["topic"] == "mcp")
    assert mcp["link"] == "[[00-元语/mcp]]"
    assert mcp["lines"] == [8]  # the alias 模型上下文协议, on the body's first line
    assert any("most similar notes link it" in e for e in mcp["evidence"])
    assert "article" not in names  # banned
    assert "AI" not in names  # already there


def test_related_candidates_come_with_evidence_and_a_reason(vault: Path) -> None:
    note = suggest_json(vault, "01-博客/甲/new.md")
    first = note["related"]["candidates"][0]
    assert first["path"] == "01-博客/乙/rag0.md"
    assert first["reason"] == "引用"  # the strongest evidence: it links the other's source
    assert any("links its source" in e for e in first["evidence"])
    assert any("lists this note" in e for e in first["evidence"])
    assert first["entry"] == "- [[01-博客/乙/rag0|检索笔记0]]；关联理由：引用；说明："


def test_suggest_text_output(vault: Path) -> None:
    result = run_cli("link", "suggest", str(vault / "01-博客/甲/new.md"))
    assert result.exit_code == 0, result.output
    assert "[[00-元语/mcp]]" in result.output
    assert "write the 说明 yourself" in result.output


def test_topics_prints_the_whitelist(vault: Path) -> None:
    result = run_cli("link", "topics", str(vault))
    assert result.exit_code == 0, result.output
    assert "- mcp (aliases: 模型上下文协议): mcp 的定义。" in result.output.splitlines()


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".vaultkit" not in p.parts
    }


def test_apply_writes_one_note_only_and_remembers(vault: Path) -> None:
    before = snapshot(vault)
    rel = "01-博客/甲/new.md"
    result = run_cli(
        "link", "apply", str(vault / rel), "--add-topic", "mcp", "--add-topic", "agents",
        "--add-related", "01-博客/乙/rag0.md", "--reason", "同一事件", "--say", "同一件事的两面。",
        "--reject-topic", "security",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = snapshot(vault)
    assert {k for k in after if after[k] != before.get(k)} == {rel}
    text = after[rel].decode()
    assert text.endswith(
        "## 相关文档\n\n"
        "- [[01-博客/乙/rag0|检索笔记0]]；关联理由：同一事件；说明：同一件事的两面。\n\n"
        "## 关联主题\n\n- [[00-元语/AI]]\n- [[00-元语/mcp]]\n- [[00-元语/Agent]]\n"
    )
    rows = [json.loads(line) for line in (vault / ".vaultkit/link-decisions.jsonl").open()]
    assert [(r["kind"], r["target"], r["decision"]) for r in rows] == [
        ("topic", "mcp", "accept"),
        ("topic", "Agent", "accept"),
        ("related", "01-博客/乙/rag0.md", "accept"),
        ("topic", "security", "reject"),
    ]
    note = suggest_json(vault, rel)
    assert "security" not in [c["topic"] for c in note["topics"]["candidates"]]
    assert not any(c["path"] == "01-博客/乙/rag0.md" for c in note["related"]["candidates"])
    check = run_cli("check", str(vault / rel), "--select", "TP,LK1,ST102")
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add-topic", "article"], "banned topic"),
        (["--add-topic", "nosuch"], "not a topic of this vault"),
        (
            ["--add-related", "01-博客/乙/rag1.md", "--reason", "相似", "--say", "x"],
            "relation type",
        ),
        (["--add-related", "01-博客/乙/rag1.md", "--reason", "引用", "--say", " "], "说明"),
    ],
)
def test_apply_refuses_what_the_rules_forbid(vault: Path, args: list[str], message: str) -> None:
    before = snapshot(vault)
    result = run_cli("link", "apply", str(vault / "01-博客/甲/new.md"), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert snapshot(vault) == before
    assert not (vault / ".vaultkit").exists()


def test_apply_diff_writes_nothing(vault: Path) -> None:
    before = snapshot(vault)
    result = run_cli("link", "apply", str(vault / "01-博客/乙/rag1.md"), "--add-topic", "security",
                     "--diff")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "+- [[00-元语/security]]" in result.output
    assert snapshot(vault) == before


def test_eval_reports_every_test(vault: Path) -> None:
    result = run_cli("link", "eval", str(vault), "--output-format", "json")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    assert table["all"]["notes"] == 13
    assert table["all"]["p_at_5"] is not None and table["all"]["hit_at_5"] is not None
    assert table["all"]["related_entries"] == 1


CORPUS = SHARED / "corpus" / "vault-a"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared) is not here")
def test_corpus_suggest_is_valid_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    note = next(CORPUS.glob("01-博客/Anthropic/*.md"))
    payload = json.loads(run_cli("link", "suggest", str(note), "--output-format", "json").stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["notes"][0]["topics"]["candidates"]


def test_aliases_from_a_definition() -> None:
    from vaultkit.linker.aliases import _from_definition

    assert _from_definition("mcp", "mcp（Model Context Protocol）是开放协议。") == [
        "Model Context Protocol"
    ]
    assert _from_definition("rag", "检索增强生成（RAG）是一种做法。") == ["检索增强生成"]
    assert _from_definition("tool", "工具是可调用的能力。") == []


def test_aliases_lists_and_suggests(vault: Path) -> None:
    listed = run_cli("link", "aliases", str(vault))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines() == ["mcp: 模型上下文协议"]
    for n in range(20):  # other notes, so that the rag notes' titles stand out
        (vault / f"01-博客/丙/{n}.md").parent.mkdir(exist_ok=True)
        (vault / f"01-博客/丙/{n}.md").write_text(article(f"杂记{n}", "随笔。", ["AI"]), "utf-8")
    proposed = run_cli("link", "aliases", str(vault), "--suggest")
    assert proposed.exit_code == 0, proposed.output
    assert "rag:\n  - 检索笔记  (6 of 6 titles holding it link the topic)" in proposed.stdout


def test_index_is_cached_per_note(vault: Path, monkeypatch) -> None:
    from vaultkit import config as config_module
    from vaultkit import vault as vault_module
    from vaultkit.linker import index as index_module

    config = config_module.load(vault)
    first = index_module.load(vault, config)
    read: list[str] = []
    real = vault_module.parse_file

    def counting(path, rel, size):
        read.append(rel)
        return real(path, rel, size)

    monkeypatch.setattr(vault_module, "parse_file", counting)
    (vault / "01-博客/乙/rag1.md").write_text(article("改过的", RAG_BODY, ["rag"]), "utf-8")
    again = index_module.load(vault, config)
    assert read == ["01-博客/乙/rag1.md"]  # only the changed note is read again
    assert again.key != first.key
    assert again.notes[again.by_rel["01-博客/乙/rag1.md"]].title == "改过的"


def test_review_queue_and_answers(vault: Path) -> None:
    before = snapshot(vault)
    rel = "01-博客/甲/new.md"
    # four topic candidates: accept mcp, reject Agent, skip two; accept the first related
    answers = "a\nr\ns\ns\na\n同一件事。\nq\n"
    result = CliRunner().invoke(main, ["link", "review", str(vault / rel)], input=answers)
    assert result.exit_code == 0, result.output
    after = snapshot(vault)
    assert {k for k in after if after[k] != before.get(k)} == {rel}
    rows = [json.loads(line) for line in (vault / ".vaultkit/link-decisions.jsonl").open()]
    assert [(r["kind"], r["decision"]) for r in rows] == [
        ("topic", "reject"),
        ("topic", "accept"),
        ("related", "accept"),
    ]
    assert "；关联理由：引用；说明：同一件事。" in after[rel].decode()


def test_review_queue_puts_notes_short_of_topics_first(vault: Path) -> None:
    from vaultkit import config as config_module
    from vaultkit.linker import index as index_module
    from vaultkit.linker.review import queue

    index = index_module.load(vault, config_module.load(vault))
    order = queue(index, [f.rel for f in index.notes])
    assert order[0] == "01-博客/甲/new.md"  # one topic
    assert not any(rel.startswith("00-元语/") for rel in order)
