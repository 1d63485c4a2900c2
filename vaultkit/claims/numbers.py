"""Numbers in a line, normalised to a value a reader would compare.

Handled: thousands separators, decimals, `%` and `个百分点` (the same value),
multipliers (`万`, `亿`, `千万`, `K`, `M`, `B`, `billion`), currency signs,
Chinese numerals (`三千`, `十二`, `二十五点二`, `三六九`), `六成` (60) and
`一半` (50) in a body, dates (`2024年12月21日`, `2024-12-21`, `12月21日`,
`Dec 21, 2024`), times (`9:30`), sizes (`1792x1024`: two numbers), versions
(`1.2.3`) and approximate wording (`约`, `近`, `超过`, `多`, `左右`, `~`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from vaultkit import regexes
from vaultkit.claims.model import TYPED_UNITS, Number, Occurrence, Text, blank

# Hedges before and after a number (`Number.approx`); one search each way.
_HEDGE_BEFORE = regexes.compile(
    r"(?:(?P<over>超过|超|逾|高于|至少|多达|高达|大于|突破)|(?P<under>不足|不到|低于|少于|小于)"
    r"|(?P<about>约|大约|大概|近|将近|接近|约为|≈|(?<![\d%])[~～]))[ \t]*$"
)
_HEDGE_AFTER = regexes.compile(
    r"[ \t]*(?:(?P<plus>多|余|\+)|(?P<over>以上)|(?P<under>以下)|(?P<about>左右|上下))"
)
_LATIN_UNIT = regexes.compile(r"[A-Za-z]+")
_CURRENCY_UNIT = {"$": "美", "US$": "美", "HK$": "港", "¥": "元", "￥": "元", "€": "欧", "£": "英"}
_DELTA_BEFORE = regexes.compile(
    r"(?:高出|领先|多出|多了|少了|差距|相差|提升了?|提高了?|增加了?|增长了?|下降了?|降低了?|减少了?"
    r"|落后|加快了?|上升了?)[ \t]*(?:约|近|了)?[ \t]*$"
)
_MULTIPLIERS = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4,
    "千": 1e3, "K": 1e3, "k": 1e3, "M": 1e6, "B": 1e9, "b": 1e9, "T": 1e12, "bn": 1e9,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "w": 1e4,
}  # fmt: skip
_PERCENT = ("%", "个百分点", "百分点")
# (`300多万` is 300万 and more; `3w` is 3万, as chat and blogs write it.)
_SUFFIX = regexes.compile(
    r" ?(?:[多余](?=万|亿|千))?(%|个百分点|百分点|万亿|千亿|百亿|千万|百万|亿|万|千(?![米克瓦])"
    r"|(?:[KkMBTbw]|bn)(?![A-Za-z])|(?:thousand|million|billion|trillion)\b)?"
)
_SUFFIX_FIRST = frozenset(" %个百万亿千KkMBTbtmbw多余")  # what a `_SUFFIX` can start with
_CURRENCY_LAST = frozenset(" $¥￥€£")  # what a `_CURRENCY` match ends with
_CURRENCY = regexes.compile(r"(?:US\$|HK\$|\$|¥|￥|€|£) ?$")
# Patterns start with a digit (no look-behind) so the engine skips to digits fast; what
# may not come before a match is checked in code (`_glued`).
_ARABIC = regexes.compile(r"\d[\d,]*(?:\.\d+)*")  # `1,234.5`; the grouping is checked in code
_GROUPED = regexes.compile(r"\d{1,3}(?:,\d{3})+")
_ISO_DATE = regexes.compile(r"(?:19|20)\d\d([-/.])\d{1,2}\1\d{1,2}(?![\d.])")
# `2024年12月21日`, `2024 年 12 月`, `12月21日`: found from each `月`.
_CN_DATE_BEFORE = regexes.compile(r"(?:(?P<y>(?:19|20)\d\d) ?年 ?)?(?P<m>\d{1,2}) ?$")
_CN_DATE_AFTER = regexes.compile(r" ?(?P<d>\d{1,2}) ?[日号]")
_DOTTED_DAY = regexes.compile(r"(\d{1,2})\.(\d{1,2}) ?号")  # `1.6号`: 1月6日, found from each `号`
# The `月` and `号` the two patterns above can end at: a digit before them (and a space; before
# `月` a newline too, where `$` matches). The others (`账号`, `月份`) are skipped in one pass.
_MONTH_MARK = regexes.compile(r"\d ?\n?月")
_DAY_MARK = regexes.compile(r"\d ?号")
_ENGLISH_DATE = regexes.compile(
    r"\b(?P<m>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (?P<d>\d{1,2})"
    r"(?:st|nd|rd|th)?,? (?P<y>(?:19|20)\d\d)\b"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = tuple(month.title() for month in _MONTHS)
_MONTH_NAME = regexes.compile("|".join(_MONTH_NAMES))  # one pass instead of twelve
_DIMENSIONS = regexes.compile(r"[xX×*](?<=\d.)(?=\d)")  # `1792x1024`: two numbers
_TIME = regexes.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
# `三点半`, `9点30分`, `十点整`: a body's `9:30`, found from each `点`.
_CN_HOUR = regexes.compile(r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3}) ?$")
_CN_MINUTE = regexes.compile(
    r" ?(?:(?P<half>半)|(?P<m>\d{1,2}|[零一二三四五六七八九十]{1,3}) ?分|整|钟)"
)
_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_POWERS = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8}
# (`[x][x]*` rather than `[x]+`: one character class first lets the engine skip text fast.)
_CN_ANY = regexes.compile(
    r"[零〇一二两三四五六七八九十百千万亿][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
# In a summary only an unmistakable Chinese numeral counts: a digit with a unit (`三千`) or
# `十` with a digit (`十二`), followed by a measure word (`三千名`, `十二天`, `一百多个`).
_CN_STRICT = regexes.compile(
    r"(?:[一二两三四五六七八九][十百千万亿]|十[一二三四五六七八九])[零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
    r"(?=(?:多|余)?[个位名年天次倍人家种款项条张篇元块周岁层级步轮场台部本届所座字章节期组份])"
)
_SMALL_UNITS = ("个百分点", "百分点", "倍", "%")
_HALVES = regexes.compile(r"一半|半数|过半|减半")
_TENTHS = regexes.compile(
    r"([一二三四五六七八九两]|\d)成(?![本功为员果熟长立都交品绩就])"
)  # 六成: 60
# For `candidates`: each Arabic number not glued to a word or another number (`x12`,
# `1.5.2`: no number of its own), with the multiplier after it (`(12, 万)`);
# and the Chinese numerals a body's numbers may be (a lone digit only before `倍`, `%`...).
_ARABIC_SUFFIX = regexes.compile(rf"(\d(?<![A-Za-z0-9_.,]\d)[\d,]*(?:\.\d+)*)(?={_SUFFIX.pattern})")
_CN_NUMBER = regexes.compile(
    r"[零〇一二两三四五六七八九十百千万亿]"
    r"(?:[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
    r"|点[零〇一二三四五六七八九]+|(?<=[十百千万亿])"
    r"|(?<=[零〇一二两三四五六七八九])(?=个百分点|百分点|倍|%))"
)


def cn_value(text: str) -> float | None:
    """`十二` -> 12, `三千` -> 3000, `二十五点二` -> 25.2, `三六九` -> 369; None if malformed
    or too large for a float (a thousand `亿` in a row)."""
    if text.isascii():
        value = float(text) if text.isdigit() else None
    else:
        whole, _, decimals = text.partition("点")
        value = _cn_int(whole)
        if value is None or any(c not in _CN_DIGITS for c in decimals):
            return None
        if decimals:
            value += float("0." + "".join(str(_CN_DIGITS[c]) for c in decimals))
    return value if value is not None and math.isfinite(value) else None


def _cn_int(text: str) -> float | None:
    """`三千` -> 3000, `一亿二千万` -> 120000000: a loop over the `亿`/`万` groups, not a
    recursion, so a thousand `亿` in a row are a (huge) number, not a crash."""
    total, at, big = 0.0, 0, "亿"
    while True:
        cut = text.find(big, at)
        if cut < 0:
            if big == "万":
                break
            big = "万"  # no `亿` left: the `万` groups
            continue
        high = text[at:cut]  # no `亿` in it (nor `万` before a `万`)
        high_value = _cn_int(high) if high else 1.0
        if high_value is None:
            return None
        total += high_value * (1e8 if big == "亿" else 1e4)
        at = cut + 1
        if at == len(text):
            return total
    low = _cn_group(text[at:])
    return None if low is None else total + low


def _cn_group(text: str) -> float | None:
    """The value of a numeral without `亿` or `万` (`三千二百` -> 3200)."""
    if not text:
        return 0.0
    if not any(c in _CN_UNITS for c in text):
        return float("".join(str(_CN_DIGITS[c]) for c in text))
    value, digit = 0.0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            value += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
    return value + (digit or 0)


def _approx(text: str, start: int, stop: int) -> str:
    """How a number at `start:stop` is hedged (see `Number.approx`): a `多` after it first,
    then `超过`/`以上`, `不足`/`以下`, `约`/`左右`."""
    after = _HEDGE_AFTER.match(text, stop)
    before = _HEDGE_BEFORE.search(text, max(0, start - 8), start)
    if after is None and before is None:
        return ""  # (most numbers)
    kinds = {match.lastgroup for match in (after, before) if match}
    for kind in ("plus", "over", "under", "about"):
        if kind in kinds:
            return kind
    return ""


def _last(digits: str, multiplier: float) -> float:
    """The unit of the last non-zero digit: `1,200` -> 100, `2.5` -> 0.1."""
    integer, _, decimals = digits.partition(".")
    if decimals:
        return 10 ** -len(decimals) * multiplier
    zeros = len(integer) - len(integer.rstrip("0")) if integer.strip("0") else 0
    return 10**zeros * multiplier


def _half(value: float, rounding: float, step: float) -> float:
    """How far a value written this way may be from the truth: its rounding, at most 5 %
    of it (`3万` is not 34,000), and never less than the last digit's own rounding."""
    return min(rounding, max(0.05 * abs(value), step))


