"""Shared test helpers: build a vault in tmp_path, check it in-process or through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from vaultkit import fix
from vaultkit.diagnostics import Diagnostic
from vaultkit.linter import check_paths
from vaultkit.source import BOM

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_VAULT = REPO / "fixtures" / "example-vault"
SHARED = REPO.parent / "shared"

# A clean article note in the vault's format, for tests to start from and break one thing.
ARTICLE = """\
---
title: "一篇干净的文章"
发布日期: 2024-05-06
作者: "测试作者"
来源: "微信公众号"
原文链接: "https://example.com/posts/clean"
---

## 摘要

**1) 一句话总结**
这是一句话总结。

**2) 关键要点**
*   要点一。
*   要点二。
*   要点三。
*   要点四。
*   要点五。

## 正文

正文第一段。

## 关联主题

- [[00-元语/AI]]
- [[00-元语/llm]]
- [[00-元语/Agent]]
"""

ARTICLE_BODY_LINE = ARTICLE.split("\n").index("正文第一段。") + 1  # where a test's body text goes


def article_with(**changes: str | None) -> str:
    """ARTICLE with field lines replaced (`None` drops the line); keys are the field names."""
    lines = ARTICLE.split("\n")
    for key, value in changes.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
        if value is None:
            del lines[index]
        else:
            lines[index] = f"{key}: {value}"
    return "\n".join(lines)


def write_vault(root: Path, files: dict[str, str | bytes], obsidian: bool = True) -> Path:
    """Create a vault under `root` from {relative path: text or bytes}."""
    root.mkdir(parents=True, exist_ok=True)
    if obsidian:
        (root / ".obsidian").mkdir(exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[..., Path]:
    """`make_vault({"01-博客/a/x.md": "..."})` -> the vault root."""

    def build(files: dict[str, str | bytes], obsidian: bool = True, name: str = "vault") -> Path:
        return write_vault(tmp_path / name, files, obsidian)

    return build


def check(*paths: Path, select: list[str] | None = None, **options) -> list[Diagnostic]:
    """Run a check in-process and return its diagnostics (no internal errors allowed)."""
    run = check_paths(list(paths), select=select, **options)
    assert run.result.internal_errors == []
    return run.result.diagnostics


def where(diagnostics: list[Diagnostic], code: str | None = None) -> list[tuple]:
    """(path, line, column, code) of each diagnostic, optionally of one code."""
    return [
        (d.path, d.start.line, d.start.column, d.code)
        for d in diagnostics
        if code is None or d.code == code
    ]


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "vaultkit", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"},
    )


def cli_json(*args: str | Path, cwd: Path | None = None) -> tuple[int, dict]:
    done = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    return done.returncode, json.loads(done.stdout)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def fix_once(
    root: Path, rel: str, code: str, unsafe: bool = False
) -> tuple[list[Diagnostic], bytes]:
    """Check the vault for `code`, apply the fixes chosen for `rel`, write it back (BOM kept)."""
    path = root / rel
    found = [d for d in check(root, select=[code]) if d.path == rel]
    raw = path.read_bytes()
    bom = BOM if raw.startswith(BOM) else b""
    data = bom + fix.apply(raw[len(bom) :], fix.choose(found, unsafe=unsafe))
    path.write_bytes(data)
    return found, data
