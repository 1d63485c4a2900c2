"""What the topics and related-documents rules read, built once and shared.

The sections of one note are read by `vaultkit.topics` (shared with the
linker); this module adds what only the rules need:

- `listed_topics(views, options)`: the distinct topics a section lists, as written.
- `topic_map(vault)`: every `## 关联主题` entry of the vault, resolved
  (`vaultkit.resolve`) and classified once, plus the topic notes and the
  spelling each topic should have; cached on the vault.

One problem, one finding: each entry gets at most one *kind* (`banned`,
`synonym`, `near`, `missing`, in that order of precedence), and exactly one
rule reports each kind (TP004, TP003, TP002, TP001). The link rules leave
these links alone (`deferred_links`): LK001 does not report a missing topic
entry nor a missing `## 相关文档` target (LK101 does), LK002 not the latter
either, and LK006 not a case-mismatched topic entry that TP002–TP004 report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from sys import intern

from vaultkit.config import Config
from vaultkit.facts import others, provides, sums
from vaultkit.note import Link, Note
from vaultkit.options import TopicsOptions
from vaultkit.resolve import LinkIndex, Resolution, Status, index_for
from vaultkit.suggest import Names
from vaultkit.targets import Target, is_image, parse_target
from vaultkit.topics import (
    SectionLine,
    SectionView,
    fold,
    in_folder,
    lists,
    related_entries,
    section_lines,
    stem,
    topic_key,
    topic_name,
)
from vaultkit.vault import NOTE_SUFFIX, Vault

_VAULT_CACHE = "_vaultkit_topic_map"
_ONE_FOLDER = "topics: the one topic folder"  # `_one_folder`, in the link index's `derived`

BANNED, SYNONYM, NEAR, MISSING = "banned", "synonym", "near", "missing"


def listed_topics(views: list[SectionView], options: TopicsOptions) -> dict[str, SectionLine]:
    """The distinct topics the sections list, as written (no resolving), each with its line.

    A topic is a wikilink into the topic folder (or a bare name), keyed by
    `topic_key` with synonyms mapped to the topic they stand for and banned
    names left out, or a link to a note of `topics.concept-folders`, keyed by
    its folded path. Image embeds and other links are not topics.
    """
    known = lists(options)
    topics: dict[str, SectionLine] = {}
    for view in views:
        for line in view.lines:
            for link in line.links:
                if link.kind != "wikilink":
                    continue
                path = link.target.partition("#")[0].strip()
                if link.embed and is_image(path):
                    continue
                written = path.strip("/").rpartition("/")[0]
                key = topic_key(topic_name(path))
                if not key:
                    continue
                if not written or fold(written) == known.folder:
                    if key not in known.banned:
                        topics.setdefault(known.synonym_keys.get(key, key), line)
                elif any(in_folder(path, folder) for folder in options.concept_folders):
                    topics.setdefault(fold(path), line)  # a concept note, by its whole path
    return topics


# ------------------------------------------------------------------ the vault's topic map


@dataclass(slots=True)
class TopicEntry:
    """One wikilink under `## 关联主题`."""

    note: Note
    line: SectionLine
    resolution: Resolution
    name: str  # the topic as spelled: the link path's last part, without `.md`
    key: str  # `topic_key(name)`
    topic_like: bool  # written into the topic folder (or as a bare name), or reaching it
    kind: str = ""  # BANNED, SYNONYM, NEAR, MISSING or "" (nothing wrong with the name)
    other: str = ""  # for SYNONYM and NEAR: the topic to write instead

    @property
    def link(self) -> Link:
        return self.resolution.link


class TopicMap:
    """Every topic entry of the vault, classified; the topic notes; the canonical spellings."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.index: LinkIndex = index_for(vault)
        self.entries: dict[str, list[TopicEntry]] = {}  # note rel -> its topic entries
        self.notes_by_key: dict[str, list[str]] = defaultdict(list)  # topic notes by key
        self.topic_notes: list[Note] = []
        self.uses: dict[str, Counter[str]] = defaultdict(Counter)  # key -> spelling -> uses
        self._deferred: dict[str, dict[str, frozenset[int]]] = {}
        self._names: Names | None = None
        self._options: dict[str, TopicsOptions] = {}
        self._folder: str | None = None  # the one topic folder of every note, "" if several
        counted = others(vault, "topic-uses")  # the uses in notes not reported on, if kept
        for note in vault.notes:
            if not note.rel.lower().endswith(NOTE_SUFFIX):
                continue
            subject = vault.is_subject(note)
            facts = None if subject or counted is not None else note.facts
            if facts is None and not note.readable:
                continue
            folder = self.folder(note)
            if in_folder(note.rel, folder):
                self.topic_notes.append(note)
                self.notes_by_key[topic_key(stem(note.rel))].append(note.rel)
            if facts is not None:  # a note no rule reports on: its uses count, no more
                self._count(note, facts["topics"], folder)
                continue
            if counted is not None and not subject:
                continue  # its uses are in `counted`
            options = self.options(note)
            views = section_lines(note, options.section)
            if views:
                entries = self._read(note, views, options)
                if entries:
                    self.entries[note.rel] = entries
        for (key, name), uses in (counted or {}).items():
            self.uses[key][name] += uses
        self.canonical: dict[str, str] = {}
        self.spellings: dict[str, set[str]] = {}
        for key in {*self.uses, *self.notes_by_key}:
            used = self.uses.get(key, Counter())
            stems = [stem(rel) for rel in self.notes_by_key.get(key, [])]
            pool = stems or list(used)
            self.canonical[key] = min(pool, key=lambda name: (-used[name], name))
            self.spellings[key] = {*stems, *used}
        for entries in self.entries.values():
            for entry in entries:
                self._classify(entry)

    def nearest(self, name: str) -> str | None:
        """The topic note (its vault path) whose name is most like `name`, if one is close."""
        if self._names is None:
            self._names = Names({fold(stem(note.rel)): note.rel for note in self.topic_notes})
        return self._names.nearest(fold(name), cutoff=0.75)

    def options(self, note: Note) -> TopicsOptions:
        """The topics options for a note (looked up once per note)."""
        found = self._options.get(note.rel)
        if found is None:
            found = self._options[note.rel] = self.vault.config.settings_for(note.rel).topics
        return found

    def _read(self, note: Note, views: list[SectionView], options) -> list[TopicEntry]:
        resolutions = {r.link.start: r for r in self.index.links_of(note)}
        entries = []
        for view in views:
            for line in view.lines:
                for link in line.links:
                    resolution = resolutions.get(link.start)
                    if link.kind != "wikilink" or resolution is None:
                        continue
                    target = resolution.target
                    if target.embed and target.is_image:
                        continue  # the images rules check these
                    name, topic_like = _written_topic(target.path, options)
                    if topic_like is None:
                        reached = resolution.rel
                        topic_like = reached is not None and in_folder(reached, options.folder)
                    name = intern(name)  # the vault's entries name few topics, many times
                    key = intern(topic_key(name))
                    entry = TopicEntry(note, line, resolution, name, key, topic_like)
                    if topic_like and entry.key:
                        self.uses[entry.key][name] += 1
                    entries.append(entry)
        return entries

    def folder(self, note: Note) -> str:
        """The topic folder for a note; without asking the settings when only one is set."""
        if self._folder is None:
            self._folder = _one_folder(self.vault.config)
        return self._folder or self.options(note).folder

    def _count(self, note: Note, facts: tuple, folder: str) -> None:
        """Count the uses of a note's topic entries from its facts (see `topic_facts`)."""
        for key, name in _uses(self.index, note.rel, facts, folder):
            self.uses[key][name] += 1

    def _classify(self, entry: TopicEntry) -> None:
        missing = entry.resolution.status is Status.MISSING
        if not entry.topic_like or not entry.key:
            entry.kind = MISSING if missing else ""
            return
        found = lists(self.options(entry.note))
        if entry.key in found.banned:
            entry.kind = BANNED
        elif entry.key in found.synonyms:
            entry.kind, entry.other = SYNONYM, found.synonyms[entry.key]
        elif len(self.spellings[entry.key]) > 1 and entry.name != self.canonical[entry.key]:
            entry.kind, entry.other = NEAR, self.canonical[entry.key]
        elif missing:
            entry.kind = MISSING

    def deferred(self, note: Note) -> dict[str, frozenset[int]]:
        """Link starts of `note` that a link rule leaves to these rules: {code: starts}."""
        found = self._deferred.get(note.rel)
        if found is None:
            missing, renamed = set(), set()
            for entry in self.entries.get(note.rel, ()):
                if entry.kind == MISSING or entry.resolution.status is Status.MISSING:
                    missing.add(entry.link.start)
                if entry.kind in (BANNED, SYNONYM, NEAR):
                    renamed.add(entry.link.start)
            related = set()
            for item in related_entries(note, self.options(note)):
                if item.link is not None:
                    resolution = self.index.resolve(item.link, note)
                    if resolution is not None and resolution.status is Status.MISSING:
                        related.add(item.link.start)
            found = {
                "LK001": frozenset(missing | related),
                "LK002": frozenset(related),
                "LK006": frozenset(renamed),
            }
            self._deferred[note.rel] = found
        return found


