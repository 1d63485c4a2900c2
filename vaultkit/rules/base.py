"""What a rule is, and the registry every rule family adds itself to.

A rule is a small class: a code, a kebab-case name, a category, a default
severity, whether it is on by default and whether it can be fixed, and a
docstring that *is* its documentation (`vaultkit rule CODE` prints it). Note
rules look at one parsed note; vault rules look at the whole vault at once.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from vaultkit.diagnostics import CATEGORIES, Diagnostic, Edit, Fix, Position, Severity

if TYPE_CHECKING:
    from vaultkit.note import Note
    from vaultkit.options import Settings
    from vaultkit.vault import Vault

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    default_enabled: ClassVar[bool] = True
    fix: ClassVar[str | None] = None  # None, "safe" or "unsafe"
    # The rule also needs the parse of a note whose bytes could not be read (file rules).
    checks_unreadable: ClassVar[bool] = False
    # The rule reads `vault.online` (remote image verdicts): it runs only with `--online`.
    needs_online: ClassVar[bool] = False

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the documentation."""
        return cls.documentation().split("\n", 1)[0]

    def diagnostic(
        self,
        note: Note,
        start: Position,
        end: Position,
        message: str,
        fix: Fix | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            path=note.rel,
            start=start,
            end=end,
            code=self.code,
            name=self.name,
            category=self.category,
            severity=self.severity,
            message=message,
            fix=fix,
        )

    def at_bytes(
        self, note: Note, start: int, end: int, message: str, fix: Fix | None = None
    ) -> Diagnostic:
        """A diagnostic spanning the bytes `start:end` of the note's data."""
        return self.diagnostic(note, note.position(start), note.position(end), message, fix)

    def at_line(
        self, note: Note, line: int, column: int, length: int, message: str, fix: Fix | None = None
    ) -> Diagnostic:
        """A diagnostic on `line` from character `column` (1-based) for `length` characters."""
        return self.diagnostic(
            note, Position(line, column), Position(line, column + length), message, fix
        )

    def make_fix(self, message: str, *edits: Edit) -> Fix:
        """A fix of this rule's safety (`fix` class attribute) made of byte `edits`."""
        return Fix(message, tuple(edits), safe=self.fix != "unsafe")


class NoteRule(Rule):
    """A rule that looks at one note at a time (cached per note, run in parallel)."""

    per_note: ClassVar[bool] = True

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        raise NotImplementedError


class VaultRule(Rule):
    """A rule that needs the whole vault (duplicates across notes, the link graph)."""

    per_note: ClassVar[bool] = False

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        raise NotImplementedError


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry, checking its declaration."""
    if cls.code in REGISTRY:
        raise ValueError(f"duplicate rule code {cls.code}")
    if cls.category not in CATEGORIES:
        raise ValueError(f"{cls.code}: unknown category {cls.category!r}")
    if cls.fix not in (None, "safe", "unsafe"):
        raise ValueError(f"{cls.code}: fix must be None, 'safe' or 'unsafe'")
    REGISTRY[cls.code] = cls
    return cls
