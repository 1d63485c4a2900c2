"""The cache never replays stale findings (issue 15, item 5).

A same-size edit with its modification time put back is seen (ctime and inode
are part of a file's stamp), and so is a change of `.obsidian/app.json`, whose
attachment folder decides where `![[x.png]]` resolves.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ARTICLE

from vaultkit import cache as cache_module
from vaultkit.linter import check_paths

OLD = 1_600_000_000 * 10**9
PLACEHOLDER = "\n待补充\n"  # ST107, the same size as `已完成`


@pytest.fixture(autouse=True)
def own_secret(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    monkeypatch.delenv("VAULTKIT_CACHE_DIR", raising=False)


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    os.utime(path, ns=(OLD, OLD))


def _codes(root: Path) -> list[tuple[str, str]]:
    run = check_paths([root], use_cache=True)
    assert run.result.internal_errors == []
    return [(d.path, d.code) for d in run.result.diagnostics]


def test_a_same_size_edit_with_its_old_time_is_seen(tmp_path):
    root = tmp_path / "v"
    (root / ".obsidian").mkdir(parents=True)
    _write(root / "a.md", ARTICLE + PLACEHOLDER)
    assert ("a.md", "ST107") in _codes(root)
    assert ("a.md", "ST107") in _codes(root)  # replayed from the cache
    _write(root / "a.md", ARTICLE + PLACEHOLDER.replace("待补充", "已完成"))  # OLD time again
    assert ("a.md", "ST107") not in _codes(root)


def test_a_file_replaced_by_another_with_the_same_size_and_times_is_seen(tmp_path):
    root = tmp_path / "v"
    (root / ".obsidian").mkdir(parents=True)
    _write(root / "a.md", ARTICLE + PLACEHOLDER)
    assert ("a.md", "ST107") in _codes(root)
    other = tmp_path / "other.md"
    _write(other, ARTICLE + PLACEHOLDER.replace("待补充", "已完成"))
    os.replace(other, root / "a.md")
    assert ("a.md", "ST107") not in _codes(root)


def test_the_stamp_holds_ctime_and_inode():
    base = cache_module.Stat(10, 1, 2, 3)
    assert base.stamp != cache_module.Stat(10, 1, 2, 4).stamp
    assert base.stamp != cache_module.Stat(10, 1, 5, 3).stamp
    assert base.stamp == cache_module.Stat(10, 1, 2, 3).stamp
    assert 0 <= base.stamp < 2**63  # an SQLite integer


def check_codes(root: Path) -> list[tuple[str, str]]:
    return [(d.path, d.code) for d in check_paths([root]).result.diagnostics]


def test_a_change_of_the_attachment_folder_is_seen(tmp_path):
    root = tmp_path / "v"
    settings = root / ".obsidian" / "app.json"
    note = ARTICLE.replace("正文第一段。", "![[图.png]]")
    _write(root / "01-博客/a.md", note)
    _write(root / "附件/图.png", b"\x89PNG\r\n\x1a\n")
    _write(root / "图片/图.png", b"\x89PNG\r\n\x1a\n")
    _write(settings, json.dumps({"attachmentFolderPath": "附件"}))
    first = _codes(root)
    assert first == _codes(root)
    _write(settings, json.dumps({}))  # no folder decides between the two any more
    assert _codes(root) != first
    assert _codes(root) == check_codes(root)
