"""A note's `## 摘要` section split into its template parts.

The template has three parts, each opened by a label line:

```
**1) 一句话总结**        one-sentence: one sentence
**2) 关键要点**          key-points: 5–10 bullet points
**3) 风险/不足**         risks: optional, only risks the source states
```

Real vaults drift from it, so a label is found by its *form* and its
*meaning*, not by exact text: a line that is bold (`**…**`), an H3–H6
heading, a numbered line (`1) …`, `2、…`) or a bare short line, whose words
name a part (`一句话…`; `要点`, `关键点`, `关键信息`…; `风险`, `不足`,
`局限`, `缺口`… anywhere, `问题`/`挑战` at the end). The words come from
`SummaryOptions`; the configured canonical and accepted labels always count.
A bullet, a line in code, or a line with sentence punctuation is never a
label. A bare line, a numbered line and a label with text after it on its
line (`**一句话总结**：…`) must be made of label words only (`风险与不足`,
not `安全风险`), and a numbered line right after another numbered line is a
list item: so the points of a summary are not taken for labels.

Everything is built from the Note record's sections and lines (no Markdown
re-parse) and cached for the note being checked (`summary_of`), so every
rule and the statistics share one parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaultkit import regexes

if TYPE_CHECKING:
    from vaultkit.note import Note, Section
    from vaultkit.options import SummaryOptions

HEADING = "摘要"
ONE_SENTENCE, KEY_POINTS, RISKS = "one-sentence", "key-points", "risks"
KINDS = (ONE_SENTENCE, KEY_POINTS, RISKS)  # in template order
KIND_NUMBER = {ONE_SENTENCE: 1, KEY_POINTS: 2, RISKS: 3}

# An H3–H6 heading line: its text (closing `#`s dropped).
_HEADING = regexes.compile(r" {0,3}#{3,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
# A line that is bold from its start: `**label**` then nothing, a colon, or a colon and text.
_BOLD = regexes.compile(r" {0,3}(\*\*|__)(?!\s)(.+?)(?<!\s)\1[ \t]*(?:([:：])[ \t]*(.*?))?[ \t]*")
# A numbered line: `1) …`, `1）…`, `1. …`, `1、…`, `(1) …`, `（1）…`, `一、…`.
_NUMBERED = regexes.compile(
    r" {0,3}(?:([1-9])[ \t]*[)）.．、]|[(（]([1-9])[)）]|([一二三])[、.．])[ \t]*(.+?)[ \t]*"
)
_NUMBER_PREFIX = regexes.compile(r"(?:[1-9][ \t]*[)）.．、]|[(（][1-9][)）]|[一二三][、.．])[ \t]*")
_CJK_NUMBERS = {"一": 1, "二": 2, "三": 3}
_COLON = regexes.compile(r"[ \t]*[:：][ \t]*")
_PARENTHETICAL = regexes.compile(r"[(（][^()（）]*[)）]")
_SENTENCE_PUNCT = frozenset("，。；！？,;!?")
# A list item: indentation, marker, text. `•` is not Markdown but real summaries use it.
_BULLET = regexes.compile(r"([ \t]*)([-*+•]|\d{1,3}[.)])(?:[ \t]+(.*)|$)")
# Lines that are no content of a part: a thematic break, a comment alone on its line.
_NOT_CONTENT = regexes.compile(r" {0,3}(?:([-*_])(?:[ \t]*\1){2,}|<!--.*-->|%%.*%%)[ \t]*")
_NOT_CONTENT_FIRST = frozenset("-*_<%")
_BULLET_FIRST = frozenset("-*+•")
_ORDERED_ITEM = regexes.compile(r"[ \t]*\d{1,3}[.)）、]")
# Words a label may hold besides a part's words, and what joins them (`风险与不足`, `风险/缺口`).
_FILLERS = ("之处", "的", "主要", "潜在", "总结", "概括", "概述", "摘要", "核心", "关键", "性")
_CONNECTORS = " \t与和及、/／&+·"
_MAX_NAME = 20  # characters of a label's words (parenthetical notes aside)
_MAX_PLAIN_NAME = 10  # … for a bare label line, which has no other mark of being one


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank content line: its number, the column of its first character, its text."""

    number: int
    column: int
    text: str  # from the first non-blank character, trailing blanks dropped


