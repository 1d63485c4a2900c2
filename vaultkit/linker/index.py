"""The linker's index of a vault: every note's `Features`, and a token matrix.

Built from the notes' parses and cached like the lint cache: in the vault's
cache folder (`.vaultkit_cache/linker/`, or below `$VAULTKIT_CACHE_DIR`), as
`index.json` (each note's size, modification time and features) and
`tokens.npz` (the token counts of every note, one sparse row each). A note
whose size and modification time are unchanged is not read again; the
mentions of every note are found again only when a topic's names or aliases
changed. Neither file is a pickle, so a cache folder that arrives with a
cloned vault can at worst make suggestions wrong, never run code.

The token counts are read only when the model has to be built (`counts`):
a `suggest` whose model is cached never opens `tokens.npz`. Both files carry
the key of the notes they were written for, so counts written by another
run in between are noticed, and counted again from the notes.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vaultkit import cache as cache_module
from vaultkit import cachedir
from vaultkit import vault as vault_module
from vaultkit.config import Config
from vaultkit.linker import features as features_module
from vaultkit.linker import text as text_module
from vaultkit.linker.features import BUCKETS, Features
from vaultkit.linker.matching import Matcher
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex
from vaultkit.topics import stem, topic_key

FORMAT = "vaultkit-linker-1"
SKIPPED_TOPICS = frozenset({"readme", "index"})  # entry pages of the topic folder, no topics


@dataclass
class Topic:
    key: str  # topic_key of its name
    name: str  # the topic note's file name: what a `[[00-元语/name]]` link writes
    rel: str
    aliases: list[str] = field(default_factory=list)
    definition: str = ""


@dataclass
class Counts:
    """Notes x token buckets, raw counts, as the arrays of a CSR matrix (numpy only)."""

    data: np.ndarray  # float32
    indices: np.ndarray  # int32, sorted within each row
    indptr: np.ndarray  # int64

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.indptr) - 1, BUCKETS)

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[r], self.indptr[r + 1]
        return self.indices[lo:hi], self.data[lo:hi]


@dataclass
class VaultIndex:
    root: Path
    config: Config
    notes: list[Features]
    rows: Counts | Callable[[], Counts]  # the counts, or how to read them when first asked
    topics: dict[str, Topic]  # key -> topic
    key: str = ""  # changes whenever a note, a topic's names or the linker's code change
    by_rel: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_rel = {f.rel: i for i, f in enumerate(self.notes)}

    @property
    def counts(self) -> Counts:
        """The token counts of every note (read from the cache when first asked)."""
        if callable(self.rows):
            self.rows = self.rows()
        return self.rows

    def matcher(self) -> Matcher:
        return matcher_for(self.topics)

    def relations(self) -> list[tuple[int, int, str]]:
        """(note, target note, reason) of every `## 相关文档` entry that reaches another
        note of the index."""
        out = []
        for i, features in enumerate(self.notes):
            for target, reason in features.related:
                j = self.by_rel.get(target) if target else None
                if j is not None and j != i:
                    out.append((i, j, reason))
        return out


def matcher_for(topics: dict[str, Topic]) -> Matcher:
    return Matcher({key: [topic.name, *topic.aliases] for key, topic in topics.items()})


def _names_key(topics: dict[str, Topic]) -> str:
    parts: list[object] = []
    for key in sorted(topics):
        parts += (key, topics[key].name, *topics[key].aliases, "|")
    return cache_module.fingerprint(*parts)


def _topics_of(notes: list[Features], config: Config) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for features in notes:
        if not features.is_topic:
            continue
        name = stem(features.rel)
        key = topic_key(name)
        if key in SKIPPED_TOPICS or not key or key in topics:
            continue
        topics[key] = Topic(key, name, features.rel, features.aliases, features.definition)
    return topics


def folder(root: Path) -> Path:
    return cachedir.folder_for(root) / "linker"


def _code_key() -> str:
    """Size and time of the linker's own modules: an edited linker rebuilds its index."""
    package = Path(__file__).parent
    parts: list[object] = [FORMAT]
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") and name in ("features.py", "text.py", "matching.py", "index.py"):
            info = os.stat(package / name)
            parts += (name, info.st_size, info.st_mtime_ns)
    return cache_module.fingerprint(*parts)


