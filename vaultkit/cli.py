"""The command line: argument parsing and exit codes, nothing else.

Exit codes: 0 no findings (or `--exit-zero`), 1 findings, 2 a usage or
configuration error, a path that does not exist, or an internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vaultkit import __version__
from vaultkit.config import ConfigError
from vaultkit.linter import check_paths
from vaultkit.report import FORMATS, Report
from vaultkit.report.rules import RULES_FORMATS, render_rule
from vaultkit.report.statistics import render as render_statistics
from vaultkit.rules import all_rules, get
from vaultkit.selection import SelectorError
from vaultkit.vault import InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _fail(message: str) -> None:
    click.echo(f"vaultkit: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultkit")
def main() -> None:
    """A linter and linker for Markdown/Obsidian vaults."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    envvar="VAULTKIT_OUTPUT_FORMAT",
    help="How to print the findings.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rules to run: codes, prefixes or ALL, comma-separated (replaces the config's choice).",
)
@click.option(
    "--extend-select",
    multiple=True,
    help="Rules to run in addition (full codes turn on rules that are off by default).",
)
@click.option("--ignore", multiple=True, help="Rules not to run: codes, prefixes or ALL.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead (as JSON with --output-format json).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Use this config file (vaultkit.toml, or a pyproject.toml with [tool.vaultkit]).",
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("-o", "--output-file", type=click.Path(path_type=Path), help="Write the report here.")
def check(
    paths: tuple[Path, ...],
    output_format: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    statistics: bool,
    exit_zero: bool,
    no_color: bool,
    config_path: Path | None,
    isolated: bool,
    output_file: Path | None,
) -> None:
    """Check the notes of a vault, or the given notes against their whole vault."""
    if isolated and config_path is not None:
        raise click.UsageError("--config and --isolated cannot be used together")
    try:
        run = check_paths(
            list(paths or (Path("."),)),
            select=_codes(select) or None,
            extend_select=_codes(extend_select),
            ignore=_codes(ignore),
            config_path=config_path,
            isolated=isolated,
        )
    except (InputError, ConfigError, SelectorError) as error:
        _fail(str(error))
    except Exception as error:  # a bug in vaultkit: say so without a traceback
        if os.environ.get("VAULTKIT_DEBUG"):
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (set VAULTKIT_DEBUG=1 for details)")
    root, result = run.root, run.result
    if result.files_checked == 0:
        click.echo(f"vaultkit: warning: no Markdown files to check under {root}", err=True)
    report = Report(
        root=root,
        diagnostics=result.diagnostics,
        files_checked=result.files_checked,
        version=__version__,
        color=output_file is None and use_color(no_color),
        source_lines={d.path: run.lines(d.path) for d in result.diagnostics},
        cwd=Path.cwd(),
    )
    if statistics:
        output = render_statistics(report, output_format)
    else:
        output = FORMATS[output_format](report)
    if output_file is not None:
        try:
            output_file.write_text(output, encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {output_file}: {error.strerror or error}")
    else:
        _echo(output)
    for message in result.internal_errors:
        click.echo(f"vaultkit: internal error: {message}", err=True)
    if result.internal_errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.diagnostics and not exit_zero else EXIT_CLEAN)


def use_color(no_color: bool) -> bool:
    """Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`."""
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _echo(output: str) -> None:
    """Print the report; a reader that went away (`| head`) is not an error."""
    try:
        click.echo(output, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)


@main.command("rules")
@click.option(
    "--output-format",
    type=click.Choice(sorted(RULES_FORMATS)),
    default="text",
    show_default=True,
    help="text: one line per rule; json: records; markdown: the README's table.",
)
def list_rules(output_format: str) -> None:
    """List every rule: code, name, category, default state, fix and summary."""
    _echo(RULES_FORMATS[output_format](all_rules()))


@main.command("rule")
@click.argument("code")
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show_rule(code: str, output_format: str) -> None:
    """Print a rule's documentation (its docstring)."""
    rule = get(code.strip())
    if rule is None:
        _fail(f"unknown rule code '{code}' (see `vaultkit rules`)")
    _echo(render_rule(rule, output_format))
