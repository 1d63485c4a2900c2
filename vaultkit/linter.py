"""Running the rules: parsed vault in, sorted diagnostics out."""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit import config as config_module
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic
from vaultkit.selection import CLI_ORIGINS, Selection, Stage
from vaultkit.vault import InputError, Vault

if TYPE_CHECKING:  # imported when a run needs them: a replayed run parses nothing
    from vaultkit import analysis
    from vaultkit import online as online_module

PROGRESS_MIN = 1000  # notes to parse before a progress bar is worth showing


@dataclass
class Result:
    diagnostics: list[Diagnostic]
    files_checked: int
    internal_errors: list[str] = field(default_factory=list)


@dataclass
class Run:
    """A whole check: where the vault is, what was read, what was found.

    Inputs from several vaults give one run per vault, merged: `root` is then
    the vaults' common parent and paths are relative to it.
    """

    root: Path
    vaults: list[Vault]
    result: Result
    online: online_module.Summary | None = None  # what `--online` did, when it ran
    warnings: list[str] = field(default_factory=list)  # e.g. why the note cache was not used
    # With `output_key`: the report an earlier run printed for exactly these inputs (`printed`,
    # then nothing was checked), else where to keep this run's report (cache folder, key).
    printed: bytes | None = None
    printed_slot: tuple[Path, str] | None = None
    reported: Callable[[str], bool] | None = None  # the notes reported on (one vault's run)
    # `check_paths(defer_vault_rules=True)`: `result` holds the note rules' findings only.
    vault_rules_deferred: bool = False
    # `check_paths(fix_ahead=…)`: rel -> the note's first fix round (`vaultkit.fix.ahead`).
    fixed_ahead: dict[str, object] = field(default_factory=dict)
    # … and the notes whose note-rule findings in `result` are the fixing rules' only, until
    # `vaultkit.fix.fixing_only.complete` runs the others (a note reported as read).
    fixing_only: set[str] = field(default_factory=set)

    @property
    def vault(self) -> Vault:
        return self.vaults[0]

    def release(self) -> None:
        """Let go of every vault's parsed notes (`Vault.release`) once the check, the fixes and
        the baseline are done with them; `lines` reads a note's file again afterwards."""
        for vault in self.vaults:
            vault.release()
        self.fixed_ahead = {}

    def lines(self, path: str) -> list[str] | None:
        """The source lines of a reported note, for context in reports."""
        for vault in self.vaults:
            prefix = (
                vault_module.relative(vault.root, self.root) + "/"
                if vault.root != self.root
                else ""
            )
            if not path.startswith(prefix):
                continue
            rel = path.removeprefix(prefix)
            note = vault.by_rel.get(rel)
            if note is None:  # a replayed run: read the note again
                from vaultkit import source
                from vaultkit.note import Note

                text = source.read(vault.root / rel, vault.config.max_file_size)
                text = text if isinstance(text, source.SourceText) else None
                note = Note(vault.root / rel, rel, text)
            if note.source is not None:
                return note.split_lines()  # kept by the report, not by the note with its text
        return None


