"""Inline suppression comments in notes.

    <!-- vaultkit-disable-next-line FM007 ST102 -->
    <!-- vaultkit-disable ST107 --> … <!-- vaultkit-enable ST107 -->
    <!-- vaultkit-disable-file ST108 -->

and, in the frontmatter, `vaultkit-disable: [ST108]` for the whole file. A
directive without codes applies to every rule. Codes may be full codes or
prefixes (`ST1`, `FM`), as in `--select`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from vaultkit.diagnostics import Diagnostic, Position
from vaultkit.note import Note

_DIRECTIVE = re.compile(
    r"<!--\s*vaultkit-(disable-next-line|disable-file|disable|enable)\b(?P<codes>[^>]*?)\s*-->"
)
_CODE = re.compile(r"[A-Za-z0-9]+")
FRONTMATTER_KEY = "vaultkit-disable"
ALL = "ALL"


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code written in a directive, and where."""

    code: str
    position: Position


@dataclass
class Suppressions:
    file_codes: set[str] = field(default_factory=set)
    next_line: dict[int, set[str]] = field(default_factory=dict)
    ranges: list[tuple[str, int, int]] = field(default_factory=list)  # code, first, last line
    references: list[CodeRef] = field(default_factory=list)

    def covers(self, diagnostic: Diagnostic) -> bool:
        line = diagnostic.start.line
        code = diagnostic.code
        if _any_match(self.file_codes, code):
            return True
        if _any_match(self.next_line.get(line, ()), code):
            return True
        return any(first <= line <= last and _match(c, code) for c, first, last in self.ranges)


def _match(selector: str, code: str) -> bool:
    return selector == ALL or code.startswith(selector)


def _any_match(selectors, code: str) -> bool:
    return any(_match(s, code) for s in selectors)


def _codes(note: Note, text: str, offset: int) -> list[CodeRef]:
    refs = []
    for match in _CODE.finditer(text):
        position = note.position(offset + len(text[: match.start()].encode()))
        refs.append(CodeRef(match.group().upper(), position))
    return refs


def parse(note: Note) -> Suppressions:
    """Read every directive of a note (in HTML comments outside code)."""
    found = Suppressions()
    if note.source is None:
        return found
    _frontmatter_codes(note, found)
    open_ranges: dict[str, int] = {}
    last_line = len(note.lines)
    for region in note.html:
        chunk = note.slice(region.start, region.end)
        for match in _DIRECTIVE.finditer(chunk):
            kind = match.group(1)
            codes_at = region.start + len(chunk[: match.start("codes")].encode())
            refs = _codes(note, match.group("codes"), codes_at)
            found.references += refs
            codes = {r.code for r in refs} or {ALL}
            line = note.line_of(region.start + len(chunk[: match.start()].encode()))
            if kind == "disable-file":
                found.file_codes |= codes
            elif kind == "disable-next-line":
                found.next_line.setdefault(line + 1, set()).update(codes)
            elif kind == "disable":
                for code in codes:
                    open_ranges.setdefault(code, line)
            else:
                for code in codes if codes != {ALL} else list(open_ranges):
                    if code in open_ranges:
                        found.ranges.append((code, open_ranges.pop(code), line))
    found.ranges += [(code, first, last_line) for code, first in open_ranges.items()]
    return found


def _frontmatter_codes(note: Note, found: Suppressions) -> None:
    fm = note.frontmatter
    entry = fm.get(FRONTMATTER_KEY) if fm else None
    if entry is None:
        return
    nodes = entry.node.value if isinstance(entry.node, yaml.SequenceNode) else [entry.node]
    for node in nodes:
        if isinstance(node, yaml.ScalarNode):
            for match in _CODE.finditer(node.value):
                found.file_codes.add(match.group().upper())
                position = fm.position(node.start_mark)
                found.references.append(CodeRef(match.group().upper(), position))
