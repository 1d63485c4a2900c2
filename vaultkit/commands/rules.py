"""`vaultkit rules` and `vaultkit rule CODE_OR_NAME`: the rules and their documentation."""

from __future__ import annotations

import click

from vaultkit.commands.output import echo, fail
from vaultkit.report.rules import RULES_FORMATS, render_rule


@click.command("rules")
@click.option(
    "--output-format",
    type=click.Choice(sorted(RULES_FORMATS)),
    default="text",
    show_default=True,
    help="text: one line per rule; json: records; markdown: the README's table.",
)
def list_rules(output_format: str) -> None:
    """List every rule: code, name, category, default state, fix and summary."""
    from vaultkit.rules import all_rules

    echo(RULES_FORMATS[output_format](all_rules()))


@click.command("rule")
@click.argument("code", metavar="CODE_OR_NAME")
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show_rule(code: str, output_format: str) -> None:
    """Print a rule's documentation (its docstring); CODE is a code or a name (h1-in-body)."""
    from vaultkit.rules import all_rules, get

    wanted = code.strip()
    rule = get(wanted.upper()) or next((r for r in all_rules() if r.name == wanted.lower()), None)
    if rule is None:
        fail(f"unknown rule '{code}' (see `vaultkit rules`)")
    echo(render_rule(rule, output_format))
