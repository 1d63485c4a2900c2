"""The README's user-facing snippets: the CI examples parse and name only real options."""

from __future__ import annotations

import re
import shlex

import yaml
from click.testing import CliRunner
from conftest import REPO

from vaultkit.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", README, re.M | re.S)


def vaultkit_commands() -> list[list[str]]:
    found = []
    for block in blocks("yaml") + blocks("sh"):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip().removeprefix("- run:").removeprefix("- ")
            if command.startswith("vaultkit "):
                command = command.split("&&")[0].split("||")[0].split("|")[0]
                try:
                    found.append(shlex.split(command))
                except ValueError:  # an explain example quoting a link: options are plain
                    found.append(command.split())
    return found


def test_ci_examples_are_valid_yaml_and_upload_what_they_write():
    documents = [yaml.safe_load(block) for block in blocks("yaml")]
    github = next(d for d in documents if isinstance(d, dict) and "jobs" in d)
    steps = github["jobs"]["vaultkit"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    gitlab = next(d for d in documents if isinstance(d, dict) and "vaultkit" in d)
    reports = gitlab["vaultkit"]["artifacts"]["reports"]
    assert reports == {"codequality": "gl-code-quality-report.json", "junit": "vaultkit-junit.xml"}
    assert "rev: v0.1.0" not in README  # a tag that does not exist


def test_every_vaultkit_option_in_the_readme_exists():
    commands = vaultkit_commands()
    assert len(commands) > 10
    runner = CliRunner()
    helps: dict[str, str] = {}
    for argv in commands:
        sub = argv[1]
        if sub not in helps:
            helps[sub] = runner.invoke(main, [sub, "--help"]).output
        for word in argv[2:]:
            option = word.split("=", 1)[0]
            if option.startswith("--"):
                assert option in helps[sub], f"`{' '.join(argv)}`: {option} is not an option"
