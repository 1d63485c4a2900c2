"""What every reporter is given."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.diagnostics import Diagnostic, Severity


@dataclass
class Report:
    root: Path
    diagnostics: list[Diagnostic]
    files_checked: int
    version: str
    color: bool = False
    source_lines: dict[str, list[str]] = field(default_factory=dict)  # rel path -> lines
    # The working directory, for formats whose paths must be relative to it (github).
    cwd: Path | None = None

    def summary(self) -> dict:
        by_severity = Counter(d.severity for d in self.diagnostics)
        return {
            "files_checked": self.files_checked,
            "diagnostics": len(self.diagnostics),
            "errors": by_severity[Severity.ERROR],
            "warnings": by_severity[Severity.WARNING],
            "by_code": dict(sorted(Counter(d.code for d in self.diagnostics).items())),
        }

    def cwd_path(self, rel: str) -> str:
        """`rel` (vault-relative) as a path relative to `cwd` when the note lies under it.

        GitHub resolves annotation paths against the repository root, which is the
        working directory of a workflow step; a vault is often a folder of the repo.
        """
        if self.cwd is None:
            return rel
        full = os.path.normpath(self.root / rel)
        try:
            return Path(full).relative_to(self.cwd).as_posix()
        except ValueError:
            return rel

    def shown_path(self, rel: str) -> str:
        """How text output names a note: relative to `cwd` when vaultkit runs in the vault,
        at or above it (so it clicks through from where vaultkit ran, as ruff and
        markdownlint-cli2 print paths: `../00-元语/AI.md` from `01-博客/`); `rel`, relative to
        the vault root, when the vault lies elsewhere or there is no `cwd`."""
        if self.cwd is None:
            return rel
        root, cwd = os.path.normpath(self.root), os.path.normpath(self.cwd)
        if os.path.commonpath([root, cwd]) not in (root, cwd):
            return rel
        return Path(os.path.relpath(os.path.join(root, rel), cwd)).as_posix()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
