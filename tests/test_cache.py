"""The note cache and the parallel per-note stage: same findings, less work, never blind trust."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE, REPO, run_cli

import vaultkit
from vaultkit import analysis
from vaultkit import cache as cache_module
from vaultkit.linter import check_paths

OLD = 1_600_000_000  # a modification time far from "now", so the cache may trust it
PLACEHOLDER = "\n待补充\n"  # ST107 placeholder text, the same size as `已完成`
BROKEN = ARTICLE.replace("## 正文\n\n", "## 正文\n", 1)  # ST102: no blank line after


@pytest.fixture(autouse=True)
def own_secret(tmp_path_factory, monkeypatch):
    """Each test signs with its own key, kept outside the vault."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    monkeypatch.delenv("VAULTKIT_CACHE_DIR", raising=False)


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The notes read and parsed (not taken from the cache), in order."""
    seen: list[str] = []
    real = analysis.parse_file

    def counting(path, rel, max_size):
        seen.append(rel)
        return real(path, rel, max_size)

    monkeypatch.setattr(analysis, "parse_file", counting)
    return seen


def _age(root: Path) -> None:
    for path in root.rglob("*.md"):
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def _vault(make_vault) -> Path:
    root = make_vault({"a.md": ARTICLE, "b.md": BROKEN, "c.md": ARTICLE.replace("示例", "样例")})
    _age(root)
    return root


def _run(root: Path, **options):
    run = check_paths([root], use_cache=True, **options)
    assert run.result.internal_errors == []
    return run


def _codes(run) -> list[tuple]:
    return [
        (d.path, d.start.line, d.start.column, d.code, d.message) for d in run.result.diagnostics
    ]


def test_second_run_parses_nothing_and_reports_the_same(make_vault, parses):
    root = _vault(make_vault)
    first = _run(root)
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    assert [c[0] for c in _codes(first) if c[3] == "ST102"] == ["b.md"]
    parses.clear()
    second = _run(root)
    assert parses == []
    assert _codes(second) == _codes(first)
    assert (root / ".vaultkit_cache" / "notes.sqlite").is_file()
    assert (root / ".vaultkit_cache" / ".gitignore").read_text().strip().endswith("*")


def test_an_edited_note_is_parsed_again_and_only_it(make_vault, parses):
    root = _vault(make_vault)
    first = _run(root)
    assert any(c[3] == "ST102" for c in _codes(first))
    (root / "b.md").write_text(ARTICLE, encoding="utf-8")  # the fault repaired
    parses.clear()
    second = _run(root)
    assert parses == ["b.md"]
    assert not any(c[3] == "ST102" for c in _codes(second))


def test_an_edit_keeping_size_and_time_of_a_fresh_note_is_still_seen(make_vault, parses):
    """A note cached within two seconds of its change is verified by its bytes."""
    root = make_vault({"a.md": ARTICLE, "b.md": ARTICLE + PLACEHOLDER})
    assert [c[0] for c in _codes(_run(root)) if c[3] == "ST107"] == ["b.md"]
    path = root / "b.md"
    info = path.stat()
    path.write_text(ARTICLE + PLACEHOLDER.replace("待补充", "已完成"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same time
    assert path.stat().st_size == info.st_size
    parses.clear()
    again = _run(root)
    assert "b.md" in parses
    assert not any(c[3] == "ST107" for c in _codes(again))


def test_a_touched_note_with_the_same_bytes_is_not_parsed_again(make_vault, parses):
    root = _vault(make_vault)
    _run(root)
    os.utime(root / "a.md", ns=(OLD * 10**9 + 5, OLD * 10**9 + 5))
    parses.clear()
    _run(root)
    assert parses == []


def test_a_config_change_reruns_the_rules_on_cached_notes(make_vault, parses):
    root = _vault(make_vault)
    assert any(c[3] == "ST102" for c in _codes(_run(root)))
    (root / "vaultkit.toml").write_text('ignore = ["ST102"]\n', encoding="utf-8")
    parses.clear()
    second = _run(root)
    assert parses == []  # parsing does not depend on rule options
    assert not any(c[3] == "ST102" for c in _codes(second))


def test_a_selection_change_reruns_the_rules(make_vault, parses):
    root = _vault(make_vault)
    everything = _codes(_run(root))
    only = _codes(_run(root, select=["ST102"]))
    assert only and {c[3] for c in only} == {"ST102"}
    assert _codes(_run(root)) == everything


def test_a_new_vaultkit_version_parses_everything_again(make_vault, parses, monkeypatch):
    root = _vault(make_vault)
    first = _codes(_run(root))
    monkeypatch.setattr(vaultkit, "__version__", vaultkit.__version__ + ".post1")
    parses.clear()
    assert _codes(_run(root)) == first
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


def test_edited_vaultkit_code_parses_everything_again(make_vault, parses, monkeypatch):
    """An editable install whose modules changed must not replay the old code's findings."""
    from vaultkit import linter

    root = _vault(make_vault)
    first = _codes(_run(root))
    stamp = linter._code_stamp()
    assert stamp and all(isinstance(part, (str, int)) for part in stamp)
    monkeypatch.setattr(linter, "_code_stamp", lambda: [*stamp, "edited.py", 1, 2])
    parses.clear()
    assert _codes(_run(root)) == first
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


