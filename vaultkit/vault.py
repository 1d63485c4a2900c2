"""Finding the vault root and its files, and the index rules look things up in.

The vault root is the nearest folder at or above the inputs that holds
`.obsidian/`; without one, the nearest that holds a vaultkit config
(`vaultkit.toml`, `.vaultkit.toml`, or `pyproject.toml` with `[tool.vaultkit]`);
without either, the inputs' common parent. Everything is resolved against the
whole vault, even when only some files are reported on (pre-commit passes just
the staged ones).

The walk never hangs and never raises for what it finds: hidden and excluded
folders are skipped, symbolic links to folders are followed once (after every
real folder, so a note keeps its real path), a link that loops or leads to a
folder already walked is reported instead of followed, and a name that is not
UTF-8 is reported instead of read. A symbolic link that leads out of the vault
(to a note or a folder) is followed for reading, as Obsidian does, and listed
in `Vault.outside_links` so it can be reported; nothing may ever be written
through it (`resolves_inside` is the test a writer must pass).
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultkit import config as config_module
from vaultkit import source
from vaultkit.config import Config
from vaultkit.source import ProblemKind, ReadProblem

if TYPE_CHECKING:  # the parser is imported by what parses: finding files needs none of it
    from vaultkit.note import Note

NOTE_SUFFIX = ".md"
SKIPPED_DIRS = {"node_modules", "__pycache__"}


class InputError(Exception):
    """A path given on the command line does not exist."""


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _has_config(folder: Path) -> bool:
    for name in config_module.CONFIG_FILES:
        candidate = folder / name
        if _is_file(candidate) and (
            name != "pyproject.toml" or config_module._has_table(candidate)
        ):
            return True
    return False


def _common_folder(paths: list[Path]) -> Path:
    folders = [p if _is_dir(p) else p.parent for p in paths]
    try:
        return Path(os.path.commonpath([str(f) for f in folders]))
    except ValueError as error:  # different drives on Windows, or relative and absolute mixed
        raise InputError(f"the paths have no common folder: {error}") from error


def _marked_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` with `.obsidian/`, else with a vaultkit config."""
    chain = (start, *start.parents)
    for folder in chain:
        if _is_dir(folder / ".obsidian"):
            return folder
    for folder in chain:
        if _has_config(folder):
            return folder
    return None


def find_root(paths: list[Path]) -> Path:
    """The vault root for the given (absolute) inputs.

    `.obsidian/` wins over a vaultkit config even when the config is nearer:
    the vault is what Obsidian opens, and links resolve against all of it.
    Without either, the inputs' common parent.
    """
    if not paths:
        raise InputError("no paths to check")
    common = _common_folder(paths)
    return _marked_root(common) or common


def group_by_root(paths: list[Path]) -> dict[Path, list[Path]]:
    """Inputs grouped by the vault each belongs to.

    pre-commit may pass a repository's `README.md` together with notes of a
    vault in a subfolder: each note is checked against its own vault (its
    overrides and links), not against the repository as one big vault. Inputs
    in no marked vault form one group rooted at their common parent.
    """
    if not paths:
        raise InputError("no paths to check")
    common = _common_folder(paths)
    if _marked_root(common) is not None:
        return {_marked_root(common): list(paths)}
    groups: dict[Path, list[Path]] = {}
    unmarked: list[Path] = []
    for path in paths:
        root = _marked_root(path if _is_dir(path) else path.parent)
        if root is None:
            unmarked.append(path)
        else:
            groups.setdefault(root, []).append(path)
    if unmarked:
        groups.setdefault(_common_folder(unmarked), []).extend(unmarked)
    return groups


def relative(path: Path, root: Path) -> str:
    """`path` relative to the vault root, '/'-separated, printable (see `display_name`)."""
    full, base = os.fspath(path), os.fspath(root)
    if os.sep == "/" and full[len(base) : len(base) + 1] == "/" and full.startswith(base):
        return display_name(full[len(base) + 1 :])  # what `relative_to` gives, without its cost
    return display_name(path.relative_to(root).as_posix())


def display_name(name: str) -> str:
    """A file name as printable UTF-8: bytes that are not UTF-8 become `\\xNN`."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _is_within(inner: str, outer: str) -> bool:
    """Whether real path `inner` is `outer` or below it."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def real_inside(path: Path, root: Path) -> str | None:
    """The real path of `path` (every symbolic link resolved) when it lies inside the vault
    at `root`, else None: `resolves_inside` and the path in one resolution."""
    real = _real(path)
    return real if _is_within(real, _real(root)) else None


