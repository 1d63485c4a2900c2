"""Reading a note's topic and related-document sections: shared by the topic rules
(`vaultkit.rules.topics`) and the linker (`vaultkit.linker`), neither of which the
other needs to import.

- `topic_key(name)`, `fold`, `in_folder`, `topic_name`, `stem`: how topic names
  and paths are compared.
- `section_lines(note, title)`: each level-2 section of that title (all of
  them, when a note repeats it) with its lines that hold text outside code
  blocks, each with the links that start on it; cached on the note.
- `related_entries(note, options)`: the entries of `## 相关文档`, each with
  its target (the line's first link that is not an embed).
- `lists(options)`: the banned names and synonyms of a `[topics]` table.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from sys import intern

from vaultkit import regexes
from vaultkit.note import Heading, Link, Note
from vaultkit.options import TopicsOptions
from vaultkit.vault import NOTE_SUFFIX

_SEPARATORS = regexes.compile(r"[-_\s]+")
_LIST_ITEM = regexes.compile(r"([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_NOTE_CACHE = "_vaultkit_sections"


def topic_key(name: str) -> str:
    """How topic names are compared: NFC, case folded, `-`, `_` and white space dropped."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", name).casefold())


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def in_folder(rel: str, folder: str) -> bool:
    """Whether the vault path `rel` lies in `folder` (or below it), ignoring case."""
    return fold(rel).startswith(fold(folder.strip("/")) + "/")


def topic_name(path: str) -> str:
    """The topic a link path names: its last part, without `.md`."""
    name = path.rstrip("/").rpartition("/")[2]
    return name[: -len(NOTE_SUFFIX)] if name.lower().endswith(NOTE_SUFFIX) else name


def stem(rel: str) -> str:
    return unicodedata.normalize("NFC", topic_name(rel))


# ------------------------------------------------------------------ sections of one note


@dataclass(frozen=True, slots=True)
class SectionLine:
    number: int  # 1-based
    start: int  # byte offset of its first character
    text: str  # without the line ending
    links: tuple[Link, ...]  # links and images that start on this line


@dataclass(frozen=True, slots=True)
class SectionView:
    heading: Heading
    lines: tuple[SectionLine, ...]  # lines with text, outside code blocks
    blank: bool  # nothing but white space under the heading


def section_lines(note: Note, title: str) -> list[SectionView]:
    """Each `## title` section of the note (usually one), read once per note and title."""
    cache = vars(note).setdefault(_NOTE_CACHE, {})
    found = cache.get(title)
    if found is None:
        found = cache[title] = _read_sections(note, title)
    return found


def _read_sections(note: Note, title: str) -> list[SectionView]:
    """The lines of each `## title` section, read from the section's bytes alone.

    Only the section is decoded (a topics section is a few lines at the end of
    a long note), so building the topic map stays cheap on a large vault.
    """
    if note.source is None:
        return []
    data = note.data
    views = []
    for section in note.sections:
        heading = section.heading
        if heading.level != 2 or heading.text != title:
            continue
        begin = data.find(b"\n", max(heading.start, heading.end - 1)) + 1
        last_byte = section.end - 1 if section.end > heading.end else -1
        lines = []
        if begin:
            number = data.count(b"\n", 0, begin) + 1
            hidden = _hidden_spans(note, begin, section.end)
            link_starts = [link.start for link in note.links]
            while begin <= last_byte:
                newline = data.find(b"\n", begin)
                after = len(data) + 1 if newline < 0 else newline + 1
                raw = data[begin : after - 1].removesuffix(b"\r")
                text = intern(raw.decode("utf-8"))  # `- [[AI]]`: written in many notes
                if text.strip() and not any(s < after and begin <= e for s, e in hidden):
                    end = begin + len(raw)
                    low, high = bisect_left(link_starts, begin), bisect_left(link_starts, end)
                    lines.append(SectionLine(number, begin, text, tuple(note.links[low:high])))
                begin, number = after, number + 1
        blank = not data[heading.end : section.end].strip()
        views.append(SectionView(heading, tuple(lines), blank))
    return views


def _hidden_spans(note: Note, start: int, end: int) -> list[tuple[int, int]]:
    """(first byte, last byte) of code blocks, HTML blocks and multi-line `%%` comments
    that reach into bytes `start:end`: whole lines of them are not topic lines."""
    spans = []
    for region in (*note.code, *note.html):
        if region.kind not in ("fenced", "indented", "html", "comment"):
            continue
        last = max(region.start, region.end - 1)
        if region.start >= end or last < start:
            continue
        if region.kind == "comment" and b"\n" not in note.data[region.start : last]:
            continue
        spans.append((region.start, last))
    return spans


@dataclass(frozen=True, slots=True)
class RelatedEntry:
    line: SectionLine
    link: Link | None  # the entry's target: the first link of the line that is not an embed


def related_entries(note: Note, options: TopicsOptions) -> list[RelatedEntry]:
    """The entries of `## 相关文档`: unindented list items, and unindented lines with a link.

    Indented lines (nested items) and lines of text without a link are not entries.
    """
    entries = []
    for view in section_lines(note, options.related_section):
        for line in view.lines:
            item = _LIST_ITEM.match(line.text)
            if line.text[:1] in (" ", "\t"):
                continue
            links = [link for link in line.links if not link.embed]
            if links or item is not None:
                entries.append(RelatedEntry(line, links[0] if links else None))
    return entries


class Lists:
    """An options object's banned names and synonyms, keyed by `topic_key`."""

    def __init__(self, options: TopicsOptions) -> None:
        self.banned = {topic_key(name) for name in options.banned}
        self.synonyms = {
            topic_key(name): target
            for name, target in options.synonyms.items()
            if topic_key(name) != topic_key(target)
        }
        self.synonym_keys = {key: topic_key(target) for key, target in self.synonyms.items()}
        self.folder = fold(options.folder.strip("/"))


_LISTS: dict[int, tuple[TopicsOptions, Lists]] = {}


def lists(options: TopicsOptions) -> Lists:
    """`Lists(options)`, computed once per options object (settings are cached per glob set)."""
    hit = _LISTS.get(id(options))
    if hit is None or hit[0] is not options:
        if len(_LISTS) > 256:
            _LISTS.clear()
        hit = _LISTS[id(options)] = (options, Lists(options))
    return hit[1]
