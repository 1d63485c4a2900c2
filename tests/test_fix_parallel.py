"""With many notes, the per-note stage's workers do each note's first fix round ahead
(`vaultkit.fix.ahead`) and the fix rounds check what is left in forked workers
(`vaultkit.analysis.check_notes`): the notes written and the report are those of one
process, and the report is what a new check of the fixed vault finds."""

from __future__ import annotations

import json
import shutil

from conftest import ARTICLE, run_cli, write_vault

from vaultkit.analysis import PARALLEL_MIN

# ST103 (a space after `##`) is fixed; the other findings of each note stay
FIXABLE = ARTICLE.replace("正文第一段。", "##小节{n}\n\n正文第一段。")
OPTIONS = ("--no-cache", "--output-format", "json", "--exit-zero", "--extend-select", "ST103")


def fixed(vault, workers: str, monkeypatch) -> tuple[dict, dict[str, bytes]]:
    monkeypatch.setenv("VAULTKIT_WORKERS", workers)
    done = run_cli("check", vault, "--fix", "--unsafe-fixes", *OPTIONS)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.replace(str(vault), "VAULT"))
    return report, {p.name: p.read_bytes() for p in sorted(vault.glob("*.md"))}


def test_workers_fix_and_report_as_one_process_does(tmp_path, monkeypatch):
    notes = {f"n{n}.md": FIXABLE.replace("{n}", str(n)) for n in range(PARALLEL_MIN + 20)}
    one = write_vault(tmp_path / "one", notes)
    two = tmp_path / "two"
    shutil.copytree(one, two)
    report_one, files_one = fixed(one, "1", monkeypatch)
    report_two, files_two = fixed(two, "2", monkeypatch)
    assert files_two == files_one
    texts = [data.decode("utf-8") for data in files_two.values()]
    assert all("## 小节" in text for text in texts)
    assert report_two == report_one
    monkeypatch.setenv("VAULTKIT_WORKERS", "2")
    again = run_cli("check", two, *OPTIONS)
    assert json.loads(again.stdout.replace(str(two), "VAULT")) == report_two
