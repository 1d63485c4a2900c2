"""Fixes: minimal byte edits on a note's original bytes, checked again, written atomically.

- `edits`: `choose` the fixes of one note that do not overlap, `apply` them.
- `engine`: `plan` fixes a checked run's notes in memory, round after round
  until nothing applies; `write` puts the changes on disk; `recheck` is the
  check after writing, from the notes in memory; `diff` shows one change.
- `atomic`: replace a file atomically, only while it still holds what was read.
"""

from vaultkit.fix.atomic import TEMP_SUFFIX, Snapshot, replace_file, snapshot
from vaultkit.fix.edits import allowed, apply, choose, valid
from vaultkit.fix.engine import MAX_ROUNDS, Change, Outcome, diff, plan, recheck, write

__all__ = [
    "MAX_ROUNDS",
    "TEMP_SUFFIX",
    "Change",
    "Outcome",
    "Snapshot",
    "allowed",
    "apply",
    "choose",
    "diff",
    "plan",
    "recheck",
    "replace_file",
    "snapshot",
    "valid",
    "write",
]
