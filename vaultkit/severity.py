"""`[severity]`: the severity a rule's findings are reported with, set per code or prefix.

```toml
[severity]
SM = "warning"      # every summary rule
SM001 = "error"     # but this one: the longest matching selector wins
```

Severity changes what a finding is called and, with `--exit-zero-on-warnings`
(or `exit-zero-on-warnings = true`), whether it fails the run; never whether
the rule runs (that is `select`/`ignore`).
"""

from __future__ import annotations

from dataclasses import replace

from vaultkit.diagnostics import Diagnostic, Severity


def apply(diagnostics: list[Diagnostic], table: dict[str, str]) -> list[Diagnostic]:
    """The findings with the severity `table` gives their code (longest selector first)."""
    if not table:
        return diagnostics
    selectors = sorted(table, key=len, reverse=True)
    out = []
    for d in diagnostics:
        chosen = next((s for s in selectors if s == "ALL" or d.code.startswith(s)), None)
        if chosen is not None and Severity(table[chosen]) is not d.severity:
            d = replace(d, severity=Severity(table[chosen]))
        out.append(d)
    return out
