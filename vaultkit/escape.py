"""Text from the vault made safe to show: on a terminal, in XML, in any UTF-8 file.

Note text and file names are untrusted: an `ESC ] 0 ;` sequence in a title
would set the terminal's title, `ESC [ 2K` erase earlier findings, a newline
in a file name forge a finding line, and a name that is not UTF-8 (decoded
with `surrogateescape`) cannot be written to a UTF-8 file at all. `visible`
writes each such character as a Python-style escape (`\\x1b`, `\\u202e`); an
undecodable byte of a name becomes `\\xNN` of that byte.
"""

from __future__ import annotations

import re

from vaultkit import regexes

# C0 and C1 controls, DEL, lone surrogates, bidirectional overrides and isolates,
# and the non-characters XML refuses.
_UNSAFE = regexes.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that `surrogateescape` could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "\t") -> str:
    """`text` with control, escape and undecodable characters (but those in `keep`) escaped."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def is_visible(text: str, keep: str = "\t") -> bool:
    """Whether `visible(text, keep)` would leave `text` as it is."""
    return all(m.group() in keep for m in _UNSAFE.finditer(text))
