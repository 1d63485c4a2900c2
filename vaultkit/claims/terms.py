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
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from vaultkit import regexes
from vaultkit.claims.model import GENERIC, Occurrence, Term, Text, Word, term_key

# (`[x][x]*` rather than `[x]+`: a pattern that starts with one character class lets the
# regular-expression engine skip the Chinese text between words fast.)
WORD = regexes.compile(r"[A-Za-z0-9][A-Za-z0-9]*(?:['’][A-Za-z]+|[-_.][A-Za-z0-9]+)*\+*")
# A run: words separated by at most two spaces (what `_runs` groups, in one match).
RUN = regexes.compile(rf"{WORD.pattern}(?: {{0,2}}{WORD.pattern})*")
NUMBER_WORD = regexes.compile(
    r"\d+(?:\.\d+)?(?:[KkMBbTGWwVxXsh]|(?i:bn|[kmgtpe]i?b|ms|us|ns|min|hrs?|sec|fps|[kmg]?hz|"
    r"[kmg]wh?|mah|wh|nm|mm|cm|km|kg|mg|db|px|pt|[tgp]?flops|tops|[gmt]bps|bits?|bytes?))?"
    r"|\d+[xX×]\d+|\d+(?:\.\d+){2,}|\d+(?:st|nd|rd|th)"  # `10th`
    r"|\d{4}-\d\d-\d\dT\d\d|\d\d(?:\.\d+)?Z"  # an ISO date-time: `2026-02-17T01:18:38Z`
)
PLAIN_NUMBER = regexes.compile(r"\d+(?:\.\d+)*")
# Characters after a number that make it a quantity of its own, not part of the name before it.
QUANTITY_AFTER = frozenset("%％万亿千百倍年月日号个名位次元天家种款项条张篇人分秒周岁层")
_OPENERS = "（(["
_CLOSERS = {"（": "）", "(": ")", "[": "]"}
CJK = regexes.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CJK_TAIL = regexes.compile(r"[\u3400-\u9fff\uf900-\ufaff]+$")


_MULTIPLIER_WORDS = frozenset({"thousand", "million", "billion", "trillion", "bn", "mn"})


@lru_cache(maxsize=65536)
def is_name_word(text: str) -> bool:
    """A word with a letter that is neither a number with a unit nor `million`."""
    if text.isascii() and text.isalnum():  # (most words: letters and digits only)
        if text.isdigit() or (text[0].isdigit() and NUMBER_WORD.fullmatch(text) is not None):
            return False  # (a number with a unit starts with a digit)
        return text.lower() not in _MULTIPLIER_WORDS
    return (
        any(c.isalpha() for c in text)
        and NUMBER_WORD.fullmatch(text) is None
        and text.lower() not in _MULTIPLIER_WORDS
    )


# A run of words (`RUN`) and, when it ends with a digit, the first non-space character
# within four after it ("" when there is none): whether a trailing number is a quantity.
RUN_AFTER = regexes.compile(rf"({RUN.pattern})(?:(?<=[0-9])(?= {{0,3}}([^ ])))?")
_RUN_SPLIT = regexes.compile(f"({RUN.pattern})")
_WORD_SPLIT = regexes.compile(f"({WORD.pattern})")
MAX_WINDOW = 4  # words in one indexed name (`Claude 3.5 Sonnet Preview`)
_PART = regexes.compile(r"[^-_]+")


WordFacts = tuple[str, tuple[int, ...], tuple[tuple[int, int], ...]]
_GROUP = re.Match.group  # (a match's text, for `map`)
_FIRST = itemgetter(0)


@lru_cache(maxsize=65536)
def word_facts(word: str) -> WordFacts:
    """A word's key, where its hyphen-separated parts start in the key (`GPT-4o-mini`:
    3, 5), and what of it to blank: a name word but its number parts after a hyphen
    (`Tern-7B` keeps `7B`: the body states a 7B model); nothing of a number."""
    key = term_key(word)
    if not is_name_word(word):
        return key, (), ()
    if "-" not in word and "_" not in word:
        return key, (), ((0, len(word)),)
    parts, blanks, at = [], [], 0
    for index, part in enumerate(_PART.finditer(word)):
        parts.append(len(term_key(word[: part.start()])))
        text = part.group()
        if index and text[0].isdigit() and NUMBER_WORD.fullmatch(text):
            blanks.append((at, part.start()))
            at = part.end()
    blanks.append((at, len(word)))
    return key, tuple(parts), tuple(blanks)


