"""The per-note stage of a check: parse each note and run the note rules on it.

Each note is independent here, so this is the stage that is cached and the
stage that runs in parallel:

- a note whose file is unchanged since the last run comes from the note
  cache (`vaultkit.cache`), with its note-rule findings when the
  configuration and rule selection are the same too; a note that is not
  reported comes as its facts (`vaultkit.facts`) and a `LazyNote`, whose
  record is unpickled only if a vault rule reads more than the facts;
- the others are read, parsed and checked, shared between this process and
  forked helpers (`vaultkit.parallel`) when there are enough of them to pay
  for the helpers (`PARALLEL_MIN` notes, more than one usable core, and
  `fork` available so helpers start with the rules already imported), else in
  this process alone. Helpers send back each note pickled, which is also the
  form the cache stores, so the result is the same whichever way it was
  computed.

Vault rules, which need every note at once, run after this stage, in
`vaultkit.linter`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit import facts as facts_module
from vaultkit import parallel
from vaultkit.cache import NoteCache, Stat
from vaultkit.diagnostics import Diagnostic, Position, Severity
from vaultkit.note import LazyNote, Note
from vaultkit.vault import parse_file

if TYPE_CHECKING:
    from vaultkit.rules import NoteRule
    from vaultkit.selection import Selection

PARALLEL_MIN = 200  # fewer notes to parse than this: one process is faster
_CHUNK = 16


@dataclass(frozen=True, slots=True)
class Job:
    """One note to analyse: where it is, and whether its findings are wanted."""

    path: Path
    rel: str
    reported: bool


@dataclass
class Analysed:
    """The per-note stage's output, in the order of the jobs."""

    notes: list[Note] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    parsed: int = 0  # notes read and parsed this run (the rest came from the cache)
    ahead: dict[str, object] = field(default_factory=dict)  # rel -> `vaultkit.fix.ahead.Ahead`
    # The notes checked with the fixing rules only, their fixed bytes with every note rule
    # (`vaultkit.fix.ahead.check_fixing_first`): `findings` holds the fixing rules' only.
    fixing_only: set[str] = field(default_factory=set)
    digests: list[bytes | None] = field(default_factory=list)  # of each note's bytes, if kept


@dataclass
class Context:
    """What checking a note needs; inherited by forked helpers, never pickled."""

    config: object  # vaultkit.config.Config
    selection: Selection
    rules: list[NoteRule]
    keep_blobs: bool  # pickle each note for the cache, with its facts
    fix_ahead: bool | None = None  # with `--fix` (True: unsafe fixes too): `vaultkit.fix.ahead`


def failure(rule, where: str, error: Exception) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return (
        f"rule {rule.code} ({rule.name}) failed on {where}: {type(error).__name__}: {error} "
        f"[{frame.filename}:{frame.lineno}]; this is a bug in vaultkit, please report it"
    )


def check_note(
    note: Note, context: Context, rules: list[NoteRule] | None = None
) -> tuple[list[Diagnostic], list[str]]:
    """The note rules' findings on one note, and the failures of rules that crashed; `rules`
    (of the context's, in their order) runs only those."""
    found: list[Diagnostic] = []
    errors: list[str] = []
    enabled = context.selection.for_path(note.rel)
    settings = context.config.settings_for(note.rel)
    for rule in context.rules if rules is None else rules:
        if rule.code not in enabled or (note.source is None and not rule.checks_unreadable):
            continue
        try:
            found.extend(rule.check(note, settings))
        except Exception as error:  # a rule bug must not stop the run
            errors.append(failure(rule, note.rel, error))
            found.append(failure_finding(rule, note, error))
    return found, errors


def failure_finding(rule, note: Note, error: Exception) -> Diagnostic:
    """A rule's crash on a note, reported on the note's first line as the rule's finding."""
    at = Position(1, 1)
    return Diagnostic(
        note.rel, at, at, rule.code, rule.name, rule.category, Severity.ERROR,
        f"internal error: rule {rule.code} ({rule.name}) failed on this note with "
        f"{type(error).__name__}; this is a bug in vaultkit, please report it "
        "(with the note, if you can share it)",
    )  # fmt: skip


