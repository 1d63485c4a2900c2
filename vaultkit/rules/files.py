"""Rules about the file itself: encoding, binary content, size, links, line endings.

These run on notes that could not be read as UTF-8 text too (`checks_unreadable`),
and turn each `ReadProblem` into a finding. The run goes on with the other files;
nothing here ever writes.
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Position, Severity
from vaultkit.note import Note
from vaultkit.rules.base import REGISTRY, NoteRule, VaultRule, register
from vaultkit.source import ProblemKind
from vaultkit.suppression import parse as parse_suppressions


class _ReadProblemRule(NoteRule):
    checks_unreadable = True
    category = "structure"
    kinds: tuple[ProblemKind, ...] = ()

    def check(self, note: Note, settings) -> Iterator[Diagnostic]:
        problem = note.problem
        if problem is not None and problem.kind in self.kinds:
            yield self.diagnostic(
                note,
                problem.position,
                problem.position,
                self.describe(problem.kind, problem.detail),
            )

    def describe(self, kind: ProblemKind, detail: str) -> str:
        raise NotImplementedError


@register
class InvalidUtf8(_ReadProblemRule):
    """File is not valid UTF-8.

    ## What it does
    Reports a note whose bytes do not decode as UTF-8, at the first bad byte
    (its line and column, counted in the characters before it). A note that
    reads as Chinese text in GBK (GB18030) gets its own message, since that is
    the usual cause in Chinese vaults; so does a note saved as UTF-16 or
    UTF-32. A file or folder whose *name* is not UTF-8 is reported here too.

    ## Why is this bad?
    Obsidian, git diffs and every other tool read notes as UTF-8; a GBK note
    shows as mojibake and an edit can corrupt it. vaultkit does not check the
    rest of such a file, and never rewrites it.

    ## Example
    A note saved by an editor set to GBK: `中文` is stored as `d6 d0 ce c4`.

    ## Use instead
    Re-save the file as UTF-8 (`iconv -f GB18030 -t UTF-8 in.md > out.md`).
    """

    code = "ST001"
    name = "invalid-utf8"
    kinds = (ProblemKind.NOT_UTF8, ProblemKind.GBK, ProblemKind.UTF16, ProblemKind.BAD_NAME)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        if kind is ProblemKind.GBK:
            return (
                f"file is GBK-encoded, not UTF-8: {detail}; re-save it as UTF-8 "
                "(`iconv -f GB18030 -t UTF-8`)"
            )
        if kind is ProblemKind.UTF16:
            return f"file is {detail}, not UTF-8; re-save it as UTF-8"
        if kind is ProblemKind.BAD_NAME:
            return f"{detail}; rename it with a UTF-8 name"
        return f"file is not valid UTF-8: {detail}; re-save it as UTF-8"


@register
class BinaryFile(_ReadProblemRule):
    """A `.md` file holds binary data.

    ## What it does
    Reports a note that contains NUL bytes, at the first one. A text note with
    a few stray NUL bytes gets a message saying so.

    ## Why is this bad?
    A NUL byte never occurs in a text note: the file is an image, an archive or
    a corrupted download that was given a `.md` name.

    ## Example
    `attachments/scan.md` that is really a PNG file.

    ## Use instead
    Give the file its real extension, or restore the note from history.
    """

    code = "ST002"
    name = "binary-file"
    kinds = (ProblemKind.BINARY,)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        if detail.endswith("this is a binary file"):
            return f"{detail}; a note must be text (give the file its real extension)"
        return detail


@register
class FileTooLarge(_ReadProblemRule):
    """A note is larger than the configured limit.

    ## What it does
    Reports a note over `max-file-size` bytes (default 10 MB) and skips it.

    ## Why is this bad?
    A note that large is almost always a pasted dump or a generated file; it
    slows Obsidian, sync and every check.

    ## Example
    A 40 MB note holding a log file.

    ## Use instead
    Split the note or move the data into an attachment.

    ## Options
    `max-file-size` (bytes).
    """

    code = "ST003"
    name = "file-too-large"
    severity = Severity.WARNING
    kinds = (ProblemKind.TOO_LARGE,)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        return f"{detail}; the file was not checked (raise `max-file-size` or split it)"


@register
class UnreadableFile(_ReadProblemRule):
    """A file or folder of the vault cannot be read.

    ## What it does
    Reports a note or folder that the operating system refuses to read
    (permissions, I/O errors, a file that vanished during the check), with the
    system's reason. Also reports a named pipe, socket or device that has a
    note's name: vaultkit reads only regular files, since reading those could
    block forever or have side effects.

    ## Why is this bad?
    Whatever is in it is invisible to vaultkit, to search and probably to sync.

    ## Example
    A note with mode `000`; a FIFO created as `inbox.md` by a script.

    ## Use instead
    Fix the permissions (`chmod u+r`); remove or rename the special file.
    """

    code = "ST004"
    name = "unreadable-file"
    kinds = (ProblemKind.UNREADABLE, ProblemKind.NOT_REGULAR)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        if kind is ProblemKind.NOT_REGULAR:
            return f"{detail}; a note must be a regular file (remove or rename it)"
        return f"cannot read this file: {detail}"


@register
class BrokenSymlink(_ReadProblemRule):
    """A note is a symbolic link whose target does not exist.

    ## What it does
    Reports a `.md` symbolic link that points nowhere.

    ## Why is this bad?
    Obsidian shows nothing for it and every link to it is broken.

    ## Example
    `note.md -> ../old-vault/note.md` after the old vault was moved.

    ## Use instead
    Point the link at the note's new place, or remove it.
    """

    code = "ST005"
    name = "broken-symlink"
    kinds = (ProblemKind.BROKEN_SYMLINK,)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        return f"broken {detail}; point it at an existing note or remove it"


@register
class SymlinkLoop(_ReadProblemRule):
    """A symbolic link leads back into itself.

    ## What it does
    Reports a link that loops (`a -> b -> a`), a folder link that leads to a
    folder containing itself, or a folder link to a folder already in the
    vault. vaultkit walks each folder once, real folders first, and reports
    each such link once.

    ## Why is this bad?
    Tools that follow links naively never finish; sync and backup tools copy
    the same notes again and again.

    ## Example
    `archive/self -> ..`

    ## Use instead
    Remove the link, or replace it with a real folder.
    """

    code = "ST006"
    name = "symlink-loop"
    kinds = (ProblemKind.SYMLINK_LOOP,)

    def describe(self, kind: ProblemKind, detail: str) -> str:
        return f"{detail}; remove the link"


@register
class ByteOrderMark(NoteRule):
    """A note starts with a UTF-8 byte order mark.

    ## What it does
    Reports a note whose first bytes are `EF BB BF`.

    ## Why is this bad?
    A BOM before `---` hides the frontmatter from many tools (static site
    generators, scripts that test `startswith("---")`), and it shows up as an
    invisible character in diffs.

    ## Example
    `\\ufeff---` on line 1.

    ## Use instead
    Save the file as UTF-8 without BOM.
    """

    code = "ST007"
    name = "byte-order-mark"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings) -> Iterator[Diagnostic]:
        if note.source.has_bom:
            yield self.diagnostic(
                note,
                Position(1, 1),
                Position(1, 1),
                "file starts with a UTF-8 byte order mark; save it without BOM",
            )


@register
class MixedLineEndings(NoteRule):
    """A note mixes CRLF and LF line endings.

    ## What it does
    Reports the first line whose ending differs from the note's majority.

    ## Why is this bad?
    Mixed endings come from pasting between editors; they make diffs noisy
    and some tools treat `\\r` as part of the text.

    ## Example
    Lines 1–40 end in `\\r\\n`, line 41 in `\\n`.

    ## Use instead
    Use one line ending for the whole file.
    """

    code = "ST008"
    name = "mixed-line-endings"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings) -> Iterator[Diagnostic]:
        source = note.source
        if not (source.crlf_lines and source.lf_lines):
            return
        majority_crlf = source.crlf_lines >= source.lf_lines
        for number, line in enumerate(note.text.split("\n")[:-1], start=1):
            if line.endswith("\r") != majority_crlf:
                want, got = ("CRLF", "LF") if majority_crlf else ("LF", "CRLF")
                column = len(line.removesuffix("\r")) + 1
                yield self.at_line(
                    note, number, column, 1,
                    f"line ends in {got} but the file mostly uses {want} "
                    f"({source.crlf_lines} CRLF, {source.lf_lines} LF lines)",
                )  # fmt: skip
                return


_LONE_CR = regexes.compile(rb"\r(?!\n)")


@register
class LoneCarriageReturn(NoteRule):
    """A line ends in a lone CR (the old Mac line ending) instead of LF or CRLF.

    ## What it does
    Reports the first `\\r` not followed by `\\n`, and how many there are.

    ## Why is this bad?
    Markdown and Obsidian read a lone CR as a line break, but git, grep and
    vaultkit count lines by LF: to them the note is one long line, its
    frontmatter and headings are not at a line start, and every position after
    it is on the wrong line. Such files come from old Mac editors and from
    text pasted out of some web pages.

    ## Example
    `---\\rtitle: "标题"\\r---\\r` (`xxd` shows `0d` with no `0a` after it).

    ## Use instead
    End every line with the note's own line ending (LF, or CRLF in a CRLF
    note). Safe fix: each lone CR is replaced by that line ending; nothing
    else changes.
    """

    code = "ST011"
    name = "lone-carriage-return"
    category = "structure"
    severity = Severity.WARNING
    fix = "safe"

    def check(self, note: Note, settings) -> Iterator[Diagnostic]:
        data = note.data
        if note.source is None or b"\r" not in data:
            return
        lone = [match.start() for match in _LONE_CR.finditer(data)]
        if not lone:
            return
        newline = note.newline
        shown = "CRLF" if newline == "\r\n" else "LF"
        count = f"{len(lone)} lines end" if len(lone) > 1 else "a line ends"
        yield self.at_bytes(
            note, lone[0], lone[0] + 1,
            f"{count} in a lone CR (old Mac line ending), which Markdown reads as a line "
            f"break and git and vaultkit do not; end them with {shown}",
            fix=self.make_fix(
                f"replace {len(lone)} lone CR with {shown}",
                *(Edit(offset, offset + 1, newline) for offset in lone),
            ),
        )  # fmt: skip


DIRECTIVES = ", ".join(
    f"`vaultkit-{kind}`" for kind in ("disable-next-line", "disable", "enable", "disable-file")
)


@register
class UnknownSuppressionCode(NoteRule):
    """A suppression comment names a rule code or a directive that does not exist.

    ## What it does
    Checks the codes in `<!-- vaultkit-disable… CODE -->` comments and in the
    `vaultkit-disable` frontmatter key against the known rules (codes or
    prefixes), and reports comments that look like a directive but are not
    one (`vaultkit-disable-nextline`).

    ## Why is this bad?
    A typo in a suppression silently suppresses nothing, and the finding it
    was meant to hide comes back, or a stale code hides nothing after a rule
    was renamed.

    ## Example
    `<!-- vaultkit-disable-next-line FM07 -->` (meant `FM007`).

    ## Use instead
    `<!-- vaultkit-disable-next-line FM007 -->`; `vaultkit rules` lists the codes.
    """

    code = "ST009"
    name = "unknown-suppression-code"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings) -> Iterator[Diagnostic]:
        if not note.html and not note.frontmatter:
            return
        found = parse_suppressions(note)
        for ref in found.references:
            if ref.code != "ALL" and not any(code.startswith(ref.code) for code in REGISTRY):
                end = Position(ref.position.line, ref.position.column + len(ref.code))
                yield self.diagnostic(
                    note, ref.position, end,
                    f"unknown rule code '{ref.code}' in a suppression comment "
                    "(see `vaultkit rules`)",
                )  # fmt: skip
        for ref in found.unknown_directives:
            end = Position(ref.position.line, ref.position.column + len(ref.code))
            yield self.diagnostic(
                note, ref.position, end,
                f"`{ref.code}` is not a vaultkit directive: write one of {DIRECTIVES}",
            )  # fmt: skip


@register
class SymlinkOutsideVault(VaultRule):
    """A symbolic link leads out of the vault.

    ## What it does
    Reports a note or folder of the vault that is a symbolic link to a place
    outside the vault root. vaultkit still reads and checks what it leads to
    (Obsidian shows it), reports the link once (not every note under a linked
    folder), and never writes through it.

    ## Why is this bad?
    The vault is no longer self-contained: git stores only the link, sync and
    backups miss the target, other devices see a broken link, and an edit
    made in the vault changes a file elsewhere.

    ## Example
    `01-博客/shared -> /home/me/other-vault/01-博客`

    ## Use instead
    Move the notes into the vault, or keep them outside and link to them by
    URL.
    """

    code = "ST010"
    name = "symlink-outside-vault"
    category = "structure"
    severity = Severity.WARNING

    def check_vault(self, vault) -> Iterator[Diagnostic]:
        for rel, target in sorted(vault.outside_links.items()):
            yield Diagnostic(
                path=rel,
                start=Position(1, 1),
                end=Position(1, 1),
                code=self.code,
                name=self.name,
                category=self.category,
                severity=self.severity,
                message=(
                    f"symbolic link to {target!r}, outside the vault; vaultkit reads it but "
                    "never writes through it: move the target into the vault or remove the link"
                ),
            )
