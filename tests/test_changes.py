"""`vaultkit check --changed`: links that deletes and renames since HEAD leave broken (real git)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ARTICLE, run_cli, write_vault

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

TOPIC = "---\ntitle: TDD\n类型: 元语\n---\n\n## 定义\n\n测试驱动开发。\n"
LINKS = """\
---
title: 引用者
---

## 正文

见 [[TDD]]、[[00-元语/TDD|别名]] 和 [[TDD#定义]]。

![[TDD]]

[链接](../00-元语/TDD.md)

# 旧的问题
"""  # the H1 is an old finding (ST101): not reported by --changed


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def repo_with_vault(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    repo = write_vault(
        tmp_path / "repo",
        files
        or {
            "00-元语/TDD.md": TOPIC,
            "00-元语/AI.md": TOPIC.replace("TDD", "AI"),
            "01-笔记/引用者.md": LINKS,
            "01-笔记/无关.md": "---\ntitle: 无关\n---\n\n[[AI]]\n",
        },
    )
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "vault")
    return repo


def changed(repo: Path, *args: str):
    done = run_cli("check", "--changed", "--no-cache", "--output-format", "concise", *args,
                   cwd=repo)  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if ": " in line and line[0] != " "]
    return done, [line.split(" ", 2)[:2] for line in lines if not line.startswith("Found")]


def test_deleting_a_note_reports_every_link_to_it(tmp_path):
    repo = repo_with_vault(tmp_path)
    git(repo, "rm", "-q", "00-元语/TDD.md")

    done, found = changed(repo)

    assert done.returncode == 1, done.stdout + done.stderr
    assert found == [
        ["01-笔记/引用者.md:7:3:", "LK001"],
        ["01-笔记/引用者.md:7:11:", "LK001"],
        ["01-笔记/引用者.md:7:30:", "LK001"],
        ["01-笔记/引用者.md:9:1:", "LK001"],
        ["01-笔记/引用者.md:11:1:", "LK002"],
    ], done.stdout
    assert "ST101" not in done.stdout  # the note's old finding is not the commit's doing
    assert "`00-元语/TDD.md` was deleted: 5 links to it no longer resolve" in done.stderr


def test_renaming_a_note_names_the_new_file_as_the_suggestion(tmp_path):
    repo = repo_with_vault(tmp_path)
    git(repo, "mv", "00-元语/TDD.md", "00-元语/测试驱动.md")

    done, found = changed(repo)

    assert done.returncode == 1
    assert [code for _, code in found].count("LK001") == 4, done.stdout
    assert "renamed to `00-元语/测试驱动.md`: 5 links" in done.stderr
    assert "无关.md" not in done.stdout


def test_moving_a_note_to_another_folder_breaks_only_path_links(tmp_path):
    repo = repo_with_vault(tmp_path)
    (repo / "02-归档").mkdir()
    git(repo, "mv", "00-元语/TDD.md", "02-归档/TDD.md")

    done, found = changed(repo)

    # [[TDD]], [[TDD#定义]] and ![[TDD]] find the note by name; the path forms break.
    assert found == [["01-笔记/引用者.md:7:11:", "LK001"], ["01-笔记/引用者.md:11:1:", "LK002"]]
    assert done.returncode == 1


def test_a_broken_link_no_rule_reports_is_named_on_stderr_and_fails(tmp_path):
    # Topic entries that differ in case are no rule's finding; the commit still broke them.
    repo = repo_with_vault(tmp_path)
    text = (repo / "01-笔记/无关.md").read_text(encoding="utf-8")
    (repo / "01-笔记/无关.md").write_text(text + "\n## 关联主题\n\n- [[00-元语/TDD]]\n", "utf-8")
    git(repo, "commit", "-qam", "topic")
    git(repo, "mv", "00-元语/TDD.md", "00-元语/tdd.md")

    done, _ = changed(repo)

    assert done.returncode == 1
    assert (
        "01-笔记/无关.md:9:3: [[00-元语/TDD]] reached `00-元语/TDD.md`, which is now "
        "`00-元语/tdd.md`" in done.stderr
    ), done.stderr


def test_case_only_rename_reports_the_links_that_now_differ_in_case(tmp_path):
    repo = repo_with_vault(tmp_path)
    git(repo, "mv", "00-元语/TDD.md", "00-元语/tdd.md")

    done, found = changed(repo)

    assert done.returncode == 1
    assert {code for _, code in found} == {"LK006"} and len(found) == 5, done.stdout


def test_a_deleted_folder_and_an_unstaged_delete_count_too(tmp_path):
    repo = repo_with_vault(tmp_path)
    shutil.rmtree(repo / "00-元语")  # not staged: still a change since HEAD

    done, found = changed(repo)

    assert done.returncode == 1
    assert "`00-元语/AI.md` was deleted: 1 link" in done.stderr
    assert ["01-笔记/无关.md:5:1:", "LK001"] in found


def test_nothing_changed_checks_nothing(tmp_path):
    repo = repo_with_vault(tmp_path)
    done, found = changed(repo)
    assert done.returncode == 0 and found == []
    assert "no changed notes to check" in done.stderr


def test_changed_notes_are_checked_whole_and_named_paths_replace_them(tmp_path):
    repo = repo_with_vault(tmp_path)
    new = "---\ntitle: 新\n---\n\n# 标题\n\n正文。\n"
    (repo / "01-笔记/新.md").write_text(new, encoding="utf-8")

    done, found = changed(repo)
    assert found == [["01-笔记/新.md:5:1:", "ST101"]], done.stdout  # untracked counts

    done, found = changed(repo, "01-笔记/无关.md")
    assert done.returncode == 0 and found == [], done.stdout


def test_changed_outside_git_is_a_usage_error(make_vault):
    root = make_vault({"a.md": ARTICLE})
    done = run_cli("check", "--changed", cwd=root)
    assert done.returncode == 2 and "not in a git repository" in done.stderr
