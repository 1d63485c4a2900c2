"""What the body and the frontmatter state, indexed once per note, and near-miss search.

A claim is first looked for as written (a faithful summary copies most of its
names and figures); only when one is not does the note pay for the index, once.
Numbers are kept by value (`dict` of normalised value -> the numbers stating it,
and the sorted values for rounding ranges), dates by their parts. Names are kept
as one string of `term_key`s, each run's words back to back (`claude3.5sonnet`),
with the set of offsets where a word (or a hyphen-separated part of one: the
`4o` of `GPT-4o-mini`) starts or ends: the body has a name when its key occurs
from one such offset to another. A lookup is a dict access, a bisection or a
`str.find`; only a claim without support pays for the near-miss scan, which
builds the keys of every group of up to four neighbouring words once.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from vaultkit.claims.model import (
    Line,
    Number,
    Occurrence,
    Options,
    Term,
    Text,
    Word,
    blank,
    compatible,
    term_key,
    value_key,
)
from vaultkit.claims.numbers import number_at, numbers
from vaultkit.claims.terms import CJK, NUMBER_WORD, WORD, is_name_word, name_runs

MAX_WINDOW = 4  # words in one indexed name (`Claude 3.5 Sonnet Preview`)
_RELATIVE_YEARS = (("今年", 0), ("去年", -1), ("前年", -2), ("明年", 1), ("后年", 2))
_EPSILON = 1e-9
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)*")
_PART = re.compile(r"[^-_]+")

# Where a name was seen: built into an `Occurrence` only when a near miss is reported.
Seen = Occurrence | tuple[Text, int, int]


class Support:
    """Everything the body and the frontmatter state, indexed for lookups.

    `parts` are (masked lines, source) pairs: the body with source `"body"`, the
    frontmatter's values with one source per line (the key each came from).

    A summary usually copies its names and figures as the body writes them, so a
    claim is first looked for as written (`literal_name`, `literal_number`); the
    index of every name and number is built only for a claim that is not, once."""

    def __init__(self, parts: Iterable[tuple[Iterable[Line], str | Sequence[str]]]) -> None:
        self.texts = [Text(lines, source) for lines, source in parts]
        self.text = "\n".join(text.value for text in self.texts)  # glosses, aliases, `去年`
        self._lower: str | None = None  # `text` case-folded, for names as written
        self._built = False

    def _build(self) -> None:
        """Index every name and number of the texts (on the first claim that needs it)."""
        if self._built:
            return
        self._built = True
        self.exact: dict[float, list[Number]] = {}
        self.dates: set[tuple[int | None, int | None, int | None]] = set()
        self.by_length: dict[int, list[Number]] = {}
        self.by_line: dict[tuple[str, int], list[Number]] = {}
        self._keys: list[str] = []  # the runs' word keys, runs ended by "\0"
        self._size = 0
        self._bounds: set[int] = set()  # offsets in the keys where a word or part starts/ends
        self._runs: list[tuple[Text, int, int]] = []  # each run's text and span
        self._numbers: dict[str, Occurrence] = {}  # numbers as words: `2024`, `3.2.0`
        self._windows: dict[str, Seen] | None = None  # every name key, for near misses
        self._by_length: dict[int, list[str]] | None = None
        published: set[int] = set()
        for text in self.texts:
            scanned = blank(text.value, self._add_names(text))
            for found in numbers(text, scanned, strict=False):
                self._add_number(found)
                if found.date and found.date[0] and found.where.source != "body":
                    published.add(found.date[0])
                if found.digits and not found.date:
                    self._numbers.setdefault(found.digits, found.where)
        self._joined = "".join(self._keys)
        for word, shift in _RELATIVE_YEARS:  # `去年` in an article of 2024 is 2023
            if word in self.text:
                for year in published:
                    where = Occurrence(word, 0, 0)
                    self._add_value(Number(where, year + shift, 0, "", "年", year=True))
        self.values = sorted(self.exact)

    def literal_name(self, written: str) -> bool:
        """Whether the texts have the name as written, in any case, as whole words (a
        hyphen ends a word: `o3-mini` is in `o3-mini-high`; `GPT-4` is not in `GPT-4.5`)."""
        if self._lower is None:
            self._lower = self.text.casefold()
        lower, name = self._lower, written.casefold()
        at = lower.find(name)
        while at >= 0:
            end = at + len(name)
            after = lower[end : end + 2]
            glued_after = _word_char(after[:1]) or (after[:1] == "." and after[1:2].isdigit())
            if not (at and _word_char(lower[at - 1])) and not glued_after:
                return True
            at = lower.find(name, at + 1)
        return False

    def literal_number(self, claim: Number) -> bool:
        """Whether the texts state the claim's number as written, with its value and unit."""
        digits = _DIGITS.search(claim.where.text)
        if digits is None or claim.date or claim.version:
            return False  # (a hedged `约 30%` is supported by `30%` too: it is in its window)
        written = digits.group()
        for text in self.texts:
            at = text.value.find(written)
            while at >= 0:
                found = number_at(text, at, written)
                if (
                    found is not None
                    and abs(found.value - claim.value) <= _EPSILON * max(1.0, abs(claim.value))
                    and compatible(claim.unit, found.unit)
                ):
                    return True
                at = text.value.find(written, at + 1)
        return False

    def _add_value(self, found: Number) -> None:
        self.exact.setdefault(value_key(found.value), []).append(found)

    def _add_number(self, found: Number) -> None:
        if found.date is not None:
            y, m, d = found.date
            self.dates.update({(y, m, d), (None, m, d), (y, m, None), (None, m, None)})
            self.dates.add((None, None, d))
            if y is not None:
                self._add_value(Number(found.where, y, 0, str(y), "年", year=True))
        elif not found.version:
            self._add_value(found)
            self.by_line.setdefault((found.where.source, found.where.line), []).append(found)
        if found.digits:
            self.by_length.setdefault(len(found.digits), []).append(found)

    def _add_names(self, text: Text) -> list[tuple[int, int]]:
        """Add the runs of `text` to the keys; return where the name words are, to blank
        them (keeping number parts: the `7B` of `Tern-7B`)."""
        keys, bounds, spans, at = self._keys, self._bounds, [], self._size
        for run in name_runs(text.value):
            self._runs.append((text, run[0].start(), run[-1].end()))
            for match in run:
                key, parts, blanks = _word_facts(match.group())
                bounds.add(at)
                if parts:
                    bounds.update(at + offset for offset in parts)
                start = match.start()
                spans += [(start + a, start + b) for a, b in blanks]
                keys.append(key)
                at += len(key)
            bounds.add(at)
            keys.append("\0")
            at += 1
        self._size = at
        return spans

    def _found(self, key: str) -> bool:
        """Whether `key` is a word, a part, or neighbouring words of a run of the body."""
        if key in self._numbers:
            return True
        joined, bounds, size = self._joined, self._bounds, len(key)
        at = joined.find(key)
        while at >= 0:
            if at in bounds and at + size in bounds:
                return True
            at = joined.find(key, at + 1)
        return False

    def windows(self) -> dict[str, Seen]:
        """Every name key the body has (groups of up to `MAX_WINDOW` neighbouring words and
        the hyphen-separated parts of words), with where it was seen: for near misses."""
        self._build()
        if self._windows is None:
            found: dict[str, Seen] = dict(self._numbers)
            for text, first, last in self._runs:
                words = list(WORD.finditer(text.value, first, last))
                for i, match in enumerate(words):
                    if not is_name_word(match.group()):
                        continue  # a summary's name never starts with a number
                    key = ""
                    for j in range(i, min(len(words), i + MAX_WINDOW)):
                        key += term_key(words[j].group())
                        found.setdefault(key, (text, match.start(), words[j].end()))
                    parts = [p.group() for p in _PART.finditer(match.group())]
                    for a in range(len(parts)):
                        for b in range(a + 1, len(parts) + 1):
                            if (a, b) != (0, len(parts)):
                                seen = (text, match.start(), match.end())
                                found.setdefault(term_key("".join(parts[a:b])), seen)
            self._windows = found
        return self._windows

    def occurrence(self, key: str) -> Occurrence:
        seen = self.windows()[key]
        return seen if isinstance(seen, Occurrence) else seen[0].where(seen[1], seen[2])

    # ------------------------------------------------------------------ numbers

    def number_supported(
        self, claim: Number, options: Options, stated: frozenset[float] = frozenset()
    ) -> bool:
        """Whether the body states `claim` (rounding and hedges allowed), or a figure
        computed from two body numbers of which the summary states one (`stated`: the
        summary's values)."""
        if self.literal_number(claim):
            return True
        self._build()
        if claim.version:
            return self._found(claim.digits)
        if claim.date is not None:
            y, m, d = claim.date
            return claim.date in self.dates or (
                y is not None and (None, m, d) in self.dates and self._has(y, y, "年")
            )
        value = claim.value
        low = high = 0.0 if claim.year else claim.half
        if claim.approx and not claim.year:
            # A hedge widens the window by up to `tolerance` of the value, but never past
            # ten units of the last digit written: `约 30%` takes 27-33, `约 2,025` 2015-2035.
            relative = min(options.tolerance * abs(value), 10 * claim.last)
            if claim.approx == "about":
                low = high = max(low, relative)
            elif claim.approx == "plus":  # `一百多` is 100-199, `1,200 多` 1,200-1,299
                high = max(high, claim.last)
            elif claim.approx == "over":  # `超过 85%` is 85-93.5
                high = max(high, claim.last, relative)
            else:  # `不足 2%`
                low = max(low, claim.last, relative)
        if self._has(value - low, value + high, claim.unit):
            return True
        if claim.unit == "月" and (None, int(value), None) in self.dates:
            return True
        if claim.unit in ("日", "号") and (None, None, int(value)) in self.dates:
            return True
        return bool(stated) and self._derived(claim, stated)

    def _has(self, low: float, high: float, unit: str) -> bool:
        """Whether the body states a value in [low, high] with a unit that fits."""
        margin = max(abs(low), abs(high)) * _EPSILON + _EPSILON
        first = bisect_left(self.values, low - margin)
        last = bisect_right(self.values, high + margin)
        return any(
            compatible(unit, found.unit)
            for key in self.values[first:last]
            for found in self.exact[key]
        )

    def _derived(self, claim: Number, stated: frozenset[float]) -> bool:
        """A figure the summary computed from two numbers of one body line, and words as a
        change: a difference of two percentages (`76%`, `62%` -> `提高 14 个百分点`), a
        relative change of two amounts (`100 亿`, `135 亿` -> `增长 35%`), a ratio (`2.4
        倍`), or a difference (`高出 17 分`). It must match to the claim's last digit, and
        the summary must state one of the two numbers too."""
        value, unit = claim.value, claim.unit
        if unit != "倍" and not claim.delta:
            return False
        slack = claim.step * (1 + _EPSILON) + _EPSILON
        for found in self.by_line.values():
            if not 2 <= len(found) <= 12:
                continue
            for i, a in enumerate(found):
                for b in found[i + 1 :]:
                    if a.unit != b.unit or a.year or b.year or not a.value or not b.value:
                        continue
                    if value_key(a.value) not in stated and value_key(b.value) not in stated:
                        continue
                    low, high = sorted((abs(a.value), abs(b.value)))
                    if a.unit == "%":
                        candidates = [high - low] if unit == "%" else []
                    elif unit == "%":
                        candidates = [(high - low) / low * 100]
                    elif unit == "倍":
                        candidates = [high / low, (high - low) / low]
                    else:
                        candidates = [high - low] if compatible(unit, a.unit) else []
                    if any(abs(value - c) <= slack for c in candidates):
                        return True
        return False

    def number_near_miss(self, claim: Number) -> Number | None:
        """The body's number one typo away, when there is exactly one such value: two
        neighbouring digits swapped (three digits or more: `71.7`/`17.7`) or one digit
        changed (four or more: `2727`/`2737`), with a unit that fits. A year is never a
        typo of another year, and short numbers differ by chance too often to tell."""
        if claim.year:
            return None
        self._build()
        found: dict[str, Number] = {}
        for other in self.by_length.get(len(claim.digits), ()):
            if other.year or other.version != claim.version:
                continue
            if not compatible(other.unit, claim.unit):
                continue
            if (other.date is None) != (claim.date is None):
                continue
            if _one_typo(claim.digits, other.digits):
                found.setdefault(other.digits, other)
        return next(iter(found.values())) if len(found) == 1 else None

    # ------------------------------------------------------------------ names

    def has_key(self, key: str) -> bool:
        """Whether the body has this name, allowing a plural `s`/`es` on either side."""
        self._build()
        if self._found(key) or self._found(key + "s") or self._found(key + "es"):
            return True
        return key.endswith("s") and len(key) > 3 and self._found(key[:-1])

    def missing_words(self, term: Term, options: Options) -> list[Word]:
        """The words of `term` the body lacks; empty when the term is supported.

        A run is supported as a whole, or word by word, where a group of neighbouring
        words the body has (or a spelling of them from `aliases`) covers its words;
        generic words and numbers need no support."""
        generic = options.generic
        if all(len(w.key) < 2 or w.key in generic for w in term.words):
            return []  # `AI`, `API`: nothing to check
        if self.literal_name(term.where.text):
            return []
        if self.has_key(term.key) or self._aliased(term.key, options):
            return []
        words = term.words
        covered = [len(w.key) < 2 or w.key in options.generic for w in words]
        for i in range(len(words)):
            key = ""
            for j in range(i, min(len(words), i + MAX_WINDOW)):
                key += words[j].key
                if self.has_key(key) or self._aliased(key, options):
                    covered[i : j + 1] = [True] * (j + 1 - i)
        return [word for word, done in zip(words, covered, strict=True) if not done]

    def _aliased(self, key: str, options: Options) -> bool:
        for alias in options.aliases.get(key, ()):
            if (CJK.search(alias) and alias in self.text) or self.has_key(term_key(alias)):
                return True
        return False

    def gloss_found(self, term: Term) -> bool:
        """Whether the body has the term's Chinese gloss: for a gloss inside the brackets any
        two neighbouring characters of it, for one before them its last two or more."""
        gloss, text = term.gloss, self.text
        if not gloss:
            return False
        if term.gloss_inside:
            return any(gloss[i : i + 2] in text for i in range(len(gloss) - 1))
        return any(gloss[-n:] in text for n in range(2, len(gloss) + 1))

    def term_near_miss(self, key: str, generic: frozenset[str] = frozenset()) -> Occurrence | None:
        """A body name one or two edits away (a swap of neighbours is one edit): for names
        of five characters or fewer, one letter changed or two swapped, nothing else. A
        plural, a generic word (`LLM` for `vLLM`) or a bare number is no near miss."""
        short = len(key) <= 5
        limit = 1 if short else 2
        if self._by_length is None:
            self._by_length = {}
            for other in self.windows():
                self._by_length.setdefault(len(other), []).append(other)
        lengths = [len(key)] if short else range(len(key) - limit, len(key) + limit + 1)
        best: tuple[int, str] | None = None
        for other in (o for n in lengths for o in self._by_length.get(n, ())):
            if other == key or len(other) < 2 or other in generic:
                continue
            if not any(c.isalpha() for c in other) or key.rstrip("s") == other.rstrip("s"):
                continue
            if len(set(key).symmetric_difference(other)) > 2 * limit:
                continue  # too many letters one has and the other lacks
            distance = _osa(key, other, limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, other)
        return self.occurrence(best[1]) if best else None


def _word_char(char: str) -> bool:
    """An ASCII letter or digit: what continues a Latin word (`Sora正式` ends at `a`)."""
    return char.isascii() and char.isalnum()


@lru_cache(maxsize=65536)
def _word_facts(word: str) -> tuple[str, tuple[int, ...], tuple[tuple[int, int], ...]]:
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


def _one_typo(a: str, b: str) -> bool:
    """Two neighbouring digits swapped (3+ digits) or one digit changed (4+ digits)."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if "." in (a[i] for i in diff) or "." in (b[i] for i in diff):
        return False
    digits = sum(c.isdigit() for c in a)
    if len(diff) == 1:
        return digits >= 4
    i, j = diff[0], diff[-1]
    return digits >= 3 and len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]
