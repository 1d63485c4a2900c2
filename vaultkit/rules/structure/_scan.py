"""Scanning helpers shared by the structure rules: prose regions, phrases, bare URLs.

All offsets are UTF-8 byte offsets into `note.data`, as everywhere in the Note
record. The expensive views (merged skip regions, the lowered data, the bare
URLs of the body) are built once per note and shared by the rules that need
them through a one-note cache: the linter runs every rule on a note before it
moves on to the next one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Fix
from vaultkit.note import Heading, Note, Regions
from vaultkit.rules.base import NoteRule

# ------------------------------------------------------------------ one-note cache

_CACHE: dict[str, tuple[Note, Any]] = {}


def cached(note: Note, key: str, build: Callable[[Note], Any]) -> Any:
    """`build(note)`, computed once for the note the rules are looking at right now."""
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is note:
        return hit[1]
    value = build(note)
    _CACHE[key] = (note, value)
    return value


# ------------------------------------------------------------------ regions


def code_regions(note: Note) -> Regions:
    """Code blocks and spans, math and raw HTML (comments included): not prose."""
    return cached(note, "code", lambda n: Regions((r.start, r.end) for r in (*n.code, *n.html)))


def link_regions(note: Note) -> Regions:
    """`code_regions` plus every link and image span (`[a](t)`, `<t>`, `[[t]]`)."""
    return cached(
        note,
        "links",
        lambda n: Regions((r.start, r.end) for r in (*n.code, *n.html, *n.links)),
    )


def in_heading(note: Note, offset: int) -> bool:
    """Whether a byte offset is inside a heading (its whole span, setext underline included)."""
    regions = cached(note, "headings", lambda n: Regions((h.start, h.end) for h in n.headings))
    return regions.covers(offset)


def in_code(note: Note, offset: int) -> bool:
    """Whether a byte offset is inside code, math or HTML (blocks and inline)."""
    return code_regions(note).covers(offset)


def _hits(data: bytes, start: int, needle: bytes | re.Pattern[bytes]) -> Iterator[int]:
    if isinstance(needle, bytes):
        pos = data.find(needle, start)
        while pos >= 0:
            yield pos
            pos = data.find(needle, pos + 1)
    else:
        for match in needle.finditer(data, start):
            yield match.start()


def line_matches(
    note: Note, needles: tuple[bytes | re.Pattern[bytes], ...], pattern: re.Pattern[bytes]
) -> Iterator[re.Match[bytes]]:
    """`pattern` matched at the start of each body line that holds one of `needles`.

    Only lines holding a needle (a literal found with `bytes.find`, or a
    pattern found by one C-level scan) are tried, never every line of the
    note; a match whose group 1 is in code or HTML is dropped. `pattern`
    matches from the line's first byte and must not use `^`.
    """
    data, lines = note.data, note.source.lines
    seen: set[int] = set()
    for needle in needles:
        for pos in _hits(data, note.body_start, needle):
            line_start = lines.line_start(lines.line_of(pos))
            if line_start in seen:
                continue
            seen.add(line_start)
            match = pattern.match(data, line_start)
            if match is not None and not in_code(note, match.start(1)):
                yield match


# ------------------------------------------------------------------ headings


def heading_line(note: Note, heading: Heading) -> int:
    return note.line_of(heading.start)


def heading_source_lines(note: Note, heading: Heading) -> list[str]:
    """The heading's lines as written: one for `## x`, the text lines and the underline for a
    setext heading."""
    first = heading_line(note, heading)
    last = note.line_of(max(heading.start, heading.end - 1))
    return note.lines[first - 1 : last]


def is_setext(note: Note, heading: Heading) -> bool:
    """Whether the heading is underlined (`text` over `---` or `===`) rather than `## text`:
    it spans more than one line (its text may start with `#`, as in `#角色：` over `-`)."""
    # a line break inside it: the same as comparing the line numbers of its first and last
    # bytes, without building the note's line index (ST120 asks this of every note)
    return note.data.find(b"\n", heading.start, max(heading.start, heading.end - 1)) != -1


def is_accidental(note: Note, heading: Heading) -> bool:
    """An underlined heading nobody meant: its underline is one `-` or `=` (a scraped list
    item's `-` under the text above it), or its text runs over several lines (a paragraph
    followed by a divider). Deliberate ones (`用量` over `--`, as converters write them) are
    one line over an underline of two or more characters."""
    if not is_setext(note, heading):
        return False
    lines = heading_source_lines(note, heading)
    return len(lines) > 2 or len(lines[-1].strip()) == 1


def heading_label(note: Note, heading: Heading) -> str:
    """The heading as written in the note: `` `## x` ``, or `` `x` (underlined) ``."""
    if not is_setext(note, heading):
        return f"`{note.lines[heading_line(note, heading) - 1].strip()}`"
    lines = heading_source_lines(note, heading)
    return f"`{lines[0].strip()}` (underlined with `{lines[-1].strip()}`)"


# Sections of the vault's template that close the article (`## 正文`) when they follow it.
_AFTER_ARTICLE = frozenset({"关联主题", "相关文档"})


def _article(note: Note) -> tuple[int, int] | None:
    start = None
    for heading in note.headings:
        if start is None:
            if heading.level == 2 and heading.text == "正文" and not is_setext(note, heading):
                start = heading.end
        elif heading.level <= 2 and heading.text in _AFTER_ARTICLE:
            return start, heading.start
    return None if start is None else (start, len(note.data))


def article_span(note: Note) -> tuple[int, int] | None:
    """The archived article's bytes: from the end of the `## 正文` line to the next
    `## 关联主题` / `## 相关文档` (or the end of the note); None without `## 正文`.

    The article's own headings (`## 引言`, a `# 标题` line) are inside it: they end the
    `## 正文` section as Markdown sees it, but not the article."""
    return cached(note, "article", _article)


def in_article(note: Note, offset: int) -> bool:
    span = article_span(note)
    return span is not None and span[0] <= offset < span[1]


def on_heading_line(
    rule: NoteRule, note: Note, heading: Heading, message: str, fix: Fix | None = None
) -> Diagnostic:
    """A diagnostic spanning the heading's (first) line."""
    line = heading_line(note, heading)
    return rule.at_line(note, line, 1, len(note.lines[line - 1]), message, fix)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ------------------------------------------------------------------ phrases

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def lowered(note: Note) -> bytes:
    return cached(note, "lower", lambda n: n.data.lower())  # ASCII only: offsets stay


