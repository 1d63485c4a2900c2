"""A vault is untrusted input: a `.vaultkit_cache` it brings along never reaches outside it.

Each test plants what a hostile clone could carry (symbolic links, hard links, a foreign
database, dangling links named like vaultkit's markers) and checks that nothing outside
the vault changed, byte for byte, and that the check still works.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from conftest import ARTICLE, run_cli

from vaultkit import cachedir
from vaultkit.linter import check_paths
from vaultkit.online.cache import ResultCache

OLD = 1_600_000_000


@pytest.fixture(autouse=True)
def own_secret(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    monkeypatch.delenv("VAULTKIT_CACHE_DIR", raising=False)


def _vault(make_vault) -> Path:
    root = make_vault({"a.md": ARTICLE, "b.md": ARTICLE.replace("示例", "样例")})
    for path in root.rglob("*.md"):
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))
    return root


def _outside_database(path: Path) -> bytes:
    """Someone else's SQLite file with tables named like the cache's, rows included."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (rel TEXT PRIMARY KEY, body TEXT)")
        db.execute("CREATE TABLE runs (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany("INSERT INTO notes VALUES (?, ?)", [("x", "precious"), ("y", "data")])
        db.execute("INSERT INTO runs VALUES ('k', 'v')")
    db.close()
    return path.read_bytes()


def _check(root: Path):
    run = check_paths([root], use_cache=True)
    assert run.result.internal_errors == []
    return run


def test_a_database_reached_through_a_link_is_never_written(make_vault, tmp_path):
    root = _vault(make_vault)
    outside = tmp_path / "elsewhere.sqlite"
    before = _outside_database(outside)
    folder = root / cachedir.FOLDER
    folder.mkdir()
    (folder / "notes.sqlite").symlink_to(outside)
    _check(root)
    _check(root)
    assert outside.read_bytes() == before
    assert (folder / "notes.sqlite").is_file() and not (folder / "notes.sqlite").is_symlink()
    assert (folder / "notes.sqlite.broken").is_symlink()  # the link itself, moved aside


def test_a_cache_folder_that_is_a_link_is_not_used(make_vault, tmp_path):
    root = _vault(make_vault)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = _outside_database(elsewhere / "notes.sqlite")
    (root / cachedir.FOLDER).symlink_to(elsewhere, target_is_directory=True)
    done = run_cli("check", root)
    assert done.returncode == 1, done.stderr  # the notes' own findings, as without a cache
    assert done.stdout == run_cli("check", root, "--no-cache").stdout
    assert "symbolic link" in done.stderr and "cache" in done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["notes.sqlite"]
    assert (elsewhere / "notes.sqlite").read_bytes() == before


def test_dangling_links_named_like_the_cache_files_create_nothing(make_vault, tmp_path):
    root = _vault(make_vault)
    folder = root / cachedir.FOLDER
    folder.mkdir()
    targets = {}
    for name in ("notes.sqlite", "CACHEDIR.TAG", ".gitignore", "notes.sqlite-journal"):
        targets[name] = tmp_path / f"created-by-{name.strip('.')}"
        (folder / name).symlink_to(targets[name])
    _check(root)
    assert [name for name, target in targets.items() if os.path.lexists(target)] == []
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")
    assert not (folder / ".gitignore").is_symlink()


def test_a_foreign_database_in_the_folder_is_set_aside_unchanged(make_vault):
    root = _vault(make_vault)
    folder = root / cachedir.FOLDER
    folder.mkdir()
    before = _outside_database(folder / "notes.sqlite")
    _check(root)
    assert (folder / "notes.sqlite.broken").read_bytes() == before
    with sqlite3.connect(folder / "notes.sqlite") as db:  # a new cache of our own
        assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    db.close()


def test_a_hard_linked_database_is_never_written(make_vault, tmp_path):
    root = _vault(make_vault)
    _check(root)  # a real cache of ours, then hard-linked to a file outside the vault
    folder = root / cachedir.FOLDER
    outside = tmp_path / "shared.sqlite"
    os.link(folder / "notes.sqlite", outside)
    before = outside.read_bytes()
    (root / "a.md").write_text(ARTICLE + "\n改动。\n", encoding="utf-8")
    _check(root)
    assert outside.read_bytes() == before


def test_empty_markers_left_by_a_full_disk_are_written_again(make_vault):
    root = _vault(make_vault)
    folder = root / cachedir.FOLDER
    folder.mkdir()
    (folder / "CACHEDIR.TAG").write_bytes(b"")
    (folder / ".gitignore").write_bytes(b"")
    _check(root)
    assert (folder / "CACHEDIR.TAG").read_text() == cachedir.CACHEDIR_TAG
    assert (folder / ".gitignore").read_text() == cachedir.GITIGNORE


def test_the_online_cache_neither_reads_nor_writes_through_a_link(tmp_path):
    root = tmp_path / "vault"
    root.mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text('{"version": 1, "entries": {}}', encoding="utf-8")
    before = secret.read_bytes()
    folder = root / cachedir.FOLDER
    folder.mkdir()
    (folder / "online-images.json").symlink_to(secret)
    cache = ResultCache(root, max_age=60).load()
    assert cache.rebuilt
    assert cache.save()
    assert secret.read_bytes() == before
    assert not (folder / "online-images.json").is_symlink()