class Run:
    """A name: the words of a run from its first name word to its last, with the numbers
    after that unless they are a quantity (see `run_facts`). Offsets are in the run.

    Built from the words' matches and `word_facts`; what only some lookups need (the
    words, the bounds, the near-miss windows) is computed when first asked for: most
    runs of a body are only looked up by `key`."""

    __slots__ = (
        "_bounds", "_facts", "_matches", "_windows", "_words", "end", "key", "keys", "start",
    )  # fmt: skip

    def __init__(self, words: list[re.Match[str]], facts: list[WordFacts]) -> None:
        self.keys = tuple(map(_FIRST, facts))
        self.key = "".join(self.keys) + "\0"  # the words' keys back to back, ended by "\0"
        self.start, self.end = words[0].start(), words[-1].end()  # of the first and last word
        self._matches, self._facts = words, facts
        self._words: tuple[tuple[int, int, str, bool], ...] | None = None
        self._bounds: frozenset[int] | None = None
        self._windows: tuple[tuple[str, int, int], ...] | None = None

    @property
    def words(self) -> tuple[tuple[int, int, str, bool], ...]:
        """(start, end, key, a number) of each word: a word with nothing to blank is a
        number."""
        if self._words is None:
            self._words = tuple(
                [
                    (m.start(), m.end(), f[0], not f[2])
                    for m, f in zip(self._matches, self._facts, strict=True)
                ]
            )
        return self._words

    @property
    def bounds(self) -> frozenset[int]:
        """Where in `key` a word or a hyphenated part of one starts or ends."""
        if self._bounds is None:
            bounds, at = set(), 0
            for key, parts, _ in self._facts:
                bounds.add(at)
                bounds.update(at + offset for offset in parts)
                at += len(key)
            bounds.add(at)
            self._bounds = frozenset(bounds)
        return self._bounds

    @property
    def windows(self) -> tuple[tuple[str, int, int], ...]:
        """The near-miss keys: groups of up to MAX_WINDOW words from each name word, then
        the word's hyphen-separated parts; (key, start, end), those with a letter."""
        if self._windows is None:
            words, found = self.words, []
            for i, match in enumerate(self._matches):
                if words[i][3]:
                    continue  # a summary's name never starts with a number
                key, lettered = "", False
                for j in range(i, min(len(words), i + MAX_WINDOW)):
                    key += words[j][2]
                    lettered = lettered or _lettered(words[j][2])  # (and so the longer keys)
                    if lettered:
                        found.append((key, words[i][0], words[j][1]))
                text = match.group()
                if "-" not in text and "_" not in text:
                    continue  # one part: no part keys
                parts = [p.group() for p in _PART.finditer(text)]
                for a in range(len(parts)):
                    for b in range(a + 1, len(parts) + 1):
                        if (a, b) != (0, len(parts)):
                            key = term_key("".join(parts[a:b]))
                            if _lettered(key):
                                found.append((key, words[i][0], words[i][1]))
            self._windows = tuple(found)
        return self._windows


def _lettered(key: str) -> bool:
    """Whether a key has a letter (a near miss is never a bare number)."""
    return any(c.isalpha() for c in key)


RunFacts = tuple[Run | None, Run | None]
NO_NAME: RunFacts = (None, None)  # a run of numbers only
_FACTS: dict[str, RunFacts] = {}


def run_facts(text: str) -> RunFacts:
    """A run of words (`RUN`) taken apart: the name in it (a `Run`). When the run ends
    with a number after its last name word, whether that number is part of the name
    (`AIME 2024`) or a quantity (`Verified 71.7%`) depends on what follows the run: then
    the second `Run` is the name with it, the first without. `NO_NAME` for a run without
    a name word. Cached: runs repeat across notes."""
    found = _FACTS.get(text)
    if found is not None:
        return found
    words = list(WORD.finditer(text))
    facts = list(map(word_facts, map(_GROUP, words)))
    names = [i for i, fact in enumerate(facts) if fact[2]]  # (a name word has a blank)
    if not names:
        found = NO_NAME
    else:
        first, end, open_end = names[0], names[-1] + 1, False
        if facts[names[-1]][0] not in GENERIC:  # `Top 10`: a quantity
            for index in range(end, len(words)):
                if not PLAIN_NUMBER.fullmatch(words[index].group()):
                    break
                if index == len(words) - 1:
                    open_end = True
                    break
                stop = words[index].end()
                if text[stop : stop + 4].lstrip(" ")[:1] in QUANTITY_AFTER:
                    break
                end = index + 1
        longer = Run(words[first : end + 1], facts[first : end + 1]) if open_end else None
        found = (Run(words[first:end], facts[first:end]), longer)
    if len(_FACTS) >= 100_000:
        _FACTS.clear()
    _FACTS[text] = found
    return found


