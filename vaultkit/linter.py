"""Running the rules: parsed vault in, sorted diagnostics out."""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import online as online_module
from vaultkit import suppression
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic
from vaultkit.rules import NoteRule, VaultRule, all_rules
from vaultkit.selection import CLI_ORIGINS, Selection, Stage
from vaultkit.vault import InputError, Vault


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

    @property
    def vault(self) -> Vault:
        return self.vaults[0]

    def lines(self, path: str) -> list[str] | None:
        """The source lines of a reported note, for context in reports."""
        for vault in self.vaults:
            prefix = (
                vault_module.relative(vault.root, self.root) + "/"
                if vault.root != self.root
                else ""
            )
            note = vault.by_rel.get(path.removeprefix(prefix)) if path.startswith(prefix) else None
            if note is not None and note.source is not None:
                return note.lines
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
) -> Run:
    """Check notes or folders against their whole vault (remote images too, with `online`).

    Raises `InputError` for a path that does not exist, `ConfigError` or
    `SelectorError` for bad configuration or rule selectors.
    """
    inputs = [Path(os.path.abspath(p)) for p in paths]
    missing = [str(p) for p in inputs if not _exists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    cli = Stage(select or None, list(extend_select), list(ignore), CLI_ORIGINS)
    groups = vault_module.group_by_root(inputs)
    runs = [
        _check_vault(root, paths, cli, config_path, isolated, online)
        for root, paths in groups.items()
    ]
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
    summary = functools.reduce(online_module.Summary.merge, summaries) if summaries else None
    return Run(base, [run.vault for run in runs], Result(diagnostics, checked, errors), summary)


def _check_vault(
    root: Path,
    inputs: list[Path],
    cli: Stage,
    config_path: Path | None,
    isolated: bool,
    online: online_module.OnlineOptions | None = None,
) -> Run:
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    selection = Selection(config, cli)
    folders = [p for p in inputs if _is_dir(p)]
    files = [p for p in inputs if p not in folders]
    vault = vault_module.load(root, config, extra=files)
    wanted = {vault_module.relative(p, root) for p in files}
    prefixes = [vault_module.relative(p, root) + "/" if p != root else "" for p in folders]

    def reported(rel: str) -> bool:
        return rel in wanted or any(rel.startswith(prefix) for prefix in prefixes)

    summary = _check_online(vault, selection, reported, online) if online is not None else None
    return Run(root, [vault], lint(vault, selection, reported), summary)


def _check_online(
    vault: Vault,
    selection: Selection,
    reported: Callable[[str], bool],
    options: online_module.OnlineOptions,
) -> online_module.Summary | None:
    """Fetch the remote images of the reported notes that an online rule looks at."""
    codes = {rule.code for rule in all_rules() if rule.needs_online} & selection.enabled
    if not codes:
        return None

    def wanted(note) -> bool:
        return reported(note.rel) and bool(codes & selection.for_path(note.rel))

    return online_module.check_vault(vault, wanted, options)


def _failure(rule, where: str, error: Exception) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return (
        f"rule {rule.code} ({rule.name}) failed on {where}: {type(error).__name__}: {error} "
        f"[{frame.filename}:{frame.lineno}]; this is a bug in vaultkit, please report it"
    )


def lint(vault: Vault, selection: Selection, reported: Callable[[str], bool]) -> Result:
    """Run every enabled rule; keep only findings on reported notes that are not suppressed."""
    rules = [
        cls()
        for cls in all_rules()
        if cls.code in selection.enabled and (vault.online is not None or not cls.needs_online)
    ]
    note_rules = [rule for rule in rules if isinstance(rule, NoteRule)]
    vault_rules = [rule for rule in rules if isinstance(rule, VaultRule)]
    found: list[Diagnostic] = []
    errors: list[str] = []
    checked = 0
    for note in vault.notes:
        if not reported(note.rel):
            continue
        checked += 1
        enabled = selection.for_path(note.rel)
        settings = vault.config.settings_for(note.rel)
        for rule in note_rules:
            if rule.code not in enabled or (note.source is None and not rule.checks_unreadable):
                continue
            try:
                found.extend(rule.check(note, settings))
            except Exception as error:  # a rule bug must not stop the run
                errors.append(_failure(rule, note.rel, error))
    for rule in vault_rules:
        try:
            for diagnostic in rule.check_vault(vault):
                if reported(diagnostic.path) and rule.code in selection.for_path(diagnostic.path):
                    found.append(diagnostic)
        except Exception as error:
            errors.append(_failure(rule, "the vault", error))
    return Result(_unsuppressed(vault, found), checked, errors)


def _unsuppressed(vault: Vault, found: list[Diagnostic]) -> list[Diagnostic]:
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