def _unit(text: str, stop: int, unit: str, currency: str = "") -> str:
    """What the number counts: `%`, a measure word (`名`), a Latin unit (`gb` -> `g`,
    `MW` -> `mw`), the currency (`$` -> `美`), or the next character (untyped)."""
    if unit in _PERCENT:
        return "%"
    rest = text[stop : stop + 16].lstrip(" ")
    if rest[:1] in ("多", "余"):
        rest = rest[1:]
    if not currency and not rest[:1].isascii():
        return rest[:1]  # the common case: `名`, `的`, `，`
    latin = _LATIN_UNIT.match(rest)
    if latin:
        word = latin.group().lower()
        if word not in TYPED_UNITS and word.endswith("b") and word[:-1] in TYPED_UNITS:
            word = word[:-1]  # `GB` is `G`
        if word in TYPED_UNITS:
            return word
        if word.endswith("s") and word[:-1] in TYPED_UNITS:
            return word[:-1]  # `tokens`
        if not currency:
            return word  # untyped: `10th`, `3 models` (not the letter `t` of tonnes)
    if currency:
        return _CURRENCY_UNIT.get(currency.strip(), rest[:1])
    return rest[:1]


def numbers(text: Text, value: str, strict: bool) -> Iterable[Number]:
    """The numbers of `value` (`text.value` with names blanked); `strict` keeps only the
    ones a summary must support. Occurrences show `text.value`."""
    value, dated = _cut(value)
    spans = []
    for start, end, number in _date_numbers(text, value, dated):
        yield number
        spans.append((start, end))
    for match in _times(value):  # `9:30`: as written
        time = _time(text, match)
        yield time
        if not strict:
            for part in match.group().split(":"):
                yield _plain(time.where, part)
        spans.append(match.span())
    if spans:
        value = blank(value, sorted(spans))
    if not strict:
        yield from _body_only(text, value)
    for match in (_CN_STRICT if strict else _CN_ANY).finditer(value):
        if strict and _glued(value, match.start(), _CN_NUMERALS):
            continue
        lone = len(match.group()) == 1 and match.group() in _CN_DIGITS
        if lone and (strict or not value.startswith(_SMALL_UNITS, match.end())):
            continue  # `一个`, `一些`: a lone digit counts only as `两个百分点`, `三倍`
        number = cn_value(match.group())
        if number is None or (strict and number < 10):
            continue
        power = -len(match.group().partition("点")[2]) or _CN_POWERS.get(match.group()[-1], 0)
        approx = _approx(value, match.start(), match.end())
        half = _half(number, 0.5 * 10**power, 0.5)
        unit = _unit(value, match.end(), "")
        where = text.where(*match.span())
        yield Number(where, number, half, "", unit, approx, step=0.5 * 10**power, last=10**power)
    for match in _ARABIC.finditer(value):
        if _glued(value, match.start(), _NOT_BEFORE_NUMBER):
            continue  # the tail of a name or of another number: `x12`, `1.2.3`
        found = _arabic(text, value, match, strict)
        if found is not None:
            yield found


