"""Obsidian link resolution: which file, heading and block a link reaches, and why.

One `LinkIndex` per vault (`index_for(vault)` builds it once and caches it on
the vault) holds dictionaries of every file of the vault keyed the way
Obsidian compares names: Unicode NFC, then case-folded (`vault.name_key`).
Resolving a link is a few dictionary look-ups; every rule, the graph and
`vaultkit explain` use this module, so they agree.

Finding the file follows Obsidian's `getLinkpathDest` (read from its app
code; `getFirstLinkpathDest` opens the first file it returns):

1. `[[#Heading]]`, `[[#^id]]`, `[t](#h)`: the note itself.
2. A path starting with `./` or `../` is taken relative to the note's folder,
   and only there. One that climbs above the vault root is `OUTSIDE` (Obsidian
   would stop at the root; vaultkit reports it and never reads it), and so
   are `file:` URLs and drive paths (`C:\\…`). Other `scheme:` URLs are not
   vault links at all.
3. Otherwise the candidates are the files whose *name* is the path's last
   part: as written when it has a dot and such a file exists (`paper.pdf`,
   `Node.js`), else with `.md` added (`Node.js.md`). Non-Markdown files
   therefore need their extension. A bare name with one candidate resolves.
4. An exact vault path wins (a leading `/` means the vault root, and then
   only the exact path counts).
5. Else the candidates whose path ends with the written path (plain text
   comparison, so `[[b/Note]]` finds `a/b/Note.md` and `[[元语/AI]]` finds
   `00-元语/AI.md`). Those whose path starts with the note's folder come
   first, each group shortest path first; Obsidian opens the first. One
   candidate, or exactly one in the note's folder (or below it), decides;
   so does (attachments only) exactly one in `.obsidian/app.json`'s
   `attachmentFolderPath`. Otherwise the link is `AMBIGUOUS`: it reaches
   Obsidian's choice, and vaultkit names the other candidates instead of
   choosing silently.
6. A Markdown link (URL-decoded) is also taken relative to the note's folder,
   as every other Markdown tool does: when that file exists and Obsidian's
   look-up opens another file, the link is `AMBIGUOUS`; when it does not
   exist, Obsidian's look-up alone decides.

Matching ignores case; `Resolution.case_mismatch` holds the file's real
spelling when the link's differs (Quartz and other case-sensitive publishers
break on such links). Non-breaking spaces in a link count as spaces.

The part after the first `#` (`Obsidian's subpath`):

- `#^id` names a block: the id (letters, digits, `-`) must be one of the
  target note's `Note.blocks`; compared ignoring case.
- Otherwise `#H1#H2…` names headings, matched in order, each deeper than the
  one before (not necessarily its child), as Obsidian's `resolveSubpath`
  does. A heading and a link part are compared after Obsidian's
  `stripHeading`: each of ``!"#$%&()*+,.:;<=>?@^`{|}~/[]\\`` and line breaks
  becomes a space, runs of white space become one space, the ends are
  trimmed, and case is ignored. The heading's *source* text is used (as
  Obsidian's metadata cache has it), so `[[FAQ#How large can it be]]` reaches
  `### How large can it be?`, `[[Functions#hasTag]]` reaches
  ``### `hasTag()` `` and `[[#See Other alias]]` reaches
  `## See [[Other|alias]]`. `-`, `_`, `'` and full-width punctuation are kept.
- A subpath on a file that is not a note (`[[paper.pdf#page=3]]`) is not
  checked, nor one on a note that could not be read.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from vaultkit import obsidian, regexes
from vaultkit.facts import provides
from vaultkit.note import Heading, Link, Note
from vaultkit.suggest import Names
from vaultkit.targets import (
    Target,
    fold,
    heading_key,
    nfc,
    parse_shared,
    parse_target,
)
from vaultkit.vault import NOTE_SUFFIX, Vault

_DRIVE = regexes.compile(r"[A-Za-z]:[\\/]")
_ATX = regexes.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = regexes.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_CACHE_ATTRIBUTE = "_vaultkit_link_index"
# Heading comparisons one note may spend on "did you mean" for its broken heading links.
NEAR_HEADINGS_BUDGET = 20_000


class Status(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"  # reaches a file, but Obsidian's choice among several is arbitrary
    MISSING = "missing"
    OUTSIDE = "outside"  # leads out of the vault


@dataclass(frozen=True, slots=True)
class SubpathProblem:
    kind: str  # "heading" or "block"
    wanted: str  # as the link wrote it: "Intro", "H1#H2", "^abc"
    suggestions: tuple[str, ...] = ()  # headings (with their `#`s) or `^ids` that exist
    missing: str = ""  # the part of `wanted` that matched nothing
    after: str | None = None  # the heading matched by the parts before it (nested links)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where one link leads: the file Obsidian opens, and how it was chosen."""

    source: str  # rel of the note holding the link
    link: Link
    target: Target
    status: Status
    rel: str | None = None  # the file Obsidian opens (None when missing or outside)
    decided_by: str = ""  # the rule that chose it, in words
    candidates: tuple[str, ...] = ()  # every file that fits, Obsidian's choice first
    case_mismatch: str | None = None  # the file's spelling of the written path, if it differs
    subpath_problem: SubpathProblem | None = None
    heading: Heading | None = None  # the heading reached, if any
    escaped: str | None = None  # for OUTSIDE: the path as it lands outside the vault

    @property
    def reaches_file(self) -> bool:
        return self.status in (Status.RESOLVED, Status.AMBIGUOUS)

    @property
    def ok(self) -> bool:
        """Reaches a file (and its heading or block, if any)."""
        return self.reaches_file and self.subpath_problem is None


