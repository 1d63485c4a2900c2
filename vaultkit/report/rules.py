"""The rule catalogue: `vaultkit rules` (text, json, markdown) and `vaultkit rule CODE`.

`render_markdown` makes the README's rules table, so a test can check the README
against the registry.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the rules package loads every rule family
    from vaultkit.rules.base import Rule

FIX_WORDS = {
    None: "Not fixable",
    "safe": "Fixable (safe: `vaultkit check --fix` applies it)",
    "unsafe": "Fixable (unsafe: `vaultkit check --fix --unsafe-fixes` applies it)",
}


def record(rule: type[Rule]) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity.value,
        "default": "on" if rule.default_enabled else "off",
        "fix": rule.fix,
        "summary": rule.summary(),
    }


def render_text(rules: list[type[Rule]]) -> str:
    """One line per rule: code, name, category, default, fix (`safe`, `unsafe` or `-`), summary."""
    records = [record(rule) for rule in rules]
    if not records:
        return ""
    name_width = max(len(r["name"]) for r in records)
    category_width = max(len(r["category"]) for r in records)
    lines = [
        f"{r['code']:<6} {r['name']:<{name_width}}  {r['category']:<{category_width}}  "
        f"{r['default']:<3}  {r['fix'] or '-':<6}  {r['summary']}"
        for r in records
    ]
    return "\n".join(lines) + "\n"


def render_json(rules: list[type[Rule]]) -> str:
    return json.dumps([record(rule) for rule in rules], ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(rules: list[type[Rule]]) -> str:
    """A GitHub-flavoured Markdown table: code, name, category, default, fix, summary.

    The fix column says `safe` (`--fix` applies it), `unsafe` (only with
    `--unsafe-fixes`) or `—` (the rule has no fix).
    """
    lines = [
        "| Code | Name | Category | Default | Fix | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in map(record, rules):
        lines.append(
            f"| `{r['code']}` | `{r['name']}` | {r['category']} | {r['default']} "
            f"| {r['fix'] or '—'} | {_cell(r['summary'])} |"
        )
    return "\n".join(lines) + "\n"


RULES_FORMATS = {"text": render_text, "json": render_json, "markdown": render_markdown}


def render_rule(rule: type[Rule], output_format: str = "text") -> str:
    """`vaultkit rule CODE`: a heading, one line of facts, then the docstring verbatim."""
    if output_format == "json":
        document = {**record(rule), "documentation": rule.documentation()}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    default = "on by default" if rule.default_enabled else "off by default"
    facts = (
        f"Category: {rule.category}. Severity: {rule.severity.value}. "
        f"{default.capitalize()}. {FIX_WORDS[rule.fix]}."
    )
    return f"# {rule.name} ({rule.code})\n\n{facts}\n\n{rule.documentation()}\n"
