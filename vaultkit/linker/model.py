"""Scoring the vault's topics for notes, each score with the evidence behind it.

A topic's score adds up what the vault itself says (weights in `WEIGHTS`,
chosen with `vaultkit link eval` on a real vault; see the README):

- `ridge`: kernel ridge regression of the topics on the notes' TF-IDF
  vectors over CJK bigrams and Latin words (`vaultkit.linker.learn`);
- `knn`: how many of the `K` notes most like this one link the topic,
  weighted by their similarity;
- `centroid`: how like the notes that link the topic this note is;
- `define`: how like the topic's own note (its definition) this note is;
- `folder`: how often notes of the same folder link it (smoothed toward
  the vault-wide rate);
- `related`: how many of the notes it is related to (its `## 相关文档`
  entries and the notes whose entries name it; examples only) link the
  topic, over one more than their number;
- `mention`, `title`: the note's prose (its title) names it
  (`vaultkit.linker.matching`), weighted by how often a note that names the
  topic also links it; an ambiguous name needs support from `knn` or
  `folder` as well;
- `labels`: (when some topics are known) the topic predicted from them.

Every statistic leaves the note itself out: its own topics never vote for
themselves. Notes of the `exclude` folders (a folder whose topics are a
batch default) and topic notes never serve as examples.

The model's arrays are cached beside the index (`model-….npz`, plain
arrays, no pickle) for as long as the index is unchanged. Scoring one note
needs numpy only; scipy is imported when the model is built or every note is
compared with every other (`all_similar`, for `link eval`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field

import numpy as np

from vaultkit import cache as cache_module
from vaultkit import cachedir
from vaultkit.linker import index as index_module
from vaultkit.linker import learn
from vaultkit.linker import text as text_module
from vaultkit.linker.index import Counts, VaultIndex
from vaultkit.linker.matching import ambiguous
from vaultkit.topics import in_folder

K = 20
KEEP_TOKENS = 600  # strongest tokens kept per note
WEIGHTS = {
    "ridge": 3.0,
    "knn": 0.5,
    "centroid": 0.75,
    "define": 0.5,
    "folder": 0.3,
    "related": 1.0,
    "mention": 1.0,
    "title": 0.4,
    "labels": 1.0,
}
BANDS = ((1.5, "high"), (0.8, "medium"))
_ARRAYS = ("Y", "example", "ridge", "precision", "cooc", "M", "T", "named", "named_linked",
           "weak", "folder_id", "folder_counts", "folder_size", "title_ids", "title_ptr",
           "x_data", "x_indices", "x_indptr", "x_shape")  # fmt: skip


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


class Model:
    """The statistics of one vault index; `parts(rows, sims)` scores notes in a batch."""

    def __init__(self, index: VaultIndex, exclude: tuple[str, ...] = (), cache: bool = True):
        self.index = index
        self.keys = sorted(index.topics)
        self.col = {key: c for c, key in enumerate(self.keys)}
        self._sims: np.ndarray | None = None
        key = cache_module.fingerprint(index.key, *exclude, K, KEEP_TOKENS, *_code())
        path = index_module.folder(index.root) / f"model-{key[:20]}.npz"
        self._X = None
        if not (cache and self._load(path)):
            self._X = _tfidf(index.counts)
            x = self._X
            self.x_data, self.x_indices, self.x_indptr = x.data, x.indices, x.indptr
            self.x_shape = np.array(x.shape)
            self._build(exclude)
            if cache:
                self._save(path)
        self.topic_rows = np.array([index.by_rel[index.topics[k].rel] for k in self.keys], int)
        self.labeled = self.Y.sum(axis=1) > 0
        self.neighbours = _neighbours(index, self.labeled)
        self.count = self.Y.sum(axis=0).astype(np.float64)
        self.total = float(self.labeled.sum())

    # -- building ----------------------------------------------------------------------

    def _build(self, exclude: tuple[str, ...]) -> None:
        notes, index = self.index.notes, self.index
        n, t = len(notes), len(self.keys)
        self.example = np.array(
            [not f.is_topic and not any(in_folder(f.rel, x) for x in exclude) for f in notes]
        )
        self.Y = np.zeros((n, t), dtype=np.float32)
        self.M = np.zeros((n, t), dtype=np.float32)
        self.T = np.zeros((n, t), dtype=np.float32)
        for i, f in enumerate(notes):
            cols = [self.col[k] for k in f.topics if k in self.col]
            if self.example[i]:
                self.Y[i, cols] = 1.0
            for key, found in f.mentions.items():
                if key in self.col:
                    self.M[i, self.col[key]] = found[0]
            self.T[i, [self.col[k] for k in f.title_mentions if k in self.col]] = 1.0
        self.cooc = self.Y.T @ self.Y
        named = (self.M > 0) & self.example[:, None]
        self.named = named.sum(axis=0).astype(np.float64)
        self.named_linked = (named * self.Y).sum(axis=0).astype(np.float64)
        self.weak = np.array([ambiguous(index.topics[key].name) for key in self.keys])
        folders: dict[str, int] = {}
        self.folder_id = np.array([folders.setdefault(folder_of(f.rel), len(folders))
                                   for f in notes])  # fmt: skip
        self.folder_counts = np.zeros((len(folders), t), dtype=np.float64)
        np.add.at(self.folder_counts, self.folder_id, self.Y)
        self.folder_size = np.bincount(
            self.folder_id, weights=(self.Y.sum(axis=1) > 0), minlength=len(folders)
        )
        self.ridge = learn.ridge(self.all_similar(), self.Y, self.example & (self.Y.sum(1) > 0))
        self.precision = learn.label_precision(self.Y, self.example & (self.Y.sum(1) > 0))
        grams: dict[str, int] = {}
        ids = [[grams.setdefault(g, len(grams)) for g in text_module.title_grams(f.title)]
               for f in notes]  # fmt: skip
        self.title_ptr = np.cumsum([0, *map(len, ids)]).astype(np.int64)
        self.title_ids = np.array([g for row in ids for g in row], dtype=np.int32)

    def _load(self, path) -> bool:
        if not cachedir.usable_file(path):
            return False
        try:
            with np.load(path, allow_pickle=False) as arrays:
                for name in _ARRAYS:
                    setattr(self, name, arrays[name])
        except (OSError, ValueError, KeyError):
            return False
        n = len(self.index.notes)
        return (
            self.Y.shape == (n, len(self.keys))
            and len(self.x_indptr) == n + 1
            and len(self.title_ptr) == n + 1
        )

    def _save(self, path) -> None:
        folder = path.parent
        with contextlib.suppress(OSError):
            if not folder.is_dir() or folder.is_symlink():
                return
            for old in folder.glob("model-*.npz"):
                old.unlink()
            fd, temp = tempfile.mkstemp(dir=folder, prefix=".model.")
            with os.fdopen(fd, "wb") as out:
                np.savez(out, **{name: getattr(self, name) for name in _ARRAYS})
            os.replace(temp, path)

    # -- scoring -----------------------------------------------------------------------

    @property
    def X(self):
        """The notes' TF-IDF vectors as a scipy CSR matrix (unit rows)."""
        if self._X is None:
            from scipy import sparse

            self._X = sparse.csr_matrix(
                (self.x_data, self.x_indices, self.x_indptr), shape=tuple(self.x_shape)
            )
        return self._X

    def similar(self, i: int) -> np.ndarray:
        """Cosine similarity of note `i` to every note (itself 0), with numpy alone."""
        if self._sims is not None:
            return self._sims[i]
        data, indices, indptr = self.x_data, self.x_indices, self.x_indptr
        lo, hi = indptr[i], indptr[i + 1]
        dense = np.zeros(int(self.x_shape[1]), dtype=np.float32)
        dense[indices[lo:hi]] = data[lo:hi]
        sums = np.concatenate([[0.0], np.cumsum(data * dense[indices], dtype=np.float64)])
        sims = (sums[indptr[1:]] - sums[indptr[:-1]]).astype(np.float32)
        sims[i] = 0.0
        return sims

    def all_similar(self) -> np.ndarray:
        """Every note's similarity to every note (notes x notes, the diagonal 0)."""
        if self._sims is None:
            sims = (self.X @ self.X.T).toarray()
            np.fill_diagonal(sims, 0.0)
            self._sims = sims
        return self._sims

    def parts(self, rows: np.ndarray, sims: np.ndarray) -> dict[str, np.ndarray]:
        """Each part of the score (rows x topics) of the notes `rows`, `sims` their
        similarities to every note; each note's own labels left out of every statistic."""
        own = self.Y[rows]
        has = (own.sum(axis=1) > 0)[:, None].astype(np.float64)
        usable = np.where(self.labeled[None, :], sims, 0.0)
        k = min(K, usable.shape[1] - 1)
        top = np.argpartition(-usable, k, axis=1)[:, :k] if k > 0 else np.zeros((len(rows), 0))
        top = top.astype(int)
        weights = np.take_along_axis(usable, top, axis=1) ** 2
        votes = np.einsum("bk,bkt->bt", weights, self.Y[top])
        knn = votes / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        self._top = [t[w > 0] for t, w in zip(top, weights, strict=True)]
        count = self.count[None, :] - own
        centroid = sims @ self.Y  # similarity to each topic's notes (the note itself is 0)
        centroid = np.where(count > 0, centroid / np.maximum(count, 1.0), 0.0)
        centroid = centroid / np.maximum(centroid.max(axis=1, keepdims=True), 1e-12)
        prior = count / np.maximum(self.total - has, 1.0)
        folder = self.folder_id[rows]
        inside = self.folder_counts[folder] - own
        size = self.folder_size[folder][:, None] - has
        folder_rate = (inside + 2.0 * prior) / (np.maximum(size, 0.0) + 2.0)
        named = (self.M[rows] > 0).astype(np.float64)
        self_named = named * self.example[rows][:, None]
        precision = (self.named_linked[None, :] - self_named * own + 0.5 * prior) / (
            self.named[None, :] - self_named + 0.5
        )
        related = np.zeros_like(folder_rate)
        for b, i in enumerate(rows):
            near = self.neighbours[i]
            if near:
                related[b] = self.Y[near].sum(axis=0) / (len(near) + 1.0)
        define = sims[:, self.topic_rows]
        define = define / np.maximum(define.max(axis=1, keepdims=True), 1e-12)
        mention = named * precision
        mention = np.where(self.weak[None, :] & (knn + folder_rate < 0.2), 0.0, mention)
        return {
            "ridge": self.ridge[rows].astype(np.float64),
            "knn": knn,
            "centroid": centroid,
            "define": define,
            "folder": folder_rate,
            "related": related,
            "mention": mention,
            "title": self.T[rows] * precision,
        }

    def topics(self, i: int, known: list[str] = (), sims=None) -> list[TopicScore]:
        """Every topic scored for note `i`, best first; `known` topics count as given."""
        sims = self.similar(i) if sims is None else sims
        parts = {name: value[0] for name, value in self.parts(np.array([i]), sims[None]).items()}
        cols = [self.col[k] for k in known if k in self.col]
        if cols:
            precision = learn.without(self.precision, self.Y[i])
            parts["labels"] = learn.from_labels(precision, cols)
        total = sum(WEIGHTS[name] * value for name, value in parts.items())
        order = np.argsort(-total, kind="stable")
        return [
            TopicScore(self.keys[c], float(total[c]), {k: float(v[c]) for k, v in parts.items()})
            for c in order
        ]