@dataclass(frozen=True, slots=True)
class _Match:
    status: Status
    rel: str | None = None
    decided_by: str = ""
    candidates: tuple[str, ...] = ()
    compared: str = ""  # the written path, as the file's spelling is compared against
    escaped: str | None = None
    case_mismatch: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "case_mismatch", _case_mismatch(self.compared, self.rel))


class LinkIndex:
    """Every file of one vault, keyed for Obsidian's look-ups; built once per vault.

    Get it with `index_for(vault)`. The API:

    - `links_of(note)`: a `Resolution` for each vault link of the note (URLs
      left out), in source order; cached, so every rule shares one pass.
    - `incoming(rel)`: the resolutions of other notes' links that reach `rel`;
      `has_incoming(rel)`: whether there is one (from facts where it can).
    - `resolve(link, note)` / `resolve_target(target, link, note, steps)`: one
      link; `steps` (a list) collects each look-up in words, for `explain`.
    - `find(target, source_rel)`: the file only, without the subpath check.
    - `headings(note)`, `check_subpath(note, target)`: headings and blocks.
    - `closest(path)`, `with_extension(path)`: suggestions for a missing target.
    - `notes` (rel -> Note), `files` (every rel, shortest first),
      `attachment_folder`, and `derived`, a dict where users of the index
      keep what they compute from it once per vault.
    """

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.notes: dict[str, Note] = {}
        self.files: list[str] = []  # every note and attachment, shortest path first
        by_path: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, list[str]] = defaultdict(list)
        self._folded: dict[str, str] = {}
        for note in vault.notes:
            if note.rel.lower().endswith(NOTE_SUFFIX):
                self.notes[note.rel] = note
        for rel in sorted({*self.notes, *vault.attachments}, key=lambda rel: (len(rel), rel)):
            self.files.append(rel)
            folded = self._folded[rel] = fold(rel)
            by_path[folded].append(rel)
            if rel in self.notes:
                by_path[folded.removesuffix(NOTE_SUFFIX)].append(rel)
            by_name[folded.rpartition("/")[2]].append(rel)
        self._by_path = dict(by_path)  # folded path (notes also without `.md`) -> files
        self._by_name = dict(by_name)  # folded file name -> files, shortest path first
        self.attachment_folder = obsidian.attachment_folder(vault.root)
        self._headings: dict[str, list[tuple[int, str, Heading]]] = {}
        self._heading_places: dict[str, dict[str, list[int]]] = {}
        self._near_spent: dict[str, int] = {}  # note -> heading comparisons spent on suggestions
        self._outgoing: dict[str, list[Resolution]] = {}
        self._targets: dict[tuple, Target] = {}  # for `parse_shared`
        self._incoming: dict[str, list[Resolution]] | None = None
        self._reached: set[str] | None = None
        self._suggestions: dict[str, str | None] = {}
        self._matches: dict[tuple[str, str, str], _Match] = {}  # (kind, path, folder) -> match
        self._pools: tuple[dict[str, Names], Names, Names] | None = None
        self._stems: dict[str, list[str]] | None = None
        # Data that users of the index (rule families, the graph) derive from it once per vault.
        self.derived: dict[str, object] = {}

    # ------------------------------------------------------------------ links

    def links_of(self, note: Note) -> list[Resolution]:
        """Every vault link of a note, resolved (URLs left out); cached."""
        found = self._outgoing.get(note.rel)
        if found is None:
            found = []
            for link in note.links:
                target = parse_shared(link, self._targets)
                if target is not None:
                    found.append(self.resolve_target(target, link, note))
            self._outgoing[note.rel] = found
        return found

    def incoming(self, rel: str) -> list[Resolution]:
        """Links from other notes that reach `rel` (built for the whole vault once)."""
        if self._incoming is None:
            incoming: dict[str, list[Resolution]] = defaultdict(list)
            for note in self.notes.values():
                if note.source is None:
                    continue
                for resolution in self.links_of(note):
                    if resolution.rel is not None and resolution.rel != note.rel:
                        incoming[resolution.rel].append(resolution)
            self._incoming = dict(incoming)
        return self._incoming.get(rel, [])

    def has_incoming(self, rel: str) -> bool:
        """Whether a link of another note reaches `rel`, as `incoming(rel)` would say; notes
        whose records are not loaded are read through their facts (`vaultkit.facts`)."""
        if self._reached is None:
            reached: set[str] = set()
            for note in self.notes.values():
                facts = None if note.loaded else note.facts
                if facts is None:
                    if note.source is not None:
                        reached.update(r.rel for r in self.links_of(note) if r.rel != note.rel)
                    continue
                folder = note.rel.rpartition("/")[0]
                for kind, written, path in facts["targets"]:
                    match = self._matches.get((kind, path, folder))
                    if match is None:
                        target = Target(kind, written, path, "", False)
                        match = self._matches[kind, path, folder] = self.find(target, note.rel)
                    if match.rel != note.rel:
                        reached.add(match.rel)
            reached.discard(None)
            self._reached = reached
        return rel in self._reached

    def resolve(self, link: Link, source: Note) -> Resolution | None:
        """Resolve one link of `source`; None if it is a URL, not a vault link."""
        target = parse_target(link)
        return None if target is None else self.resolve_target(target, link, source)

    def resolve_target(
        self, target: Target, link: Link, source: Note, steps: list[str] | None = None
    ) -> Resolution:
        """Resolve a parsed target; `steps`, when given, receives the look-ups in words."""
        if steps is None and target.path:
            key = (target.kind, target.path, source.rel.rpartition("/")[0])
            match = self._matches.get(key)
            if match is None:
                match = self._matches[key] = self.find(target, source.rel)
        else:
            match = self.find(target, source.rel, steps)
        problem, heading = None, None
        if target.subpath and match.rel is not None:
            note = self.notes.get(match.rel)
            if note is not None and note.source is not None:
                problem, heading = self.check_subpath(note, target, steps)
        return Resolution(
            source.rel, link, target, match.status, match.rel, match.decided_by,
            match.candidates, match.case_mismatch, problem, heading, match.escaped,
        )  # fmt: skip

    # ------------------------------------------------------------------ files

    def find(self, target: Target, source_rel: str, steps: list[str] | None = None) -> _Match:
        """The file a target's path reaches from the note `source_rel`."""
        say = steps.append if steps is not None else _ignore
        path = target.path
        if not path:
            say(f"no path: the link points into the note itself, `{source_rel}`")
            return _Match(Status.RESOLVED, source_rel, "the same note", (source_rel,), "")
        written = path.replace("\\", "/") if target.kind == "markdown" else path
        if target.written.lower().startswith("file:") or _DRIVE.match(written):
            say("a local file path: it points outside the vault")
            return _Match(Status.OUTSIDE, decided_by="a local file path", escaped=written)
        folder = posixpath.dirname(source_rel)
        markdown = target.kind == "markdown"
        if written.startswith(("./", "../")) or (markdown and not written.startswith("/")):
            joined = posixpath.normpath(posixpath.join(folder, written))
            if joined == ".." or joined.startswith("../"):
                say(f"relative to `{folder or '.'}/` it leads to `{joined}`, outside the vault")
                return _Match(Status.OUTSIDE, decided_by="climbs out of the vault", escaped=joined)
            found = self._by_path.get(fold(joined))
            say(f"relative to the note's folder: `{joined}` {_found(found)}")
            here = _prefer_case(found, joined) if found else None
            if written.startswith(("./", "../")):  # Obsidian looks nowhere else
                if here is None:
                    return _Match(Status.MISSING, decided_by="no file matches")
                return _Match(
                    Status.RESOLVED, here, "relative to the note's folder", (here,), joined
                )
            match = self._lookup(written, folder, say)
            if here is None:
                return match
            if match.rel is not None and match.rel != here:
                say(f"Obsidian opens `{match.rel}` instead ({match.decided_by})")
                why = f"Obsidian's choice ({match.decided_by}), not the file beside the note"
                return _Match(Status.AMBIGUOUS, match.rel, why, (match.rel, here), written)
            return _Match(Status.RESOLVED, here, "relative to the note's folder", (here,), joined)
        return self._lookup(written, folder, say)

    def _lookup(self, written: str, folder: str, say: Callable[[str], None]) -> _Match:
        """Obsidian's `getLinkpathDest` for a path that is not relative."""
        rooted = written.startswith("/")
        written = written.lstrip("/")
        wanted = fold(written)
        name = wanted.rpartition("/")[2]
        candidates = self._by_name.get(name) if "." in name else None
        shown = written
        if not candidates:  # no file of that full name: a note, `.md` left out
            wanted, name = wanted + NOTE_SUFFIX, name + NOTE_SUFFIX
            candidates = self._by_name.get(name)
            shown += NOTE_SUFFIX
        if say is not _ignore:
            say(
                f"files named `{shown.rpartition('/')[2]}`: "
                + (_listing(candidates or []) or "none")
            )
        if not candidates:
            return _Match(Status.MISSING, decided_by="no file matches")
        if name == wanted and len(candidates) == 1:
            return _Match(Status.RESOLVED, candidates[0], "the only file of that name",
                          (candidates[0],), written)  # fmt: skip
        exact = [rel for rel in candidates if self._folded[rel] == wanted]
        say(f"exact vault path `{shown}`: {_found(exact)}")
        if exact:
            chosen = _prefer_case(exact, written)
            return _Match(Status.RESOLVED, chosen, "exact vault path", (chosen,), written)
        if rooted:
            return _Match(Status.MISSING, decided_by="a path from the vault root matches no file")
        ending = [rel for rel in candidates if self._folded[rel].endswith(wanted)]
        if name != wanted and say is not _ignore:
            say(f"of those, paths ending with `{shown}`: " + (_listing(ending) or "none"))
        if not ending:
            return _Match(Status.MISSING, decided_by="no file matches")
        prefix = fold(folder)
        mine = [rel for rel in ending if self._folded[rel].startswith(prefix)]
        ordered = tuple(mine + [rel for rel in ending if rel not in mine])
        if len(ordered) == 1:
            why = "the only file whose path ends that way"
            return _Match(Status.RESOLVED, ordered[0], why, ordered, written)
        if folder:
            if say is not _ignore:
                say(f"in or below the note's folder `{folder}/`: " + (_listing(mine) or "none"))
            if len(mine) == 1:
                why = "the one in or below the note's folder"
                return _Match(Status.RESOLVED, mine[0], why, ordered, written)
        attachments = self.attachment_folder
        if attachments is not None and not name.endswith(NOTE_SUFFIX):
            base = fold(obsidian.join_folder(folder, attachments))
            there = f"{base}/{wanted}" if base else wanted
            inside = [rel for rel in ordered if self._folded[rel] == there]
            say(f"in the attachment folder `{base or '/'}`: {_found(inside)}")
            if len(inside) == 1:
                why = "the one in the attachment folder"
                return _Match(Status.RESOLVED, inside[0], why, ordered, written)
        say(f"several candidates: Obsidian opens the first by shortest path, `{ordered[0]}`")
        return _Match(Status.AMBIGUOUS, ordered[0], "the shortest path", ordered, written)

    def case_variants(self, rel: str) -> list[str]:
        """The files whose vault path differs from `rel`'s in case only (`rel` among them)."""
        return list(self._by_path.get(self._folded.get(rel, fold(rel)), [rel]))

    # ------------------------------------------------------------------ subpaths

    def headings(self, note: Note) -> list[tuple[int, str, Heading]]:
        """`(level, heading_key, heading)` for each heading of a note; computed once."""
        keys = self._headings.get(note.rel)
        if keys is None:
            keys = [(h.level, heading_key(heading_source(note, h)), h) for h in note.headings]
            self._headings[note.rel] = keys
        return keys

    def _heading_index(self, note: Note) -> dict[str, list[int]]:
        """Heading key -> the indexes in `headings(note)` of the headings with that key."""
        index = self._heading_places.get(note.rel)
        if index is None:
            index = defaultdict(list)
            for place, (_level, key, _heading) in enumerate(self.headings(note)):
                index[key].append(place)
            self._heading_places[note.rel] = index = dict(index)
        return index

    def check_subpath(
        self, note: Note, target: Target, steps: list[str] | None = None
    ) -> tuple[SubpathProblem | None, Heading | None]:
        """Whether the heading or block a target names exists in `note`."""
        say = steps.append if steps is not None else _ignore
        block = target.block
        if block is not None:
            offset = note.blocks.get(block.lower())
            if offset is not None:
                say(f"block `^{block}`: found on line {note.line_of(offset)}")
                return None, None
            say(f"block `^{block}`: not found")
            known = tuple(f"^{b}" for b in note.blocks)
            return SubpathProblem("block", f"^{block}", known, f"^{block}"), None
        parts = target.headings
        if not parts:
            return None, None
        wanted = [heading_key(part) for part in parts]
        index, level, last, position = 0, 0, None, 0
        headings = self.headings(note)
        at = self._heading_index(note)
        while True:
            # the next heading at or after `position` with the wanted key, deeper than `level`
            places = at.get(wanted[index], ())
            nth = bisect_left(places, position)
            while nth < len(places) and headings[places[nth]][0] <= level:
                nth += 1
            if nth == len(places):
                break
            place = places[nth]
            h_level, _key, heading = headings[place]
            if steps is not None:
                line = note.line_of(heading.start)
                say(f"heading `{parts[index]}` matches `{_shown(note, h_level, heading)}` "
                    f"(line {line})")  # fmt: skip
            index, level, last, position = index + 1, h_level, heading, place + 1
            if index == len(wanted):
                return None, heading
        after = _shown(note, last.level, last) if last is not None else None
        deeper = f" deeper than and after `{after}`" if after else ""
        say(f"heading `{parts[index]}`: no heading{deeper} matches (compared as `{wanted[index]}`)")
        near = self._near_headings(note, wanted[index])
        return SubpathProblem("heading", "#".join(parts), near, parts[index], after), None

    def _near_headings(self, note: Note, wanted: str) -> tuple[str, ...]:
        """Up to three headings of `note` like `wanted`, for "did you mean": a note spends at
        most `NEAR_HEADINGS_BUDGET` heading comparisons (thousands of headings times as
        many broken links would be quadratic); past it, no suggestions."""
        spent = self._near_spent.get(note.rel, 0)
        headings = self.headings(note)
        if spent + len(headings) > NEAR_HEADINGS_BUDGET:
            return ()
        self._near_spent[note.rel] = spent + len(headings)
        shown = {key: _shown(note, level, h) for level, key, h in headings}
        close = difflib.get_close_matches(wanted, list(shown), n=3, cutoff=0.5)
        return tuple(shown[key] for key in close)

    # ------------------------------------------------------------------ suggestions

    def closest(self, written: str) -> str | None:
        """The file (its vault path) most like `written`, a link path that matched nothing.

        A path with folders is compared with the names in that folder (or, when
        no such folder exists, in the most similar folder); a bare name with
        every name of the vault. Notes are compared without `.md`. None when
        nothing is close.
        """
        key = fold(written).removesuffix(NOTE_SUFFIX)
        if key not in self._suggestions:
            if self._pools is None:
                folders: dict[str, dict[str, str]] = defaultdict(dict)
                names: dict[str, str] = {}
                for rel in sorted(self.files, key=lambda rel: (len(rel), rel)):
                    folded = fold(rel)
                    if rel in self.notes:
                        folded = folded.removesuffix(NOTE_SUFFIX)
                    folder, name = posixpath.split(folded)
                    folders[folder].setdefault(name, rel)
                    names.setdefault(name, rel)
                pools = {folder: Names(pool) for folder, pool in folders.items()}
                self._pools = (pools, Names(names), Names({f: f for f in folders if f}))
            pools, names, folder_names = self._pools
            folder, name = posixpath.split(key)
            if folder and folder not in pools:
                near = folder_names.nearest(folder)
                folder = near if near is not None else ""
            pool = pools.get(folder, names) if folder else names
            self._suggestions[key] = pool.nearest(name, cutoff=0.7)
        return self._suggestions[key]

    def with_extension(self, written: str) -> list[str]:
        """Files other than notes that a link missed only for want of their extension."""
        if self._stems is None:
            stems: dict[str, list[str]] = defaultdict(list)
            for rel in self.files:
                if rel not in self.notes:
                    stem = fold(posixpath.splitext(rel)[0])
                    stems[stem].append(rel)
                    slash = stem.find("/")
                    while slash != -1:
                        stems[stem[slash + 1 :]].append(rel)
                        slash = stem.find("/", slash + 1)
            self._stems = dict(stems)
        return self._stems.get(fold(written), [])


