"""`vaultkit explain LINK --from NOTE`: how a link resolves, step by step."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultkit.commands.output import EXIT_CLEAN, EXIT_FINDINGS, echo, fail
from vaultkit.options import ConfigError
from vaultkit.vault import InputError


@click.command("explain")
@click.argument("link")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@click.option(
    "--from", "from_path", required=True, type=click.Path(path_type=Path),
    help="The note that holds the link (a path from the current folder or from VAULT).",
)  # fmt: skip
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
def explain(
    link: str, vault: Path | None, from_path: Path, config_path: Path | None, isolated: bool
) -> None:
    """Show how LINK (e.g. "[[Note#Heading|alias]]") resolves from a note, step by step.

    Exit 0 when it reaches its file (and heading or block), 1 when not.
    """
    from vaultkit.report import explain as explain_module

    if isolated and config_path is not None:
        raise click.UsageError("--config and --isolated cannot be used together")
    try:
        found = explain_module.collect(link, from_path, vault, config_path, isolated)
    except (InputError, ConfigError) as error:
        fail(str(error))
    echo(explain_module.render(found))
    sys.exit(EXIT_CLEAN if found.resolves else EXIT_FINDINGS)
