"""The low items of issue 15 (item 8): read-only notes, left-over temporary files, long values.

- `--fix` leaves a read-only (0444) note as it is, and says why;
- a temporary file that a killed `--fix` left beside a note
  (`.NAME.PID.XXXX.vaultkit-tmp`) is removed by the next fix of that note when
  its process is gone, and kept while its process may still be writing it;
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


def test_sweep_never_follows_a_link_nor_removes_other_names(tmp_path):
    outside = tmp_path / "outside"
    outside.write_text("keep")
    (tmp_path / ".a.md.999999999.zz.vaultkit-tmp").symlink_to(outside)
    (tmp_path / ".a.md.999999999.zz.txt").write_text("keep")
    assert atomic.sweep(tmp_path, "a.md") == []
    assert outside.read_text() == "keep"


def test_fm012_shows_a_long_value_shortened(tmp_path):
    value = "9" * 100_000
    note = ARTICLE.replace('作者: "测试作者"', f"作者: {value}")
    vault = write_vault(tmp_path / "v", {"a.md": note})
    found = [d for d in check(vault, select=["FM012"]) if d.code == "FM012"]
    assert found and all(len(d.message) < 400 for d in found)
    assert "…" in found[0].message
