"""GitLab Code Quality: the JSON array a merge request widget shows.

Each finding is `{description, check_name, fingerprint, severity, location:
{path, lines: {begin, end}}}`. Paths are relative to the working directory
when the vault lies under it (GitLab resolves them against the repository
root, the job's working directory). Errors are `major`, warnings `minor`.
The fingerprint (which GitLab uses to tell new findings from fixed ones
between branches) hashes the path, the code, the message and the finding's
rank among identical ones, not its line, so shifting lines keeps it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from vaultkit.report.context import Report

SEVERITY = {"error": "major", "warning": "minor"}


def render(report: Report) -> str:
    seen: Counter = Counter()
    issues = []
    for d in report.diagnostics:
        path = report.cwd_path(d.path)
        key = (path, d.code, d.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        issues.append(
            {
                "description": f"{d.code} {d.message}",
                "check_name": f"{d.code} {d.name}",
                "fingerprint": digest,
                "severity": SEVERITY[d.severity.value],
                "location": {"path": path, "lines": {"begin": d.start.line, "end": d.end.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
