"""One file in, one `Note` record out: the only place a note is parsed.

The body is parsed once with pyromark (pulldown-cmark) into headings, sections,
links, images and code regions, each carrying UTF-8 byte offsets into the
note's data. Rules read these records and never parse text themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyromark

from vaultkit import frontmatter as fm_module
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
_FENCE_OPEN = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    start: int  # byte offsets of the heading line(s)
    end: int


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and everything under it up to the next heading of its level or higher."""

    heading: Heading
    end: int  # byte offset where the section's content ends

    @property
    def content_start(self) -> int:
        return self.heading.end


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image as written: `[[t|a]]`, `![[t]]`, `[a](t)`, `![a](t)`, `<t>`."""

    kind: str  # "wikilink", "inline", "autolink", "reference", "email", …
    target: str  # the destination as the parser reports it
    text: str  # alias, label or alt text
    embed: bool  # an image or an embed (`!`)
    start: int
    end: int

    @property
    def is_wikilink(self) -> bool:
        return self.kind == "wikilink"


@dataclass(frozen=True, slots=True)
class CodeRegion:
    """Text that is not prose: code blocks, code spans, math, raw HTML."""

    kind: str  # "fenced", "indented", "span", "math", "html"
    start: int
    end: int
    closed: bool = True  # False for a fence that runs to the end of the note


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
    body_start: int = 0  # byte offset where the Markdown body begins

    @property
    def text(self) -> str:
        return self.source.text if self.source else ""

    @property
    def data(self) -> bytes:
        return self.source.data if self.source else b""

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
        return [line.removesuffix("\r") for line in self.text.split("\n")]

    @property
    def body_first_line(self) -> int:
        return (
            self.line_of(self.body_start) if self.body_start < len(self.data) else len(self.lines)
        )

    @cached_property
    def code_lines(self) -> frozenset[int]:
        """Lines that belong to code blocks (fences included) or HTML blocks."""
        lines: set[int] = set()
        for region in (*self.code, *self.html):
            if region.kind in ("fenced", "indented", "html"):
                last = self.line_of(max(region.start, region.end - 1))
                lines.update(range(self.line_of(region.start), last + 1))
        return frozenset(lines)

    def in_code(self, offset: int) -> bool:
        return any(r.start <= offset < r.end for r in self.code) or any(
            r.start <= offset < r.end for r in self.html
        )

    def section(self, title: str, level: int = 2) -> Section | None:
        for section in self.sections:
            if section.heading.level == level and section.heading.text == title:
                return section
        return None


def _link_kind(link_type: object) -> str:
    if isinstance(link_type, dict):
        return "wikilink" if "WikiLink" in link_type else next(iter(link_type)).lower()
    return str(link_type).lower()


def _fence_closed(block: str) -> bool:
    lines = block.rstrip("\n").split("\n")
    opening = _FENCE_OPEN.match(lines[0])
    if opening is None or len(lines) < 2:
        return False
    fence = opening.group(1)
    last = lines[-1].strip()
    return last.startswith(fence[0] * len(fence)) and set(last) == {fence[0]}


def _parse_body(note: Note, body: str, base: int) -> None:
    headings = note.headings
    links, code, html = note.links, note.code, note.html
    heading: tuple[int, int, int] | None = None  # level, start, end
    heading_text: list[str] = []
    link: list | None = None  # kind, target, embed, start, end, texts
    for event, span in pyromark.events_with_range(body, options=_OPTIONS):
        start, end = span["start"] + base, span["end"] + base
        if isinstance(event, str):
            continue
        kind, payload = next(iter(event.items()))
        if kind == "Text":
            if heading is not None:
                heading_text.append(payload)
            if link is not None:
                link[5].append(payload)
        elif kind == "Code":
            code.append(CodeRegion("span", start, end))
            if heading is not None:
                heading_text.append(payload)
            if link is not None:
                link[5].append(payload)
        elif kind in ("InlineMath", "DisplayMath"):
            code.append(CodeRegion("math", start, end))
        elif kind in ("Html", "InlineHtml"):
            html.append(CodeRegion("html", start, end))
        elif kind == "Start":
            if isinstance(payload, dict):
                tag, info = next(iter(payload.items()))
                if tag == "Heading":
                    heading = (_LEVELS[info["level"]], start, end)
                    heading_text = []
                elif tag in ("Link", "Image"):
                    link = [
                        _link_kind(info["link_type"]),
                        info["dest_url"],
                        tag == "Image",
                        start,
                        end,
                        [],
                    ]
                elif tag == "CodeBlock":
                    if isinstance(info, dict):  # {"Fenced": lang}
                        block = note.slice(start, end)
                        code.append(CodeRegion("fenced", start, end, _fence_closed(block)))
                    else:
                        code.append(CodeRegion("indented", start, end))
        elif kind == "End":
            tag = payload if isinstance(payload, str) else next(iter(payload))
            if tag == "Heading" and heading is not None:
                level, h_start, h_end = heading
                headings.append(Heading(level, "".join(heading_text).strip(), h_start, h_end))
                heading = None
            elif tag in ("Link", "Image") and link is not None:
                kind_, target, embed, l_start, l_end, texts = link
                links.append(Link(kind_, target, "".join(texts), embed, l_start, l_end))
                link = None


def _sections(headings: list[Heading], end_of_note: int) -> list[Section]:
    sections = []
    for index, heading in enumerate(headings):
        end = end_of_note
        for later in headings[index + 1 :]:
            if later.level <= heading.level:
                end = later.start
                break
        sections.append(Section(heading, end))
    return sections


def parse(path: Path, rel: str, source: SourceText | ReadProblem) -> Note:
    """Parse one note's decoded source into a `Note`."""
    if isinstance(source, ReadProblem):
        return Note(path=path, rel=rel, problem=source)
    note = Note(path=path, rel=rel, source=source)
    text = source.text
    front = fm_module.split(text)
    body = text
    if front is not None:
        note.frontmatter = front
        if front.closed:
            fm_module.compose(front)
            note.body_start = front.body_start
            body = source.data[front.body_start :].decode("utf-8")
        else:
            note.body_start = len(source.data)
            body = ""
    _parse_body(note, body, note.body_start)
    note.sections = _sections(note.headings, len(source.data))
    return note
