"""The `vaultkit` pre-commit hook, run by the real pre-commit on a throwaway git repo.

pre-commit builds a virtualenv and pip-installs vaultkit from this repository (PyPI must be
reachable), so these tests are slow (`-m "not slow"` deselects them); they run by default.

The hook repository is a snapshot of this working tree, committed into a temporary git repo:
`pre-commit try-repo` on a dirty working tree only picks up tracked changes (`git add -u`), so
new, untracked files (a new rule module, `.pre-commit-hooks.yaml` itself) would be missed. On a
clean clone (CI) the snapshot is the same as HEAD.

`try-repo` always installs into a fresh temporary store (it ignores `PRE_COMMIT_HOME`), so it is
run once; the other tests run `pre-commit run` with a config naming the same snapshot and a
`PRE_COMMIT_HOME` kept for the session, so the hook's environment is built only once.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE, REPO, write_vault

from vaultkit.rules import all_rules, get

pytestmark = pytest.mark.slow

TIMEOUT = 900  # seconds; building the hook's environment downloads from PyPI

TOPIC = """\
---
title: "AI"
类型: "元语"
更新日期: 2024-05-06
---

## 定义

人工智能：让机器完成需要智能的任务。
"""

# Left out of the fallback copy when the repository is not a git work tree.
JUNK = (".git", ".venv", "venv", "build", "dist", "__pycache__", "*.egg-info", ".*_cache")


def _pre_commit() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (pip install '.[test]' installs it)")
    return [found]


def _env(home: Path) -> dict[str, str]:
    # Drop git's variables: when the suite itself runs inside a git hook, GIT_INDEX_FILE and
    # friends point at the outer repository.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PYTHONUTF8": "1"}


class Tools:
    """git and pre-commit with one environment; every command's output is text."""

    def __init__(self, home: Path) -> None:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        self.pre_commit = _pre_commit()
        self.env = _env(home)

    def run(self, cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )

    def git(self, cwd: Path, *args: str) -> str:
        done = self.run(["git", *args], cwd)
        assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}"
        return done.stdout

    def init(self, repo: Path) -> Path:
        repo.mkdir(parents=True, exist_ok=True)
        self.git(repo, "init", "-q")
        self.git(repo, "config", "user.name", "vaultkit tests")
        self.git(repo, "config", "user.email", "tests@vaultkit.invalid")
        self.git(repo, "config", "commit.gpgsign", "false")
        return repo

    def commit(self, repo: Path, message: str) -> str:
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-q", "--no-verify", "-m", message)
        return self.git(repo, "rev-parse", "HEAD").strip()

    def pre_commit_run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        return self.run([*self.pre_commit, *args, "--color", "never"], cwd)


def _working_tree_files(tools: Tools) -> list[str]:
    """This repository's files as `git add -A` would see them; a plain walk without git."""
    done = tools.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        REPO,
    )
    if done.returncode == 0 and (REPO / ".git").exists():
        return [rel for rel in done.stdout.split("\0") if rel and (REPO / rel).is_file()]
    ignore = shutil.ignore_patterns(*JUNK)
    files = []
    for folder, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in ignore(folder, [d])]
        files += [
            Path(folder, n).relative_to(REPO).as_posix() for n in names if not ignore(folder, [n])
        ]
    return files


@pytest.fixture(scope="session")
def tools(tmp_path_factory) -> Tools:
    return Tools(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="session")
def hook_repo(tools: Tools, tmp_path_factory) -> tuple[Path, str]:
    """(path, commit) of a git repo holding a snapshot of this working tree."""
    snapshot = tmp_path_factory.mktemp("hook-repo") / "vaultkit"
    for rel in _working_tree_files(tools):
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target, follow_symlinks=False)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file(), "no .pre-commit-hooks.yaml in the repo"
    tools.init(snapshot)
    return snapshot, tools.commit(snapshot, "snapshot of the working tree")


