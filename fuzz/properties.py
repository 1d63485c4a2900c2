"""What must hold for any vault, however broken its notes (issue 15, item 6).

`problems(folder, notes)` writes the notes into a fresh vault under `folder`,
then runs `check`, `check --fix --unsafe-fixes` (in memory) and the graph
exports, and returns every broken promise as a line of text (empty: all held):

- no internal error (no rule, no fix, no export raised);
- every finding's position lies inside its file;
- fixes keep the BOM, add no CR to a file without one, and are idempotent:
  checking and fixing the fixed vault changes nothing more;
- GraphML and GEXF parse as strict XML, JSON with `json.loads`.
"""

from __future__ import annotations

import json
import shutil
import traceback
from pathlib import Path

from lxml import etree

from vaultkit import fix
from vaultkit.graph import export, load_vault
from vaultkit.linter import check_paths

TOPICS = ("AI", "llm", "Agent", "开源模型")
_STRICT = etree.XMLParser(recover=False, huge_tree=True)


def write(folder: Path, notes: dict[str, bytes]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / ".obsidian").mkdir(parents=True)
    for topic in TOPICS:
        path = folder / "00-元语" / f"{topic}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'---\ntitle: "{topic}"\n类型: "元语词条"\n---\n\n## 定义\n\n词条。\n')
    for rel, data in notes.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def _positions(run) -> list[str]:
    bad = []
    for d in run.result.diagnostics:
        lines = run.lines(d.path)
        if lines is None:
            ok = d.start.line >= 1 and d.start.column >= 1
        else:
            count = max(1, len(lines))
            ok = 1 <= d.start.line <= count and 1 <= d.start.column <= (
                len(lines[d.start.line - 1]) + 1 if d.start.line <= len(lines) else 1
            )
            ok = ok and (d.end.line, d.end.column) >= (d.start.line, d.start.column)
            ok = ok and d.end.line <= count + 1
        if not ok:
            bad.append(f"position outside the file: {d.path}:{d.start} {d.code} {d.message}")
    return bad


def _fixed(before: bytes, after: bytes, rel: str) -> list[str]:
    bad = []
    if before.startswith(b"\xef\xbb\xbf") != after.startswith(b"\xef\xbb\xbf"):
        bad.append(f"the fix changed the BOM of {rel}")
    if b"\r" not in before and b"\r" in after:
        bad.append(f"the fix put a CR into {rel}, which had none")
    return bad


def _exports(vault: Path) -> list[str]:
    loaded = load_vault(vault)
    graph = loaded.view("notes")
    for output_format in ("graphml", "gexf", "json", "dot", "mermaid"):
        text = export.render(graph, output_format)
        text.encode("utf-8")
        if output_format in ("graphml", "gexf"):
            etree.fromstring(text.encode("utf-8"), _STRICT)
        elif output_format == "json":
            json.loads(text)
    return []


def problems(folder: Path, notes: dict[str, bytes], *, graph: bool = True) -> list[str]:
    """Every promise the notes broke (see the module docstring)."""
    try:
        vault = write(folder / "vault", notes)
        run = check_paths([vault])
        bad = [f"internal error: {e}" for e in run.result.internal_errors]
        bad += _positions(run)
        outcome = fix.plan(run, unsafe=True)
        changed = {c.rel: c for c in outcome.applied}
        for rel, change in changed.items():
            bad += _fixed(change.before, change.after, rel)
        if graph:
            bad += _exports(vault)
        if changed:
            for rel, change in changed.items():
                (vault / rel).write_bytes(change.after)
            rerun = check_paths([vault])
            bad += [f"internal error after the fix: {e}" for e in rerun.result.internal_errors]
            more = fix.plan(rerun, unsafe=True)
            bad += [f"fix not idempotent on {c.rel}" for c in more.applied if c.rel in changed]
        return bad
    except Exception:
        return [f"crash: {traceback.format_exc()}"]