@provides("targets")
def link_targets(note: Note, config: object) -> tuple[tuple[str, str, str], ...]:
    """`(kind, written, path)` of each vault link of a note that names a file (its facts)."""
    found = []
    for link in note.links:
        target = parse_target(link)
        if target is not None and target.path:
            found.append((target.kind, target.written, target.path))
    return tuple(found)


def index_for(vault: Vault) -> LinkIndex:
    """The vault's link index, built on first use and kept on the vault."""
    index = vars(vault).get(_CACHE_ATTRIBUTE)
    if index is None:
        index = LinkIndex(vault)
        setattr(vault, _CACHE_ATTRIBUTE, index)
    return index


def heading_source(note: Note, heading: Heading) -> str:
    """A heading's text as written (what Obsidian's metadata cache holds), markers removed."""
    text = note.slice(heading.start, heading.end).replace("\r", "")
    lines = text.rstrip("\n").split("\n")
    opening = _ATX.match(lines[0])
    if opening is not None:
        return _ATX_CLOSE.sub("", lines[0][opening.end() :]).strip()
    if len(lines) > 1:  # setext: the text above the underline
        return " ".join(line.strip() for line in lines[:-1])
    return heading.text


def case_respelling(
    note: Note, resolution: Resolution, index: LinkIndex
) -> tuple[int, int, str, str] | None:
    """How to spell a wikilink's path as its file is spelled: `(start, end, written,
    spelling)`, the bytes of the path's letters in `note.data` and what to write there.

    Only for a wikilink that reaches one file, whose path differs from the file's
    only in case, no other file differing from that one only in case, and whose path
    is written plainly (as resolved, not `./` relative, no table escape): then the
    respelled link reaches the same file, spelled exactly. A leading `/`, the heading
    or block after `#` and the alias after `|` stay as written. None otherwise.
    """
    real, link, target = resolution.case_mismatch, resolution.link, resolution.target
    if real is None or resolution.status is not Status.RESOLVED or target.kind != "wikilink":
        return None
    if resolution.rel is None or len(index.case_variants(resolution.rel)) != 1:
        return None  # `llm.md` and `LLM.md` both exist: no telling which one was meant
    raw = note.slice(link.start, link.end)
    opening = "![[" if raw.startswith("![[") else "[["
    if not raw.startswith(opening) or not raw.endswith("]]") or "\\" in raw:
        return None
    path = re.split(r"[#|]", raw[len(opening) : -2], maxsplit=1)[0]
    written = path.lstrip("/")
    if path != target.path or not written or written.startswith(("./", "../")):
        return None  # spaces or a non-breaking space around it, another normal form
    start = link.start + len(opening) + len(path) - len(written)  # (`[[`, `/` are ASCII)
    return start, start + len(written.encode("utf-8")), written, real


def _case_mismatch(written: str, rel: str | None) -> str | None:
    """The file's own spelling of `written` (its last segments) when the case differs."""
    if not written or rel is None or rel.endswith((written, written + NOTE_SUFFIX)):
        return None
    written = nfc(written)
    count = written.count("/") + 1
    tail = "/".join(nfc(rel).split("/")[-count:])
    if not fold(written).endswith(NOTE_SUFFIX) and fold(tail).endswith(NOTE_SUFFIX):
        tail = tail[: -len(NOTE_SUFFIX)]
    return tail if tail != written and fold(tail) == fold(written) else None


def _prefer_case(found: list[str], written: str) -> str:
    """Of files differing only in case, the one spelled as written."""
    if len(found) > 1:
        for rel in found:
            if _case_mismatch(written, rel) is None:
                return rel
    return found[0]


def _shown(note: Note, level: int, heading: Heading) -> str:
    return f"{'#' * level} {heading_source(note, heading)}"


def _found(found: list[str] | None) -> str:
    return f"found `{found[0]}`" if found else "not found"


def _listing(rels: list[str]) -> str:
    return ", ".join(f"`{rel}`" for rel in rels)


def _ignore(_: str) -> None:
    pass
