"""What `vaultkit check` does around the rules for adopting it on a vault: `--changed`,
per-rule severity and the baseline (the work is in `vaultkit.changes`, `vaultkit.severity`
and `vaultkit.baseline`; this is the command line's glue)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultkit import severity

if TYPE_CHECKING:  # imported when a run needs them: a replayed run needs neither
    from vaultkit import baseline


def plan_changes(paths: list[Path], config_path, isolated: bool, use_cache: bool):
    """`--changed`: what to check (exits 0 when nothing changed)."""
    from vaultkit import changes as changes_module

    changes = changes_module.plan(paths, config_path, isolated, use_cache)
    for line in changes.notes:
        click.echo(f"vaultkit: {line}", err=True)
    if not changes.paths:
        click.echo("vaultkit: no changed notes to check", err=True)
        sys.exit(0)
    return changes


def after_check(run, changes, paths: list[Path], given: Path | None, write_to: str | None,
                use_baseline: bool) -> baseline.Outcome | None:  # fmt: skip
    """Set each finding's configured severity, keep what `--changed` reports, then apply
    (or write) the baseline; the run's result is replaced in place."""
    found = severity.apply(run.result.diagnostics, run.vault.config.severity)
    run.result = dataclasses.replace(run.result, diagnostics=found)
    if changes is not None:
        narrowed = changes.narrow(run.root, run.result.diagnostics)
        run.result = dataclasses.replace(run.result, diagnostics=narrowed)
        for line in changes.unreported:
            click.echo(f"vaultkit: broken link: {line}", err=True)
    if not use_baseline and write_to is None:
        return None
    from vaultkit import baseline

    return baseline.for_run(run, paths, given, write_to)


def show(paths, note: Path | None, config_path, isolated: bool, respect_gitignore) -> str:
    """`--show-settings NOTE`, else `--show-files` (the selection flags of the command line
    count for the rules a note gets)."""
    from vaultkit.commands import show as show_module
    from vaultkit.selection import CLI_ORIGINS, Stage

    if note is None:
        return show_module.files(list(paths), config_path, isolated, respect_gitignore)
    params = click.get_current_context().params

    def codes(name: str) -> list[str]:
        return [c.strip() for v in params[name] for c in v.split(",") if c.strip()]

    cli = Stage(codes("select") or None, codes("extend_select"), codes("ignore"), CLI_ORIGINS)
    return show_module.settings(note, config_path, isolated, respect_gitignore, cli)