def _analyse_one(job: Job, context: Context) -> tuple:
    note = parse_file(job.path, job.rel, context.config.max_file_size)
    blob = pickle.dumps(note, protocol=5) if context.keep_blobs else None
    ahead = None
    if not job.reported:
        findings, errors = None, []
    elif context.fix_ahead is None:
        findings, errors = check_note(note, context)
    else:
        from vaultkit.fix.ahead import check_fixing_first

        findings, errors, ahead = check_fixing_first(note, context)
    if context.keep_blobs:
        note.facts = _facts(note, context, errors)
    note.release()
    return note, blob, findings, errors, ahead


def _facts(note: Note, context: Context, errors: list[str]):
    """The note's facts; None when collecting them failed (the failure is reported)."""
    try:
        return facts_module.collect(note, context.config)
    except Exception as error:  # a bug must not stop the run
        frame = traceback.extract_tb(error.__traceback__)[-1]
        errors.append(
            f"collecting the facts of {note.rel} failed: {type(error).__name__}: {error} "
            f"[{frame.filename}:{frame.lineno}]; this is a bug in vaultkit, please report it"
        )
        return None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pool_size(count: int) -> int:
    """How many processes share the work on `count` notes: this one and forked helpers."""
    if count < PARALLEL_MIN:
        return 1  # without importing multiprocessing: the hook's few notes never need it
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    override = os.environ.get("VAULTKIT_WORKERS")
    if override and override.isdigit():
        return max(1, int(override))
    return min(_cores(), max(1, count // (PARALLEL_MIN // 2)))


def _parse_all(jobs: list[Job], context: Context, progress: Callable[[int], None]) -> Iterable:
    """(note, blob, findings, errors, ahead) per job, in order, in parallel when it pays."""

    def here(chunk: list[Job]) -> list[tuple]:
        return [_analyse_one(job, context) for job in chunk]

    def there(chunk: list[Job]) -> list[tuple]:  # in a helper: notes travel pickled
        out = []
        for job in chunk:
            note, blob, findings, errors, ahead = _analyse_one(job, context)
            out.append(
                (blob or pickle.dumps(note, protocol=5), findings, errors, note.facts, ahead)
            )
        return out

    chunks = [jobs[i : i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    for results in parallel.shared(chunks, pool_size(len(jobs)), here, there, _unpack):
        yield from results
        progress(len(results))


def _unpack(sent: list[tuple]) -> list[tuple]:
    """A helper's chunk as `_analyse_one` returns it."""
    out = []
    for blob, findings, errors, facts, ahead in sent:
        note = pickle.loads(blob)
        note.facts = facts
        out.append((note, blob, findings, errors, ahead))
    return out


def check_notes(notes: list[Note], context: Context) -> list[tuple[list[Diagnostic], list[str]]]:
    """`check_note` of each of the parsed `notes`, in order; shared with forked helpers when
    there are enough of them (the fix rounds' notes, held in memory: only findings travel)."""
    processes = pool_size(len(notes))
    step = max(_CHUNK, len(notes) // (processes * 8))
    chunks = [(lo, min(lo + step, len(notes))) for lo in range(0, len(notes), step)]

    def check(bounds: tuple[int, int]) -> list[tuple[list[Diagnostic], list[str]]]:
        return [check_note(note, context) for note in notes[bounds[0] : bounds[1]]]

    done = parallel.shared(chunks, processes, check, check, lambda sent: sent)
    return [found for chunk in done for found in chunk]


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while records are built by the hundred thousand.

    The records hold no reference cycles, so the collections that their
    allocations would trigger find nothing; pausing them makes loading
    cached notes about three times faster. Afterwards they are frozen
    (`gc.freeze`): they live as long as the run, and without it the first
    full collection of the vault rules scanned every parsed note (1.3 s of
    CPU on a 3,300-note vault). Reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def analyse(
    jobs: list[Job],
    context: Context,
    cache: NoteCache | None,
    progress: Callable[[int], None] = lambda done: None,
    counted: list[bytes | None] | None = None,
) -> Analysed:
    """Parse and check every job's note, reusing what the cache still holds.

    `counted` (with `cache`): per job, the digest of the bytes whose facts the vault's
    totals count (`vaultkit.facts.Totals`); the facts of a note not reported whose
    bytes are those are read only if a rule asks for them.
    """
    with _no_gc():
        return _analyse(jobs, context, cache, progress, counted or [None] * len(jobs))


def _analyse(
    jobs: list[Job],
    context: Context,
    cache: NoteCache | None,
    progress: Callable[[int], None],
    counted: list[bytes | None],
) -> Analysed:
    out = Analysed(digests=[None] * len(jobs))
    slots: list[Note | None] = [None] * len(jobs)
    stats: dict[int, Stat | None] = {}
    todo: list[int] = []
    for index, job in enumerate(jobs):
        entry = None
        facts = None
        if cache is not None:
            stats[index] = stat = cache.stat(job.rel, job.path)
            if not job.reported and counted[index] is not None:
                digest = cache.counted(job.rel, job.path, stat)
                if digest == counted[index]:
                    cache.touch(job.rel, stat)
                    read = _facts_reader(job, cache, stat)
                    slots[index] = LazyNote(
                        job.path, job.rel, None, _loader(job, context, cache), read
                    )
                    out.digests[index] = digest
                    progress(1)
                    continue
            facts = cache.facts(job.rel, job.path, stat)
            if facts is not None and not job.reported:
                cache.touch(job.rel, stat)
                slots[index] = LazyNote(job.path, job.rel, facts, _loader(job, context, cache))
                out.digests[index] = cache.digest(job.rel)
                progress(1)
                continue
            entry = cache.get(job.rel, job.path, stat)
            if entry is not None:
                cache.touch(job.rel, stat)
        if entry is None:
            todo.append(index)
            continue
        slots[index] = note = entry.note
        note.path = job.path  # the vault may have moved since the note was cached
        note.facts = facts
        out.digests[index] = cache.digest(job.rel)
        if facts is None:
            note.facts = _facts(note, context, out.errors)
            if note.facts is not None:
                cache.put_facts(job.rel, note.facts)
        if job.reported:
            if entry.findings is None:
                findings, errors = check_note(note, context)
                out.errors += errors
                if not errors:
                    cache.put_findings(job.rel, findings)
            else:
                findings = entry.findings
            out.findings += findings
        progress(1)
    results = _parse_all([jobs[i] for i in todo], context, progress)
    for index, (note, blob, findings, errors, ahead) in zip(todo, results, strict=True):
        slots[index] = note
        note.path, note.rel = jobs[index].path, jobs[index].rel  # one copy of each, not two
        if ahead is not None:
            ahead.note.path, ahead.note.rel = note.path, note.rel
            out.ahead[note.rel] = ahead
            if ahead.fixing_only:
                out.fixing_only.add(note.rel)
        out.parsed += 1
        out.findings += findings or []
        out.errors += errors
        if cache is not None and note.source is not None and blob is not None:
            kept = None if errors or note.rel in out.fixing_only else findings
            cache.put(jobs[index].rel, stats[index], _raw(note), blob, kept, note.facts)
            out.digests[index] = cache.digest(note.rel)
    out.notes = slots
    return out


def _loader(job: Job, context: Context, cache: NoteCache) -> Callable[[], Note]:
    """How a `LazyNote` gets its record: from the cache, else by reading the file again."""

    def load() -> Note:
        note = cache.note(job.rel)
        if note is None:
            note = parse_file(job.path, job.rel, context.config.max_file_size)
        note.path = job.path
        return note

    return load


def _facts_reader(job: Job, cache: NoteCache, stat: Stat | None) -> Callable[[], object]:
    """How a `LazyNote` counted by the vault's totals reads its facts if a rule asks."""
    return lambda: cache.facts(job.rel, job.path, stat)


def _raw(note: Note) -> bytes:
    """The file's bytes as they were read: BOM and data."""
    return (b"\xef\xbb\xbf" if note.source.has_bom else b"") + note.source.data
