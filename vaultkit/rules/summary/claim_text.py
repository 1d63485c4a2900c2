"""The text the claim rules compare: a note's summary and body lines, masked.

What is not prose is blanked with spaces, so columns stay right: in the
summary link targets, images, code, HTML and the part labels
(`风险与缺口（Risks/Gaps）`); in the body URLs and images. The URLs and link
targets of the body are kept aside: a name in them counts as mentioned.
English lines of a summary are found here too (there every word is Latin).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import yaml

from vaultkit import claims, regexes
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.summary import summary_of

_LATIN_WORD = regexes.compile(r"[A-Za-z]+")
_FUNCTION_WORDS = frozenset(
    """the a an and or of to for with in on is are was were be by from that this it as at
    its their which can will not""".split()  # noqa: SIM905  (a word list reads better as text)
)
CJK_CHAR = regexes.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_CHARS = regexes.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # (counted a run at a time)
_IMAGE = regexes.compile(r"!\[[^\]]*\]\([^)]*\)")  # an image's URL names nothing
_BLANKED = ("autolink", "email")  # link kinds blanked whole
_URL = regexes.compile(r"(?:https?://|www\.)[^\s<>()（）\[\]【】\"'“”，。；！？、]+")


def _blanks(note: Note, start: int, end: int, spans: dict[int, list[tuple[int, int]]]) -> None:
    """Record the characters of bytes `start:end` as (line -> [(col0, col1)])."""
    if end <= start:
        return
    first, last = note.source.lines.span(start, end)
    if first.line == last.line:  # (the common case: a link on one line)
        spans.setdefault(first.line, []).append((first.column - 1, last.column - 1))
        return
    for line in range(first.line, last.line + 1):
        col0 = first.column - 1 if line == first.line else 0
        col1 = last.column - 1 if line == last.line else 1 << 30
        spans.setdefault(line, []).append((col0, col1))


def _mask(note: Note, first: int, last: int, summary: bool) -> dict[int, list[tuple[int, int]]]:
    """What is not prose between lines `first` and `last`: link targets, images, (code)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    starts = note.source.lines.starts
    low = starts[first - 1] if first - 1 < len(starts) else len(note.data) + 1  # line `first`
    high = starts[last] if last < len(starts) else None  # the line after `last`
    data = note.data
    for link in note.links:
        if link.end < low or (high is not None and link.start >= high):
            continue  # on no line from `first` to `last`
        if link.embed or data.startswith(b"<", link.start, link.end) or link.kind in _BLANKED:
            _blanks(note, link.start, link.end, spans)
        elif link.is_wikilink:
            if summary:
                raw = data[link.start : link.end]
                bar = raw.rfind(b"|")
                keep = link.start + bar + 1 if link.alias is not None and bar > 0 else link.end
                _blanks(note, link.start, keep, spans)
                _blanks(note, link.end - 2, link.end, spans)
        else:
            raw = data[link.start : link.end]
            close = max(raw.rfind(b"]("), raw.rfind(b"]["))
            if close > 0:
                _blanks(note, link.start, link.start + 1, spans)
                _blanks(note, link.start + close, link.end, spans)
    if summary:
        for region in (*note.code, *note.html):
            if region.end < low or (high is not None and region.start >= high):
                continue  # (the note's code and HTML are mostly outside the summary)
            if region.kind in ("span", "math", "html", "comment"):
                _blanks(note, region.start, region.end, spans)
    return spans


def masked_text(
    note: Note,
    ranges: list[tuple[int, int]],
    summary: bool,
    source: str,
    labels: Iterable[tuple[int, int, int]] = (),
) -> claims.Text:
    """The masked text of the lines in `ranges` ((first, last) pairs, in order); `labels`
    are more spans to mask, (line, col0, col1).

    The lines are joined once and masked in place: each span becomes an offset range of
    the joined text (its line's start plus its columns, cut at the line's end), all are
    blanked in one pass, then the URLs in one pattern pass (a URL never spans lines)."""
    ranges = [(first, last) for first, last in ranges if first <= last]
    numbers: list[int] = []
    parts: list[str] = []
    if not ranges:
        return claims.Text.of(numbers, parts, source)
    spans = _mask(note, ranges[0][0], ranges[-1][1], summary)
    for line, col0, col1 in labels:
        spans.setdefault(line, []).append((col0, col1))
    skip = note.code_lines if summary else frozenset()
    text = note.lines
    for first, last in ranges:
        if skip:
            kept = [number for number in range(first, last + 1) if number not in skip]
            numbers += kept
            parts += [text[number - 1] for number in kept]
        else:
            numbers += range(first, last + 1)
            parts += text[first - 1 : last]
    starts = claims.line_starts(parts)
    joined = "\n".join(parts)
    if spans:
        offsets = []
        for number, columns in spans.items():
            index = bisect_left(numbers, number)
            if index == len(numbers) or numbers[index] != number:
                continue  # a line not in the ranges
            start, size = starts[index], len(parts[index])
            for col0, col1 in columns:
                col1 = min(col1, size)
                if col0 < col1:
                    offsets.append((start + col0, start + col1))
        if offsets:
            offsets.sort()
            joined = claims.blank(joined, offsets)
    if "://" in joined or "www." in joined:
        joined = _URL.sub(_spaces, joined)
    return claims.Text.joined(numbers, joined, source, starts)


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def last_line(note: Note, end: int) -> int:
    """The last line of a section ending at byte `end` (the next heading's line is not in it)."""
    if end >= len(note.data):
        return len(note.lines)
    return note.line_of(end) - 1