def dates(text: Text, value: str) -> list[Number]:
    """The dates of `numbers(text, value, strict=False)`, in its order, read without the
    other numbers: what a summary's date is compared with."""
    found = [number for _, _, number in _date_numbers(text, *_cut(value))]
    found += _english_dates(text)
    return found


def times(text: Text, value: str) -> list[Number]:
    """The times of `numbers(text, value, strict=False)` (`9:30`, `三点半`), in its order,
    read without the other numbers: what a summary's time is compared with."""
    value, dated = _cut(value)
    matches = _times(value)
    spans = sorted([(start, end) for start, end, _ in dated] + [m.span() for m in matches])
    found = [_time(text, match) for match in matches]
    found += _cn_times(text, blank(value, spans) if spans else value)
    return found


def _times(value: str) -> list[re.Match[str]]:
    """The `9:30`s of a value cut by `_cut` (not the end of a longer number)."""
    if ":" not in value:
        return []
    return [m for m in _TIME.finditer(value) if not _glued(value, m.start(), "0123456789:")]


def _time(text: Text, match: re.Match[str]) -> Number:
    digits = _clock(*map(int, match.group().split(":")))
    return Number(text.where(*match.span()), 0.0, 0.0, digits, "", version=True)


_CUTS: list[tuple[str, str, list]] = []  # (value, value cut, its dates) of the last texts


