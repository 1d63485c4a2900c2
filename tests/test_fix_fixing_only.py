"""`check --fix` checks a note that will be fixed with the fixing rules only, as read.

The per-note stage runs the rules that can fix first; when their fixes apply, the
other note rules run on the fixed note only (`vaultkit.fix.ahead.check_fixing_first`).
A note that is then reported as read after all (its fixes given up or refused) gets
them run on it as read (`vaultkit.fix.fixing_only.complete`): whatever happens, the
report is the one a new check of the files gives.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from test_fix_engine import DOC, NOTE, Back, Replace

from vaultkit import fix, linter
from vaultkit.rules.base import REGISTRY, NoteRule, register


class Count(NoteRule):
    """Test rule (fixes nothing): reports every `正文` of a note; counts the notes it reads."""

    code = "ST987"
    name = "test-count"
    category = "structure"
    default_enabled = False
    read: ClassVar[list[bytes]] = []

    def check(self, note, settings):
        Count.read.append(note.data)
        start = note.data.find("正文".encode())
        while start >= 0:
            yield self.at_bytes(note, start, start + 6, "a 正文")
            start = note.data.find("正文".encode(), start + 1)


Count.__doc__ = DOC.format(summary=Count.__doc__.strip())


@pytest.fixture(autouse=True)
def rules():
    saved = dict(REGISTRY)
    for cls in (Replace, Back, Count):
        register(cls)
    Count.read = []
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


SELECT = ["ST991", "ST987"]
FIXED = NOTE.replace("坏词", "好词").encode()


def _fix_as_the_cli_does(root, select):
    """`check --fix`: the run, its fixes written, and the run reported after them."""
    run = linter.check_paths([root], select=select, defer_vault_rules=True, fix_ahead=False)
    fixing_only = set(run.fixing_only)
    outcome = fix.plan(run, select=select)
    fix.write(outcome)
    if any(change.written for change in outcome.changes):
        after = fix.recheck(run, outcome, select=select) or linter.check_paths(
            [root], select=select
        )
    else:
        after = fix.as_read(run, outcome, select=select)
    return fixing_only, outcome, after


def test_a_note_that_will_be_fixed_is_checked_as_read_by_the_fixing_rules_only(make_vault):
    root = make_vault({"a.md": NOTE, "b.md": "---\ntitle: 乙\n---\n\n正文。\n"})
    run = linter.check_paths([root], select=SELECT, defer_vault_rules=True, fix_ahead=False)

    assert run.fixing_only == {"a.md"}  # b.md has nothing to fix: every rule ran on it
    assert {(d.path, d.code) for d in run.result.diagnostics} == {
        ("a.md", "ST991"), ("b.md", "ST987"),
    }  # fmt: skip
    assert FIXED in Count.read and NOTE.encode() not in Count.read  # a.md: as fixed only
    assert [d.code for d in run.fixed_ahead["a.md"].findings] == ["ST987"]


def test_a_fixed_note_is_reported_as_a_new_check_finds_it(make_vault):
    root = make_vault({"a.md": NOTE})
    fixing_only, outcome, after = _fix_as_the_cli_does(root, SELECT)
    assert fixing_only == {"a.md"} and [c.after for c in outcome.changes] == [FIXED]
    fresh = linter.check_paths([root], select=SELECT).result
    assert after.result.diagnostics == fresh.diagnostics
    assert [d.code for d in fresh.diagnostics] == ["ST987"]


def test_a_note_whose_writes_are_refused_is_reported_with_every_rule(make_vault):
    root = make_vault({"a.md": NOTE, "b.md": NOTE})
    (root / "b.md").chmod(0o444)  # a.md is written, b.md refused: a new check follows
    _, outcome, after = _fix_as_the_cli_does(root, SELECT)
    assert [(c.rel, c.written) for c in outcome.changes] == [("a.md", True), ("b.md", False)]
    fresh = linter.check_paths([root], select=SELECT).result
    assert after.result.diagnostics == fresh.diagnostics
    assert ("b.md", "ST987") in {(d.path, d.code) for d in fresh.diagnostics}


def test_every_write_refused_reports_every_rule_s_findings_as_read(make_vault):
    root = make_vault({"a.md": NOTE})
    (root / "a.md").chmod(0o444)
    fixing_only, outcome, after = _fix_as_the_cli_does(root, SELECT)
    assert fixing_only == {"a.md"} and not any(c.written for c in outcome.changes)
    fresh = linter.check_paths([root], select=SELECT).result
    assert after.result.diagnostics == fresh.diagnostics
    assert sorted({d.code for d in fresh.diagnostics}) == ["ST987", "ST991"]


def test_a_note_given_up_is_reported_with_every_rule(make_vault):
    root = make_vault({"a.md": NOTE})
    select = [*SELECT, "ST993"]  # ST993 undoes ST991: the note is given up, left as read
    fixing_only, outcome, after = _fix_as_the_cli_does(root, select)
    assert fixing_only == {"a.md"} and outcome.changes == []
    assert any("undo each other" in warning for warning in outcome.warnings)
    fresh = linter.check_paths([root], select=select).result
    assert after.result.diagnostics == fresh.diagnostics
    assert "ST987" in {d.code for d in fresh.diagnostics}


def test_a_run_that_cannot_wait_checks_every_rule_on_the_notes_as_read(make_vault):
    root = make_vault({"a.md": NOTE}, name="one")
    other = make_vault({"a.md": NOTE}, name="two")
    # two vaults: nothing is deferred, so the notes are reported as read
    run = linter.check_paths([root, other], select=SELECT, defer_vault_rules=True, fix_ahead=False)
    assert run.fixing_only == set()
    assert sorted({d.code for d in run.result.diagnostics}) == ["ST987", "ST991"]


def test_the_cache_keeps_no_findings_of_the_fixing_rules_only(make_vault, tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    root = make_vault({"a.md": NOTE})
    (root / "a.md").chmod(0o444)
    run = linter.check_paths(
        [root], select=SELECT, defer_vault_rules=True, fix_ahead=False, use_cache=True
    )
    assert run.fixing_only == {"a.md"}
    cached = linter.check_paths([root], select=SELECT, use_cache=True).result
    assert cached.diagnostics == linter.check_paths([root], select=SELECT).result.diagnostics
    assert "ST987" in {d.code for d in cached.diagnostics}
