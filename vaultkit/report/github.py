"""GitHub Actions workflow commands: annotations on the pull request's files."""

from __future__ import annotations

from vaultkit.report.context import Report


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for d in report.diagnostics:
        props = ",".join(
            [
                f"file={_escape_property(d.path)}",
                f"line={d.start.line}",
                f"col={d.start.column}",
                f"endLine={d.end.line}",
                f"endColumn={d.end.column}",
                f"title={_escape_property(f'{d.code} {d.name}')}",
            ]
        )
        level = "error" if d.severity.value == "error" else "warning"
        lines.append(f"::{level} {props}::{_escape_data(f'{d.code} {d.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