@pytest.fixture(scope="session")
def hook_config(hook_repo, tmp_path_factory) -> Path:
    """A pre-commit config using the `vaultkit` hook of the snapshot, as a user would."""
    path, rev = hook_repo
    config = tmp_path_factory.mktemp("config") / "pre-commit-config.yaml"
    config.write_text(
        f"repos:\n- repo: {path.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: vaultkit\n",
        encoding="utf-8",
    )
    return config


def article(title: str, url: str, body: str = "") -> str:
    """ARTICLE with its own title and URL (no duplicates), `body` put before `## 摘要`."""
    text = ARTICLE.replace("一篇干净的文章", title).replace("https://example.com/posts/clean", url)
    assert title in text and url in text, "conftest.ARTICLE changed: update article()"
    return text.replace("## 摘要", body + "## 摘要", 1) if body else text


BAD_HEADING = "# 重复的标题\n\n"


def bad_line(text: str) -> int:
    return text.splitlines().index(BAD_HEADING.strip()) + 1


def committed_vault(tools: Tools, repo: Path, vault: str = "") -> Path:
    """A git repo holding a small committed vault (in `repo/vault`); returns the vault root."""
    tools.init(repo)
    root = write_vault(
        repo / vault,
        {
            "00-元语/AI.md": TOPIC,
            "00-元语/llm.md": TOPIC.replace('"AI"', '"llm"'),
            "00-元语/Agent.md": TOPIC.replace('"AI"', '"Agent"'),
            "01-博客/x/clean.md": article("已经提交的文章", "https://example.com/posts/old"),
            # Already committed and bad: pre-commit does not pass it, so it is not reported.
            "01-博客/x/legacy.md": article(
                "遗留的文章", "https://example.com/posts/legacy", BAD_HEADING
            ),
        },
    )
    (root / ".obsidian" / "app.json").write_text("{}\n", encoding="utf-8")
    tools.commit(repo, "a small vault")
    return root


