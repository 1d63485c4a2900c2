"""Related-document candidates for one note, strongest evidence first.

Evidence, from the strongest (`BOOSTS`):

- `links-source`: the note's prose or links point at the other note's source
  URL (guessed reason `引用`) or repository (`上下游`);
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
- for a topic note: the notes that link the topic (`W_LINKS_TOPIC`), and the
  topic notes of topics linked together with it (`W_COTOPIC` times the cosine
  of their co-occurrence);
- `topics`: they share specific topics (rare ones count more);
- `titles`: the share of title words and character pairs they have in common
  (`W_TITLES` times its Jaccard index);
- `text`: TF-IDF cosine similarity (`延伸思考`).

The reason is a guess for a person to confirm: the owners ask for a reason
and a one-line 说明 that only a reader can write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vaultkit import regexes
from vaultkit.linker.features import repo, source_key
from vaultkit.linker.model import Model

BOOSTS = {"links-source": 3.0, "reverse": 2.5, "same-source": 2.0, "title": 1.5}
W_TEXT, W_TOPICS, W_SITE, W_NEAR = 5.0, 0.3, 0.15, 1.5
W_LINKS_TOPIC, W_COTOPIC, W_TITLES = 2.0, 2.0, 1.0
SYMMETRIC = {"同一事件", "观点一致", "观点相悖", "上下游", "版本演进", "延伸思考"}
_MIN_TITLE, _SAME_TITLE = 4, 0.6  # characters and pairs; share of them two titles share
_DIGITS = regexes.compile(r"\d+(?:\.\d+)*")


@dataclass
class Scored:
    """Every note's score as a candidate for one note, with what explains it."""

    score: np.ndarray
    boosts: dict[int, list[tuple[str, str, str]]]  # j -> (kind, reason, evidence)
    topical: np.ndarray  # topic similarity
    titles: np.ndarray  # Jaccard index of the titles' words and pairs
    topic_links: np.ndarray  # for a topic note: 1 for the notes linking it, else 0


@dataclass
class Candidate:
    rel: str
    title: str
    score: float
    reason: str
    evidence: list[str] = field(default_factory=list)


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
        for j, t, reason in model.index.relations():
            self.incoming.setdefault(t, []).append((j, reason))
            self.outgoing.setdefault(j, set()).add(t)
        self.sites = [source_key(f) for f in notes]
        site_ids: dict[str | None, int] = {None: -1}
        self.site_ids = np.array([site_ids.setdefault(s, len(site_ids)) for s in self.sites])
        labels = np.zeros((len(notes), len(model.keys)), dtype=np.float32)
        for j, f in enumerate(notes):
            labels[j, [c for c in map(model.col.get, f.topics) if c is not None]] = 1.0
        idf = np.log((len(notes) + 1) / (labels.sum(axis=0) + 1)).astype(np.float32)
        weighted = labels * idf
        norms = np.sqrt((weighted**2).sum(axis=1, keepdims=True))
        self.topic_vectors = weighted / np.where(norms == 0, 1.0, norms)
        ptr = model.title_ptr
        self._title_size = np.diff(ptr)
        self._title_owner = np.repeat(np.arange(len(notes)), self._title_size)
        self.topic_col = np.full(len(notes), -1)  # a topic note's column, else -1
        self.topic_col[model.topic_rows] = np.arange(len(model.keys))
        self.labels = labels
        count = np.sqrt(np.maximum(labels.sum(axis=0), 1.0))
        self.cotopic = (labels.T @ labels) / count[:, None] / count[None, :]
        np.fill_diagonal(self.cotopic, 0.0)

    def _shared_titles(self, i: int) -> np.ndarray:
        """How many title words and character pairs each note shares with note `i`."""
        ptr, ids, size = self.model.title_ptr, self.model.title_ids, self._title_size
        mine = ids[ptr[i] : ptr[i + 1]]
        return np.bincount(self._title_owner[np.isin(ids, mine)], minlength=len(size))

    def near_titles(self, i: int, shared: np.ndarray | None = None) -> list[int]:
        """Notes whose titles share most of their words and character pairs with note `i`'s."""
        size = self._title_size
        if size[i] < _MIN_TITLE:
            return []
        shared = self._shared_titles(i) if shared is None else shared
        near = (shared >= _SAME_TITLE * np.maximum(size, size[i])) & (size >= _MIN_TITLE)
        near[i] = False
        return np.flatnonzero(near & (shared > 0)).tolist()

    def scores(self, i: int, sims: np.ndarray) -> Scored:
        """Every note's score as a candidate for note `i`, and its evidence."""
        model, notes = self.model, self.model.index.notes
        me = notes[i]
        score = W_TEXT * sims.astype(np.float64)
        topical = self.topic_vectors @ self.topic_vectors[i]
        score += W_TOPICS * topical
        shared = self._shared_titles(i)
        size = self._title_size
        titles = shared / np.maximum(size + size[i] - shared, 1)
        titles[i] = 0.0
        score += W_TITLES * titles
        topic_links = np.zeros(len(notes))
        c = self.topic_col[i]
        if c >= 0:  # a topic note: the notes linking it, the topics linked together with it
            topic_links = self.labels[:, c].astype(np.float64)
            score += W_LINKS_TOPIC * topic_links
            score[model.topic_rows] += W_COTOPIC * self.cotopic[c]
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
        for j in self.near_titles(i, shared):
            same = _DIGITS.sub("#", me.title) == _DIGITS.sub("#", notes[j].title)
            reason = "版本演进" if same and me.title != notes[j].title else "同一事件"
            boost(j, "title", reason, f"a near-duplicate title: {notes[j].title}")
        for j, found in boosts.items():
            score[j] += sum(BOOSTS[kind] for kind in {k for k, _, _ in found})
        score[i] = -np.inf
        return Scored(score, boosts, topical, titles, topic_links)

    def rank(
        self,
        i: int,
        sims: np.ndarray,
        skip: set[str] = frozenset(),
        limit: int = 10,
        scored: Scored | None = None,
        known: set[str] = frozenset(),
    ) -> list[Candidate]:
        """The best `limit` candidates for note `i`, leaving out the notes in `skip`;
        `known`: the note's current related documents (their neighbours are likely too)."""
        notes, by_rel = self.model.index.notes, self.model.index.by_rel
        scored = scored or self.scores(i, sims)
        score, boosts, topical = scored.score.copy(), scored.boosts, scored.topical
        near: dict[int, list[str]] = {}
        for k in (by_rel[rel] for rel in sorted(known) if rel in by_rel):
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
            if scored.topic_links[j]:
                evidence.append("it links this topic")
            c, d = self.topic_col[i], self.topic_col[j]
            if c >= 0 and d >= 0 and self.cotopic[c, d] >= 0.2:
                evidence.append(
                    f"notes often link both topics (co-occurrence {self.cotopic[c, d]:.2f})"
                )
            if topical[j] >= 0.3:
                evidence.append(f"shares specific topics (topic similarity {topical[j]:.2f})")
            if scored.titles[j] >= 0.3:
                evidence.append(
                    f"similar titles ({scored.titles[j]:.0%} of words and pairs shared)"
                )
            evidence.append(f"text similarity {sims[j]:.2f}")
            reason = found[0][1] if found else "延伸思考"
            out.append(Candidate(notes[j].rel, notes[j].title, float(score[j]), reason, evidence))
        return out