def _cut(value: str) -> tuple[str, list[tuple[int, int, tuple[int | None, int, int | None]]]]:
    """`value` with its sizes cut (`_DIMENSIONS`) and the dates in that (`_dates`),
    kept for the last few texts: a body's numbers, dates and candidates read the same
    text (the same string object: it is kept here, so its identity is not reused)."""
    for kept in _CUTS:
        if kept[0] is value:
            return kept[1], kept[2]
    cut = _DIMENSIONS.sub(" ", value)
    found = list(_dates(cut))
    _CUTS.insert(0, (value, cut, found))
    del _CUTS[4:]
    return cut, found


def _date_numbers(
    text: Text, value: str, found: list[tuple[int, int, tuple[int | None, int, int | None]]]
) -> Iterable[tuple[int, int, Number]]:
    """Each date of `found` (`_cut`: in `value`, its sizes cut) as a number, with where it
    starts and ends."""
    for start, end, date in found:
        digits = "".join(c for c in value[start:end] if c.isdigit())
        yield start, end, Number(text.where(start, end), 0.0, 0.0, digits, "date", date=date)


def candidates(text: Text, value: str) -> tuple[set[float], set[str]]:
    """The values and the digit strings of `numbers(text, value, strict=False)`, found
    with one pattern pass each instead of number by number: enough to tell that a claim
    has no number of the body near it (only units are left to compare)."""
    values: set[float] = set()
    strings: set[str] = set()
    value, dated = _cut(value)
    spans = []
    for start, end, (year, _, _) in dated:
        spans.append((start, end))
        if year is not None:
            values.add(float(year))
    for match in _TIME.finditer(value) if ":" in value else ():
        if not _glued(value, match.start(), "0123456789:"):
            parts = match.group().split(":")
            strings.update(parts)
            values.update(map(float, parts))
            spans.append(match.span())
    if spans:
        value = blank(value, sorted(spans))
    original = text.value
    if _MONTH_NAME.search(original):
        values.update(float(match.group("y")) for match in _ENGLISH_DATE.finditer(original))
    if "半" in value and _HALVES.search(value):
        strings.add("50")
        values.add(50.0)
    for match in _TENTHS.finditer(value) if "成" in value else ():
        tenths = match.group(1)
        number = (int(tenths) if tenths.isdigit() else _CN_DIGITS[tenths]) * 10
        strings.add(str(number))
        values.add(float(number))
    for match in _CN_NUMBER.findall(value):
        number = cn_value(match)
        if number is not None:
            values.add(number)
    found = _ARABIC_SUFFIX.findall(value)
    plain = {token for token, unit in found if not unit and token.isdigit()}  # (most: `12`)
    strings |= plain
    values.update(map(float, plain))
    for token, unit in [item for item in found if item[1] or not item[0].isdigit()]:
        written = token.rstrip(",")  # as `_arabic` reads it
        if "," in written and not _GROUPED.fullmatch(written.partition(".")[0]):
            written = written.partition(",")[0]
        digits = written.replace(",", "")
        strings.add(digits)
        if digits.count(".") < 2:  # (else a version)
            # The multiplier follows the number as written; after a `,` there is none.
            values.add(float(digits) * (_MULTIPLIERS.get(unit, 1.0) if written == token else 1.0))
    return values, strings


