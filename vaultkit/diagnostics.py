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
class Edit:
    """Replace bytes `start:end` of a note's data (its UTF-8 bytes, BOM excluded) with `text`.

    `start == end` inserts. Offsets index the bytes the note was parsed from,
    so an edit never depends on how the text was decoded or displayed.
    """

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """How to repair a finding: what the repair does, its edits, and whether it is safe.

    A safe fix keeps the note's meaning (`--fix`); an unsafe one may change it
    slightly and needs `--unsafe-fixes`. A fix without edits only describes
    the repair (the rule knows what is right but cannot write it).
    """

    message: str
    edits: tuple[Edit, ...] = ()
    safe: bool = True

    @property
    def applicable(self) -> bool:
        return bool(self.edits)

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "applicability": "safe" if self.safe else "unsafe",
            "edits": [{"start": e.start, "end": e.end, "content": e.text} for e in self.edits],
        }


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
    fix: Fix | None = None  # how to repair it, when the rule knows

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
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }
