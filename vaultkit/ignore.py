"""Files the vault's owners asked tools to leave alone: `.gitignore` and Obsidian's
"Excluded files".

- git: when the vault is in a git work tree, the files and folders git
  ignores (`.gitignore` at any level, `.git/info/exclude`, the global
  excludes file), as `git ls-files --others --ignored --exclude-standard
  --directory` lists them. Tracked files are never ignored, as in git.
- Obsidian: `userIgnoreFilters` in `.obsidian/app.json` (Settings → Files and
  links → Excluded files). Obsidian takes an entry as a path prefix from the
  vault root (`99-归档/`, `Templates`), or, written `/…/`, as a regular
  expression searched in the path.

Both are honoured like `exclude` (a note named on the command line is left
out too); `respect-gitignore = false` in the config or `--no-respect-gitignore`
turns both off, as ruff's option of that name does for git.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import obsidian


@dataclass
class Ignored:
    paths: set[str] = field(default_factory=set)  # git: vault-relative files and folders
    prefixes: tuple[str, ...] = ()  # Obsidian: path prefixes
    patterns: tuple[re.Pattern, ...] = ()  # Obsidian: `/regex/` entries

    def __bool__(self) -> bool:
        return bool(self.paths or self.prefixes or self.patterns)

    def covers(self, rel: str) -> bool:
        """Whether `rel` (or a folder it is in) is ignored."""
        if self.paths:
            parts = rel.split("/")
            if any("/".join(parts[:n]) in self.paths for n in range(1, len(parts) + 1)):
                return True
        return rel.startswith(self.prefixes) or any(p.search(rel) for p in self.patterns)


def _git_ignored(root: Path) -> set[str]:
    try:
        done = subprocess.run(
            ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory",
             "-z"],
            cwd=root, capture_output=True, check=False, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode != 0:
        return set()  # not a git work tree (or no git): nothing is ignored
    found = set()
    for entry in done.stdout.split(b"\0"):
        rel = os.fsdecode(entry).rstrip("/")
        if rel and not rel.startswith("../"):
            found.add(rel)
    return found


def _obsidian(root: Path) -> tuple[tuple[str, ...], tuple[re.Pattern, ...]]:
    prefixes, patterns = [], []
    for entry in obsidian.ignore_filters(root):
        if not isinstance(entry, str) or not entry.strip():
            continue
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                patterns.append(re.compile(entry[1:-1]))
            except re.error:
                continue  # Obsidian ignores an entry it cannot compile too
        else:
            prefixes.append(entry.lstrip("/"))
    return tuple(prefixes), tuple(patterns)


def load(root: Path) -> Ignored:
    """What git and Obsidian ignore in the vault at `root`."""
    prefixes, patterns = _obsidian(root)
    return Ignored(_git_ignored(root), prefixes, patterns)
