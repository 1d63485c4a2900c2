"""Reading a file's bytes safely and mapping byte offsets to lines and columns.

Nothing here raises for a user's file: every way a read can go wrong becomes a
`ReadProblem` that a rule later turns into a diagnostic. Only regular files are
opened (a FIFO, socket or device named `x.md` would block or have side
effects), never more than the size limit is read, and nothing is ever written.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from vaultkit import regexes
from vaultkit.diagnostics import Position

BOM = codecs.BOM_UTF8
_NEWLINE = regexes.compile(b"\n")
# Bytes 0x80-0xBF continue a UTF-8 character; every other byte starts one.
_CONTINUATION = bytes(range(0x80, 0xC0))
_BLOCK = 4096  # long lines get a column checkpoint every _BLOCK bytes
_GBK_SAMPLE = 100_000  # characters looked at to tell GBK text from other bytes
_CONTROL = regexes.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# GB18030 bytes, one character per match: a GB2312 character (lead byte captured), any other
# four- or two-byte character, or a run of ASCII.
_GBK_TOKEN = regexes.compile(
    rb"([\xa1-\xf7])[\xa1-\xfe]|[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]"
    rb"|[\x81-\xfe][\x40-\x7e\x80-\xfe]|[\x00-\x7f]+|[\x80-\xff]"
)
_GB2312_SYMBOL_LEADS = bytes(range(0xA1, 0xB0))  # rows 1-15: punctuation and symbols
_GB2312_LEVEL2_LEADS = bytes(range(0xD8, 0xF8))  # rows 56-87: the less frequent hanzi
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat must not block
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
# Checked longest first: a UTF-32 LE BOM starts with the UTF-16 LE one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "little-endian"),
    (codecs.BOM_UTF32_BE, "UTF-32", "big-endian"),
    (codecs.BOM_UTF16_LE, "UTF-16", "little-endian"),
    (codecs.BOM_UTF16_BE, "UTF-16", "big-endian"),
)


class ProblemKind(StrEnum):
    NOT_UTF8 = "not-utf8"
    GBK = "gbk"
    UTF16 = "utf16"  # UTF-16 or UTF-32 (the detail says which)
    BAD_NAME = "bad-name"  # the file name itself is not UTF-8
    BINARY = "binary"
    TOO_LARGE = "too-large"
    UNREADABLE = "unreadable"
    NOT_REGULAR = "not-regular"  # a FIFO, socket or device with a note's name
    BROKEN_SYMLINK = "broken-symlink"
    SYMLINK_LOOP = "symlink-loop"


FILE_START = Position(1, 1)


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Why a file could not be read as a UTF-8 note, and where (1-based)."""

    kind: ProblemKind
    detail: str
    position: Position = FILE_START

    def __reduce__(self) -> tuple:
        return ReadProblem, (self.kind, self.detail, self.position)


def _chars(data: bytes) -> int:
    """The number of characters in valid UTF-8 `data` (a cut-off character counts as one)."""
    return len(data.translate(None, _CONTINUATION))


class LineIndex:
    """Maps UTF-8 byte offsets of a text to 1-based (line, character column).

    Columns on long lines are found from checkpoints, so reporting many
    findings on one megabyte-long line stays linear.
    """

    __slots__ = ("_data", "_marks", "_starts")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._starts: list[int] | None = None
        self._marks: dict[int, list[int]] = {}

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self._data))]
        return self._starts

    @property
    def built(self) -> bool:
        """Whether the line starts are computed already."""
        return self._starts is not None

    def __reduce__(self) -> tuple:
        return LineIndex, (self._data,)  # line starts and marks are rebuilt when needed

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def position(self, offset: int) -> Position:
        line = self.line_of(offset)
        start = self.starts[line - 1]
        if offset - start <= _BLOCK:
            return Position(line, _chars(self._data[start:offset]) + 1)
        block = (offset - start) // _BLOCK
        marks = self._line_marks(line, start)
        base = start + block * _BLOCK
        return Position(line, marks[block] + _chars(self._data[base:offset]) + 1)

    def span(self, start: int, end: int) -> tuple[Position, Position]:
        """The positions of `start` and of `end` (not before it); on one line the end's
        column is counted on from the start's, over the span's bytes only."""
        first = self.position(start)
        starts = self.starts
        if first.line < len(starts) and end >= starts[first.line]:
            return first, self.position(end)  # on a later line
        return first, Position(first.line, first.column + _chars(self._data[start:end]))

    def _line_marks(self, line: int, start: int) -> list[int]:
        """Characters before each _BLOCK-byte checkpoint of a line."""
        marks = self._marks.get(line)
        if marks is None:
            end = self.starts[line] if line < len(self.starts) else len(self._data)
            marks = [0]
            for base in range(start, end - _BLOCK + 1, _BLOCK):
                marks.append(marks[-1] + _chars(self._data[base : base + _BLOCK]))
            self._marks[line] = marks
        return marks


