"""The README cannot go stale: its rules table is the registry's, and its setup commands are
the ones `.ci/run` runs.

The table between `<!-- rules-table:start -->` and `<!-- rules-table:end -->` is the output of
`vaultkit rules --output-format markdown`. After adding or changing a rule, rewrite it with

    VAULTKIT_REGENERATE=1 pytest tests/test_readme.py

(only the text between the two markers changes).
"""

from __future__ import annotations

import os
import re
import shlex

import pytest
from conftest import REPO, run_cli

README = REPO / "README.md"
CI = REPO / ".ci" / "run"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text of the `## heading…` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no `## {heading}` section"
    return match.group(1)


def words(command: str) -> list[str]:
    """A shell command as words, with `python3` read as `python` (the venv has both)."""
    return ["python" if word == "python3" else word for word in shlex.split(command)]


def setup_commands() -> list[list[list[str]]]:
    """The commands of the Setup section's shell block: each a list of `&&`-joined parts."""
    blocks = re.findall(r"^```sh\n(.*?)^```", section(readme_text(), "Setup"), re.M | re.S)
    assert len(blocks) == 1, "the Setup section should hold one ```sh block"
    lines = [line.strip() for line in blocks[0].splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    return [[words(part) for part in command.split("&&")] for command in commands]


def ci_commands() -> list[list[str]]:
    """The commands `.ci/run` runs, as words (comments, `echo`, `set` and tests left out)."""
    found = []
    for line in CI.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "echo ", "set ", "if ", "fi", "exit", "status=")):
            continue
        found.append(words(line))
    return found


def runs(ci_command: list[str], readme_part: list[str]) -> bool:
    """Whether CI's command is the README's, give or take trailing output options."""
    if ci_command[: len(readme_part)] != readme_part:
        return False
    extra = ci_command[len(readme_part) :]
    return extra in ([], ["--output-format", "concise"], ["--no-color"])


# ---------------------------------------------------------------- the rules table


def test_rules_table_is_the_registry():
    done = run_cli("rules", "--output-format", "markdown", cwd=REPO)
    assert done.returncode == 0, done.stderr
    text = readme_text()
    assert text.count(START) == 1 and text.count(END) == 1
    before, rest = text.split(START)
    table, after = rest.split(END)
    if os.environ.get("VAULTKIT_REGENERATE") == "1":
        README.write_bytes(f"{before}{START}\n\n{done.stdout}\n{END}{after}".encode())
        table = "\n\n" + done.stdout + "\n"
    assert table.strip() == done.stdout.strip(), (
        "README's rules table is stale: VAULTKIT_REGENERATE=1 pytest tests/test_readme.py"
    )


def test_rules_table_sits_in_the_rules_section():
    assert START in section(readme_text(), "Rules")
    assert END in section(readme_text(), "Rules")


def test_rules_table_is_a_markdown_table_with_a_row_per_rule():
    text = readme_text()
    table = text[text.index(START) + len(START) : text.index(END)].strip().splitlines()
    assert table[0].startswith("| Code | Name |")
    assert all(re.match(r"^\| `[A-Z]{2}\d{3}` \| `[a-z0-9-]+` \|", row) for row in table[2:])


# ---------------------------------------------------------------- the setup commands


def test_setup_has_two_commands():
    commands = setup_commands()
    assert len(commands) == 2
    first, second = commands
    assert first[-1] == ["vaultkit", "check", "fixtures/example-vault"]
    assert second[-1] == ["python", "-m", "pytest"]
    for command in commands:  # each command installs first
        assert command[0][:4] == ["python", "-m", "pip", "install"]


def test_ci_runs_the_readme_commands():
    ci = ci_commands()
    for command in setup_commands():
        check = command[-1]
        assert any(runs(line, check) for line in ci), (
            f"`.ci/run` does not run `{shlex.join(check)}`: {ci}"
        )


def test_ci_installs_what_the_readme_installs():
    """The README installs `.` then `.[test]`; CI installs `.[test]`, which includes both."""
    readme_targets = {command[0][-1] for command in setup_commands()}
    assert readme_targets == {".", ".[test]"}
    ci_installs = [line for line in ci_commands() if line[:4] == ["python", "-m", "pip", "install"]]
    assert any(line[-1] == ".[test]" for line in ci_installs), ci_installs


def test_ci_expects_exit_1_from_the_example_vault():
    """The README says the example vault has findings (exit 1); CI fails on any other code."""
    text = CI.read_text(encoding="utf-8")
    check = text.index("vaultkit check fixtures/example-vault")
    assert re.search(r'if \[ "\$status" -ne 1 \]', text[check:])
    assert "exit code 1" in section(readme_text(), "Setup")


VAULT_CHECK = "vaultkit check fixtures/example-vault"


@pytest.mark.parametrize(
    ("ci_line", "readme_part", "ok"),
    [
        (f"{VAULT_CHECK} --output-format concise", VAULT_CHECK, True),
        ("python -m pytest", "python3 -m pytest", True),
        ("vaultkit check fixtures/other-vault", VAULT_CHECK, False),
        ("python -m pytest -k readme", "python -m pytest", False),
    ],
)
def test_runs_compares_commands(ci_line, readme_part, ok):
    assert runs(words(ci_line), words(readme_part)) is ok


def test_the_configuration_example_is_valid_config():
    import tomllib

    from vaultkit.config import from_mapping

    block = re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    config = from_mapping(tomllib.loads(block), "README.md")
    assert config.settings_for("01-博客/a/x.md").frontmatter.required[:2] == ["title", "发布日期"]
    assert "99-归档/**" in config.exclude
