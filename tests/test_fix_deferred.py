"""`check --fix` runs the vault rules once, on the notes as fixed, not first on the notes as read.

`check_paths(defer_vault_rules=True)` leaves the vault rules out of a run over one vault
(offline, no note rule failing); the fix rounds check the changed notes with the note
rules, then the whole vault once their fixes settle, and fix what the vault rules find
there too. The outcome is the one of fixing a run checked by every rule.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from test_fix_engine import DOC, NOTE, Crash, Replace

from vaultkit import fix, linter
from vaultkit.diagnostics import Edit
from vaultkit.rules.base import REGISTRY, VaultRule, register


class Mark(VaultRule):
    """Test rule: a note that says `标记我` starts with `!` (a vault rule's fix that settles)."""

    code = "ST989"
    name = "test-vault-mark"
    category = "structure"
    default_enabled = False
    fix = "safe"

    def check_vault(self, vault):
        for note in vault.notes:
            if note.source is not None and "标记我" in note.text and not note.text.startswith("!"):
                yield self.at_bytes(note, 0, 0, "mark it", self.make_fix("mark", Edit(0, 0, "!")))


class VaultCrash(VaultRule):
    """Test rule: fails on every vault, fixed or not."""

    code = "ST988"
    name = "test-vault-crash"
    category = "structure"
    default_enabled = False

    def check_vault(self, vault):
        raise RuntimeError("always")


for _cls in (Mark, VaultCrash):
    _cls.__doc__ = DOC.format(summary=_cls.__doc__.strip())


@pytest.fixture(autouse=True)
def rules():
    saved = dict(REGISTRY)
    for cls in (Replace, Crash, Mark, VaultCrash):
        register(cls)
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


SELECT = ["ST991", "ST989"]
BOTH = NOTE.replace("正文", "标记我。正文")  # a note rule's fix and a vault rule's
VAULT_ONLY = '---\ntitle: "乙"\n---\n\n标记我。\n'  # a vault rule's fix only


def test_a_deferred_run_holds_the_note_rules_findings_only(make_vault):
    root = make_vault({"a.md": BOTH})
    full = linter.check_paths([root], select=SELECT)
    deferred = linter.check_paths([root], select=SELECT, defer_vault_rules=True)
    assert not full.vault_rules_deferred and deferred.vault_rules_deferred
    assert sorted({d.code for d in full.result.diagnostics}) == ["ST989", "ST991"]
    assert {d.code for d in deferred.result.diagnostics} == {"ST991"}


def test_runs_that_cannot_wait_for_the_fixed_notes_run_every_rule(make_vault, tmp_path):
    one = make_vault({"a.md": BOTH}, name="one")
    two = make_vault({"a.md": BOTH}, name="two")
    several = linter.check_paths([one, two], select=SELECT, defer_vault_rules=True)
    assert not several.vault_rules_deferred
    assert "ST989" in {d.code for d in several.result.diagnostics}
    # a note rule failed: the fixer must know what failed on the notes as read
    failing = make_vault({"a.md": BOTH.replace("坏词", "好词")}, name="failing")
    run = linter.check_paths([failing], select=[*SELECT, "ST996"], defer_vault_rules=True)
    assert run.result.internal_errors and not run.vault_rules_deferred
    assert "ST989" in {d.code for d in run.result.diagnostics}


@pytest.mark.parametrize("unsafe", [False, True])
def test_fixing_a_deferred_run_gives_what_fixing_a_full_run_gives(make_vault, unsafe):
    files = {"a.md": BOTH, "b.md": VAULT_ONLY, "c.md": NOTE}
    outcomes = []
    for name, defer in (("full", False), ("deferred", True)):
        root = make_vault(files, name=name)
        run = linter.check_paths([root], select=SELECT, defer_vault_rules=defer)
        outcome = fix.plan(run, select=SELECT, unsafe=unsafe)
        fix.write(outcome)
        after = fix.recheck(run, outcome, select=SELECT)
        fresh = linter.check_paths([root], select=SELECT).result
        assert after.result.diagnostics == fresh.diagnostics == []
        assert not after.vault_rules_deferred
        outcomes.append([(c.rel, c.after, c.fixed, dict(c.codes)) for c in outcome.changes])
    assert outcomes[0] == outcomes[1]
    assert outcomes[1] == [
        ("a.md", b"!" + BOTH.replace("坏词", "好词").encode(), 3, {"ST991": 2, "ST989": 1}),
        ("b.md", b"!" + VAULT_ONLY.encode(), 1, {"ST989": 1}),
        ("c.md", NOTE.replace("坏词", "好词").encode(), 2, {"ST991": 2}),
    ]


def test_nothing_to_fix_reports_the_vault_rules_findings_of_one_check(make_vault, monkeypatch):
    root = make_vault({"a.md": NOTE.replace("坏词", "好词") + "\n[[不存在的笔记]]\n"})
    run = linter.check_paths([root], select=["ST991", "LK001"], defer_vault_rules=True)
    passes = []
    real = linter.lint
    monkeypatch.setattr(linter, "lint", lambda *a, **k: passes.append(1) or real(*a, **k))
    outcome = fix.plan(run, select=["ST991", "LK001"])
    assert outcome.changes == [] and len(passes) == 1
    completed = fix.as_read(run, outcome)
    assert [d.code for d in completed.result.diagnostics] == ["LK001"]
    assert not completed.vault_rules_deferred


def test_the_cli_s_fix_reports_what_a_new_check_finds(make_vault):
    root = make_vault({"a.md": "# 标题\n\n##小节\n\n[[不存在的笔记]]\n"})  # ST103 fixes, LK001 not
    fixed = run_cli(
        "check", "--fix", "--unsafe-fixes", "--no-cache", "--output-format", "json", root
    )
    again = run_cli("check", "--no-cache", "--output-format", "json", root)
    assert "Fixed 1" in fixed.stderr, fixed.stderr
    after = json.loads(fixed.stdout)["diagnostics"]
    assert after == json.loads(again.stdout)["diagnostics"]
    assert "LK001" in {d["code"] for d in after} and fixed.returncode == again.returncode == 1


def test_a_vault_rule_failing_on_the_notes_as_read_does_not_stop_the_note_fixes(make_vault):
    root = make_vault({"a.md": NOTE})
    select = ["ST991", "ST988"]
    run = linter.check_paths([root], select=select, defer_vault_rules=True)
    assert run.vault_rules_deferred and not run.result.internal_errors

    outcome = fix.plan(run, select=select)

    assert [c.codes for c in outcome.changes] == [{"ST991": 2}]
    assert not any("failed on the fixed note" in w for w in outcome.warnings)
    fix.write(outcome)
    after = fix.recheck(run, outcome, select=select)
    assert any("ST988" in message for message in after.result.internal_errors)


# ---------------------------------------------------------------- the first round, done ahead


def test_the_per_note_stage_does_each_note_s_first_round_ahead(make_vault, monkeypatch):
    from vaultkit import analysis

    root = make_vault({"a.md": BOTH, "b.md": VAULT_ONLY, "c.md": NOTE})
    run = linter.check_paths([root], select=SELECT, defer_vault_rules=True, fix_ahead=False)
    assert sorted(run.fixed_ahead) == ["a.md", "c.md"]  # b.md has no note rule's fix
    ahead = run.fixed_ahead["c.md"]
    assert ahead.data == NOTE.replace("坏词", "好词").encode() and ahead.findings == []
    checked = []
    real = analysis.check_notes
    monkeypatch.setattr(analysis, "check_notes", lambda n, c: checked.append(n) or real(n, c))

    outcome = fix.plan(run, select=SELECT)

    # the first round takes a.md and c.md as checked ahead; the second round, the vault
    # rule's fixes of a.md and b.md, is checked here
    assert [[note.rel for note in notes] for notes in checked] == [[], ["a.md", "b.md"]]
    assert [c.rel for c in outcome.changes] == ["a.md", "b.md", "c.md"]


def test_a_round_done_ahead_on_other_bytes_is_not_taken(make_vault):
    root = make_vault({"c.md": NOTE})
    run = linter.check_paths([root], select=SELECT, defer_vault_rules=True, fix_ahead=False)
    ahead = run.fixed_ahead["c.md"]
    # as if the rounds fixed otherwise; findings that would show if it were taken anyway
    ahead.data, ahead.findings = b"other bytes", list(run.result.diagnostics)
    assert ahead.findings

    outcome = fix.plan(run, select=SELECT)

    assert [c.after for c in outcome.changes] == [NOTE.replace("坏词", "好词").encode()]
    assert outcome.changes[0].checked[0] == []  # checked by the rounds, not taken from ahead


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("---\ntitle: 甲\n---\n\n正文。\n", "no fix"),
        ("<!-- vaultkit-disable-next-line ST991 -->\n坏词\n\n坏词\n", "a next-line comment"),
        ("<!-- vaultkit-disable ST991 -->\n坏词\n", "every fix suppressed"),
    ],
)
def test_no_round_is_done_ahead_without_a_fix_the_rounds_would_take_alone(make_vault, text, why):
    root = make_vault({"a.md": text})
    run = linter.check_paths([root], select=SELECT, defer_vault_rules=True, fix_ahead=False)
    assert run.fixed_ahead == {}, why


