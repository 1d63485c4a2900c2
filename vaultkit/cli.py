"""The command line: argument parsing and exit codes, nothing else.

Exit codes: 0 no findings (or `--exit-zero`), 1 findings, 2 a usage or
configuration error, a path that does not exist, or an internal error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from vaultkit import __version__
from vaultkit.config import ConfigError
from vaultkit.linter import check_paths
from vaultkit.report import FORMATS, Report
from vaultkit.report.text import render_statistics
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
    "--select", multiple=True, help="Rule codes or prefixes to enable (replaces the defaults)."
)
@click.option(
    "--extend-select", multiple=True, help="Rule codes or prefixes to enable in addition."
)
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too)."
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this config file."
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
    root, vault, result = run.root, run.vault, run.result
    if result.files_checked == 0:
        click.echo(f"vaultkit: warning: no Markdown files to check under {root}", err=True)
    color = (
        not no_color
        and "NO_COLOR" not in os.environ
        and output_file is None
        and sys.stdout.isatty()
    )
    report = Report(
        root=root,
        diagnostics=result.diagnostics,
        files_checked=result.files_checked,
        version=__version__,
        color=color,
        source_lines={
            d.path: vault.by_rel[d.path].lines
            for d in result.diagnostics
            if d.path in vault.by_rel and vault.by_rel[d.path].source
        },
    )
    if statistics:
        rules = all_rules()
        output = render_statistics(
            report, {r.code: r.name for r in rules}, {r.code: r.fix is not None for r in rules}
        )
    else:
        output = FORMATS[output_format](report)
    if output_file is not None:
        output_file.write_text(output, encoding="utf-8")
    else:
        click.echo(output, nl=False)
    for message in result.internal_errors:
        click.echo(f"vaultkit: internal error: {message}", err=True)
    if result.internal_errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.diagnostics and not exit_zero else EXIT_CLEAN)


def _rule_record(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity.value,
        "default": "on" if rule.default_enabled else "off",
        "fix": rule.fix,
        "summary": rule.summary(),
    }


@main.command("rules")
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_rules(output_format: str) -> None:
    """List every rule: code, name, category, default state and fix."""
    records = [_rule_record(rule) for rule in all_rules()]
    if output_format == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for r in records:
        fix = r["fix"] or "-"
        click.echo(
            f"{r['code']:<6} {r['name']:<32} {r['category']:<12} {r['default']:<4} {fix:<7}"
            f" {r['summary']}"
        )


@main.command("rule")
@click.argument("code")
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show_rule(code: str, output_format: str) -> None:
    """Print a rule's documentation."""
    rule = get(code)
    if rule is None:
        _fail(f"unknown rule code '{code}' (see `vaultkit rules`)")
    if output_format == "json":
        click.echo(
            json.dumps(
                {**_rule_record(rule), "documentation": rule.documentation()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    fix = {None: "not fixable", "safe": "fixable (safe)", "unsafe": "fixable (unsafe)"}[rule.fix]
    default = "on by default" if rule.default_enabled else "off by default"
    click.echo(f"# {rule.name} ({rule.code})\n")
    click.echo(
        f"Category: {rule.category}. Severity: {rule.severity.value}. "
        f"{default.capitalize()}. {fix.capitalize()}.\n"
    )
    click.echo(rule.documentation())
