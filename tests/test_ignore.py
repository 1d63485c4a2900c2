"""`.gitignore` and Obsidian's "Excluded files" (`userIgnoreFilters`) are honoured."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import run_cli, write_vault

H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"  # ST101


def reported(root, *args) -> list[str]:
    done = run_cli("check", root, "--output-format", "json", "--no-cache", *args)
    assert done.returncode in (0, 1), done.stderr
    return sorted({d["path"] for d in json.loads(done.stdout)["diagnostics"]})


@pytest.fixture
def vault(tmp_path):
    root = write_vault(
        tmp_path / "vault",
        {
            "a.md": H1,
            "草稿/b.md": H1,
            "模板/c.md": H1,
            "归档-旧.md": H1,
            "模板说明.md": H1,  # starts with 模板 but not 模板/: Obsidian's prefix is literal
        },
    )
    filters = {"userIgnoreFilters": ["模板/", "/^归档-/"]}
    (root / ".obsidian/app.json").write_text(json.dumps(filters), encoding="utf-8")
    return root


def test_obsidian_excluded_files_are_left_out(vault):
    assert reported(vault) == ["a.md", "模板说明.md", "草稿/b.md"]
    assert len(reported(vault, "--no-respect-gitignore")) == 5


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_ignored_files_are_left_out_even_when_named(vault):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", "init", "-q"], cwd=vault, env=env, check=True)
    (vault / ".gitignore").write_text("草稿/\n", encoding="utf-8")

    assert reported(vault) == ["a.md", "模板说明.md"]
    assert reported(vault / "草稿/b.md") == []  # named on the command line: still left out
    assert "草稿/b.md" in reported(vault, "--no-respect-gitignore")

    (vault / "vaultkit.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    assert len(reported(vault)) == 5
    assert len(reported(vault, "--respect-gitignore")) == 2
