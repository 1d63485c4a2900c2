"""The note cache: a second run re-reads only the notes that changed.

It lives beside the online results in the vault's cache folder,
`.vaultkit_cache/` (or `$VAULTKIT_CACHE_DIR`), as one SQLite file,
`notes.sqlite`, holding per note:

- the file's size, modification time and BLAKE2b digest of its bytes;
- its parsed `Note` record, valid for one vaultkit version and the options
  that change parsing (`parse_key`);
- the findings of the note rules on it, valid for one vaultkit version, one
  configuration, one rule selection and one day (`rules_key`: `future-date`
  depends on the date);
- its facts (`vaultkit.facts`): what the vault rules read of a note that is
  not checked this run, valid for one vaultkit version and configuration
  (`facts_key`). A note that is not reported is then not even unpickled: the
  run holds its facts and a `LazyNote` that loads the record on first use;

the vault's totals (`vaultkit.facts.Totals`: what vault rules count over every
note's facts, for one configuration), updated for the notes that changed; and
the whole result of the last runs, replayed when nothing at all changed.

A note whose size and modification time match is not read; one whose time
changed is read and hashed, and reused when the bytes are the same (a `git
checkout`, a `touch`). A time less than two seconds before the run is never
trusted on its own, since a file written in the same clock tick after it was
cached would look unchanged.

The cache is never trusted blindly. Records are pickles, so each is signed
with keyed BLAKE2b whose secret key lives outside the vault, in the user's
cache folder (`$XDG_CACHE_HOME/vaultkit/secret`, mode 0600); a record that a
cloned or tampered cache folder brings along fails the check and is never
unpickled. A file that is not a cache of this format, is corrupt or is locked
is set aside and rebuilt; a folder that cannot be written means no cache, not a
failed check.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from vaultkit import cachedir

FILE = "notes.sqlite"
FORMAT = "vaultkit-notes-3"
RACY_SECONDS = 2.0  # modification times this close to the run are always verified
MAX_RUNS = 16  # whole-run results and printed reports kept for replay
# A note's state and facts (`notes`, read whole by every run) are kept apart from its record
# and findings (`records`, read for changed and reported notes only): in one row, the few
# columns after a record of several pages cost every run a walk along its overflow pages.
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notes (rel TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
    " digest BLOB, parse_key TEXT, rules_key TEXT, facts_key TEXT, facts BLOB, facts_mac BLOB)",
    "CREATE TABLE IF NOT EXISTS records (rel TEXT PRIMARY KEY, note BLOB, findings BLOB, mac BLOB)",
    "CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, used REAL, result BLOB, mac BLOB)",
    "CREATE TABLE IF NOT EXISTS totals (key TEXT PRIMARY KEY, totals BLOB, mac BLOB)",
)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def fingerprint(*parts: object) -> str:
    """A stable key from strings, numbers and bytes (never from `repr` of sets)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        raw = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")
        h.update(len(raw).to_bytes(8, "little") + raw)
    return h.hexdigest()


def _secret_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vaultkit" / "secret"


def _secret() -> bytes | None:
    """The user's signing key, created on first use; None when it cannot be kept."""
    path = _secret_path()
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(key)
        return key
    except FileExistsError:  # another run created it meanwhile
        with contextlib.suppress(OSError):
            key = path.read_bytes()
            return key if len(key) == 32 else None
    except OSError:
        pass
    return None


def remember_raw(folder: Path, key: str, blob: bytes) -> None:
    """Store `blob` under `key` among the whole-run records of the cache in `folder`, signed;
    quietly nothing when there is no usable cache there (a printed report, after the run)."""
    path = folder / FILE
    secret = _secret()
    if secret is None or not cachedir.usable_file(path):
        return
    cache = NoteCache(folder, "", "")
    cache._key = secret
    try:
        db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        if dict(db.execute("SELECT key, value FROM meta")).get("format") != FORMAT:
            return
        db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
            (key, time.time(), blob, cache._mac(key.encode(), blob)),
        )
        db.execute(
            "DELETE FROM runs WHERE key NOT IN (SELECT key FROM runs ORDER BY used DESC LIMIT ?)",
            (MAX_RUNS,),
        )
    except sqlite3.Error:
        pass
    finally:
        db.close()


