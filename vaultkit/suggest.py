"""Closest-name suggestions ("did you mean …?") that stay fast on large vaults.

`Names` wraps a pool of folded names; `nearest(name)` is `difflib`'s closest
match (ratio 0.6 or more). Pools larger than a couple of hundred names are
first narrowed to the names sharing the most character pairs with the wanted
one, so a suggestion costs a few dictionary look-ups and one small `difflib`
run instead of thousands of comparisons.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from typing import Generic, TypeVar

V = TypeVar("V")


class Names(Generic[V]):
    """Folded names -> values, with fast `difflib` matching."""

    DIRECT = 200  # pools up to this size are compared name by name
    SHORTLIST = 25

    def __init__(self, names: dict[str, V]) -> None:
        self.names = names
        self._grams: dict[str, list[str]] | None = None

    def nearest(self, name: str, cutoff: float = 0.6) -> V | None:
        """The value of the name most like `name`, or None when none is close enough."""
        pool: list[str] = list(self.names)
        if len(pool) > self.DIRECT:
            if self._grams is None:
                grams: dict[str, list[str]] = defaultdict(list)
                for known in pool:
                    for gram in pairs(known):
                        grams[gram].append(known)
                self._grams = dict(grams)
            shared = Counter(known for gram in pairs(name) for known in self._grams.get(gram, ()))
            pool = [known for known, _ in shared.most_common(self.SHORTLIST)]
        match = difflib.get_close_matches(name, pool, n=1, cutoff=cutoff)
        return self.names[match[0]] if match else None


def pairs(text: str) -> set[str]:
    """The character pairs of `text` (the text itself when shorter than two)."""
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}
