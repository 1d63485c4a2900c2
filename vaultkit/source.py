"""Reading a file's bytes safely and mapping byte offsets to lines and columns.

Nothing here raises for a user's file: every way a read can go wrong becomes a
`ReadProblem` that a rule later turns into a diagnostic.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from vaultkit.diagnostics import Position

BOM = b"\xef\xbb\xbf"
_NEWLINE = re.compile(b"\n")


class ProblemKind(StrEnum):
    NOT_UTF8 = "not-utf8"
    GBK = "gbk"
    BINARY = "binary"
    TOO_LARGE = "too-large"
    UNREADABLE = "unreadable"
    BROKEN_SYMLINK = "broken-symlink"
    SYMLINK_LOOP = "symlink-loop"


FILE_START = Position(1, 1)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Why a file could not be read as a UTF-8 note, and where (1-based)."""

    kind: ProblemKind
    detail: str
    position: Position = FILE_START


class LineIndex:
    """Maps UTF-8 byte offsets of a text to 1-based (line, character column)."""

    __slots__ = ("_data", "_starts")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self._data))]
        return self._starts

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def position(self, offset: int) -> Position:
        line = self.line_of(offset)
        start = self.starts[line - 1]
        column = len(self._data[start:offset].decode("utf-8", "replace")) + 1
        return Position(line, column)


@dataclass(slots=True)
class SourceText:
    """A file's text, decoded as UTF-8, with the facts about its encoding."""

    text: str
    data: bytes  # the UTF-8 bytes of `text` (the file without its BOM)
    has_bom: bool
    crlf_lines: int
    lf_lines: int
    lines: LineIndex = field(init=False)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.data)


def _bad_utf8(raw: bytes, error: UnicodeDecodeError) -> ReadProblem:
    offset = error.start
    line = raw.count(b"\n", 0, offset) + 1
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    where = Position(line, column)
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return ReadProblem(
            ProblemKind.NOT_UTF8,
            f"byte 0x{raw[offset]:02x} at offset {offset} is not valid UTF-8",
            where,
        )
    return ReadProblem(
        ProblemKind.GBK,
        f"first non-UTF-8 byte at offset {offset}",
        where,
    )


def decode(raw: bytes) -> SourceText | ReadProblem:
    """Decode a note's bytes, or say why they are not a text note."""
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        return ReadProblem(
            ProblemKind.BINARY,
            f"NUL byte at offset {offset}: this is a binary file",
            Position(line, 1),
        )
    has_bom = raw.startswith(BOM)
    data = raw[len(BOM) :] if has_bom else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _bad_utf8(raw, error)
    crlf = data.count(b"\r\n")
    return SourceText(
        text=text,
        data=data,
        has_bom=has_bom,
        crlf_lines=crlf,
        lf_lines=data.count(b"\n") - crlf,
    )


def read(path: Path, max_size: int) -> SourceText | ReadProblem:
    """Read and decode one file; never raises for the file's content or state."""
    try:
        if path.is_symlink() and not path.exists():
            try:
                path.resolve(strict=True)
            except RuntimeError:
                return ReadProblem(ProblemKind.SYMLINK_LOOP, "symbolic link loop")
            except OSError:
                pass
            return ReadProblem(
                ProblemKind.BROKEN_SYMLINK,
                f"symbolic link to missing target {os.readlink(path)!r}",
            )
        size = path.stat().st_size
        if size > max_size:
            return ReadProblem(
                ProblemKind.TOO_LARGE,
                f"file is {size:,} bytes, over the limit of {max_size:,} bytes",
            )
        raw = path.read_bytes()
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return ReadProblem(ProblemKind.SYMLINK_LOOP, "symbolic link loop")
        return ReadProblem(ProblemKind.UNREADABLE, error.strerror or str(error))
    return decode(raw)
