"""JSON output: `{"version", "root", "diagnostics": [...], "summary": {...}}`."""

from __future__ import annotations

import json

from vaultkit.report.context import Report


def render(report: Report) -> str:
    document = {
        "version": report.version,
        "root": str(report.root),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
        "summary": report.summary(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
