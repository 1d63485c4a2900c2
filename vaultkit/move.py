"""`vaultkit mv OLD NEW`: move a note, attachment or folder and rewrite the links to it.

What Obsidian's "Automatically update internal links" does, for a vault
edited outside Obsidian:

1. Every link of the vault is resolved before the move (`vaultkit.resolve`).
2. The vault is resolved again as it will be after the move. A link that
   reached a file and would now miss it (or reach another file) is rewritten
   to reach it: the links to the moved files, the moved notes' own relative
   links, and a name link that the move makes ambiguous.
3. A rewrite keeps the link's form: `[[name]]` stays a bare name while the
   name is unique in the vault (else it becomes the vault path),
   `[[path/name]]` becomes the new vault path, Markdown links stay relative
   to their note and URL-encoded; the heading or block (`#…`), the alias
   (`|…`) and the embed mark (`!`) are kept, as is every other byte. Entries
   of `## 关联主题` and `## 相关文档` are links like any other.
4. Each rewritten link is resolved again; one that would not reach its file,
   one that was ambiguous before (Obsidian's choice is arbitrary), and link
   kinds that cannot be rewritten in place (reference definitions) are
   reported, never guessed.
5. The file or folder is moved with `git mv` when it is tracked by git (so
   the history follows it), else renamed; then each changed note is written
   through the fix engine's atomic writer (`vaultkit.fix.atomic`).

`--dry-run` prints the moves and a unified diff of the rewritten notes and
writes nothing.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from vaultkit import config as config_module
from vaultkit import loading, regexes
from vaultkit import vault as vault_module
from vaultkit.fix import atomic
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex, Resolution, Status, index_for
from vaultkit.source import BOM
from vaultkit.targets import fold, parse_target
from vaultkit.vault import NOTE_SUFFIX, InputError, Vault

_SAFE = "/!$&'*+,;=:@~-._"  # left as they are in a rewritten Markdown destination
_ENCODED = regexes.compile(r"%[89A-Fa-f][0-9A-Fa-f]")  # a percent-encoded non-ASCII byte
_MINIMAL = {c: f"%{ord(c):02X}" for c in "% #()<>[]\\^`{|}\t"}


class MoveError(Exception):
    """The move cannot be done (NEW exists, OLD is outside the vault, …)."""


@dataclass
class Rewrite:
    """A note whose links change: its path after the move, its bytes before and after."""

    rel: str  # after the move
    old_rel: str  # before the move
    before: bytes
    after: bytes
    links: int


@dataclass
class Plan:
    root: Path
    moves: dict[str, str]  # old rel -> new rel, every file moved
    source: Path
    target: Path
    rewrites: list[Rewrite] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # `note:line:col: why`

    @property
    def links(self) -> int:
        return sum(r.links for r in self.rewrites)


# ---------------------------------------------------------------- planning


def _moves(vault: Vault, source: Path, target: Path) -> dict[str, str]:
    root = vault.root
    old = vault_module.relative(source, root)
    new = vault_module.relative(target, root)
    files = {n.rel for n in vault.notes} | set(vault.attachments)
    if source.is_dir():
        prefix = old + "/"
        return {rel: new + "/" + rel[len(prefix) :] for rel in files if rel.startswith(prefix)}
    return {old: new}


def _after(vault: Vault, moves: dict[str, str]) -> Vault:
    """The vault as it will be after the moves (the same parsed notes, at their new paths)."""
    notes = []
    for note in vault.notes:
        rel = moves.get(note.rel)
        if rel is None:
            notes.append(note)
        else:
            notes.append(replace(note, rel=rel, path=vault.root / rel))
    attachments = [moves.get(rel, rel) for rel in vault.attachments]
    return Vault(vault.root, vault.config, notes, attachments)


def _is_note(rel: str) -> bool:
    return rel.lower().endswith(NOTE_SUFFIX)


def _wiki_path(rel: str, index: LinkIndex, named: bool, suffix: bool) -> str:
    """How a wikilink names `rel`: its name when `named` and unique, else its vault path
    (a note's `.md` only when `suffix`: the link wrote it)."""
    path = rel[: -len(NOTE_SUFFIX)] if _is_note(rel) and not suffix else rel
    if named:
        name = fold(posixpath.basename(rel))
        if [r for r in index.files if fold(posixpath.basename(r)) == name] == [rel]:
            return posixpath.basename(path)
    return path


def _markdown_path(rel: str, source_rel: str, encoded: bool) -> str:
    """`rel` relative to the note; every non-ASCII character percent-encoded when the link
    had them so (`encoded`), else only what a destination cannot hold as it is."""
    relative = posixpath.relpath(rel, posixpath.dirname(source_rel) or ".")
    if encoded:
        return quote(relative, safe=_SAFE)
    return "".join(_MINIMAL.get(char, char) for char in relative)


def _replace_wikilink(raw: str, path: str) -> str | None:
    """`raw` (`[[…]]` or `![[…]]`) with its file part replaced by `path`."""
    start = raw.find("[[")
    if start == -1 or not raw.endswith("]]"):
        return None
    inner = raw[start + 2 : -2]
    cut = min((i for i in (inner.find("#"), inner.find("|")) if i != -1), default=len(inner))
    head = inner[:cut]
    escape = "\\" if head.endswith("\\") and inner[cut : cut + 1] == "|" else ""
    return raw[: start + 2] + path + escape + inner[cut:] + "]]"


def _replace_markdown(raw: str, path: str) -> str | None:
    """`raw` (`[t](dest "title")`, `![a](<dest>)`) with the destination's file part replaced."""
    at = raw.rfind("](")
    if at == -1 or not raw.endswith(")"):
        return None
    inside = raw[at + 2 : -1]
    lead = len(inside) - len(inside.lstrip())
    rest = inside[lead:]
    if rest.startswith("<"):
        close = rest.find(">")
        if close == -1:
            return None
        dest, tail, wrap = rest[1:close], rest[close + 1 :], ("<", ">")
        path = path.replace("%20", " ")
    else:
        end = next((i for i, c in enumerate(rest) if c.isspace()), len(rest))
        dest, tail, wrap = rest[:end], rest[end:], ("", "")
    _, hash_, fragment = dest.partition("#")
    new_dest = wrap[0] + path + hash_ + fragment + wrap[1]
    return raw[: at + 2] + inside[:lead] + new_dest + tail + ")"


def _rewrite(
    note: Note, new_rel: str, resolution: Resolution, goal: str, after: LinkIndex
) -> str | None:
    """The link rewritten to reach `goal` from the note at `new_rel`, or None."""
    link, target = resolution.link, resolution.target
    raw = note.slice(link.start, link.end)
    if target.kind == "wikilink":
        named = "/" not in target.path
        suffix = target.path.lower().endswith(NOTE_SUFFIX)
        return _replace_wikilink(raw, _wiki_path(goal, after, named, suffix))
    if link.kind != "inline":
        return None
    written = target.written.partition("#")[0]
    encoded = _ENCODED.search(written) is not None
    return _replace_markdown(raw, _markdown_path(goal, new_rel, encoded))


def _reaches(text: str, holder: Note, goal: str, after: LinkIndex) -> bool:
    from vaultkit.report.explain import parse_link

    try:
        _, link = parse_link(text)
    except InputError:
        return False
    target = parse_target(link)
    if target is None:
        return False
    found = after.find(target, holder.rel)
    return found.status is Status.RESOLVED and found.rel == goal


def plan(source: Path, target: Path, config_path: Path | None = None, isolated: bool = False,
         use_cache: bool = True) -> Plan:  # fmt: skip
    """What moving `source` to `target` does to the vault; raises `MoveError`."""
    source, target = Path(os.path.abspath(source)), Path(os.path.abspath(target))
    if not source.exists():
        raise MoveError(f"{source}: no such file or folder")
    if target.is_dir() and not source.is_dir():
        target = target / source.name
    if target.exists() and os.path.normcase(str(target)) != os.path.normcase(str(source)):
        raise MoveError(f"{target}: already exists")
    root = vault_module.find_root([source])
    if os.path.commonpath([root, target]) != str(root):
        raise MoveError(f"{target}: outside the vault {root}")
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    vault = loading.load(root, config, use_cache)
    moves = _moves(vault, source, target)
    if not moves:
        raise MoveError(f"{source}: no note or attachment of the vault to move")
    result = Plan(root, moves, source, target)
    before, after = index_for(vault), LinkIndex(_after(vault, moves))
    for note in vault.notes:
        if note.source is None:
            continue
        new_rel = moves.get(note.rel, note.rel)
        holder = after.notes.get(new_rel)
        if holder is None:
            continue
        edits: list[tuple[int, int, str]] = []
        for resolution in before.links_of(note):
            if resolution.rel is None or not resolution.target.path:
                continue
            goal = moves.get(resolution.rel, resolution.rel)
            now = after.resolve_target(resolution.target, resolution.link, holder)
            if now.status is Status.RESOLVED and now.rel == goal:
                continue  # still reaches its file
            where = note.position(resolution.link.start)
            spot = f"{new_rel}:{where.line}:{where.column}"
            raw = note.slice(resolution.link.start, resolution.link.end)
            if resolution.status is not Status.RESOLVED:
                result.refused.append(f"{spot}: {raw} is ambiguous now; not rewritten")
                continue
            text = _rewrite(note, new_rel, resolution, goal, after)
            if text is None or not _reaches(text, holder, goal, after):
                result.refused.append(f"{spot}: {raw} cannot be rewritten safely to reach {goal}")
                continue
            edits.append((resolution.link.start, resolution.link.end, text))
        if edits:
            data = note.data
            for start, end, text in sorted(edits, reverse=True):
                data = data[:start] + text.encode("utf-8") + data[end:]
            bom = BOM if note.source.has_bom else b""
            result.rewrites.append(
                Rewrite(new_rel, note.rel, bom + note.data, bom + data, len(edits))
            )
    return result


# ---------------------------------------------------------------- doing


def diff(plan_: Plan) -> str:
    """The moves and a unified diff of every rewritten note."""
    out = [f"rename {old} -> {new}\n" for old, new in sorted(plan_.moves.items())]
    for rewrite in plan_.rewrites:
        before = rewrite.before.decode("utf-8", errors="replace").splitlines(keepends=True)
        after = rewrite.after.decode("utf-8", errors="replace").splitlines(keepends=True)
        out += difflib.unified_diff(before, after, f"a/{rewrite.old_rel}", f"b/{rewrite.rel}")
    return "".join(out)


def _tracked(root: Path, path: Path) -> bool:
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", str(path)],
            cwd=root, capture_output=True, check=False, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _move(root: Path, source: Path, target: Path) -> str:
    """Move the file or folder; returns how ("git mv" or "renamed")."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if _tracked(root, source):
        done = subprocess.run(
            ["git", "mv", "--", str(source), str(target)],
            cwd=root, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise MoveError(f"git mv failed: {done.stderr.strip()}")
        return "git mv"
    os.rename(source, target)
    return "renamed"


def _unwritable(plan_: Plan) -> list[str]:
    """The notes to rewrite that could not be written (read-only, changed since read)."""
    found = []
    for rewrite in plan_.rewrites:
        read = atomic.snapshot(plan_.root / rewrite.old_rel, len(rewrite.before) + 1)
        if isinstance(read, str):
            found.append(f"{rewrite.old_rel}: {read}")
        elif not read.mode & 0o222:
            found.append(f"{rewrite.old_rel}: it is read-only")
        elif read.raw != rewrite.before:
            found.append(f"{rewrite.old_rel}: it changed after it was read")
    return found


def apply(plan_: Plan) -> tuple[str, list[str]]:
    """Move, then write the rewritten notes; returns how it moved and the notes not written.

    Raises `MoveError`, and moves nothing, when a note to rewrite cannot be written."""
    blocked = _unwritable(plan_)
    if blocked:
        raise MoveError("nothing moved: notes whose links it must rewrite cannot be written: "
                        + "; ".join(blocked))  # fmt: skip
    how = _move(plan_.root, plan_.source, plan_.target)
    failed = []
    for rewrite in plan_.rewrites:
        path = plan_.root / rewrite.rel
        read = atomic.snapshot(path, len(rewrite.before) + 1)
        problem = read if isinstance(read, str) else None
        if problem is None and read.raw != rewrite.before:
            problem = "it changed after it was read; run vaultkit mv again"
        if problem is None:
            real = Path(os.path.realpath(path))
            problem = atomic.replace_file(real, rewrite.after, read, path, plan_.root)
        if problem is not None:
            failed.append(f"{rewrite.rel}: not written: {problem}")
    return how, failed
