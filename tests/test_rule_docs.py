"""Every registered rule is documented in the fixed sections, and `vaultkit rule CODE` prints
that documentation. Generic over the registry, so new rules are covered as they are added."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import run_cli

from vaultkit.cli import main
from vaultkit.diagnostics import CATEGORIES, Severity
from vaultkit.report.rules import render_rule
from vaultkit.rules import all_rules

RULES = all_rules()
REQUIRED = ("## What it does", "## Why is this bad?", "## Example")
# Every `## ` heading a rule's documentation may have (outside its code examples).
KNOWN_SECTIONS = {
    *REQUIRED,
    "## Use instead",
    "## Options",
    "## Fix safety",
    "## Known problems",
    "## References",
    "## Notes",
}
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def prose_lines(documentation: str) -> list[str]:
    """The documentation's lines outside fenced examples (which may hold `## 摘要`)."""
    lines: list[str] = []
    fence = ""  # the open fence, e.g. "````"
    for line in documentation.splitlines():
        opening = _FENCE.match(line)
        if not fence and opening:
            fence = opening.group(1)
        elif fence:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = ""
        else:
            lines.append(line)
    return lines


@pytest.fixture(params=RULES, ids=[rule.code for rule in RULES])
def rule(request):
    return request.param


def test_there_are_rules():
    assert len(RULES) >= 10


def test_code_name_and_declaration(rule):
    assert re.fullmatch(r"[A-Z]{2}\d{3}", rule.code), rule.code
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.name), rule.name
    assert rule.category in CATEGORIES
    assert isinstance(rule.severity, Severity)
    assert isinstance(rule.default_enabled, bool)
    assert rule.fix in (None, "safe", "unsafe")


def test_names_and_codes_are_unique():
    names = [rule.name for rule in RULES]
    assert sorted(n for n in names if names.count(n) > 1) == []
    codes = [rule.code for rule in RULES]
    assert len(set(codes)) == len(codes)


def test_one_line_summary(rule):
    doc = rule.documentation()
    lines = doc.splitlines()
    assert lines and lines[0].strip(), f"{rule.code} has no docstring"
    summary = lines[0]
    assert summary == rule.summary()
    assert not summary.startswith("#"), f"{rule.code}: the first line must be a summary"
    assert len(lines) > 1 and lines[1] == "", f"{rule.code}: a blank line must follow the summary"
    assert len(summary) <= 100, f"{rule.code}: keep the summary to one short line"


def test_sections(rule):
    headings = [line.rstrip() for line in prose_lines(rule.documentation()) if line.startswith("#")]
    for section in REQUIRED:
        assert section in headings, f"{rule.code} lacks `{section}`"
    positions = [headings.index(section) for section in REQUIRED]
    assert positions == sorted(positions), f"{rule.code}: sections out of order"
    unknown = [h for h in headings if h not in KNOWN_SECTIONS]
    assert unknown == [], f"{rule.code}: unknown section heading(s) {unknown}"
    assert len(headings) == len(set(headings)), f"{rule.code}: a section appears twice"


def test_sections_are_not_empty(rule):
    lines = prose_lines(rule.documentation())
    doc = rule.documentation()
    for section in REQUIRED:
        after = doc.split(section, 1)[1].split("\n## ", 1)[0]
        assert after.strip(), f"{rule.code}: `{section}` is empty"
    assert lines


def test_rule_command_prints_the_documentation(rule):
    result = CliRunner().invoke(main, ["rule", rule.code])
    assert result.exit_code == 0, result.output
    assert result.stdout == render_rule(rule)
    head, _, body = result.stdout.partition("\n\n")
    assert head == f"# {rule.name} ({rule.code})"
    assert body.split("\n\n", 1)[1] == rule.documentation() + "\n"


def test_rule_command_in_a_real_process():
    rule = RULES[-1]
    done = run_cli("rule", rule.code)
    assert done.returncode == 0
    assert done.stdout == render_rule(rule)
