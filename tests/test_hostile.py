"""Hostile notes cost linear time (issue 15, item 3), with the same findings as before.

Every shape of `benchmarks/hostile.py` is checked (or fixed) at two sizes in
this process; the test compares how the CPU time grows with the size, never a
time itself: linear work grows ×8 from ×2 to ×16, quadratic work ×64, and the
bound (×24) sits between with room for a busy machine. The scans that were
rewritten to stay linear are compared with the simple (quadratic) versions they
replace on random input.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import note as note_module
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Position, Severity
from vaultkit.fix.edits import choose
from vaultkit.linter import check_paths
from vaultkit.note import Heading
from vaultkit.rules.images import remote
from vaultkit.rules.structure import _scan
from vaultkit.source import decode

sys.path.insert(0, str(REPO / "benchmarks"))
import hostile

SMALL, LARGE = 2, 16
BOUND = 24  # growth of the CPU time from SMALL to LARGE; linear: 8, quadratic: 64


def _cpu(shape: hostile.Shape, multiple: int, folder: Path) -> float:
    return min(hostile.run(shape, multiple, folder / str(attempt)) for attempt in range(3))


@pytest.mark.parametrize("shape", hostile.SHAPES, ids=lambda shape: shape.name)
def test_hostile_shape_grows_linearly(shape, tmp_path):
    hostile.run(hostile.SHAPES[0], 1, tmp_path / "warm")  # imports, compiled patterns
    small, large = _cpu(shape, SMALL, tmp_path), _cpu(shape, LARGE, tmp_path)
    assert large / max(small, 1e-3) < BOUND, (shape.name, small, large)


@pytest.mark.parametrize("shape", hostile.SHAPES, ids=lambda shape: shape.name)
def test_hostile_shape_is_checked_without_internal_error(shape, tmp_path):
    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "a.md").write_text(hostile.note(shape, 1), encoding="utf-8")
    assert check_paths([vault]).result.internal_errors == []


# ------------------------------------------------------------------ the fix engine


def _overlaps(edit: Edit, taken: list[Edit]) -> bool:
    return any(
        (edit.start < other.end and other.start < edit.end)
        or edit.start == edit.end == other.start == other.end
        for other in taken
    )


def _choose_quadratically(diagnostics: list[Diagnostic]) -> list[Fix]:
    candidates = sorted(
        diagnostics, key=lambda d: (min(e.start for e in d.fix.edits), d.code, d.sort_key)
    )
    chosen, taken = [], []
    for diagnostic in candidates:
        edits = diagnostic.fix.edits
        if any(_overlaps(edit, taken) for edit in edits):
            continue
        if any(_overlaps(a, [b]) for i, a in enumerate(edits) for b in edits[i + 1 :]):
            continue
        chosen.append(diagnostic.fix)
        taken.extend(edits)
    return chosen


_EDIT = st.tuples(st.integers(0, 30), st.integers(0, 4)).map(lambda t: Edit(t[0], t[0] + t[1], "x"))


@given(st.lists(st.lists(_EDIT, min_size=1, max_size=3), max_size=25))
def test_choose_matches_the_quadratic_reference(fixes):
    at = Position(1, 1)
    diagnostics = [
        Diagnostic("a.md", at, at, f"ST{n:03d}", "r", "c", Severity.WARNING, "m",
                   Fix("f", tuple(edits)))
        for n, edits in enumerate(fixes)
    ]  # fmt: skip
    assert choose(diagnostics) == _choose_quadratically(diagnostics)


# ------------------------------------------------------------------ scans


def _strip_quadratically(url: str, pairs: dict[str, str], punct: frozenset[str]) -> str:
    while url:
        last = url[-1]
        if last in pairs:
            if url.count(pairs[last]) >= url.count(last):
                break
        elif last not in punct:
            break
        url = url[:-1]
    return url


@given(st.text(alphabet="a.,)(]）（【】。x", max_size=40))
def test_strip_trailing_matches_the_quadratic_reference(url):
    for pairs, punct in (
        (_scan._ASCII_PAIRS, _scan.ASCII_PUNCT),
        (_scan._PAIRS, _scan.ASCII_PUNCT | _scan.CJK_PUNCT),
    ):
        assert _scan._strip_trailing(url, pairs, punct) == _strip_quadratically(url, pairs, punct)


_OPEN = re.compile(rb"!\[[^\]\n]*\]\(")


@given(st.text(alphabet="![]()\na", max_size=60))
def test_image_openings_match_the_regular_expression(text):
    data = text.encode()
    assert list(remote._opens(data, 0)) == [m.span() for m in _OPEN.finditer(data)]


_BLOCK_ID = re.compile(rb"(?:^|[ \t]|(?<=\]\]))\^([A-Za-z0-9-]+)$", re.MULTILINE)


def _block_ids_by_regex(data: bytes, ends: list[int]) -> dict[str, int]:
    blocks: dict[str, int] = {}
    for end in ends:
        stop = end
        while stop > 0 and data[stop - 1] in b" \t\r\n":
            stop -= 1
        line_start = data.rfind(b"\n", 0, stop) + 1
        match = _BLOCK_ID.search(data, line_start, stop)
        if match is None:
            continue
        caret = match.start(1) - 1
        glued = caret > line_start and data[caret - 1] == ord("]")
        if glued and b"![[" not in data[line_start:caret]:
            continue
        blocks.setdefault(match.group(1).decode("ascii").lower(), caret)
    return blocks


@given(st.text(alphabet="^ab-]![ \n", max_size=40), st.data())
def test_block_ids_match_the_regular_expression(text, data):
    raw = text.encode()
    ends = data.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    note = note_module.Note(Path("a.md"), "a.md", decode(raw))
    note_module._block_ids(note, ends)
    assert note.blocks == _block_ids_by_regex(raw, ends)


@given(st.lists(st.integers(1, 6), max_size=30))
def test_sections_end_at_the_next_heading_of_their_level_or_higher(levels):
    headings = [Heading(level, "h", 10 * i, 10 * i + 5) for i, level in enumerate(levels)]
    sections = note_module._sections(headings, 1000)
    for index, (heading, section) in enumerate(zip(headings, sections, strict=True)):
        later = [h.start for h in headings[index + 1 :] if h.level <= heading.level]
        assert section.end == (later[0] if later else 1000)


def test_growth_table_prints_every_shape(capsys):
    times = hostile.table(hostile.SHAPES[:2], [1, 2])
    assert set(times) == {shape.name for shape in hostile.SHAPES[:2]}
    assert "growth" in capsys.readouterr().out