def _load_cache(folder: Path, code_key: str) -> dict:
    """The cached `index.json` ({} when there is none, or it is unusable)."""
    names = (folder / "index.json", folder / "tokens.npz")
    if not all(cachedir.usable_file(path) for path in names) or not _real_folder(folder):
        return {}
    try:
        meta = json.loads((folder / "index.json").read_text("utf-8"))
        if meta.get("format") != code_key or not isinstance(meta.get("notes"), list):
            return {}
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _load_tokens(folder: Path, key: object, rows: int) -> Counts | None:
    """The cached token counts, when they were written for the notes of key `key`."""
    path = folder / "tokens.npz"
    if not isinstance(key, str) or not cachedir.usable_file(path) or not _real_folder(folder):
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if bytes(arrays["key"]).decode("ascii") != key:
                return None
            counts = Counts(
                arrays["data"].astype(np.float32, copy=False),
                arrays["indices"].astype(np.int32, copy=False),
                arrays["indptr"].astype(np.int64, copy=False),
            )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    ok = len(counts.indptr) == rows + 1 and counts.indptr[-1] == len(counts.data)
    return counts if ok and len(counts.indices) == len(counts.data) else None


def _save_cache(folder: Path, meta: dict, matrix: Counts) -> None:
    """Write both files atomically; a cache that cannot be written is no error."""
    with contextlib.suppress(OSError):
        cachedir.prepare_folder(folder.parent)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o755)
        if not _real_folder(folder):
            return
        for name, write in (
            ("tokens.npz", lambda out: np.savez(
                out, data=matrix.data, indices=matrix.indices, indptr=matrix.indptr,
                key=np.frombuffer(meta["tokens"].encode("ascii"), np.uint8))),
            ("index.json", lambda out: out.write(
                json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode())),
        ):  # fmt: skip
            fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    write(out)
                os.replace(temp, folder / name)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise


def _real_folder(path: Path) -> bool:
    """A folder, not a link to one: the cache never writes or reads through a link."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def load(root: Path, config: Config, use_cache: bool = True) -> VaultIndex:
    """The linker index of the vault at `root`, reusing the cache for unchanged notes."""
    found = vault_module.discover(root, config)
    paths = {vault_module.relative(p, root): p for p in found.notes}
    stats = {rel: cache_module.Stat.of(path) for rel, path in paths.items()}
    code_key = _code_key()
    meta = _load_cache(folder(root), code_key) if use_cache else {}
    cached: dict[str, tuple[int, Features]] = {}
    for row, (rel, size, mtime, data) in enumerate(meta.get("notes", ())):
        stat = stats.get(rel)
        if stat is not None and (stat.size, stat.mtime) == (size, mtime):
            cached[rel] = (row, Features.from_json(data))
    todo = [rel for rel in paths if rel not in cached]
    parsed: dict[str, Note] = {}
    fresh: dict[str, Features] = {}
    if todo:
        size = config.max_file_size
        parsed = {rel: vault_module.parse_file(paths[rel], rel, size) for rel in todo}
        stubs = [Note(path=paths[rel], rel=rel) for rel in paths if rel not in parsed]
        vault = vault_module.Vault(
            root, config, [*parsed.values(), *stubs],
            [vault_module.relative(p, root) for p in found.attachments],
        )  # fmt: skip
        link_index = LinkIndex(vault)
        for rel, note in parsed.items():
            if note.source is not None:
                settings = config.settings_for(rel)
                fresh[rel] = features_module.read(note, settings, link_index, None)
    order = sorted(rel for rel in paths if rel in cached or rel in fresh)
    notes = [cached[rel][1] if rel in cached else fresh[rel] for rel in order]
    topics = _topics_of(notes, config)
    names_key = _names_key(topics)
    rematch = [f for f in notes if f.rel in fresh]
    if meta.get("names") != names_key:
        rematch = notes
    if rematch:
        _match(rematch, parsed, paths, config, topics)
    state: list[object] = [code_key]
    for rel in order:
        stat = stats[rel]
        state += (rel, stat.size if stat else -1, stat.mtime if stat else -1)
    tokens_key = cache_module.fingerprint(*state)
    where = folder(root)
    rows: Counts | Callable[[], Counts]
    if not fresh and meta.get("tokens") == tokens_key:

        def rows() -> Counts:
            found = _load_tokens(where, tokens_key, len(order))
            return found if found is not None else _recount(root, config, paths, notes)

    else:
        old = _load_tokens(where, meta.get("tokens"), len(meta["notes"])) if cached else None
        if old is None and cached:
            fresh_rows = {f.rel: f.tokens for f in notes if f.rel in fresh}
            rows = _recount(root, config, paths, notes, fresh_rows)
        else:
            rows = _rows(order, cached, fresh, old)
    key = cache_module.fingerprint(tokens_key, names_key)
    index = VaultIndex(root, config, notes, rows, topics, key)
    if use_cache and (todo or rematch or len(order) != len(meta.get("notes", ()))):
        stored = [[rel, stats[rel].size, stats[rel].mtime, f.to_json()] for rel, f in
                  zip(order, notes, strict=True) if stats[rel] is not None]  # fmt: skip
        if len(stored) == len(order):
            saved = {"format": code_key, "names": names_key, "tokens": tokens_key}
            _save_cache(where, {**saved, "notes": stored}, index.counts)
    return index


def _match(notes: list[Features], parsed: dict[str, Note], paths, config, topics) -> None:
    matcher = matcher_for(topics)
    size = config.max_file_size
    for features in notes:
        note = parsed.get(features.rel) or vault_module.parse_file(
            paths[features.rel], features.rel, size
        )
        if note.source is None:
            continue
        options = config.settings_for(features.rel).topics
        prose = text_module.prose(note, (options.section, options.related_section))
        features_module.mention(features, prose, matcher)


def _recount(root, config, paths, notes, known: dict | None = None) -> Counts:
    """Every note's token counts read again (the cached ones were written for other notes)."""
    size = config.max_file_size
    tokens: dict[str, dict[int, int]] = dict(known or {})
    for features in notes:
        if features.rel in tokens:
            continue
        note = vault_module.parse_file(paths[features.rel], features.rel, size)
        found: dict[int, int] = {}
        if note.source is not None:
            options = config.settings_for(features.rel).topics
            prose = text_module.prose(note, (options.section, options.related_section))
            found = features_module.token_counts(prose, features.title)
        tokens[features.rel] = found
    fresh = {f.rel: Features(f.rel, f.title, f.is_topic, tokens=tokens[f.rel]) for f in notes}
    return _rows([f.rel for f in notes], {}, fresh, None)


def _rows(order, cached, fresh, matrix: Counts | None) -> Counts:
    """The token count matrix in `order`: cached rows reused, new rows added."""
    indptr = [0]
    pieces_i: list[np.ndarray] = []
    pieces_d: list[np.ndarray] = []
    for rel in order:
        if rel in cached:
            indices, data = matrix.row(cached[rel][0])
        else:
            tokens = fresh[rel].tokens
            keys = np.fromiter(tokens, dtype=np.int32, count=len(tokens))
            values = np.fromiter(tokens.values(), dtype=np.float32, count=len(tokens))
            sort = np.argsort(keys)
            indices, data = keys[sort], values[sort]
        pieces_i.append(indices)
        pieces_d.append(data)
        indptr.append(indptr[-1] + len(indices))
    indices = np.concatenate(pieces_i) if pieces_i else np.zeros(0, np.int32)
    data = np.concatenate(pieces_d) if pieces_d else np.zeros(0, np.float32)
    return Counts(
        data.astype(np.float32), indices.astype(np.int32), np.asarray(indptr, dtype=np.int64)
    )
