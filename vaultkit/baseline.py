"""A baseline: the findings a vault already had, so that only new ones are reported.

`vaultkit check --write-baseline [FILE]` records the findings of a check
(default `.vaultkit-baseline.json` at the vault root); later checks leave them
out of the report. The baseline used is `--baseline FILE`, else the config key
`baseline` (relative to the config file), else `.vaultkit-baseline.json` at the
vault root when it exists; `--no-baseline` reports everything. Each entry is keyed
by the note's path, the rule code and a hash of the finding's source line with
its surrounding white space stripped; never by the line number, so inserting
or deleting lines elsewhere in the note, or editing other lines, keeps the
entry. Several findings with one key are matched by count: with two recorded
and three found, one is new. The hash (not the text) is stored so that a line
holding a secret is not copied into a file that gets committed.

The file is JSON with one finding per line, sorted by path, code and hash,
so that its diffs read well and a rewrite that changes nothing changes no
byte. Entries whose finding is gone are counted ("3 baseline entries no
longer found: --write-baseline again to drop them"). A check of some notes
(pre-commit) compares and rewrites only the entries of the notes it checked.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from vaultkit.diagnostics import Diagnostic
from vaultkit.options import ConfigError
from vaultkit.report.context import plural

DEFAULT_NAME = ".vaultkit-baseline.json"
FORMAT = 1

Key = tuple[str, str, str]  # path, code, hash of the stripped source line


def line_hash(text: str) -> str:
    """The hash of a source line as a baseline stores it (16 hex digits)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


def keys(diagnostics: Iterable[Diagnostic], lines: Callable[[str], list[str] | None]) -> list[Key]:
    """The baseline key of each finding, in order; `lines(path)` gives a note's lines."""
    known: dict[str, list[str]] = {}
    found = []
    for d in diagnostics:
        if d.path not in known:
            known[d.path] = lines(d.path) or []
        source = known[d.path]
        text = source[d.start.line - 1] if 1 <= d.start.line <= len(source) else ""
        found.append((d.path, d.code, line_hash(text)))
    return found


@dataclass
class Scope:
    """The notes a check looked at: whole files and folders, as vault-relative paths."""

    files: frozenset[str]
    folders: tuple[str, ...]  # each ends with `/`; "" is the whole vault

    def covers(self, rel: str) -> bool:
        return rel in self.files or any(rel.startswith(folder) for folder in self.folders)

    @classmethod
    def of(cls, inputs: list[Path], root: Path) -> Scope:
        files, folders = set(), []
        for path in inputs:
            absolute = Path(os.path.abspath(path))
            try:
                rel = absolute.relative_to(root).as_posix()
            except ValueError:
                continue
            if absolute.is_dir():
                folders.append("" if rel == "." else rel + "/")
            else:
                files.add(rel)
        return cls(frozenset(files), tuple(folders))


def read(path: Path) -> Counter[Key]:
    """The entries of a baseline file (key -> count). Raises `ConfigError` when unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        hint = "write one with --write-baseline"
        raise ConfigError(f"{path}: no such baseline file ({hint})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: not a vaultkit baseline: {error}") from None
    if not isinstance(data, dict) or data.get("vaultkit-baseline") != FORMAT:
        raise ConfigError(f"{path}: not a vaultkit baseline (format {FORMAT})")
    entries: Counter[Key] = Counter()
    for index, entry in enumerate(data.get("findings", [])):
        try:
            key = (entry["path"], entry["code"], entry["hash"])
            count = int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError):
            raise ConfigError(f"{path}: findings[{index}]: expected path, code, hash") from None
        if not all(isinstance(part, str) for part in key) or count < 1:
            raise ConfigError(f"{path}: findings[{index}]: expected path, code, hash")
        entries[key] += count
    return entries


def render(entries: Counter[Key]) -> str:
    """The file's text: one entry per line, sorted, so that diffs show what changed."""
    lines = []
    for (path, code, digest), count in sorted(entries.items()):
        entry = {"path": path, "code": code, "hash": digest}
        if count > 1:
            entry["count"] = count
        lines.append("    " + json.dumps(entry, ensure_ascii=False))
    body = ",\n".join(lines)
    return (
        f'{{\n  "vaultkit-baseline": {FORMAT},\n  "findings": [\n'
        + (body + "\n" if body else "")
        + "  ]\n}\n"
    )


def write(path: Path, found: list[Key], scope: Scope) -> int:
    """Record `found` in `path`, keeping the entries of notes outside `scope`; returns
    how many findings the file now holds."""
    kept: Counter[Key] = Counter()
    if path.is_file():
        kept = Counter({k: n for k, n in read(path).items() if not scope.covers(k[0])})
    entries = kept + Counter(found)
    text = render(entries)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return sum(entries.values())


@dataclass
class Filtered:
    new: list[Diagnostic]  # the findings not in the baseline
    known: int  # findings the baseline holds (left out of the report)
    gone: int  # baseline entries (counted) whose finding no longer shows, in scope


def apply(
    diagnostics: list[Diagnostic], found: list[Key], entries: Counter[Key], scope: Scope
) -> Filtered:
    """Leave out the findings the baseline holds; `found` are their keys, in the same order."""
    left = Counter(entries)
    new = []
    for diagnostic, key in zip(diagnostics, found, strict=True):
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(diagnostic)
    gone = sum(n for key, n in left.items() if n > 0 and scope.covers(key[0]))
    return Filtered(new, len(diagnostics) - len(new), gone)


@dataclass
class Outcome:
    """What the baseline did to a run's report."""

    diagnostics: list[Diagnostic]  # what is left to report
    notes: list[str]  # lines for stderr
    wrote: Path | None = None


def for_run(run, inputs: list[Path], given: Path | None, write_to: str | None) -> Outcome:
    """Apply the baseline to a finished check, or (with `write_to`) record it.

    `given` is `--baseline FILE`; without it the config's `baseline` is used, if
    any. `write_to` is `--write-baseline`'s value: "" for the default file (the
    configured one, else `.vaultkit-baseline.json` at the vault root).
    """
    diagnostics = run.result.diagnostics
    scope = Scope.of(inputs or [Path(".")], run.root)
    configured = given if given is not None else run.vault.config.baseline
    if configured is None and (run.root / DEFAULT_NAME).is_file():
        configured = run.root / DEFAULT_NAME
    if write_to is None and configured is None:
        return Outcome(diagnostics, [])  # no baseline: no source line is read
    found = keys(diagnostics, run.lines)
    if write_to is not None:
        target = Path(write_to) if write_to else configured or run.root / DEFAULT_NAME
        if target.is_dir():
            raise ConfigError(f"{target}: is a folder; write the baseline as --write-baseline=FILE")
        try:
            total = write(target, found, scope)
        except OSError as error:
            raise ConfigError(f"cannot write {target}: {error.strerror or error}") from None
        note = f"wrote {plural(len(found), 'finding')} to {target} ({total} in the file)"
        return Outcome([], [note], target)
    filtered = apply(diagnostics, found, read(configured), scope)
    notes = []
    if filtered.known:
        known = plural(filtered.known, "finding")
        notes.append(f"{known} left out (in the baseline {configured})")
    if filtered.gone:
        gone = "1 baseline entry" if filtered.gone == 1 else f"{filtered.gone} baseline entries"
        notes.append(f"{gone} no longer found: run with --write-baseline again to drop them")
    return Outcome(filtered.new, notes)
