"""`vaultkit check --changed`: what the changes in git break elsewhere in the vault.

A commit that deletes or renames a note or attachment leaves the links to it
dangling in notes the commit never touches, so a hook that checks only the
staged files cannot see them. With `--changed`, vaultkit asks git what
changed since `HEAD` (`git diff HEAD --name-status -M`: staged and unstaged
changes, renames detected; in a pre-commit hook that is the commit), and
for every file deleted or renamed it resolves every link of the vault twice:
against the vault as it is, and with the old path still there. A link that
reached the old path and now reaches nothing (or reaches the new file only by
a different case, after a case-only rename) is broken by the change: the note
holding it is checked too, and its link findings at those links are reported.

Which notes are checked: the paths given (pre-commit passes the staged
Markdown files), else the Markdown files changed or added since `HEAD`
(untracked ones too); plus the notes with links the change broke. Their
other findings are left out: they were there before.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import loading
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex, Status, index_for
from vaultkit.targets import fold
from vaultkit.vault import NOTE_SUFFIX, InputError, Vault

# The rules that report a link that reaches no file (or reaches it by another case).
LINK_CODES = frozenset(
    {"LK001", "LK002", "LK006", "LK007", "LK101", "TP001", "IM001", "IM002", "IM003"}
)


@dataclass(frozen=True)
class Gone:
    """A file of `HEAD` that is no longer there: deleted, or renamed to `new`."""

    old: Path  # absolute
    new: Path | None = None


@dataclass
class GitChanges:
    gone: list[Gone] = field(default_factory=list)
    present: list[Path] = field(default_factory=list)  # added, modified, renamed to, untracked


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"--changed needs git: {error}") from None


def read_git(cwd: Path) -> GitChanges:
    """The changes of the git work tree holding `cwd` since `HEAD` (all files on an
    unborn branch are new)."""
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise InputError(f"--changed: {cwd} is not in a git repository")
    root = Path(os.fsdecode(top.stdout.strip()))
    born = _git(root, "rev-parse", "--verify", "-q", "HEAD").returncode == 0
    diff = ["diff", "HEAD"] if born else ["diff", "--cached"]
    done = _git(root, *diff, "--name-status", "-M", "-z", "--no-ext-diff")
    if done.returncode != 0:
        raise InputError(f"--changed: git diff failed: {os.fsdecode(done.stderr).strip()}")
    changes = GitChanges()
    fields_ = [os.fsdecode(part) for part in done.stdout.split(b"\0")]
    at = 0
    while at < len(fields_) and fields_[at]:
        status = fields_[at][:1]
        if status in "RC":
            old, new = root / fields_[at + 1], root / fields_[at + 2]
            at += 3
            if status == "R":
                changes.gone.append(Gone(old, new))
            changes.present.append(new)
            continue
        path = root / fields_[at + 1]
        at += 2
        if status == "D":
            changes.gone.append(Gone(path))
        else:
            changes.present.append(path)
    others = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    changes.present += [root / os.fsdecode(p) for p in others.stdout.split(b"\0") if p]
    return changes


@dataclass(frozen=True)
class Broken:
    """A link that reached a file the change deleted or renamed, and no longer does."""

    note: str  # the note holding the link (vault-relative)
    line: int
    column: int
    end: tuple[int, int]  # line and column where the link ends
    written: str  # the link as written
    old: str  # the file it reached (vault-relative)
    new: str | None  # where that file went, if renamed inside the vault


def _phantoms(vault: Vault, gone: dict[str, str | None]) -> Vault:
    """The vault with the gone files put back (unreadable, as names only)."""
    notes = [Note(path=vault.root / rel, rel=rel) for rel in gone if rel.endswith(NOTE_SUFFIX)]
    files = [rel for rel in gone if not rel.endswith(NOTE_SUFFIX)]
    return Vault(vault.root, vault.config, [*vault.notes, *notes], [*vault.attachments, *files])


def _stem(path: str) -> str:
    return fold(posixpath.basename(path)).removesuffix(NOTE_SUFFIX)


def broken_links(vault: Vault, gone: dict[str, str | None]) -> list[Broken]:
    """Every link of the vault that reached a file of `gone` (old rel -> new rel or None)
    and no longer resolves, or now resolves only by a different case."""
    if not gone:
        return []
    now: LinkIndex = index_for(vault)
    before = LinkIndex(_phantoms(vault, gone))
    names = {_stem(rel) for rel in gone}
    found = []
    for note in vault.notes:
        if note.source is None:
            continue
        for resolution in now.links_of(note):
            lost = resolution.status in (Status.MISSING, Status.OUTSIDE)
            if not (lost or resolution.case_mismatch) or _stem(resolution.target.path) not in names:
                continue
            then = before.resolve_target(resolution.target, resolution.link, note)
            if then.rel not in gone or (not lost and then.case_mismatch):
                continue
            link = resolution.link
            where, end = note.position(link.start), note.position(link.end)
            found.append(Broken(
                note.rel, where.line, where.column, (end.line, end.column),
                note.slice(link.start, link.end), then.rel, gone[then.rel],
            ))  # fmt: skip
    return found


def _root_of(path: Path) -> Path:
    """The vault a path (which may be gone, with its folders) belongs to."""
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return vault_module.find_root([folder])


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


@dataclass
class Plan:
    """What `--changed` checks, and how to narrow the report afterwards."""

    paths: list[Path]  # the files to check
    own: set[str]  # the paths the user (or pre-commit) named or changed: all findings reported
    broken: list[tuple[Path, Broken]]  # (vault root, link)
    notes: list[str] = field(default_factory=list)  # what to tell on stderr
    unreported: list[str] = field(default_factory=list)  # broken links no finding names

    def narrow(self, root: Path, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """The findings on the named notes, and the link findings at the broken links."""
        at = {(os.path.normpath(r / b.note), b.line, b.column, b.end) for r, b in self.broken}
        kept, shown = [], set()
        for d in diagnostics:
            full = os.path.normpath(root / d.path)
            spot = (full, d.start.line, d.start.column, (d.end.line, d.end.column))
            mine = any(full == own or full.startswith(own + os.sep) for own in self.own)
            if mine or (spot in at and d.code in LINK_CODES):
                kept.append(d)
                shown.add(spot)
        for vault_root, b in self.broken:
            if (os.path.normpath(vault_root / b.note), b.line, b.column, b.end) not in shown:
                now = f"now `{b.new}`" if b.new else "deleted"
                self.unreported.append(
                    f"{b.note}:{b.line}:{b.column}: {b.written} reached `{b.old}`, which is {now}"
                )
        return kept


def plan(paths: list[Path], config_path: Path | None, isolated: bool, use_cache: bool) -> Plan:
    """What `vaultkit check --changed PATHS` checks."""
    changes = read_git(Path.cwd())
    if paths:
        check = [Path(os.path.abspath(p)) for p in paths]
    else:
        here = os.path.abspath(".")
        check = [
            p for p in changes.present
            if p.suffix.lower() == NOTE_SUFFIX and p.is_file()
            and os.path.commonpath([here, p]) == here
        ]  # fmt: skip
    gone_by_root: dict[Path, dict[str, str | None]] = {}
    for item in changes.gone:
        root = _root_of(item.old)
        try:
            rel = item.old.relative_to(root).as_posix()
        except ValueError:
            continue
        if _hidden(rel):
            continue
        new = None
        if item.new is not None:
            try:
                new = item.new.relative_to(root).as_posix()
            except ValueError:
                new = None
        gone_by_root.setdefault(root, {})[rel] = new
    broken: list[tuple[Path, Broken]] = []
    notes: list[str] = []
    for root, gone in sorted(gone_by_root.items()):
        config = config_module.Config() if isolated else config_module.load(root, config_path)
        found = broken_links(loading.load(root, config, use_cache), gone)
        broken += [(root, b) for b in found]
        for old, new in sorted(gone.items()):
            count = sum(1 for b in found if b.old == old)
            if count:
                what = f"renamed to `{new}`" if new else "deleted"
                links = (
                    "1 link to it no longer resolves"
                    if count == 1
                    else (f"{count} links to it no longer resolve")
                )
                notes.append(f"`{old}` was {what}: {links}")
    own = {os.path.normpath(p) for p in check}
    extra = sorted({os.path.normpath(root / b.note) for root, b in broken} - own)
    return Plan([*check, *map(Path, extra)], own, broken, notes)
