"""Related-document candidates for one note, strongest evidence first.

Evidence, from the strongest (`BOOSTS`):

- `links-source`: the note's prose or links point at the other note's source
  URL or repository (guessed reason `引用`), or the other way round (`引用`
  as well: one cites the other);
- `reverse`: the other note lists this one under `## 相关文档`; a symmetric
  reason there (`同一事件`, `观点一致`, `观点相悖`, and `上下游`, `版本演进`,
  `延伸思考`, which read the same both ways) is pre-filled, `解说` and `引用`
  become `延伸思考`;
- `same-source`: both archive the same URL, or the same repository
  (`同一事件`; the same article twice is also what FM017 reports);
- `title`: near-duplicate titles (`版本演进` when only numbers differ, else
  `同一事件`);
- `near`: it is linked with one of the note's current related documents, or
  listed beside this note by a third one;
- `topics`: they share specific topics (rare ones count more);
- `text`: TF-IDF cosine similarity (`延伸思考`).

The reason is a guess for a person to confirm: the owners ask for a reason
and a one-line 说明 that only a reader can write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy import sparse

from vaultkit.linker.features import repo, source_key
from vaultkit.linker.model import Model

BOOSTS = {"links-source": 3.0, "reverse": 2.5, "same-source": 2.0, "title": 1.5}
W_TEXT, W_TOPICS, W_SITE, W_NEAR = 5.0, 0.3, 0.15, 1.5
SYMMETRIC = {"同一事件", "观点一致", "观点相悖", "上下游", "版本演进", "延伸思考"}
_SCAN = 8  # notes whose titles are compared one by one before an index of them pays
_MIN_TITLE, _SAME_TITLE = 4, 0.6  # characters and pairs; share of them two titles share
_DIGITS = re.compile(r"\d+(?:\.\d+)*")
_TITLE_TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]+")


@dataclass
class Candidate:
    rel: str
    title: str
    score: float
    reason: str
    evidence: list[str] = field(default_factory=list)


def _bigrams(title: str) -> frozenset[str]:
    parts = [m.group().lower() for m in _TITLE_TOKEN.finditer(title)]
    return frozenset(a + b for a, b in pairwise(parts)) | frozenset(parts)


class Related:
    def __init__(self, model: Model) -> None:
        self.model = model
        notes = model.index.notes
        self.by_url: dict[str, list[int]] = {}
        self.by_repo: dict[str, list[int]] = {}
        for j, f in enumerate(notes):
            for url in f.urls:
                self.by_url.setdefault(url, []).append(j)
                found = repo(url)
                if found:
                    self.by_repo.setdefault(found, []).append(j)
        self.incoming: dict[int, list[tuple[int, str]]] = {}
        self.outgoing: dict[int, set[int]] = {}
        by_rel = model.index.by_rel
        for j, f in enumerate(notes):
            for target, reason in f.related:
                t = by_rel.get(target)
                if t is not None and t != j:
                    self.incoming.setdefault(t, []).append((j, reason))
                    self.outgoing.setdefault(j, set()).add(t)
        self.titles = [_bigrams(f.title) for f in notes]
        self._by_gram: dict[str, list[int]] | None = None  # built once many notes ask
        self._near: dict[int, list[int]] = {}
        self.sites = [source_key(f) for f in notes]
        site_ids: dict[str | None, int] = {None: -1}
        self.site_ids = np.array([site_ids.setdefault(s, len(site_ids)) for s in self.sites])
        rows, cols = [], []
        for j, f in enumerate(notes):
            for key in f.topics:
                c = model.col.get(key)
                if c is not None:
                    rows.append(j)
                    cols.append(c)
        labels = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(notes), len(model.keys))
        )
        used = np.asarray(labels.sum(axis=0)).ravel()
        idf = np.log((len(notes) + 1) / (used + 1)).astype(np.float32)
        weighted = labels @ sparse.diags(idf)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.topic_vectors = (sparse.diags(1.0 / norms) @ weighted).tocsr()

    def near_titles(self, i: int) -> list[int]:
        """Notes whose titles share most of their character pairs with note `i`'s."""
        found = self._near.get(i)
        if found is None:
            titles = self.titles[i]
            counts: dict[int, int] = {}
            if len(self._near) < _SCAN and self._by_gram is None:
                for j, other in enumerate(self.titles):
                    shared = len(titles & other)
                    if shared:
                        counts[j] = shared
            else:
                if self._by_gram is None:
                    self._by_gram = {}
                    for j, grams in enumerate(self.titles):
                        for gram in grams:
                            self._by_gram.setdefault(gram, []).append(j)
                for gram in titles:
                    for j in self._by_gram.get(gram, ()):
                        counts[j] = counts.get(j, 0) + 1
            found = self._near[i] = [
                j
                for j, shared in counts.items()
                if j != i
                and min(len(titles), len(self.titles[j])) >= _MIN_TITLE
                and shared >= _SAME_TITLE * max(len(titles), len(self.titles[j]))
            ]
        return found

    def scores(self, i: int, sims: np.ndarray) -> tuple[np.ndarray, dict, np.ndarray]:
        """Every note's score as a candidate for note `i`, its boosts, its topic similarity."""
        notes = self.model.index.notes
        me = notes[i]
        score = W_TEXT * sims.astype(np.float64)
        topical = (self.topic_vectors @ self.topic_vectors[i].T).toarray().ravel()
        score += W_TOPICS * topical
        site = self.sites[i]
        if site is not None:
            score += W_SITE * (self.site_ids == self.site_ids[i])
        boosts: dict[int, list[tuple[str, str, str]]] = {}  # j -> (kind, reason, evidence)

        def boost(j: int, kind: str, reason: str, words: str) -> None:
            if j != i:
                boosts.setdefault(j, []).append((kind, reason, words))

        for url in me.body_urls:
            for j in self.by_url.get(url, ()):
                boost(j, "links-source", "引用", f"this note links its source {url}")
            found = repo(url)
            for j in self.by_repo.get(found, ()) if found else ():
                boost(j, "links-source", "上下游", f"this note links its repository {found}")
        for j, reason in self.incoming.get(i, ()):
            guess = reason if reason in SYMMETRIC else "延伸思考"
            said = f" ({reason})" if reason else ""
            boost(j, "reverse", guess, f"it lists this note under 相关文档{said}")
        for url in me.urls:
            for j in self.by_url.get(url, ()):
                boost(j, "same-source", "同一事件", f"both archive {url}")
            found = repo(url)
            for j in self.by_repo.get(found, ()) if found else ():
                boost(j, "same-source", "上下游", f"both come from {found}")
        for j in self.near_titles(i):
            same = _DIGITS.sub("#", me.title) == _DIGITS.sub("#", notes[j].title)
            reason = "版本演进" if same and me.title != notes[j].title else "同一事件"
            boost(j, "title", reason, f"a near-duplicate title: {notes[j].title}")
        for j, found in boosts.items():
            score[j] += sum(BOOSTS[kind] for kind in {k for k, _, _ in found})
        score[i] = -np.inf
        return score, boosts, topical

    def rank(
        self,
        i: int,
        sims: np.ndarray,
        skip: set[str] = frozenset(),
        limit: int = 10,
        scored: tuple | None = None,
        known: set[str] = frozenset(),
    ) -> list[Candidate]:
        """The best `limit` candidates for note `i`, leaving out the notes in `skip`;
        `known`: the note's current related documents (their neighbours are likely too)."""
        notes, by_rel = self.model.index.notes, self.model.index.by_rel
        score, boosts, topical = scored or self.scores(i, sims)
        score = score.copy()
        near: dict[int, list[str]] = {}
        for k in (by_rel[rel] for rel in known if rel in by_rel):
            for j in self.outgoing.get(k, ()):
                near.setdefault(j, []).append(notes[k].rel)
            for j, _ in self.incoming.get(k, ()):
                near.setdefault(j, []).append(notes[k].rel)
        for k, _ in self.incoming.get(i, ()):  # a note that lists this one lists these too
            for j in self.outgoing.get(k, ()):
                near.setdefault(j, []).append(notes[k].rel)
        for j, via in near.items():
            score[j] += W_NEAR * min(len(set(via)), 2)
        hidden = [j for j in (by_rel.get(rel) for rel in skip) if j is not None]
        if hidden:
            score[hidden] = -np.inf
        pool = min(limit, len(score) - 1)
        if pool <= 0:
            return []
        top = np.argpartition(-score, pool)[:pool]
        out = []
        for j in sorted(top, key=lambda j: -score[j]):
            if not np.isfinite(score[j]):
                continue
            found = sorted(boosts.get(j, []), key=lambda b: -BOOSTS[b[0]])
            evidence = [words for _, _, words in found]
            if j in near:
                evidence.append(f"linked with a note this one is linked with: {near[j][0]}")
            if topical[j] >= 0.3:
                evidence.append(f"shares specific topics (topic similarity {topical[j]:.2f})")
            evidence.append(f"text similarity {sims[j]:.2f}")
            reason = found[0][1] if found else "延伸思考"
            out.append(Candidate(notes[j].rel, notes[j].title, float(score[j]), reason, evidence))
        return out