def test_a_corrupt_cache_is_set_aside_and_rebuilt(make_vault, parses):
    root = _vault(make_vault)
    first = _codes(_run(root))
    (root / ".vaultkit_cache" / "notes.sqlite").write_bytes(b"\x00not a database" * 100)
    parses.clear()
    assert _codes(_run(root)) == first
    assert sorted(parses) == ["a.md", "b.md", "c.md"]
    parses.clear()
    assert _codes(_run(root)) == first
    assert parses == []  # the rebuilt cache works


def test_a_cache_of_another_format_is_rebuilt(make_vault, parses):
    root = _vault(make_vault)
    first = _codes(_run(root))
    with sqlite3.connect(root / ".vaultkit_cache" / "notes.sqlite") as db:
        db.execute("UPDATE meta SET value = 'something-else' WHERE key = 'format'")
    parses.clear()
    assert _codes(_run(root)) == first
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


def test_records_signed_with_another_key_are_never_unpickled(
    make_vault, parses, monkeypatch, tmp_path
):
    """A cache folder that came with the vault (a clone, an archive) is not trusted."""
    root = _vault(make_vault)
    first = _codes(_run(root))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    parses.clear()
    assert _codes(_run(root)) == first
    assert sorted(parses) == ["a.md", "b.md", "c.md"]


def test_a_tampered_record_is_rejected(make_vault, parses):
    root = _vault(make_vault)
    first = _codes(_run(root))
    with sqlite3.connect(root / ".vaultkit_cache" / "notes.sqlite") as db:
        blob = db.execute("SELECT note FROM records WHERE rel = 'a.md'").fetchone()[0]
        tampered = blob[:-1] + bytes([blob[-1] ^ 1])
        db.execute("UPDATE records SET note = ? WHERE rel = 'a.md'", (tampered,))
        db.execute("DELETE FROM runs")
    parses.clear()
    assert _codes(_run(root)) == first
    assert parses == ["a.md"]


def test_without_the_cache_nothing_is_written(make_vault):
    root = _vault(make_vault)
    check_paths([root])
    assert not (root / ".vaultkit_cache").exists()
    done = run_cli("check", root, "--no-cache")
    assert done.returncode == 1
    assert not (root / ".vaultkit_cache").exists()


def test_cache_dir_from_the_environment(make_vault, monkeypatch, tmp_path):
    root = _vault(make_vault)
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "elsewhere"))
    _run(root)
    assert not (root / ".vaultkit_cache").exists()
    assert list((tmp_path / "elsewhere").glob("*/notes.sqlite"))


