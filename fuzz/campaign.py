"""The fuzz campaign's volume run: corrupted notes through check, --fix and graph.

    python fuzz/campaign.py [--notes 100000] [--minutes M] [--batch 100] [--seed 0]

Writes batches of corrupted notes (see `corrupt.py`) into a scratch vault and
checks every promise of `properties.py` on each batch. A batch that breaks one
is narrowed down to the single notes that do, which are saved under
`fuzz/crashers/` (name: seed, batch, note) to become tests
(`tests/test_fuzz.py` replays every file there). Prints a line per thousand
notes and a summary: notes generated, batches, broken promises, notes/s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

import corrupt
import properties

CRASHERS = Path(__file__).resolve().parent / "crashers"


def _save(data: bytes, found: list[str]) -> Path:
    CRASHERS.mkdir(exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:16]
    path = CRASHERS / f"{name}.md"
    path.write_bytes(data)
    (CRASHERS / f"{name}.txt").write_text("\n".join(found)[:20000], encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-graph", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    done = broken = batches = 0
    with tempfile.TemporaryDirectory(prefix="vaultkit-fuzz-") as tmp:
        folder = Path(tmp)
        while done < args.notes:
            if args.minutes is not None and time.monotonic() - started > args.minutes * 60:
                break
            rng = random.Random(f"{args.seed}-{batches}")
            notes = {f"01-博客/a/n{i}.md": corrupt.note(rng) for i in range(args.batch)}
            found = properties.problems(folder, notes, graph=not args.no_graph)
            if found:
                for rel, data in notes.items():
                    alone = properties.problems(folder, {rel: data})
                    if alone:
                        broken += 1
                        print(f"broken: {_save(data, alone)}: {alone[0][:300]}", flush=True)
            done += len(notes)
            batches += 1
            if done % 1000 < args.batch:
                rate = done / (time.monotonic() - started)
                print(f"{done:,} notes, {broken} broken, {rate:.0f} notes/s", flush=True)
    seconds = time.monotonic() - started
    print(
        f"summary: {done:,} notes in {batches:,} batches, {broken} broken promises, "
        f"{seconds:.0f} s, {done / seconds:.0f} notes/s (seed {args.seed})"
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
