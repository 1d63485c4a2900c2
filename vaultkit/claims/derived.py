"""The last resorts of `Support.number_supported`: a figure the summary computed from the
body's numbers, and a number the body writes at the end of a name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from vaultkit.claims.model import Number, compatible, value_key

_EPSILON = 1e-9


def derived(lines: Iterable[list[Number]], claim: Number, stated: frozenset[float]) -> bool:
    """A figure the summary computed from two numbers of one body line, and words as a
    change: a difference of two percentages (`76%`, `62%` -> `提高 14 个百分点`), a
    relative change of two amounts (`100 亿`, `135 亿` -> `增长 35%`), a ratio (`2.4
    倍`), or a difference (`高出 17 分`). It must match to the claim's last digit, and
    the summary must state one of the two numbers too."""
    value, unit = claim.value, claim.unit
    if unit != "倍" and not claim.delta:
        return False
    slack = claim.step * (1 + _EPSILON) + _EPSILON
    for found in lines:
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


def in_name(claim: Number, text: str, lower: str) -> bool:
    """Whether `text` (`lower` case-folded) writes the number, with its Latin unit, at the
    end of a name (`Claude100k` for `100k`, `GPT4o` aside: the unit must be in the claim)."""
    written = claim.where.text.strip()
    if not any(c.isascii() and c.isalpha() for c in written):
        return False
    if written.casefold() not in lower:
        return False
    pattern = rf"[A-Za-z]{re.escape(written)}(?![A-Za-z0-9.])"
    return re.search(pattern, text, re.IGNORECASE) is not None