@dataclass(frozen=True, slots=True)
class Label:
    """A part's label as written."""

    text: str  # from its first character to the end of the label (a trailing colon included)
    name: str  # the words: `风险与缺口（基于原文明确提及）`
    style: str  # "bold", "heading", "numbered", "plain" or "configured"
    line: int
    column: int  # 1-based character column where `text` starts
    inline: Line | None  # text after the label on the same line (`**一句话总结**：…`)


@dataclass(frozen=True, slots=True)
class Bullet:
    """A top-level list item of a part (nested items belong to it)."""

    line: int
    column: int  # of the marker
    marker: str
    text: str


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # ONE_SENTENCE, KEY_POINTS or RISKS
    label: Label
    lines: tuple[Line, ...]  # the content: the label's inline text first, blank lines dropped
    bullets: tuple[Bullet, ...]
    start: int  # byte offset of the label
    end: int  # byte offset of the end of its last non-blank line

    @property
    def number(self) -> int:
        return KIND_NUMBER[self.kind]

    @property
    def last_line(self) -> int:
        return self.lines[-1].number if self.lines else self.label.line

    @property
    def empty(self) -> bool:
        return not self.lines


@dataclass(frozen=True, slots=True)
class Summary:
    section: Section
    heading_line: int
    first_line: int  # the first line after the heading
    last_line: int  # the last line of the section (may be < first_line when it has none)
    parts: tuple[Part, ...]
    preamble: tuple[Line, ...]  # content before the first label

    @property
    def empty(self) -> bool:
        return not self.parts and not self.preamble

    def first(self, kind: str) -> Part | None:
        return next((part for part in self.parts if part.kind == kind), None)

    def all(self, kind: str) -> list[Part]:
        return [part for part in self.parts if part.kind == kind]


def canonical_labels(options: SummaryOptions) -> dict[str, str]:
    return {
        ONE_SENTENCE: options.one_sentence_label,
        KEY_POINTS: options.key_points_label,
        RISKS: options.risks_label,
    }


def accepted_labels(options: SummaryOptions, kind: str) -> set[str]:
    """The labels written exactly as the configuration wants for `kind`."""
    extra = {
        ONE_SENTENCE: options.one_sentence_accepted,
        KEY_POINTS: options.key_points_accepted,
        RISKS: options.risks_accepted,
    }[kind]
    return {canonical_labels(options)[kind].strip(), *(label.strip() for label in extra)}


# ------------------------------------------------------------------ labels


class _Matcher:
    """Classifies label words by meaning; built once per options object."""

    def __init__(self, options: SummaryOptions) -> None:
        self.options = options
        self.words = (
            (ONE_SENTENCE, tuple(w.lower() for w in options.one_sentence_words if w)),
            (KEY_POINTS, tuple(w.lower() for w in options.key_points_words if w)),
            (RISKS, tuple(w.lower() for w in options.risks_words if w)),
        )
        self.weak = tuple(w.lower() for w in options.risks_weak_words if w)
        every = sorted({*(w for _, ws in self.words for w in ws), *self.weak, *_FILLERS}, key=len)
        self.all_words = re.compile("|".join(re.escape(w) for w in reversed(every)))
        self.exact: dict[str, str] = {}
        for kind in reversed(KINDS):  # the earlier part wins a label configured twice
            for label in accepted_labels(options, kind):
                if label:
                    self.exact[label] = kind

    def kind(self, name: str, strict: bool) -> str | None:
        """The part whose label `name` is.

        `strict` (a bare line, or a label with text after it on its line): the
        name must be made of label words only (`风险与不足`, not `安全风险`),
        so that a point such as `**安全风险**：…` is not taken for a label.
        """
        core = _PARENTHETICAL.sub("", name).strip().lower()
        limit = _MAX_PLAIN_NAME if strict else _MAX_NAME
        rest = self.all_words.sub("", core)
        if not core or len(core) > limit or any(c in _SENTENCE_PUNCT for c in rest):
            return None
        if strict and rest.strip(_CONNECTORS):
            return None
        for kind, words in self.words:
            if any(word in core for word in words):
                return kind
        if any(core.endswith(word) for word in self.weak):
            return RISKS
        return None


