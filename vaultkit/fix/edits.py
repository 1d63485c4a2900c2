"""Choosing and applying the fixes of one note: pure functions on bytes.

A fix is a set of `Edit`s on the bytes a note was parsed from (BOM
excluded). Fixes are applied whole or not at all; when two fixes touch
overlapping bytes, the one that starts first (then by rule code) wins and the
other waits for the next round, after the note has been checked again.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from vaultkit.diagnostics import Diagnostic, Edit, Fix


class _Taken:
    """Edits already chosen, sorted; whether a new edit collides is found by bisection.

    Chosen edits never overlap, so sorted by (start, end) their ends never
    decrease either: the last edit starting before a new one ends is the only
    one to compare with. Two insertions at one offset would depend on their
    order: one per round.
    """

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.points: set[int] = set()  # offsets of chosen insertions

    def collides(self, edit: Edit) -> bool:
        if edit.start == edit.end and edit.start in self.points:
            return True
        index = bisect_left(self.spans, (edit.end, -1)) - 1
        return index >= 0 and self.spans[index][1] > edit.start

    def add(self, edit: Edit) -> None:
        insort(self.spans, (edit.start, edit.end))
        if edit.start == edit.end:
            self.points.add(edit.start)


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
    taken = _Taken()
    for diagnostic in candidates:
        fix = diagnostic.fix
        if not (fix.safe or unsafe) or any(taken.collides(edit) for edit in fix.edits):
            continue
        own = _Taken()
        for edit in sorted(fix.edits, key=lambda e: (e.start, e.end)):
            if own.collides(edit):
                break  # a fix whose own edits collide is a rule bug: never apply it
            own.add(edit)
        else:
            chosen.append(fix)
            for edit in fix.edits:
                taken.add(edit)
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
