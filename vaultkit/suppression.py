"""Inline suppression comments in notes.

    <!-- vaultkit-disable-next-line FM007 ST102 -->
    <!-- vaultkit-disable ST107 --> … <!-- vaultkit-enable ST107 -->
    <!-- vaultkit-disable-file ST108 -->

and, in the frontmatter, `vaultkit-disable: [ST108]` for the whole file.

- A directive without codes applies to every rule (so does `ALL`). Codes may be
  full codes or prefixes (`ST1`, `FM`), as in `--select`, separated by spaces
  or commas; text after ` -- ` is a comment (`… ST107 -- quoted on purpose`).
- Only real HTML comments count: the same text in a code block, a code span or
  math is an example, not a directive. A comment may span lines.
- `disable-next-line` covers the line after the one that closes the comment.
- `disable` takes effect on its own line, `enable` on its own line. They are
  switches, not a stack: the last directive before a line that names a rule
  decides (`disable` … `enable ST107` turns ST107 back on and leaves the rest
  off; an `enable` with nothing disabled does nothing). A `disable` never
  closed runs to the end of the note.
- In the frontmatter, `vaultkit-disable:` with no value (or `true`, or `ALL`)
  covers every rule, a code or list of codes covers those, `false` or `[]`
  covers none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Position
from vaultkit.frontmatter import Field, Frontmatter
from vaultkit.note import Note

_DIRECTIVE = regexes.compile(
    r"\s*vaultkit-(?P<kind>disable-next-line|disable-file|disable|enable)(?=[\s,]|$)"
    r"(?P<codes>.*)",
    re.DOTALL,
)
_NEAR_MISS = regexes.compile(r"\s*(?P<name>vaultkit-[\w-]*)")
_REASON = regexes.compile(r"(?:^|\s)--(?:\s|$)")
_CODE = regexes.compile(r"[A-Za-z0-9]+")
FRONTMATTER_KEY = "vaultkit-disable"
ALL = "ALL"


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code written in a directive (or an unknown directive's name), and where."""

    code: str
    position: Position


@dataclass
class Suppressions:
    file_codes: set[str] = field(default_factory=set)
    next_line: dict[int, set[str]] = field(default_factory=dict)
    # (line, disable?, codes) in the order written: `disable` is True, `enable` False
    switches: list[tuple[int, bool, frozenset[str]]] = field(default_factory=list)
    references: list[CodeRef] = field(default_factory=list)
    # comments that look like a directive but are not one (`vaultkit-disable-nextline`)
    unknown_directives: list[CodeRef] = field(default_factory=list)

    def covers(self, diagnostic: Diagnostic) -> bool:
        """Whether a directive suppresses this finding (by its code and start line)."""
        line, code = diagnostic.start.line, diagnostic.code
        if _any_match(self.file_codes, code) or _any_match(self.next_line.get(line, ()), code):
            return True
        disabled = False
        for at, disable, codes in self.switches:
            if at > line:
                break
            if _any_match(codes, code):
                disabled = disable
        return disabled


def _match(selector: str, code: str) -> bool:
    return selector == ALL or code.startswith(selector)


def _any_match(selectors, code: str) -> bool:
    return any(_match(s, code) for s in selectors)


def _blocks(note: Note) -> list[tuple[int, int]]:
    """Byte ranges of raw HTML, with the lines of one HTML block joined together."""
    merged: list[list[int]] = []
    for region in note.html:
        if merged and merged[-1][1] == region.start:
            merged[-1][1] = region.end
        else:
            merged.append([region.start, region.end])
    return [(start, end) for start, end in merged]


def _comments(chunk: str):
    """(start, text start, text end) of each closed `<!-- … -->` of a chunk, in one pass.

    An unclosed `<!--` ends the search: no later comment can close either.
    """
    at = chunk.find("<!--")
    while at >= 0:
        close = chunk.find("-->", at + 4)
        if close < 0:
            return
        yield at, at + 4, close
        at = chunk.find("<!--", close + 3)


def parse(note: Note) -> Suppressions:
    """Read every directive of a note (HTML comments outside code, and the frontmatter key)."""
    found = Suppressions()
    if note.source is None:
        return found
    _frontmatter_codes(note, found)
    for start, end in _blocks(note):
        chunk = note.slice(start, end)
        done, byte = 0, start  # byte offsets grow with the comments: linear in the chunk
        for begin, inner, close in _comments(chunk):
            byte += len(chunk[done:begin].encode())
            done = begin

            def offset(index: int, chunk: str = chunk, begin: int = begin, at: int = byte) -> int:
                return at + len(chunk[begin:index].encode())

            body = chunk[inner:close]
            directive = _DIRECTIVE.match(body)
            if directive is None:
                near = _NEAR_MISS.match(body)
                if near is not None:
                    where = note.position(offset(inner + near.start("name")))
                    found.unknown_directives.append(CodeRef(near.group("name"), where))
                continue
            text = _REASON.split(directive.group("codes"), maxsplit=1)[0]
            codes_at = inner + directive.start("codes")
            refs = [
                CodeRef(m.group().upper(), note.position(offset(codes_at + m.start())))
                for m in _CODE.finditer(text)
            ]
            found.references += refs
            codes = frozenset(r.code for r in refs) or frozenset({ALL})
            kind = directive.group("kind")
            if kind == "disable-file":
                found.file_codes |= codes
            elif kind == "disable-next-line":
                after = note.line_of(offset(close + 3) - 1) + 1
                found.next_line.setdefault(after, set()).update(codes)
            else:
                found.switches.append((note.line_of(byte), kind == "disable", codes))
    return found


def _frontmatter_codes(note: Note, found: Suppressions) -> None:
    """The codes the frontmatter key turns off; its YAML, when composed for this only, is
    not kept (every note with a finding is read here: they would all hold node trees)."""
    fm = note.frontmatter
    if fm is None or (FRONTMATTER_KEY not in fm.text and "\\" not in fm.text):
        return  # no such key, however written (only a `\` escape could spell it otherwise)
    with fm.transient():
        _codes_of(fm, fm.get(FRONTMATTER_KEY), found)


def _codes_of(fm: Frontmatter, entry: Field | None, found: Suppressions) -> None:
    if entry is None:
        return
    node = entry.node
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" or node.value.strip() == "":
            found.file_codes.add(ALL)
            return
        if node.tag == "tag:yaml.org,2002:bool":
            if entry.value is True:
                found.file_codes.add(ALL)
            return
        nodes = [node]
    elif isinstance(node, yaml.SequenceNode):
        nodes = [item for item in node.value if isinstance(item, yaml.ScalarNode)]
    else:
        return
    for item in nodes:
        start = fm.position(item.start_mark)
        # columns inside a one-line plain or quoted scalar (escapes aside) are exact
        shift = 1 if item.style in ("'", '"') else 0
        exact = item.start_mark.line == item.end_mark.line
        for match in _CODE.finditer(item.value):
            column = start.column + shift + match.start() if exact else start.column
            code = match.group().upper()
            found.file_codes.add(code)
            found.references.append(CodeRef(code, Position(start.line, column)))
