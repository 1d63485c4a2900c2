"""Structure rule about underlined headings nobody meant (ST116).

Markdown makes a paragraph a heading when a line of `-` or `=` follows it. Scraped
articles are full of such accidents: a list copied with each `-` on its own line
(`-` ⏎ `text` ⏎ `-`) turns every other item into a `##` heading, and a divider
`-----` right under a paragraph turns the whole paragraph into one. The other
heading rules (ST101, ST102, ST104, ST106) leave these headings alone, so each is
reported once, here, by the lines that make it.
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Heading, Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import (
    heading_line,
    heading_source_lines,
    is_accidental,
    plural,
)

_SHOWN = 40  # characters of a heading's text quoted in a message
_MAX_LISTED = 5


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _runs(note: Note) -> Iterator[list[Heading]]:
    """The accidental headings, grouped: one group per scraped list (headings at most two
    lines apart)."""
    run: list[Heading] = []
    last_line = 0
    for heading in note.headings:
        if not is_accidental(note, heading):
            continue
        first = heading_line(note, heading)
        if run and first - last_line > 2:
            yield run
            run = []
        run.append(heading)
        last_line = note.line_of(max(heading.start, heading.end - 1))
    if run:
        yield run


@register
class AccidentalHeading(NoteRule):
    """Text that became a heading by accident, over a lone `-` or a divider.

    ## What it does
    Reports an underlined (setext) heading that nobody wrote as a heading:

    - its underline is a single `-` or `=`: a list scraped with each `-` on
      its own line (`-` ⏎ `性别：男` ⏎ `-`) makes every other item a `##`
      heading. Consecutive ones (one scraped list) are reported once, at the
      first, with the lines of the others;
    - its text runs over several lines: a paragraph with a divider (`-----`)
      right under it, or a pasted `---` ⏎ `name: x` ⏎ `---` block, renders as
      one big heading.

    A heading written on purpose with an underline (`用量` ⏎ `--`, as page
    converters write them) is one line over two or more `-`/`=` and is left
    alone.

    ## Why is this bad?
    Obsidian shows the text as a large heading and puts it in the outline;
    the list or the paragraph it came from is broken. Rules that read
    headings see sections that are not there.

    ## Example
    ```markdown
    -
    性别：男
    -
    物种：人类
    ```

    ## Use instead
    ```markdown
    - 性别：男
    - 物种：人类
    ```
    """

    code = "ST116"
    name = "accidental-heading"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for run in _runs(note):
            lines = heading_source_lines(note, run[0])
            line = heading_line(note, run[0])
            under, last = lines[-1].strip(), line + len(lines) - 1
            text = f"`{_short(lines[0])}`"
            if len(lines) > 2:
                text = f"lines {line}–{last - 1} (from {text})"
            if len(under) > 1:
                advice = (
                    f"put a blank line before `{under}` to make it a divider"
                    if under[0] == "-" and len(under) > 2
                    else f"put a blank line before `{under}` or remove it"
                )
                message = (
                    f"{text} render as one heading because `{under}` on line {last} is right "
                    f"under them; {advice}"
                )
            else:
                kind = "##" if under == "-" else "#"
                message = (
                    f"{text} {'render' if len(lines) > 2 else 'renders'} as a `{kind}` heading "
                    f"because of the lone `{under}` under it (line {last})"
                )
                if len(run) > 1:
                    also = [str(heading_line(note, h)) for h in run[1 : _MAX_LISTED + 1]]
                    more = len(run) - 1 - _MAX_LISTED
                    message += (
                        f", and so {'does' if len(run) == 2 else 'do'} "
                        f"{plural(len(run) - 1, 'more heading')} of this list (line "
                        + ", ".join(also)
                        + (f" and {more} more)" if more > 0 else ")")
                    )
                message += (
                    ": text scraped with each `-` on a line of its own; join each `-` with "
                    f"the text it belongs to (`- {_short(lines[0])}`)"
                    if under == "-"
                    else f": remove the `{under}` line or put a blank line before it"
                )
            yield self.at_line(note, line, 1, len(note.lines[line - 1]), message)
