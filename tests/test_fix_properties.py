"""Properties of `--fix` over generated notes (hypothesis), whatever rules have fixes.

Notes are the article template with random faults the fixes repair (blank lines around
headings, `##x` and `##　x` headings, a missing final newline, unusual dates and an HTML
entity in the title), written with LF or CRLF, with or without a BOM, around CJK text.
Every rule runs with its real fixes; the properties hold for whichever fixes exist:

- fixing twice equals fixing once;
- no byte outside the edits the rules reported changes (checked round by round, with an
  implementation independent of `vaultkit.fix.apply`), and the BOM and line endings stay;
- after fixing, a check finds nothing `--fix` could still fix, and none of the fixed findings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from conftest import write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit import fix
from vaultkit.fix import engine
from vaultkit.linter import check_paths
from vaultkit.report.text import fixable

BOM = b"\xef\xbb\xbf"
REL = "01-博客/生成/笔记.md"
TOPIC = (
    '---\ntitle: "{name}"\n类型: "元语"\n更新日期: 2024-05-06\n---\n\n## 定义\n\n{name} 的定义。\n'
)
TOPICS = {f"00-元语/{name}.md": TOPIC.format(name=name) for name in ("AI", "llm", "Agent")}
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORDS = ["智能体", "模型", "推理", "数据", "价格", "上下文", "Agent", "LLM", "的", "在", "是", "，"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(
    lambda w: "".join(w) + "。"
)
blanks = st.integers(min_value=0, max_value=2)


@st.composite
def headings(draw, text: str, level: int = 2) -> str:
    """A heading as written: right, without its space, or with a full-width space."""
    hashes = "#" * level
    gap = draw(st.sampled_from([" ", " ", "", "\u3000"]))
    return f"{hashes}{gap}{text}"


@st.composite
def notes(draw) -> tuple[bytes, bool]:
    """(the note's bytes, whether it is CRLF) built from the article template."""
    title = draw(st.sampled_from(["一篇文章", "模型 &amp; 数据", "推理的成本"]))
    date = draw(st.sampled_from(["2024-05-06", "2024/5/6", "2024年5月6日"]))
    front = [
        "---",
        f'title: "{title}"',
        f"发布日期: {date}",
        '作者: "测试作者"',
        '来源: "微信公众号"',
        '原文链接: "https://example.com/posts/generated"',
        "---",
    ]
    points = draw(st.lists(sentence, min_size=5, max_size=6))
    sections = [
        ("摘要", ["**1) 一句话总结**", draw(sentence), "", "**2) 关键要点**"]
         + [f"*   {p}" for p in points]),
        ("正文", [draw(sentence), "", draw(headings("小节", 3)), "", draw(sentence)]),
        ("关联主题", ["- [[00-元语/AI]]", "- [[00-元语/llm]]", "- [[00-元语/Agent]]"]),
    ]  # fmt: skip
    lines = list(front)
    for index, (name, body) in enumerate(sections):
        lines += [""] * draw(blanks if index else st.integers(0, 2))
        lines.append(draw(headings(name)))
        lines += [""] * draw(blanks)
        lines += body
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    bom = BOM if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), newline == "\r\n"


def vault(folder: str, note: bytes) -> Path:
    return write_vault(Path(folder) / "vault", {**TOPICS, REL: note})


def fix_once(root: Path, unsafe: bool) -> fix.Outcome:
    run = check_paths([root / REL])
    outcome = fix.plan(run, unsafe=unsafe)
    fix.write(outcome)
    return outcome


def expected_apply(data: bytes, fixes: list[fix.Fix]) -> bytes:
    """`fix.apply`, written again from the definition: keep every byte no edit covers."""
    edits = sorted((e for f in fixes for e in f.edits), key=lambda e: (e.start, e.end))
    kept = []
    previous = 0
    for edit in edits:
        assert previous <= edit.start, "chosen fixes overlap"
        kept.append((previous, edit.start))
        previous = edit.end
    kept.append((previous, len(data)))
    out = bytearray()
    for (start, end), edit in zip(kept, [*edits, None], strict=True):
        out += data[start:end]
        if edit is not None:
            out += edit.text.encode("utf-8")
    return bytes(out)


@SETTINGS
@given(notes(), st.booleans())
def test_fixing_twice_equals_fixing_once(note, unsafe):
    raw, _ = note
    with tempfile.TemporaryDirectory() as folder:
        root = vault(folder, raw)
        fix_once(root, unsafe)
        once = (root / REL).read_bytes()

        again = fix_once(root, unsafe)

        assert again.changes == [], [c.codes for c in again.changes]
        assert (root / REL).read_bytes() == once


@SETTINGS
@given(notes(), st.booleans())
def test_fixes_change_only_their_spans_and_leave_nothing_fixable(note, unsafe):
    raw, crlf = note
    rounds: list[tuple[bytes, list[fix.Fix], bytes]] = []
    real_apply = engine.apply

    def recording(data, fixes):
        fixes = list(fixes)
        result = real_apply(data, fixes)
        rounds.append((data, fixes, result))
        return result

    with tempfile.TemporaryDirectory() as folder:
        root = vault(folder, raw)
        before = check_paths([root / REL]).result.diagnostics
        with mock.patch.object(engine, "apply", recording):
            outcome = fix_once(root, unsafe)
        after = (root / REL).read_bytes()
        left = check_paths([root / REL]).result.diagnostics

    assert outcome.warnings == []
    for data, fixes, result in rounds:
        assert result == expected_apply(data, fixes)
    if outcome.changes:
        assert after == (BOM if raw.startswith(BOM) else b"") + rounds[-1][2]
    else:
        assert after == raw
    assert after.startswith(BOM) == raw.startswith(BOM)
    if crlf:
        assert b"\n" not in after.replace(b"\r\n", b""), "a fix wrote a bare LF into a CRLF note"
    else:
        assert b"\r" not in after
    assert [d.code for d in left if fixable(d, unsafe)] == []
    fixed = {(d.code, d.message) for d in before if fixable(d, unsafe)}
    assert not fixed & {(d.code, d.message) for d in left}
