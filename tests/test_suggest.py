"""Closest-name suggestions (`vaultkit.suggest.Names`): the "did you mean" of LK001, TP001 and
the image rules."""

from __future__ import annotations

import os
import subprocess
import sys

from vaultkit.suggest import Names

# A pool over `Names.DIRECT`, so that it is narrowed to a shortlist first: 200 unrelated
# names, 30 that share only `ab` with `abcd`, the one closest name, and 30 that share only
# `cd` with it. Every one of the 61 shares one pair with `abcd`, so the shortlist's 25 are
# chosen among equals; the closest (`xxcd`, ratio 0.5 against 0.44 for the others) comes
# late in the pool.
TIED = """
from vaultkit.suggest import Names
pool = {f"zz{i}": f"zz{i}" for i in range(200)}
pool.update({f"ab{chr(0x4E00 + i)}{chr(0x4E80 + i)}{chr(0x4F00 + i)}": f"ab{i}" for i in range(30)})
pool["xxcd"] = "closest"
pool.update({f"{chr(0x5000 + i)}{chr(0x5080 + i)}{chr(0x5100 + i)}cd": f"cd{i}" for i in range(30)})
print(Names(pool).nearest("abcd", cutoff=0.4))
"""


def test_a_close_name_is_suggested_from_a_large_pool():
    pool = {f"笔记{i:04d}": i for i in range(500)} | {"transformer-architecture": "hit"}
    assert Names(pool).nearest("transfomer-architecture") == "hit"


def test_nothing_close_suggests_nothing():
    pool = {f"笔记{i:04d}": i for i in range(500)}
    assert Names(pool).nearest("kubernetes") is None


def test_names_sharing_as_many_pairs_are_taken_the_same_way_in_every_process():
    """The shortlist among equals does not follow a set's order (which changes with the
    process's hash seed): the same suggestion every run, and the shorter, closer name."""
    found = set()
    for seed in ("1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", TIED], env=env, capture_output=True, text=True, check=True
        )
        found.add(run.stdout.strip())
    assert found == {"closest"}
