"""Fixes: minimal byte edits on a note's original bytes, checked again, written atomically.

- `edits`: `choose` the fixes of one note that do not overlap, `apply` them.
- `engine`: `plan` fixes a checked run's notes in memory, round after round
  until nothing applies;
- `outcome`: what the fixes change (`Outcome`, `Change`); `write` puts the
  changes on disk; `diff` shows one change;
- `recheck`: the check after writing, from the notes in memory (`as_read`
  when nothing was changed).
- `atomic`: replace a file atomically, only while it still holds what was read.
"""

from vaultkit.fix.atomic import TEMP_SUFFIX, Snapshot, replace_file, snapshot
from vaultkit.fix.edits import allowed, apply, choose, valid
from vaultkit.fix.engine import MAX_ROUNDS, plan
from vaultkit.fix.outcome import Change, Outcome, diff, write
from vaultkit.fix.recheck import as_read, recheck

__all__ = [
    "MAX_ROUNDS",
    "TEMP_SUFFIX",
    "Change",
    "Outcome",
    "Snapshot",
    "allowed",
    "apply",
    "as_read",
    "choose",
    "diff",
    "plan",
    "recheck",
    "replace_file",
    "snapshot",
    "valid",
    "write",
]
