"""Human output: `path:line:col: CODE message`, ruff-style, with source context in `text`."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import click

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.escape import visible
from vaultkit.report.context import Report, plural

if TYPE_CHECKING:
    from vaultkit.fix import Outcome


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


def fixable(d: Diagnostic, unsafe_fixes: bool = False) -> bool:
    """Whether `--fix` would repair the finding (an unsafe fix only with `--unsafe-fixes`)."""
    return d.fix is not None and d.fix.applicable and (d.fix.safe or unsafe_fixes)


def hidden(d: Diagnostic, unsafe_fixes: bool = False) -> bool:
    """Whether the finding has an unsafe fix that needs `--unsafe-fixes`."""
    return d.fix is not None and d.fix.applicable and not d.fix.safe and not unsafe_fixes


def _fixes(count: int) -> str:
    return f"{count} unsafe {'fix' if count == 1 else 'fixes'}"


def _head(report: Report, d: Diagnostic, unsafe_fixes: bool = False) -> str:
    where = f"{visible(report.shown_path(d.path))}:{d.start.line}:{d.start.column}:"
    color = "red" if d.severity is Severity.ERROR else "yellow"
    code = _style(report, d.code, fg=color, bold=True)
    mark = " [*]" if fixable(d, unsafe_fixes) else ""
    severity = _style(report, f"[{d.severity.value}]", fg=color)
    return f"{_style(report, where, bold=True)} {code}{mark} {visible(d.message)} {severity}"


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
    # note text shown escaped: no escape sequence of a note reaches the terminal
    before, marked = visible(source[:first]), visible(source[first:last])
    source = before + marked + visible(source[last:])
    pad = width(before)
    carets = max(1, width(marked))
    number = str(d.start.line)
    gutter = _style(report, f"{' ' * len(number)} |", fg="blue")
    return [
        f"{_style(report, f'{number} |', fg='blue')} {source}",
        f"{gutter} {' ' * pad}{_style(report, '^' * carets, fg='red')}",
    ]


def _fixable_line(report: Report, unsafe_fixes: bool) -> str:
    """`[*] 3 findings fixable with --fix (2 more with --unsafe-fixes).`, as ruff says it."""
    count = sum(1 for d in report.diagnostics if fixable(d, unsafe_fixes))
    more = sum(1 for d in report.diagnostics if hidden(d, unsafe_fixes))
    option = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
    if count:
        tail = f" ({more} more with --unsafe-fixes)" if more else ""
        return f"\n[*] {plural(count, 'finding')} fixable with {option}{tail}."
    if more:
        return f"\nNo fixes available with --fix ({_fixes(more)} available with --unsafe-fixes)."
    return ""


def _footer(report: Report, unsafe_fixes: bool = False, outcome: Outcome | None = None) -> str:
    """The totals; then what `--fix` would repair, or (after `--fix`) what it did."""
    summary = report.summary()
    count = summary["diagnostics"]
    files = plural(report.files_checked, "file")
    if outcome is not None:
        tail = "\n" + fix_line(outcome, unsafe_fixes=unsafe_fixes)
    else:
        tail = _fixable_line(report, unsafe_fixes) if count else ""
    if not count:
        return f"All checks passed ({files}).{tail}"
    return (
        f"Found {plural(count, 'problem')} ({plural(summary['errors'], 'error')}, "
        f"{plural(summary['warnings'], 'warning')}) in {files}.{tail}"
    )


def fix_line(outcome: Outcome, *, unsafe_fixes: bool = False, diff: bool = False) -> str:
    """`Fixed 7 findings in 3 files (2 unsafe fixes available with --unsafe-fixes).`

    With `diff`, what `--fix` would do: `Would fix …`.
    """
    if outcome.fixed:
        verb = "Would fix" if diff else "Fixed"
        line = f"{verb} {plural(outcome.fixed, 'finding')} in {plural(outcome.files, 'file')}"
    else:
        line = "No findings would be fixed" if diff else "No findings fixed"
    notes = []
    if outcome.hidden and not unsafe_fixes:
        notes.append(f"{_fixes(outcome.hidden)} available with --unsafe-fixes")
    if outcome.left:
        notes.append(
            f"{outcome.left} {'fix' if outcome.left == 1 else 'fixes'} could not be applied: "
            "see the warnings"
        )
    return line + (f" ({'; '.join(notes)})" if notes else "") + "."


def render_full(
    report: Report, *, unsafe_fixes: bool = False, outcome: Outcome | None = None
) -> str:
    """Each finding with its source line; then the totals (and what `--fix` did)."""
    out = []
    for d in report.diagnostics:
        out.append(_head(report, d, unsafe_fixes))
        out += _context(report, d)
        out.append("")
    out.append(_footer(report, unsafe_fixes, outcome))
    return "\n".join(out) + "\n"


def render_concise(
    report: Report, *, unsafe_fixes: bool = False, outcome: Outcome | None = None
) -> str:
    """One line per finding; then the totals (and what `--fix` did)."""
    out = [_head(report, d, unsafe_fixes) for d in report.diagnostics]
    out.append(_footer(report, unsafe_fixes, outcome))
    return "\n".join(out) + "\n"