def resolves_inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symbolic link resolved, lies inside the vault at `root`.

    A fixer must pass this before writing a file: a note reached through a
    link out of the vault is read and checked, never written.
    """
    return _is_within(_real(path), _real(root))


@dataclass
class Discovery:
    notes: list[Path] = field(default_factory=list)  # Markdown files, sorted
    attachments: list[Path] = field(default_factory=list)  # every other file
    problems: dict[Path, ReadProblem] = field(default_factory=dict)  # e.g. symlink loops
    outside: dict[Path, str] = field(default_factory=dict)  # link -> its real target


def _bad_name(path: Path, root: Path) -> ReadProblem:
    shown = relative(path, root)
    return ReadProblem(
        ProblemKind.BAD_NAME,
        f"the name `{shown}` is not valid UTF-8, so it was not read",
    )


def _name_ok(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Walk:
    """One walk of the vault: real folders first, then symbolic links to folders."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.root_real = _real(root)
        self.config = config
        self.found = Discovery()
        self.seen: set[tuple[int, int]] = set()
        self.real_folders: dict[tuple[int, int], Path] = {}

    def run(self) -> Discovery:
        stack: list[Path] = [self.root]
        links: deque[Path] = deque()
        while stack or links:
            if not stack:
                link = links.popleft()
                if self._follow(link):
                    stack.append(link)
                continue
            self._visit(stack.pop(), stack, links)
        self.found.notes.sort()
        self.found.attachments.sort()
        return self.found

    def _problem(self, path: Path, kind: ProblemKind, detail: str) -> None:
        self.found.problems[path] = ReadProblem(kind, detail)

    def _rel(self, path: Path) -> str:
        return relative(path, self.root) if path != self.root else "."

    def _visit(self, folder: Path, stack: list[Path], links: deque[Path]) -> None:
        try:
            info = folder.stat()
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            self._problem(
                folder,
                ProblemKind.UNREADABLE,
                f"cannot list folder {self._rel(folder)}: {error.strerror or error}",
            )
            return
        key = (info.st_dev, info.st_ino)
        if key in self.seen:
            return
        self.seen.add(key)
        self.real_folders[key] = folder
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            path = Path(entry.path)
            if (self.config.exclude or self.config.ignored) and self.config.is_excluded(
                relative(path, self.root)
            ):
                continue
            if not _name_ok(entry.name):
                self.found.problems[path] = _bad_name(path, self.root)
                continue
            self._entry(entry, path, stack, links)

    def _entry(self, entry: os.DirEntry, path: Path, stack: list, links: deque) -> None:
        is_note = entry.name.lower().endswith(NOTE_SUFFIX)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()
        except OSError as error:  # a link loop, or a target we may not look at
            if is_note:
                self.found.notes.append(path)  # reading it reports the reason
            elif error.errno == errno.ELOOP:
                self._problem(path, ProblemKind.SYMLINK_LOOP, "symbolic link loop")
            return
        if is_dir:
            (links.append if is_link else stack.append)(path)
            return
        if is_note:
            target = _outside_target(path, self.root_real) if is_link else None
            if target is not None:
                self.found.outside[path] = target
            self.found.notes.append(path)
        elif is_link and not _exists(path):
            return  # a dangling link to a non-note is an attachment problem
        else:
            self.found.attachments.append(path)

    def _follow(self, link: Path) -> bool:
        """Whether to walk a symbolic link to a folder; reports it when not."""
        key = _dir_key(link)
        if key is None:
            return False  # vanished, or no longer a folder
        target = _real(link)
        if _is_within(_real(link.parent), target):
            self._problem(
                link,
                ProblemKind.SYMLINK_LOOP,
                f"symbolic link to {target!r}, a folder that contains the link itself "
                "(a loop); not followed",
            )
            return False
        if key in self.seen:
            where = self.real_folders.get(key)
            shown = self._rel(where) if where is not None else target
            self._problem(
                link,
                ProblemKind.SYMLINK_LOOP,
                f"symbolic link to folder `{shown}`, which is already in the vault; not "
                "followed (its notes would be checked twice)",
            )
            return False
        outside = _outside_target(link, self.root_real)
        if outside is not None:
            self.found.outside[link] = outside
        return True


def _outside_target(link: Path, root_real: str) -> str | None:
    """The real target of a symbolic link inside the vault that leads out of it."""
    if not _exists(link) or not _is_within(_real(link.parent), root_real):
        return None
    target = _real(link)
    return None if _is_within(target, root_real) else target


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def discover(root: Path, config: Config) -> Discovery:
    """Walk the vault, following symbolic links once, skipping hidden and excluded folders."""
    return _Walk(root, config).run()


def _dir_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def name_key(name: str) -> str:
    """How Obsidian compares names: Unicode NFC, case-insensitive."""
    return unicodedata.normalize("NFC", name).casefold()


