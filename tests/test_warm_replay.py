"""A check over unchanged files prints again what the same check printed before, byte for
byte, without importing a rule; anything that changes the report makes it check again."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import ARTICLE, write_vault

RULES_IMPORTED = "import sys, runpy; sys.argv = ['vaultkit', *sys.argv[1:]]\n" + (
    "try:\n    runpy.run_module('vaultkit', run_name='__main__')\n"
    "finally:\n    print('RULES' if 'vaultkit.rules' in sys.modules else 'LEAN', file=sys.stderr)"
)


def cli(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RULES_IMPORTED, *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1", **(env or {})},
    )  # fmt: skip


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


@pytest.mark.parametrize("args", [(), ("--output-format", "json"), ("--statistics",)])
def test_an_unchanged_vault_prints_the_same_report_without_loading_rules(vault, args):
    first = cli("check", *args, vault)
    again = cli("check", *args, vault)
    assert first.returncode == again.returncode == 1
    assert again.stdout == first.stdout and first.stdout
    assert first.stderr.strip().endswith("RULES") and again.stderr.strip().endswith("LEAN")


def test_the_report_file_and_exit_zero_are_replayed_too(vault, tmp_path):
    out = tmp_path / "report.json"
    first = cli("check", "--exit-zero", "-o", out, "--", vault)
    kept = out.read_text("utf-8")
    out.unlink()
    again = cli("check", "--exit-zero", "-o", out, "--", vault)
    assert first.returncode == again.returncode == 0
    assert out.read_text("utf-8") == kept and again.stderr.strip().endswith("LEAN")


def test_other_options_or_an_edit_check_again(vault):
    note = vault / "01-博客/甲/一.md"
    text = cli("check", vault)
    concise = cli("check", "--output-format", "concise", vault)
    assert concise.stdout != text.stdout and "一.md:" in concise.stdout  # another report
    selected = cli("check", "--output-format", "concise", "--select", "ST", vault)
    codes = {line.split()[1] for line in selected.stdout.splitlines() if ".md:" in line}
    assert codes and all(code.startswith("ST") for code in codes)
    note.write_text(ARTICLE, encoding="utf-8")
    old = time.time() - 60
    os.utime(note, (old, old))
    fixed = cli("check", "--output-format", "concise", vault)
    assert fixed.stderr.strip().endswith("RULES") and fixed.stdout != concise.stdout