def _neighbours(index: VaultIndex, labeled: np.ndarray) -> list[list[int]]:
    """Each note's related notes that serve as examples: the targets of its `## 相关文档`
    entries and the notes whose entries name it (a relation holds both ways)."""
    near: list[set[int]] = [set() for _ in index.notes]
    for i, j, _ in index.relations():
        near[i].add(j)
        near[j].add(i)
    return [sorted(j for j in js if labeled[j]) for js in near]


def _code() -> list[object]:
    """Size and time of the modules that compute the model: an edited one rebuilds it."""
    here = os.path.dirname(__file__)
    stamp: list[object] = []
    for name in ("model.py", "learn.py"):
        info = os.stat(os.path.join(here, name))
        stamp += (name, info.st_size, info.st_mtime_ns)
    return stamp


def _tfidf(counts: Counts):
    """Sublinear TF x IDF, rows of unit length; tokens in one note only, or in over half of
    them, are dropped (they tell no two notes apart), and so is each note's long tail."""
    from scipy import sparse

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
    return (sparse.diags((1.0 / norms).astype(np.float32)) @ matrix).tocsr()


def _strongest(matrix, keep: int):
    """Each row's `keep` largest weights (a note is what sets it apart, not its long tail)."""
    from scipy import sparse

    indptr, data = matrix.indptr, matrix.data
    mask = np.ones(len(data), dtype=bool)
    for row in np.flatnonzero(np.diff(indptr) > keep):
        lo, hi = indptr[row], indptr[row + 1]
        mask[lo + np.argpartition(-data[lo:hi], keep)[keep:]] = False
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(indptr))[mask]
    return sparse.csr_matrix(
        (data[mask], (rows, matrix.indices[mask])), shape=matrix.shape, dtype=np.float32
    )


