"""Compare a check's findings with the faults a generated vault was given.

A fault kind is *checkable* when at least one rule that should report it is
registered: a code listed in the manifest's `codes` that exists, or a rule
whose kebab-case name is one of the kind's `names`. An injected fault is
*found* when its note has a finding of one of those codes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class KindRecall:
    kind: str
    injected: int
    codes: list[str]  # the registered rules that should report this kind
    found: int = 0
    missed: list[str] = field(default_factory=list)  # notes with no finding of `codes`
    unexpected: list[tuple[str, str]] = field(default_factory=list)  # (note, code) of `absent`
    seen: Counter = field(default_factory=Counter)  # codes reported on the kind's notes


def expected_codes(entry: dict, rules: dict[str, str]) -> list[str]:
    """Registered codes for a manifest kind; `rules` maps code -> rule name."""
    by_name = {name: code for code, name in rules.items()}
    codes = {code for code in entry["codes"] if code in rules}
    codes |= {by_name[name] for name in entry["names"] if name in by_name}
    return sorted(codes)


def compare(manifest: dict, diagnostics: list[dict], rules: dict[str, str]) -> list[KindRecall]:
    """Per kind: how many injected faults a check reported (diagnostics as in the JSON output)."""
    codes_on: dict[str, set[str]] = defaultdict(set)
    for d in diagnostics:
        codes_on[d["path"]].add(d["code"])
    result = {
        kind: KindRecall(kind, entry["count"], expected_codes(entry, rules))
        for kind, entry in manifest["kinds"].items()
    }
    for fault in manifest["faults"]:
        recall = result[fault["kind"]]
        absent = manifest["kinds"][fault["kind"]]["absent"]
        seen = codes_on.get(fault["note"], set())
        recall.seen.update(seen)
        if recall.codes and seen & set(recall.codes):
            recall.found += 1
        elif recall.codes:
            recall.missed.append(fault["note"])
        recall.unexpected += [(fault["note"], code) for code in sorted(seen & set(absent))]
    return list(result.values())


def clean_findings(manifest: dict, diagnostics: list[dict]) -> Counter:
    """Findings per code on notes that were given no fault (candidates for false positives)."""
    faulty = {fault["note"] for fault in manifest["faults"]}
    return Counter(d["code"] for d in diagnostics if d["path"] not in faulty)