def stage(tools: Tools, repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    tools.git(repo, "add", "-A")


def test_try_repo_fails_on_a_bad_staged_note_and_reports_only_it(tools, hook_repo, tmp_path):
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    bad = article("新文章", "https://example.com/posts/new", BAD_HEADING)
    good = article("另一篇新文章", "https://example.com/posts/other")
    stage(tools, repo, {"01-博客/x/bad.md": bad, "01-博客/x/good.md": good})

    # No file arguments: the hook gets the staged files, as on `git commit`.
    done = tools.pre_commit_run("try-repo", str(hook_repo[0]), "vaultkit", cwd=repo)

    assert done.returncode == 1, done.stdout
    assert f"01-博客/x/bad.md:{bad_line(bad)}:1: ST101" in done.stdout, done.stdout
    assert "good.md" not in done.stdout
    assert "legacy.md" not in done.stdout  # committed, not staged: not passed, not reported
    assert "in 2 files" in done.stdout  # the two staged notes, not the whole vault


def test_hook_passes_a_good_staged_note(tools, hook_config, tmp_path):
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    stage(tools, repo, {"01-博客/x/good.md": article("好文章", "https://example.com/posts/good")})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert done.returncode == 0, done.stdout
    assert "vaultkit" in done.stdout and "Passed" in done.stdout, done.stdout


def test_hook_fails_a_bad_note_given_with_files(tools, hook_config, tmp_path):
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    bad = article("坏文章", "https://example.com/posts/bad", BAD_HEADING)
    stage(tools, repo, {"01-博客/新建/坏.md": bad})

    done = tools.pre_commit_run(
        "run", "--config", str(hook_config), "--files", "01-博客/新建/坏.md", cwd=repo
    )

    assert done.returncode == 1, done.stdout
    assert f"01-博客/新建/坏.md:{bad_line(bad)}:1: ST101" in done.stdout, done.stdout
    assert "legacy.md" not in done.stdout


@pytest.mark.skipif(get("FM017") is None, reason="FM017 (duplicate articles) is not written yet")
def test_hook_checks_a_staged_note_against_the_whole_vault(tools, hook_config, tmp_path):
    # The staged note repeats the `原文链接` of a committed note that pre-commit does not pass.
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    copy = article("换了标题的同一篇文章", "https://example.com/posts/old")
    stage(tools, repo, {"01-博客/y/copy.md": copy})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert done.returncode == 1, done.stdout
    findings = [line for line in done.stdout.splitlines() if ": FM017 " in line]
    assert len(findings) == 1, done.stdout
    assert findings[0].startswith("01-博客/y/copy.md:") and "01-博客/x/clean.md" in findings[0]


def test_vault_in_a_subfolder_of_the_repo(tools, hook_config, tmp_path):
    # pre-commit runs from the repo root and passes `notes/…` paths; the vault root is `notes/`
    # (it holds `.obsidian/`); the report's paths are relative to the working directory.
    repo = tmp_path / "repo"
    committed_vault(tools, repo, vault="notes")
    (repo / "README.md").write_text("# 不是笔记\n", encoding="utf-8")  # outside the vault
    tools.commit(repo, "readme")
    bad = article("子目录里的坏文章", "https://example.com/posts/sub", BAD_HEADING)
    stage(tools, repo, {"notes/01-博客/x/bad.md": bad})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert done.returncode == 1, done.stdout
    # Paths are relative to the working directory (the repository root), so they click through.
    assert f"\nnotes/01-博客/x/bad.md:{bad_line(bad)}:1: ST101" in done.stdout, done.stdout
    assert "README.md" not in done.stdout


def test_files_pattern_keeps_the_repos_other_markdown_out_of_the_vault(tools, hook_repo, tmp_path):
    # The advice in .pre-commit-hooks.yaml: with a staged README.md beside `notes/`, the
    # common parent would be the repository; `files: ^notes/` keeps the vault root `notes/`.
    path, rev = hook_repo
    config = tmp_path / "files-config.yaml"
    config.write_text(
        f"repos:\n- repo: {path.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: vaultkit\n"
        "    files: ^notes/\n",
        encoding="utf-8",
    )
    repo = tmp_path / "repo"
    committed_vault(tools, repo, vault="notes")
    bad = article("子目录里的坏文章", "https://example.com/posts/sub", BAD_HEADING)
    stage(tools, repo, {"notes/01-博客/x/bad.md": bad, "README.md": "# 仓库说明\n"})

    done = tools.pre_commit_run("run", "--config", str(config), cwd=repo)

    assert done.returncode == 1, done.stdout
    assert f"\nnotes/01-博客/x/bad.md:{bad_line(bad)}:1: ST101" in done.stdout, done.stdout
    assert "README.md" not in done.stdout


def test_hook_checks_no_note_when_no_markdown_is_staged(tools, hook_config, tmp_path):
    # The hook always runs (a commit that only deletes must be seen), but lints no note here.
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    stage(tools, repo, {"01-博客/x/附件.txt": "# 不是 Markdown\n", ".obsidian/app.json": "{ }\n"})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert done.returncode == 0, done.stdout
    assert "Passed" in done.stdout and "legacy.md" not in done.stdout, done.stdout


def topic_links(repo: Path, vault: str = "") -> list[str]:
    """`note:line:` of each `[[00-元语/AI]]` in the committed vault's notes."""
    found = []
    for rel in ("01-博客/x/clean.md", "01-博客/x/legacy.md"):
        lines = (repo / vault / rel).read_text(encoding="utf-8").splitlines()
        found += [f"{rel}:{n}:" for n, line in enumerate(lines, 1) if "[[00-元语/AI]]" in line]
    assert len(found) == 2, "conftest.ARTICLE changed: update topic_links()"
    return found


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (["rm", "-q", "00-元语/AI.md"], "TP001"),
        (["mv", "00-元语/AI.md", "00-元语/人工智能.md"], "TP001"),
        (["mv", "00-元语/AI.md", "01-博客/AI.md"], "TP001"),
        (["mv", "00-元语/AI.md", "00-元语/ai.md"], None),
    ],
    ids=["delete", "rename-topic", "move-folder", "case-only"],
)
def test_hook_fails_on_links_a_delete_or_rename_breaks(tools, hook_config, tmp_path, change, code):
    repo = tmp_path / "repo"
    committed_vault(tools, repo)
    tools.git(repo, *change)  # no Markdown file is staged but the renamed one

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert done.returncode == 1, done.stdout
    for where in topic_links(repo):
        shown = [line for line in done.stdout.splitlines() if where in line]
        assert shown, f"{where} not reported:\n{done.stdout}"
        assert code is None or f" {code} " in shown[0], done.stdout
    assert "ST101" not in done.stdout  # legacy.md's old finding is not the commit's doing
    assert "`00-元语/AI.md` was " in done.stdout and "2 links to it" in done.stdout


