"""A note's first fix round, done ahead where the note is checked (in the per-note stage).

With `--fix`, the per-note stage checks a note with the rules that can fix
(`Rule.fix`) first. When fixes of theirs apply, it applies them once, parses
the new bytes and checks them with every note rule, in the same process; the
other note rules then never run on the note as read, since it will be
written as fixed (`check_fixing_first`). The fix rounds (`vaultkit.fix.engine`)
take that check for a note's first round when their own fixes give exactly the
same bytes; they check the note themselves otherwise. So nothing here decides
what is fixed: it spares the rounds a second pass over the changed notes, and
the check a first pass over what the fixes replace.

A note whose fixes are then not written after all (given up, refused, or
coming to the same bytes) is reported as read: `vaultkit.fix.fixing_only.complete`
runs the other note rules on it first, so its findings are those of a whole check.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaultkit import analysis, suppression
from vaultkit.diagnostics import Diagnostic
from vaultkit.fix.edits import apply, choose, valid
from vaultkit.fix.engine import covered_lines, reparse
from vaultkit.fix.fixing_only import fixing, others
from vaultkit.note import Note


@dataclass
class Ahead:
    """A note after its note rules' fixes, and the note rules' findings on it."""

    data: bytes  # the note's bytes after the fixes (without a BOM, as `Note.data`)
    note: Note
    findings: list[Diagnostic]  # before suppressions, as `analysis.check_note` gives them
    errors: list[str]
    # The check of the note as read ran the fixing rules only (`check_fixing_first`).
    fixing_only: bool = False


def check_fixing_first(
    note: Note, context: analysis.Context
) -> tuple[list[Diagnostic], list[str], Ahead | None]:
    """The note's findings and failures as `analysis.check_note` gives them, with its first
    fix round (`fix_ahead`); or, when that round applies and no rule fails on either side,
    the fixing rules' findings only, the round marked `fixing_only`."""
    found, errors = analysis.check_note(note, context, fixing(context.rules))
    ahead = None
    if found and not errors:
        ahead = fix_ahead(note, found, context.fix_ahead, lambda n: analysis.check_note(n, context))
    if ahead is not None and not ahead.errors:
        ahead.fixing_only = True
        return found, errors, ahead
    more, failed = analysis.check_note(note, context, others(context.rules))
    errors += failed
    return _in_order(found + more, context.rules), errors, None if errors else ahead


def _in_order(found: list[Diagnostic], rules: list) -> list[Diagnostic]:
    """`found` in the order of `rules` (each rule's own in the order it gave them)."""
    if len({d.code for d in found}) < 2:
        return found
    order = {rule.code: index for index, rule in enumerate(rules)}
    return sorted(found, key=lambda d: order[d.code])


def fix_ahead(note: Note, findings: list[Diagnostic], unsafe: bool, check) -> Ahead | None:
    """The note with the fixes of its unsuppressed `findings` applied and `check(note)` (the
    note rules' findings and failures) on it; None when no fix applies, or when the note
    holds a `disable-next-line` comment (the rounds decide which fixes may move it)."""
    if note.source is None:
        return None
    if note.html or note.frontmatter:
        covers = suppression.parse(note).covers
        findings = [d for d in findings if not covers(d)]
    fixes = [fix for fix in choose(findings, unsafe=unsafe) if valid(fix, note.data)]
    if not fixes or covered_lines(note):
        return None
    new = apply(note.data, fixes)
    parsed = reparse(note, new) if new != note.data else None
    if parsed is None:
        return None
    more, failed = check(parsed)
    return Ahead(new, parsed, more, failed)