def blank_names(value: str) -> str:
    """`value` with its name words blanked (`word_facts`: number parts kept, `Tern-7B`),
    in one pass: split around the words, each word replaced by its cached blanking."""
    parts = _WORD_SPLIT.split(value)
    if len(parts) > 1:
        parts[1::2] = map(_blanked, parts[1::2])
    return "".join(parts)


@lru_cache(maxsize=65536)
def _blanked(word: str) -> str:
    """`word` with the spans `word_facts` blanks replaced by spaces."""
    pieces, last = [], 0
    for a, b in word_facts(word)[2]:
        pieces += (word[last:a], " " * (b - a))
        last = b
    return "".join(pieces) + word[last:] if pieces else word


def pick(facts: RunFacts, after: str) -> Run:
    """The name of a run with a name word, given the text after the run (its first
    non-space character within four decides; `RUN_AFTER` gives that character)."""
    plain, longer = facts
    return longer if longer is not None and after.lstrip(" ")[:1] not in QUANTITY_AFTER else plain


def split_runs(value: str) -> tuple[list[str], list[RunFacts]]:
    """`value` split around its runs of words (`[text, run, text, run, ..., text]`, one
    C-level pass) and the facts of each run."""
    parts = _RUN_SPLIT.split(value)
    words = parts[1::2]
    facts = list(map(_FACTS.get, words))
    if None in facts:  # runs not seen before
        for word in set(words).difference(_FACTS):
            run_facts(word)
        facts = list(map(_FACTS.get, words))
        if None in facts:  # the cache was cleared on the way
            facts = [run_facts(word) for word in words]
    return parts, facts


def names_of(parts: list[str], facts: list[RunFacts]) -> list[Run]:
    """The names of the runs of a `split_runs` result, in order."""
    return [
        f[0] if f[1] is None else pick(f, (parts[2 * i + 2] + _next(parts, 2 * i + 3))[:4])
        for i, f in enumerate(facts)
        if f is not NO_NAME
    ]


