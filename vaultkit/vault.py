"""Finding the vault root and its files, and the index rules look things up in.

The vault root is the nearest folder at or above the inputs that holds
`.obsidian/` or a vaultkit config; without one, the inputs' common parent.
Everything is resolved against the whole vault, even when only some files are
reported on (pre-commit passes just the staged ones).
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import note as note_module
from vaultkit import source
from vaultkit.config import Config
from vaultkit.note import Note
from vaultkit.source import ProblemKind, ReadProblem

NOTE_SUFFIX = ".md"
SKIPPED_DIRS = {"node_modules", "__pycache__"}


class InputError(Exception):
    """A path given on the command line does not exist."""


def find_root(paths: list[Path]) -> Path:
    """The vault root for the given (absolute) inputs."""
    folders = [p if p.is_dir() else p.parent for p in paths]
    common = Path(os.path.commonpath([str(f) for f in folders]))
    for folder in (common, *common.parents):
        if (folder / ".obsidian").is_dir():
            return folder
        if any((folder / name).is_file() for name in config_module.CONFIG_FILES[:2]):
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and config_module._has_table(pyproject):
            return folder
    return common


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


@dataclass
class Discovery:
    notes: list[Path] = field(default_factory=list)  # Markdown files, sorted
    attachments: list[Path] = field(default_factory=list)  # every other file
    problems: dict[Path, ReadProblem] = field(default_factory=dict)  # e.g. symlink loops


def discover(root: Path, config: Config) -> Discovery:
    """Walk the vault, following symbolic links once, skipping hidden and excluded folders."""
    found = Discovery()
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            entries = list(os.scandir(folder))
        except OSError as error:
            rel = relative(folder, root) if folder != root else "."
            found.problems[folder] = ReadProblem(
                ProblemKind.UNREADABLE, f"cannot list folder {rel}: {error.strerror}"
            )
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            continue
        seen_dirs.add(key)
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            rel = relative(path, root)
            if config.is_excluded(rel):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                target_key = _dir_key(path)
                if target_key in seen_dirs and entry.is_symlink():
                    found.problems[path] = ReadProblem(
                        ProblemKind.SYMLINK_LOOP,
                        "symbolic link to a folder already in the vault (a loop); not followed",
                    )
                else:
                    stack.append(path)
            elif entry.name.lower().endswith(NOTE_SUFFIX):
                found.notes.append(path)
            elif entry.is_symlink() and not path.exists():
                continue  # a dangling link to a non-note is an attachment problem
            else:
                found.attachments.append(path)
    found.notes.sort()
    found.attachments.sort()
    return found


def _dir_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


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
    by_rel: dict[str, Note] = field(init=False)
    by_name: dict[str, list[Note]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_rel = {note.rel: note for note in self.notes}
        names: dict[str, list[Note]] = defaultdict(list)
        for note in self.notes:
            names[name_key(note.path.stem)].append(note)
        self.by_name = dict(names)


def _parse(path: Path, rel: str, max_size: int) -> Note:
    try:
        return note_module.parse(path, rel, source.read(path, max_size))
    except Exception as error:  # a parser bug must not stop the run
        problem = ReadProblem(
            ProblemKind.UNREADABLE, f"vaultkit could not parse this file ({error!r}); please report"
        )
        return Note(path=path, rel=rel, problem=problem)


def load(root: Path, config: Config, extra: list[Path] = ()) -> Vault:
    """Read and parse every note of the vault (and any `extra` files named explicitly)."""
    found = discover(root, config)
    paths = list(found.notes)
    known = set(paths)
    for path in extra:
        if path not in known and not config.is_excluded(relative(path, root)):
            paths.append(path)
            known.add(path)
    notes = [_parse(path, relative(path, root), config.max_file_size) for path in paths]
    for path, problem in found.problems.items():
        notes.append(Note(path=path, rel=relative(path, root), problem=problem))
    return Vault(
        root=root,
        config=config,
        notes=notes,
        attachments=[relative(p, root) for p in found.attachments],
    )
