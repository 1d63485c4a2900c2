"""`vaultkit summary-stats`: the ways a vault writes its summary labels."""

from __future__ import annotations

from pathlib import Path

import click

from vaultkit.commands.output import echo, fail
from vaultkit.options import ConfigError
from vaultkit.vault import InputError


@click.command("summary-stats")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--examples", type=click.IntRange(0), default=3, show_default=True,
    help="Example paths to list per label variant.",
)  # fmt: skip
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
def summary_stats(
    paths: tuple[Path, ...],
    output_format: str,
    examples: int,
    config_path: Path | None,
    isolated: bool,
) -> None:
    """Count the ways the vault writes its `## 摘要` part labels (template drift)."""
    if isolated and config_path is not None:
        raise click.UsageError("--config and --isolated cannot be used together")
    try:
        from vaultkit.report.summary_stats import collect as collect_summary_stats

        stats = collect_summary_stats(
            list(paths or (Path("."),)), config_path, isolated=isolated, examples=examples
        )
    except (InputError, ConfigError) as error:
        fail(str(error))
    from vaultkit.report.summary_stats import render as render_summary_stats

    echo(render_summary_stats(stats, output_format))