def _split_colon(body: str) -> tuple[str, str, str]:
    """`一句话总结：text` -> (`一句话总结`, `：`, `text`); no colon -> (body, "", "")."""
    match = _COLON.search(body)
    if match is None:
        return body, "", ""
    return body[: match.start()], body[match.start() : match.end()].strip(), body[match.end() :]


def _label(
    matcher: _Matcher, line: str, number: int, previous: str | None, bullet: re.Match | None
) -> tuple[str, Label] | None:
    """The part a line is the label of, with the label; None for other lines.

    `bullet` is the line's list-item match (`- x`, `* x`, `1. x`), if any.
    """
    stripped = line.strip()
    column = len(line) - len(line.lstrip()) + 1
    exact = matcher.exact.get(stripped)
    if exact is not None:
        return exact, Label(stripped, stripped, "configured", number, column, None)
    if bullet is not None and not bullet.group(2)[0].isdigit():
        return None  # `- …`, `* …`: a point, never a label
    found = _heading_label(matcher, line, number, column)
    if found is None:
        found = _bold_label(matcher, line, number, column)
    if found is None:
        found = _numbered_label(matcher, line, number, column, previous)
    if found is None and bullet is None:
        found = _plain_label(matcher, line, number, column)
    return found


def _found(kind: str | None, text: str, name: str, style: str, number: int, column: int, line: str):
    """The label `text` (starting at `column` of `line`) of part `kind`, with its inline text."""
    if kind is None:
        return None
    end = column - 1 + len(text)
    rest = line[end:]
    inline = None
    if rest.strip():
        inline = Line(number, end + len(rest) - len(rest.lstrip()) + 1, rest.strip())
    return kind, Label(text, name.strip(), style, number, column, inline)


def _strip_number(body: str) -> str:
    match = _NUMBER_PREFIX.match(body)
    return body[match.end() :] if match else body


def _heading_label(matcher: _Matcher, line: str, number: int, column: int):
    match = _HEADING.fullmatch(line)
    if match is None:
        return None
    name, colon, rest = _split_colon(_strip_number(match.group(1).replace("*", "").strip()))
    kind = matcher.kind(name, strict=bool(rest.strip()))
    text = line.strip()
    if kind is not None and rest.strip():  # `### 一句话总结：text`: the label ends at the colon
        colon_at = _COLON.search(line, match.start(1))
        text = line[column - 1 : colon_at.start()] + colon
    return _found(kind, text, name, "heading", number, column, line)


def _bold_label(matcher: _Matcher, line: str, number: int, column: int):
    match = _BOLD.fullmatch(line)
    if match is None:
        return None
    inner = match.group(2)
    if "**" in inner or "__" in inner:
        return None  # `**a** and **b**`: two bold runs, not one label
    name, _, inner_rest = _split_colon(_strip_number(inner.strip()))
    if inner_rest.strip():
        return None  # `**命名：跳过 o2**`: a point written in bold
    end = match.end(3) if match.group(3) else match.end(2) + len(match.group(1))
    kind = matcher.kind(name, strict=bool(line[end:].strip()))
    return _found(kind, line[match.start(1) : end], name, "bold", number, column, line)


def _numbered_label(matcher: _Matcher, line: str, number: int, column: int, previous):
    match = _NUMBERED.fullmatch(line)
    if match is None:
        return None
    if previous is not None and _ORDERED_ITEM.match(previous):
        return None  # an item of a numbered list, not a label after it
    digit = match.group(1) or match.group(2)
    count = int(digit) if digit else _CJK_NUMBERS[match.group(3)]
    name, _, rest = _split_colon(match.group(4).replace("**", ""))
    kind = matcher.kind(name, strict=True)
    if kind is None or KIND_NUMBER[kind] != count or rest.strip():
        return None  # `1. 模型存在风险` is a numbered point, not the risks label
    return _found(kind, line.strip(), name, "numbered", number, column, line)


def _plain_label(matcher: _Matcher, line: str, number: int, column: int):
    stripped = line.strip()
    name, _, rest = _split_colon(stripped)
    if rest.strip():
        return None  # `风险：…` as a sentence is content; only a bare label line counts
    kind = matcher.kind(name, strict=True)
    return _found(kind, stripped, name, "plain", number, column, line)


