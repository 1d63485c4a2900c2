"""`vaultkit link suggest`: the suggestions for one note, as plain data.

The JSON output (`--output-format json`) is a stable interface for agents;
`SCHEMA` is its JSON Schema and `SCHEMA_VERSION` changes only when a field
is removed or changes meaning (new fields may be added):

    {"version": 1, "notes": [{
      "path": "01-博客/a/b.md", "title": "…",
      "topics": {
        "current": ["AI", "llm"],
        "candidates": [{"topic": "mcp", "link": "[[00-元语/mcp]]", "score": 1.42,
                        "confidence": "high", "evidence": ["…"], "lines": [12, 40]}],
        "out_of_place": [{"topic": "game", "score": 0.02, "evidence": ["…"]}]},
      "related": {
        "current": ["01-博客/a/c.md"],
        "candidates": [{"path": "01-博客/d/e.md", "title": "…", "score": 3.4,
                        "reason": "引用", "evidence": ["…"],
                        "entry": "- [[01-博客/d/e|…]]；关联理由：引用；说明："}]}}]}

Topic candidates leave out the note's own topics, banned topics and
synonyms (`[topics]`), and what `.vaultkit/link-decisions.jsonl` says was
rejected for this note; related candidates leave out the note's current
entries and rejected ones. `confidence` is `high`, `medium` or `low` (see
`vaultkit.linker.model.band`); `out_of_place` lists current topics that no
evidence supports, as information only.
"""

from __future__ import annotations

from vaultkit.linker import decisions as decisions_module
from vaultkit.linker.model import Model, band, describe
from vaultkit.linker.related import Related
from vaultkit.topics import lists, topic_key

SCHEMA_VERSION = 1
OUT_OF_PLACE = 0.05  # a current topic scoring below this has no support
_STRINGS = {"type": "array", "items": {"type": "string"}}
_TOPIC = {
    "type": "object",
    "required": ["topic", "link", "score", "confidence", "evidence", "lines"],
    "properties": {
        "topic": {"type": "string"},
        "link": {"type": "string"},
        "score": {"type": "number"},
        "confidence": {"enum": ["high", "medium", "low"]},
        "evidence": _STRINGS,
        "lines": {"type": "array", "items": {"type": "integer", "minimum": 1}},
    },
}
_RELATED = {
    "type": "object",
    "required": ["path", "title", "score", "reason", "evidence", "entry"],
    "properties": {
        "path": {"type": "string"},
        "title": {"type": "string"},
        "score": {"type": "number"},
        "reason": {"type": "string"},
        "evidence": _STRINGS,
        "entry": {"type": "string"},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "notes"],
    "properties": {
        "version": {"const": SCHEMA_VERSION},
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "title", "topics", "related"],
                "properties": {
                    "path": {"type": "string"},
                    "title": {"type": "string"},
                    "topics": {
                        "type": "object",
                        "required": ["current", "candidates", "out_of_place"],
                        "properties": {
                            "current": _STRINGS,
                            "candidates": {"type": "array", "items": _TOPIC},
                            "out_of_place": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["topic", "score", "evidence"],
                                },
                            },
                        },
                    },
                    "related": {
                        "type": "object",
                        "required": ["current", "candidates"],
                        "properties": {
                            "current": _STRINGS,
                            "candidates": {"type": "array", "items": _RELATED},
                        },
                    },
                },
            },
        },
    },
}


def related_entry(rel: str, title: str, reason: str) -> str:
    """A `## 相关文档` line for `rel`, its 说明 left for a person to write."""
    target = rel[:-3] if rel.lower().endswith(".md") else rel
    return f"- [[{target}|{title}]]；关联理由：{reason}；说明："


def for_note(
    model: Model, related: Related, rel: str, decided: dict, topics: int = 8, docs: int = 8
) -> dict:
    """The suggestions for the note at `rel` (a path of the model's index)."""
    index = model.index
    i = index.by_rel[rel]
    features = index.notes[i]
    options = index.config.settings_for(rel).topics
    found = lists(options)
    current = [k for k in features.topics]
    rejected = decisions_module.rejected(decided, rel, "topic")
    rejected_keys = {topic_key(name) for name in rejected}
    sims = model.similar(i)
    scores = model.topics(i, known=current, sims=sims)
    folder = options.folder.strip("/")
    candidates, misplaced = [], []
    for score in scores:
        topic = index.topics[score.key]
        if score.key in current:
            if score.score < OUT_OF_PLACE:
                misplaced.append(
                    {"topic": topic.name, "score": round(score.score, 3),
                     "evidence": ["no similar note, folder statistic or mention supports it"]}
                )  # fmt: skip
            continue
        if len(candidates) >= topics:
            continue
        if score.key in rejected_keys or score.key in found.banned or score.key in found.synonyms:
            continue
        lines = features.mentions.get(score.key, [0])[1:]
        candidates.append(
            {
                "topic": topic.name,
                "link": f"[[{folder}/{topic.name}]]",
                "score": round(score.score, 3),
                "confidence": band(score.score),
                "evidence": describe(score, model, i),
                "lines": list(lines),
            }
        )
    linked = [t for t, _ in features.related if t]
    skip = set(linked) | decisions_module.rejected(decided, rel, "related")
    docs_out = [
        {
            "path": c.rel,
            "title": c.title,
            "score": round(c.score, 3),
            "reason": c.reason,
            "evidence": c.evidence,
            "entry": related_entry(c.rel, c.title, c.reason),
        }
        for c in related.rank(i, sims, skip=skip, limit=docs, known=set(linked))
    ]
    names = [index.topics[k].name if k in index.topics else k for k in current]
    return {
        "path": rel,
        "title": features.title,
        "topics": {"current": names, "candidates": candidates, "out_of_place": misplaced},
        "related": {"current": linked, "candidates": docs_out},
    }


def render(result: dict) -> str:
    """One note's suggestions as text."""
    out = [f"{result['path']}  ({result['title']})"]
    topics = result["topics"]
    out.append("  current topics: " + (", ".join(topics["current"]) or "none"))
    out.append("  topic candidates:")
    for c in topics["candidates"]:
        out.append(f"    {c['score']:6.2f} {c['confidence']:<6} {c['link']}")
        out.extend(f"             - {line}" for line in c["evidence"])
    for c in topics["out_of_place"]:
        out.append(f"  looks out of place (information only): {c['topic']} ({c['score']:.2f})")
    out.append("  related-document candidates (write the 说明 yourself):")
    for c in result["related"]["candidates"]:
        out.append(f"    {c['score']:6.2f} {c['reason']:<4} {c['path']}")
        out.extend(f"             - {line}" for line in c["evidence"])
    return "\n".join(out)
