"""The vault rules run in two processes on a vault with many notes to report on
(`vaultkit.vault_pass`): the findings and failures are those of one process."""

from __future__ import annotations

import inspect
import re

from conftest import ARTICLE, write_vault

from vaultkit import analysis, linter, rules, vault_pass
from vaultkit.rules.frontmatter.duplicates import DuplicateArticle
from vaultkit.rules.links import BrokenWikilink

# a broken link (LK001) in every note, a shared source URL (FM017) in every other one
NOTE = ARTICLE.replace("正文第一段。", "正文第一段，见 [[缺失的笔记{n}]]。").replace(
    "https://example.com/posts/clean", "https://example.com/posts/{url}"
)


def vault_of(tmp_path, count: int):
    notes = {f"n{n}.md": NOTE.replace("{n}", str(n)).replace("{url}", str(n // 2))
             for n in range(count)}  # fmt: skip
    return write_vault(tmp_path / "v", notes)


def check(root, workers: str, monkeypatch):
    monkeypatch.setenv("VAULTKIT_WORKERS", workers)
    return linter.check_paths([root]).result


def here(monkeypatch) -> list[str]:
    """The codes of the vault rules that run in this process (not in a forked one)."""
    codes: list[str] = []
    real = vault_pass._run

    def recorded(vault, rules, keep):
        codes.extend(rule.code for rule in rules)
        return real(vault, rules, keep)

    monkeypatch.setattr(vault_pass, "_run", recorded)
    return codes


def test_two_processes_find_what_one_does(tmp_path, monkeypatch):
    root = vault_of(tmp_path, analysis.PARALLEL_MIN + 10)
    one = check(root, "1", monkeypatch)
    codes = here(monkeypatch)
    two = check(root, "2", monkeypatch)
    assert {"LK001", "TP001"} <= set(codes)  # they share the link index and the topic map
    assert "FM017" not in codes  # FM017 ran in the forked process
    assert {"LK001", "FM017"} <= {d.code for d in two.diagnostics}
    assert two.diagnostics == one.diagnostics and two.internal_errors == one.internal_errors


def test_failing_rules_keep_what_they_found_and_their_place(tmp_path, monkeypatch):
    root = vault_of(tmp_path, analysis.PARALLEL_MIN + 10)
    for rule in (BrokenWikilink, DuplicateArticle):  # one of each process

        def fails_midway(self, vault, real=rule.check_vault):
            yield from list(real(self, vault))[:3]
            raise RuntimeError("boom")

        monkeypatch.setattr(rule, "check_vault", fails_midway)
    one, two = check(root, "1", monkeypatch), check(root, "2", monkeypatch)
    assert two.diagnostics == one.diagnostics
    assert two.internal_errors == one.internal_errors
    for code in ("LK001", "FM017"):
        assert len([d for d in two.diagnostics if d.code == code]) == 3
        assert any(code in e and "boom" in e for e in two.internal_errors)


def test_few_notes_to_report_on_stay_in_one_process(tmp_path, monkeypatch):
    root = vault_of(tmp_path, 20)
    codes = here(monkeypatch)
    assert check(root, "2", monkeypatch).diagnostics
    assert {"LK001", "FM017"} <= set(codes)


def test_rules_that_share_the_link_index_run_in_one_process():
    """A vault rule whose module builds the link index or the topic map runs beside the link
    rules: in the forked process it would build them a second time."""
    builds = re.compile(r"\b(?:index_for|topic_map|deferred_links)\(")
    vault_rules = [rule for rule in rules.all_rules() if issubclass(rule, rules.VaultRule)]
    sharing = [r for r in vault_rules if builds.search(inspect.getsource(inspect.getmodule(r)))]
    assert {"LK001", "IM001", "TP001"} <= {rule.code for rule in sharing}
    assert [rule.code for rule in sharing if not vault_pass._stays_here(rule)] == []
