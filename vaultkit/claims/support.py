"""What the body and the frontmatter state, indexed once per note, and near-miss search.

A claim is first looked for as written (a faithful summary copies most of its
names and figures); only when one is not does the note pay for an index, and
only for the index it needs:

- names: one string of `term_key`s, each run's words back to back
  (`claude3.5sonnet`), with the offsets where a word (or a hyphen-separated
  part of one: the `4o` of `GPT-4o-mini`) starts or ends: the body has a
  name when its key occurs from one such offset to another. A run of words
  is taken apart once per process (`terms.run_facts`), however many notes
  repeat it.
- digit runs: the digits of the texts' numbers and dates, back to back
  (`numbers.digit_runs`, two pattern passes, nothing taken apart): a number or
  a date none of whose typos is in them has no near miss.
- candidates: the values and digit strings of the body's numbers, read with
  one pattern pass each (`numbers.candidates`). A number claim with no value
  near it, or no digit string one typo away, is unsupported, or has no near
  miss, without more work.
- numbers: the body's numbers, normalised (`dict` of value -> the numbers
  stating it, and the sorted values for rounding ranges), dates by their
  parts; built only when a candidate is near a claim, to compare units.

A lookup is a dict access, a bisection or a `str.find`; only a name without
support pays for the near-miss scan over the keys of every group of up to
four neighbouring words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from operator import add

from vaultkit import regexes
from vaultkit.claims import derived
from vaultkit.claims.distance import letters, one_typo, osa, typos, typos_in
from vaultkit.claims.model import (
    Line,
    Number,
    Occurrence,
    Options,
    Term,
    Text,
    Word,
    compatible,
    term_key,
    value_key,
)
from vaultkit.claims.numbers import (
    WORDED,
    Candidates,
    candidates,
    dates,
    digit_runs,
    number_at,
    numbers,
    times,
    written_with,
)
from vaultkit.claims.terms import (
    CJK,
    MAX_WINDOW,
    NO_NAME,
    NameLines,
    Run,
    blank_names,
    names_of,
    split_runs,
)

_RELATIVE_YEARS = (("今年", 0), ("去年", -1), ("前年", -2), ("明年", 1), ("后年", 2))
_EPSILON = 1e-9
_DIGITS = regexes.compile(r"\d[\d,]*(?:\.\d+)*")
_DIGIT = regexes.compile(r"[\d.]")
NEAR_MISS_MIN = 5  # characters a name needs before a near miss of it can be a typo
TYPO_VARIANTS_MAX_DIGITS = 40  # longer digit strings are matched by length, not by variants
NEAR_MISS_TWO = 12  # … before two edits can be one typo
_LINK_PARTS = regexes.compile(r"[^\W_]+")
_NOT_KEY = regexes.compile(r"[^a-z0-9.+]")  # what no run's key holds (`_may_have`)
_NUMERIC_KEY = regexes.compile(r"[\d.:]+")  # what a number's digits may be: `2024`, `3.2.0`, `9:30`


class Support:
    """Everything the body and the frontmatter state, indexed for lookups.

    `parts` are (masked lines, source) pairs (or `Text`s): the body with source
    `"body"`, the frontmatter's values with one source per line (the key each came
    from).

    A summary usually copies its names and figures as the body writes them, so a
    claim is first looked for as written (`literal_name`, `literal_number`); the
    indexes of names and numbers are built only for a claim that is not, once."""

    def __init__(
        self,
        parts: Iterable[tuple[Iterable[Line], str | Sequence[str]] | Text],
        links: Iterable[str] = (),
    ) -> None:
        self._links = links  # URLs and link targets: names in them count as mentioned
        self._link_keys: set[str] | None = None
        self.texts = [part if isinstance(part, Text) else Text(*part) for part in parts]
        self.text = "\n".join(text.value for text in self.texts)  # glosses, aliases, `去年`
        self._blanked: list[str | None] = [None] * len(self.texts)  # `_scanned`
        self._lower: str | None = None  # `text` case-folded, for names as written
        self._literal: dict[str, bool] = {}  # `literal_name`'s answers
        self._lines: NameLines | None = None  # `_may_have`, and `_in_runs` before `_names`
        self._named = False
        self._counted = False
        self._dated = False
        self._candidates: Candidates | None = None
        self._times: list[Number] | None = None
        self._digit_runs: tuple[str, str] | None = None  # `_typo_written`
        self._windows: dict[str, tuple[Run, int, int]] | None = None  # for near misses
        self._by_length: dict[int, list[str]] | None = None

    # ------------------------------------------------------------------ indexes

    def _names(self) -> None:
        """Index every name of the texts: each run's keys and where its words start/end."""
        if self._named:
            return
        self._named = True
        self._split = [split_runs(text.value) for text in self.texts]
        self._runs: list[Run] = []
        for parts, facts in self._split:
            self._runs += names_of(parts, facts)
        self._joined = "".join([run.key for run in self._runs])
        self._starts = list(accumulate(map(len, [run.key for run in self._runs]), initial=0))

    def _run_at(self, index: int) -> tuple[Text, int]:
        """The text holding the `index`-th run of `_runs`, and where the run starts in it."""
        for text, (parts, facts) in zip(self.texts, self._split, strict=True):
            for i, found in enumerate(facts):
                if found is not NO_NAME:
                    if not index:
                        return text, sum(map(len, parts[: 2 * i + 1]))
                    index -= 1
        raise IndexError(index)

    def _scanned(self, index: int) -> str:
        """The `index`-th text with its name words blanked out (number parts kept:
        `Tern-7B`), for the numbers (`blank_names`: as `run_facts` reads the words)."""
        scanned = self._blanked[index]
        if scanned is None:
            scanned = self._blanked[index] = blank_names(self.texts[index].value)
        return scanned

    def _numbers(self) -> None:
        """Index every number of the texts (on the first claim that needs it)."""
        if self._counted:
            return
        self._counted = True
        self._date_index()
        self.exact: dict[float, list[Number]] = {}
        self.by_length: dict[int, list[Number]] = {}
        self.by_line: dict[tuple[str, int], list[Number]] = {}
        self._digits: dict[str, Occurrence] = {}  # numbers as words: `2024`, `3.2.0`
        published: set[int] = set()
        for index, text in enumerate(self.texts):
            for found in numbers(text, self._scanned(index), strict=False):
                self._add_number(found)
                if found.date and found.date[0] and found.where.source != "body":
                    published.add(found.date[0])
                if found.digits and not found.date:
                    self._digits.setdefault(found.digits, found.where)
        for word, shift in _RELATIVE_YEARS:  # `去年` in an article of 2024 is 2023
            if word in self.text:
                for year in published:
                    where = Occurrence(word, 0, 0)
                    self._add_value(Number(where, year + shift, 0, "", "年", year=True))
        self.values = sorted(self.exact)

    def _date_index(self) -> None:
        """Index the dates of the texts (`numbers.dates`: what `_numbers` reads as dates,
        without reading every number): the (year, month, day) keys a date supports, and
        by digit count the dates, for near misses."""
        if self._dated:
            return
        self._dated = True
        self.dates: set[tuple[int | None, int | None, int | None]] = set()
        self._dates_by_length: dict[int, list[Number]] = {}
        for index, text in enumerate(self.texts):
            for found in dates(text, self._scanned(index)):
                y, m, d = found.date
                self.dates.update({(y, m, d), (None, m, d), (y, m, None), (None, m, None)})
                self.dates.add((None, None, d))
                if found.digits:
                    self._dates_by_length.setdefault(len(found.digits), []).append(found)

    def _time_index(self) -> list[Number]:
        """The times of the texts (`numbers.times`), in the order `_numbers` reads them."""
        if self._times is None:
            self._times = [t for i, x in enumerate(self.texts) for t in times(x, self._scanned(i))]
        return self._times

    def _candidate_index(self) -> Candidates:
        """Every value and digit string the texts state as a number (`candidates`)."""
        if self._candidates is None:
            values: set[float] = set()
            strings: set[str] = set()
            for index, text in enumerate(self.texts):
                more_values, more_strings = candidates(text, self._scanned(index))
                values |= more_values
                strings |= more_strings
            relative = any(word in self.text for word, _ in _RELATIVE_YEARS)
            self._candidates = Candidates(sorted(values), strings, relative)
        return self._candidates

    def _may_be_typo(self, digits: str) -> bool:
        """Whether a candidate digit string is one typo away from `digits` (`one_typo`)."""
        count = sum(c.isdigit() for c in digits)
        if count < 3:
            return False
        if len(digits) <= TYPO_VARIANTS_MAX_DIGITS and not self._typo_written(digits, count, False):
            return False  # (without taking the texts' names and numbers apart)
        candidates = self._candidate_index()
        # `typos` tries ASCII digits only, and makes ~10 strings of n digits for n digits:
        # a number hundreds of digits long is compared with the strings of its length
        if not candidates.ascii or len(digits) > TYPO_VARIANTS_MAX_DIGITS:
            same = candidates.by_length.get(len(digits), ())
            return any(one_typo(digits, other) for other in same)
        return not candidates.strings.isdisjoint(typos(digits, count))

    def _typo_written(self, digits: str, count: int, date: bool) -> bool:
        """False when no number (or `date`) of the texts can be one typo from `digits`
        (`count` digits), told from their digit runs (`numbers.digit_runs`) without
        taking the texts apart (`distance.typos_in`)."""
        return typos_in(digits, count, self._written_digits()[date])

    def _written_digits(self) -> tuple[str, str]:
        if self._digit_runs is None:
            self._digit_runs = digit_runs(self.text)
        return self._digit_runs

    def _may_be_number(self, digits: str) -> bool:
        """Whether a number of the texts may be written with `digits` (`candidates`), told
        first from their digit runs, which hold every number's but those of `WORDED`."""
        if digits not in WORDED and digits not in self._written_digits()[0]:
            return False
        return digits in self._candidate_index().strings

    def _may_state(self, low: float, high: float) -> bool:
        """Whether a candidate value falls in [low, high] (widened for rounding)."""
        values = self._candidate_index().values
        margin = max(abs(low), abs(high)) * 1e-6 + 1e-6
        return bisect_left(values, low - margin) < bisect_right(values, high + margin)

    # ------------------------------------------------------------------ as written

    def literal_name(self, written: str) -> bool:
        """Whether the texts have the name as written, in any case, as whole words (a
        hyphen ends a word: `o3-mini` is in `o3-mini-high`; `GPT-4` is not in `GPT-4.5`)."""
        known = self._literal.get(written)
        if known is not None:
            return known  # (a summary names a thing more than once)
        if self._lower is None:
            self._lower = self.text.casefold()
        lower, name = self._lower, written.casefold()
        at = lower.find(name)
        found = False
        while at >= 0:
            end = at + len(name)
            after = lower[end : end + 2]
            glued_after = _word_char(after[:1]) or (after[:1] == "." and after[1:2].isdigit())
            if not (at and _word_char(lower[at - 1])) and not glued_after:
                found = True
                break
            at = lower.find(name, at + 1)
        self._literal[written] = found
        return found

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
        if found.date is not None:  # (its keys are in `dates` already: `_date_index`)
            y = found.date[0]
            if y is not None:
                self._add_value(Number(found.where, y, 0, str(y), "年", year=True))
        elif not found.version:
            self._add_value(found)
            self.by_line.setdefault((found.where.source, found.where.line), []).append(found)
        if found.digits:
            self.by_length.setdefault(len(found.digits), []).append(found)

    def _found(self, key: str) -> bool:
        """Whether `key` is a word, a part, or neighbouring words of a run of the body."""
        if self._may_have(key) and self._in_runs(key):  # (the index only when it may)
            return True
        if _NUMERIC_KEY.fullmatch(key) and (":" in key or self._may_be_number(key)):
            return self._has_digits(key)  # a number as a word: `2024`, `3.2.0`
        return False

    def _in_runs(self, key: str) -> bool:
        """Whether a run has `key` from the start or end of one of its words (or parts) to
        another's. Until the texts are taken apart (`_names`), only the lines that may have
        it are (`NameLines.has`)."""
        if not self._named:
            found = self._name_lines().has(key)
            if found is not None:
                return found
        self._names()
        joined, runs, starts, size = self._joined, self._runs, self._starts, len(key)
        at = joined.find(key)
        while at >= 0 and runs:
            index = bisect_right(starts, at) - 1  # the run holding offset `at`
            bounds = runs[index].bounds
            if at - starts[index] in bounds and at - starts[index] + size in bounds:
                return True
            at = joined.find(key, at + 1)
        return False

    def _may_have(self, key: str) -> bool:
        """False when no run of the texts can have `key` (`_found`), told without taking
        the runs apart (`NameLines.may_have`)."""
        if not key.isascii() or _NOT_KEY.search(key):
            return False  # (`苹果`: no run's key)
        return self._name_lines().may_have(key)

    def _name_lines(self) -> NameLines:
        if self._lines is None:
            self._lines = NameLines(self.text)
        return self._lines

    def _name_windows(self) -> dict[str, tuple[Run, int, int]]:
        """Every name key the body has (groups of up to `MAX_WINDOW` neighbouring words and
        the hyphen-separated parts of words), with the run where it was first seen: for
        near misses. Keys without a letter are left out (no near miss is a bare number)."""
        if self._windows is None:
            self._names()
            found: dict[str, tuple[Run, int, int]] = {}
            by_length: dict[int, list[str]] = {}
            for run in dict.fromkeys(self._runs):  # a run seen before adds nothing new
                for key, first, last in run.windows:
                    if key not in found:
                        found[key] = (run, first, last)
                        by_length.setdefault(len(key), []).append(key)
            self._windows, self._by_length = found, by_length
        return self._windows

    def occurrence(self, key: str) -> Occurrence:
        run, first, last = self._name_windows()[key]
        text, start = self._run_at(self._runs.index(run))
        return text.where(start + first, start + last)

    # ------------------------------------------------------------------ numbers

    def number_supported(
        self, claim: Number, options: Options, stated: frozenset[float] = frozenset()
    ) -> bool:
        """Whether the body states `claim` (rounding and hedges allowed), or a figure
        computed from two body numbers of which the summary states one (`stated`: the
        summary's values)."""
        if self.literal_number(claim):
            return True
        if claim.version:
            return self._has_digits(claim.digits) or self._found(claim.digits)
        if claim.date is not None:
            self._date_index()
            y, m, d = claim.date
            if claim.date in self.dates:
                return True
            if y is None or (None, m, d) not in self.dates:
                return False
            self._numbers()  # the day without the year: the body may state the year apart
            return self._has(y, y, "年")
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
        dated = claim.unit in ("月", "日", "号")
        computed = bool(stated) and (claim.unit == "倍" or claim.delta)
        if not (dated or computed or self._candidate_index().relative) and not self._may_state(
            value - low, value + high
        ):
            return self._in_name(claim)  # no value of the body comes near
        self._numbers()
        if self._has(value - low, value + high, claim.unit):
            return True
        if claim.unit == "月" and (None, int(value), None) in self.dates:
            return True
        if claim.unit in ("日", "号") and (None, None, int(value)) in self.dates:
            return True
        return (
            bool(stated) and derived.derived(self.by_line.values(), claim, stated)
        ) or self._in_name(claim)

    def _in_name(self, claim: Number) -> bool:
        if self._lower is None:
            self._lower = self.text.casefold()
        return derived.in_name(claim, self.text, self._lower)

    def _has_digits(self, digits: str) -> bool:
        """Whether a body number is written with these digits (a version, a time), told
        without reading every number (`numbers.times`, `numbers.written_with`) until
        they are read."""
        if self._counted:
            return digits in self._digits
        if ":" in digits:
            return any(time.digits == digits for time in self._time_index())
        return any(written_with(x, self._scanned(i), digits) for i, x in enumerate(self.texts))

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

    def number_mismatch(
        self, claim: Number, options: Options, stated: frozenset[float] = frozenset()
    ) -> Number | None:
        """The body's near miss of `claim` when the body does not support it, else None:
        `number_near_miss` and `number_supported`, the cheapest test first (a number of
        fewer than three digits has no near miss; one the texts write as the summary
        does is supported)."""
        if claim.year:
            return None
        if (
            claim.date is None
            and not claim.version
            and (sum(c.isdigit() for c in claim.digits) < 3 or self.literal_number(claim))
        ):
            return None
        near = self.number_near_miss(claim)
        if near is None or self.number_supported(claim, options, stated):
            return None
        return near

    def number_near_miss(self, claim: Number) -> Number | None:
        """The body's number one typo away, when there is exactly one such value: two
        neighbouring digits swapped (three digits or more: `71.7`/`17.7`) or one digit
        changed (four or more: `2727`/`2737`), with a unit that fits. A year is never a
        typo of another year, and short numbers differ by chance too often to tell."""
        if claim.year:
            return None
        if claim.date is not None:
            count = len(claim.digits)  # (all digits)
            if count < 3 or not self._typo_written(claim.digits, count, True):
                return None  # no date of the texts can be one typo away (`one_typo`)
            self._date_index()  # a date's near miss is a date
            others = self._dates_by_length.get(len(claim.digits), ())
        else:
            # A time's near miss is a time (a version has dots, which `one_typo` never
            # changes); a version (`1.2.3`) is one typo from another version only, and the
            # candidates hold the digits of every version.
            if ":" in claim.digits:
                others = [t for t in self._time_index() if len(t.digits) == len(claim.digits)]
            elif not self._may_be_typo(claim.digits):
                return None  # no digit string of the body is one typo away
            else:
                self._numbers()
                others = self.by_length.get(len(claim.digits), ())
        found: dict[str, Number] = {}
        for other in others:
            if other.year or other.version != claim.version:
                continue
            if not compatible(other.unit, claim.unit):
                continue
            if (other.date is None) != (claim.date is None):
                continue
            if one_typo(claim.digits, other.digits):
                found.setdefault(other.digits, other)
        return next(iter(found.values())) if len(found) == 1 else None

    # ------------------------------------------------------------------ names

    def has_key(self, key: str) -> bool:
        """Whether the body has this name, allowing a plural `s`/`es` on either side."""
        if self._found(key) or self._found(key + "s") or self._found(key + "es"):
            return True
        return key.endswith("s") and len(key) > 3 and self._found(key[:-1])

    def missing_words(self, term: Term, options: Options) -> list[Word]:
        """The words of `term` the body lacks; empty when the term is supported.

        A run is supported as a whole, or word by word, where a group of neighbouring
        words the body has (or a spelling of them from `aliases`) covers its words;
        generic words and numbers need no support."""
        generic = options.generic
        keys = term.keys
        if all(len(key) < 2 or key in generic for key in keys):
            return []  # `AI`, `API`: nothing to check
        if self.literal_name(term.where.text):
            return []
        if self.has_key(term.key) or self._aliased(term.key, options) or self._linked(term.key):
            return []
        covered = [len(key) < 2 or key in generic for key in keys]
        for i in range(len(keys)):
            key = ""
            for j in range(i, min(len(keys), i + MAX_WINDOW)):
                key += keys[j]
                if all(covered[i : j + 1]):
                    continue  # (finding it would cover nothing new)
                if self.has_key(key) or self._aliased(key, options) or self._linked(key):
                    covered[i : j + 1] = [True] * (j + 1 - i)
        if all(covered):
            return []
        return [word for word, done in zip(term.words, covered, strict=True) if not done]

    def _linked(self, key: str) -> bool:
        """Whether a URL or link target of the texts holds the name (`Hugging Face` in
        `huggingface.co`, `act` in `github.com/nektos/act`): as one to three of its
        neighbouring parts, cut at anything but a letter or digit."""
        if len(key) < 3:
            return False
        if self._link_keys is None:
            found: set[str] = set()
            for link in dict.fromkeys(self._links):  # (a URL is often linked more than once)
                parts = _LINK_PARTS.findall(link.partition("?")[0].casefold())
                pairs = list(map(add, parts, parts[1:]))
                found.update(parts, pairs, map(add, pairs, parts[2:]))  # one, two, three
            self._link_keys = found
        return key.replace(".", "") in self._link_keys

    def _aliased(self, key: str, options: Options) -> bool:
        for alias in options.aliases.get(key, ()):
            if (CJK.search(alias) and alias in self.text) or self.has_key(term_key(alias)):
                return True
        return False

    def term_near_miss(self, key: str, generic: frozenset[str] = frozenset()) -> Occurrence | None:
        """A body name a typo away, with evidence that grows with the name: nothing for
        names under five characters (`Git`/`MIT`, `GoT`/`GPT`), one edit (a letter changed,
        added or dropped, or two neighbours swapped) up to eleven, two from twelve. Not a
        typo: a plural, a generic word (`LLM` for `vLLM`), a bare number, a name that
        extends the other (`iPad`/`iPadOS`, `Windows`/`Windows 11`), one that differs only
        in its digits (`GPT-5.2`/`GPT-5.4`), or the end of the other (`auth`/`OAuth`)
        unless it opens a line, where scraping drops letters (`ixel` for `Pixel`)."""
        if len(key) < NEAR_MISS_MIN:
            return None
        limit = 1 if len(key) < NEAR_MISS_TWO else 2
        self._name_windows()
        by_length = self._by_length
        chars, mask = set(key), letters(key)
        bare = key.rstrip("s")
        plain = _DIGIT.sub("", key)
        best: tuple[int, str] | None = None
        for n in range(len(key) - limit, len(key) + limit + 1):
            for other in by_length.get(n, ()):
                # Too many letters one has and the other lacks (counted with bit masks).
                other_mask = letters(other)
                if mask is not None and other_mask is not None:
                    if (mask ^ other_mask).bit_count() > 2 * limit:
                        continue
                elif len(chars.symmetric_difference(other)) > 2 * limit:
                    continue
                if other == key or n < 2 or other in generic or bare == other.rstrip("s"):
                    continue
                if other.startswith(key) or key.startswith(other):
                    continue
                if key.endswith(other) and self.occurrence(other).column > 1:
                    continue  # `auth` in `OAuth`; but `ixel` opening a line lost its `P`
                if _DIGIT.sub("", other) == plain:
                    continue
                distance = osa(key, other, limit)
                if distance <= limit and (best is None or distance < best[0]):
                    best = (distance, other)
        return self.occurrence(best[1]) if best else None


def _word_char(char: str) -> bool:
    """An ASCII letter or digit: what continues a Latin word (`Sora正式` ends at `a`)."""
    return char.isascii() and char.isalnum()
