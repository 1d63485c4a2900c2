"""Running the rules: parsed vault in, sorted diagnostics out."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import config as config_module
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
    """A whole check: where the vault is, what was read, what was found."""

    root: Path
    vault: Vault
    result: Result


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
) -> Run:
    """Check notes or folders against their whole vault.

    Raises `InputError` for a path that does not exist, `ConfigError` or
    `SelectorError` for bad configuration or rule selectors.
    """
    inputs = [Path(os.path.abspath(p)) for p in paths]
    missing = [str(p) for p in inputs if not _exists(p)]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    root = vault_module.find_root(inputs)
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    cli = Stage(select or None, list(extend_select), list(ignore), CLI_ORIGINS)
    selection = Selection(config, cli)

    folders = [p for p in inputs if _is_dir(p)]
    files = [p for p in inputs if p not in folders]
    vault = vault_module.load(root, config, extra=files)
    wanted = {vault_module.relative(p, root) for p in files}
    prefixes = [vault_module.relative(p, root) + "/" if p != root else "" for p in folders]

    def reported(rel: str) -> bool:
        return rel in wanted or any(rel.startswith(prefix) for prefix in prefixes)

    return Run(root, vault, lint(vault, selection, reported))


def _failure(rule, where: str, error: Exception) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return (
        f"rule {rule.code} ({rule.name}) failed on {where}: {type(error).__name__}: {error} "
        f"[{frame.filename}:{frame.lineno}]; this is a bug in vaultkit, please report it"
    )


def lint(vault: Vault, selection: Selection, reported: Callable[[str], bool]) -> Result:
    """Run every enabled rule; keep only findings on reported notes that are not suppressed."""
    rules = [cls() for cls in all_rules() if cls.code in selection.enabled]
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