# ------------------------------------------------------------------ parts


def find_section(note: Note) -> Section | None:
    """The note's first `## 摘要` section."""
    return note.section(HEADING, 2)


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def _bullets(items: list[tuple[Line, re.Match | None]]) -> tuple[Bullet, ...]:
    """The part's outermost list items: an item indented to the text of the item above
    it (or deeper) is nested in it, as in CommonMark; lines in code are no items."""
    bullets: list[Bullet] = []
    content = -1  # where the text of the last outermost item starts
    for line, match in items:
        if match is None or not (match.group(3) or "").strip():
            continue
        if content >= 0 and _indent_width(match.group(1)) >= content:
            continue
        content = _indent_width(match.string[: match.start(3)])
        bullets.append(Bullet(line.number, line.column, match.group(2), match.group(3).strip()))
    return tuple(bullets)


def _byte_end(note: Note, line: Line) -> int:
    start = note.source.lines.line_start(line.number)
    raw = note.lines[line.number - 1]
    return start + len(raw.rstrip().encode("utf-8"))


def _byte_at(note: Note, number: int, column: int) -> int:
    raw = note.lines[number - 1]
    return note.source.lines.line_start(number) + len(raw[: column - 1].encode("utf-8"))


def parse(note: Note, options: SummaryOptions) -> Summary | None:
    """Split the note's `## 摘要` into parts; None when it has none."""
    section = find_section(note)
    if section is None or note.source is None:
        return None
    heading = section.heading
    heading_line = note.line_of(heading.start)
    first = note.line_of(max(heading.start, heading.end - 1)) + 1
    last = note.line_of(section.end - 1) if section.end > heading.end else first - 1
    last = min(last, len(note.lines))
    matcher = _matcher(options)
    code = note.code_lines
    lines = note.lines
    opened: list[tuple[str, Label, list[tuple[Line, re.Match | None]]]] = []
    preamble: list[Line] = []
    previous: str | None = None
    for number in range(first, last + 1):
        raw = lines[number - 1]
        text = raw.strip()
        if not text:
            continue
        first_char = text[0]  # (what each pattern needs first, to skip the others fast)
        if first_char in _NOT_CONTENT_FIRST and _NOT_CONTENT.fullmatch(raw):
            continue
        in_code = number in code
        marker = first_char in _BULLET_FIRST or first_char.isdigit()
        bullet = _BULLET.fullmatch(raw) if marker and not in_code else None
        found = None if in_code else _label(matcher, raw, number, previous, bullet)
        previous = raw
        if found is not None:
            kind, label = found
            opened.append((kind, label, []))
            continue
        line = Line(number, len(raw) - len(raw.lstrip()) + 1, text)
        if opened:
            opened[-1][2].append((line, bullet))
        else:
            preamble.append(line)
    parts = []
    for kind, label, items in opened:
        content = ([label.inline] if label.inline else []) + [line for line, _ in items]
        end_line = content[-1] if content else Line(label.line, label.column, label.text)
        parts.append(
            Part(
                kind=kind,
                label=label,
                lines=tuple(content),
                bullets=_bullets(items),
                start=_byte_at(note, label.line, label.column),
                end=_byte_end(note, end_line),
            )
        )
    return Summary(section, heading_line, first, last, tuple(parts), tuple(preamble))


_MATCHERS: dict[int, tuple[SummaryOptions, _Matcher]] = {}
_CACHE: list = [None, None, None]  # note, options, summary


def _matcher(options: SummaryOptions) -> _Matcher:
    hit = _MATCHERS.get(id(options))
    if hit is None or hit[0] is not options:
        if len(_MATCHERS) > 64:
            _MATCHERS.clear()
        hit = (options, _Matcher(options))
        _MATCHERS[id(options)] = hit
    return hit[1]


def summary_of(note: Note, options: SummaryOptions) -> Summary | None:
    """`parse(note, options)`, computed once for the note the rules are looking at."""
    if _CACHE[0] is note and _CACHE[1] is options:
        return _CACHE[2]
    summary = parse(note, options)
    _CACHE[:] = [note, options, summary]
    return summary
