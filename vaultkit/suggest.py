"""Closest-name suggestions ("did you mean …?") that stay fast on large vaults.

`Names` wraps a pool of folded names; `nearest(name)` is `difflib`'s closest
match (ratio 0.6 or more). Pools larger than a couple of hundred names are
first narrowed to the names sharing the most character pairs with the wanted
one, so a suggestion costs a few dictionary look-ups and one small `difflib`
run instead of thousands of comparisons. Names sharing as many pairs are taken
shortest first (for as many characters in common, `difflib`'s ratio is higher
for a shorter name), then in the pool's order: never in an order that depends
on the process (a set's), so a suggestion is the same in every run.
"""

from __future__ import annotations

import difflib
import heapq
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
        self._rank: dict[str, int] = {}

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
                # shortest first, then in the pool's order (`sorted` keeps it among equals)
                self._rank = {known: i for i, known in enumerate(sorted(pool, key=len))}
            shared = Counter(known for gram in pairs(name) for known in self._grams.get(gram, ()))
            pool = self._shortlist(shared)
        match = difflib.get_close_matches(name, pool, n=1, cutoff=cutoff)
        return self.names[match[0]] if match else None

    def _shortlist(self, shared: Counter[str]) -> list[str]:
        """The `SHORTLIST` names sharing the most pairs; those sharing as many as the last
        one taken are taken by `_rank`."""
        if len(shared) <= self.SHORTLIST:
            return list(shared)
        least = heapq.nlargest(self.SHORTLIST, shared.values())[-1]
        above = [known for known, count in shared.items() if count > least]
        tied = [known for known, count in shared.items() if count == least]
        rest = heapq.nsmallest(self.SHORTLIST - len(above), tied, key=self._rank.__getitem__)
        return above + rest


def pairs(text: str) -> set[str]:
    """The character pairs of `text` (the text itself when shorter than two)."""
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}
