"""The benchmark vault generator: deterministic, shaped like a real vault, faults as recorded.

No timing here: the benchmark itself is `python benchmarks/run.py` (see benchmarks/README.md).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import REPO, check, run_cli, where, write_vault

from vaultkit.rules import all_rules

BENCH = REPO / "benchmarks"
BLOG_FIELDS = ["title", "发布日期", "作者", "来源", "原文链接"]
FRONTMATTER = re.compile(r"---\n(.*?)^---\n", re.DOTALL | re.MULTILINE)
WIKILINK = re.compile(r"\[\[([^\]|#]+)")
TOPIC_FAULTS = {
    "missing-topic",
    "banned-topic",
    "synonym-topic",
    "tag-line",
    "near-duplicate-topic",
}
FIELD_FAULTS = {"missing-field", "no-frontmatter", "invalid-yaml"}


@pytest.fixture(scope="module")
def bench() -> SimpleNamespace:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))
        import _faults
        import _measure
        import make_vault
        import recall
        import run
    yield SimpleNamespace(
        make_vault=make_vault, recall=recall, faults=_faults, measure=_measure, run=run
    )
    sys.modules.pop("run", None)  # eval/precision/run.py is imported as `run` too


@pytest.fixture(scope="module")
def vault60(bench, tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bench") / "vault"
    return root, bench.make_vault.generate(60, root, seed=7)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def decoded(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def kinds_by_note(manifest: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for fault in manifest["faults"]:
        found.setdefault(fault["note"], set()).add(fault["kind"])
    return found


def test_same_seed_gives_a_byte_identical_vault(bench, tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        bench.make_vault.generate(40, tmp_path / name, seed=seed)
    first, again, other = (tree(tmp_path / name) for name in "abc")
    assert len(first) > 40
    assert first == again
    assert first != other


def test_refuses_to_replace_a_folder_it_did_not_generate(bench, tmp_path):
    (tmp_path / "keep.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not a generated vault"):
        bench.make_vault.generate(40, tmp_path, seed=0)
    assert (tmp_path / "keep.md").read_text(encoding="utf-8") == "mine"


def test_vault_has_the_folders_and_counts_of_a_real_vault(vault60):
    root, manifest = vault60
    notes = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    assert len(notes) == manifest["notes"] == 60
    for folder, count in manifest["counts"].items():
        assert sum(n.startswith(folder + "/") for n in notes) == count
    assert manifest["counts"] == {"00-元语": 10, "01-博客": 49, "02-资源": 1}
    assert json.loads((root / ".obsidian" / "app.json").read_text(encoding="utf-8"))
    attachments = list((root / "附件").iterdir())
    assert len(attachments) == manifest["attachments"] >= 3
    assert all(a.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for a in attachments)
    assert manifest["bytes"] == sum((root / n).stat().st_size for n in notes)


def test_every_article_has_the_five_fields_unless_a_fault_says_otherwise(vault60):
    root, manifest = vault60
    faults = kinds_by_note(manifest)
    details = {f["note"]: f["detail"] for f in manifest["faults"]}
    articles = sorted(root.glob("01-博客/*/*.md"))
    assert len(articles) == manifest["counts"]["01-博客"]
    for path in articles:
        rel = path.relative_to(root).as_posix()
        text = decoded(path)
        kinds = faults.get(rel, set())
        match = FRONTMATTER.match(text)
        if "no-frontmatter" in kinds:
            assert match is None
            continue
        if "invalid-yaml" in kinds:
            with pytest.raises(yaml.YAMLError):
                yaml.safe_load(match.group(1))
            continue
        keys = set(yaml.safe_load(match.group(1)))
        if "missing-field" in kinds:
            missing = re.search(r"no `(.+)`", details[rel]).group(1)
            assert keys & set(BLOG_FIELDS) == set(BLOG_FIELDS) - {missing}, rel
        else:
            assert set(BLOG_FIELDS) <= keys, rel
        for section in ("## 摘要\n\n**", "## 正文", "## 关联主题\n\n- "):
            assert section in text, (rel, section)


def test_links_resolve_except_where_a_fault_was_injected(vault60):
    root, manifest = vault60
    faults = kinds_by_note(manifest)
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        kinds = faults.get(rel, set())
        for target in WIKILINK.findall(decoded(path)):
            if target.startswith("00-元语/") and kinds & TOPIC_FAULTS:
                continue
            if target.startswith("01-博客/不存在") and "dangling-wikilink" in kinds:
                continue
            if "missing-attachment" in kinds and target.startswith("Pasted image 2099"):
                continue
            exists = (root / f"{target}.md").is_file() or (root / "附件" / target).is_file()
            assert exists, (rel, target)


def test_manifest_matches_the_files(vault60):
    root, manifest = vault60
    faults = manifest["faults"]
    assert {f["kind"] for f in faults} == set(manifest["kinds"])  # N=60: every kind occurs
    assert len({f["note"] for f in faults}) == len(faults)  # one fault per note
    for kind, entry in manifest["kinds"].items():
        assert entry["count"] == sum(f["kind"] == kind for f in faults) >= 1
    for fault in faults:
        path = root / fault["note"]
        raw = path.read_bytes()
        lines = decoded(path).split("\n")
        line = lines[fault["line"] - 1] if fault["line"] else None
        kind = fault["kind"]
        if kind == "gbk":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        elif kind == "bom":
            assert raw.startswith(b"\xef\xbb\xbf")
        elif kind == "crlf":
            assert raw.count(b"\r\n") == raw.count(b"\n") > 0
        elif kind == "mixed-line-endings":
            assert 0 < raw.count(b"\r\n") < raw.count(b"\n")
        elif kind == "no-frontmatter":
            assert not raw.startswith(b"---")
        elif kind in ("bad-date", "future-date"):
            assert line.startswith("发布日期: ") and not re.fullmatch(
                r"发布日期: (19\d\d|20[0-2]\d)-\d\d-\d\d", line
            )
        elif kind == "h1-in-body":
            assert line.startswith("# ")
        elif kind == "heading-no-space":
            assert re.fullmatch(r"##[^ #].*", line)
        elif kind == "webvtt":
            assert line == "WEBVTT" and "-->" in lines[fault["line"] + 1]
        elif kind == "doc-info-section":
            assert line == "## 文档信息"
        elif kind == "missing-blank-line":
            assert line == "## 正文" and lines[fault["line"]] != ""
        elif kind == "unclosed-fence":
            assert line == "```python" and "```" not in "\n".join(lines[fault["line"] :])
        elif fault["line"] is not None:
            assert 1 <= fault["line"] <= len(lines)


def test_check_runs_cleanly_and_reports_the_faults_of_existing_rules(bench, vault60, tmp_path):
    root, manifest = vault60
    report_path = tmp_path / "report.json"
    done = run_cli("check", root, "--output-format", "json", "--output-file", report_path)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["summary"]["files_checked"] == 60
    rules = {rule.code: rule.name for rule in all_rules() if rule.default_enabled}
    results = bench.recall.compare(manifest, report["diagnostics"], rules)
    checked = [r for r in results if r.codes]
    assert checked, "no injected fault kind has a registered rule (ST001/ST007/ST008 exist)"
    for result in checked:
        assert result.missed == [], f"{result.kind}: not reported by {result.codes}"
    for result in results:
        assert result.unexpected == [], f"{result.kind}: should not be reported"


# ------------------------------------------------------------------ summaries restate the body


def _articles(bench, seed: int, count: int) -> list:
    """`count` clean article drafts straight from the generator, in a fixed order."""
    make_vault = bench.make_vault
    rng = random.Random(seed)
    topics = make_vault.topic_names(12)
    ctx = bench.faults.Context(topics=topics, articles=[f"01-博客/甲/n{i}" for i in range(count)])
    weights = [1 / (rank + 1) for rank in range(len(topics))]
    return [
        make_vault.article(rng, f"01-博客/甲/n{i}.md", f"标题 {i}", "甲", i % 5 != 0, ctx, weights)
        for i in range(count)
    ]


def _write(bench, root: Path, drafts: list) -> Path:
    files = {d.rel: bench.make_vault.render(d) for d in drafts}
    files.update({f"00-元语/{t}.md": "# t\n" for t in bench.make_vault.topic_names(12)})
    return write_vault(root, files)


def test_a_clean_summary_gets_no_claim_finding(bench, tmp_path):
    drafts = _articles(bench, seed=5, count=40)
    summaries = "\n".join(d.one_line + "\n".join(d.points) for d in drafts)
    # The summaries do state figures and names (so the rules have something to check) ...
    assert re.search(r"\d+(?:%|ms|B)", summaries)
    assert re.search(r"\b(?:CUDA|LoRA|Kubernetes|Docker|vLLM|Ollama|Rust|MoE)\b", summaries)
    assert all(5 <= len(d.points) <= 10 for d in drafts)
    # ... every one of them taken from the body.
    root = _write(bench, tmp_path / "vault", drafts)
    assert where(check(root, select=["SM101", "SM102", "SM103"])) == []


def test_summary_risks_are_stated_in_the_body(bench):
    for draft in _articles(bench, seed=9, count=20):
        body = "\n".join(draft.blocks)
        assert all(risk.removeprefix("*   ") in body for risk in draft.risks)


def test_the_unsupported_claim_fault_is_reported_where_it_was_put(bench, tmp_path):
    drafts = _articles(bench, seed=3, count=12)
    expected = set()
    ctx = bench.faults.Context(topics=[], articles=[])
    for index, draft in enumerate(drafts):
        detail, needle = bench.faults.unsupported_claim(draft, random.Random(index), ctx)
        text = bench.make_vault.render(draft)
        line = text[: text.index(needle)].count("\n") + 1
        code = "SM101" if detail.startswith("a number") else "SM102"
        expected.add((draft.rel, line, code))
    assert {code for _, _, code in expected} == {"SM101", "SM102"}  # both variants occur
    root = _write(bench, tmp_path / "vault", drafts)
    claims = ["SM101", "SM102", "SM103"]  # off by default: selected by their full codes
    found = {(path, line, code) for path, line, _, code in where(check(root, select=claims))}
    assert found == expected


def test_claim_findings_in_a_generated_vault_are_all_injected(bench, vault60):
    root, manifest = vault60
    injected = {f["note"] for f in manifest["faults"] if f["kind"] == "unsupported-claim"}
    assert injected and manifest["kinds"]["unsupported-claim"]["codes"] == ["SM101", "SM102"]
    notes = {path for path, *_ in where(check(root, select=["SM101", "SM102", "SM103"]))}
    assert notes == injected


# ------------------------------------------------------------------ run.py


def test_run_py_refuses_fewer_than_five_runs_without_quick(bench, capsys):
    with pytest.raises(SystemExit) as exit_:
        bench.run.main(["--runs", "3"])
    assert exit_.value.code == 2
    assert "--quick" in capsys.readouterr().err


def test_the_table_applies_the_issue_targets(bench):
    Line, Sample = bench.run.Line, bench.measure.Sample

    def line(key: str, *walls: float, target: str = "") -> object:
        return Line(key, key, target, [Sample(wall, wall, 10.0) for wall in walls])

    lines = {
        "b": line("b", 0.6),
        "c": line("c", 1.7, target="cold"),
        "w": line("w", 0.5, target="warm"),
        "p": line("p", 0.3, target="pre-commit"),
        "x": line("x", *[0.3] * 8, 0.7, 0.7, target="replay"),  # median 0.3, p90 0.7
        "f": line("f", 2.0, target="fix"),
        "r": line("r", 1.8, target="(c) is faster"),
    }
    table = bench.run.markdown_table(lines)
    rows = {row.split(" | ")[0].strip("| "): row for row in table.splitlines()[2:]}
    assert rows["c"].endswith("| pass |") and "2.83×" in rows["c"]  # ≤ 3× (b), below rumdl
    assert rows["w"].endswith("| **fail** |")
    assert rows["p"].endswith("| pass |")
    assert rows["x"].endswith("| **fail** |") and "p90 0.700 s" in rows["x"]  # p90 > 0.6 s
    assert rows["f"].endswith("| pass |")  # 2.0 ≤ 1.2 × 1.7
    assert rows["r"].endswith("| pass |")
    assert "| – |" not in rows["c"] and "10 MB" in rows["c"]
    lines["r"] = line("r", 1.0, target="(c) is faster")
    table = bench.run.markdown_table(lines)
    rows = {row.split(" | ")[0].strip("| "): row for row in table.splitlines()[2:]}
    assert rows["c"].endswith("| **fail** |") and rows["r"].endswith("| **fail** |")


def test_side_by_side_puts_each_vault_in_its_own_columns(bench):
    Line, Sample = bench.run.Line, bench.measure.Sample
    one = {"b": Line("b", "floor", "", [Sample(1.0, 1.0)]),
           "c": Line("c", "cold", "≤ 3× (b)", [Sample(2.0, 2.5)])}  # fmt: skip
    two = {"b": Line("b", "floor", "", [Sample(1.0, 1.0)]),
           "c": Line("c", "cold", "≤ 3× (b)", [Sample(4.0, 4.0)])}  # fmt: skip
    table = bench.run.side_by_side([("corpus", one), ("generated", two)])
    head, _, _floor, cold = table.splitlines()
    assert "corpus: wall" in head and "generated: wall" in head
    assert cold.startswith("| c | cold | 2.000 s | 2.500 s | 2.00× | pass | 4.000 s |")
    assert cold.endswith("| 4.00× | **fail** | ≤ 3× (b) |")


def test_run_py_quick_completes_and_prints_the_table(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--notes", "40", "--runs", "1",
         "--vault", str(tmp_path / "vault")],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=600,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert re.search(r"^## Benchmark: .+, 40 notes", out, re.MULTILINE)
    for key in ("a", "b", "b2", "c", "w", "u", "p", "x", "f", "s"):
        assert re.search(rf"^\| {key} \| .+ s \(", out, re.MULTILINE), key
    assert "findings on the" in out and "rumdl" not in out
    assert "vaultkit cache:" in out
    assert "commit replay" in out and "DIFFERENT" not in out
    assert not (tmp_path / "vault" / ".vaultkit_cache").exists()  # a copy was checked


def test_restore_puts_back_bytes_and_times_and_keeps_the_copy_writable(bench, tmp_path):
    source, copy = tmp_path / "source", tmp_path / "copy"
    for folder in (source, copy):
        folder.mkdir()
    note = source / "a.md"
    note.write_text("原文\n", encoding="utf-8")
    os.utime(note, ns=(1_000_000_000, 2_000_000_000))
    note.chmod(0o444)  # a read-only vault, as the corpus is
    (copy / "a.md").write_text("改过\n", encoding="utf-8")
    bench.run.restore(copy, source)
    restored = copy / "a.md"
    assert restored.read_text(encoding="utf-8") == "原文\n"
    assert restored.stat().st_mtime_ns == 2_000_000_000
    assert restored.stat().st_mode & 0o200  # the next `--fix` may write it