def _exists(path: Path) -> bool:
    try:
        return path.exists() or path.is_symlink()
    except OSError:  # e.g. a parent folder we may not enter: let discovery report it
        return True


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def check_paths(
    paths: list[Path],
    *,
    select: list[str] | None = None,
    extend_select: list[str] = (),
    ignore: list[str] = (),
    config_path: Path | None = None,
    isolated: bool = False,
    online: online_module.OnlineOptions | None = None,
    use_cache: bool = False,
    progress: bool = False,
    respect_gitignore: bool | None = None,
    output_key: str | None = None,
    defer_vault_rules: bool = False,
    fix_ahead: bool | None = None,
) -> Run:
    """Check notes or folders against their whole vault (remote images too, with `online`).

    With `use_cache` (the CLI's default), unchanged notes come from the
    vault's note cache and a run over unchanged files replays its result;
    `progress` shows a bar on stderr while many notes are parsed. `output_key`
    (the CLI's: its options and surroundings) asks for the report an earlier run
    printed with the same key over the same unchanged inputs (`Run.printed`).

    `defer_vault_rules` (for `--fix`, which runs the vault rules on the notes as
    fixed) leaves the vault rules out of a run over one vault, offline, where no
    note rule failed: its result then holds the note rules' findings only, and
    says so (`Run.vault_rules_deferred`). Other runs run every rule. `fix_ahead`
    (for `--fix`; True with unsafe fixes) has the per-note stage do each parsed
    note's first fix round too (`Run.fixed_ahead`, see `vaultkit.fix.ahead`).

    Raises `InputError` for a path that does not exist, `ConfigError` or
    `SelectorError` for bad configuration or rule selectors.
    """
    inputs = [Path(os.path.abspath(p)) for p in paths]
    missing = [str(p) for p in inputs if not _exists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    cli = Stage(select or None, list(extend_select), list(ignore), CLI_ORIGINS)
    groups = vault_module.group_by_root(inputs)
    key = output_key if len(groups) == 1 else None
    runs = []
    defer = defer_vault_rules and len(groups) == 1 and online is None
    for root, paths in groups.items():
        options = (config_path, isolated, online, use_cache, progress, respect_gitignore, key)
        fixing = {"defer_vault_rules": defer, "fix_ahead": fix_ahead if defer else None}
        runs.append(_check_vault(root, paths, cli, *options, **fixing))
    if len(runs) == 1:
        return runs[0]
    base = Path(os.path.commonpath([str(run.root) for run in runs]))
    diagnostics, checked, errors = [], 0, []
    for run in runs:
        prefix = vault_module.relative(run.root, base) + "/" if run.root != base else ""
        diagnostics += [replace(d, path=prefix + d.path) for d in run.result.diagnostics]
        checked += run.result.files_checked
        errors += run.result.internal_errors
    diagnostics.sort(key=lambda d: d.sort_key)
    summaries = [run.online for run in runs if run.online is not None]
    summary = functools.reduce(type(summaries[0]).merge, summaries) if summaries else None
    warnings = [warning for run in runs for warning in run.warnings]
    result = Result(diagnostics, checked, errors)
    return Run(base, [run.vault for run in runs], result, summary, warnings)


def _check_vault(
    root: Path,
    inputs: list[Path],
    cli: Stage,
    config_path: Path | None,
    isolated: bool,
    online: online_module.OnlineOptions | None = None,
    use_cache: bool = True,
    progress: bool = False,
    respect_gitignore: bool | None = None,
    output_key: str | None = None,
    defer_vault_rules: bool = False,
    fix_ahead: bool | None = None,
) -> Run:
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    if respect_gitignore is not None:  # the command line's choice beats the config's
        config.respect_gitignore = respect_gitignore
    folders = [p for p in inputs if _is_dir(p)]
    files = [p for p in inputs if p not in folders]
    found = vault_module.plan(root, config, extra=files)
    wanted = {vault_module.relative(p, root) for p in files}
    prefixes = [vault_module.relative(p, root) + "/" if p != root else "" for p in folders]
    starts = tuple(prefixes)

    def reported(rel: str) -> bool:
        return rel in wanted or rel.startswith(starts)  # asked of every note, twice

    notes = [(path, vault_module.relative(path, root)) for path in found.notes]
    cache = _open_cache(root, config, cli) if use_cache else None
    warnings = []
    if cache is not None and not cache.usable:
        if cache.problem:
            warnings.append(cache.problem)
        cache = None
    slot = None
    if cache is not None and online is None:
        replayed = _replay(root, config, found, notes, cache, wanted, prefixes, output_key)
        if replayed is not None:
            replayed.reported = reported
            return replayed  # nothing changed: no rule was even imported
        if output_key is not None and cache.run_key is not None:
            slot = (cache.folder, _printed_key(cache.run_key, output_key, root, config))
    from vaultkit import analysis

    jobs = [analysis.Job(path, rel, reported(rel)) for path, rel in notes]
    selection = Selection(config, cli)
    rules = enabled_rules(selection, with_online=online is not None)
    note_rules = [rule for rule in rules if rule.per_note]
    context = analysis.Context(config, selection, note_rules, cache is not None, fix_ahead)
    names, totals = (_names(root, found, notes), cache.totals()) if cache else ("", None)
    if totals is not None and (totals.names != names or len(totals.digests) < len(jobs)):
        totals = None  # built against other files: every note's facts are read to build again
    counted = totals.digests if totals is not None else None
    with _parse_progress(cache, jobs, progress) as bar:
        analysed = analysis.analyse(jobs, context, cache, bar.advance, counted)
    vault = vault_module.assemble(root, config, found, analysed.notes)
    subjects = frozenset(note.rel for note in vault.notes if reported(note.rel))
    if len(subjects) < len(vault.notes):
        vault.subjects = subjects  # vault rules read the other notes' facts, or their totals
    if cache is not None:
        from vaultkit import facts

        digests, before = analysed.digests, cache.facts_before
        vault.totals, changed = facts.update(totals, vault, digests, before, names)
        if changed and vault.totals is not None:
            cache.put_totals(vault.totals)
    findings, errors = analysed.findings, analysed.errors
    for note in vault.notes[len(analysed.notes) :]:  # files that could not even be walked
        if reported(note.rel):
            more, failed = analysis.check_note(note, context)
            findings, errors = findings + more, errors + failed
    summary = _check_online(vault, selection, reported, online) if online is not None else None
    deferred = defer_vault_rules and not errors
    fixing_only = analysed.fixing_only
    if fixing_only and not deferred:  # the notes are reported as read: every rule on them
        from vaultkit.fix.fixing_only import check_others

        more, failed = check_others(vault, sorted(fixing_only), selection, note_rules)
        findings, errors, fixing_only = findings + more, errors + failed, set()
    if deferred:
        rules = note_rules  # suppressions still apply to their findings
    result = lint(vault, selection, reported, note_findings=(findings, errors), rules=rules)
    if cache is not None:
        complete = online is None and not deferred and not result.internal_errors
        if complete and cache.run_key is not None:
            cache.remember(cache.run_key, result)
        cache.close(keep={job.rel for job in jobs})
    return Run(
        root, [vault], result, summary, warnings, printed_slot=slot, reported=reported,
        vault_rules_deferred=deferred, fixed_ahead=analysed.ahead if deferred else {},
        fixing_only=fixing_only,
    )  # fmt: skip


def _names(root: Path, found: vault_module.Discovery, notes: list[tuple[Path, str]]) -> str:
    """A fingerprint of the vault's file list, which links are resolved against, in the order
    of `Vault.notes`."""
    from vaultkit import cache as cache_module

    problems = [vault_module.relative(path, root) for path in found.problems]  # as `assemble`
    files = [vault_module.relative(path, root) for path in found.attachments]
    return cache_module.fingerprint(
        *("\0".join(rels) for rels in ([r for _, r in notes], problems, files))
    )


def _printed_key(run_key: str, output_key: str, root: Path, config) -> str:
    """Where the report printed for these inputs is kept: the run's inputs, the CLI's
    `output_key` and the baselines that may apply (their bytes)."""
    from vaultkit import cache as cache_module

    baselines: list[object] = []
    for path in (config.baseline, root / ".vaultkit-baseline.json"):
        try:
            baselines.append(Path(path).read_bytes() if path is not None else b"")
        except OSError:
            baselines.append(b"-")
    return cache_module.fingerprint(run_key, "printed", output_key, *baselines)


def enabled_rules(selection: Selection, with_online: bool) -> list:
    from vaultkit.rules import all_rules

    return [
        cls()
        for cls in all_rules()
        if cls.code in selection.enabled and (with_online or not cls.needs_online)
    ]


def _open_cache(root: Path, config, cli: Stage):
    """The vault's note cache, keyed for this vaultkit, configuration and selection (check
    `.usable`: an unsafe or broken cache folder gives one that says why in `.problem`)."""
    from vaultkit import __version__, cachedir
    from vaultkit import cache as cache_module

    parse_key = cache_module.fingerprint(
        cache_module.FORMAT, __version__, sys.version_info[:2], config.max_file_size,
        *_library_versions(), *_code_stamp(),
    )  # fmt: skip
    config_bytes = b""
    if config.path is not None:
        try:
            config_bytes = Path(config.path).read_bytes()
        except OSError:
            return None
    for path in config.nested:  # a nested config changes what applies to its notes
        try:
            config_bytes += os.fsencode(path) + b"\0" + Path(path).read_bytes()
        except OSError:
            return None
    facts_key = cache_module.fingerprint(
        parse_key, config.path or "", config_bytes, _obsidian_settings(root)
    )
    rules_key = cache_module.fingerprint(
        facts_key, cli.select, cli.extend_select, cli.ignore, datetime.date.today().isoformat()
    )
    folder = cachedir.folder_for(root)
    return cache_module.NoteCache(folder, parse_key, rules_key, facts_key).open()


def _obsidian_settings(root: Path) -> bytes:
    """`.obsidian/app.json` (its attachment folder and ignore filters change findings)."""
    try:
        with open(root / ".obsidian" / "app.json", "rb") as file:
            return file.read(1 << 20)
    except OSError:
        return b""


@functools.lru_cache(maxsize=1)
def _code_stamp() -> tuple[object, ...]:
    """A digest of each of vaultkit's own modules: an edited checkout (an editable install)
    is a new version as far as the cache is concerned, while two installs of the same
    version (pre-commit's and the user's) share the cache. Contents, not modification
    times: each install writes its files at its own time."""
    package = Path(__file__).parent
    stamp: list[object] = []
    for folder, _dirs, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    digest = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
                stamp += (os.path.relpath(path, package), digest)
    return tuple(stamp)


def _library_versions() -> tuple[object, ...]:
    """The parsers whose output the cache stores, told apart by their installed files (each
    package folder's file names and sizes, and its `__init__.py`, which names PyYAML's
    version): importing PyYAML would cost a warm run, which parses nothing, more than all
    of its own work. A file that cannot be read counts as a change."""
    import importlib.util

    stamp: list[object] = []
    for name in ("pyromark", "yaml"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            stamp.append(None)
            continue
        folder = os.path.dirname(spec.origin)
        try:
            with os.scandir(folder) as entries:
                files = sorted((e.name, e.stat().st_size) for e in entries if e.is_file())
            with open(spec.origin, "rb") as init:
                stamp += (files, init.read())
        except OSError:
            stamp.append(os.urandom(8))
    return tuple(stamp)


def _replay(root, config, found, notes, cache, wanted, prefixes, output_key=None) -> Run | None:
    """The stored result of a run over exactly these files, unchanged; sets `cache.run_key`.

    The replayed run's vault holds no notes: a report that shows source lines
    reads them from the files (`Run.lines`), and the fixer loads what it needs.
    """
    from vaultkit import cache as cache_module

    parts: list[object] = [cache.rules_key, *sorted(wanted), "|", *sorted(prefixes), "|"]
    for path, rel in notes:
        stat = cache.stat(rel, path)
        if stat is None or cache.started - stat.mtime / 1e9 <= cache_module.RACY_SECONDS:
            return None  # too fresh to trust its time: check it
        parts += (rel, stat.size, stat.stamp)
    parts.append("|")
    for path in found.attachments:
        stat = cache_module.Stat.of(path)
        parts += (vault_module.relative(path, root), stat and (stat.size, stat.stamp))
    parts.append("|")
    for path, problem in sorted(found.problems.items()):
        parts += (vault_module.relative(path, root), problem.kind, problem.detail)
    parts += sorted((str(link), target) for link, target in found.outside.items())
    cache.run_key = cache_module.fingerprint(*parts)
    shown = vault_module.Discovery(
        attachments=found.attachments, problems=found.problems, outside=found.outside
    )
    if output_key is not None:
        slot = (cache.folder, _printed_key(cache.run_key, output_key, root, config))
        printed = cache.replay_bytes(slot[1])
        if printed is not None:
            cache.close()
            vault = vault_module.assemble(root, config, shown, [])
            return Run(root, [vault], Result([], 0), printed=printed, printed_slot=slot)
    result = cache.replay(cache.run_key)
    if not isinstance(result, Result):
        return None
    cache.close()
    run = Run(root, [vault_module.assemble(root, config, shown, [])], result)
    if output_key is not None:
        run.printed_slot = slot
    return run


def _parse_progress(cache, jobs: list[analysis.Job], enabled: bool):
    """A progress bar while many notes are parsed on a terminal (a second or more of work)."""
    from vaultkit.progress import ProgressBar

    return ProgressBar(len(jobs), enabled and len(jobs) >= PROGRESS_MIN, "checking notes")


def _check_online(
    vault: Vault,
    selection: Selection,
    reported: Callable[[str], bool],
    options: online_module.OnlineOptions,
) -> online_module.Summary | None:
    """Fetch the remote images of the reported notes that an online rule looks at."""
    from vaultkit import online as online_module
    from vaultkit.rules import all_rules

    codes = {rule.code for rule in all_rules() if rule.needs_online} & selection.enabled
    if not codes:
        return None

    def wanted(note) -> bool:
        return reported(note.rel) and bool(codes & selection.for_path(note.rel))

    return online_module.check_vault(vault, wanted, options)


def lint(
    vault: Vault,
    selection: Selection,
    reported: Callable[[str], bool],
    note_findings: tuple[list[Diagnostic], list[str]] | None = None,
    rules: list | None = None,
) -> Result:
    """Run every enabled rule; keep only findings on reported notes that are not suppressed.

    `note_findings` are the note rules' findings and failures when the
    per-note stage (`vaultkit.analysis`) already ran them; else they run here.
    """
    from vaultkit import analysis, vault_pass

    if rules is None:
        rules = enabled_rules(selection, with_online=vault.online is not None)
    vault_rules = [rule for rule in rules if not rule.per_note]
    if note_findings is None:
        context = analysis.Context(
            vault.config, selection, [rule for rule in rules if rule.per_note], False
        )
        found: list[Diagnostic] = []
        errors: list[str] = []
        for note in vault.notes:
            if reported(note.rel):
                more, failed = analysis.check_note(note, context)
                found += more
                errors += failed
    else:
        found, errors = list(note_findings[0]), list(note_findings[1])

    def keep(rule, diagnostic: Diagnostic) -> bool:
        return reported(diagnostic.path) and rule.code in selection.for_path(diagnostic.path)

    checked = sum(1 for note in vault.notes if reported(note.rel))
    more, failed = vault_pass.run(vault, vault_rules, keep, checked)
    found += more
    errors += failed
    return Result(unsuppressed(vault, found), checked, errors)


def unsuppressed(vault: Vault, found: list[Diagnostic]) -> list[Diagnostic]:
    from vaultkit import suppression

    cache: dict[str, suppression.Suppressions] = {}
    kept = []
    for diagnostic in found:
        note = vault.by_rel.get(diagnostic.path)
        if note is not None and (note.html or note.frontmatter):
            if note.rel not in cache:
                cache[note.rel] = suppression.parse(note)
            if cache[note.rel].covers(diagnostic):
                continue
        kept.append(diagnostic)
    return sorted(kept, key=lambda d: d.sort_key)
