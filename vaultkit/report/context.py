"""What every reporter is given."""

from __future__ import annotations

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

    def summary(self) -> dict:
        by_severity = Counter(d.severity for d in self.diagnostics)
        return {
            "files_checked": self.files_checked,
            "diagnostics": len(self.diagnostics),
            "errors": by_severity[Severity.ERROR],
            "warnings": by_severity[Severity.WARNING],
            "by_code": dict(sorted(Counter(d.code for d in self.diagnostics).items())),
        }
