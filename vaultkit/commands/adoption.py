"""What `vaultkit check` does around the rules for adopting it on a vault: `--changed`,
per-rule severity and the baseline (the work is in `vaultkit.changes`, `vaultkit.severity`
and `vaultkit.baseline`; this is the command line's glue)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from vaultkit import baseline, severity
from vaultkit import changes as changes_module


def plan_changes(paths: list[Path], config_path, isolated: bool, use_cache: bool):
    """`--changed`: what to check (exits 0 when nothing changed)."""
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
    return baseline.for_run(run, paths, given, write_to)
