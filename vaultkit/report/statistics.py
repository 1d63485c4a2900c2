"""`--statistics`: how many findings each rule made, most first."""

from __future__ import annotations

import json
from collections import Counter

from vaultkit.report.context import Report
from vaultkit.report.text import fixable as can_fix


def rows(report: Report, unsafe_fixes: bool = False) -> list[dict]:
    """`fixable` counts the findings `--fix` repairs (unsafe ones with `unsafe_fixes`)."""
    counts = Counter(d.code for d in report.diagnostics)
    names = {d.code: d.name for d in report.diagnostics}
    fixable = Counter(d.code for d in report.diagnostics if can_fix(d, unsafe_fixes))
    return [
        {"code": code, "name": names[code], "count": n, "fixable": fixable[code]}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render_text(report: Report, unsafe_fixes: bool = False) -> str:
    """One line per rule: `count  CODE  [*] name`, columns aligned."""
    table = rows(report, unsafe_fixes)
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


def render_json(report: Report, unsafe_fixes: bool = False) -> str:
    """A JSON array of `{"code", "name", "count", "fixable"}`, most frequent first."""
    return json.dumps(rows(report, unsafe_fixes), ensure_ascii=False, indent=2) + "\n"


def render(report: Report, output_format: str, unsafe_fixes: bool = False) -> str:
    if output_format == "json":
        return render_json(report, unsafe_fixes)
    return render_text(report, unsafe_fixes)
