"""Scoring the vault's topics for one note, each score with the evidence behind it.

A topic's score adds up what the vault itself says (weights in `WEIGHTS`,
chosen with `vaultkit link eval` on a real vault; see the README):

- `knn`: how many of the `K` notes most like this one (TF-IDF cosine over CJK
  bigrams and Latin words) link the topic, weighted by their similarity;
- `centroid`: how like the notes that link the topic this note is;
- `folder`: how often notes of the same folder link it (smoothed toward
  the vault-wide rate);
- `mention`: the note's prose names it (`vaultkit.linker.matching`),
  weighted by how often a note that names the topic also links it; a
  mention in the title counts more;
- `cooc`: (when some topics are known) how often the known topics come
  with it.

Every statistic leaves the note itself out: its own topics never vote for
themselves. Notes of the `exclude` folders (a folder whose topics are a
batch default) and topic notes never serve as examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from vaultkit.linker.index import VaultIndex
from vaultkit.linker.matching import ambiguous
from vaultkit.rules.topics._entries import in_folder

K = 20
KEEP_TOKENS = 200  # strongest tokens kept per note
WEIGHTS = {
    "knn": 1.0,
    "centroid": 1.0,
    "folder": 0.6,
    "mention": 0.5,
    "title": 0.4,
    "cooc": 1.0,
}
BANDS = ((0.75, "high"), (0.4, "medium"), (0.0, "low"))


def band(score: float) -> str:
    for floor, name in BANDS:
        if score >= floor:
            return name
    return "low"


def folder_of(rel: str) -> str:
    return rel.rpartition("/")[0]


@dataclass
class TopicScore:
    key: str
    score: float
    parts: dict[str, float]
    evidence: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


class Model:
    """The statistics of one vault index, computed once; `topics(i)` scores one note."""

    def __init__(self, index: VaultIndex, exclude: tuple[str, ...] = ()) -> None:
        self.index = index
        notes = index.notes
        self.keys = sorted(index.topics)
        self.col = {key: c for c, key in enumerate(self.keys)}
        n, t = len(notes), len(self.keys)
        self.example = np.array(
            [not f.is_topic and not any(in_folder(f.rel, x) for x in exclude) for f in notes],
            dtype=bool,
        )
        self.excluded = np.array([any(in_folder(f.rel, x) for x in exclude) for f in notes])
        self.X = _tfidf(index.counts)
        rows, cols = [], []
        for i, f in enumerate(notes):
            for key in f.topics:
                c = self.col.get(key)
                if c is not None:
                    rows.append(i)
                    cols.append(c)
        labels = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, t))
        self.Y = labels.multiply(self.example[:, None]).tocsr()
        self.Y.eliminate_zeros()
        self.labeled = np.asarray(self.Y.sum(axis=1)).ravel() > 0
        self.count = np.asarray(self.Y.sum(axis=0)).ravel()  # notes linking each topic
        self.total = float(self.labeled.sum())
        self.C = (self.Y.T @ self.X).tocsr()  # topic centroids (sums)
        self.cooc = (self.Y.T @ self.Y).toarray()
        # mentions: notes naming each topic, and those of them that link it
        m_rows, m_cols, m_vals, t_rows, t_cols = [], [], [], [], []
        for i, f in enumerate(notes):
            for key, found in f.mentions.items():
                c = self.col.get(key)
                if c is not None:
                    m_rows.append(i)
                    m_cols.append(c)
                    m_vals.append(found[0])
            for key in f.title_mentions:
                c = self.col.get(key)
                if c is not None:
                    t_rows.append(i)
                    t_cols.append(c)
        self.M = sparse.csr_matrix((np.asarray(m_vals, np.float32), (m_rows, m_cols)), (n, t))
        self.T = sparse.csr_matrix((np.ones(len(t_rows), np.float32), (t_rows, t_cols)), (n, t))
        named = (self.M > 0).multiply(self.example[:, None]).astype(np.float32)
        self.named = np.asarray(named.sum(axis=0)).ravel()
        self.named_linked = np.asarray(named.multiply(self.Y).sum(axis=0)).ravel()
        self.weak = np.array([ambiguous(index.topics[key].name) for key in self.keys])
        self.folders: dict[str, np.ndarray] = {}
        self.folder_size: dict[str, float] = {}
        members: dict[str, list[int]] = {}
        for i, f in enumerate(notes):
            if self.example[i]:
                members.setdefault(folder_of(f.rel), []).append(i)
        for folder, rows_ in members.items():
            self.folders[folder] = np.asarray(self.Y[rows_].sum(axis=0)).ravel()
            self.folder_size[folder] = float(sum(self.labeled[r] for r in rows_))

    def similar(self, i: int) -> np.ndarray:
        """Cosine similarity of note `i` to every note (itself 0)."""
        sims = self.X @ self.X[i].toarray().ravel()
        sims[i] = 0.0
        return sims

    def topics(
        self, i: int, known: list[str] = (), sims: np.ndarray | None = None
    ) -> list[TopicScore]:
        """Every topic scored for note `i`, best first; `known` topics count as given."""
        if sims is None:
            sims = self.similar(i)
        own = self.Y[i].toarray().ravel()  # the note's own labels: taken out of every statistic
        parts = self._parts(i, sims, own, known)
        total = sum(WEIGHTS[name] * value for name, value in parts.items())
        order = np.argsort(-total, kind="stable")
        return [
            TopicScore(self.keys[c], float(total[c]), {k: float(v[c]) for k, v in parts.items()})
            for c in order
        ]

    def _parts(self, i, sims, own, known) -> dict[str, np.ndarray]:
        usable = np.where(self.labeled, sims, 0.0)
        top = np.argpartition(-usable, K)[:K] if len(usable) > K else np.arange(len(usable))
        top = top[usable[top] > 0]
        weights = usable[top] ** 2
        knn = np.zeros(len(self.keys))
        if weights.sum() > 0:
            knn = np.asarray(self.Y[top].T @ weights).ravel() / weights.sum()
        self._neighbours = (top, usable)
        count = self.count - own
        x = self.X[i].toarray().ravel()
        centroid = self.C @ x - own * float(x @ x)
        centroid = np.where(count > 0, centroid / np.maximum(count, 1), 0.0)
        centroid = centroid / (centroid.max() or 1.0)
        total = self.total - (1.0 if own.any() else 0.0)
        prior = count / max(total, 1.0)
        folder = folder_of(self.index.notes[i].rel)
        in_folder_ = self.folders.get(folder, np.zeros(len(self.keys))) - own
        size = self.folder_size.get(folder, 0.0) - (1.0 if own.any() else 0.0)
        folder_rate = (in_folder_ + 2.0 * prior) / (max(size, 0.0) + 2.0)
        named = (self.M[i].toarray().ravel() > 0).astype(float)
        self_named = named * (self.example[i] and 1.0)
        precision = (self.named_linked - self_named * own + 0.5 * prior) / (
            self.named - self_named + 0.5
        )
        title = self.T[i].toarray().ravel()
        mention = named * precision
        support = knn + folder_rate
        mention = np.where(self.weak & (support < 0.2), 0.0, mention)
        parts = {
            "knn": knn,
            "centroid": centroid,
            "folder": folder_rate,
            "mention": mention,
            "title": title * precision,
        }
        if known:
            cols = [self.col[k] for k in known if k in self.col]
            if cols:
                co = self.cooc[cols] - np.outer(own[cols], own)
                base = np.maximum(count[cols], 1.0)[:, None]
                parts["cooc"] = (co / base).mean(axis=0)
                parts["cooc"][cols] = 0.0
        return parts

    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """The most similar labelled notes of the last `topics` call, and all similarities."""
        return self._neighbours


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sublinear TF x IDF, rows of unit length; tokens in one note only, or in over half of
    them, are dropped (they tell no two notes apart)."""
    n = counts.shape[0]
    used, inverse = np.unique(counts.indices, return_inverse=True)
    df = np.bincount(inverse, minlength=len(used)).astype(np.float64)
    keep = (df >= 2) & (df <= 0.5 * n)
    idf = np.where(keep, np.log((n + 1) / (df + 1)) + 1.0, 0.0)
    data = (1.0 + np.log(counts.data)) * idf[inverse]
    matrix = sparse.csr_matrix(
        (data.astype(np.float32), inverse.astype(np.int32), counts.indptr.copy()),
        shape=(n, len(used)),
    )
    matrix.eliminate_zeros()
    matrix = _strongest(matrix, KEEP_TOKENS)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ matrix


