"""`vaultkit check --fix`, `--unsafe-fixes`, `--diff`, `--fix-only` end to end, the rule
catalogue's fix column, and the `vaultkit-fix` pre-commit hook (slow).

The faults used have real fixes: a missing blank line after `## 正文` (ST102, safe) and
`发布日期: 2024/5/6` (FM009, unsafe).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE, cli_json, run_cli

from vaultkit.rules import all_rules

TOPIC = (
    '---\ntitle: "{name}"\n类型: "元语"\n更新日期: 2024-05-06\n---\n\n## 定义\n\n{name} 的定义。\n'
)
TOPICS = {f"00-元语/{name}.md": TOPIC.format(name=name) for name in ("AI", "llm", "Agent")}
REL = "01-博客/a/x.md"
SAFE = ARTICLE.replace("## 正文\n\n", "## 正文\n")  # ST102
UNSAFE = ARTICLE.replace("发布日期: 2024-05-06", "发布日期: 2024/5/6")  # FM009
BOTH = SAFE.replace("发布日期: 2024-05-06", "发布日期: 2024/5/6")


@pytest.fixture
def vault(make_vault):
    def build(text: str) -> Path:
        return make_vault({**TOPICS, REL: text})

    return build


def note(root: Path) -> str:
    return (root / REL).read_text(encoding="utf-8")


def test_the_fixtures_hold_the_intended_faults(vault):
    assert cli_json(vault(ARTICLE))[0] == 0
    code, document = cli_json(vault(BOTH))
    assert code == 1
    found = {(d["code"], d["fix"]["applicability"]) for d in document["diagnostics"]}
    assert found == {("ST102", "safe"), ("FM009", "unsafe")}


def test_fix_applies_safe_fixes_and_reports_what_is_left(vault):
    root = vault(BOTH)

    done = run_cli("check", root, "--fix")

    assert done.returncode == 1, done.stderr  # FM009 is left
    assert note(root) == UNSAFE  # the blank line is back, the date is as it was
    assert "ST102" not in done.stdout
    assert f"{REL}:3:" in done.stdout and "FM009 `发布日期`" in done.stdout  # no [*]: unsafe
    assert done.stdout.rstrip().endswith(
        "Fixed 1 finding in 1 file (1 unsafe fix available with --unsafe-fixes)."
    )


def test_fix_with_unsafe_fixes_repairs_everything(vault):
    root = vault(BOTH)

    done = run_cli("check", root, "--fix", "--unsafe-fixes", "--output-format", "concise")

    assert done.returncode == 0, done.stdout + done.stderr
    assert note(root) == ARTICLE
    assert done.stdout == "All checks passed (4 files).\nFixed 2 findings in 1 file.\n"


def test_fix_when_nothing_is_fixable_keeps_the_exit_code_of_a_check(vault):
    root = vault(UNSAFE)

    done = run_cli("check", root, "--fix", "--output-format", "concise")

    assert done.returncode == 1
    assert note(root) == UNSAFE
    assert "No findings fixed (1 unsafe fix available with --unsafe-fixes)." in done.stdout


def test_text_marks_only_what_fix_would_repair(vault):
    root = vault(BOTH)

    plain = run_cli("check", root, "--output-format", "concise")
    unsafe = run_cli("check", root, "--output-format", "concise", "--unsafe-fixes")

    assert "ST102 [*] " in plain.stdout and "FM009 [*]" not in plain.stdout
    assert "[*] 1 finding fixable with --fix (1 more with --unsafe-fixes)." in plain.stdout
    assert "ST102 [*] " in unsafe.stdout and "FM009 [*] " in unsafe.stdout
    assert "[*] 2 findings fixable with --fix --unsafe-fixes." in unsafe.stdout
    assert note(root) == BOTH  # --unsafe-fixes alone writes nothing


def test_statistics_count_what_fix_would_repair(vault):
    root = vault(BOTH)

    done = run_cli("check", root, "--statistics", "--output-format", "json")
    unsafe = run_cli("check", root, "--statistics", "--output-format", "json", "--unsafe-fixes")

    assert {r["code"]: r["fixable"] for r in json.loads(done.stdout)} == {"ST102": 1, "FM009": 0}
    assert {r["code"]: r["fixable"] for r in json.loads(unsafe.stdout)} == {"ST102": 1, "FM009": 1}


def test_diff_prints_the_change_and_writes_nothing(vault):
    root = vault(BOTH)

    done = run_cli("check", root, "--diff")

    assert done.returncode == 1
    assert note(root) == BOTH
    line = ARTICLE.splitlines().index("## 正文") + 1
    assert done.stdout == (
        f"--- a/{REL}\n+++ b/{REL}\n@@ -{line - 2},6 +{line - 2},7 @@\n"
        " *   要点五。\n \n ## 正文\n+\n 正文第一段。\n \n ## 关联主题\n"
    )
    assert "vaultkit: Would fix 1 finding in 1 file (1 unsafe fix available with " in done.stderr


def test_diff_with_unsafe_fixes_and_on_a_clean_vault(vault, make_vault):
    root = vault(UNSAFE)
    unsafe = run_cli("check", root, "--diff", "--unsafe-fixes")
    assert unsafe.returncode == 1
    assert "-发布日期: 2024/5/6\n+发布日期: 2024-05-06\n" in unsafe.stdout
    assert note(root) == UNSAFE

    safe_only = run_cli("check", root, "--diff")
    assert (safe_only.returncode, safe_only.stdout) == (0, "")
    assert "No findings would be fixed (1 unsafe fix available" in safe_only.stderr

    assert run_cli("check", root, "--diff", "--unsafe-fixes", "--exit-zero").returncode == 0


def test_diff_keeps_crlf_and_the_bom_of_the_file(make_vault):
    raw = b"\xef\xbb\xbf" + SAFE.replace("\n", "\r\n").encode()
    root = make_vault({**TOPICS, REL: raw})

    # The diff shows the file's own line endings: read the output as bytes.
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", str(root), "--diff"],
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
    )

    assert done.returncode == 1
    assert " ## 正文\r\n+\r\n 正文第一段。\r\n".encode() in done.stdout
    assert (root / REL).read_bytes() == raw


@pytest.mark.parametrize(
    ("text", "options", "code", "after"),
    [
        (BOTH, [], 1, UNSAFE),  # the unsafe fix is left: 1
        (BOTH, ["--unsafe-fixes"], 0, ARTICLE),
        (SAFE, [], 0, ARTICLE),
        (ARTICLE, [], 0, ARTICLE),
        # Findings without a fix are not reported and do not fail --fix-only.
        (ARTICLE.replace("## 摘要", "# 标题\n\n## 摘要"), [], 0, None),
    ],
)
def test_fix_only_exits_1_only_when_something_fixable_is_left(vault, text, options, code, after):
    root = vault(text)

    done = run_cli("check", root, "--fix-only", *options)

    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert note(root) == (after or text)


def test_exit_non_zero_on_fix(vault):
    root = vault(SAFE)

    first = run_cli("check", root, "--fix-only", "--exit-non-zero-on-fix")
    second = run_cli("check", root, "--fix-only", "--exit-non-zero-on-fix")

    assert (first.returncode, second.returncode) == (1, 0)
    assert "vaultkit: Fixed 1 finding in 1 file." in first.stderr
    assert note(root) == ARTICLE


def test_json_keeps_its_shape_and_the_summary_goes_to_stderr(vault):
    _, plain = cli_json(vault(ARTICLE))
    root = vault(BOTH)

    done = run_cli("check", root, "--fix", "--output-format", "json")

    document = json.loads(done.stdout)
    assert done.returncode == 1
    assert document.keys() == plain.keys()
    assert [d["code"] for d in document["diagnostics"]] == ["FM009"]
    assert "vaultkit: Fixed 1 finding in 1 file" in done.stderr


def test_a_refused_write_is_a_warning_and_leaves_the_file(vault, tmp_path):
    outside = tmp_path / "elsewhere" / "y.md"
    outside.parent.mkdir()
    outside.write_text(SAFE, encoding="utf-8")
    root = vault(ARTICLE)
    (root / "01-博客" / "a" / "y.md").symlink_to(outside)

    done = run_cli("check", root, "--fix-only")

    assert done.returncode == 1
    assert (
        "vaultkit: warning: 01-博客/a/y.md: not fixed: it is reached through a symbolic link"
        in (done.stderr)
    )
    assert "1 fix could not be applied: see the warnings" in done.stderr
    assert outside.read_text(encoding="utf-8") == SAFE


# ---------------------------------------------------------------- the rule catalogue


def test_rules_say_whether_each_rule_is_fixable_and_how_safely():
    text = run_cli("rules").stdout.splitlines()
    records = json.loads(run_cli("rules", "--output-format", "json").stdout)
    by_code = {r["code"]: r["fix"] for r in records}

    assert set(by_code.values()) <= {None, "safe", "unsafe"}
    assert by_code == {rule.code: rule.fix for rule in all_rules()}
    for line in text:
        code, fix = line.split()[0], line.split()[4]
        assert fix == (by_code[code] or "-"), line
    assert "Fixable (safe: `vaultkit check --fix` applies it)." in run_cli("rule", "ST102").stdout
    assert (
        "Fixable (unsafe: `vaultkit check --fix --unsafe-fixes`" in run_cli("rule", "FM009").stdout
    )
    unfixable = next(rule.code for rule in all_rules() if rule.fix is None)
    assert "Not fixable." in run_cli("rule", unfixable).stdout


# ---------------------------------------------------------------- the pre-commit hook


@pytest.mark.slow
def test_the_fix_hook_fixes_staged_notes_and_fails_the_commit(tmp_path, tmp_path_factory):
    precommit = pytest.importorskip("test_precommit")
    tools = precommit.Tools(tmp_path_factory.mktemp("pre-commit-home-fix"))
    hook, rev = _snapshot(precommit, tools, tmp_path_factory)
    config = tmp_path / "fix-config.yaml"
    config.write_text(
        f"repos:\n- repo: {hook.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: vaultkit-fix\n",
        encoding="utf-8",
    )
    repo = tmp_path / "repo"
    root = precommit.committed_vault(tools, repo)
    bad = precommit.article("待修复的文章", "https://example.com/posts/fix")
    bad = bad.replace("## 正文\n\n", "## 正文\n")
    precommit.stage(tools, repo, {"01-博客/x/fix.md": bad})

    first = tools.pre_commit_run("run", "--config", str(config), cwd=repo)

    assert first.returncode == 1, first.stdout
    assert "files were modified by this hook" in first.stdout, first.stdout
    assert "Fixed 1 finding in 1 file." in first.stdout, first.stdout
    fixed = (root / "01-博客" / "x" / "fix.md").read_text(encoding="utf-8")
    assert fixed == bad.replace("## 正文\n", "## 正文\n\n")
    assert "legacy.md" not in first.stdout  # committed and not staged: not passed, not fixed

    tools.git(repo, "add", "-A")
    second = tools.pre_commit_run("run", "--config", str(config), cwd=repo)

    assert second.returncode == 0, second.stdout
    assert "Passed" in second.stdout


def _snapshot(precommit, tools, tmp_path_factory) -> tuple[Path, str]:
    """A git repo holding this working tree, as `test_precommit.hook_repo` builds it."""
    import shutil

    snapshot = tmp_path_factory.mktemp("hook-repo-fix") / "vaultkit"
    for rel in precommit._working_tree_files(tools):
        target = snapshot / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(precommit.REPO / rel, target, follow_symlinks=False)
    tools.init(snapshot)
    return snapshot, tools.commit(snapshot, "snapshot of the working tree")
