"""`vaultkit summary-stats`: how the vault writes its summary labels, so drift shows at a glance.

For every note under the summary template (`[summary] template`, by default
`01-博客/**`), the labels of the `## 摘要` parts as `vaultkit.summary` finds
them are counted per part and per way of writing, with example paths; so are
summaries with no parts at all and, where `[summary] required` is on, notes
with no `## 摘要`. The text view lists the parts in template order, the most
common writing first; `--output-format json` gives the same as one object.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import vault as vault_module
from vaultkit.config import Config
from vaultkit.note import Note
from vaultkit.summary import KINDS, accepted_labels, canonical_labels, summary_of
from vaultkit.vault import InputError

TITLES = {"one-sentence": "one-sentence summary", "key-points": "key points", "risks": "risks"}


def _notes(
    paths: list[Path], config_path: Path | None, isolated: bool
) -> tuple[Config, Iterable[Note]]:
    inputs = [Path(os.path.abspath(p)) for p in paths]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    root = vault_module.find_root(inputs)
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    files = [p for p in inputs if not p.is_dir()]
    vault = vault_module.load(root, config, extra=files)
    wanted = {vault_module.relative(p, root) for p in files}
    prefixes = [vault_module.relative(p, root) + "/" for p in inputs if p.is_dir() and p != root]
    everything = any(p == root for p in inputs)

    def reported(rel: str) -> bool:
        return everything or rel in wanted or any(rel.startswith(p) for p in prefixes)

    return config, (n for n in vault.notes if n.source is not None and reported(n.rel))


def collect(
    paths: list[Path],
    config_path: Path | None = None,
    isolated: bool = False,
    examples: int = 3,
) -> dict:
    """The label statistics of the notes under `paths` (folders or notes of one vault)."""
    config, notes = _notes(paths, config_path, isolated)
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    with_part: Counter[str] = Counter()
    canonical: dict[str, str] = {}
    accepted: dict[str, set[str]] = defaultdict(set)
    checked = summaries = template_notes = 0
    no_parts: list[str] = []
    missing: list[str] = []
    for note in notes:
        checked += 1
        options = config.settings_for(note.rel).summary
        summary = summary_of(note, options)
        if summary is not None:
            summaries += 1
        if summary is None:
            if options.required:
                missing.append(note.rel)
            continue
        if not options.template:
            continue
        template_notes += 1
        for kind, label in canonical_labels(options).items():
            canonical.setdefault(kind, label)
            accepted[kind] |= accepted_labels(options, kind)
        if not summary.parts and not summary.empty:
            no_parts.append(note.rel)
        for kind in {part.kind for part in summary.parts}:
            with_part[kind] += 1
        for part in summary.parts:
            counts[part.kind][part.label.text] += 1
            if len(where[part.kind, part.label.text]) < examples:
                where[part.kind, part.label.text].append(note.rel)
    defaults = canonical_labels(config.settings.summary)
    parts = []
    for kind in KINDS:
        variants = [
            {
                "label": label,
                "count": count,
                "canonical": label == canonical.get(kind, defaults[kind]).strip(),
                "accepted": label in accepted[kind],
                "examples": where[kind, label],
            }
            for label, count in sorted(counts[kind].items(), key=lambda i: (-i[1], i[0]))
        ]
        parts.append(
            {
                "kind": kind,
                "canonical": canonical.get(kind, defaults[kind]),
                "notes": with_part[kind],
                "labels": sum(counts[kind].values()),
                "variants": variants,
            }
        )
    return {
        "notes": checked,
        "summaries": summaries,
        "template_notes": template_notes,
        "parts": parts,
        "without_parts": {"count": len(no_parts), "examples": no_parts[:examples]},
        "missing_summary": {"count": len(missing), "examples": missing[:examples]},
    }


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def render_text(stats: dict) -> str:
    lines = [
        f"Summary labels in {_plural(stats['template_notes'], 'note')} under the summary "
        f"template ({_plural(stats['notes'], 'note')} read, "
        f"{_plural(stats['summaries'], 'summary', 'summaries')})",
    ]
    for part in stats["parts"]:
        variants = part["variants"]
        lines += [
            "",
            f"{TITLES[part['kind']]} (canonical `{part['canonical']}`): "
            f"{_plural(part['notes'], 'note')}, {_plural(len(variants), 'way')} of writing "
            "the label",
        ]
        width = max((len(str(v["count"])) for v in variants), default=1)
        for variant in variants:
            mark = "  (canonical)" if variant["canonical"] else ""
            if variant["accepted"] and not variant["canonical"]:
                mark = "  (accepted)"
            lines.append(f"  {variant['count']:>{width}}  {variant['label']}{mark}")
            if not variant["canonical"]:
                lines += [f"  {' ' * width}  e.g. {path}" for path in variant["examples"]]
    for key, title in (
        ("without_parts", "summaries without any part"),
        ("missing_summary", "notes without `## 摘要` where one is required"),
    ):
        entry = stats[key]
        lines += ["", f"{title}: {entry['count']}"]
        lines += [f"  e.g. {path}" for path in entry["examples"]]
    return "\n".join(lines) + "\n"


def render_json(stats: dict) -> str:
    return json.dumps(stats, ensure_ascii=False, indent=2) + "\n"


def render(stats: dict, output_format: str) -> str:
    return render_json(stats) if output_format == "json" else render_text(stats)
