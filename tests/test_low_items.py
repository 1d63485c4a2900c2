"""The low items of issue 15 (item 8): read-only notes, left-over temporary files, long values.

- `--fix` leaves a read-only (0444) note as it is, and says why;
- a temporary file that a killed `--fix` left beside a note
  (`.NAME.PID.XXXX.vaultkit-tmp`) is removed by the next fix of that note when
  its process is gone, and kept while its process may still be writing it
  (and never another note's, whose name only begins like it);
- many files are written at once, each checked and refused on its own;
- FM012 shows at most 80 characters of a 100,000-character value.
"""

from __future__ import annotations

import os
import stat

from conftest import ARTICLE, check, run_cli, write_vault

from vaultkit.fix import atomic

FIXABLE = ARTICLE.replace("正文第一段。", "##小节\n\n正文第一段。")  # ST103: a space is added


def test_a_read_only_note_is_not_fixed(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    note = vault / "a.md"
    note.chmod(0o444)
    done = run_cli("check", vault, "--fix", "--unsafe-fixes", "--no-cache", "--select", "ST103")
    assert note.read_text(encoding="utf-8") == FIXABLE
    assert stat.S_IMODE(note.stat().st_mode) == 0o444
    assert "read-only" in done.stderr + done.stdout


def test_a_killed_fix_s_temporary_files_are_removed_by_the_next_fix(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    dead = vault / ".a.md.999999999.x1y2.vaultkit-tmp"  # no such process
    busy = vault / f".a.md.{os.getppid()}.x3y4.vaultkit-tmp"  # a live process, just now
    other = vault / ".b.md.999999999.x5y6.vaultkit-tmp"  # another note's: not looked at
    for path in (dead, busy, other):
        path.write_bytes(b"half a note")
    done = run_cli("check", vault, "--fix", "--unsafe-fixes", "--no-cache", "--select", "ST103")
    assert "##小节" not in (vault / "a.md").read_text(encoding="utf-8"), done.stderr
    assert not dead.exists() and busy.exists() and other.exists()


def test_fixing_many_notes_sweeps_each_one_s_left_overs_from_one_scan_of_the_folder(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": FIXABLE, "b.md": FIXABLE, "c.md": FIXABLE})
    dead_a = vault / ".a.md.999999999.x1y2.vaultkit-tmp"
    dead_b = vault / ".b.md.999999999.x1y2.vaultkit-tmp"
    busy_c = vault / f".c.md.{os.getppid()}.x3y4.vaultkit-tmp"
    unfixed = vault / ".d.md.999999999.x5y6.vaultkit-tmp"  # no note d.md is written
    for path in (dead_a, dead_b, busy_c, unfixed):
        path.write_bytes(b"half a note")
    done = run_cli("check", vault, "--fix", "--unsafe-fixes", "--no-cache", "--select", "ST103")
    for name in ("a.md", "b.md", "c.md"):
        assert "##小节" not in (vault / name).read_text(encoding="utf-8"), done.stderr
    assert not dead_a.exists() and not dead_b.exists()
    assert busy_c.exists() and unfixed.exists()
    left = {p.name for p in vault.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)}
    assert left == {busy_c.name, unfixed.name}  # none of this run's own


def test_sweep_never_follows_a_link_nor_removes_other_names(tmp_path):
    outside = tmp_path / "outside"
    outside.write_text("keep")
    (tmp_path / ".a.md.999999999.zz.vaultkit-tmp").symlink_to(outside)
    (tmp_path / ".a.md.999999999.zz.txt").write_text("keep")
    # the temporary file of the note `a.md.123.md`, being written beside `a.md` right now
    (tmp_path / ".a.md.123.md.999999999.x7y8.vaultkit-tmp").write_text("keep")
    assert atomic.sweep(tmp_path, "a.md") == []
    assert outside.read_text() == "keep"


def test_many_notes_are_written_at_once_and_each_refusal_stays_its_own(tmp_path):
    notes = {f"d{n % 3}/n{n}.md": f"note {n}\n" for n in range(20)}
    vault = write_vault(tmp_path / "v", notes)
    (vault / "d2/n5.md").chmod(0o444)
    jobs = []
    for rel in notes:
        path = vault / rel
        jobs.append((path, b"fixed\n", atomic.snapshot(path, 1000), path, vault))
    (vault / "d1/n4.md").write_text("edited meanwhile\n")  # changed after it was read
    problems = atomic.replace_files(jobs)
    refused = {rel: p for rel, p in zip(notes, problems, strict=True) if p is not None}
    assert set(refused) == {"d1/n4.md", "d2/n5.md"}
    assert "changed after it was read" in refused["d1/n4.md"]
    assert "read-only" in refused["d2/n5.md"]
    for rel in notes:
        expected = {"d1/n4.md": "edited meanwhile\n", "d2/n5.md": "note 5\n"}.get(rel, "fixed\n")
        assert (vault / rel).read_text() == expected
    assert not [p for p in vault.rglob("*") if p.name.endswith(atomic.TEMP_SUFFIX)]


def test_fm012_shows_a_long_value_shortened(tmp_path):
    value = "9" * 100_000
    note = ARTICLE.replace('作者: "测试作者"', f"作者: {value}")
    vault = write_vault(tmp_path / "v", {"a.md": note})
    found = [d for d in check(vault, select=["FM012"]) if d.code == "FM012"]
    assert found and all(len(d.message) < 400 for d in found)
    assert "…" in found[0].message
