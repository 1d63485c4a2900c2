"""The command line: exit codes, output formats and flags, colour, `rules` and `rule`."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, run_cli

from vaultkit import __version__
from vaultkit.cli import main
from vaultkit.report.rules import render_markdown, render_rule
from vaultkit.rules import all_rules, get
from vaultkit.rules.base import REGISTRY, NoteRule

CLEAN = "---\ntitle: t\n---\n\n正文。\n"
H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"  # ST101 at 5:1


@pytest.fixture
def vault(make_vault):
    return make_vault({"a.md": H1, "sub/b.md": CLEAN})


def on_tty(*args, env: dict[str, str] | None = None, cwd=None) -> tuple[int, str]:
    """Run the CLI with its stdout on a pseudo-terminal (and no NO_COLOR unless given)."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"PYTHONUTF8": "1", **(env or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", *map(str, args)],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=environment,
        cwd=cwd,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(), b"".join(chunks).decode("utf-8")


# ------------------------------------------------------------------ exit codes


def test_exit_codes(vault, make_vault):
    clean = make_vault({"a.md": CLEAN}, name="clean")
    assert run_cli("check", clean, "--select", "ST101").returncode == 0
    found = run_cli("check", vault, "--select", "ST101")
    assert found.returncode == 1
    assert found.stdout.startswith("a.md:5:1: ST101 ")
    zero = run_cli("check", vault, "--select", "ST101", "--exit-zero")
    assert zero.returncode == 0
    assert zero.stdout == found.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "does/not/exist"], "no such file or folder"),
        (["check", "--output-format", "xml", "."], "Invalid value for '--output-format'"),
        (["check", "--no-such-flag", "."], "--no-such-flag"),
        (["check", "--select", "XX", "."], "--select: unknown rule selector 'XX'"),
        (["rule", "ZZ999"], "unknown rule 'ZZ999'"),
        (["rules", "--output-format", "html"], "Invalid value for '--output-format'"),
        (["nope"], "No such command 'nope'"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(vault, args, message):
    done = run_cli(*args, cwd=vault)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_paths_default_to_the_working_directory(vault):
    done = run_cli("check", "--select", "ST101", "--output-format", "concise", cwd=vault)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("a.md:5:1: ST101 ")


def test_nothing_to_check_is_a_warning(make_vault):
    root = make_vault({"image.png": b"\x89PNG"})
    done = run_cli("check", root)
    assert done.returncode == 0
    assert "warning: no Markdown files to check" in done.stderr
    assert done.stdout == "All checks passed (0 files).\n"


def test_version():
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"vaultkit, version {__version__}"


def test_an_internal_error_exits_2_but_keeps_the_report(vault, monkeypatch):
    class Broken(NoteRule):
        """Raises (test only)."""

        code, name, category = "ZQ901", "broken", "structure"

        def check(self, note, settings):
            raise RuntimeError("boom")

    monkeypatch.setitem(REGISTRY, Broken.code, Broken)
    result = CliRunner().invoke(main, ["check", str(vault), "--select", "ST101,ZQ901"])
    assert result.exit_code == 2
    assert result.stdout.startswith("a.md:1:1: ZQ901 internal error: rule ZQ901 (broken) failed")
    assert "a.md:5:1: ST101 " in result.stdout  # the crash is a finding; the rest is reported
    assert "internal error: rule ZQ901 (broken) failed on a.md: RuntimeError: boom" in (
        result.stderr
    )


# ------------------------------------------------------------------ formats and flags


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github"])
def test_every_output_format(vault, output_format):
    done = run_cli("check", vault, "--select", "ST101", "--output-format", output_format)
    assert done.returncode == 1
    out = done.stdout
    if output_format in ("json", "sarif"):
        document = json.loads(out)
        assert document["version"] == (__version__ if output_format == "json" else "2.1.0")
    elif output_format == "github":
        assert out.startswith("::error file=a.md,line=5,col=1,endLine=5,endColumn=5,")
    else:
        assert out.startswith("a.md:5:1: ST101 ")
        assert out.endswith("Found 1 problem (1 error, 0 warnings) in 2 files.\n")
        assert ("5 | # 标题" in out) == (output_format == "text")


def test_output_format_from_the_environment(vault):
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", str(vault), "--select", "ST101"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "VAULTKIT_OUTPUT_FORMAT": "json", "PYTHONUTF8": "1"},
    )
    assert json.loads(done.stdout)["diagnostics"][0]["code"] == "ST101"


