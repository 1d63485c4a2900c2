"""The results of run.py: lines of samples, their targets (issue 13) and the Markdown tables."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from _measure import Child, Sample
from _replay import percentile


@dataclass
class Line:
    """One row of the results: its samples and the runs that failed."""

    key: str
    label: str
    target: str = ""
    samples: list[Sample] = field(default_factory=list)
    failed: list[Child] = field(default_factory=list)

    def median(self, attr: str = "wall") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def p90(self, attr: str = "wall") -> float:
        return percentile([getattr(s, attr) for s in self.samples], 0.9)

    def spread(self, attr: str = "wall") -> str:
        values = [getattr(s, attr) for s in self.samples]
        if len(values) == 1:
            return f"{values[0]:.3f} s (1 run)"
        return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"

    def rss(self) -> float | None:
        values = [s.rss_mb for s in self.samples if s.rss_mb is not None]
        return statistics.median(values) if values else None


def targets(peers: list[str]) -> dict[str, str]:
    """The target of each line (issue 13), by key."""
    cold = "≤ 3× (b)" + (", < (r)" if "r" in peers else "")
    return {
        "c": cold,
        "w": "≤ 0.3 s",
        "u": "≤ 0.4 s",
        "p": "≤ 0.4 s",
        "x": "median ≤ 0.4 s, p90 ≤ 0.6 s",
        "f": "≤ 1.2× (c)",
        **{key: "(c) is faster" for key in peers},
    }


def verdict(line: Line, lines: dict[str, Line]) -> str:
    """pass/fail of a line against its target ("" without one)."""
    if not line.target or not line.samples:
        return ""
    wall = line.median()
    c, b, r = lines.get("c"), lines.get("b"), lines.get("r")
    has = lambda other: other is not None and bool(other.samples)  # noqa: E731
    if line.key == "c":
        ok = has(b) and wall <= 3 * b.median() and (not has(r) or wall < r.median())
    elif line.key == "w":
        ok = wall <= 0.3
    elif line.key in ("u", "p"):
        ok = wall <= 0.4
    elif line.key == "x":
        ok = wall <= 0.4 and line.p90() <= 0.6
    elif line.key == "f":
        ok = has(c) and wall <= 1.2 * c.median()
    else:  # a peer
        ok = has(c) and c.median() < wall
    return "pass" if ok else "**fail**"


def _cell(line: Line) -> str:
    if line.key == "x":
        return f"{line.median():.3f} s, p90 {line.p90():.3f} s ({len(line.samples)} edits)"
    return line.spread()


def markdown_table(lines: dict[str, Line]) -> str:
    floor = lines["b"].median() if lines["b"].samples else None
    rows = [
        "| | line | wall: median (min–max) | CPU (user+sys) | × floor (b) | peak RSS | target | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for line in lines.values():
        if not line.samples:
            if line.failed:
                rows.append(f"| {line.key} | {line.label} | failed ({len(line.failed)}×) "
                            "| | | | | |")  # fmt: skip
            continue
        ratio = f"{line.median() / floor:.2f}×" if floor else ""
        rss = line.rss()
        rows.append(
            f"| {line.key} | {line.label} | {_cell(line)} | {line.median('cpu'):.3f} s "
            f"| {ratio} | {f'{rss:.0f} MB' if rss is not None else '–'} "
            f"| {line.target} | {verdict(line, lines)} |"
        )
    return "\n".join(rows)


def side_by_side(results: list[tuple[str, dict[str, Line]]]) -> str:
    """One row per line, one column group per vault: wall median, CPU, × floor, verdict."""
    head = "| | line |" + "".join(f" {name}: wall | CPU | × (b) | |" for name, _ in results)
    rows = [head + " target |", "|---|---|" + "---|---|---|---|" * len(results) + "---|"]
    keys = list(dict.fromkeys(key for _, lines in results for key in lines))
    for key in keys:
        present = [lines[key] for _, lines in results if key in lines and lines[key].samples]
        if not present:
            continue
        row = f"| {key} | {present[0].label} |"
        for _, lines in results:
            line = lines.get(key)
            if line is None or not line.samples:
                row += " – | | | |"
                continue
            floor = lines["b"].median() if lines["b"].samples else None
            wall = (f"{line.median():.3f} s (p90 {line.p90():.3f})" if key == "x"
                    else f"{line.median():.3f} s")  # fmt: skip
            ratio = f"{line.median() / floor:.2f}×" if floor else ""
            row += f" {wall} | {line.median('cpu'):.3f} s | {ratio} | {verdict(line, lines)} |"
        rows.append(row + f" {present[0].target} |")
    return "\n".join(rows)
