"""The README's user-facing snippets: the CI examples parse and name only real options."""

from __future__ import annotations

import re
import shlex

import click
import yaml
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
    for argv in commands:
        command, words = main, argv[1:]
        # `get_command`, not `commands`: the main group loads its commands when asked
        while isinstance(command, click.Group) and words:
            sub = command.get_command(click.Context(command), words[0])
            if sub is None:
                break
            command, words = sub, words[1:]
        known = {o for param in command.params for o in (*param.opts, *param.secondary_opts)}
        for word in words:
            option = word.split("=", 1)[0]
            if option.startswith("--"):
                assert option in known, f"`{' '.join(argv)}`: {option} is not an option"
