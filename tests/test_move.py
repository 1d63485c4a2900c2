"""`vaultkit mv OLD NEW`: the file moves (with git when tracked) and every link follows it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, write_vault

TOPIC = "---\ntitle: TDD\n---\n\n## 定义\n\n测试驱动开发。\n"
LINKER = """\
---
title: 引用者
---

## 正文

见 [[TDD]]、[[00-元语/TDD|别名]]、[[TDD#定义]] 和 [[AI]]。

![[TDD]]

[链接](../00-元语/TDD.md) [图](../附件/图%201.png "标题")

## 关联主题

- [[00-元语/TDD]]
- [[00-元语/AI]]

## 相关文档

- [[00-元语/TDD|TDD]]；关联理由：引用；说明：它讲了测试。
"""


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "vault",
        {
            "00-元语/TDD.md": TOPIC,
            "00-元语/AI.md": TOPIC.replace("TDD", "AI"),
            "01-笔记/引用者.md": LINKER,
            "附件/图 1.png": b"\x89PNG\r\n\x1a\n",
        },
    )


def mv(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("mv", *args, "--no-cache", cwd=root)


def text(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_renaming_a_topic_rewrites_every_form_of_link(vault):
    done = mv(vault, "00-元语/TDD.md", "00-元语/测试驱动.md")

    assert done.returncode == 0, done.stderr
    assert not (vault / "00-元语/TDD.md").exists() and (vault / "00-元语/测试驱动.md").is_file()
    assert text(vault, "01-笔记/引用者.md") == (
        LINKER.replace("[[TDD]]、", "[[测试驱动]]、")
        .replace("[[00-元语/TDD|别名]]", "[[00-元语/测试驱动|别名]]")
        .replace("[[TDD#定义]]", "[[测试驱动#定义]]")
        .replace("![[TDD]]", "![[测试驱动]]")
        .replace("(../00-元语/TDD.md)", "(../00-元语/测试驱动.md)")
        .replace("- [[00-元语/TDD]]", "- [[00-元语/测试驱动]]")
        .replace("[[00-元语/TDD|TDD]]", "[[00-元语/测试驱动|TDD]]")
    )
    assert "rewrote 7 links in 1 note" in done.stderr


def test_a_name_that_stops_being_unique_becomes_a_path(vault):
    (vault / "02-别处").mkdir()
    (vault / "02-别处/测试驱动.md").write_text(TOPIC, encoding="utf-8")

    done = mv(vault, "00-元语/TDD.md", "00-元语/测试驱动.md")

    assert done.returncode == 0, done.stderr
    after = text(vault, "01-笔记/引用者.md")
    assert "见 [[00-元语/测试驱动]]、" in after and "[[00-元语/测试驱动#定义]]" in after


def test_moving_a_folder_rewrites_relative_links_of_the_notes_inside(vault):
    done = mv(vault, "01-笔记", "归档/旧笔记")

    assert done.returncode == 0, done.stderr
    after = text(vault, "归档/旧笔记/引用者.md")
    assert "[链接](../../00-元语/TDD.md)" in after
    assert '[图](../../附件/图%201.png "标题")' in after
    assert "[[TDD]]" in after and "- [[00-元语/AI]]" in after  # these still resolve


def test_moving_an_attachment_into_a_folder(vault):
    (vault / "图片").mkdir()
    done = mv(vault, "附件/图 1.png", "图片")

    assert done.returncode == 0, done.stderr
    assert (vault / "图片/图 1.png").is_file()
    assert '[图](../图片/图%201.png "标题")' in text(vault, "01-笔记/引用者.md")


def test_dry_run_prints_the_diff_and_changes_nothing(vault):
    done = mv(vault, "00-元语/TDD.md", "00-元语/测试驱动.md", "--dry-run")

    assert done.returncode == 0, done.stderr
    assert "rename 00-元语/TDD.md -> 00-元语/测试驱动.md" in done.stdout
    assert "-[链接](../00-元语/TDD.md)" in done.stdout
    assert "+[链接](../00-元语/测试驱动.md)" in done.stdout
    assert (vault / "00-元语/TDD.md").is_file()
    assert text(vault, "01-笔记/引用者.md") == LINKER


def test_an_ambiguous_link_is_reported_not_guessed(vault):
    (vault / "03-另一个").mkdir()
    (vault / "03-另一个/AI.md").write_text(TOPIC, encoding="utf-8")  # [[AI]] is ambiguous

    done = mv(vault, "00-元语/AI.md", "00-元语/人工智能.md")

    assert done.returncode == 1
    assert "01-笔记/引用者.md:7:" in done.stderr and "[[AI]] is ambiguous" in done.stderr
    after = text(vault, "01-笔记/引用者.md")
    assert "[[AI]]" in after and "- [[00-元语/人工智能]]" in after


def test_a_target_that_exists_is_refused(vault):
    done = mv(vault, "00-元语/TDD.md", "00-元语/AI.md")
    assert done.returncode == 2 and "already exists" in done.stderr
    assert text(vault, "01-笔记/引用者.md") == LINKER


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_tracked_file_moves_with_git(vault):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=vault, env=env, capture_output=True,
                              text=True, check=True).stdout  # fmt: skip

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "vault")
    done = mv(vault, "00-元语/TDD.md", "00-元语/测试驱动.md")

    assert done.returncode == 0 and "(git mv)" in done.stderr, done.stderr
    status = git("status", "--porcelain", "-z").split("\0")
    assert any(entry.startswith("R") and "测试驱动" in entry for entry in status), status


def test_nothing_moves_when_a_note_to_rewrite_is_read_only(vault):
    linker = vault / "01-笔记/引用者.md"
    linker.chmod(0o444)
    try:
        done = mv(vault, "00-元语/TDD.md", "00-元语/测试驱动.md")
    finally:
        linker.chmod(0o644)

    assert done.returncode == 2 and "nothing moved" in done.stderr and "read-only" in done.stderr
    assert (vault / "00-元语/TDD.md").is_file() and text(vault, "01-笔记/引用者.md") == LINKER