def test_a_deleted_note_is_forgotten_and_its_links_break(make_vault):
    linking = ARTICLE.replace("## 关联主题", "见 [[b]]。\n\n## 关联主题", 1)
    root = make_vault({"a.md": linking, "b.md": ARTICLE})
    _age(root)
    assert not any(d.code == "LK001" for d in _run(root).result.diagnostics)
    (root / "b.md").unlink()
    after = _run(root)
    assert [d.path for d in after.result.diagnostics if d.code == "LK001"] == ["a.md"]
    assert _codes(after) == _codes(check_paths([root]))
    with sqlite3.connect(root / ".vaultkit_cache" / "notes.sqlite") as db:
        assert [r[0] for r in db.execute("SELECT rel FROM notes")] == ["a.md"]
        assert [r[0] for r in db.execute("SELECT rel FROM records")] == ["a.md"]


def test_checking_one_note_with_a_warm_cache_reports_only_it(make_vault, parses):
    root = _vault(make_vault)
    _run(root)
    parses.clear()
    run = _run(root / "b.md")
    assert parses == []
    assert {d.path for d in run.result.diagnostics} == {"b.md"}
    assert run.result.files_checked == 1


def test_a_hook_run_that_replays_nothing_stats_each_note_once(make_vault, monkeypatch):
    root = _vault(make_vault)
    _run(root)
    stats: list[Path] = []
    real = cache_module.Stat.of

    def counting(path):
        stats.append(Path(path))
        return real(path)

    monkeypatch.setattr(cache_module.Stat, "of", staticmethod(counting))
    run = _run(root / "b.md")  # another run's inputs: the replay check looks at every note
    assert {d.path for d in run.result.diagnostics} == {"b.md"}
    notes = [path for path in stats if path.suffix == ".md"]
    assert sorted(notes) == sorted(root / name for name in ("a.md", "b.md", "c.md"))


def test_unreadable_notes_are_reported_on_every_run(make_vault):
    root = make_vault({"a.md": ARTICLE})
    (root / "gbk.md").write_bytes("标题：中文".encode("gbk"))
    _age(root)
    first = _codes(_run(root))
    assert any(c[0] == "gbk.md" and c[3] == "ST001" for c in first)
    assert _codes(_run(root)) == first


def test_the_cli_replays_with_source_lines(make_vault):
    root = _vault(make_vault)
    first = run_cli("check", root)
    second = run_cli("check", root)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    assert "## 正文" in second.stdout  # the text report still shows the offending line


# ------------------------------------------------------------------ parallel


def _generated(tmp_path: Path, notes: int) -> Path:
    out = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_vault.py"), str(notes), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_parallel_findings_equal_the_serial_ones(tmp_path, monkeypatch):
    root = _generated(tmp_path, 60)
    serial = check_paths([root])
    monkeypatch.setattr(analysis, "PARALLEL_MIN", 1)
    monkeypatch.setenv("VAULTKIT_WORKERS", "2")
    assert analysis.pool_size(60) == 2
    parallel = check_paths([root])
    assert parallel.result.internal_errors == serial.result.internal_errors == []
    assert parallel.result.diagnostics == serial.result.diagnostics
    assert parallel.result.files_checked == serial.result.files_checked
    assert [n.rel for n in parallel.vault.notes] == [n.rel for n in serial.vault.notes]


def test_parallel_run_fills_the_cache_the_serial_run_reads(tmp_path, monkeypatch, parses):
    root = _generated(tmp_path, 40)
    _age(root)
    monkeypatch.setattr(analysis, "PARALLEL_MIN", 1)
    monkeypatch.setenv("VAULTKIT_WORKERS", "2")
    first = _codes(_run(root))
    monkeypatch.setattr(analysis, "PARALLEL_MIN", 10**9)
    parses.clear()
    with sqlite3.connect(root / ".vaultkit_cache" / "notes.sqlite") as db:
        db.execute("DELETE FROM runs")  # force the per-note path
    assert _codes(_run(root)) == first
    parsed = set(parses)
    unreadable = {n.rel for n in check_paths([root]).vault.notes if n.source is None}
    assert parsed <= unreadable  # only notes that cannot be cached were read again


def test_small_runs_stay_in_one_process():
    assert analysis.pool_size(analysis.PARALLEL_MIN - 1) == 1


def test_cache_fingerprint_separates_parts():
    assert cache_module.fingerprint("ab", "c") != cache_module.fingerprint("a", "bc")
