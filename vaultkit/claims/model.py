"""The records of `vaultkit.claims` and the normalising they share."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Protocol

from vaultkit import regexes

Line = tuple[int, str]  # a 1-based line number and its (masked) text

# Full-width digits, letters and the few signs numbers use: one character for one,
# so columns do not move.
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%", "．": ".", "～": "~", "－": "-", "＄": "$", "＋": "+", "＿": "_",
    }
)  # fmt: skip
_JOINERS = regexes.compile(r"[-_\s'’]+|(?<!\d)\.|\.(?!\d)|^v(?=\d)")
_POSSESSIVE = regexes.compile(r"['’]s$", re.IGNORECASE)

# What a number counts: two numbers with different ones do not support each other
# (`10%` is not `十分钟`, `42 美元` is not `41%`); a number followed by anything else is
# untyped (`个` too: it counts anything), and supports and is supported by any number.
_LATIN_UNITS = """
    g m k t p mw gw kw w ms s h min hz ghz mhz khz fps token tok x nm mm cm km kg mah wh kwh
    db px flops tflops pflops tops bps gbps mbps
"""
TYPED_UNITS = frozenset(
    "%天年月日号名位次元人家种款项条张篇分秒周岁层倍台辆道届期处件例起笔美"
) | frozenset(_LATIN_UNITS.split())
_SAME_UNIT = {
    "名": "人", "位": "人", "日": "天", "号": "天", "tok": "token", "s": "秒", "min": "分",
    "w": "瓦", "mw": "兆瓦",
}  # fmt: skip

# Words that are never a claim on their own: generic acronyms a summary may add to a
# Chinese body (`AI`, `LLM`, `RAG`), and common English words. Keys as `term_key` makes them.
GENERIC = frozenset(
    """
    ai agi asi aigc api apis llm llms mllm vlm slm gpu gpus cpu npu tpu ui ux gui app apps web
    sdk cli ide os pc id url urls http https json html css pdf faq ceo cto cfo coo vp hr pr qa
    ok vs etc eg ie aka diy b2b b2c saas roi kpi okr ip it iot ar vr xr 2d 3d 4g 5g wifi rag
    sota nlp cv ml dl rl rlhf sft dpo moe cot mcp agent agents agentic token tokens prompt
    prompts chatbot bot bots model models demo beta alpha pro plus max mini lite ultra free open
    source code data new top key the a an and or of in on for to with by at from as is are was
    were be been it its this that these those not no yes via per all any more most one two
    first next last use using used how what why when where who which can will do does we you
    your our my i he she they their his her me us if then than but so just only also about
    into out up down over under after before now today make get go see like good best better
    big small high low fast time way year years day days world people thing things work works
    build based mode step steps part case set list user users team tool tools system systems
    feature features update version release launch news blog post article guide tips review
    summary note notes example test task tasks level plan product service platform cloud
    online live video image images text file files page link links search chat voice audio
    game design developer developers dev research paper report study benchmark benchmarks
    score dataset training inference context memory reasoning thinking coding workflow skill
    skills stack framework library repo plugin browser desktop mobile device hardware software
    server local remote network internet email account login access security privacy safety
    risk issue bug fix error debug deploy run cost price pricing enterprise business startup
    company founder copilot assistant lab labs inc ltd llc co hello world rtx gtx q1 q2 q3 q4
    h1 h2 multimodal finetuning opensource embedding embeddings star stars fork forks pr prs
    watchers issues license readme risks gaps
    """.split()  # noqa: SIM905  (a word list reads better as text)
)


_HAS_WIDE = regexes.compile(
    r"[\uff04\uff05\uff0b\uff0d\uff0e\uff10-\uff19\uff21-\uff3a\uff3f\uff41-\uff5a\uff5e]"
)


def fold(text: str) -> str:
    """Full-width digits and Latin letters to ASCII, keeping every column in place."""
    return text.translate(_WIDE) if _HAS_WIDE.search(text) else text


@lru_cache(maxsize=65536)
def term_key(text: str) -> str:
    """`SWE-Bench Verified` -> `swebenchverified`; `Gemini 1.5` -> `gemini1.5`; `v2.1` -> `2.1`."""
    if text.isascii() and text.isalnum():  # (most words: nothing to drop but a `v` before a digit)
        lowered = text.lower()
        if lowered[0] != "v" or not lowered[1:2].isdigit():
            return lowered
    return _JOINERS.sub("", _POSSESSIVE.sub("", text).casefold().strip())


def value_key(value: float) -> float:
    """`value` to nine significant digits, so that values computed two ways compare."""
    if -1e9 < value < 1e9 and (type(value) is int or value.is_integer()):
        return float(value)  # nine digits or fewer: as it is
    return float(f"{value:.9g}")


def compatible(a: str, b: str) -> bool:
    """Whether numbers with these units may support each other."""
    if a not in TYPED_UNITS or b not in TYPED_UNITS:
        return True
    return _SAME_UNIT.get(a, a) == _SAME_UNIT.get(b, b)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a claim is written: text as written, 1-based line and character column."""

    text: str
    line: int
    column: int
    source: str = "body"  # "body", "summary" or the frontmatter key it came from


