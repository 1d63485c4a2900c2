"""GitHub Actions workflow commands: annotations on the pull request's files.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, with the
escaping the Actions runner expects (`%`, CR and LF everywhere; `:` and `,`
also in properties). Paths are relative to the working directory when the
vault lies under it, since GitHub resolves them against the repository root.
"""

from __future__ import annotations

from vaultkit.escape import visible
from vaultkit.report.context import Report


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for d in report.diagnostics:
        props = ",".join(
            [
                f"file={escape_property(report.cwd_path(d.path))}",
                f"line={d.start.line}",
                f"col={d.start.column}",
                f"endLine={d.end.line}",
                f"endColumn={d.end.column}",
                f"title={escape_property(f'{d.code} {d.name}')}",
            ]
        )
        level = "error" if d.severity.value == "error" else "warning"
        message = visible(d.message, keep="\t\r\n")  # line breaks are escaped below
        lines.append(f"::{level} {props}::{escape_data(f'{d.code} {message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
