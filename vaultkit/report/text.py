"""Human output: `path:line:col: CODE message`, ruff-style, with source context in `text`."""

from __future__ import annotations

import unicodedata

import click

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.report.context import Report, plural


def _style(report: Report, value: str, **styles) -> str:
    return click.style(value, **styles) if report.color else value


def width(text: str) -> int:
    """Terminal cells `text` takes: CJK and other wide characters take two, marks none."""
    cells = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells


def _head(report: Report, d: Diagnostic) -> str:
    where = f"{d.path}:{d.start.line}:{d.start.column}:"
    color = "red" if d.severity is Severity.ERROR else "yellow"
    code = _style(report, d.code, fg=color, bold=True)
    fixable = " [*]" if d.fix is not None and d.fix.applicable else ""
    return f"{_style(report, where, bold=True)} {code}{fixable} {d.message}"


CONTEXT_CHARS = 160


def _context(report: Report, d: Diagnostic) -> list[str]:
    lines = report.source_lines.get(d.path)
    if not lines or not 1 <= d.start.line <= len(lines):
        return []
    source = lines[d.start.line - 1].replace("\t", " ")  # one cell per tab keeps columns
    first = d.start.column - 1
    last = d.end.column - 1 if d.end.line == d.start.line else len(source)
    if len(source) > CONTEXT_CHARS:  # show a window of a very long line, not all of it
        begin = max(0, first - CONTEXT_CHARS // 2)
        end = min(len(source), max(last, begin + CONTEXT_CHARS))
        end = min(end, begin + 2 * CONTEXT_CHARS)
        prefix = "…" if begin else ""
        source = prefix + source[begin:end] + ("…" if end < len(source) else "")
        first, last = first - begin + len(prefix), min(last, end) - begin + len(prefix)
    pad = width(source[:first])
    carets = max(1, width(source[first:last]))
    number = str(d.start.line)
    gutter = _style(report, f"{' ' * len(number)} |", fg="blue")
    return [
        f"{_style(report, f'{number} |', fg='blue')} {source}",
        f"{gutter} {' ' * pad}{_style(report, '^' * carets, fg='red')}",
    ]


def _footer(report: Report) -> str:
    summary = report.summary()
    count = summary["diagnostics"]
    files = plural(report.files_checked, "file")
    if not count:
        return f"All checks passed ({files})."
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicable)
    tail = f"\n[*] {plural(fixable, 'finding')} with a mechanical fix." if fixable else ""
    return (
        f"Found {plural(count, 'problem')} ({plural(summary['errors'], 'error')}, "
        f"{plural(summary['warnings'], 'warning')}) in {files}.{tail}"
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
