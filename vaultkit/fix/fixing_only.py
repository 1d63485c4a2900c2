"""Notes checked with the fixing rules only (`--fix`; see `vaultkit.fix.ahead`).

Such a note is reported as fixed, so the note rules that cannot fix never ran on
it as read. When it is reported as read after all (its fixes given up, refused,
or coming to the same bytes), `complete` runs them on it first.
"""

from __future__ import annotations

from collections.abc import Iterable

from vaultkit import analysis, linter
from vaultkit.diagnostics import Diagnostic
from vaultkit.selection import Selection


def fixing(rules: Iterable) -> list:
    """The rules that can offer a fix."""
    return [rule for rule in rules if rule.fix is not None]


def others(rules: Iterable) -> list:
    """The rules that never offer a fix."""
    return [rule for rule in rules if rule.fix is None]


def check_others(
    vault, rels: list[str], selection: Selection, rules: list
) -> tuple[list[Diagnostic], list[str]]:
    """The findings and failures of the note rules of `rules` that fix nothing, on the notes
    of `rels` as read (before suppressions, as `analysis.check_note` gives them)."""
    context = analysis.Context(
        vault.config, selection, others(rule for rule in rules if rule.per_note), False
    )
    found: list[Diagnostic] = []
    errors: list[str] = []
    for more, failed in analysis.check_notes([vault.by_rel[rel] for rel in rels], context):
        found += more
        errors += failed
    return found, errors


def complete(run: linter.Run, rels: Iterable[str], selection: Selection, rules: list) -> list[str]:
    """Run the note rules of `rules` that fix nothing on the notes of `rels` (as read) that
    the check left them out of (`Run.fixing_only`), adding their findings and failures to the
    run's result; returns the notes completed."""
    todo = sorted(rel for rel in rels if rel in run.fixing_only)
    if not todo:
        return []
    found, errors = check_others(run.vault, todo, selection, rules)
    result = run.result
    result.diagnostics = sorted(
        result.diagnostics + linter.unsuppressed(run.vault, found), key=lambda d: d.sort_key
    )
    result.internal_errors += errors
    run.fixing_only.difference_update(todo)
    return todo