def describe(score: TopicScore, model: Model, i: int) -> list[str]:
    """The evidence for one topic score, in words (after `topics(i)`)."""
    out = []
    c = model.col[score.key]
    top = model._top[0]
    linking = int(model.Y[top, c].sum()) if len(top) else 0
    if linking:
        out.append(f"{linking} of the {len(top)} most similar notes link it")
    if score.parts.get("ridge", 0.0) >= 0.3:
        out.append(f"notes that read like this one link it (text model {score.parts['ridge']:.2f})")
    if score.parts.get("define", 0.0) >= 0.5:
        out.append("the topic's own note reads like this one")
    folder = folder_of(model.index.notes[i].rel)
    if score.parts.get("folder", 0.0) >= 0.2:
        out.append(f"{score.parts['folder']:.0%} of the notes in {folder}/ link it")
    near = model.neighbours[i]
    linked = int(model.Y[near, c].sum()) if near else 0
    if linked:
        out.append(f"{linked} of the {len(near)} notes it is related to link it")
    found = model.index.notes[i].mentions.get(score.key)
    if found:
        where = ", ".join(str(line) for line in found[1:])
        times = "once" if found[0] == 1 else f"{found[0]} times"
        out.append(f"the note names it {times} (line {where})")
        if score.parts.get("mention", 0.0) == 0.0 and model.weak[c]:
            out.append("an ambiguous short name: a mention alone is no evidence")
    if score.key in model.index.notes[i].title_mentions:
        out.append("the title names it")
    if score.parts.get("labels", 0.0) >= 0.2:
        out.append(f"it goes with the note's current topics ({score.parts['labels']:.2f})")
    return out