class SourceText:
    """A file's text, decoded as UTF-8, with the facts about its encoding.

    A pickle holds only the bytes and the facts: the text is decoded again on
    first use and the line index rebuilds itself lazily, so a note loaded from
    the cache or from a helper process costs little until it is read.
    """

    __slots__ = ("_text", "crlf_lines", "data", "has_bom", "lf_lines", "lines")

    def __init__(
        self, text: str | None, data: bytes, has_bom: bool, crlf_lines: int, lf_lines: int
    ) -> None:
        self._text = text  # None: decode `data` on first use
        self.data = data  # the UTF-8 bytes of `text` (the file without its BOM)
        self.has_bom = has_bom
        self.crlf_lines = crlf_lines
        self.lf_lines = lf_lines
        self.lines = LineIndex(data)

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            text = self._text = self.data.decode("utf-8")
        return text

    def decoded(self) -> str:
        """`text` without keeping it (the text when it is kept already)."""
        return self._text if self._text is not None else self.data.decode("utf-8")

    def release(self) -> None:
        """Drop the decoded text and the line index, as a pickle does."""
        self._text = None
        self.lines = LineIndex(self.data)

    def __reduce__(self) -> tuple:
        return SourceText, (None, self.data, self.has_bom, self.crlf_lines, self.lf_lines)

    def __eq__(self, other: object) -> bool:
        if type(other) is not SourceText:
            return NotImplemented
        return (
            self.data == other.data
            and self.has_bom == other.has_bom
            and self.crlf_lines == other.crlf_lines
            and self.lf_lines == other.lf_lines
        )

    __hash__ = None  # equal by content, so not hashable

    def __repr__(self) -> str:
        return (
            f"SourceText(<{len(self.data)} bytes>, has_bom={self.has_bom}, "
            f"crlf_lines={self.crlf_lines}, lf_lines={self.lf_lines})"
        )


def _position(data: bytes, offset: int) -> Position:
    """Line and character column of `offset` in bytes that may not all be UTF-8."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return Position(data.count(b"\n", 0, offset) + 1, column)


def looks_like_gbk(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 read as Chinese text in GBK (GB18030).

    GB18030 decodes almost any byte string, so decoding is not enough. The
    text must hold no control characters and at least two non-ASCII
    characters; 90% of those must come from the common GB2312 set (hanzi and
    CJK punctuation), at least half must be hanzi, and 70% of the hanzi must
    be level-1 (the 3,755 most frequent ones, which make up nearly all real
    text). Only the first 100,000 characters are counted. Latin-1 or
    Windows-1252 text and binary junk fail this.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    if _CONTROL.search(text):
        return False
    sample = text[:_GBK_SAMPLE]
    wide = len(sample) - len(sample.encode("ascii", "ignore"))
    if wide < 2:
        return False
    # the lead byte of each GB2312 character, found by tokenizing the encoded sample
    common = b"".join(_GBK_TOKEN.findall(sample.encode("gb18030")))
    hanzi = len(common.translate(None, _GB2312_SYMBOL_LEADS))
    level1 = len(common.translate(None, _GB2312_SYMBOL_LEADS + _GB2312_LEVEL2_LEADS))
    return len(common) >= 0.9 * wide and hanzi >= 0.5 * wide and level1 >= 0.7 * hanzi


def _bad_utf8(data: bytes, skipped: int, error: UnicodeDecodeError) -> ReadProblem:
    """The problem for `data` (the file after `skipped` BOM bytes) failing to decode."""
    offset = error.start
    where = _position(data, offset)
    file_offset = offset + skipped
    if looks_like_gbk(data):
        return ReadProblem(
            ProblemKind.GBK,
            f"first non-UTF-8 byte 0x{data[offset]:02x} at byte offset {file_offset}",
            where,
        )
    if error.reason == "unexpected end of data":
        detail = (
            f"the file ends inside a UTF-8 character (byte 0x{data[offset]:02x} at byte offset "
            f"{file_offset}); it was probably cut off"
        )
    else:
        detail = f"byte 0x{data[offset]:02x} at byte offset {file_offset} is not valid UTF-8"
    if not data[:offset].isascii():
        detail += " (the text before it is UTF-8: the file mixes encodings)"
    return ReadProblem(ProblemKind.NOT_UTF8, detail, where)


def _wide_unicode(raw: bytes) -> ReadProblem | None:
    """UTF-16 or UTF-32 text: with a BOM, or UTF-16 without one (every other byte NUL)."""
    for bom, name, order in _WIDE_BOMS:
        if raw.startswith(bom):
            return ReadProblem(ProblemKind.UTF16, f"{name} ({order}, with a byte order mark)")
    if len(raw) < 4 or len(raw) % 2 or b"\x00" not in raw:
        return None
    half = len(raw) // 2
    even, odd = raw[0::2].count(0), raw[1::2].count(0)  # ASCII in UTF-16 LE: 'a' is 61 00
    for nuls, others, codec, order in (
        (odd, even, "utf-16-le", "little-endian"),
        (even, odd, "utf-16-be", "big-endian"),
    ):
        if nuls < 0.2 * half or others * 3 > nuls:
            continue
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):  # binary data of 16-bit numbers holds control characters
            return ReadProblem(ProblemKind.UTF16, f"UTF-16 ({order}, without a byte order mark)")
    return None


def _nul(raw: bytes) -> ReadProblem:
    offset = raw.index(b"\x00")
    rest = raw.replace(b"\x00", b"")
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and raw.count(0) <= 8 and not _CONTROL.search(text):
        detail = (
            f"NUL byte at byte offset {offset} in otherwise plain text; "
            "remove the NUL bytes (the file is otherwise a note)"
        )
    else:
        detail = f"NUL byte at byte offset {offset}: this is a binary file"
    skipped = len(BOM) if raw.startswith(BOM) else 0
    return ReadProblem(ProblemKind.BINARY, detail, _position(raw[skipped:], offset - skipped))


def decode(raw: bytes) -> SourceText | ReadProblem:
    """Decode a note's bytes, or say why they are not a UTF-8 text note."""
    wide = _wide_unicode(raw)
    if wide is not None:
        return wide
    if b"\x00" in raw:
        return _nul(raw)
    has_bom = raw.startswith(BOM)
    data = raw[len(BOM) :] if has_bom else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _bad_utf8(data, len(BOM) if has_bom else 0, error)
    crlf = data.count(b"\r\n") if b"\r" in data else 0
    return SourceText(
        text=text,
        data=data,
        has_bom=has_bom,
        crlf_lines=crlf,
        lf_lines=data.count(b"\n") - crlf,
    )