def test_hook_honours_the_baseline(tools, hook_config, tmp_path):
    repo = tmp_path / "repo"
    root = committed_vault(tools, repo)
    done = run_vaultkit(tools, root, "--write-baseline")
    assert done.returncode == 0, done.stdout
    tools.commit(repo, "baseline")
    legacy = root / "01-博客/x/legacy.md"
    text = legacy.read_text(encoding="utf-8")
    edited = text.replace("## 摘要", "补充的一段。\n\n## 摘要", 1)  # lines shift below it
    stage(tools, repo, {"01-博客/x/legacy.md": edited})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)
    assert done.returncode == 0, done.stdout

    stage(tools, repo, {"01-博客/x/legacy.md": edited + "\n# 另一个标题\n\n正文。\n"})
    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)
    assert done.returncode == 1, done.stdout
    findings = [line for line in done.stdout.splitlines() if line.startswith("01-博客/")]
    assert len(findings) == 1 and ": ST101 " in findings[0], done.stdout


def run_vaultkit(tools: Tools, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return tools.run([sys.executable, "-m", "vaultkit", "check", *args], cwd)


def test_hook_runs_the_vaultkit_of_this_working_tree(tools, hook_repo, tmp_path):
    # Guards the snapshot: a stale vaultkit (e.g. HEAD without the new rules) would be missing
    # codes that this process registers.
    path, rev = hook_repo
    config = tmp_path / "rules-config.yaml"
    config.write_text(
        f"repos:\n- repo: {path.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: vaultkit\n"
        "    entry: vaultkit rules\n    pass_filenames: false\n    always_run: true\n"
        "    verbose: true\n",
        encoding="utf-8",
    )
    repo = tools.init(tmp_path / "repo")

    done = tools.pre_commit_run("run", "--config", str(config), "--all-files", cwd=repo)

    assert done.returncode == 0, done.stdout
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    missing = sorted({rule.code for rule in all_rules()} - listed)
    assert not missing, f"the hook's vaultkit lacks {missing}:\n{done.stdout}"


def test_staged_names_that_look_like_options_stay_file_names(tools, hook_config, tmp_path):
    """A note named `--output-file=victim.md` must not make the hook overwrite `victim.md`."""
    repo = tmp_path / "repo"
    root = committed_vault(tools, repo)
    victim = root / "01-博客" / "x" / "clean.md"
    before = victim.read_bytes()
    names = [
        "--output-file=01-博客/x/clean.md",
        "-o01-博客/x/clean.md",
        "--fix.md",
        "--config=a.md",
    ]
    good = article("名字奇怪的文章", "https://example.com/posts/odd")
    stage(tools, repo, {name: good.replace("odd", f"odd{i}") for i, name in enumerate(names)})

    done = tools.pre_commit_run("run", "--config", str(hook_config), cwd=repo)

    assert victim.read_bytes() == before
    assert done.returncode == 0, done.stdout  # four clean notes, checked as notes
    assert "Passed" in done.stdout, done.stdout