def _dates(value: str) -> Iterable[tuple[int, int, tuple[int | None, int, int | None]]]:
    """(start, end, (year, month, day)) of each date; year and day may be None."""
    found = []
    for match in _ISO_DATE.finditer(value):
        if not _glued(value, match.start(), "0123456789"):
            y, m, d = (int(part) for part in re.split(r"[-/.]", match.group()))
            found.append((match.start(), match.end(), (y, m, d)))
    for mark in _MONTH_MARK.finditer(value) if "月" in value else ():
        at = mark.end() - 1
        before = _CN_DATE_BEFORE.search(value, max(0, at - 10), at)
        after = _CN_DATE_AFTER.match(value, at + 1)
        if (
            before
            and (before.group("y") or after)
            and not _glued(value, before.start(), "0123456789")
        ):
            year = int(before.group("y")) if before.group("y") else None
            day = int(after.group("d")) if after else None
            end = after.end() if after else at + 1
            found.append((before.start(), end, (year, int(before.group("m")), day)))
    for mark in _DAY_MARK.finditer(value) if "号" in value else ():
        at = mark.end() - 1
        dotted = _DOTTED_DAY.search(value, max(0, at - 6), at + 1)
        if dotted and dotted.end() == at + 1 and not _glued(value, dotted.start(), "0123456789."):
            found.append((dotted.start(), dotted.end(), (None, int(dotted[1]), int(dotted[2]))))
    for start, end, (y, m, d) in sorted(found):
        if 1 <= m <= 12 and (d is None or 1 <= d <= 31):
            yield start, end, (y, m, d)


_CN_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
_NOT_BEFORE_NUMBER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,")


def _glued(value: str, start: int, before: str | frozenset[str]) -> bool:
    return start > 0 and value[start - 1] in before


def _clock(hour: int, minute: int, second: int | None = None) -> str:
    return f"{hour}:{minute:02d}" + (f":{second:02d}" if second is not None else "")


def _body_only(text: Text, value: str) -> Iterable[Number]:
    yield from _cn_times(text, value)
    yield from _english_dates(text)
    for match in _HALVES.finditer(value) if "半" in value else ():
        yield _plain(text.where(*match.span()), "50")
    for match in _TENTHS.finditer(value) if "成" in value else ():
        tenths = match.group(1)
        number = int(tenths) if tenths.isdigit() else _CN_DIGITS[tenths]
        yield _plain(text.where(*match.span()), str(number * 10))


