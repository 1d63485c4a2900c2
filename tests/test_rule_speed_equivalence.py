"""The shortcuts that make the rules fast give the answers the slow way gives.

- `claims.numbers.dates` and `times` read the dates and the times `numbers` reads,
  without the other numbers;
- `compare` without `every_number` (when `unsupported-number` is off) skips only the
  numbers that cannot have a near miss;
- `claims.numbers.candidates` (one pattern pass) holds every value and digit string of
  `numbers(..., strict=False)` (number by number), so ruling a claim out with it is safe;
- a `Support` that rules claims out with the candidates finds what one that always
  builds the full numbers index finds;
- the names index (runs cut by one pattern, taken apart once per run) finds a name
  exactly where the word-by-word index does, and blanks the words `blank_names` blanks;
  looked up line by line (`NameLines`), it finds what the whole index finds;
- `sentence_starts`, which skips to the characters it acts on, and the image URL
  pattern spelled out without `re.IGNORECASE` agree with their plain forms.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import claims
from vaultkit.claims.model import Text, value_key
from vaultkit.claims.numbers import (
    WORDED,
    candidates,
    dates,
    digit_runs,
    numbers,
    times,
    written_with,
)
from vaultkit.claims.support import Support
from vaultkit.claims.terms import (
    GENERIC,
    PLAIN_NUMBER,
    QUANTITY_AFTER,
    WORD,
    blank_names,
    is_name_word,
    term_key,
    word_facts,
)
from vaultkit.rules.images import _common
from vaultkit.sentences import (
    _CJK_STOPS,
    _CLOSERS,
    _LATIN_STOPS,
    _OPENERS,
    _TRAILING,
    _latin_stop,
    _starts_sentence,
    sentence_starts,
)

# Pieces that make numbers, names, dates, times and units collide.
PIECES = [
    "1", "2", "3", "7", "0", "12", "30", "71.7", "2024", "1,234", "5,10", "1.2.3", ".", ",",
    "-", "_", "/", ":", " ", " ", "  ", "%", "万", "亿", "千", "K", "B", "b", "bn", "million",
    "x", "×", "年", "月", "日", "号", "个", "名", "天", "ms", "GPT", "o3", "mini", "AIME",
    "Tern", "约", "超过", "多", "提升", "倍", "个百分点", "去年", "一半", "六成", "三", "十二",
    "两", "点", "半", "$", "US", "HK", "Dec", "21", "（", "）", "，", "。", "\n", "v2.1.0",
    "9:30", "1792x1024", "2024-12-21", "0.6B", "100ms", "Verified", "é", "ſ", "K",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
LINES = TEXTS.map(lambda text: list(enumerate(text.split("\n"), 1)))
OPTIONS = claims.Options(aliases={"apple": ["苹果"]})


# ------------------------------------------------------------------ numbers


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_candidates_hold_every_number_of_the_full_reading(value):
    text = Text(list(enumerate(value.split("\n"), 1)), "body")
    values, strings = candidates(text, text.value)
    keys = {value_key(v) for v in values}
    for number in numbers(text, text.value, strict=False):
        if number.date is not None:
            if number.date[0] is not None:
                assert value_key(number.date[0]) in keys  # the year counts
            continue
        if not number.version:
            assert value_key(number.value) in keys, number
        if number.digits and ":" not in number.digits:
            assert number.digits in strings, number


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_digit_runs_hold_every_digit_string_of_the_candidates(value):
    text = Text(list(enumerate(value.split("\n"), 1)), "body")
    runs = digit_runs(text.value)[0]  # (of the text as written: `Support` has no other)
    for scanned in (text.value, blank_names(text.value)):
        for digits in candidates(text, scanned)[1]:
            assert digits in runs or digits in WORDED, digits


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_a_number_written_with_digits_is_found_without_the_full_reading(value):
    text = Text(list(enumerate(value.split("\n"), 1)), "body")
    for scanned in (text.value, blank_names(text.value)):
        every = {n.digits for n in numbers(text, scanned, strict=False) if n.digits and not n.date}
        for digits in {*every, *candidates(text, scanned)[1], "50", "60", "12", "1234", "2.1.0"}:
            if ":" not in digits:
                assert written_with(text, scanned, digits) == (digits in every), digits


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_dates_alone_are_the_dates_of_the_full_reading(value):
    text = Text(list(enumerate(value.split("\n"), 1)), "body")
    every = [number for number in numbers(text, text.value, strict=False) if number.date]
    assert dates(text, text.value) == every


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_times_alone_are_the_times_of_the_full_reading(value):
    text = Text(list(enumerate(value.split("\n"), 1)), "body")
    every = [n for n in numbers(text, text.value, strict=False) if n.version and ":" in n.digits]
    assert times(text, text.value) == every


class _Everything(set):
    def __contains__(self, item: object) -> bool:
        return True


class _FullSupport(Support):
    """A `Support` that never rules a claim out early: it always reads every number."""

    def _may_state(self, low: float, high: float) -> bool:
        return True

    def _may_be_typo(self, digits: str) -> bool:
        return True

    def _typo_written(self, digits: str, count: int, date: bool) -> bool:
        return True

    def _has_digits(self, digits: str) -> bool:
        self._numbers()
        return super()._has_digits(digits)

    def _time_index(self):
        self._numbers()
        return [n for found in self.by_length.values() for n in found if ":" in n.digits]

    def _candidate_index(self):
        found = super()._candidate_index()
        found.strings = _Everything()
        return found


def _findings(support_type: type[Support], summary, body, front) -> list:
    parts = [(body, "body"), (front, "title")]
    return claims.compare(claims.extract(summary), support_type(parts), OPTIONS)


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, LINES)
def test_ruling_claims_out_early_changes_no_finding(summary, body, front):
    assert _findings(Support, summary, body, front) == _findings(_FullSupport, summary, body, front)


@settings(max_examples=200, deadline=None)
@given(LINES, LINES)
def test_a_body_that_restates_the_summary_gives_the_same_findings(summary, extra):
    body = summary + extra  # many claims found, some only after normalising
    assert _findings(Support, summary, body, []) == _findings(_FullSupport, summary, body, [])


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, LINES)
def test_skipping_numbers_without_a_near_miss_keeps_every_other_finding(summary, body, front):
    # With `unsupported-number` off, only numbers with a near miss are reported.
    parts = [(body, "body"), (front, "title")]
    stated = claims.extract(summary)
    every = claims.compare(stated, Support(parts), OPTIONS)
    some = claims.compare(stated, Support(parts), OPTIONS, every_number=False)
    assert some == [f for f in every if f.kind != "number" or f.near is not None]


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, LINES)
def test_the_names_findings_shown_first_are_the_findings_but_their_near_misses(
    summary, body, front
):
    # `summary-body-divergence` decides on them: it must see the names the full run reports.
    parts = [(body, "body"), (front, "title")]
    stated = claims.extract(summary)
    every = claims.compare(stated, Support(parts), OPTIONS)
    shown = []
    first = claims.compare(stated, Support(parts), OPTIONS, enough=lambda f: not shown.append(f))
    names = [f for f in every if f.kind == "term"]
    assert first == shown[0]
    assert [f.claim for f in first] == [f.claim for f in names]
    assert all(f.near in (None, g.near) for f, g in zip(first, names, strict=True))


# ------------------------------------------------------------------ names


def _word_by_word(value: str) -> tuple[str, set[int]]:
    """The names index as it was built a word at a time: keys, and their bounds."""
    runs, run = [], []
    for match in WORD.finditer(value):
        gap = value[run[-1].end() : match.start()] if run else ""
        if run and (len(gap) > 2 or gap.strip(" ")):
            runs.append(run)
            run = []
        run.append(match)
    if run:
        runs.append(run)
    keys, bounds, at = [], set(), 0
    for run in runs:
        names = [i for i, m in enumerate(run) if is_name_word(m.group())]
        if not names:
            continue
        end = names[-1] + 1
        if term_key(run[names[-1]].group()) not in GENERIC:
            for index in range(end, len(run)):
                after = value[run[index].end() : run[index].end() + 4].lstrip(" ")[:1]
                if not PLAIN_NUMBER.fullmatch(run[index].group()) or after in QUANTITY_AFTER:
                    break
                end = index + 1
        for match in run[names[0] : end]:
            key, parts, _ = word_facts(match.group())
            bounds.add(at)
            bounds.update(at + offset for offset in parts)
            keys.append(key)
            at += len(key)
        bounds.add(at)
        keys.append("\0")
        at += 1
    return "".join(keys), bounds


def _found_word_by_word(value: str, key: str) -> bool:
    joined, bounds = _word_by_word(value)
    at = joined.find(key)
    while at >= 0:
        if at in bounds and at + len(key) in bounds:
            return True
        at = joined.find(key, at + 1)
    return False


NAMES = st.lists(
    st.sampled_from(["GPT-4o", "o3", "mini", "AIME", "2024", "71.7", "Tern-7B", "x", "the", "C++",
                     "Claude", "3.5", " ", "  ", "   ", "，", "%", "-", "_", "'s", "v2"]),
    max_size=25,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(NAMES, st.lists(NAMES, min_size=1, max_size=4))
def test_the_names_index_finds_what_the_word_by_word_index_finds(value, wanted):
    support = Support([([(1, value)], "body")])
    for written in [*wanted, *(m.group() for m in WORD.finditer(value))]:
        key = term_key(written)
        if re.fullmatch(r"[\d.:]*", key):
            continue  # numbers as words are looked up in the numbers index
        assert support._found(key) == _found_word_by_word(value, key), key


@settings(max_examples=300, deadline=None)
@given(st.lists(NAMES, max_size=5), st.lists(NAMES, min_size=1, max_size=4))
def test_names_looked_up_line_by_line_are_those_of_the_whole_index(rows, wanted):
    parts = [(list(enumerate(rows, 1)), "body"), ([(1, "o3 mini")], "title")]
    whole = Support(parts)
    whole._names()
    by_lines = Support(parts)
    for written in [*wanted, *rows, "o3 mini", "mini"]:
        key = term_key(written)
        if by_lines._named:  # (a key the lines cannot tell about took the texts apart)
            by_lines = Support(parts)
        assert by_lines._in_runs(key) == whole._in_runs(key), key


@settings(max_examples=400, deadline=None)
@given(st.one_of(NAMES, TEXTS))
def test_names_blanked_word_by_word_are_those_the_runs_blank(value):
    by_runs = Support([([(1, value)], "body")])
    by_runs._names()
    assert blank_names(value) == by_runs._scanned(0)
    assert Support([([(1, value)], "body")])._scanned(0) == by_runs._scanned(0)


# ------------------------------------------------------------------ sentences, URLs


def _sentence_starts_char_by_char(text: str) -> list[int]:
    starts: list[int] = []
    stack: list[str] = []
    quoted = False
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in _CLOSERS:
            if char in stack:
                while stack.pop() != char:
                    pass
        elif (
            not stack
            and not quoted
            and (char in _CJK_STOPS or (char in _LATIN_STOPS and _latin_stop(text, index)))
        ):
            end = index + 1
            while end < length and text[end] in _TRAILING and text[end] != '"':
                end += 1
            start = end
            while start < length and text[start].isspace():
                start += 1
            if start < length and _starts_sentence(text, start, char in _LATIN_STOPS):
                starts.append(start)
            index = end
            continue
        index += 1
    return starts


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab A1.。！？!?"“”（）()[]【】 e.g…*', max_size=40))
def test_sentence_starts_agrees_with_reading_every_character(text):
    assert sentence_starts(text) == _sentence_starts_char_by_char(text)


_IGNORING_CASE = re.compile(
    r"(https?)://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::[1-9][0-9]{0,3})?(?:[/?#][^\s]*)?",
    re.IGNORECASE,
)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["http://", "HTTPS://", "httpſ://", "hTtP://", "ftp://", ""]),
    st.text(alphabet="aZ09-._:/?# Kİıſé中", max_size=20),
)
def test_the_image_url_pattern_spelled_out_matches_as_ignoring_case(scheme, rest):
    text = scheme + rest
    plain, spelled = _IGNORING_CASE.fullmatch(text), _common._SIMPLE.fullmatch(text)
    assert (plain is None) == (spelled is None)
    assert plain is None or plain.groups() == spelled.groups()
