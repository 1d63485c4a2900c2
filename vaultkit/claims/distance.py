"""How far apart two names or two numbers are: the near-miss measures of `Support`."""

from __future__ import annotations

from functools import lru_cache

CHANGED_DIGIT_MIN = 6  # digits a number needs for one changed digit to be a typo


@lru_cache(maxsize=65536)
def letters(key: str) -> int | None:
    """The characters of an ASCII key as bits (`|a ^ b|` is then how many characters one
    has and the other lacks); None for a key with other characters."""
    if not key.isascii():
        return None
    mask = 0
    for char in set(key):
        mask |= 1 << ord(char)
    return mask


def typos(digits: str, count: int) -> set[str]:
    """The ASCII digit strings `one_typo` takes for a typo of `digits` (`count` digits)."""
    found = set()
    for i in range(len(digits) - 1):
        a, b = digits[i], digits[i + 1]
        if a != b and a != "." and b != ".":
            found.add(digits[:i] + b + a + digits[i + 2 :])
    if count >= CHANGED_DIGIT_MIN:
        for i, char in enumerate(digits):
            if char != ".":
                head, tail = digits[:i], digits[i + 1 :]
                found.update(head + other + tail for other in "0123456789" if other != char)
    return found


def typos_in(digits: str, count: int, written: str) -> bool:
    """Whether `written` (digit runs, `numbers.digit_runs`) may hold a string one typo from
    `digits` (`count` digits): one of `typos` in it, or a digit that is not ASCII, which
    `typos` does not try."""
    return not written.isascii() or any(typo in written for typo in typos(digits, count))


def one_typo(a: str, b: str) -> bool:
    """Two neighbouring digits swapped (3+ digits) or one digit changed (6+ digits: counts
    such as stars, taken on different days, differ in a digit or two without a typo)."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if "." in (a[i] for i in diff) or "." in (b[i] for i in diff):
        return False
    digits = sum(c.isdigit() for c in a)
    if len(diff) == 1:
        return digits >= CHANGED_DIGIT_MIN
    i, j = diff[0], diff[-1]
    return digits >= 3 and len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]


def osa(a: str, b: str, limit: int) -> int:
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
