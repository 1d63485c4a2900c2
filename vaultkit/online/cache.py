"""The persistent result cache: a second run checks nothing it checked recently.

It lives in the vault's cache folder, `.vaultkit_cache/` at the vault root,
which holds a `CACHEDIR.TAG` (backup tools skip the folder) and a `.gitignore`
of `*` (git never sees it), as ruff does with `.ruff_cache/`. The vault walk
skips it like every hidden folder. Results are one JSON file,
`online-images.json`: `{"version": 1, "entries": {key: verdict}}`, keyed by URL
(with a `private|` prefix for results obtained with `--allow-private`, so they
are never served to a run without it).

A result is fresh for `max_age` seconds; a transient failure (a timeout, a
connection error, a 5xx answer) for an hour at most. Refused and skipped URLs
are never stored: they cost nothing to recompute and depend on the flags. A
file that cannot be read or parsed, or holds another version, is ignored and
rebuilt; a record that is malformed is dropped. Writes go to a temporary file
that replaces the old one, so a crash never leaves half a file; a folder that
cannot be written to means no cache, not a failed check.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from vaultkit import cachedir
from vaultkit.cachedir import folder_for
from vaultkit.online.verdict import Outcome, Verdict

FILE = "online-images.json"
VERSION = 1
TRANSIENT_MAX_AGE = 3600.0
_STORED = (Outcome.OK, Outcome.BROKEN)


def key(url: str, allow_private: bool) -> str:
    return f"private|{url}" if allow_private else url


class ResultCache:
    """Earlier verdicts of one vault; `load()` it, `get()` from it, `put()` and `save()`."""

    def __init__(self, root: Path, max_age: float, allow_private: bool = False) -> None:
        self.path = folder_for(root) / FILE
        self.max_age = max_age
        self.allow_private = allow_private
        self.entries: dict[str, dict] = {}
        self.rebuilt = False  # the file existed but could not be used
        self.problem: str | None = None  # why the cache could not be written, if so

    def load(self) -> ResultCache:
        if cachedir.exists(self.path) and not cachedir.usable_file(self.path):
            self.rebuilt = True  # a link or a hard-linked file: never read through it
            return self
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self
        except (OSError, UnicodeDecodeError):
            self.rebuilt = True
            return self
        try:
            data = json.loads(text)
        except ValueError:
            self.rebuilt = True
            return self
        if not isinstance(data, dict) or data.get("version") != VERSION:
            self.rebuilt = True
            return self
        entries = data.get("entries")
        if not isinstance(entries, dict):
            self.rebuilt = True
            return self
        for name, record in entries.items():
            if isinstance(name, str) and self._verdict(name, record) is not None:
                self.entries[name] = record
        return self

    def _verdict(self, name: str, record: object) -> Verdict | None:
        if not isinstance(record, dict):
            return None
        url = name.removeprefix("private|")
        try:
            return Verdict.from_dict(url, record)
        except (KeyError, TypeError, ValueError):
            return None

    def get(self, url: str, now: float | None = None) -> Verdict | None:
        """A fresh cached verdict for `url`, marked `cached`; None when there is none."""
        record = self.entries.get(key(url, self.allow_private))
        if record is None:
            return None
        verdict = self._verdict(url, record)
        if verdict is None or verdict.outcome not in _STORED:
            return None
        age = (time.time() if now is None else now) - verdict.checked_at
        limit = min(self.max_age, TRANSIENT_MAX_AGE) if verdict.transient else self.max_age
        if not 0 <= age < limit:
            return None
        return verdict.as_cached()

    def put(self, verdict: Verdict) -> None:
        if verdict.outcome in _STORED and not verdict.cached:
            self.entries[key(verdict.url, self.allow_private)] = verdict.to_dict()

    def save(self, now: float | None = None) -> bool:
        """Write the cache, dropping stale records; False (with `problem` set) if it cannot."""
        now = time.time() if now is None else now
        kept = {
            name: record
            for name, record in self.entries.items()
            if 0 <= now - record["checked_at"] < max(self.max_age, TRANSIENT_MAX_AGE)
        }
        import tempfile  # with shutil, bz2 and lzma: not for the runs that import this only

        try:
            cachedir.prepare_folder(self.path.parent)
            handle, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=".online-images.", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({"version": VERSION, "entries": kept}, out, ensure_ascii=False)
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            self.problem = f"cannot write the result cache {self.path}: {error.strerror or error}"
            return False
        return True
