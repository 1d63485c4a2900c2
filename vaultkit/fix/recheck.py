"""The check after `write`, from the fixed notes in memory instead of the files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from vaultkit import analysis, linter
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic
from vaultkit.fix import fixing_only
from vaultkit.fix.outcome import Outcome
from vaultkit.note import Note
from vaultkit.selection import CLI_ORIGINS, Selection, Stage


def recheck(
    run: linter.Run,
    outcome: Outcome,
    *,
    select: list[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> linter.Run | None:
    """The run as a new check after `write` would find it, from the fixed notes in memory.

    The note rules' findings on notes no fix changed stay as they were; on the
    changed notes they are the fix rounds' last check of each (the note rules run
    again only where that check was of other bytes or other rules), and the vault
    rules run over the vault as it is now. None when that cannot stand for a new
    check: several vaults, a change not written, a run that failed somewhere, or
    one that went online.
    """
    if not rechecks(run) or len(outcome.vaults) != 1:
        return None
    if any(not change.written for change in outcome.changes):  # refused: not as in memory
        return None
    vault, changed = outcome.vaults[0], {change.rel: change for change in outcome.changes}
    last = outcome.last_check
    if last is not None and same(last[0], vault.notes):  # no note changed after that check
        return replace(
            run, vaults=[vault], result=last[1], printed_slot=None, vault_rules_deferred=False
        )
    selection, rules = _rules(vault, select, extend_select, ignore)
    as_read_now = [rel for rel in run.fixing_only if rel not in changed]
    fixing_only.complete(run, as_read_now, selection, rules)
    note_rules = [rule for rule in rules if rule.per_note]
    codes = {rule.code for rule in note_rules}
    fresh: dict[str, tuple[list[Diagnostic], list[str]]] = {}
    context = analysis.Context(vault.config, selection, note_rules, False)
    for note in vault.notes:
        change = changed.get(note.rel)
        if change is None:
            continue
        checked = change.checked
        if checked is not None and checked[2] == codes:  # the fix rounds' last check of it
            fresh[note.rel] = (checked[0], checked[1])
        elif run.reported(note.rel):
            fresh[note.rel] = analysis.check_note(note, context)
        else:
            fresh[note.rel] = ([], [])
    result = check_whole(run, vault, selection, rules, fresh)
    return replace(
        run, vaults=[vault], result=result, printed_slot=None, vault_rules_deferred=False
    )


def as_read(
    run: linter.Run,
    outcome: Outcome,
    *,
    select: list[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> linter.Run:
    """A run whose vault rules were deferred (`Run.vault_rules_deferred`) and whose notes
    were not written, completed: by the fix rounds' check of the whole vault when it is of
    the notes as read, else by the vault rules over them (every write refused)."""
    last = outcome.last_check
    if last is not None and same(last[0], run.vault.notes):
        return replace(run, result=last[1], vault_rules_deferred=False)
    selection, rules = _rules(run.vault, select, extend_select, ignore)
    fixing_only.complete(run, run.fixing_only, selection, rules)
    result = check_whole(run, run.vault, selection, rules, {})
    return replace(run, result=result, vault_rules_deferred=False)


def _rules(
    vault: vault_module.Vault,
    select: list[str] | None,
    extend_select: Iterable[str],
    ignore: Iterable[str],
) -> tuple[Selection, list]:
    """The selection the run was checked with (the CLI's `select`, `extend_select` and
    `ignore` over the vault's configuration) and its enabled offline rules."""
    stage = Stage(select or None, list(extend_select), list(ignore), CLI_ORIGINS)
    selection = Selection(vault.config, stage)
    return selection, linter.enabled_rules(selection, with_online=False)


def rechecks(run: linter.Run) -> bool:
    """Whether the fixed notes in memory can stand for a new check of the run's vault."""
    return (
        len(run.vaults) == 1
        and run.reported is not None
        and run.online is None
        and not run.result.internal_errors
    )


def same(notes: list[Note], others: list[Note]) -> bool:
    return len(notes) == len(others) and all(a is b for a, b in zip(notes, others, strict=True))


def check_whole(
    run: linter.Run,
    vault: vault_module.Vault,
    selection: Selection,
    rules: list,
    fresh: dict[str, tuple[list[Diagnostic], list[str]]],
) -> linter.Result:
    """The run's check of `vault`, whose notes `fresh` (rel -> note rules' findings and
    failures) differ from the run's; the note rules' findings on the others are the run's."""
    codes = {rule.code for rule in rules if rule.per_note}
    found = [d for d in run.result.diagnostics if d.path not in fresh and d.code in codes]
    errors: list[str] = []
    for note in vault.notes:
        if note.rel in fresh and run.reported(note.rel):
            more, failed = fresh[note.rel]
            found.extend(more)
            errors.extend(failed)
    return linter.lint(vault, selection, run.reported, (found, errors), rules)
