"""Regular expressions compiled once per Python installation, not once per process.

Importing the rules compiles about 170 module-level patterns, and `re` parses and
compiles each one in Python: ~50 ms of CPU in every process, the pre-commit hook's
included (a large Unicode class such as `[\\u3400-\\u9fff]` costs a millisecond or two).
`compile(pattern, flags)` returns what `re.compile` returns, and keeps the program that
`re` builds for it (the `_sre` code, a list of integers) in
`$XDG_CACHE_HOME/vaultkit/regexes-<python>.marshal`, beside the note cache's signing key
and trusted like it; the next process makes the pattern object from that program with
`_sre.compile`, as `re` itself does last, without parsing or compiling again.

The file is valid for one Python build (`sys.version`, `_sre.MAGIC`, `_sre.CODESIZE`),
and `_sre.compile` validates each program it is given. Anything unexpected (another
Python, a private API that changed, a corrupt or unwritable file) means patterns are
compiled by `re`, as before: the results are the same either way.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import re
import sys
from pathlib import Path

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # not CPython: every pattern goes through `re`
    _sre = None

MAX_KEPT = 1024  # programs kept in the file: ~190 a version, so a few versions side by side
_KEY = (sys.version, getattr(_sre, "MAGIC", None), getattr(_sre, "CODESIZE", None))

_stored: dict[tuple, tuple] | None = None  # (pattern, flags) -> arguments of `_sre.compile`
_used: dict[tuple, tuple] = {}  # what this process compiled, to write back
_missed = False  # a pattern was compiled by `re`: write the file at exit


def _path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vaultkit" / f"regexes-{sys.implementation.cache_tag}.marshal"


def _load() -> dict[tuple, tuple]:
    try:
        with open(_path(), "rb") as file:
            key, programs = marshal.loads(file.read())  # `marshal.load` reads a file in bits
    except Exception:  # missing, unreadable, corrupt or of another layout
        return {}
    return programs if key == _KEY and isinstance(programs, dict) else {}


def compile(pattern: str | bytes, flags: int = 0) -> re.Pattern:
    """`re.compile(pattern, flags)`, from the stored program when there is one."""
    global _stored, _missed
    flags = int(flags)
    if _sre is None or flags & re.DEBUG:
        return re.compile(pattern, flags)
    if _stored is None:
        _stored = _load()
    key = (pattern, flags)
    program = _stored.get(key)
    if program is not None:
        try:
            compiled = _sre.compile(pattern, *program)
        except Exception:  # a program this `_sre` does not accept: compile it again
            pass
        else:
            _used[key] = program
            return compiled
    try:
        program = _program(pattern, flags)
        compiled = _sre.compile(pattern, *program)
    except Exception:  # the private API changed; `re` raises its own errors for bad patterns
        return re.compile(pattern, flags)
    if not _missed:
        _missed = True
        atexit.register(_save)
    _used[key] = program
    return compiled


def _program(pattern: str | bytes, flags: int) -> tuple:
    """The arguments after `pattern` that `re._compiler.compile` passes to `_sre.compile`."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: marshal-able
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _save() -> None:
    """Write the programs back (atomically), those of this process first."""
    kept = {**(_stored or {}), **_used}
    if len(kept) > MAX_KEPT:
        kept = dict(_used)
    path = _path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(marshal.dumps((_KEY, kept)))
        os.replace(temporary, path)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


# Characters IGNORECASE matches to an ASCII letter that `str.lower()` does not turn into that
# letter alone (dotted and dotless I, long S; the Kelvin sign lowers to `k`).
_LOWER_APART = ("\u0130", "\u0131", "\u017f")
_ESCAPE = re.compile(r"\\.", re.DOTALL)


def lowered(text: str) -> str | None:
    """`text.lower()` for `Caseless.found_in`, or None when `text` holds a character that
    lowercasing would not match as IGNORECASE does."""
    if any(char in text for char in _LOWER_APART):
        return None
    return text.lower()


class Caseless:
    """A case-insensitive pattern, written in lowercase, looked for in lowercased text.

    An IGNORECASE search tries every alternative at every character of the text
    (alternatives without a common prefix give it nothing to skip to); the same
    pattern without the flag, on `text.lower()`, takes about a quarter of the time.
    `found_in` answers as the IGNORECASE search would for every text: a text that
    lowercasing would not match alike (`lowered` gives None) is searched with the flag.
    """

    __slots__ = ("ignorecase", "lowercase")

    def __init__(self, pattern: str) -> None:
        letters = _ESCAPE.sub("", pattern)  # `\W`, `\S`: classes, not letters
        if letters != letters.lower():
            raise ValueError(f"a Caseless pattern is written in lowercase: {pattern!r}")
        self.ignorecase = compile(pattern, re.IGNORECASE)
        self.lowercase = compile(pattern)

    def found_in(self, text: str, lower: str | None) -> bool:
        """Whether the pattern matches (ignoring case) somewhere in `text`, whose
        `lowered(text)` is `lower`."""
        if lower is None:
            return self.ignorecase.search(text) is not None
        return self.lowercase.search(lower) is not None
