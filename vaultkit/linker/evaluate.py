"""`vaultkit link eval`: how well the suggestions recover what the vault already says.

Three hold-out tests, each reported for the whole vault and per top-level
folder:

- all hidden: a note's topics are hidden and every topic ranked; P@5 is the
  share of the top 5 that the note links, R@5 the share of the note's topics
  found in the top 5;
- one hidden: one topic of a note with two or more is hidden, the rest are
  known; hit@5 is how often the hidden one is in the top 5 of the others;
- related: one `## 相关文档` entry of a note is hidden (its other entries are
  known, so not suggested); hit@10 is how often its target is in the top 10.

The note itself is left out of every statistic (its own topics never vote
for it); notes of an `--exclude` folder are neither tested nor used as
examples; topic notes are tested only for related documents.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from vaultkit.linker import learn
from vaultkit.linker import related as related_module
from vaultkit.linker.model import WEIGHTS, Model

TOP_TOPICS, TOP_RELATED = 5, 10
_BATCH = 256


@dataclass
class Tally:
    notes: int = 0
    precision: float = 0.0
    recall: float = 0.0
    hidden: int = 0
    hits: int = 0
    entries: int = 0
    found: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> dict:
        return {
            "notes": self.notes,
            "p_at_5": round(self.precision / self.notes, 3) if self.notes else None,
            "r_at_5": round(self.recall / self.notes, 3) if self.notes else None,
            "hidden_topics": self.hidden,
            "hit_at_5": round(self.hits / self.hidden, 3) if self.hidden else None,
            "related_entries": self.entries,
            "related_hit_at_10": round(self.found / self.entries, 3) if self.entries else None,
        }


@dataclass
class Report:
    folders: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    seconds: float = 0.0

    def table(self) -> dict:
        total = Tally()
        for tally in self.folders.values():
            total.add(tally)
        rows = {folder: self.folders[folder].row() for folder in sorted(self.folders)}
        return {"all": total.row(), "folders": rows, "seconds": round(self.seconds, 2)}


def _group(rel: str) -> str:
    return rel.split("/", 1)[0] if "/" in rel else "."


def run(model: Model, weights: dict[str, float] | None = None) -> Report:
    """Run the three tests over every note of the model's index."""
    started = time.perf_counter()
    weights = weights or WEIGHTS
    report = Report()
    index = model.index
    sims = model.all_similar()
    testable = np.flatnonzero(model.example & model.labeled)
    for lo in range(0, len(testable), _BATCH):
        rows = testable[lo : lo + _BATCH]
        parts = model.parts(rows, sims[rows])
        base = sum(weights[name] * value for name, value in parts.items())
        for i, score in zip(rows, base, strict=True):
            tally = report.folders[_group(index.notes[i].rel)]
            truth = np.flatnonzero(model.Y[i])
            top = np.argpartition(-score, TOP_TOPICS)[:TOP_TOPICS]
            hits = len(np.intersect1d(top, truth))
            tally.notes += 1
            tally.precision += hits / TOP_TOPICS
            tally.recall += hits / len(truth)
            if len(truth) >= 2:
                _one_hidden(model, i, truth, score, tally, weights)
    related = related_module.Related(model)
    for i, features in enumerate(index.notes):
        targets = [t for t, _ in features.related if t in index.by_rel and t != features.rel]
        if not targets:
            continue
        tally = report.folders[_group(features.rel)]
        scored = related.scores(i, sims[i])
        for target in dict.fromkeys(targets):
            others = {t for t in targets if t != target}
            ranked = related.rank(
                i, sims[i], skip=others, limit=TOP_RELATED, scored=scored, known=others
            )
            tally.entries += 1
            tally.found += any(c.rel == target for c in ranked)
    report.seconds = time.perf_counter() - started
    return report


def _one_hidden(model, i, truth, base, tally, weights) -> None:
    precision = learn.without(model.precision, model.Y[i])
    for hidden in truth:
        known = [c for c in truth if c != hidden]
        score = base + weights["labels"] * learn.from_labels(precision, known)
        score[known] = -np.inf
        top = np.argpartition(-score, TOP_TOPICS)[:TOP_TOPICS]
        tally.hidden += 1
        tally.hits += hidden in top


def render(table: dict) -> str:
    """The report as a text table."""
    lines = [
        f"{'folder':<16} {'notes':>6} {'P@5':>6} {'R@5':>6} {'hidden':>7} {'hit@5':>6} "
        f"{'related':>8} {'hit@10':>7}"
    ]
    rows = [*table["folders"].items(), ("all", table["all"])]
    for name, row in rows:

        def cell(value, width):
            return f"{'-' if value is None else format(value, '.3f'):>{width}}"

        lines.append(
            f"{name:<16} {row['notes']:>6} {cell(row['p_at_5'], 6)} {cell(row['r_at_5'], 6)} "
            f"{row['hidden_topics']:>7} {cell(row['hit_at_5'], 6)} "
            f"{row['related_entries']:>8} {cell(row['related_hit_at_10'], 7)}"
        )
    lines.append(f"({table['seconds']:.1f} s)")
    return "\n".join(lines)
