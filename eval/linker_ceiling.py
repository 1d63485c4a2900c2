"""How much a learned re-weighting of the linker's evidence could lift one-hidden hit@5.

    pip install scikit-learn      # for this experiment only; not a dependency of vaultkit
    python eval/linker_ceiling.py ../shared/corpus/vault-a --exclude 01-博客/数字生命卡兹克

The notes that serve as examples are split in 5 folds. For each fold, the model is built
with that fold's notes left out as examples, so every statistic a note of the fold gets
(ridge, neighbours, folder rate, mention precision, label regression, ...) comes from the
other four folds only: no note's own topics reach its features, not even by one count. For
each note of the fold and each of its topics hidden in turn, the 40 best candidates of the
fixed-weight score get a row of features; a gradient-boosted classifier is then fitted and
scored across folds (grouped by note), and the top 5 of its ranking is compared with the
top 5 of the fixed weights on the same out-of-fold features.

Leave-one-out statistics must not be used for this: a topic's leave-one-out count or rate
is lower exactly when the note links it, and a tree learns that pattern (it scores 0.98).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from vaultkit import config as config_module
from vaultkit.linker import index as index_module
from vaultkit.linker import learn
from vaultkit.linker import model as model_module

FOLDS, CANDIDATES, FOLD_MARK = 5, 40, "\0fold"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--exclude", action="append", default=[])
    args = parser.parse_args()
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import GroupKFold
    except ImportError:
        sys.exit("this experiment needs scikit-learn: pip install scikit-learn")
    index = index_module.load(args.vault, config_module.load(args.vault), use_cache=False)
    full = model_module.Model(index, tuple(args.exclude), cache=False)
    sims, truth_of = full.all_similar(), full.Y.astype(np.float64)
    examples = np.flatnonzero(full.example & full.labeled)
    fold = np.full(len(index.notes), -1)
    fold[examples] = np.random.default_rng(0).integers(0, FOLDS, len(examples))
    rows, labels, groups, fixed = [], [], [], []
    in_folder, left_out = model_module.in_folder, set()
    # The model leaves a folder's notes out as examples; one fold is left out the same way.
    model_module.in_folder = lambda rel, x: rel in left_out if x == FOLD_MARK else in_folder(rel, x)
    try:
        for k in range(FOLDS):
            left_out.clear()
            left_out.update(index.notes[i].rel for i in np.flatnonzero(fold == k))
            model = model_module.Model(index, (*args.exclude, FOLD_MARK), cache=False)
            model._sims = sims
            y = model.Y.astype(np.float64)
            given = (y.T @ y, y.sum(axis=0))  # topic co-occurrence and counts, other folds
            for i in np.flatnonzero(fold == k):
                for features, label, top in _cases(model, sims, truth_of, given, i):
                    rows.append(features)
                    labels.append(label)
                    groups.append(i)
                    fixed.append(top)
    finally:
        model_module.in_folder = in_folder
    x, y = np.array(rows), np.array(labels)
    flat, target = x.reshape(-1, x.shape[2]), y.reshape(-1)
    predicted = np.zeros(len(target))
    for train, test in GroupKFold(FOLDS).split(flat, target, np.repeat(groups, CANDIDATES)):
        learner = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05)
        learner.fit(flat[train], target[train])
        predicted[test] = learner.predict_proba(flat[test])[:, 1]
    top = np.argsort(-predicted.reshape(y.shape), axis=1)[:, :5]
    learned = np.take_along_axis(y, top, axis=1).sum(axis=1) > 0
    print(f"one hidden, {len(y)} topics, out-of-fold statistics:")
    print(f"  fixed weights hit@5 {np.mean(fixed):.3f}")
    print(f"  learned re-ranker hit@5 {learned.mean():.3f}")
    return 0


def _cases(model, sims, truth_of, given, i):
    """(features of the top candidates, which one is the hidden topic, whether the fixed
    weights put it in the top 5) for each topic of note `i` hidden in turn."""
    truth = np.flatnonzero(truth_of[i])
    if len(truth) < 2:
        return
    parts = model.parts(np.array([i]), sims[[i]])
    base = sum(model_module.WEIGHTS[name] * value[0] for name, value in parts.items())
    cooc, count = given
    for hidden in truth:
        known = [c for c in truth if c != hidden]
        from_labels = learn.from_labels(model.precision, known)
        score = base + model_module.WEIGHTS["labels"] * from_labels
        score[known] = -np.inf
        best = np.argsort(-score)[:CANDIDATES]
        rate = cooc[known][:, best] / np.maximum(count[known][:, None], 1.0)
        columns = [value[0, best] for value in parts.values()] + [
            from_labels[best], rate.max(axis=0), rate.mean(axis=0), rate.min(axis=0),
            np.log1p(count[best]), np.full(CANDIDATES, len(known)), score[best],
            np.arange(CANDIDATES), model.weak[best].astype(float),
        ]  # fmt: skip
        yield np.column_stack(columns), (best == hidden).astype(int), hidden in best[:5]


if __name__ == "__main__":
    raise SystemExit(main())
