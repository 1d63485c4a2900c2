"""Issue 12's done-when checks on a temporary copy of the real vault (`../shared/corpus/vault-a`).

The copy lives in a temporary folder, is committed to a throwaway git repo there and is never
written into this repository. These tests read 3,000+ notes (slow); they skip when the corpus
is not there. `VAULTKIT_SHARED` names another place for `../shared`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SHARED, run_cli

CORPUS = Path(os.environ.get("VAULTKIT_SHARED", SHARED)) / "corpus" / "vault-a"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not there (outside the repo)"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

TOPIC = "00-元语/TDD.md"


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The corpus copied once, initialised and given a baseline, committed."""
    repo = tmp_path_factory.mktemp("vault-a") / "vault"
    shutil.copytree(CORPUS, repo, ignore=shutil.ignore_patterns(".git", ".vaultkit_cache"))
    for folder, dirs, files in os.walk(repo):  # the corpus is read-only; a user's vault is not
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode | 0o200)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@example.invalid")
    done = run_cli("init", repo, "--write-baseline")
    assert done.returncode == 0, done.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "vault-a with vaultkit.toml and a baseline")
    return repo


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "vault"
    shutil.copytree(pristine, copy, symlinks=True)
    return copy


def findings(done: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(done.stdout)["diagnostics"]


def test_a_commit_adding_one_fault_reports_exactly_that_fault(repo):
    note = sorted((repo / "01-博客").rglob("*.md"))[0]
    rel = note.relative_to(repo).as_posix()
    text = note.read_text(encoding="utf-8")
    note.write_text(text.rstrip("\n") + "\n\n# 新加的一级标题\n\n一段文字。\n", encoding="utf-8")
    git(repo, "add", rel)

    done = run_cli("check", "--changed", "--output-format", "json", "--", rel, cwd=repo)

    assert done.returncode == 1, done.stderr
    found = [(d["path"], d["code"]) for d in findings(done)]
    assert found == [(rel, "ST101")], done.stdout


def test_deleting_a_linked_note_names_every_broken_link(repo):
    grep = ["grep", "-rlF", "[[00-元语/TDD]]", "--include=*.md", "."]
    before = subprocess.run(grep, cwd=repo, capture_output=True, text=True).stdout.splitlines()
    assert before, "no note links 00-元语/TDD: pick another topic"
    git(repo, "rm", "-q", TOPIC)

    done = run_cli("check", "--changed", "--output-format", "json", cwd=repo)

    assert done.returncode == 1, done.stderr
    reported = {d["path"] for d in findings(done)}
    assert reported == {p.removeprefix("./") for p in before}, done.stdout
    assert {d["code"] for d in findings(done)} <= {"TP001", "LK001", "LK002"}
    assert f"`{TOPIC}` was deleted:" in done.stderr


def test_mv_of_a_topic_note_leaves_no_new_link_finding(repo):
    done = run_cli("mv", TOPIC, "00-元语/测试驱动开发.md", cwd=repo)
    assert done.returncode == 0, done.stderr

    done = run_cli("check", "--output-format", "json", cwd=repo)

    links = [d for d in findings(done) if d["category"] in ("links", "topics", "images")]
    assert links == [], links
