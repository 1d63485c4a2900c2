"""The two learned parts of the topic score, each leaving the note itself out exactly.

- `ridge`: kernel ridge regression of the topic labels on the notes' TF-IDF
  vectors (the kernel is their cosine similarity). For a note that serves as
  an example, its prediction is the leave-one-out one, which ridge
  regression gives in closed form: with `B = (K + λI)⁻¹`, the prediction
  for note i trained without it is `y_i - (B Y)_i / B_ii`. For any other
  note it is `K(note, examples) B Y`.
- `label_precision`: for the one-hidden case, each topic regressed on the
  others over the examples' label sets: with `P = (YᵀY + λI)⁻¹` (a constant
  column added), the coefficients of topic t on the rest are `-P[t, ·] /
  P[t, t]`; a note's own labels are taken out by a rank-one update of `P`
  (Sherman–Morrison).
"""

from __future__ import annotations

import numpy as np

RIDGE_LAMBDA = 0.1
LABEL_LAMBDA = 1.0


def ridge(sims: np.ndarray, labels: np.ndarray, example: np.ndarray) -> np.ndarray:
    """Ridge predictions (notes x topics) from the notes' similarity matrix (self 0)."""
    from scipy.linalg import lapack  # only when the model is built, not when it is loaded

    ex = np.flatnonzero(example)
    out = np.zeros(labels.shape, dtype=np.float32)
    if len(ex) == 0:
        return out
    kernel = sims[np.ix_(ex, ex)].astype(np.float32)
    kernel[np.diag_indices(len(ex))] += 1.0 + RIDGE_LAMBDA
    factor, info = lapack.spotrf(kernel, lower=1, overwrite_a=1)
    if info != 0:
        return out
    inverse, info = lapack.spotri(factor, lower=1, overwrite_c=1)
    if info != 0:
        return out
    inverse = np.tril(inverse) + np.tril(inverse, -1).T
    y = labels[ex].astype(np.float32)
    dual = inverse @ y
    out[ex] = y - dual / np.diag(inverse)[:, None]
    rest = np.flatnonzero(~example)
    if len(rest):
        out[rest] = sims[np.ix_(rest, ex)] @ dual
    return out


def label_precision(labels: np.ndarray, example: np.ndarray) -> np.ndarray:
    """`(YᵀY + λI)⁻¹` over the examples, with a constant column last."""
    y = np.hstack([labels[example], np.ones((int(example.sum()), 1))]).astype(np.float64)
    return np.linalg.inv(y.T @ y + LABEL_LAMBDA * np.eye(y.shape[1]))


def without(precision: np.ndarray, own: np.ndarray) -> np.ndarray:
    """`precision` with a note's own labels taken out of its statistics (Sherman–Morrison)."""
    if not own.any():
        return precision
    y = np.append(own, 1.0)
    py = precision @ y
    return precision + np.outer(py, py) / (1.0 - y @ py)


def from_labels(precision: np.ndarray, known: list[int]) -> np.ndarray:
    """Each topic predicted from the `known` ones (0 for the known ones themselves)."""
    x = np.zeros(precision.shape[0])
    x[known] = 1.0
    x[-1] = 1.0
    out = -(precision @ x)[:-1] / np.diag(precision)[:-1]
    out[known] = 0.0
    return out
