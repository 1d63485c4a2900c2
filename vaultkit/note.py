"""One file in, one `Note` record out: the only place a note is parsed.

The body is parsed once with pyromark (pulldown-cmark) into headings, sections,
links, images and code regions, each carrying UTF-8 byte offsets into the
note's data. Rules read these records and never parse text themselves.

Obsidian syntax pyromark does not know is handled here, in the same pass:

- `%% … %%` comments (inline or spanning lines; an unclosed `%%` runs to the
  end of the note, as in Obsidian) become `CodeRegion("comment", …)` entries of
  `Note.code`; links, headings and block ids inside them are dropped, since
  Obsidian does not see them either. `%%` inside code, math or HTML is text.
- Block ids (`^id`: letters, digits and `-`) at the end of a paragraph, list
  item or heading, alone on a line after a block (a table, a quote), or glued
  to an embed (`![[x.png]]^id`, which pyromark reports as the text `^id`) are
  recorded in `Note.blocks` (lower-cased id -> byte offset of the `^`).
- In table cells Obsidian escapes the alias pipe, `[[Note#Head\\|alias]]`;
  pyromark then reports the target `Note#Head\\`, and the trailing backslash
  is dropped. A wikilink target spanning lines is not a link in Obsidian and
  is dropped.

The records are named tuples. A `Note` pickles compactly (helper processes
send notes back pickled and the note cache stores them): its text once, as
bytes, with link targets and the frontmatter as ranges of them; the YAML is
composed again, the text decoded again and `lines` computed again on use.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from sys import intern
from typing import NamedTuple

import pyromark

from vaultkit import frontmatter as fm_module
from vaultkit import regexes
from vaultkit.diagnostics import Position
from vaultkit.frontmatter import Frontmatter
from vaultkit.source import ReadProblem, SourceText

_OPTIONS = (
    pyromark.Options.ENABLE_WIKILINKS
    | pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
)
_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_FENCE_OPEN = regexes.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
# A block id at the end of a block's last line: after a space, alone, or glued to `]]`.
_ID_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


_LINK_KINDS: dict[str, str] = {}  # pyromark's link type ("Inline") -> Link.kind ("inline")
_new = tuple.__new__  # rebuilds a record from a pickle without a Python-level call


class Heading(NamedTuple):
    level: int
    text: str
    start: int  # byte offsets of the heading line(s)
    end: int

    def __reduce__(self) -> tuple:
        return _new, (Heading, tuple(self))


class Section(NamedTuple):
    """A heading and everything under it up to the next heading of its level or higher."""

    heading: Heading
    end: int  # byte offset where the section's content ends

    @property
    def content_start(self) -> int:
        return self.heading.end

    def __reduce__(self) -> tuple:
        return _new, (Section, tuple(self))


class Link(NamedTuple):
    """A link or image as written: `[[t|a]]`, `![[t]]`, `[a](t)`, `![a](t)`, `<t>`."""

    kind: str  # "wikilink", "inline", "autolink", "reference", "email", …
    target: str  # the destination as the parser reports it (table escape `\\` dropped)
    text: str  # alias, label or alt text
    embed: bool  # an image or an embed (`!`)
    start: int
    end: int
    alias: str | None = None  # a wikilink's text after `|` (a size for an image embed)

    @property
    def is_wikilink(self) -> bool:
        return self.kind == "wikilink"

    def __reduce__(self) -> tuple:
        return _new, (Link, tuple(self))


class Regions:
    """Sorted, merged byte ranges `[start, end)`; `covers(offset)` by bisection."""

    __slots__ = ("ends", "starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(ranges):
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        self.starts, self.ends = starts, ends

    def covers(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


class CodeRegion(NamedTuple):
    """Text that is not prose: code blocks, code spans, math, raw HTML."""

    kind: str  # "fenced", "indented", "span", "math", "html", "comment" (`%% … %%`)
    start: int
    end: int
    closed: bool = True  # False for a fence that runs to the end of the note

    def __reduce__(self) -> tuple:
        return _new, (CodeRegion, tuple(self))


@dataclass
class Note:
    path: Path  # absolute
    rel: str  # relative to the vault root, '/'-separated
    source: SourceText | None = None
    problem: ReadProblem | None = None
    frontmatter: Frontmatter | None = None
    headings: list[Heading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    code: list[CodeRegion] = field(default_factory=list)
    html: list[CodeRegion] = field(default_factory=list)  # raw HTML, comments included
    blocks: dict[str, int] = field(default_factory=dict)  # block id (lower case) -> offset of `^`
    body_start: int = 0  # byte offset where the Markdown body begins

    @property
    def text(self) -> str:
        return self.source.text if self.source else ""

    @property
    def data(self) -> bytes:
        return self.source.data if self.source else b""

    @property
    def newline(self) -> str:
        """The line ending most of the note's lines use (fixes insert this one)."""
        source = self.source
        return "\r\n" if source is not None and source.crlf_lines > source.lf_lines else "\n"

    def position(self, offset: int) -> Position:
        """The 1-based line and character column of a byte offset."""
        return self.source.lines.position(offset)

    def line_of(self, offset: int) -> int:
        return self.source.lines.line_of(offset)

    def slice(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    @cached_property
    def lines(self) -> list[str]:
        """The note's lines without their line endings; `lines[0]` is line 1."""
        return _split_lines(self.text)

    def split_lines(self) -> list[str]:
        """`lines`, computed anew and not kept (nor the decoded text): for a vault rule that
        reads a few lines of every note, so that the notes do not all hold them at once."""
        if "lines" in self.__dict__:
            return self.lines
        return _split_lines(self.source.decoded() if self.source is not None else "")

    @property
    def body_first_line(self) -> int:
        return (
            self.line_of(self.body_start) if self.body_start < len(self.data) else len(self.lines)
        )

    @cached_property
    def code_lines(self) -> frozenset[int]:
        """Lines that belong to code blocks (fences included), HTML blocks or `%%` comments
        spanning lines."""
        return code_lines(self, self.line_of)

    @cached_property
    def _not_prose(self) -> Regions:
        return Regions((r.start, r.end) for r in (*self.code, *self.html))

    def in_code(self, offset: int) -> bool:
        """Whether a byte offset is inside code, math, raw HTML or a `%%` comment."""
        return self._not_prose.covers(offset)

    def section(self, title: str, level: int = 2) -> Section | None:
        for section in self.sections:
            if section.heading.level == level and section.heading.text == title:
                return section
        return None

    def release(self) -> None:
        """Drop what was computed from the note on use and a pickle does not hold (the cached
        properties, the decoded text, the line index, the composed YAML): a note kept for the
        vault rules then holds little more than one sent back from a helper process (one
        process on a generated 3,300-note vault peaked at 222 MiB keeping them, 135 MiB
        without). The lines of its topic sections stay (`vaultkit.topics.section_lines`, a
        few per note): the topic rules read them again."""
        for name in _CACHED:
            self.__dict__.pop(name, None)
        if self.source is not None:
            self.source.release()
        if self.frontmatter is not None:
            self.frontmatter.release()

    # What vault rules read of the note when it is not checked this run (`vaultkit.facts`);
    # set by the per-note stage, never pickled with the note.
    facts = None
    loaded = True  # a `LazyNote` is not, until something reads its record

    @property
    def readable(self) -> bool:
        """Whether the file could be read (a `LazyNote` tells without loading its record)."""
        return self.source is not None

    def __reduce__(self) -> tuple:
        """Pickle the parse results, compactly; `lines` and `code_lines` are computed on use."""
        source = self.source
        front, links = self.frontmatter, self.links
        if source is not None:
            front, links = _pack_frontmatter(source.data, front), _pack_links(source.data, links)
        return _restore, (
            os.fspath(self.path), self.rel, source, self.problem, front, self.headings,
            self.sections, links, self.code, self.html, self.blocks, self.body_start,
        )  # fmt: skip


_CACHED = tuple(name for name, value in vars(Note).items() if isinstance(value, cached_property))


class LazyNote(Note):
    """A note served from the cache whose record is read only when something needs it.

    It knows its path and name, and its facts or how to read them (`read_facts`,
    when the vault's totals already count them: read only if a rule asks); any
    other attribute loads the record (`load()`, which never fails: it reads the
    file again when the cache cannot serve it). Vault rules read the facts of
    notes they do not report on, so a run over a few changed notes never
    unpickles the rest of the vault.
    """

    readable = True  # only readable notes are cached

    def __init__(self, path: Path, rel: str, facts, load, read_facts=None) -> None:
        self.__dict__.update(
            path=path, rel=rel, _facts=facts, _read_facts=read_facts, _load=load, _note=None
        )

    @property
    def facts(self):
        if self._read_facts is not None:
            self._facts, self._read_facts = self._read_facts(), None
        return self._facts

    @property
    def loaded(self) -> bool:
        return self._note is not None

    def record(self) -> Note:
        note = self._note
        if note is None:
            note = self._note = self._load()
            self._load = None
        return note

    def __reduce__(self) -> tuple:
        return self.record().__reduce__()


def _lazy_field(name: str) -> property:
    return property(lambda self: getattr(self.record(), name), doc=f"`Note.{name}`, loaded")


for _name in (
    "source", "problem", "frontmatter", "headings", "sections", "links", "code", "html",
    "blocks", "body_start",
):  # fmt: skip
    setattr(LazyNote, _name, _lazy_field(_name))


# A pickled note holds its text once, as `data`: the frontmatter's YAML and link targets
# (which are nearly always spelled in the note as the parser reports them) are stored as
# byte ranges of it and decoded again on load.


def _pack_frontmatter(data: bytes, front: Frontmatter | None) -> object:
    if front is None:
        return None
    raw = front.text.encode()
    if not data.startswith(raw, data.find(b"\n") + 1):
        return front
    return (len(raw), front.first_line, front.closed, front.body_start)


def _pack_links(data: bytes, links: list[Link]) -> list[tuple]:
    """Links whose target is spelled in their span become (kind, at, size, text|None, …)."""
    packed: list[tuple] = []
    for link in links:
        kind, target, text, embed, start, end, alias = link
        raw = target.encode()
        at = data.find(raw, start, end) if raw else -1
        if at < 0:
            packed.append(link)
        else:
            text = None if text == target else text  # one string for `[[x]]`
            packed.append((kind, at - start, len(raw), text, embed, start, end, alias))
    return packed


def _restore(path: str, rel: str, source: SourceText | None, *state: object) -> Note:
    problem, front, headings, sections, links, *rest = state
    if source is not None:
        data = source.data
        if type(front) is tuple:
            size, first_line, closed, body_start = front
            at = data.find(b"\n") + 1
            front = Frontmatter(data[at : at + size].decode(), first_line, closed, body_start)
        unpacked = []
        for link in links:
            if len(link) == 8:
                kind, at, size, text, embed, start, end, alias = link
                target = intern(data[start + at : start + at + size].decode())  # shared
                text = target if text is None else text
                link = _new(Link, (kind, target, text, embed, start, end, alias))
            unpacked.append(link)
        links = unpacked
    return Note(Path(path), rel, source, problem, front, headings, sections, links, *rest)


def code_lines(note: Note, line_of: Callable[[int], int]) -> frozenset[int]:
    """`Note.code_lines`, with the line numbers of byte offsets given by `line_of`."""
    lines: set[int] = set()
    for region in (*note.code, *note.html):
        if region.kind in ("fenced", "indented", "html", "comment"):
            first = line_of(region.start)
            last = line_of(max(region.start, region.end - 1))
            if region.kind != "comment" or last > first:
                lines.update(range(first, last + 1))
    return frozenset(lines)


def _fence_closed(data: bytes, start: int, end: int) -> bool:
    """Whether the fenced code block at `data[start:end]` has its closing fence."""
    first_end = data.find(b"\n", start, end)
    if first_end < 0:
        return False
    opening = _FENCE_OPEN.match(data[start:first_end].decode("utf-8", "replace"))
    stop = end
    while stop > first_end and data[stop - 1] == 0x0A:  # trailing newlines
        stop -= 1
    if opening is None or stop <= first_end:
        return False
    fence = opening.group(1)
    last = data[data.rfind(b"\n", start, stop) + 1 : stop].decode("utf-8", "replace").strip()
    return last.startswith(fence[0] * len(fence)) and set(last) == {fence[0]}


def _split_lines(text: str) -> list[str]:
    if "\r" not in text:
        return text.split("\n")
    return [line.removesuffix("\r") for line in text.split("\n")]


def _parse_body(note: Note, body: str, base: int) -> None:
    """Fill the note's records from one pass over pyromark's events for `body`.

    The loop runs once per event (about a million for a large vault), so it
    tests the common events first and computes spans only for what it keeps.
    """
    data = note.data
    headings = note.headings
    links, code, html = note.links, note.code, note.html
    heading: list | None = None  # level, start, end, texts
    open_links: list[list] = []  # kind, target, embed, start, alias?, texts (innermost last)
    # where paragraphs, items and headings end: each may carry a block id (`^id`)
    block_ends: list[int] | None = [] if data.find(b"^", base) != -1 else None
    items = 0  # list items open around the current event
    for event, span in pyromark.events_with_range(body, options=_OPTIONS):
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            continue
        if "Text" in event:
            if heading is not None:
                heading[3].append(event["Text"])
            if open_links:
                text = event["Text"]
                for open_link in open_links:
                    open_link[5].append(text)
            continue
        payload = event.get("Start")
        if payload is not None:
            if type(payload) is str:  # Paragraph, Item, TableCell, Strong, …
                if payload == "Item":
                    items += 1
                continue
            ((tag, info),) = payload.items()
            if tag == "Link" or tag == "Image":
                link_type = info["link_type"]
                has_alias = False
                if type(link_type) is str:  # one string per kind: pickles share it
                    kind = _LINK_KINDS.get(link_type) or _LINK_KINDS.setdefault(
                        link_type, link_type.lower()
                    )
                elif "WikiLink" in link_type:
                    kind = "wikilink"
                    has_alias = bool(link_type["WikiLink"].get("has_pothole"))
                else:
                    kind = next(iter(link_type)).lower()
                start = span["start"] + base
                open_links.append([kind, info["dest_url"], tag == "Image", start, has_alias, []])
            elif tag == "Heading":
                heading = [_LEVELS[info["level"]], span["start"] + base, span["end"] + base, []]
            elif tag == "CodeBlock":
                start, end = span["start"] + base, span["end"] + base
                if type(info) is dict:  # {"Fenced": lang}
                    code.append(CodeRegion("fenced", start, end, _fence_closed(data, start, end)))
                else:
                    code.append(CodeRegion("indented", start, end))
            elif tag == "List" and items and block_ends is not None:
                block_ends.append(span["start"] + base)  # the parent item's own text ends here
            continue
        payload = event.get("End")
        if payload is not None:
            if type(payload) is not str:  # {"Heading": "H2"}, {"List": …}, {"BlockQuote": …}
                if "Heading" in payload and heading is not None:
                    level, h_start, h_end, texts = heading
                    headings.append(Heading(level, "".join(texts).strip(), h_start, h_end))
                    heading = None
                    if block_ends is not None:
                        block_ends.append(span["end"] + base)
            elif payload == "Paragraph":
                if block_ends is not None:
                    block_ends.append(span["end"] + base)
            elif payload == "Item":
                items -= 1
                if block_ends is not None:
                    block_ends.append(span["end"] + base)
            elif (payload == "Link" or payload == "Image") and open_links:
                kind, target, embed, start, has_alias, texts = open_links.pop()
                if kind == "wikilink":
                    if "\n" in target:
                        continue  # Obsidian has no wikilinks across lines
                    target = target.removesuffix("\\")  # `[[Note\\|alias]]` in a table
                text = "".join(texts)
                alias = text if has_alias else None
                links.append(Link(kind, target, text, embed, start, span["end"] + base, alias))
            continue
        ((kind, payload),) = event.items()
        if kind == "Code":
            code.append(CodeRegion("span", span["start"] + base, span["end"] + base))
            if heading is not None:
                heading[3].append(payload)
            for open_link in open_links:
                open_link[5].append(payload)
        elif kind == "InlineMath" or kind == "DisplayMath":
            code.append(CodeRegion("math", span["start"] + base, span["end"] + base))
        elif kind == "Html" or kind == "InlineHtml":
            html.append(CodeRegion("html", span["start"] + base, span["end"] + base))
    if any(a.start > b.start for a, b in pairwise(links)):
        links.sort(key=lambda link: link.start)  # an image inside a link ends first
    if block_ends:
        _block_ids(note, block_ends)
    if data.find(b"%%", base) != -1:
        _comments(note, base)


def _block_ids(note: Note, ends: list[int]) -> None:
    """Record the `^id` ending the last line of each block (see the module docstring).

    Many blocks can end on one line (a one-line nested list): each end is
    looked at once, and only the bytes of its id are read, so this stays linear.
    """
    data, blocks, lines = note.data, note.blocks, note.source.lines
    embeds: dict[int, int] = {}  # line start -> first `![[` on the line (-1: none)
    seen: set[int] = set()
    for end in dict.fromkeys(ends):
        stop = end
        while stop > 0 and data[stop - 1] in b" \t\r\n":
            stop -= 1
        begin = stop
        while begin > 0 and data[begin - 1] in _ID_BYTES:
            begin -= 1
        caret = begin - 1
        if stop in seen or begin == stop or caret < 0 or data[caret] != 0x5E:  # `^`
            continue
        seen.add(stop)
        line_start = lines.line_start(lines.line_of(caret))
        if caret > line_start and data[caret - 1] not in b" \t":
            if data[caret - 2 : caret] != b"]]":
                continue
            if line_start not in embeds:
                line_end = data.find(b"\n", line_start)
                embeds[line_start] = data.find(
                    b"![[", line_start, len(data) if line_end < 0 else line_end
                )
            first = embeds[line_start]
            if first < 0 or first + 3 > caret:
                continue  # only an embed may carry a glued block id
        blocks.setdefault(data[begin:stop].decode("ascii").lower(), caret)


def _comments(note: Note, base: int) -> None:
    """Find `%% … %%` comments outside code and HTML; drop what they hide."""
    data = note.data
    hidden = sorted((r.start, r.end) for r in (*note.code, *note.html))
    starts = [region[0] for region in hidden]

    def in_code(offset: int) -> bool:
        index = bisect_right(starts, offset) - 1
        return index >= 0 and offset < hidden[index][1]

    comments: list[CodeRegion] = []
    opened = -1
    position = data.find(b"%%", base)
    while position != -1:
        if not in_code(position):
            if opened < 0:
                opened = position
            else:
                comments.append(CodeRegion("comment", opened, position + 2))
                opened = -1
        position = data.find(b"%%", position + 2)
    if opened >= 0:
        comments.append(CodeRegion("comment", opened, len(data), closed=False))
    if not comments:
        return
    spans = Regions((c.start, c.end) for c in comments)

    def visible(offset: int) -> bool:
        return not spans.covers(offset)

    note.links[:] = [link for link in note.links if visible(link.start)]
    note.headings[:] = [h for h in note.headings if visible(h.start)]
    for block_id, offset in list(note.blocks.items()):
        if not visible(offset):
            del note.blocks[block_id]
    note.code.extend(comments)
    note.code.sort(key=lambda region: region.start)


def _sections(headings: list[Heading], end_of_note: int) -> list[Section]:
    """Each heading's section: up to the next heading of its level or higher (one pass)."""
    ends = [end_of_note] * len(headings)
    open_: list[int] = []  # headings whose section is still open, levels increasing
    for index, heading in enumerate(headings):
        while open_ and headings[open_[-1]].level >= heading.level:
            ends[open_.pop()] = heading.start
        open_.append(index)
    return [Section(heading, end) for heading, end in zip(headings, ends, strict=True)]


def parse(path: Path, rel: str, source: SourceText | ReadProblem) -> Note:
    """Parse one note's decoded source into a `Note`."""
    if isinstance(source, ReadProblem):
        return Note(path=path, rel=rel, problem=source)
    note = Note(path=path, rel=rel, source=source)
    text = source.text
    front, body_index = fm_module.locate(text)
    if front is not None:
        note.frontmatter = front  # its YAML is composed when a rule first reads it
        note.body_start = front.body_start
    _parse_body(note, text[body_index:] if body_index else text, note.body_start)
    note.sections = _sections(note.headings, len(source.data))
    return note
