"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One `<testsuite>` per note with findings (named by its path, relative to
the working directory when the vault lies under it), one failing
`<testcase>` per finding (named by the rule's code and name); a clean run is
an empty `<testsuites>` with zero tests, as ruff writes it.
"""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import quoteattr

from vaultkit.escape import visible
from vaultkit.report.context import Report


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(report: Report) -> str:
    total = len(report.diagnostics)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="vaultkit" tests="{total}" failures="{total}" errors="0">',
    ]
    for path, group in groupby(report.diagnostics, key=lambda d: d.path):
        found = list(group)
        shown = visible(report.cwd_path(path))  # XML cannot carry control characters
        out.append(
            f'  <testsuite name={quoteattr(shown)} tests="{len(found)}" '
            f'failures="{len(found)}" errors="0">'
        )
        for d in found:
            where = f"{shown}:{d.start.line}:{d.start.column}"
            message = visible(d.message, keep="\t\n\r")
            out += [
                f"    <testcase name={quoteattr(f'{d.code} {d.name}')} "
                f'classname={quoteattr(shown)} file={quoteattr(shown)} line="{d.start.line}">',
                f"      <failure message={quoteattr(message)} type={quoteattr(d.severity.value)}>"
                f"{_escape(f'{where}: {d.code} {message}')}</failure>",
                "    </testcase>",
            ]
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
