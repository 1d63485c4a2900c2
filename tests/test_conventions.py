"""Conventions users expect: per-rule severity, warnings that need not fail, rule names,
JUnit and GitLab Code Quality output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import run_cli

H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"  # ST101 (error) at 5:1
BOM = "\ufeff---\ntitle: t\n---\n\n正文。\n"  # ST007 (warning) at 1:1


def test_severity_per_rule_and_prefix_longest_selector_wins(make_vault):
    root = make_vault(
        {"a.md": H1, "b.md": BOM, "vaultkit.toml": '[severity]\nST = "warning"\nST007 = "error"\n'}
    )
    done = run_cli("check", root, "--output-format", "concise", "--no-cache")
    assert "a.md:5:1: ST101 " in done.stdout and done.stdout.count("[warning]") == 1
    assert "b.md:1:1: ST007 " in done.stdout and done.stdout.count("[error]") == 1
    found = json.loads(run_cli("check", root, "--output-format", "json").stdout)["diagnostics"]
    assert {d["code"]: d["severity"] for d in found} == {"ST101": "warning", "ST007": "error"}


def test_a_bad_severity_is_a_config_error(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": '[severity]\nST = "fatal"\n'})
    done = run_cli("check", root)
    assert done.returncode == 2 and "severity" in done.stderr


def test_warnings_fail_unless_exit_zero_on_warnings(make_vault):
    root = make_vault({"b.md": BOM})
    assert run_cli("check", root).returncode == 1  # as ruff and markdownlint: any finding fails
    assert run_cli("check", root, "--exit-zero-on-warnings").returncode == 0
    (root / "vaultkit.toml").write_text("exit-zero-on-warnings = true\n", encoding="utf-8")
    assert run_cli("check", root).returncode == 0
    (root / "a.md").write_text(H1, encoding="utf-8")  # an error still fails
    assert run_cli("check", root).returncode == 1


def test_rule_lookup_by_name_or_code_in_any_case():
    by_code = run_cli("rule", "st101")
    by_name = run_cli("rule", "h1-in-body")
    assert by_code.returncode == 0 and by_code.stdout == by_name.stdout
    assert "ST101" in by_name.stdout


def test_junit_output(make_vault):
    root = make_vault({"a.md": H1, "b.md": BOM, "c.md": "---\ntitle: c\n---\n\n正文。\n"})
    done = run_cli("check", root, "--output-format", "junit", cwd=root)

    assert done.returncode == 1
    suites = ET.fromstring(done.stdout)
    assert suites.get("tests") == "2" and suites.get("failures") == "2"
    cases = [(s.get("name"), c.get("name")) for s in suites for c in s]
    assert cases == [("a.md", "ST101 h1-in-body"), ("b.md", "ST007 byte-order-mark")]
    failure = suites[0][0][0]
    assert failure.get("type") == "error" and failure.text.startswith("a.md:5:1: ST101 ")

    clean = run_cli("check", root / "c.md", "--output-format", "junit", cwd=root)
    assert clean.returncode == 0 and ET.fromstring(clean.stdout).get("tests") == "0"


def test_gitlab_code_quality_output(make_vault, tmp_path):
    root = make_vault({"sub/a.md": H1, "b.md": BOM})
    done = run_cli("check", root, "--output-format", "gitlab", cwd=tmp_path)

    issues = json.loads(done.stdout)
    assert [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues
    ] == [
        ("vault/b.md", 1, "minor"),
        ("vault/sub/a.md", 5, "major"),
    ]
    assert issues[1]["check_name"] == "ST101 h1-in-body"
    assert len({i["fingerprint"] for i in issues}) == 2

    (root / "sub/a.md").write_text(H1.replace("# 标题", "新的一行。\n\n# 标题"), "utf-8")
    again = json.loads(run_cli("check", root, "--output-format", "gitlab", cwd=tmp_path).stdout)
    moved = [i for i in again if i["check_name"].startswith("ST101")]
    assert moved and moved[0]["fingerprint"] == issues[1]["fingerprint"]  # not by line


def test_show_files_lists_what_a_check_reports_on(make_vault):
    root = make_vault({"a.md": H1, "sub/b.md": BOM, "drafts/c.md": H1,
                       "vaultkit.toml": 'extend-exclude = ["drafts/**"]\n'})  # fmt: skip
    done = run_cli("check", "--show-files", cwd=root)
    assert done.returncode == 0 and done.stdout == "a.md\nsub/b.md\n"
    assert run_cli("check", "sub", "--show-files", cwd=root).stdout == "sub/b.md\n"


def test_show_settings_names_the_config_rules_and_options_of_a_note(make_vault):
    config = '[severity]\nST = "warning"\n\n[[overrides]]\ninclude = ["sub/**"]\n'
    config += 'frontmatter.required = ["title", "作者"]\n'
    root = make_vault({"a.md": H1, "sub/b.md": BOM, "vaultkit.toml": config})

    done = run_cli("check", "--show-settings", "sub/b.md", "--ignore", "ST007", cwd=root)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "note: sub/b.md" in lines and f"config file: {root / 'vaultkit.toml'}" in lines
    assert 'severity: {"ST": "warning"}' in lines
    rules = next(line for line in lines if line.startswith("rules ("))
    assert "ST101" in rules and "ST007" not in rules
    assert 'required = ["title", "作者"]' in lines
    other = run_cli("check", "--show-settings", "a.md", cwd=root).stdout
    assert 'required = ["title"]' in other.splitlines()