def _cn_times(text: Text, value: str) -> Iterable[Number]:
    """`三点半`, `9点30分`, `十点整` as times (`9:30`), found from each `点`."""
    at = value.find("点")
    while at >= 0:
        hour_match = _CN_HOUR.search(value, max(0, at - 4), at)
        minute_match = _CN_MINUTE.match(value, at + 1) if hour_match else None
        if hour_match and minute_match:
            hour = cn_value(hour_match.group().strip())
            minute = 30 if minute_match.group("half") else 0
            if minute_match.group("m"):
                minute = cn_value(minute_match.group("m"))
            if hour is not None and minute is not None and hour < 24 and minute < 60:
                where = text.where(hour_match.start(), minute_match.end())
                yield Number(where, 0.0, 0.0, _clock(int(hour), int(minute)), "", version=True)
        at = value.find("点", at + 1)


def _english_dates(text: Text) -> list[Number]:
    """`Dec 21, 2024`, read in `text.value` (`Dec` is a word, blanked in a scanned value)."""
    original = text.value
    if _MONTH_NAME.search(original) is None:
        return []
    found = []
    for match in _ENGLISH_DATE.finditer(original):
        month = _MONTHS.index(match.group("m").lower()[:3]) + 1
        date = (int(match.group("y")), month, int(match.group("d")))
        found.append(Number(text.where(*match.span()), 0.0, 0.0, "", "date", date=date))
    return found


def _plain(where: Occurrence, digits: str) -> Number:
    return Number(where, float(digits), 0.5, digits)


def number_at(text: Text, at: int, written: str) -> Number | None:
    """The body number written as `written` at offset `at` of `text.value`, if it is one
    there (not the tail of a name or of a longer number: `H100`, `Nimbus-1.5`, `12345`)."""
    value = text.value
    before = value[at - 1] if at else ""
    if before in _NOT_BEFORE_NUMBER or (before == "-" and at > 1 and value[at - 2].isalnum()):
        return None
    match = _ARABIC.match(value, at)
    if match is None or match.end() - at != len(written):
        return None
    return _arabic(text, value, match, strict=False)


def _written(match: re.Match[str]) -> str:
    """An `_ARABIC` match as the number is written: `1,234`, but `5` of `5,10` (a list)."""
    written = match.group().rstrip(",")
    if "," in written and not _GROUPED.fullmatch(written.partition(".")[0]):
        written = written.partition(",")[0]  # `5,10`: a list, not thousands
    return written


def written_with(text: Text, value: str, digits: str) -> bool:
    """Whether a number of `numbers(text, value, strict=False)` but the dates and times has
    these `digits` (no `:`), told without reading the others: a part of a time, `一半`
    or `六成`, or an Arabic number whose digits these are."""
    value, dated = _cut(value)
    matches = _times(value)
    if any(digits in match.group().split(":") for match in matches):
        return True
    spans = sorted([(start, end) for start, end, _ in dated] + [m.span() for m in matches])
    value = blank(value, spans) if spans else value
    if digits == "50" and "半" in value and _HALVES.search(value):
        return True
    for match in _TENTHS.finditer(value) if "成" in value else ():
        tenths = match.group(1)
        if str((int(tenths) if tenths.isdigit() else _CN_DIGITS[tenths]) * 10) == digits:
            return True
    for match in _ARABIC.finditer(value):
        if _glued(value, match.start(), _NOT_BEFORE_NUMBER):
            continue
        if _written(match).replace(",", "") == digits and _arabic(text, value, match, False):
            return True
    return False


