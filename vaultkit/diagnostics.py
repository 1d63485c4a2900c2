"""The finding every rule yields and every reporter prints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


CATEGORIES = ("frontmatter", "structure", "links", "topics", "images", "summary")


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and a 1-based column counted in characters."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: where it is, which rule found it, and what would be right."""

    path: str  # relative to the vault root, '/'-separated
    start: Position
    end: Position
    code: str
    name: str
    category: str
    severity: Severity
    message: str
    fix: str | None = None  # a description of the available fix, if any

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.start.line, self.start.column, self.code, self.message)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.start.line,
            "column": self.start.column,
            "end_line": self.end.line,
            "end_column": self.end.column,
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
        }
