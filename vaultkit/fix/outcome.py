"""What the fixes do to a checked run's notes (`Change`, `Outcome`), putting it on disk
(`write`) and showing it (`diff`)."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import linter
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic
from vaultkit.fix import atomic
from vaultkit.fix.atomic import Snapshot
from vaultkit.note import Note


@dataclass
class Change:
    """One file the fixes change: where it is, its bytes before and after."""

    rel: str  # as reported (prefixed by its vault's folder when several vaults were checked)
    target: Path  # the real path written (never a symbolic link)
    note_path: Path  # the path the vault walk found (it may pass through links)
    root: Path  # the note's vault root
    snapshot: Snapshot
    after: bytes
    fixed: int  # fixes applied, over every round
    codes: Counter = field(default_factory=Counter)  # rule code -> fixes applied
    written: bool = False
    refused: str | None = None  # why the file was not written
    # The note rules' findings and failures on `after`, and the codes of the rules that ran:
    # `recheck` takes them instead of running the note rules on the fixed note again.
    checked: tuple[list[Diagnostic], list[str], frozenset[str]] | None = None

    @property
    def before(self) -> bytes:
        return self.snapshot.raw


@dataclass
class Outcome:
    """What the fixes did (or would do) to a checked run's notes."""

    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left: int = 0  # allowed fixes left unapplied: refused, did not settle, broke a rule
    hidden: int = 0  # unsafe fixes not applied because `--unsafe-fixes` was not given
    vaults: list[vault_module.Vault] = field(default_factory=list)  # as fixed, in memory
    # The fix rounds' last check of the whole fixed vault (one vault's run): its notes, each
    # the object checked, and the result; `recheck` takes it while the notes are the same.
    last_check: tuple[list[Note], linter.Result] | None = None

    @property
    def applied(self) -> list[Change]:
        """The changes that were (or, with `--diff`, would be) written."""
        return [change for change in self.changes if change.refused is None]

    @property
    def fixed(self) -> int:
        return sum(change.fixed for change in self.applied)

    @property
    def files(self) -> int:
        return len(self.applied)


def write(outcome: Outcome) -> None:
    """Write every change atomically; a change that cannot be written is refused and left."""
    changes = [change for change in outcome.changes if change.refused is None]
    jobs = [(c.target, c.after, c.snapshot, c.note_path, c.root) for c in changes]
    for change, problem in zip(changes, atomic.replace_files(jobs), strict=True):
        if problem is None:
            change.written = True
            continue
        change.refused = problem
        outcome.left += change.fixed
        outcome.warnings.append(f"{change.rel}: not fixed: {problem}")


def _lines(data: bytes) -> list[str]:
    """The file's lines as text for display, each with its own line ending."""
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def diff(change: Change) -> str:
    """A unified diff of one change (`--- a/rel`, `+++ b/rel`), as `git diff` prints it."""
    out = []
    for line in difflib.unified_diff(
        _lines(change.before),
        _lines(change.after),
        f"a/{change.rel}",
        f"b/{change.rel}",
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