def _arabic(text: Text, value: str, match: re.Match[str], strict: bool) -> Number | None:
    written = _written(match)
    start, end = match.start(), match.start() + len(written)
    digits = written.replace(",", "")
    if digits.count(".") >= 2:  # a version: `1.2.3`
        return Number(text.where(start, end), 0.0, 0.0, digits, "", version=True)
    unit, stop, more = "", end, False
    if value[end : end + 1] in _SUFFIX_FIRST:
        suffix = _SUFFIX.match(value, end)
        unit = suffix.group(1) or ""
        stop = suffix.end() if unit else end
        more = bool(unit) and value[suffix.start(1) - 1] in "多余"  # `300多万`
    multiplier = _MULTIPLIERS.get(unit, 1.0)
    currency = None
    if start and value[start - 1] in _CURRENCY_LAST:
        currency = _CURRENCY.search(value, max(0, start - 4), start)
    if currency:
        start = currency.start()
    number = float(digits) * multiplier
    if not math.isfinite(number):
        return None  # hundreds of digits: no value a summary could be checked against
    integer, _, decimals = digits.partition(".")
    if strict and not (decimals or unit or currency or len(integer.lstrip("0")) >= 2):
        return None  # a single digit: `3 个`, `第 1 名`
    step = 0.5 * 10 ** -len(decimals) * multiplier
    unit_label = _unit(value, stop, unit, currency.group() if currency else "")
    year = (
        not decimals and multiplier == 1.0 and "," not in written and 1900 <= number <= 2100
        and unit not in _PERCENT and not currency
        and (unit_label == "年" or unit_label not in TYPED_UNITS)  # `2000 名`: a count
        and not value.startswith("+", stop)  # `2000+`
    )  # fmt: skip
    if not strict:  # a body's number: compared by value, unit and last digit only
        return Number(
            text.where(start, stop), number, 0.0, digits, unit_label, year=year, step=step
        )
    if value.startswith("分之", stop):
        return None  # a fraction: `3 分之 1`
    zeros = len(integer) - len(integer.rstrip("0")) if number and not decimals else 0
    if zeros < 2 and multiplier == 1.0:
        zeros = 0  # `70 处` is exact; `4000 行` and `30 亿` may be rounded
    half = 0.0 if year else _half(number, step * 10**zeros, 0.5 * 10 ** -len(decimals))
    delta = unit in _PERCENT[1:] or bool(_DELTA_BEFORE.search(value, max(0, start - 8), start))
    return Number(
        text.where(start, stop), number, half, digits, unit_label,
        "plus" if more else _approx(value, start, stop),
        year, None, False, step, _last(digits, multiplier), delta,
    )  # fmt: skip


# What a number (`1,234.5`, the parts of `9:30`) or a date (`2024 年 12 月 21 日`, `12\n月`,
# `2024-12-21`, `1.6号`) is written with, from its first digit (`digit_runs`).
_NUMBER_RUN = regexes.compile(r"[\d.,][\d.,]*")
_DATE_RUN = regexes.compile(r"\d[\d 年月日号\n/.-]*")
_NOT_DIGIT = regexes.compile(r"[^\d|]+")


# The digits of numbers written in words (`一半`, `六成`, `0成`): in no digit run.
WORDED = frozenset({"50", *(str(tenths * 10) for tenths in range(10))})


def digit_runs(value: str) -> tuple[str, str]:
    """The digits of `value`'s numbers and of its dates, as runs joined by `|`: the digit
    string of every number `numbers` reads in `value` (names blanked or not: blanking
    adds no digit) is in the first, its `,` dropped, and that of every date in the
    second (a date is written with the characters of `_DATE_RUN`, even where a name
    blanked next to it was not: a name word takes the digits it touches)."""
    numbers = "|".join(_NUMBER_RUN.findall(value)).replace(",", "")
    dates = _NOT_DIGIT.sub("", "|".join(_DATE_RUN.findall(value)))
    return numbers, dates


class Candidates:
    """What `candidates` finds in all the texts of a note (`Support._candidate_index`): the
    values sorted, the digit strings (also by length), and whether a relative year (`去年`)
    may add a value."""

    __slots__ = ("ascii", "by_length", "relative", "strings", "values")

    def __init__(self, values: list[float], strings: set[str], relative: bool) -> None:
        self.values, self.strings, self.relative = values, strings, relative
        self.ascii = "".join(strings).isascii()
        self.by_length: dict[int, list[str]] = {}
        for digits in strings:
            self.by_length.setdefault(len(digits), []).append(digits)