_SPECIAL = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> ReadProblem:
    what = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return ReadProblem(
        ProblemKind.NOT_REGULAR, f"this is {what}, not a regular file, so it was not read"
    )


def _too_large(size: int, max_size: int) -> ReadProblem:
    return ReadProblem(
        ProblemKind.TOO_LARGE,
        f"file is {size:,} bytes, over the limit of {max_size:,} bytes",
    )


def _missing_or_link(path: Path, error: OSError) -> ReadProblem:
    """The problem for a failed `stat` or `open` of `path`."""
    if error.errno == errno.ELOOP:
        return ReadProblem(ProblemKind.SYMLINK_LOOP, "symbolic link loop")
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        try:
            target = os.readlink(path)
        except OSError:
            return ReadProblem(
                ProblemKind.UNREADABLE, "the file disappeared while the vault was being read"
            )
        return ReadProblem(ProblemKind.BROKEN_SYMLINK, f"symbolic link to missing {target!r}")
    return ReadProblem(ProblemKind.UNREADABLE, error.strerror or str(error))


def read_capped(fd: int, limit: int) -> bytes:
    """Read from `fd` until the end or until more than `limit` bytes were read."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read(path: Path, max_size: int) -> SourceText | ReadProblem:
    """Read and decode one file; never raises for the file's content or state."""
    max_size = max(max_size, 0)
    try:
        info = os.stat(path)
    except OSError as error:
        return _missing_or_link(path, error)
    except ValueError as error:  # e.g. a NUL in the path
        return ReadProblem(ProblemKind.UNREADABLE, str(error))
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(info.st_mode)
    if info.st_size > max_size:
        return _too_large(info.st_size, max_size)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return _missing_or_link(path, error)
    try:
        info = os.fstat(fd)  # what was opened may not be what was stat'ed
        if not stat.S_ISREG(info.st_mode):
            return _not_regular(info.st_mode)
        raw = read_capped(fd, max_size)
    except OSError as error:
        return ReadProblem(ProblemKind.UNREADABLE, error.strerror or str(error))
    finally:
        os.close(fd)
    if len(raw) > max_size:  # the file grew after the stat
        return _too_large(max(len(raw), info.st_size), max_size)
    return decode(raw)