def _strongest(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's `keep` largest weights (a note is what sets it apart, not its long tail)."""
    indptr, data = matrix.indptr, matrix.data
    mask = np.ones(len(data), dtype=bool)
    for row in range(matrix.shape[0]):
        lo, hi = indptr[row], indptr[row + 1]
        if hi - lo > keep:
            mask[lo + np.argpartition(-data[lo:hi], keep)[keep:]] = False
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(indptr))[mask]
    return sparse.csr_matrix(
        (data[mask], (rows, matrix.indices[mask])), shape=matrix.shape, dtype=np.float32
    )


def describe(score: TopicScore, model: Model, i: int) -> list[str]:
    """The evidence for one topic score, in words."""
    out = []
    c = model.col[score.key]
    top, _ = model.neighbours()
    linking = int(np.asarray(model.Y[top][:, c].sum())) if len(top) else 0
    if linking:
        out.append(f"{linking} of the {len(top)} most similar notes link it")
    if score.parts.get("centroid", 0.0) >= 0.5:
        out.append("the note reads like the notes that link it")
    folder = folder_of(model.index.notes[i].rel)
    rate = score.parts.get("folder", 0.0)
    if rate >= 0.2 and folder in model.folders:
        out.append(f"{rate:.0%} of the notes in {folder}/ link it")
    found = model.index.notes[i].mentions.get(score.key)
    if found:
        where = ", ".join(str(line) for line in found[1:])
        times = "once" if found[0] == 1 else f"{found[0]} times"
        out.append(f"the note names it {times} (line {where})")
    if score.key in model.index.notes[i].title_mentions:
        out.append("the title names it")
    if score.parts.get("cooc", 0.0) >= 0.2:
        out.append(f"{score.parts['cooc']:.0%} of notes with its current topics link it too")
    if math.isclose(score.parts.get("mention", 0.0), 0.0) and found and model.weak[c]:
        out.append("an ambiguous short name: a mention alone is no evidence")
    return out