def test_every_write_refused_reports_the_notes_as_read_without_a_new_check(make_vault, monkeypatch):
    root = make_vault({"a.md": NOTE + "\n[[不存在的笔记]]\n", "b.md": NOTE})
    for name in ("a.md", "b.md"):
        (root / name).chmod(0o444)
    select = ["ST991", "LK001"]
    run = linter.check_paths([root], select=select, defer_vault_rules=True, fix_ahead=False)
    outcome = fix.plan(run, select=select)
    fix.write(outcome)
    assert outcome.changes and not any(c.written for c in outcome.changes)  # read-only
    parsed = []
    monkeypatch.setattr(linter, "check_paths", lambda *a, **k: parsed.append(1))
    completed = fix.as_read(run, outcome, select=select)
    assert parsed == []  # the vault is not read again: only its vault rules run
    monkeypatch.undo()
    again = linter.check_paths([root], select=select).result
    assert completed.result.diagnostics == again.diagnostics
    assert "LK001" in {d.code for d in again.diagnostics}


def test_a_refused_write_is_reported_as_on_disk_not_as_fixed_in_memory(make_vault):
    # ST102 (blank lines around `##`) fixes; b.md is read-only, so it keeps its finding
    text = "---\ntitle: 甲\n---\n\n# 大标题\n\n正文。\n## 小节\n\n内容。\n"
    root = make_vault({"a.md": text, "b.md": text})
    (root / "b.md").chmod(0o444)
    fixed = run_cli("check", "--fix", "--no-cache", "--output-format", "json", root)
    again = run_cli("check", "--no-cache", "--output-format", "json", root)
    assert "b.md: not fixed: it is read-only" in fixed.stderr, fixed.stderr
    after = json.loads(fixed.stdout)["diagnostics"]
    assert after == json.loads(again.stdout)["diagnostics"]
    assert ("b.md", "ST102") in {(d["path"], d["code"]) for d in after}