def test_statistics(make_vault):
    root = make_vault({"a.md": "\ufeff" + H1 + "\n# 又一个\n\n正文。\n", "b.md": H1})
    done = run_cli("check", root, "--select", "ST101,ST007", "--statistics")
    assert done.returncode == 1
    assert done.stdout == "3  ST101  h1-in-body\n1  ST007  byte-order-mark\n"
    as_json = run_cli(
        "check", root, "--select", "ST101,ST007", "--statistics", "--output-format", "json"
    )
    assert [(r["code"], r["count"]) for r in json.loads(as_json.stdout)] == [
        ("ST101", 3),
        ("ST007", 1),
    ]
    zero = run_cli("check", root, "--select", "ST101", "--statistics", "--exit-zero")
    assert zero.returncode == 0


def test_output_file(vault, tmp_path):
    target = tmp_path / "report.json"
    done = run_cli("check", vault, "--select", "ST101", "--output-format", "json", "-o", target)
    assert done.returncode == 1
    assert done.stdout == ""
    assert json.loads(target.read_text("utf-8"))["summary"]["diagnostics"] == 1


# ------------------------------------------------------------------ colour


def test_colour_on_a_terminal_only(vault):
    status, out = on_tty("check", vault, "--select", "ST101")
    assert status == 1
    assert "\x1b[" in out
    piped = run_cli("check", vault, "--select", "ST101")
    assert "\x1b[" not in piped.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-color"], {}),
        ([], {"NO_COLOR": "1"}),
        ([], {"NO_COLOR": "yes"}),
    ],
)
def test_no_colour(vault, args, env):
    status, out = on_tty("check", vault, "--select", "ST101", *args, env=env)
    assert status == 1
    assert "ST101" in out
    assert "\x1b[" not in out


def test_an_empty_no_color_does_not_count(vault):
    """no-color.org: NO_COLOR disables colour when present *and not empty*."""
    _, out = on_tty("check", vault, "--select", "ST101", env={"NO_COLOR": ""})
    assert "\x1b[" in out


def test_no_colour_in_an_output_file(vault, tmp_path):
    target = tmp_path / "out.txt"
    on_tty("check", vault, "--select", "ST101", "-o", target)
    assert "\x1b[" not in target.read_text("utf-8")
    assert "ST101" in target.read_text("utf-8")


# ------------------------------------------------------------------ rules and rule


def test_rules_text_lists_every_rule():
    done = run_cli("rules")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in all_rules()]
    for line, rule in zip(lines, all_rules(), strict=True):
        fields = line.split()
        assert fields[1:5] == [
            rule.name,
            rule.category,
            "on" if rule.default_enabled else "off",
            rule.fix or "-",
        ]
        assert line.endswith(rule.summary())


def test_rules_json():
    records = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert [r["code"] for r in records] == [rule.code for rule in all_rules()]
    for record in records:
        rule = get(record["code"])
        assert record == {
            "code": rule.code,
            "name": rule.name,
            "category": rule.category,
            "severity": rule.severity.value,
            "default": "on" if rule.default_enabled else "off",
            "fix": rule.fix,
            "summary": rule.summary(),
        }


def test_rules_markdown_is_the_readme_table():
    done = run_cli("rules", "--output-format", "markdown")
    assert done.returncode == 0
    assert done.stdout == render_markdown(all_rules())
    assert len(done.stdout.splitlines()) == len(all_rules()) + 2


def test_rule_prints_its_documentation():
    rule = all_rules()[0]
    done = run_cli("rule", rule.code.lower())
    assert done.returncode == 0
    assert done.stdout == render_rule(rule)
    assert done.stdout.endswith("\n\n" + rule.documentation() + "\n")
    document = json.loads(run_cli("rule", rule.code, "--output-format", "json").stdout)
    assert document["documentation"] == rule.documentation()
    assert document["code"] == rule.code


def test_a_note_is_never_taken_as_the_report_or_the_config(make_vault):
    root = make_vault({"a.md": ARTICLE})
    before = (root / "a.md").read_bytes()
    for option in (
        f"--output-file={root / 'a.md'}",
        f"-o{root / 'a.md'}",
        f"--config={root / 'a.md'}",
    ):
        done = run_cli("check", root, option)
        assert done.returncode == 2
        assert "is a Markdown file (a note?); refusing it" in done.stderr
    assert (root / "a.md").read_bytes() == before
    done = run_cli("check", root, "--config", root / "settings.yaml")
    assert done.returncode == 2 and "is not a .toml file" in done.stderr


def test_after_a_double_dash_every_argument_is_a_path(make_vault):
    odd = ARTICLE.replace("## 摘要", "# 多余的标题\n\n## 摘要", 1)  # one ST101
    root = make_vault({"a.md": ARTICLE, "--output-file=a.md": odd})
    before = (root / "a.md").read_bytes()
    done = run_cli("check", "--output-format", "concise", "--", "--output-file=a.md", cwd=root)
    assert (root / "a.md").read_bytes() == before
    assert done.returncode == 1, done.stderr
    reported = [line for line in done.stdout.splitlines() if ": ST101 " in line]
    assert len(reported) == 1 and reported[0].startswith("--output-file=a.md:"), done.stdout