@dataclass
class Vault:
    """Every note of the vault, parsed, with lookups by path and by name."""

    root: Path
    config: Config
    notes: list[Note]
    attachments: list[str]  # relative paths of non-note files
    # Symbolic links (to notes or folders) that lead out of the vault: rel -> real target.
    outside_links: dict[str, str] = field(default_factory=dict)
    # Remote image URL -> its `vaultkit.online.Verdict`; None unless `--online` ran.
    online: dict[str, Any] | None = None
    # The notes vault rules report on (rels); None: every note. Rules read the others
    # through their facts (`vaultkit.facts`) where they can, so their records stay unread.
    subjects: frozenset[str] | None = None
    # What vault rules count over every note's facts, kept by the note cache
    # (`vaultkit.facts.Totals`); None: count the notes themselves. Not carried over by
    # `dataclasses.replace`: a vault of other notes (the fixer's) counts its own.
    totals: Any = field(default=None, init=False)
    by_rel: dict[str, Note] = field(init=False)

    def __post_init__(self) -> None:
        self.by_rel = {note.rel: note for note in self.notes}

    @functools.cached_property
    def by_name(self) -> dict[str, list[Note]]:
        """The notes by `name_key` of their file name (built on first use: a check of a few
        notes never asks, and folding every name cost it 5 ms on a 3,300-note vault)."""
        names: dict[str, list[Note]] = defaultdict(list)
        for note in self.notes:
            if not note.rel.lower().endswith(NOTE_SUFFIX) and note.problem is not None:
                continue  # a folder or attachment that could not be walked is no note
            names[name_key(note.path.stem)].append(note)
        return dict(names)

    def release(self) -> None:
        """Let go of the parsed notes and of what rules keep on the vault (attributes such as
        the link index and the topic map, which refer to the notes): on a large vault most of
        the process's memory, freed before the report is built in it. The files, settings and
        problems stay; the vault then holds no note."""
        declared = {declared.name for declared in fields(self)}
        for name in [name for name in vars(self) if name not in declared]:
            delattr(self, name)
        self.notes, self.by_rel, self.by_name = [], {}, {}

    def is_subject(self, note: Note) -> bool:
        """Whether vault rules report on `note` in this run."""
        return self.subjects is None or note.rel in self.subjects

    @property
    def subject_notes(self) -> list[Note]:
        """The notes vault rules report on, in vault order (`notes` when every note is); kept
        while `notes` and `subjects` stay (a dozen rules ask, each once per run)."""
        if self.subjects is None:
            return self.notes
        kept = vars(self).get("_subject_notes")
        if kept is None or kept[0] is not self.notes or kept[1] is not self.subjects:
            chosen = [note for note in self.notes if note.rel in self.subjects]
            kept = self._subject_notes = (self.notes, self.subjects, chosen)
        return kept[2]


def parse_file(path: Path, rel: str, max_size: int) -> Note:
    """Read and parse one note; a parser bug becomes a problem of that note, not a crash."""
    from vaultkit import note as note_module

    try:
        return note_module.parse(path, rel, source.read(path, max_size))
    except Exception as error:  # a parser bug must not stop the run
        problem = ReadProblem(
            ProblemKind.UNREADABLE, f"vaultkit could not parse this file ({error!r}); please report"
        )
        return note_module.Note(path=path, rel=rel, problem=problem)


def _in_skipped_folder(rel: str) -> bool:
    """A file named on the command line inside a folder the walk skips (`.trash/`, `.git/`)."""
    folders = rel.split("/")[:-1]
    return any(part.startswith(".") or part in SKIPPED_DIRS for part in folders)


def plan(root: Path, config: Config, extra: list[Path] = ()) -> Discovery:
    """What a check reads: the vault's walk plus any `extra` files named explicitly."""
    if config.respect_gitignore and config.ignored is None:
        from vaultkit import ignore

        config.ignored = ignore.load(root)
    found = discover(root, config)
    known = set(found.notes) | set(found.problems)
    root_real = _real(root)
    for path in extra:
        rel = relative(path, root)
        if path in known or config.is_excluded(rel) or _in_skipped_folder(rel):
            continue
        known.add(path)
        if not _name_ok(path.relative_to(root).as_posix()):
            found.problems[path] = _bad_name(path, root)
            continue
        target = _outside_target(path, root_real) if _is_link(path) else None
        if target is not None:
            found.outside[path] = target
        found.notes.append(path)
    return found


def assemble(root: Path, config: Config, found: Discovery, notes: list[Note]) -> Vault:
    """The vault of parsed `notes` (one per `found.notes` path) and `found`'s problems."""
    notes = list(notes)
    if found.problems:
        from vaultkit.note import Note
    for path, problem in found.problems.items():
        notes.append(Note(path=path, rel=relative(path, root), problem=problem))
    return Vault(
        root=root,
        config=config,
        notes=notes,
        attachments=[relative(p, root) for p in found.attachments],
        outside_links={relative(p, root): target for p, target in found.outside.items()},
    )


def load(root: Path, config: Config, extra: list[Path] = ()) -> Vault:
    """Read and parse every note of the vault (and any `extra` files named explicitly)."""
    found = plan(root, config, extra)
    notes = [parse_file(path, relative(path, root), config.max_file_size) for path in found.notes]
    return assemble(root, config, found, notes)
