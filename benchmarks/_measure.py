"""What run.py measures with: the floors (in this process) and timed subprocesses.

- `read_floor`: walk the vault, read and decode every `.md` file.
- `parse_floor`: that plus `yaml.compose` (libyaml) of each frontmatter and iterating
  `pyromark.events_with_range` over each body, with the options vaultkit uses.
- `parallel_parse_floor`: the parse floor split into chunks over a `multiprocessing`
  pool of `jobs` forked processes, pool start-up included.
- `Child`: a subprocess's wall time, exit code, CPU (user+sys) and peak RSS from
  `os.wait4`, so a child's own waited-for children count too. Children are started by
  a small spawner process (see `_SPAWNER`), so that their peak RSS is their own.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyromark
import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The Markdown options vaultkit's note parser uses (vaultkit/note.py).
OPTIONS = (
    pyromark.Options.ENABLE_WIKILINKS
    | pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
)
FRONTMATTER = re.compile(r"---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"}


@dataclass
class Sample:
    """One timed step: wall and CPU seconds, and for a subprocess its peak RSS (MB)."""

    wall: float
    cpu: float
    rss_mb: float | None = None


def note_paths(root: Path) -> list[Path]:
    """The vault's `.md` files, skipping hidden folders, as vaultkit does."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        found += [Path(folder, f) for f in files if f.endswith(".md") and not f.startswith(".")]
    return found


def read_floor(root: Path) -> int:
    total = 0
    for path in note_paths(root):
        total += len(path.read_bytes().decode("utf-8", "replace"))
    return total


def parse_files(paths: list[Path] | list[str]) -> int:
    events = 0
    for path in paths:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace").removeprefix("\ufeff")
        body = text
        match = FRONTMATTER.match(text)
        if match:
            with contextlib.suppress(yaml.YAMLError):
                yaml.compose(match.group(1), Loader=LOADER)
            body = text[match.end() :]
        for _ in pyromark.events_with_range(body, options=OPTIONS):
            events += 1
    return events


def parse_floor(root: Path) -> int:
    return parse_files(note_paths(root))


def parallel_parse_floor(root: Path, jobs: int = 2) -> int:
    """The parse floor over `jobs` forked processes, in chunks of about 1/(4·jobs)."""
    paths = [str(p) for p in note_paths(root)]
    size = max(1, -(-len(paths) // (4 * jobs)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        total = sum(pool.map(parse_files, chunks, chunksize=1))
        pool.close()
        pool.join()
    return total


def timed(fn: Callable[[], object]) -> Sample:
    """Wall and CPU seconds of `fn()` in this process, plus its reaped children's CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(wall, cpu + children)


# Runs one command per line of JSON on stdin, answers one line of JSON per command.
# A child's `ru_maxrss` starts at the RSS of the process it was forked from (Linux keeps
# the high-water mark across exec, vfork included), so children are not started from
# this process, which holds a parsed vault, but from this small interpreter.
_SPAWNER = """\
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["stderr"], "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(job["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, cwd=job["cwd"])
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "returncode": os.waitstatus_to_exitcode(status),
                      "maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}),
          flush=True)
"""
_spawner: list[subprocess.Popen] = []


def start_spawner() -> subprocess.Popen:
    """The process that starts every timed child (started once, as early as possible)."""
    if not _spawner or _spawner[0].poll() is not None:
        _spawner[:] = [
            subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _SPAWNER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=ENV,
                text=True,
            )
        ]
    return _spawner[0]


class Child:
    """A finished subprocess: wall time, exit code, peak RSS and CPU from its own rusage
    (`os.wait4` in the spawner: the child and the processes it waited for)."""

    def __init__(self, argv: list[str], stderr_path: Path, cwd: Path | None = None) -> None:
        spawner = start_spawner()
        job = {"argv": argv, "stderr": str(stderr_path), "cwd": str(cwd) if cwd else None}
        spawner.stdin.write(json.dumps(job) + "\n")
        spawner.stdin.flush()
        done = json.loads(spawner.stdout.readline())
        self.seconds = done["seconds"]
        self.returncode = done["returncode"]
        self.peak_rss_mb = done["maxrss"] / 1024  # Linux reports KiB
        self.cpu = done["cpu"]
        self.stderr = stderr_path.read_text(encoding="utf-8", errors="replace")
        self.output: Path | None = None

    @property
    def sample(self) -> Sample:
        return Sample(self.seconds, self.cpu, self.peak_rss_mb)
