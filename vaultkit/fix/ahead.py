"""A note's first fix round, done ahead where the note is checked (a worker of the per-note stage).

With `--fix`, the per-note stage that checks a note also applies the note rules'
fixes of its findings once, parses the new bytes and checks them with the note
rules, in the same worker. The fix rounds (`vaultkit.fix.engine`) take that check
for a note's first round when their own fixes give exactly the same bytes; they
check the note themselves otherwise. So nothing here decides what is fixed: it
only spares the rounds a second pass over the changed notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaultkit import suppression
from vaultkit.diagnostics import Diagnostic
from vaultkit.fix.edits import apply, choose, valid
from vaultkit.fix.engine import covered_lines, reparse
from vaultkit.note import Note


@dataclass
class Ahead:
    """A note after its note rules' fixes, and the note rules' findings on it."""

    data: bytes  # the note's bytes after the fixes (without a BOM, as `Note.data`)
    note: Note
    findings: list[Diagnostic]  # before suppressions, as `analysis.check_note` gives them
    errors: list[str]


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