def _one_folder(config: Config) -> str:
    """The topic folder of every note, or "" when the configuration sets several."""
    tables = [override.tables.get("topics", {}) for override in config.overrides]
    folders = {config.settings.topics.folder} | {
        table["folder"] for table in tables if "folder" in table
    }
    return folders.pop() if len(folders) == 1 else ""


def _uses(index: LinkIndex, rel: str, facts: tuple, folder: str) -> Iterator[tuple[str, str]]:
    """`(key, name)` of each topic entry of note `rel` that counts as a use, from its facts."""
    for name, key, topic_like, kind, written, path in facts:
        if topic_like is None:
            reached = index.find(Target(kind, written, path, "", False), rel).rel
            topic_like = reached is not None and in_folder(reached, folder)
        if topic_like:
            yield key, name


@sums("topic-uses")
def _topic_uses(rel: str, facts: dict, vault: Vault) -> Iterator[tuple[str, str]]:
    """What a note adds to the topic map's uses (`TopicMap.uses`)."""
    if rel.lower().endswith(NOTE_SUFFIX) and facts["topics"]:
        index = index_for(vault)
        one = index.derived.get(_ONE_FOLDER)
        if one is None:
            one = index.derived[_ONE_FOLDER] = _one_folder(vault.config)
        folder = one or vault.config.settings_for(rel).topics.folder
        yield from _uses(index, rel, facts["topics"], folder)


