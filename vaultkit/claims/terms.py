"""Latin-script names in a line: runs of words (`SWE-Bench Verified`, `Gemini 1.5 Pro`).

A word is letters and digits joined by `-`, `_`, `.` or `'` (`o3-mini`,
`GPT-4o`, `C++`). A number with a unit glued to it (`0.6B`, `100ms`,
`1792x1024`) is a number, not a name. A run is words separated by spaces;
numbers before its first name word are dropped, numbers after its last are
kept unless they are a quantity (`AIME 2024` is a name, `Verified 71.7%` is
not). The Chinese beside a run in brackets is its gloss.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from vaultkit.claims.model import GENERIC, Term, Text, Word, term_key

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+|[-_.][A-Za-z0-9]+)*\+*")
NUMBER_WORD = re.compile(
    r"\d+(?:\.\d+)?(?:[KkMBbTGWVxXsh]|(?i:bn|[kmgtpe]i?b|ms|us|ns|min|hrs?|sec|fps|[kmg]?hz|"
    r"[kmg]wh?|mah|wh|nm|mm|cm|km|kg|mg|db|px|pt|[tgp]?flops|tops|[gmt]bps|bits?|bytes?))?"
    r"|\d+[xX×]\d+|\d+(?:\.\d+){2,}"
)
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)*")
# Characters after a number that make it a quantity of its own, not part of the name before it.
_QUANTITY_AFTER = frozenset("%％万亿千百倍年月日号个名位次元天家种款项条张篇人分秒周岁层")
_OPENERS = "（(["
_CLOSERS = {"（": "）", "(": ")", "[": "]"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CJK_TAIL = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+$")


_MULTIPLIER_WORDS = frozenset({"thousand", "million", "billion", "trillion", "bn", "mn"})


@lru_cache(maxsize=65536)
def is_name_word(text: str) -> bool:
    """A word with a letter that is neither a number with a unit nor `million`."""
    return (
        any(c.isalpha() for c in text)
        and NUMBER_WORD.fullmatch(text) is None
        and text.lower() not in _MULTIPLIER_WORDS
    )


def _runs(text: str) -> Iterable[list[re.Match[str]]]:
    """Words separated only by one or two spaces, as lists of matches."""
    run: list[re.Match[str]] = []
    for match in WORD.finditer(text):
        if run:
            gap = text[run[-1].end() : match.start()]
            if len(gap) > 2 or gap.strip(" "):
                yield run
                run = []
        run.append(match)
    if run:
        yield run


def name_runs(text: str) -> Iterable[list[re.Match[str]]]:
    """Runs that hold a name: leading numbers dropped, trailing ones kept unless a quantity."""
    for run in _runs(text):
        names = [i for i, m in enumerate(run) if is_name_word(m.group())]
        if not names:
            continue
        end = names[-1] + 1
        if term_key(run[names[-1]].group()) in GENERIC:
            end = names[-1] + 1  # `token 0.5`, `Top 10`: the number is a quantity
        else:
            for index in range(end, len(run)):
                word = run[index].group()
                after = text[run[index].end() : run[index].end() + 4].lstrip(" ")[:1]
                if not _PLAIN_NUMBER.fullmatch(word) or after in _QUANTITY_AFTER:
                    break
                end = index + 1
        yield run[names[0] : end]


def gloss(text: Text, start: int, end: int) -> tuple[str, bool]:
    """Chinese beside a name in brackets: `红队（Red Team）` or `One-liner（单句笑话）`.

    Returns the Chinese and whether it is inside the brackets (any part of it may
    match) rather than before them (its end must match)."""
    value = text.value
    first, last = text.line_span(start)
    after = value[end:last].lstrip(" ")
    if after and after[0] in _OPENERS:
        inner = after[1:].split(_CLOSERS[after[0]], 1)[0]
        found = "".join(CJK.findall(inner))
        if found:
            return found, True
    opened = max(value.rfind(c, first, start) for c in _OPENERS)
    if opened > first and not any(c in value[opened:start] for c in "）)]"):
        before = _CJK_TAIL.search(value, max(first, opened - 12), opened)
        if before:
            return before.group(), False
    return "", False


def terms(text: Text) -> Iterable[Term]:
    """The names of a text."""
    for run in name_runs(text.value):
        start, end = run[0].start(), run[-1].end()
        words = tuple(
            Word(term_key(m.group()), text.where(m.start(), m.end()), not is_name_word(m.group()))
            for m in run
        )
        found, inside = gloss(text, start, end)
        yield Term(text.where(start, end), "".join(w.key for w in words), words, found, inside)
