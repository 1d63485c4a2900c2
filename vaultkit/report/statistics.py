"""`--statistics`: how many findings each rule made, most first."""

from __future__ import annotations

import json
from collections import Counter

from vaultkit.report.context import Report


def rows(report: Report) -> list[dict]:
    counts = Counter(d.code for d in report.diagnostics)
    names = {d.code: d.name for d in report.diagnostics}
    fixable = Counter(d.code for d in report.diagnostics if d.fix is not None and d.fix.applicable)
    return [
        {"code": code, "name": names[code], "count": n, "fixable": fixable[code]}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render_text(report: Report) -> str:
    """One line per rule: `count  CODE  [*] name`, columns aligned."""
    table = rows(report)
    if not table:
        return ""
    count_width = max(len(str(r["count"])) for r in table)
    code_width = max(len(r["code"]) for r in table)
    fix = any(r["fixable"] for r in table)
    lines = []
    for r in table:
        mark = ("[*] " if r["fixable"] else "    ") if fix else ""
        lines.append(f"{r['count']:>{count_width}}  {r['code']:<{code_width}}  {mark}{r['name']}")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """A JSON array of `{"code", "name", "count", "fixable"}`, most frequent first."""
    return json.dumps(rows(report), ensure_ascii=False, indent=2) + "\n"


def render(report: Report, output_format: str) -> str:
    return render_json(report) if output_format == "json" else render_text(report)
