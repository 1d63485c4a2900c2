"""The standing fuzz campaign, bounded for CI (issue 15, item 6; see fuzz/README.md).

- a hypothesis property over notes in the real format with random corruption
  (`fuzz/corrupt.py`): every promise of `fuzz/properties.py` holds (no internal
  error, positions inside the file, `--fix` idempotent and keeping BOM and
  line endings, the exports parse);
- every crasher ever found (`fuzz/crashers/*.md`) replayed the same way;
- a short coverage-guided run of `fuzz/atheris_note.py` when atheris is
  installed (the `fuzz` extra).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = REPO / "fuzz"
sys.path.insert(0, str(FUZZ))
import corrupt  # noqa: E402
import properties  # noqa: E402

CRASHERS = sorted((FUZZ / "crashers").glob("*.md"))
BATCHES = sorted(path for path in (FUZZ / "crashers").iterdir() if path.is_dir())


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(rng=st.randoms(use_true_random=False))
def test_corrupted_notes_keep_every_promise(rng, tmp_path_factory):
    notes = {f"01-博客/a/n{i}.md": corrupt.note(rng) for i in range(6)}
    assert properties.problems(tmp_path_factory.mktemp("fuzz"), notes) == []


def test_the_generator_is_deterministic_and_corrupts():
    first = [corrupt.note(random.Random(7)) for _ in range(3)]
    assert first == [corrupt.note(random.Random(7)) for _ in range(3)]
    assert all(note not in corrupt.seeds() for note in first)


@pytest.mark.parametrize("crasher", CRASHERS, ids=lambda path: path.stem)
def test_crashers_stay_fixed(crasher, tmp_path):
    assert properties.problems(tmp_path, {"01-博客/a/crasher.md": crasher.read_bytes()}) == []


@pytest.mark.parametrize("batch", BATCHES, ids=lambda path: path.name)
def test_crasher_batches_stay_fixed(batch, tmp_path):
    notes = {path.relative_to(batch).as_posix(): path.read_bytes() for path in batch.rglob("*.md")}
    assert properties.problems(tmp_path, notes) == []


def test_a_short_coverage_guided_run(tmp_path):
    pytest.importorskip("atheris", reason="the coverage-guided fuzzer is the `fuzz` extra")
    corpus = tmp_path / "corpus"
    harness = FUZZ / "atheris_note.py"
    subprocess.run([sys.executable, harness, "--seeds", corpus], check=True)
    done = subprocess.run(
        [sys.executable, harness, "-runs=400", "-max_len=65536", "-timeout=60", corpus],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # A finished run says "Done N runs" with N at least -runs: once, on a busy machine, 413.
    finished = re.search(r"Done (\d+) runs", done.stderr)
    assert finished and int(finished.group(1)) >= 400, done.stderr[-3000:]
