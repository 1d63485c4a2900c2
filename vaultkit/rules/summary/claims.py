"""Summary rules about claims (SM101–SM103): what the summary states, the body must state.

The summary is the `## 摘要` section; the body is everything after it except
the sections in `summary.claims-body-exclude` (`## 关联主题`, `## 相关文档`),
and the frontmatter's values count as support too. URLs, link targets,
images, code and HTML in the summary are not claims; in the body, URLs and
images are left out. `vaultkit.claims` does the extracting and the matching;
this module picks the lines and turns findings into diagnostics. The three
rules share one analysis per note.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import ClassVar

import yaml

from vaultkit import claims
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register

SUMMARY_HEADING = "摘要"
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()（）\[\]【】\"'“”，。；！？、]+")

# ------------------------------------------------------------------ the text of a note


def _blanks(note: Note, start: int, end: int, spans: dict[int, list[tuple[int, int]]]) -> None:
    """Record the characters of bytes `start:end` as (line -> [(col0, col1)])."""
    if end <= start:
        return
    first, last = note.position(start), note.position(end)
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
    for link in note.links:
        if link.end < low or (high is not None and link.start >= high):
            continue  # on no line from `first` to `last`
        raw = note.data[link.start : link.end]
        if link.embed or raw.startswith(b"<") or link.kind in ("autolink", "email"):
            _blanks(note, link.start, link.end, spans)
        elif link.is_wikilink:
            if summary:
                bar = raw.rfind(b"|")
                keep = link.start + bar + 1 if link.alias is not None and bar > 0 else link.end
                _blanks(note, link.start, keep, spans)
                _blanks(note, link.end - 2, link.end, spans)
        else:
            close = max(raw.rfind(b"]("), raw.rfind(b"]["))
            if close > 0:
                _blanks(note, link.start, link.start + 1, spans)
                _blanks(note, link.start + close, link.end, spans)
    if summary:
        for region in (*note.code, *note.html):
            if region.kind in ("span", "math", "html", "comment"):
                _blanks(note, region.start, region.end, spans)
    return spans


def _text(note: Note, ranges: list[tuple[int, int]], summary: bool, source: str) -> claims.Text:
    """The masked text of the lines in `ranges` ((first, last) pairs, in order)."""
    ranges = [(first, last) for first, last in ranges if first <= last]
    numbers: list[int] = []
    parts: list[str] = []
    if not ranges:
        return claims.Text.of(numbers, parts, source)
    spans = _mask(note, ranges[0][0], ranges[-1][1], summary)
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
    # The lines to change: those with a masked span or a URL (found in the joined text).
    changed = set()
    for number in spans:
        index = bisect_left(numbers, number)
        if index < len(numbers) and numbers[index] == number:
            changed.add(index)
    joined = "\n".join(parts)
    for needle in ("://", "www."):
        at = joined.find(needle)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            changed.add(index)
            at = joined.find(needle, at + 1)
    for index in sorted(changed):
        line = parts[index]
        for col0, col1 in spans.get(numbers[index], ()):
            col1 = min(col1, len(line))
            line = line[:col0] + " " * (col1 - col0) + line[col1:]
        if "://" in line or "www." in line:
            line = _URL.sub(lambda url: " " * len(url.group()), line)
        parts[index] = line
    return claims.Text.of(numbers, parts, source, starts)


def _last_line(note: Note, end: int) -> int:
    """The last line of a section ending at byte `end` (the next heading's line is not in it)."""
    if end >= len(note.data):
        return len(note.lines)
    return note.line_of(end) - 1


def _frontmatter(note: Note) -> tuple[list[claims.Line], list[str]]:
    """The frontmatter's values as lines, and the key each line came from."""
    front = note.frontmatter
    lines: list[claims.Line] = []
    sources: list[str] = []
    if front is None or front.root is None:
        return lines, sources

    def walk(node: yaml.Node, key: str, depth: int = 0) -> None:
        if isinstance(node, yaml.ScalarNode):
            first = front.position(node.start_mark).line
            for offset, part in enumerate(str(node.value).split("\n")):
                lines.append((first + offset, _URL.sub(lambda m: " " * len(m.group()), part)))
                sources.append(key)
        elif isinstance(node, yaml.SequenceNode | yaml.MappingNode) and depth < 4:
            items = (
                node.value if isinstance(node, yaml.SequenceNode) else [v for _, v in node.value]
            )
            for item in items:
                walk(item, key, depth + 1)

    for key, value in front.fields.items():
        walk(value.node, str(key))
    return lines, sources


# ------------------------------------------------------------------ one analysis per note

_LAST: list = [None, None, []]  # note, settings, findings
_OPTIONS: dict[int, tuple[Settings, claims.Options]] = {}


def findings(note: Note, settings: Settings) -> list[claims.Finding]:
    """The summary's unsupported claims, computed once per note for the three rules."""
    if _LAST[0] is note and _LAST[1] is settings:
        return _LAST[2]
    result = _analyse(note, settings)
    _LAST[:] = [note, settings, result]
    return result


def _options(settings: Settings) -> claims.Options:
    """The matching options of `settings` (built once per settings object)."""
    cached = _OPTIONS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    options = settings.summary
    generic = {claims.term_key(word) for word in options.claims_generic_terms}
    aliases: dict[str, list[str]] = {}
    for term, spellings in options.claims_term_aliases.items():
        aliases.setdefault(claims.term_key(term), []).extend(spellings)
    built = claims.Options(
        tolerance=options.claims_tolerance, generic=claims.GENERIC | generic, aliases=aliases
    )
    _OPTIONS[id(settings)] = (settings, built)
    return built


def _body_ranges(note: Note, after: int, excluded: set[str]) -> list[tuple[int, int]]:
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
        first = _last_line(note, section.end) + 1
    ranges.append((first, len(note.lines)))
    return ranges


def _analyse(note: Note, settings: Settings) -> list[claims.Finding]:
    summary = note.section(SUMMARY_HEADING)
    if summary is None or note.source is None:
        return []
    head, last = note.line_of(summary.heading.start), _last_line(note, summary.end)
    stated = claims.extract(_text(note, [(head + 1, last)], True, "summary"))
    if not stated.numbers and not stated.terms:
        return []
    excluded = set(settings.summary.claims_body_exclude)
    body = _text(note, _body_ranges(note, last, excluded), False, "body")
    support = claims.Support([body, _frontmatter(note)])
    return claims.compare(stated, support, _options(settings))


# ------------------------------------------------------------------ the rules


class _ClaimRule(NoteRule):
    category = "summary"
    kind: ClassVar[str | None] = None  # "number", "term"; None: any kind with a near miss

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for finding in findings(note, settings):
            if (finding.near is not None) != (self.kind is None):
                continue
            if self.kind is not None and finding.kind != self.kind:
                continue
            claim = finding.claim
            yield self.at_line(
                note, claim.line, claim.column, len(claim.text), self.message(finding)
            )

    def message(self, finding: claims.Finding) -> str:
        raise NotImplementedError


@register
class UnsupportedNumber(_ClaimRule):
    """A number in the summary that neither the body nor the frontmatter states.

    ## What it does
    Checks every number of the `## 摘要` section against the numbers of the
    body (everything after the summary but `## 关联主题` and `## 相关文档`)
    and of the frontmatter's values. The numbers checked are integers of two
    or more digits, decimals, percentages, money, multiples (`3万`), Chinese
    numerals (`三千名`, `十二天`), dates (`2024年12月21日`, `12月21日`), times
    (`9:30`), versions (`2.3.1`) and ranks (`第175名`); each end of a range
    (`10–20`) is a number of its own. A single digit (`3 个`) is not checked,
    nor a number inside a name (`GPT-4`, `AIME 2024`: see `unsupported-term`).

    Both sides are normalised first: full-width digits, thousands separators,
    `万`/`亿`/`K`/`M`/`B`/`million`, Chinese numerals (`三千`, `二十五点二`,
    `六成`, `一半`), `%` and `个百分点` (the same value), dates in any of the
    forms above or `Dec 21, 2024`, and a year the body calls `去年` or `今年`
    (from the year of a frontmatter date). A number supports another with the
    same value and a unit that fits (`10%` is not `十分钟`, `42 美元` is not
    `41%`), allowing the rounding a reader accepts: `5.2万` for `52,198`, `72%`
    for `71.7%`, `4000` for `3,900` (within 5 % when the summary ends in zeros).
    A hedge widens that: `约 30%` takes 27–33 % (`claims-tolerance`, at most ten
    units of the last digit), `一百多` takes 100–200, `超过 85%` up to 93.5 %,
    `不足 2%` down to 1 %. A figure the summary computed is supported too
    when it says so and the body states its parts on one line, one of them also
    in the summary: `76%`, `去年 62%` -> `提高 14 个百分点`; `从 100 亿到 135 亿`
    -> `增长 35%`; `2.4 倍`.

    When the body has the number with a typo, `summary-body-mismatch` reports
    it instead. This is a warning: a number the body lacks is usually invented
    or miscopied, but may be one the summary derived in a way not covered here.

    ## Why is this bad?
    The summary is written by a model told to be faithful to the source and to
    add no claims. A number the article never states was invented, miscopied
    or computed by the model; readers quote summaries, not bodies.

    ## Example
    ```markdown
    ## 摘要
    *   模型在 SWE-Bench Verified 上得分 74.2%。

    ## 正文
    模型在 SWE-Bench Verified 上的成绩是 71.7%。
    ```

    ## Use instead
    ```markdown
    ## 摘要
    *   模型在 SWE-Bench Verified 上得分 71.7%。
    ```

    ## Options
    `summary.claims-tolerance` (default `0.1`): how far, relative to the value,
    a hedged number (`约`, `近`, `超过`, `~`) may be from the body's;
    `summary.claims-body-exclude` (default `["关联主题", "相关文档"]`): the `##`
    sections that are not part of the body.
    """

    code = "SM101"
    name = "unsupported-number"
    severity = Severity.WARNING
    kind = "number"

    def message(self, finding: claims.Finding) -> str:
        claim = finding.claim
        return (
            f"summary says `{claim.text}` (line {claim.line}), but neither the body nor the "
            "frontmatter states this number; use the figure the body gives, or drop it"
        )


@register
class UnsupportedTerm(_ClaimRule):
    """A name in the summary (model, product, benchmark) that the body never mentions.

    ## What it does
    Checks every Latin-script name of the `## 摘要` section (`o3-mini`,
    `AIME 2024`, `SWE-Bench Verified`, `Gemini 1.5 Pro`) against the body and
    the frontmatter's values, ignoring case, hyphens, underscores, spaces, dots
    between letters, a leading `v` of a version and a plural `s`: `SWE-bench
    verified` and `o3 mini` are the same names. A name of several words is
    supported as written or word by word, where neighbouring words the body has
    together (`Claude 3.5 Sonnet` in `Claude 3.5 Sonnet New`) cover them; a
    hyphenated part counts as a word (`GPT-4o` in `GPT-4o-mini`).

    Never checked: generic words and acronyms a summary adds to a Chinese body
    (`AI`, `API`, `LLM`, `RAG`, `Agent`, `the`, `token`…, and
    `claims-generic-terms`); a name glossed in Chinese beside it when the body
    has the Chinese (`红队（Red Team）`, `One-liner（单句笑话）`); a name whose
    `claims-term-aliases` spelling the body uses (`Apple` for `苹果`). When the
    body has the name with a typo, `summary-body-mismatch` reports it instead.
    This is a warning: a name the body lacks may be one the summary supplied
    from its own knowledge (a full name, an English name for a Chinese one).

    ## Why is this bad?
    A name the article never mentions was invented, or confused with another
    one, by the model that wrote the summary; a reader who searches the vault
    for it finds a note that does not talk about it.

    ## Example
    ```markdown
    ## 摘要
    *   在 LiveCodeBench 上领先 Claude 3.5 Sonnet。

    ## 正文
    在 HumanEval 上领先 Claude 3.5 Sonnet。
    ```

    ## Use instead
    ```markdown
    ## 摘要
    *   在 HumanEval 上领先 Claude 3.5 Sonnet。
    ```

    ## Options
    `summary.claims-generic-terms` (default `[]`): more words that are never
    checked; `summary.claims-term-aliases`: a name and the other spellings that
    support it (default: Chinese names of common companies and people, e.g.
    `Apple = ["苹果"]`, `NVIDIA = ["英伟达"]`, `Sam Altman = ["奥特曼"]`);
    `summary.claims-body-exclude`.
    """

    code = "SM102"
    name = "unsupported-term"
    severity = Severity.WARNING
    kind = "term"

    def message(self, finding: claims.Finding) -> str:
        claim = finding.claim
        return (
            f"summary names `{claim.text}` (line {claim.line}), which the body never "
            "mentions; use the name the body uses, or drop it"
        )


@register
class SummaryBodyMismatch(_ClaimRule):
    """A number or name in the summary differs from the body's by a typo.

    ## What it does
    Reports a summary claim that the body does not support (see
    `unsupported-number` and `unsupported-term`) when the body has a near miss
    of it, naming both sides and their lines:

    - a name one edit away, or two for names longer than five characters (a
      letter changed, added or dropped; two neighbours swapped counts as one);
      for names of five characters or fewer only a changed or swapped letter.
      A plural, a generic word (`LLM` for `vLLM`) or a number is no near miss;
    - a number with two neighbouring digits swapped (three or more digits:
      `71.7` and `17.7`) or one digit changed (four or more: `2727` and
      `2737`), with a unit that fits, when the body has exactly one such value.
      Years and shorter numbers differ by chance too often to tell.

    ## Why is this bad?
    One side has a typo: the summary miscopied the body, or the body was
    mis-transcribed (`AIME 2024` vs `AIEM 2024`). Both mislead a reader, and a
    search for the right spelling misses the note.

    ## Example
    ```markdown
    ## 摘要
    *   在 AIME 2024 中接近满分；o3-mini 预计 1 月底开放。

    ## 正文
    AIEM 2024 接近满分。目前 o3-mimi 预估在 1 月底可以对外开放。
    ```

    ## Use instead
    Correct whichever side is wrong, so that both say `AIME 2024` and `o3-mini`.

    ## Options
    `summary.claims-generic-terms`, `summary.claims-term-aliases` and
    `summary.claims-body-exclude`, as for `unsupported-term`.
    """

    code = "SM103"
    name = "summary-body-mismatch"

    def message(self, finding: claims.Finding) -> str:
        claim, near = finding.claim, finding.near
        where = "body" if near.source == "body" else f"frontmatter `{near.source}`"
        return (
            f"summary says `{claim.text}` (line {claim.line}); {where} has `{near.text}` "
            f"(line {near.line}): make them agree (one of them is a typo)"
        )