def find_phrases(note: Note, phrases: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, phrase) of each phrase in the body outside code, math and HTML.

    ASCII letters match case-insensitively; a phrase that begins or ends with
    an ASCII letter or digit only matches as a whole word on that side
    (`## TODO` does not match `## TODOS`).
    """
    data = None
    for phrase in phrases:
        needle = phrase.encode().lower()
        if not needle:
            continue
        if data is None:
            data = lowered(note)
        pos = data.find(needle, note.body_start)
        if pos < 0:
            continue
        regions = code_regions(note)
        check_before = needle[0] in _WORD
        check_after = needle[-1] in _WORD
        while pos >= 0:
            end = pos + len(needle)
            if not (
                (check_before and pos > 0 and data[pos - 1] in _WORD)
                or (check_after and end < len(data) and data[end] in _WORD)
                or regions.covers(pos)
            ):
                yield pos, end, phrase
            pos = data.find(needle, end)


# ------------------------------------------------------------------ URLs

# Full-width and CJK punctuation: never part of a URL as a browser copies it
# (browsers percent-encode it), so where it follows a URL it was glued on.
CJK_PUNCT = frozenset("。，、；：！？（）【】「」『』《》〈〉〔〕［］｛｝“”‘’…—～·．，｡､・ｰ")
# ASCII punctuation that ends a sentence rather than a URL.
ASCII_PUNCT = frozenset(".,;:!?")
# Emphasis markers and closing quotes end a bare URL silently (`**https://x.com**`).
_SILENT = frozenset("*_~'\"")
_PAIRS = {")": "(", "]": "[", "）": "（", "】": "【", "」": "「", "』": "『", "》": "《"}
_ASCII_PAIRS = {")": "(", "]": "["}

# A bare URL in text: pyromark does not autolink these, Obsidian does. Only
# ASCII is taken as the URL (a copied URL is percent-encoded); what follows
# is looked at separately for glued punctuation.
_BARE_URL = regexes.compile(rb"https?://[^\x00-\x20\x7f-\xff<>\"'`|\\]+")
_LOOK_AHEAD = 16  # bytes after a URL decoded to look for glued punctuation
_BEFORE_TARGET = (b"(", b"<", b" ", b"\t", b"\n")  # what may come right before a destination


def _strip_trailing(url: str, pairs: dict[str, str], punct: frozenset[str]) -> str:
    """`url` without trailing `punct`; a closing bracket stays when it is balanced.

    Each bracket is counted once and its count kept as the end moves back, so
    a URL followed by thousands of `)` costs linear time.
    """
    end = len(url)
    counts: dict[str, int] = {}  # bracket -> occurrences in url[:end]

    def count(char: str) -> int:
        if char not in counts:
            counts[char] = url.count(char, 0, end)
        return counts[char]

    while end:
        last = url[end - 1]
        if last in pairs:
            if count(pairs[last]) >= count(last):
                break
        elif last not in punct:
            break
        if last in counts:
            counts[last] -= 1
        end -= 1
    return url[:end]


def split_bare(candidate: str) -> tuple[str, str]:
    """Split a bare ASCII URL as matched in text into (the URL, the rest of the match).

    Trailing ASCII punctuation, emphasis markers and unbalanced `)`/`]` are
    not part of the URL (as GitHub's autolinker has it), so `…/Foo_(bar)`
    stays whole and `(see https://x.com/a)` ends before the `)`.
    """
    url = _strip_trailing(candidate, _ASCII_PAIRS, ASCII_PUNCT | _SILENT)
    return url, candidate[len(url) :]


def split_target(target: str) -> tuple[str, str]:
    """Split a link target into (the URL, trailing punctuation glued inside the link)."""
    url = _strip_trailing(target, _PAIRS, ASCII_PUNCT | CJK_PUNCT)
    return url, target[len(url) :]


def glued(rest: str) -> str:
    """The run of punctuation at the start of `rest` that is glued to a URL ('' if none)."""
    end = 0
    while end < len(rest) and (rest[end] in CJK_PUNCT or rest[end] in ASCII_PUNCT):
        end += 1
    return rest[:end]


@dataclass(frozen=True, slots=True)
class BareUrl:
    start: int  # byte offset of the URL
    url: str  # the URL itself, without glued punctuation
    rest: str  # the few characters that follow it

    @property
    def end(self) -> int:
        return self.start + len(self.url)  # a bare URL is ASCII


def _bare_urls(note: Note) -> list[BareUrl]:
    data = note.data
    found: list[BareUrl] = []
    if data.find(b"://", note.body_start) < 0:
        return found
    regions = link_regions(note)
    for match in _BARE_URL.finditer(data, note.body_start):
        start = match.start()
        if regions.covers(start):
            continue
        url, _ = split_bare(match.group().decode("ascii"))
        if url.endswith("://"):
            continue
        end = start + len(url)
        if data.startswith(b"blob:", start - 5):
            start, url = start - 5, "blob:" + url
        rest = data[end : end + _LOOK_AHEAD].decode("utf-8", "ignore")
        found.append(BareUrl(start, url, rest))
    return found


def bare_urls(note: Note) -> list[BareUrl]:
    """URLs written as plain text in the body (not in links, code or HTML)."""
    return cached(note, "bare-urls", _bare_urls)


def target_offset(note: Note, start: int, end: int, target: str) -> int | None:
    """Where a link's target is written inside the link's bytes, if it is there verbatim.

    The last occurrence right after `(`, `<` or a space is the destination
    (`[https://x.com](https://x.com "https://x.com")` names it three times);
    failing that, the last occurrence.
    """
    if not target:
        return None
    data, needle = note.data, target.encode()
    last = found = data.rfind(needle, start, end)
    while found > start:
        if data[found - 1 : found] in _BEFORE_TARGET:
            return found
        found = data.rfind(needle, start, found + len(needle) - 1)
    return last if last >= 0 else None
