"""The commit replay: real edits to a vault, each one what a commit would bring to the hook.

Each kind of edit picks notes of the vault (seeded, so a run is repeatable), changes
the files on disk and returns the note paths the pre-commit hook would be given,
plus how to undo the edit exactly (bytes, names and modification times):

| kind | the edit | the hook is given |
|---|---|---|
| append-line | a sentence appended to an article | the article |
| fix-date | a `YYYY-MM-DD` date field of the frontmatter set to the next day | the note |
| add-topic | one more `- [[…]]` entry under `## 关联主题`, a topic note not yet listed | the note |
| rename-note | an article renamed in its folder (`X.md` -> `X（修订）.md`) | the new name |
| delete-linked-note | a note that other notes link to, deleted | up to 5 notes that linked to it |

pre-commit passes nothing for a deletion alone (only files that exist are staged as
Markdown), so the last kind gives the hook the notes whose links the deletion broke,
as a commit that also touches them would.
"""

from __future__ import annotations

import datetime
import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

KINDS = ("append-line", "fix-date", "add-topic", "rename-note", "delete-linked-note")
TOPICS = "00-元语"
SECTION = "## 关联主题"
_DATE = re.compile(rb"^([^\s:#][^:\n]*:[ \t]*[\"']?)(\d{4}-\d{2}-\d{2})([\"']?[ \t]*\r?)$", re.M)
_ENTRY = re.compile(rb"^- \[\[[^\]\n]+\]\][^\n]*$", re.M)
_WIKILINK = re.compile(r"\[\[([^\]|#\n]+)")


@dataclass
class Applied:
    """One edit on disk: the files the hook gets, and how to put everything back."""

    kind: str
    note: str  # the note edited (vault path), for the report
    files: list[Path]
    undo: Callable[[], None]


def frontmatter_end(data: bytes) -> int:
    """The offset just past the closing `---` of a note's frontmatter, or 0 without one."""
    if not data.startswith(b"---"):
        return 0
    end = data.find(b"\n---", 3)
    return 0 if end < 0 else end + 4


def _restore(path: Path, data: bytes, stat: os.stat_result) -> Callable[[], None]:
    def undo() -> None:
        path.write_bytes(data)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    return undo


class Replay:
    """Picks and applies edits on one vault (a copy: the edits write to it)."""

    def __init__(self, vault: Path, notes: list[Path], seed: int = 0) -> None:
        self.vault = vault
        self.notes = sorted(notes)
        self.random = random.Random(seed)
        self.articles = [p for p in self.notes if frontmatter_end(_head(p))]
        self.topics = sorted(p.stem for p in (vault / TOPICS).glob("*.md"))
        self._incoming: dict[str, list[Path]] | None = None

    def apply(self, kind: str) -> Applied | None:
        """Apply one edit of `kind` to a note picked at random; None when none fits."""
        edit = getattr(self, "_" + kind.replace("-", "_"))
        for _ in range(200):
            note = self.random.choice(self.articles) if self.articles else None
            if note is None:
                return None
            if not _utf8(note):
                continue  # a GBK note: an edit in UTF-8 would mix encodings
            applied = edit(note)
            if applied is not None:
                return applied
        return None

    def _append_line(self, note: Path) -> Applied | None:
        data, stat = note.read_bytes(), note.stat()
        newline = b"\r\n" if b"\r\n" in data else b"\n"
        line = "补充：本文发布后，作者在评论区回答了读者关于部署成本的问题。".encode()
        ending = b"" if data.endswith(b"\n") else newline
        note.write_bytes(data + ending + newline + line + newline)
        return Applied("append-line", self._rel(note), [note], _restore(note, data, stat))

    def _fix_date(self, note: Path) -> Applied | None:
        data, stat = note.read_bytes(), note.stat()
        end = frontmatter_end(data)
        match = _DATE.search(data, 0, end)
        if match is None:
            return None
        try:
            day = datetime.date.fromisoformat(match.group(2).decode())
        except ValueError:
            return None
        later = (day + datetime.timedelta(days=1)).isoformat().encode()
        note.write_bytes(data[: match.start(2)] + later + data[match.end(2) :])
        return Applied("fix-date", self._rel(note), [note], _restore(note, data, stat))

    def _add_topic(self, note: Path) -> Applied | None:
        data, stat = note.read_bytes(), note.stat()
        start = data.find(SECTION.encode())
        if start < 0 or not self.topics:
            return None
        entries = list(_ENTRY.finditer(data, start))
        if not entries or entries[0].start() - start > 200:
            return None
        last = entries[0]
        for entry in entries[1:]:  # the section's run of entries, blank lines aside
            if data[last.end() : entry.start()].strip():
                break
            last = entry
        section = data[start : last.end()].decode("utf-8", "replace")
        listed = {m.group(1).rpartition("/")[2].strip() for m in _WIKILINK.finditer(section)}
        unused = [t for t in self.topics if t not in listed]
        if not unused:
            return None
        entry = f"\n- [[{TOPICS}/{self.random.choice(unused)}]]".encode()
        note.write_bytes(data[: last.end()] + entry + data[last.end() :])
        return Applied("add-topic", self._rel(note), [note], _restore(note, data, stat))

    def _rename_note(self, note: Path) -> Applied | None:
        renamed = note.with_name(f"{note.stem}（修订）.md")
        if renamed.exists():
            return None
        os.rename(note, renamed)

        def undo() -> None:
            os.rename(renamed, note)

        return Applied("rename-note", self._rel(note), [renamed], undo)

    def _delete_linked_note(self, _: Path) -> Applied | None:
        incoming = self.incoming()
        if not incoming:
            return None
        target = self.random.choice(sorted(incoming))
        path = self.vault / target
        if not path.exists():
            return None
        data, stat = path.read_bytes(), path.stat()
        linking = [p for p in incoming[target] if p != path and p.exists()][:5]
        if not linking:
            return None
        path.unlink()

        def undo() -> None:
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

        return Applied("delete-linked-note", target, linking, undo)

    def incoming(self) -> dict[str, list[Path]]:
        """Notes outside the topic folder that other notes link to by name or path: rel -> the
        linking notes (topics are linked from everywhere; deleting one is not a usual commit)."""
        if self._incoming is None:
            by_key: dict[str, str] = {}
            for path in self.notes:
                rel = self._rel(path)
                if not rel.startswith(TOPICS + "/"):
                    by_key.setdefault(path.stem.casefold(), rel)
                    by_key.setdefault(rel.removesuffix(".md").casefold(), rel)
            found: dict[str, list[Path]] = {}
            for path in self.notes:
                text = path.read_bytes().decode("utf-8", "replace")
                for match in _WIKILINK.finditer(text):
                    rel = by_key.get(match.group(1).strip().casefold())
                    if rel is not None and path not in found.setdefault(rel, []):
                        found[rel].append(path)
            self._incoming = found
        return self._incoming

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.vault).as_posix()


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(4096)


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile by linear interpolation (0.9: the p90)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