class Text:
    """Masked lines joined into one folded string; offsets map back to line and column.

    Extraction runs each pattern once over the whole text rather than once per line."""

    __slots__ = ("lines", "source", "starts", "value")

    def __init__(self, lines: Iterable[Line], source: str | Sequence[str]) -> None:
        lines = lines if isinstance(lines, list) else list(lines)
        self._set([number for number, _ in lines], [line for _, line in lines], source)

    @classmethod
    def of(
        cls,
        numbers: list[int],
        parts: list[str],
        source: str | Sequence[str],
        starts: list[int] | None = None,
    ) -> Text:
        """The text of lines given as their numbers and their texts (and, when known,
        where each starts in the lines joined by newlines)."""
        text = cls.__new__(cls)
        text._set(numbers, parts, source, starts)
        return text

    @classmethod
    def joined(
        cls, numbers: list[int], value: str, source: str | Sequence[str], starts: list[int]
    ) -> Text:
        """The text of lines given as their numbers and their texts already joined by
        newlines (`value`), with where each starts."""
        text = cls.__new__(cls)
        text.value = fold(value)
        text.lines, text.source, text.starts = numbers, source, starts
        return text

    def _set(
        self,
        numbers: list[int],
        parts: list[str],
        source: str | Sequence[str],
        starts: list[int] | None = None,
    ) -> None:
        self.value = fold("\n".join(parts))
        self.lines, self.source = numbers, source
        self.starts = line_starts(parts) if starts is None else starts

    def where(self, start: int, end: int) -> Occurrence:
        """The occurrence of `value[start:end]` (on one line)."""
        index = bisect_right(self.starts, start) - 1
        source = self.source if isinstance(self.source, str) else self.source[index]
        return Occurrence(
            self.value[start:end], self.lines[index], start - self.starts[index] + 1, source
        )

    def line_span(self, offset: int) -> tuple[int, int]:
        """Where the line holding `offset` starts and ends."""
        start = self.value.rfind("\n", 0, offset) + 1
        end = self.value.find("\n", offset)
        return start, len(self.value) if end < 0 else end


def line_starts(parts: list[str]) -> list[int]:
    """Where each of `parts` starts in `"\\n".join(parts)`."""
    starts = list(accumulate(map((1).__add__, map(len, parts)), initial=0))
    starts.pop()
    return starts


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the characters of `spans` (sorted, not overlapping) replaced by spaces."""
    out, last = [], 0
    for start, end in spans:
        if start < last:
            start = last
        if end <= start:
            continue
        out += (text[last:start], " " * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Number:
    where: Occurrence
    value: float
    half: float  # a reader accepts values this close (rounding, `5.2万` for 52,198)
    digits: str  # the digits as written, separators removed (`52198`, `71.7`): near misses
    unit: str = ""  # `%`, or the character after it (`名`, `天`); see TYPED_UNITS
    # "about" (`约`, `近`, `~`, `左右`), "plus" (`多`, `余`, `+`), "over" (`超过`, `以上`),
    # "under" (`不足`, `以下`), or "" (as written)
    approx: str = ""
    year: bool = False  # a year (1900-2100): compared exactly
    date: tuple[int | None, int | None, int | None] | None = None
    version: bool = False  # `1.2.3`: compared as written
    step: float = 0.5  # half the unit of the last digit written (`71.7` -> 0.05)
    last: float = 1.0  # the unit of the last non-zero digit written (`1,200` -> 100)
    delta: bool = False  # written as a difference (`高出 17 分`, `提升 6.2`)


@dataclass(frozen=True, slots=True)
class Word:
    key: str
    where: Occurrence
    numeric: bool  # `2024`, `1.5`: part of a name, not a name on its own


class Term:
    """A name a summary states: where it is written, its key (`swebenchverified`) and
    its words' keys; its words (each with where it is written) and its gloss, the
    Chinese beside it in brackets (`红队（Red Team）` -> `红队`, `gloss_inside`: inside
    the brackets, where any part may match), are built when first asked for by a
    `Located` (most names are found as written and never need them)."""

    __slots__ = ("_gloss", "_located", "_words", "key", "keys", "where")

    def __init__(
        self,
        where: Occurrence,
        key: str,
        words: tuple[Word, ...] = (),
        gloss: str = "",
        gloss_inside: bool = False,
        *,
        keys: tuple[str, ...] | None = None,
        located: Located | None = None,
    ) -> None:
        self.where, self.key = where, key
        self._located = located
        self._words: tuple[Word, ...] | None = None if located else tuple(words)
        self._gloss: tuple[str, bool] | None = None if located else (gloss, gloss_inside)
        self.keys = tuple(word.key for word in words) if keys is None else keys

    @property
    def words(self) -> tuple[Word, ...]:
        if self._words is None:
            self._words = self._located.words()
        return self._words

    @property
    def gloss(self) -> str:
        if self._gloss is None:
            self._gloss = self._located.gloss()
        return self._gloss[0]

    @property
    def gloss_inside(self) -> bool:
        self.gloss  # noqa: B018  (builds it)
        return self._gloss[1]

    def __repr__(self) -> str:
        return f"Term({self.where!r}, {self.key!r})"


class Located(Protocol):
    """What builds a `Term`'s words and gloss when they are first asked for."""

    def words(self) -> tuple[Word, ...]: ...

    def gloss(self) -> tuple[str, bool]: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """A summary claim without support; `near` is the body's near miss, if any."""

    kind: str  # "number", "term", or "body" (a body that supports next to none of them)
    claim: Occurrence
    near: Occurrence | None = None
    detail: str = ""  # for "body": what the body lacks


@dataclass(slots=True)
class Claims:
    numbers: list[Number] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    tolerance: float = 0.1  # relative, for approximate numbers (`约`, `近`, `超过`)
    generic: frozenset[str] = GENERIC
    aliases: Mapping[str, list[str]] = field(default_factory=dict)  # term key -> spellings