def _same_bytes(path: Path, file_digest: bytes) -> bool:
    try:
        return digest(path.read_bytes()) == file_digest
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class Stat:
    """What a file looked like when it was read."""

    size: int
    mtime: int  # nanoseconds
    ctime: int = 0  # nanoseconds: changes whenever the file does, even if mtime is put back
    inode: int = 0  # a file replaced by another one (same size and times) is another inode

    @classmethod
    def of(cls, path: Path) -> Stat | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

    @property
    def stamp(self) -> int:
        """mtime, ctime and inode in one number (kept in the `mtime` column)."""
        raw = f"{self.mtime}:{self.ctime}:{self.inode}".encode()
        return int.from_bytes(hashlib.blake2b(raw, digest_size=7).digest(), "big")


@dataclass(slots=True)
class Entry:
    """A cached note: its record, and its note-rule findings when they are still valid."""

    note: object  # a vaultkit.note.Note
    findings: list | None  # list[Diagnostic]; None: the rules must run again


# A row of `notes`, as kept in memory (`_rows`) and as written (`_pending`, without `rel`).
_SIZE, _MTIME, _DIGEST, _PARSE_KEY, _NOTE, _RULES_KEY, _FINDINGS, _MAC = range(8)
_FACTS_KEY, _FACTS, _FACTS_MAC = 8, 9, 10
_COLUMNS = (
    "size, mtime, digest, parse_key, NULL, rules_key, NULL, NULL, facts_key, facts, facts_mac"
)
_STATE = (_SIZE, _MTIME, _DIGEST, _PARSE_KEY, _RULES_KEY, _FACTS_KEY, _FACTS, _FACTS_MAC)


