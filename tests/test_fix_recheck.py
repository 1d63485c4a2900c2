"""`check --fix` reports, after writing, exactly what a new check of the fixed vault reports
(it checks again from the fixed notes in memory, not by reading the vault again)."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest
from conftest import REPO, run_cli

from vaultkit.fix import recheck


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import make_vault
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return make_vault.generate


@pytest.mark.parametrize("cache", [["--no-cache"], []])
def test_findings_after_fixing_equal_a_new_check(generate, tmp_path, cache):
    root = tmp_path / "vault"
    generate(60, root, seed=11)
    fixed = run_cli("check", "--fix", "--unsafe-fixes", "--output-format", "json", *cache, root)
    assert "Fixed" in fixed.stderr and fixed.returncode in (0, 1), fixed.stderr
    again = run_cli("check", "--output-format", "json", "--no-cache", root)
    after = json.loads(fixed.stdout)["diagnostics"]
    assert after == json.loads(again.stdout)["diagnostics"]


def test_a_run_over_several_vaults_is_checked_again_from_disk():
    run = SimpleNamespace(vaults=[object(), object()], reported=None)
    assert recheck(run, SimpleNamespace(vaults=[])) is None


def test_the_last_fix_round_s_check_stands_for_the_new_check(generate, tmp_path, monkeypatch):
    from vaultkit import fix as fix_module
    from vaultkit import linter

    root = tmp_path / "vault"
    generate(60, root, seed=11)
    run = linter.check_paths([root])
    outcome = fix_module.plan(run, unsafe=True)
    fix_module.write(outcome)
    assert outcome.files and outcome.last_check is not None
    new_check = linter.check_paths([root]).result.diagnostics
    lints = []
    real = linter.lint
    monkeypatch.setattr(linter, "lint", lambda *a, **k: lints.append(1) or real(*a, **k))
    after = fix_module.recheck(run, outcome)
    assert lints == []  # no note changed after the fix rounds' last check of the vault
    assert after.result.diagnostics == new_check
    # a note changed after that check: the vault rules run again
    outcome.last_check = (outcome.last_check[0][1:], outcome.last_check[1])
    assert fix_module.recheck(run, outcome).result.diagnostics == after.result.diagnostics
    assert lints == [1]
