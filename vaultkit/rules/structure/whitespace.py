"""Structure rules about whitespace: blank lines around `##` headings, the final newline."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import heading_label, is_setext, on_heading_line, plural

_SPACE_BYTES = b" \t\r\n"
_BLANK_STARTS = (b"", b" ", b"\t", b"\r", b"\n")  # a line that may be blank, or the end
_NEXT_LINE_COMMENT = regexes.compile(rb"<!--\s*vaultkit-disable-next-line\b(?:(?!-->).)*-->")


@register
class HeadingBlankLines(NoteRule):
    """A `##` heading without exactly one blank line before and after it.

    ## What it does
    Counts the blank lines right before and right after every H2 heading and
    reports a heading with none or more than one on either side. A heading
    directly under the frontmatter's closing `---` needs the blank line too; a
    heading that starts the note needs none before, and one that ends the note
    needs none after. Headings inside lists or block quotes are left alone.

    ## Why is this bad?
    The vault's notes are written and rewritten by scripts and LLM agents that
    find sections by this exact layout; without the blank line some renderers
    and converters glue the heading to the paragraph, and extra blank lines
    are noise in every diff. The owners' rule is about `## ` lines: text
    underlined with `---` is not checked (ST116 reports the accidental ones).

    ## Example
    ```markdown
    ---
    title: "…"
    ---
    ## 摘要
    一句话总结。


    ## 正文
    ```

    ## Use instead
    ```markdown
    ---
    title: "…"
    ---

    ## 摘要

    一句话总结。

    ## 正文
    ```

    ## Fix safety
    Safe: a missing blank line is inserted (with the note's own line ending)
    and extra blank lines, empty or holding only spaces and tabs, are
    removed; no other text changes. Between two headings the extra blank
    lines are removed once, not once for each heading. A
    `<!-- vaultkit-disable-next-line … -->` comment right above a heading
    stays there: the blank line goes above the comment, which keeps covering
    the heading.
    """

    code = "ST102"
    name = "heading-blank-lines"
    category = "structure"
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        data = note.data
        body = note.body_start
        has_frontmatter = note.frontmatter is not None
        for heading in note.headings:
            if heading.level != 2 or is_setext(note, heading):
                continue  # the owners' rule is about `## ` lines; ST116 has the accidental ones
            line_start = data.rfind(b"\n", 0, heading.start) + 1
            if data[line_start : heading.start].strip(b" \t"):
                continue  # inside a list item or a block quote
            if (
                line_start - 1 > body
                and line_start >= 3
                and data.startswith(b"\n\n", line_start - 2)
                and data[line_start - 3] not in _SPACE_BYTES
                and data.startswith(b"\n", heading.end)
                and data[heading.end + 1 : heading.end + 2] not in _BLANK_STARTS
            ):
                continue  # the usual layout, with LF endings: exactly 1 blank line each side
            anchor = _suppression_above(data, line_start, body)  # it stays with its heading
            above, at_start = _blank_lines_before(data, anchor, body)
            before = 1 if at_start and not has_frontmatter else len(above)  # may start the note
            below, next_line = _blank_lines_after(data, heading.end)
            after = 1 if next_line is None else len(below)  # a heading may end the note
            if before == 1 and after == 1:
                continue
            found, fixes = [], []
            for count, side in ((before, "before"), (after, "after")):
                if count != 1:
                    found.append(f"{count} blank lines {side}")
                    fixes.append(
                        f"add a blank line {side} it"
                        if count == 0
                        else f"remove {plural(count - 1, 'blank line')} {side} it"
                    )
            edits = _blank_line_edits(
                data, note.newline, (before, above, anchor), (after, below, next_line)
            )
            yield on_heading_line(
                self, note, heading,
                f"found {' and '.join(found)} {heading_label(note, heading)}; want exactly 1 "
                "blank line before and after a `##` heading",
                fix=self.make_fix(" and ".join(fixes), *edits) if edits else None,
            )  # fmt: skip


def _suppression_above(data: bytes, line_start: int, body_start: int) -> int:
    """Where the heading's block starts: its own line, or the `vaultkit-disable-next-line`
    comment right above it, which must stay on the line before the heading."""
    if line_start <= body_start:
        return line_start
    previous = data.rfind(b"\n", 0, line_start - 1) + 1
    if _NEXT_LINE_COMMENT.fullmatch(data[previous : line_start - 1].strip(b" \t\r")):
        return previous
    return line_start


def _blank_lines_before(data: bytes, line_start: int, body_start: int) -> tuple[list[int], bool]:
    """Where the blank lines right above the line at `line_start` start (top first), and
    whether they reach the body's top."""
    starts: list[int] = []
    while line_start > body_start:
        previous = data.rfind(b"\n", 0, line_start - 1) + 1
        if data[previous : line_start - 1].strip(b" \t\r"):
            return starts[::-1], False
        starts.append(previous)
        line_start = previous
    return starts[::-1], True


def _blank_lines_after(data: bytes, line_start: int) -> tuple[list[int], int | None]:
    """Where the blank lines from `line_start` on start, and where the next line with text
    starts (None when the blank lines run to the end of the note)."""
    starts: list[int] = []
    while line_start < len(data):
        end = data.find(b"\n", line_start)
        end = len(data) if end < 0 else end
        if data[line_start:end].strip(b" \t\r"):
            return starts, line_start
        starts.append(line_start)
        line_start = end + 1
    return starts, None


def _blank_line_edits(
    data: bytes,
    newline: str,
    before: tuple[int, list[int], int],
    after: tuple[int, list[int], int | None],
) -> list[Edit]:
    """The edits that leave exactly one blank line on each side of a heading.

    `before` is (count, starts of the blank lines above, start of the heading's
    line); `after` is (count, starts of the blank lines below, start of the next
    line with text). A missing blank line is inserted at the start of the line
    it must precede; extra blank lines are removed from the second one of the
    run on, so the heading above and the heading below a run of blank lines ask
    for the same edit and it is applied once. Only blank lines are ever
    removed. No edits when a line does not end where a line ending must be.
    """
    edits: list[Edit] = []
    for count, starts, end in (before, after):
        if count == 0:
            if end is None or end == 0 or data[end - 1 : end] != b"\n":
                return []
            edits.append(Edit(end, end, newline))
        elif count > 1:
            if end is None or len(starts) != count:
                return []
            edits.append(Edit(starts[1], end, ""))
    return edits


@register
class MissingFinalNewline(NoteRule):
    """A note whose last line does not end with a line ending.

    ## What it does
    Reports a non-empty note whose last byte is not a line ending (`\\n`, or
    `\\r` in a file with old Mac line endings), at the end of its last line.
    Empty notes and files that could not be read are not reported. This is
    markdownlint's MD047 (single-trailing-newline).

    ## Why is this bad?
    POSIX tools expect every line to end with a newline: `cat` glues the next
    file onto the last line, `wc -l` counts one line less, and a script that
    appends a section (`## 关联主题`) to the note glues it to the last line.
    In diffs the missing newline shows up as `\\ No newline at end of file`
    and makes the next append touch the last line too.

    Off by default: the vaults' own rules do not ask for it and Obsidian
    shows the note the same either way. Select `ST115` to check it.

    ## Example
    A note whose bytes stop right after its last character (`xxd` ends in
    `5d 5d`, the `]]` of the last link):
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    ```

    ## Use instead
    The same note with a line ending after its last line (`xxd` ends in
    `5d 5d 0a`), as every editor writes it when set to "insert final newline".

    ## Fix safety
    Safe: one line ending, the one the note already uses (CRLF or LF), is
    appended at the end of the file; nothing else changes.
    """

    code = "ST115"
    name = "missing-final-newline"
    category = "structure"
    severity = Severity.WARNING
    default_enabled = False
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        data = note.data
        if note.source is None or note.problem is not None or not data:
            return
        if data.endswith((b"\n", b"\r")):
            return
        end = len(data)
        newline = note.newline
        shown = "CRLF" if newline == "\r\n" else "LF"
        yield self.at_bytes(
            note, end, end,
            f"the note does not end with a line ending: add a final {shown} after the last line",
            fix=self.make_fix(f"append a final {shown}", Edit(end, end, newline)),
        )  # fmt: skip