class NoteCache:
    """One vault's note cache; `open()` it, `get`/`put` notes, `close()` to write."""

    def __init__(self, folder: Path, parse_key: str, rules_key: str, facts_key: str = "") -> None:
        self.folder = folder
        self.path = folder / FILE
        self.parse_key = parse_key
        self.rules_key = rules_key
        self.facts_key = facts_key
        self.started = time.time()
        self.rebuilt = False  # an unusable cache file was set aside
        self.problem: str | None = None  # why the cache could not be used or written
        self._key: bytes | None = None
        self._db: sqlite3.Connection | None = None
        self._rows: dict[str, tuple] = {}
        self._pending: dict[str, tuple] = {}
        self._stale: set[str] = set()
        self._stats: dict[str, Stat | None] = {}
        self._found: set[str] = set()  # notes whose rows `_current` found current
        self._pending_run: tuple | None = None
        self._pending_totals: bytes | None = None
        self.run_key: str | None = None  # set by the linter when a run may be replayed

    # -- opening -------------------------------------------------------------------------

    def open(self) -> NoteCache:
        self._key = _secret()
        if self._key is None:
            self.problem = f"no signing key could be kept at {_secret_path()}; cache not used"
            return self
        try:
            self._connect()
        except (sqlite3.Error, OSError) as error:
            self._set_aside(error)
        return self

    def _connect(self) -> None:
        """Open the database; a file that is not a cache of ours is set aside, never written."""
        cachedir.prepare_folder(self.folder)
        for suffix in ("-journal", "-wal", "-shm"):  # SQLite would write through a planted link
            cachedir.remove_unsafe(self.path.with_name(FILE + suffix))
        if cachedir.exists(self.path) and not self._ours():
            self.rebuilt = True
            cachedir.set_aside(self.path)
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        try:
            if not cachedir.usable_file(self.path):  # replaced between the check and the open
                raise OSError(f"{self.path} is not a plain file")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            self._rows = {
                row[0]: row[1:] for row in db.execute(f"SELECT rel, {_COLUMNS} FROM notes")
            }
        except BaseException:
            db.close()
            raise
        self._db = db

    def _ours(self) -> bool:
        """Whether the existing cache file is a plain file holding a cache of this format.

        It is read through a read-only connection first, so that a database that is not
        ours (another format, another program's, one reached through a link) is never
        written to.
        """
        if not cachedir.usable_file(self.path):
            return False
        try:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=2.0)
        except (sqlite3.Error, OSError, ValueError):
            return False
        try:
            found = dict(db.execute("SELECT key, value FROM meta"))
        except (sqlite3.Error, ValueError):
            return False
        finally:
            db.close()
        return found.get("format") == FORMAT

    def _set_aside(self, error: Exception) -> None:
        """Move an unusable cache file away (within the checked folder) and start a new one."""
        self.rebuilt = True
        if isinstance(error, cachedir.UnsafeCacheFolder):
            self.problem = f"cannot use the note cache: {error}"
            return
        with contextlib.suppress(OSError):
            cachedir.set_aside(self.path)
        try:
            self._connect()
        except (sqlite3.Error, OSError) as again:
            self.problem = f"cannot use the note cache {self.path}: {again}"
            self._db = None
        else:
            self.problem = None
        if self._db is None and self.problem is None:
            self.problem = f"cannot use the note cache {self.path}: {error}"

    @property
    def usable(self) -> bool:
        return self._db is not None

    # -- signing -------------------------------------------------------------------------

    def _mac(self, *parts: bytes | None) -> bytes:
        """BLAKE2b in its keyed mode (a MAC by design, one C call instead of HMAC's two)."""
        h = hashlib.blake2b(key=self._key, digest_size=32)
        for part in parts:
            part = part or b""
            h.update(len(part).to_bytes(8, "little") + part)
        return h.digest()

    def _load(self, blob: bytes):
        try:
            return pickle.loads(blob)
        except Exception:  # a record of an older layout: recompute it
            return None

    # -- notes ---------------------------------------------------------------------------

    def stat(self, rel: str, path: Path) -> Stat | None:
        """`Stat.of(path)`, taken once per run: the replay check and the per-note stage
        both look at every file, and a hook run that replays nothing would stat each twice."""
        try:
            return self._stats[rel]
        except KeyError:
            stat = self._stats[rel] = Stat.of(path)
            return stat

    def _current(self, rel: str, path: Path, stat: Stat | None) -> tuple | None:
        """The row of `rel` if the file is unchanged (same bytes) and parsed alike, else None."""
        row = self._pending.get(rel) or self._rows.get(rel)
        if row is None or stat is None or row[_PARSE_KEY] != self.parse_key:
            return None
        if (row[_SIZE], row[_MTIME]) != (stat.size, stat.stamp):
            if row[_SIZE] != stat.size or not _same_bytes(path, row[_DIGEST]):
                return None
            self._stale.add(rel)  # same bytes, new time: record the new time
        self._found.add(rel)
        return row

    def get(self, rel: str, path: Path, stat: Stat | None) -> Entry | None:
        """The cached note at `rel` (file `path`) if the file is unchanged, else None."""
        row = self._current(rel, path, stat)
        if row is None:
            return None
        note = self.note(rel)
        if note is None:
            return None
        findings = None
        if row[_RULES_KEY] == self.rules_key:
            blobs = self._blobs(rel)
            if blobs is not None and blobs[1] is not None:
                findings = self._load(blobs[1])
        return Entry(note, findings)

    def facts(self, rel: str, path: Path, stat: Stat | None):
        """The cached facts of `rel` if the file is unchanged and they are still valid."""
        row = self._current(rel, path, stat)
        if row is None or row[_FACTS_KEY] != self.facts_key or row[_FACTS] is None:
            return None
        blob = row[_FACTS]
        expected = self._mac(rel.encode(), row[_DIGEST], blob)
        if not hmac.compare_digest(row[_FACTS_MAC] or b"", expected):
            return None
        return self._load(blob)

    def counted(self, rel: str, path: Path, stat: Stat | None) -> bytes | None:
        """The digest of `rel` if the file is unchanged and its facts are kept, else None;
        the facts themselves are neither checked nor read (see `facts`)."""
        row = self._current(rel, path, stat)
        if row is None or row[_FACTS_KEY] != self.facts_key or row[_FACTS] is None:
            return None
        return row[_DIGEST]

    def digest(self, rel: str) -> bytes | None:
        """The digest of the bytes of `rel` as this run found them: those it `put`, or those
        of a row found current (by `get`, `facts` or `counted`); else None."""
        row = self._pending.get(rel)
        if row is None and rel in self._found:
            row = self._rows.get(rel)
        return None if row is None else row[_DIGEST]

    def facts_before(self, rel: str, file_digest: bytes):
        """The facts the cache held for `rel` when it was opened, if they were those of the
        bytes with `file_digest` (the note may have changed since), else None."""
        row = self._rows.get(rel)
        if row is None or row[_DIGEST] != file_digest or row[_FACTS_KEY] != self.facts_key:
            return None
        blob = row[_FACTS]
        if blob is None or not hmac.compare_digest(
            row[_FACTS_MAC] or b"", self._mac(rel.encode(), file_digest, blob)
        ):
            return None
        return self._load(blob)

    def totals(self):
        """The vault's totals (`vaultkit.facts.Totals`) kept for this configuration, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT totals, mac FROM totals WHERE key = ?", (self.facts_key,)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(
            row[1] or b"", self._mac(b"totals", self.facts_key.encode(), row[0])
        ):
            return None
        return self._load(row[0])

    def put_totals(self, totals) -> None:
        """Keep the vault's totals, in place of any others."""
        self._pending_totals = pickle.dumps(totals, protocol=5)

    def note(self, rel: str):
        """The cached record of `rel` (checked by `get` or `facts` first), or None."""
        if self._db is None and rel not in self._pending:
            return None
        row = self._pending.get(rel) or self._rows.get(rel)
        blobs = self._blobs(rel)
        if row is None or blobs is None:
            return None
        note_blob, findings_blob, mac = blobs
        if not hmac.compare_digest(
            mac or b"", self._mac(rel.encode(), row[_DIGEST], note_blob, findings_blob)
        ):
            return None  # not written by this user's vaultkit: never unpickle it
        return self._load(note_blob)

    def _blobs(self, rel: str) -> tuple | None:
        pending = self._pending.get(rel)
        if pending is not None and pending[_NOTE] is not None:
            return pending[_NOTE], pending[_FINDINGS], pending[_MAC]
        try:
            row = self._db.execute(
                "SELECT note, findings, mac FROM records WHERE rel = ?", (rel,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return row if row is not None and isinstance(row[0], bytes) else None

    def _facts_columns(self, rel: str, file_digest: bytes, facts) -> tuple:
        if facts is None:
            return None, None, None
        blob = pickle.dumps(facts, protocol=5)
        return self.facts_key, blob, self._mac(rel.encode(), file_digest, blob)

    def put(
        self, rel: str, stat: Stat | None, raw: bytes | None, note_blob: bytes, findings,
        facts=None,
    ) -> None:  # fmt: skip
        """Remember a parsed note (its pickled record), its facts and, if they ran, its
        findings."""
        if self._db is None or stat is None or raw is None:
            return
        mtime = stat.stamp if self.started - stat.mtime / 1e9 > RACY_SECONDS else -1
        file_digest = digest(raw)
        findings_blob = None if findings is None else pickle.dumps(findings, protocol=5)
        mac = self._mac(rel.encode(), file_digest, note_blob, findings_blob)
        self._pending[rel] = (
            stat.size, mtime, file_digest, self.parse_key, note_blob,
            self.rules_key if findings is not None else None, findings_blob, mac,
            *self._facts_columns(rel, file_digest, facts),
        )  # fmt: skip

    def _full_row(self, rel: str) -> list | None:
        """The whole row of `rel` (blobs included), to be changed and written again."""
        row = self._pending.get(rel)
        if row is not None and row[_NOTE] is not None:
            return list(row)
        known, blobs = self._rows.get(rel), self._blobs(rel)
        if known is None or blobs is None:
            return None
        row = list(row or known)
        row[_NOTE], row[_FINDINGS], row[_MAC] = blobs
        return row

    def put_findings(self, rel: str, findings) -> None:
        """Add note-rule findings to a note served from the cache without them."""
        row = self._full_row(rel)
        if row is None:
            return
        row[_FINDINGS] = pickle.dumps(findings, protocol=5)
        row[_RULES_KEY] = self.rules_key
        row[_MAC] = self._mac(rel.encode(), row[_DIGEST], row[_NOTE], row[_FINDINGS])
        self._pending[rel] = tuple(row)

    def put_facts(self, rel: str, facts) -> None:
        """Add facts to a note served from the cache without valid ones."""
        row = self._full_row(rel)
        if row is None:
            return
        row[_FACTS_KEY:] = self._facts_columns(rel, row[_DIGEST], facts)
        self._pending[rel] = tuple(row)

    def touch(self, rel: str, stat: Stat) -> None:
        """Record the new modification time of a note whose bytes did not change."""
        if rel not in self._stale:
            return
        row = self._full_row(rel)
        if row is None:
            return
        row[_SIZE] = stat.size
        row[_MTIME] = stat.stamp if self.started - stat.mtime / 1e9 > RACY_SECONDS else -1
        self._pending[rel] = tuple(row)

    # -- whole runs ----------------------------------------------------------------------

    def replay(self, key: str):
        """The result of an earlier run with exactly these inputs, or None."""
        blob = self.replay_bytes(key)
        return None if blob is None else self._load(blob)

    def replay_bytes(self, key: str) -> bytes | None:
        """The raw record stored under `key` by `remember_raw`, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT result, mac FROM runs WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(row[1] or b"", self._mac(key.encode(), row[0])):
            return None
        return row[0]

    def remember(self, key: str, result) -> None:
        if self._db is None:
            return
        blob = pickle.dumps(result, protocol=5)
        self._pending_run = (key, time.time(), blob, self._mac(key.encode(), blob))

    # -- writing -------------------------------------------------------------------------

    def close(self, keep: set[str] | None = None) -> None:
        """Write what changed; with `keep`, forget notes that are no longer in the vault."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(rel, *(row[i] for i in _STATE)) for rel, row in self._pending.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                [
                    (rel, row[_NOTE], row[_FINDINGS], row[_MAC])
                    for rel, row in self._pending.items()
                ],
            )
            if keep is not None:
                gone = [(rel,) for rel in self._rows if rel not in keep]
                db.executemany("DELETE FROM notes WHERE rel = ?", gone)
                db.executemany("DELETE FROM records WHERE rel = ?", gone)
            if self._pending_totals is not None:
                db.execute("DELETE FROM totals")
                blob = self._pending_totals
                mac = self._mac(b"totals", self.facts_key.encode(), blob)
                db.execute("INSERT INTO totals VALUES (?, ?, ?)", (self.facts_key, blob, mac))
            run = self._pending_run
            if run is not None:
                db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)", run)
                db.execute(
                    "DELETE FROM runs WHERE key NOT IN "
                    "(SELECT key FROM runs ORDER BY used DESC LIMIT ?)",
                    (MAX_RUNS,),
                )
            db.execute("COMMIT")
        except sqlite3.Error as error:
            self.problem = f"cannot write the note cache {self.path}: {error}"
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        finally:
            db.close()
