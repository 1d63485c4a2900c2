"""The fuzz campaign's volume run: corrupted notes through check, --fix and graph.

    python fuzz/campaign.py [--notes 100000] [--minutes M] [--batch 400] [--seed 0]
                            [--memory-gb 4]

Writes batches of corrupted notes (see `corrupt.py`) into a scratch vault (in
`/dev/shm` when there is one) and checks every promise of `properties.py` on
each batch. A batch that breaks one is narrowed down to the single notes that
do, which are saved under `fuzz/crashers/` (named by their hash) to become
tests (`tests/test_fuzz.py` replays every file there); a batch whose notes
keep every promise alone is saved whole, as a folder. Prints a line per
ten thousand notes and a summary: notes generated, batches, broken promises,
notes/s. Notes are parsed in this process (`VAULTKIT_WORKERS=1`): per-batch
worker pools cost more than they save; run one campaign per core instead,
each with its own `--seed`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
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


def _save_batch(notes: dict[str, bytes], found: list[str]) -> Path:
    """A batch whose promise breaks only with its notes together: kept whole, as a vault."""
    name = hashlib.sha256(b"".join(notes.values())).hexdigest()[:16]
    folder = CRASHERS / f"batch-{name}"
    for rel, data in notes.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    (CRASHERS / f"batch-{name}.txt").write_text("\n".join(found)[:20000], encoding="utf-8")
    return folder


def _narrow(folder: Path, notes: dict[str, bytes], found: list[str]) -> int:
    """Save the notes that break a promise alone (else the batch); how many were saved."""
    saved = 0
    for rel, data in notes.items():
        alone = properties.problems(folder, {rel: data})
        if alone:
            saved += 1
            print(f"broken: {_save(data, alone)}: {alone[0][:300]}", flush=True)
    if not saved:
        saved = 1
        print(f"broken: {_save_batch(notes, found)}: {found[0][:300]}", flush=True)
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--batch", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-graph", action="store_true")
    parser.add_argument("--memory-gb", type=float, default=4.0)
    args = parser.parse_args()
    # A note that makes vaultkit allocate without bound is a broken promise (MemoryError,
    # an internal error), not a machine brought down: seed 7 once grew this process to 24 GB.
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("VAULTKIT_WORKERS", "1")
    shm = Path("/dev/shm")
    scratch = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    started = time.monotonic()
    done = broken = batches = 0
    with tempfile.TemporaryDirectory(prefix="vaultkit-fuzz-", dir=scratch) as tmp:
        folder = Path(tmp)
        while done < args.notes:
            if args.minutes is not None and time.monotonic() - started > args.minutes * 60:
                break
            rng = random.Random(f"{args.seed}-{batches}")
            notes = {f"01-博客/a/n{i}.md": corrupt.note(rng) for i in range(args.batch)}
            found = properties.problems(folder, notes, graph=not args.no_graph)
            if found:
                broken += _narrow(folder, notes, found)
            done += len(notes)
            batches += 1
            if done // 10_000 > (done - len(notes)) // 10_000:
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
