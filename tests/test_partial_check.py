"""Checking some files of a vault (as pre-commit does): the whole vault is read, only they are
reported; JSON paths stay relative to the vault root, text paths follow the working directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ARTICLE, check, run_cli, where, write_vault

from vaultkit.linter import check_paths
from vaultkit.rules import get

TOPIC = '---\ntitle: "AI"\n类型: "元语"\n更新日期: 2024-05-06\n---\n\n## 定义\n\n人工智能。\n'
BAD_HEADING = "# 重复的标题\n\n"


def article(title: str, url: str, body: str = "") -> str:
    """ARTICLE with its own title and URL (no duplicates), `body` put before `## 摘要`."""
    text = ARTICLE.replace("一篇干净的文章", title).replace("https://example.com/posts/clean", url)
    assert title in text and url in text, "conftest.ARTICLE changed: update article()"
    return text.replace("## 摘要", body + "## 摘要", 1) if body else text


def bad(title: str, slug: str) -> str:
    return article(title, f"https://example.com/posts/{slug}", BAD_HEADING)


H1_LINE = bad("甲", "a").splitlines().index(BAD_HEADING.strip()) + 1


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(
        {
            "00-元语/AI.md": TOPIC,
            "01-博客/x/a.md": bad("甲", "a"),
            "01-博客/x/b.md": bad("乙", "b"),
            "01-博客/y/c.md": bad("丙", "c"),
        }
    )


def test_checking_one_file_reports_only_that_file(vault):
    assert len(where(check(vault), "ST101")) == 3
    assert where(check(vault / "01-博客/x/a.md"), "ST101") == [
        ("01-博客/x/a.md", H1_LINE, 1, "ST101")
    ]


def test_checking_some_files_reads_the_whole_vault(vault):
    run = check_paths([vault / "01-博客/x/b.md"])
    assert run.root == vault
    assert sorted(note.rel for note in run.vault.notes) == [
        "00-元语/AI.md",
        "01-博客/x/a.md",
        "01-博客/x/b.md",
        "01-博客/y/c.md",
    ]
    assert run.result.files_checked == 1


def test_checking_a_folder_reports_only_the_notes_under_it(vault):
    assert where(check(vault / "01-博客/x"), "ST101") == [
        ("01-博客/x/a.md", H1_LINE, 1, "ST101"),
        ("01-博客/x/b.md", H1_LINE, 1, "ST101"),
    ]


@pytest.mark.skipif(get("FM017") is None, reason="FM017 (duplicate articles) is not written yet")
def test_a_duplicate_checked_alone_is_reported_and_names_the_other(make_vault):
    same = "https://example.com/posts/same"
    root = make_vault(
        {
            "00-元语/AI.md": TOPIC,
            "01-博客/甲/first.md": article("第一篇", same),
            "01-博客/乙/second.md": article("第二篇", same),
            "01-博客/丙/other.md": article("无关的文章", "https://example.com/posts/other"),
        }
    )
    pair = ("01-博客/甲/first.md", "01-博客/乙/second.md")
    for checked, other in (pair, pair[::-1]):
        found = check(root / checked, select=["FM017"])
        assert found, f"checking only {checked} must still see {other}"
        assert {d.path for d in found} == {checked}
        assert any(other in d.message for d in found), [d.message for d in found]
    assert check(root / "01-博客/丙/other.md", select=["FM017"]) == []


def test_files_outside_any_vault_use_their_common_parent(make_vault):
    loose = make_vault(
        {"甲/one.md": bad("一", "one"), "乙/two.md": bad("二", "two")}, obsidian=False
    )
    found = check(loose / "甲/one.md", loose / "乙/two.md", select=["ST101"])
    assert sorted(d.path for d in found) == sorted(["甲/one.md", "乙/two.md"])
    # One file alone: its folder is the common parent.
    assert check_paths([loose / "甲/one.md"]).root == loose / "甲"


def test_a_vaultkit_config_marks_the_root_without_obsidian(make_vault):
    root = make_vault({"vaultkit.toml": "", "01-博客/x/a.md": bad("甲", "a")}, obsidian=False)
    assert where(check(root / "01-博客/x/a.md"), "ST101") == [
        ("01-博客/x/a.md", H1_LINE, 1, "ST101")
    ]


def test_text_paths_are_relative_to_the_working_directory(vault, tmp_path):
    # As ruff and markdownlint-cli2 print them, so they click through from where vaultkit ran;
    # relative to the vault root when the working directory is neither in nor above the vault.
    note = vault / "01-博客/x/a.md"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd, argument, shown in (
        (elsewhere, note, "01-博客/x/a.md"),  # cwd outside the vault: vault-relative
        (tmp_path, note.relative_to(tmp_path), "vault/01-博客/x/a.md"),  # as pre-commit passes
        (vault / "01-博客", Path("x/a.md"), "x/a.md"),  # cwd inside the vault
        (vault / "00-元语", Path("../01-博客/x/a.md"), "../01-博客/x/a.md"),
    ):
        done = run_cli(
            "check", "--output-format", "concise", "--select", "ST101", argument, cwd=cwd
        )
        assert done.returncode == 1, done.stderr
        assert done.stdout.startswith(f"{shown}:{H1_LINE}:1: ST101 "), (cwd, done.stdout)
    done = run_cli("check", "--output-format", "json", "--select", "ST101", note, cwd=tmp_path)
    assert json.loads(done.stdout)["diagnostics"][0]["path"] == "01-博客/x/a.md"  # JSON: as ever


def test_a_passed_file_under_extend_exclude_is_not_reported(make_vault):
    """An excluded note is left out even when named on the command line.

    This is ruff's `force-exclude`, always on: pre-commit passes every staged Markdown file
    whatever the vault's configuration says, so an exclude that applied only to folder walks
    would be bypassed on every commit. The excluded note is not read into the vault either.
    """
    root = make_vault(
        {
            "vaultkit.toml": 'extend-exclude = ["99-归档/**"]\n',
            "99-归档/old.md": bad("旧", "old"),
            "01-博客/x/a.md": bad("甲", "a"),
        }
    )
    old = root / "99-归档/old.md"
    assert check(old) == []
    assert "99-归档/old.md" not in check_paths([old]).vault.by_rel
    # Passed together with a note that is not excluded: only that one is reported.
    assert [d.path for d in check(old, root / "01-博客/x/a.md", select=["ST101"])] == [
        "01-博客/x/a.md"
    ]
    done = run_cli("check", old)
    assert done.returncode == 0, done.stdout
    assert "no Markdown files to check" in done.stderr


def test_files_from_a_vault_and_outside_it_are_checked_each_against_their_own_root(tmp_path):
    repo = tmp_path / "repo"
    write_vault(repo / "notes", {"01-博客/a/x.md": '---\ntitle: "x"\n---\n\n正文\n'})
    (repo / "README.md").write_text("# Readme\n", encoding="utf-8")
    found = check(repo / "README.md", repo / "notes" / "01-博客" / "a" / "x.md", select=["FM"])
    # the note gets its vault's 01-博客/** override (发布日期 and 原文链接 besides title); paths
    # are relative to the common parent of the two roots
    assert ("notes/01-博客/a/x.md", 1, 1, "FM007") in where(found)
    assert len(where(found, "FM007")) == 2
    assert where(found, "FM001") == [("README.md", 1, 1, "FM001")]


def test_a_file_named_inside_a_hidden_folder_is_not_checked(make_vault):
    root = make_vault({".trash/old.md": "# 旧笔记\n", "a.md": '---\ntitle: "a"\n---\n'})
    run = check_paths([root / ".trash" / "old.md"])
    assert run.result.files_checked == 0
    assert run.result.diagnostics == []
