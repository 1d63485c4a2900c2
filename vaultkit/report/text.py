"""Human output: `path:line:col: CODE message`, ruff-style, with source context in `text`."""

from __future__ import annotations

import click

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.report.context import Report


def _style(report: Report, value: str, **styles) -> str:
    return click.style(value, **styles) if report.color else value


def _head(report: Report, d: Diagnostic) -> str:
    where = f"{d.path}:{d.start.line}:{d.start.column}:"
    color = "red" if d.severity is Severity.ERROR else "yellow"
    code = _style(report, d.code, fg=color, bold=True)
    fixable = " [*]" if d.fix else ""
    return f"{_style(report, where, bold=True)} {code}{fixable} {d.message}"


def _context(report: Report, d: Diagnostic) -> list[str]:
    lines = report.source_lines.get(d.path)
    if not lines or not 1 <= d.start.line <= len(lines):
        return []
    source = lines[d.start.line - 1].expandtabs(1)
    width = len(str(d.start.line))
    end = d.end.column if d.end.line == d.start.line else len(source) + 1
    marker = " " * (d.start.column - 1) + "^" * max(1, end - d.start.column)
    gutter = _style(report, f"{' ' * width} |", fg="blue")
    return [
        f"{_style(report, f'{d.start.line} |', fg='blue')} {source}",
        f"{gutter} {_style(report, marker, fg='red')}",
    ]


def _footer(report: Report) -> str:
    summary = report.summary()
    count = summary["diagnostics"]
    if not count:
        return f"All checks passed ({report.files_checked} files)."
    noun = "problem" if count == 1 else "problems"
    fixable = sum(1 for d in report.diagnostics if d.fix)
    tail = f"\n[*] {fixable} fixable with `vaultkit check --fix`." if fixable else ""
    return (
        f"Found {count} {noun} ({summary['errors']} errors, {summary['warnings']} warnings)"
        f" in {report.files_checked} files.{tail}"
    )


def render_full(report: Report) -> str:
    out = []
    for d in report.diagnostics:
        out.append(_head(report, d))
        out += _context(report, d)
        out.append("")
    out.append(_footer(report))
    return "\n".join(out) + "\n"


def render_concise(report: Report) -> str:
    out = [_head(report, d) for d in report.diagnostics]
    out.append(_footer(report))
    return "\n".join(out) + "\n"


def render_statistics(report: Report, names: dict[str, str], fixable: dict[str, bool]) -> str:
    """`--statistics`: how many findings each rule made, most first."""
    counts = report.summary()["by_code"]
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [
        f"{n:>{width}}\t{code}\t{'[*] ' if fixable.get(code) else ''}{names.get(code, '')}"
        for code, n in rows
    ]
    return "\n".join(lines) + ("\n" if lines else "")
