"""`vaultkit mv OLD NEW`: arguments and exit codes (the work is in `vaultkit.move`).

Exit codes: 0 moved and every link rewritten; 1 moved, but some links could
not be rewritten safely (they are listed) or a note could not be written;
2 nothing moved (a usage or configuration error).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultkit.options import ConfigError
from vaultkit.report.context import plural
from vaultkit.vault import InputError


@click.command("mv")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the moves and the diff; change nothing.")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--no-cache", is_flag=True, help="Read every note again; write no cache.")
def mv(
    source: Path, target: Path, dry_run: bool, config_path: Path | None, isolated: bool,
    no_cache: bool,
) -> None:  # fmt: skip
    """Move a note, attachment or folder and rewrite every link to it, as Obsidian does."""
    from vaultkit import move

    try:
        found = move.plan(source, target, config_path, isolated, use_cache=not no_cache)
    except (move.MoveError, InputError, ConfigError, OSError) as error:
        click.echo(f"vaultkit: error: {error}", err=True)
        sys.exit(2)
    for line in found.refused:
        click.echo(f"vaultkit: warning: {line}", err=True)
    links, notes = plural(found.links, "link"), plural(len(found.rewrites), "note")
    if dry_run:
        click.echo(move.diff(found), nl=False)
        files = plural(len(found.moves), "file")
        click.echo(f"vaultkit: would move {files} and rewrite {links} in {notes}", err=True)
        sys.exit(1 if found.refused else 0)
    try:
        how, failed = move.apply(found)
    except (move.MoveError, OSError) as error:
        click.echo(f"vaultkit: error: {error}", err=True)
        sys.exit(2)
    for line in failed:
        click.echo(f"vaultkit: error: {line}", err=True)
    click.echo(f"vaultkit: moved {source} to {target} ({how}); rewrote {links} in {notes}",
               err=True)  # fmt: skip
    sys.exit(1 if found.refused or failed else 0)