def _next(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""


# All ASCII but the digits, the letters but `s` and `v`, and the newline: what of the
# ASCII a key may hold (`NameLines`); and what `term_key` may drop of it.
_NOT_KEPT = bytes(c for c in range(128) if not re.fullmatch(rb"[0-9a-rtuw-z\n]", bytes([c])))
_DROPPED = b".+sv"


class NameLines:
    """A text's lines cut down to what a name's key may hold, to tell that no name of the
    text has a key without taking the text apart; and its names taken apart a line at a
    time, in the lines that may have a key only (a run is on one line)."""

    __slots__ = ("_lines", "_names", "_starts", "_text", "squeezed")

    def __init__(self, text: str) -> None:
        self._text = text
        # A run's key is its words' ASCII letters, digits, `.` and `+` (`term_key` drops
        # the rest), so with the text lower-cased and cut down to its digits and letters
        # but `s` and `v` (what `term_key` may drop: `OpenAI's`, `v2`), the key is in
        # there too, cut down the same way, and on the run's line.
        self.squeezed = text.encode("ascii", "ignore").lower().translate(None, _NOT_KEPT)
        self._starts: list[int] | None = None  # where each line of `squeezed` but the first starts
        self._lines: list[str] = []
        self._names: dict[int, list[Run]] = {}

    def may_have(self, key: str) -> bool:
        """False when no name of the text can have `key` (an ASCII key)."""
        core = key.encode().translate(None, _DROPPED)
        return not core or core in self.squeezed

    def has(self, key: str) -> bool | None:
        """Whether a name of the text has `key` from the start or end of one of its words
        (or parts) to another's; None when the lines cannot tell (a key that is not ASCII,
        or without a character `squeezed` keeps)."""
        core = key.encode().translate(None, _DROPPED)
        if not core or not key.isascii():
            return None
        squeezed = self.squeezed
        if self._starts is None:
            self._starts = list(accumulate(map((1).__add__, map(len, squeezed.split(b"\n")))))
            self._lines = self._text.split("\n")
        starts = self._starts
        at = squeezed.find(core)
        while at >= 0:
            line = bisect_right(starts, at)  # (the lines before `at`)
            if self._line_has(key, line):
                return True
            at = squeezed.find(core, starts[line])  # (from the next line on)
        return False

    def _line_has(self, key: str, line: int) -> bool:
        names = self._names.get(line)
        if names is None:
            names = self._names[line] = names_of(*split_runs(self._lines[line]))
        for run in names:
            at = run.key.find(key)
            while at >= 0:
                if at in run.bounds and at + len(key) in run.bounds:
                    return True
                at = run.key.find(key, at + 1)
        return False


def name_runs(value: str) -> Iterable[tuple[int, Run]]:
    """Where each run of `value` that holds a name starts, and the name."""
    for match in RUN_AFTER.finditer(value):
        facts = run_facts(match.group(1))
        if facts is not NO_NAME:
            yield match.start(), pick(facts, match.group(2) or "")


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


def gloss_found(term: Term, text: str) -> bool:
    """Whether `text` has the term's Chinese gloss: for a gloss inside the brackets any two
    neighbouring characters of it, for one before them its last two or more."""
    gloss = term.gloss
    if not gloss:
        return False
    if term.gloss_inside:
        return any(gloss[i : i + 2] in text for i in range(len(gloss) - 1))
    return any(gloss[-n:] in text for n in range(2, len(gloss) + 1))


def terms(text: Text) -> Iterable[Term]:
    """The names of a text."""
    for term, _, _ in located_terms(text):
        yield term


def located_terms(text: Text) -> list[tuple[Term, int, int]]:
    """The names of a text, each with where it starts and ends in `text.value`
    (`name_runs`, written out: a summary has a few dozen names and each costs a little)."""
    found = []
    value, lines, starts, source = text.value, text.lines, text.starts, text.source
    single = isinstance(source, str)
    known = _FACTS.get
    for match in RUN_AFTER.finditer(value):
        words = match.group(1)
        facts = known(words) or run_facts(words)
        if facts is NO_NAME:
            continue
        run = pick(facts, match.group(2) or "") if facts[1] is not None else facts[0]
        start = match.start()
        index = bisect_right(starts, start) - 1  # a run is on one line
        line, column = lines[index], 1 - starts[index]
        where = source if single else source[index]
        first, last = start + run.start, start + run.end
        occurrence = Occurrence(value[first:last], line, first + column, where)
        located = _Located(text, start, run, line, column, where)
        found.append((Term(occurrence, run.key[:-1], keys=run.keys, located=located), first, last))
    return found


class _Located:
    """Where a run of `text` starts, to build its `Term`'s words and gloss on demand."""

    __slots__ = ("column", "line", "run", "source", "start", "text")

    def __init__(self, text: Text, start: int, run: Run, line: int, column: int, source: str):
        self.text, self.start, self.run = text, start, run
        self.line, self.column, self.source = line, column, source

    def words(self) -> tuple[Word, ...]:
        value, start, line, column = self.text.value, self.start, self.line, self.column
        return tuple(
            Word(
                key,
                Occurrence(value[start + a : start + b], line, start + a + column, self.source),
                n,
            )
            for a, b, key, n in self.run.words
        )

    def gloss(self) -> tuple[str, bool]:
        run = self.run
        return gloss(self.text, self.start + run.start, self.start + run.end)


def _initials(term: Term) -> set[str]:
    """What `term` may be abbreviated as: its words' first letters (`Model Context
    Protocol` -> `mcp`) or its capitals (`GitHub Actions` -> `gha`)."""
    words = term.where.text.replace("-", " ").split()
    found = {"".join(word[0] for word in words).casefold()}
    found.add("".join(c for c in term.where.text if c.isupper()).casefold())
    return {initials for initials in found if len(initials) >= 2}


def acronym_pairs(found: list[Term]) -> dict[int, list[int]]:
    """Names written beside their acronym in brackets (`MCP（Model Context Protocol）`,
    `Pull Requests (PRs)`): index -> the indexes of its partners. Either supports
    the other."""
    pairs: dict[int, list[int]] = {}
    for i in range(len(found) - 1):
        a, b = found[i].where, found[i + 1].where
        if a.line != b.line or not 1 <= b.column - (a.column + len(a.text)) <= 3:
            continue
        for short, long in ((i, i + 1), (i + 1, i)):
            acronym = found[short].where.text
            if " " in acronym or not acronym.isalpha() or len(acronym) > 8:
                continue
            key, initials = acronym.casefold(), _initials(found[long])
            if key in initials or key.removesuffix("s") in initials:
                pairs.setdefault(short, []).append(long)
                pairs.setdefault(long, []).append(short)
    return pairs
