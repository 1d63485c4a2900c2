"""Choosing and applying the fixes of one note: pure functions on bytes.

A fix is a set of `Edit`s on the bytes a note was parsed from (BOM
excluded). Fixes are applied whole or not at all; when two fixes touch
overlapping bytes, the one that starts first (then by rule code) wins and the
other waits for the next round, after the note has been checked again.
"""

from __future__ import annotations

from collections.abc import Iterable

from vaultkit.diagnostics import Diagnostic, Edit, Fix


def _overlaps(edit: Edit, taken: list[Edit]) -> bool:
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        # Two insertions at one offset would depend on their order: keep one per round.
        if edit.start == edit.end == other.start == other.end:
            return True
    return False


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    """Whether `fix` has edits and may be applied (unsafe ones only with `unsafe`)."""
    return fix is not None and fix.applicable and (fix.safe or unsafe)


def choose(diagnostics: Iterable[Diagnostic], *, unsafe: bool = False) -> list[Fix]:
    """The fixes to apply to one note this round: applicable, allowed, not overlapping."""
    candidates = sorted(
        (d for d in diagnostics if d.fix is not None and d.fix.applicable),
        key=lambda d: (min(e.start for e in d.fix.edits), d.code, d.sort_key),
    )
    chosen: list[Fix] = []
    taken: list[Edit] = []
    for diagnostic in candidates:
        fix = diagnostic.fix
        if not (fix.safe or unsafe):
            continue
        if any(_overlaps(edit, taken) for edit in fix.edits):
            continue
        if any(_overlaps(a, [b]) for i, a in enumerate(fix.edits) for b in fix.edits[i + 1 :]):
            continue  # a fix whose own edits collide is a rule bug: never apply it
        chosen.append(fix)
        taken.extend(fix.edits)
    return chosen


def apply(data: bytes, fixes: Iterable[Fix]) -> bytes:
    """`data` with the edits of `fixes` (already free of overlaps) applied."""
    edits = sorted((e for fix in fixes for e in fix.edits), key=lambda e: (e.start, e.end))
    out: list[bytes] = []
    position = 0
    for edit in edits:
        out.append(data[position : edit.start])
        out.append(edit.text.encode("utf-8"))
        position = edit.end
    out.append(data[position:])
    return b"".join(out)


def _splits(data: bytes, offset: int) -> bool:
    """Whether `offset` falls inside a UTF-8 character or between `\\r` and `\\n`."""
    if offset <= 0 or offset >= len(data):
        return False
    return 0x80 <= data[offset] <= 0xBF or data[offset - 1 : offset + 1] == b"\r\n"


def valid(fix: Fix, data: bytes) -> bool:
    """Whether every edit of `fix` lies within `data` and cuts it only between characters."""
    return all(
        0 <= e.start <= e.end <= len(data)
        and not _splits(data, e.start)
        and not _splits(data, e.end)
        for e in fix.edits
    )