def _written_topic(path: str, options: TopicsOptions) -> tuple[str, bool | None]:
    """The topic a topic entry's link path names, and whether it is topic-like as written
    (None: only if the link reaches a note of the topic folder)."""
    name = topic_name(path)
    if not name:
        return name, False
    written_folder = path.strip("/").rpartition("/")[0]
    if not written_folder or fold(written_folder) == fold(options.folder.strip("/")):
        return name, True
    return name, None


@provides("topics")
def _topic_facts(note: Note, config: Config) -> tuple:
    return topic_facts(note, config.settings_for(note.rel).topics)


def topic_facts(note: Note, options: TopicsOptions) -> tuple:
    """`(name, key, topic_like, kind, written, path)` of each topic entry of a note that may
    count as a use of its topic, as `TopicMap` reads them, without resolving any link."""
    found = []
    for view in section_lines(note, options.section):
        for line in view.lines:
            for link in line.links:
                if link.kind != "wikilink":
                    continue
                target = parse_target(link)
                if target is None or (target.embed and target.is_image):
                    continue
                name, topic_like = _written_topic(target.path, options)
                key = topic_key(name)
                if key and topic_like is not False:
                    found.append((name, key, topic_like, target.kind, target.written, target.path))
    return tuple(found)


def topic_map(vault: Vault) -> TopicMap:
    """The vault's topic map, built on first use and kept on the vault."""
    found = vars(vault).get(_VAULT_CACHE)
    if found is None:
        found = TopicMap(vault)
        setattr(vault, _VAULT_CACHE, found)
    return found


def deferred_links(vault: Vault, note: Note) -> dict[str, frozenset[int]]:
    """`{link rule code: link starts}`: links of `note` a topics or LK1xx rule reports instead."""
    return topic_map(vault).deferred(note)
