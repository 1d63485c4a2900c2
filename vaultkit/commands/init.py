"""`vaultkit init [VAULT]`: arguments and exit codes (the survey is in `vaultkit.init`).

Exit codes: 0 written; 2 a config file is already there (without `--force`)
or the vault cannot be read.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from vaultkit.commands.output import fail
from vaultkit.options import ConfigError
from vaultkit.vault import InputError


@click.command("init")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a vaultkit.toml that is already there.")
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Then check the vault and record its findings in .vaultkit-baseline.json.",
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the config; write nothing.")
def init(vault: Path | None, force: bool, write_baseline: bool, to_stdout: bool) -> None:
    """Write a commented vaultkit.toml from what the vault holds."""
    from vaultkit import baseline, loading
    from vaultkit import init as init_module
    from vaultkit import vault as vault_module
    from vaultkit.config import Config

    start = Path(os.path.abspath(vault or "."))
    if not start.is_dir():
        fail(f"{start}: no such folder")
    root = vault_module.find_root([start])
    target = root / "vaultkit.toml"
    if target.exists() and not force and not to_stdout:
        fail(f"{target} already exists (--force replaces it)")
    try:
        text = init_module.render(init_module.survey(loading.load(root, Config())))
    except (InputError, ConfigError) as error:
        fail(str(error))
    if to_stdout:
        click.echo(text, nl=False)
        return
    target.write_text(text, encoding="utf-8")
    click.echo(f"vaultkit: wrote {target}", err=True)
    if write_baseline:
        from vaultkit.linter import check_paths

        try:
            run = check_paths([root], use_cache=True)
        except (InputError, ConfigError) as error:
            fail(str(error))
        found = baseline.keys(run.result.diagnostics, run.lines)
        path = root / baseline.DEFAULT_NAME
        baseline.write(path, found, baseline.Scope(frozenset(), ("",)))
        click.echo(f"vaultkit: recorded {len(found)} findings in {path}", err=True)
