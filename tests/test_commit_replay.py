"""The commit replay (benchmarks/_replay.py): after every real edit, the hook's check with a warm
cache reports exactly what a cold `--no-cache` check reports.

The edits are applied to a copy of the vault; a check with the cache runs before each edit
(the commit before), then the hook's check of the edited files with the cache, then the same
files without it. No timing is asserted here: `benchmarks/run.py` times the replay.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import REPO

from vaultkit.linter import check_paths

BENCH = REPO / "benchmarks"
CORPUS = next(
    (folder / "shared/corpus/vault-a" for folder in REPO.parents
     if (folder / "shared/corpus/vault-a").is_dir()),
    REPO.parent / "shared/corpus/vault-a",
)  # fmt: skip


@pytest.fixture(scope="module")
def bench():
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))
        import _replay
        import make_vault
    yield _replay, make_vault
    for name in ("_replay", "make_vault"):
        sys.modules.pop(name, None)


def writable_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".vaultkit_cache", ".git"))
    for folder, _dirs, files in os.walk(target):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


def findings(files: list[Path], use_cache: bool) -> list[tuple]:
    run = check_paths(files, use_cache=use_cache)
    assert not run.result.internal_errors
    return [(d.path, d.start, d.end, d.code, d.message, d.fix) for d in run.result.diagnostics]


def replay_every_kind(replay_module, vault: Path, rounds: int) -> list[str]:
    """Replay `rounds` edits of each kind; return the kinds that found a note to edit."""
    replay = replay_module.Replay(vault, sorted(vault.rglob("*.md")), seed=3)
    done = []
    for _ in range(rounds):
        for kind in replay_module.KINDS:
            check_paths([vault], use_cache=True)  # the commit before: the cache is warm
            applied = replay.apply(kind)
            if applied is None:
                continue
            try:
                warm = findings(applied.files, use_cache=True)
                cold = findings(applied.files, use_cache=False)
                assert warm == cold, f"{kind} of {applied.note}"
                whole = findings([vault], use_cache=False)  # vault rules report on every note
                rels = {path.relative_to(vault).as_posix() for path in applied.files}
                assert warm == [f for f in whole if f[0] in rels], f"{kind}: every note checked"
                assert findings([vault], use_cache=True) == whole, f"{kind}: whole vault"
            finally:
                applied.undo()
            done.append(kind)
    return done


def test_findings_after_each_replayed_edit_equal_a_cold_check(bench, tmp_path, monkeypatch):
    replay_module, make_vault = bench
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    vault = tmp_path / "vault"
    make_vault.generate(80, vault, seed=5)
    done = replay_every_kind(replay_module, vault, rounds=2)
    assert set(done) == set(replay_module.KINDS)


@pytest.mark.slow
def test_findings_after_each_replayed_edit_on_the_corpus_equal_a_cold_check(
    bench, tmp_path, monkeypatch
):
    """Slow: a cold check of the real vault per edit (about fifteen seconds each)."""
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (../shared/corpus/vault-a)")
    replay_module, _ = bench
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    vault = writable_copy(CORPUS, tmp_path / "vault")
    done = replay_every_kind(replay_module, vault, rounds=1)
    assert set(done) == set(replay_module.KINDS)


def test_each_edit_is_undone_exactly(bench, tmp_path):
    replay_module, make_vault = bench
    vault = tmp_path / "vault"
    make_vault.generate(60, vault, seed=2)
    before = {
        p.relative_to(vault).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in vault.rglob("*.md")
    }
    replay = replay_module.Replay(vault, sorted(vault.rglob("*.md")), seed=1)
    for kind in replay_module.KINDS:
        applied = replay.apply(kind)
        assert applied is not None, kind
        assert applied.files and all(path.exists() for path in applied.files)
        applied.undo()
    after = {
        p.relative_to(vault).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in vault.rglob("*.md")
    }
    assert after == before


def test_percentile_interpolates(bench):
    replay_module, _ = bench
    assert replay_module.percentile([1.0], 0.9) == 1.0
    assert replay_module.percentile([4.0, 1.0, 2.0, 3.0], 0.5) == 2.5
    assert replay_module.percentile(list(map(float, range(11))), 0.9) == pytest.approx(9.0)
