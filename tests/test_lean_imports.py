"""The commit-time paths import only what they use: `vaultkit check` loads no other command,
a warm run that replays its report loads no rule, parser or reporter it does not print with,
and `--help` still lists every command. Which modules, never how long they take."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, write_vault

from vaultkit import cli

# Runs vaultkit's command line, then prints (on stderr's last line) the modules it loaded.
MODULES_AFTER = "import sys, runpy, json; sys.argv = ['vaultkit', *sys.argv[1:]]\n" + (
    "try:\n    runpy.run_module('vaultkit', run_name='__main__')\n"
    "finally:\n    print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
)
# Never needed to print a replayed report, or to start `vaultkit check`.
HEAVY = {
    "vaultkit.rules", "vaultkit.rules.summary", "vaultkit.claims", "vaultkit.note",
    "vaultkit.analysis", "vaultkit.report.junit", "vaultkit.report.sarif", "vaultkit.linker",
    "vaultkit.online", "vaultkit.graph", "vaultkit.baseline", "vaultkit.changes", "yaml",
    "xml.sax", "urllib.request", "networkx", "numpy", "scipy", "mistune", "httpx", "ssl",
}  # fmt: skip


def modules_after(*args, cwd=None) -> tuple[subprocess.CompletedProcess, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER, *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"},
    )  # fmt: skip
    return done, set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.fixture
def vault(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_vault(
        tmp_path / "vault",
        {"01-博客/甲/一.md": ARTICLE.replace("正文第一段。", "正文第一段。\n\n# 标题"),
         "01-博客/甲/二.md": ARTICLE, "00-元语/AI.md": "# AI\n"},
    )  # fmt: skip
    old = time.time() - 60  # older than the cache's two seconds of doubt
    for path in root.rglob("*"):
        os.utime(path, (old, old))
    return root


def test_help_lists_every_command_with_its_short_help():
    shown = CliRunner().invoke(cli.main, ["--help"]).output
    for name in ("check", *cli.LAZY_COMMANDS):
        line = next((row for row in shown.splitlines() if row.split()[:1] == [name]), "")
        assert len(line.split()) > 1, f"{name} is not listed with its help:\n{shown}"


@pytest.mark.parametrize("name", sorted(cli.LAZY_COMMANDS))
def test_each_lazy_command_is_the_command_of_that_name(name):
    command = cli.main.get_command(None, name)
    assert command.name == name and command.help
    assert CliRunner().invoke(cli.main, [name, "--help"]).exit_code == 0


def test_check_help_loads_no_other_command():
    done, loaded = modules_after("check", "--help")
    assert done.returncode == 0 and "--output-format" in done.stdout
    assert not loaded & HEAVY
    assert not {m for m in loaded if m.startswith("vaultkit.commands.")} - {
        "vaultkit.commands.adoption", "vaultkit.commands.output",
    }  # fmt: skip


@pytest.mark.parametrize("args", [(), ("--output-format", "json"), ("--statistics",)])
def test_a_warm_run_loads_no_rule_parser_or_other_reporter(vault, args):
    first, before = modules_after("check", *args, vault)
    again, loaded = modules_after("check", *args, vault)
    assert first.returncode == again.returncode == 1 and again.stdout == first.stdout
    assert "vaultkit.rules" in before  # the first run checked
    assert not loaded & HEAVY, sorted(loaded & HEAVY)