def frontmatter(note: Note, urls: list[str]) -> tuple[list[claims.Line], list[str]]:
    """The frontmatter's values as lines, and the key each line came from; the URLs
    of the values go to `urls`."""
    front = note.frontmatter
    lines: list[claims.Line] = []
    sources: list[str] = []
    if front is None or front.root is None:
        return lines, sources

    def blank(url: re.Match[str]) -> str:
        urls.append(url.group())
        return " " * len(url.group())

    for key, value in front.fields.items():
        _walk(front, value.node, str(key), blank, lines, sources)
    return lines, sources


def _walk(front, node: yaml.Node, key: str, blank, lines: list, sources: list, depth=0) -> None:
    """`frontmatter`'s lines of one value, nested up to four deep. (A module function: a
    nested one that calls itself is a reference cycle, and each note's lines would wait for
    the cyclic collector, which the per-note stage pauses.)"""
    if isinstance(node, yaml.ScalarNode):
        first = front.position(node.start_mark).line
        for offset, part in enumerate(str(node.value).split("\n")):
            if "://" in part or "www." in part:  # (what every URL holds)
                part = _URL.sub(blank, part)
            lines.append((first + offset, part))
            sources.append(key)
    elif isinstance(node, yaml.SequenceNode | yaml.MappingNode) and depth < 4:
        items = node.value if isinstance(node, yaml.SequenceNode) else [v for _, v in node.value]
        for item in items:
            _walk(front, item, key, blank, lines, sources, depth + 1)


def links(note: Note, ranges: list[tuple[int, int]]) -> list[str]:
    """The URLs and link targets on the lines of `ranges`: names in them are mentioned."""
    found = []
    text = note.lines
    for first, last in ranges:
        for line in text[first - 1 : last]:
            if "://" in line or "www." in line:
                found += _URL.findall(_IMAGE.sub(" ", line) if "![" in line else line)
    if ranges and ranges[0][0] <= len(text):
        low = note.source.lines.starts[ranges[0][0] - 1]
        found += [link.target for link in note.links if link.start >= low and not link.embed]
    return found


def labels(note: Note, settings: Settings) -> list[tuple[int, int, int]]:
    """Where the summary's part labels are: `风险与缺口（Risks/Gaps）` is no claim."""
    summary = summary_of(note, settings.summary)
    if summary is None:
        return []
    return [
        (part.label.line, part.label.column - 1, part.label.column - 1 + len(part.label.text))
        for part in summary.parts
    ]


def english(note: Note, first: int, last: int) -> set[int]:
    """The lines from `first` to `last` written in English (more Latin words than Chinese
    characters, and English function words): there every word is Latin script, so a
    Latin word is no sign of a name. A list of names (`Docker、Kubernetes 与 Homebrew`)
    has no function words."""
    found = set()
    for number in range(first, min(last, len(note.lines)) + 1):
        line = note.lines[number - 1]
        words = _LATIN_WORD.findall(line)
        if len(words) < 4 or sum(word.casefold() in _FUNCTION_WORDS for word in words) < 2:
            continue
        if len(words) > sum(map(len, _CJK_CHARS.findall(line))):  # (counted last: the dearest)
            found.add(number)
    return found


def _marked(word: claims.Word) -> bool:
    """A name even in English prose: a capital after the first letter, or a digit
    (`OpenAI`, `iOS`, `GPT-4o`)."""
    text = word.where.text
    return any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:])


def english_names(terms: list[claims.Term], english: set[int]) -> list[claims.Term]:
    """`terms` with those on English lines cut down to their marked words (`_marked`)."""
    kept = []
    for term in terms:
        if term.where.line not in english:
            kept.append(term)
            continue
        kept += [claims.Term(w.where, w.key, (w,)) for w in term.words if _marked(w)]
    return kept


def body_ranges(note: Note, after: int, excluded: set[str]) -> list[tuple[int, int]]:
    """The lines after line `after`, less the `##` sections named in `excluded`."""
    ranges, first = [], after + 1
    for section in note.sections:
        heading = section.heading
        if heading.level != 2 or heading.text not in excluded:
            continue
        start = note.line_of(heading.start)
        if start < first:
            continue
        ranges.append((first, start - 1))
        first = last_line(note, section.end) + 1
    ranges.append((first, len(note.lines)))
    return ranges
