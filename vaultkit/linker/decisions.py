"""What a person or an agent decided about a suggestion, kept in the vault.

`.vaultkit/link-decisions.jsonl` at the vault root holds one JSON object per
line, appended and never rewritten, meant to be committed with the vault:

    {"note": "01-博客/a/b.md", "kind": "topic", "target": "mcp",
     "decision": "accept", "when": "2026-12-07T04:00:00Z"}

`kind` is `topic` (`target` a topic name) or `related` (`target` a note
path); `decision` is `accept` or `reject` (and `reason`/`say` for an
accepted related document). A rejected suggestion is never suggested again
for that note; the latest decision on a (note, kind, target) wins.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

FOLDER = ".vaultkit"
FILE = "link-decisions.jsonl"
KINDS = ("topic", "related")


def path_for(root: Path) -> Path:
    return root / FOLDER / FILE


def load(root: Path) -> dict[tuple[str, str, str], str]:
    """(note, kind, target) -> the latest decision; a damaged line is skipped."""
    found: dict[tuple[str, str, str], str] = {}
    try:
        text = path_for(root).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return found
    for line in text.splitlines():
        try:
            row = json.loads(line)
            key = (row["note"], row["kind"], row["target"])
            found[key] = row["decision"]
        except (ValueError, KeyError, TypeError):
            continue
    return found


def rejected(decisions: dict, note: str, kind: str) -> set[str]:
    return {t for (n, k, t), d in decisions.items() if n == note and k == kind and d == "reject"}


def record(root: Path, rows: list[dict]) -> None:
    """Append decisions (each with `note`, `kind`, `target`, `decision`)."""
    if not rows:
        return
    target = path_for(root)
    target.parent.mkdir(exist_ok=True)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = "".join(
        json.dumps({**row, "when": when}, ensure_ascii=False, sort_keys=True) + "\n" for row in rows
    )
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(lines)
