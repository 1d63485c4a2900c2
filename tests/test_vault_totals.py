"""The vault's totals (`vaultkit.facts.Totals`): what vault rules count over every note, kept
in the note cache and updated for the notes that changed. A check of a few notes reads no
other note's facts, finds what a check without the cache finds, and leaves totals equal to
those a new cache builds from scratch."""

from __future__ import annotations

import dataclasses
import pickle
import sqlite3

import pytest
from conftest import write_vault
from test_incremental import FILES, MAIL, SAME_URL, key

from vaultkit import cache as cache_module
from vaultkit import facts as facts_module
from vaultkit.linter import check_paths

EXTRA = ["LK008", "LK009"]  # the orphan rules too: they read `has_incoming`


@pytest.fixture
def vault(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_vault(tmp_path / "vault", FILES)
    check_paths([root], use_cache=True)  # the cache, with the vault's totals
    return root


def _db(root):
    return next((root.parent / "cache").glob("*/notes.sqlite"))


def _totals(db_path) -> facts_module.Totals:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT totals FROM totals").fetchall()
    assert len(rows) == 1
    return pickle.loads(rows[0][0])  # this test's own cache


def _check(root, rel: str, use_cache: bool = True):
    return check_paths([root / rel], use_cache=use_cache, extend_select=EXTRA)


def _as_without_cache(root, rel: str) -> list[tuple]:
    warm = _check(root, rel)
    assert not warm.result.internal_errors
    assert key(warm) == key(_check(root, rel, use_cache=False))
    return key(warm)


def _codes(found: list[tuple]) -> set[str]:
    return {finding[3] for finding in found}


def _as_built_anew(root, tmp_path, monkeypatch) -> None:
    kept = _totals(_db(root))
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "new-cache"))
    check_paths([root], use_cache=True)
    anew = _totals(next((tmp_path / "new-cache").glob("*/notes.sqlite")))
    assert kept.counts == anew.counts  # no count left at zero, none off by one
    assert kept.digests == anew.digests and kept.names == anew.names


def _edit(root, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


ONE, TWO, THREE, FIVE = (
    "01-博客/甲/一.md",
    "01-博客/乙/二.md",
    "01-博客/丙/三.md",
    "01-博客/甲/五.md",
)
UNUSED, LLM = "00-元语/无人用.md", "00-元语/LLM.md"


def test_one_note_is_checked_without_reading_the_others_facts(vault, monkeypatch):
    read = []
    facts = cache_module.NoteCache.facts
    monkeypatch.setattr(
        cache_module.NoteCache,
        "facts",
        lambda cache, rel, *rest: read.append(rel) or facts(cache, rel, *rest),
    )
    warm = check_paths([vault / THREE], use_cache=True)  # the default rules, as the hook
    assert key(warm) == key(check_paths([vault / THREE], use_cache=False))
    assert {"TP002", "LK004"} <= {d.code for d in warm.result.diagnostics}
    assert read == [THREE]
    read.clear()  # the orphan rule (off by default) asks whether any other note links here:
    assert "LK008" in _codes(_as_without_cache(vault, THREE))  # from every note's facts
    assert len(set(read)) > 1


# Each edit (note, old text, new text), then the hook's check of the edited note and of a
# note whose findings it changes, with a code that note loses (-) or gains (+), if any.
EDITS = [
    (TWO, SAME_URL + "&chksm=1", "https://example.com/2", ONE, "-FM017"),
    (TWO, "https://example.com/2", SAME_URL, ONE, "+FM017"),
    (THREE, "- [[00-元语/Agent]]", "- [[00-元语/无人用]]", UNUSED, "-TP008"),
    (THREE, "- [[00-元语/LLM]]", "- [[00-元语/llm]]", LLM, ""),  # "linked by 4 topic entries"
    (FIVE, MAIL, "other@example.com", ONE, "-ST120"),  # the address now ends two notes
]


@pytest.mark.parametrize("upto", range(1, len(EDITS) + 1))
def test_edits_update_the_totals_in_place(vault, tmp_path, monkeypatch, upto):
    built = []
    init = facts_module.Totals.__init__

    def counted(totals, names):
        built.append(names)
        init(totals, names)

    monkeypatch.setattr(facts_module.Totals, "__init__", counted)
    for rel, old, new, other, change in EDITS[:upto]:
        before = _as_without_cache(vault, other)
        _edit(vault, rel, old, new)
        _as_without_cache(vault, rel)
        after = _as_without_cache(vault, other)
        assert after != before
        if change:
            gained, code = change[0] == "+", change[1:]
            assert (code in _codes(before), code in _codes(after)) == (not gained, gained)
    assert built == []  # every run updated the totals it found
    _as_built_anew(vault, tmp_path, monkeypatch)


def test_a_renamed_note_builds_the_totals_again(vault, tmp_path, monkeypatch):
    (vault / "01-博客/甲/五.md").rename(vault / "01-博客/甲/五（修订）.md")
    _as_without_cache(vault, "01-博客/甲/五（修订）.md")
    _as_without_cache(vault, "01-博客/甲/一.md")
    _as_built_anew(vault, tmp_path, monkeypatch)


def test_a_deleted_note_builds_the_totals_again(vault, tmp_path, monkeypatch):
    (vault / "00-元语/Agent.md").unlink()
    assert "TP001" in _codes(_as_without_cache(vault, "01-博客/甲/一.md"))
    _as_built_anew(vault, tmp_path, monkeypatch)


def test_tampered_totals_are_not_read_and_are_built_again(vault, tmp_path, monkeypatch):
    with sqlite3.connect(_db(vault)) as db:
        blob = db.execute("SELECT totals FROM totals").fetchone()[0]
        tampered = blob[:-1] + bytes([blob[-1] ^ 1])
        db.execute("UPDATE totals SET totals = ?", (tampered,))
    loads = pickle.loads

    def checked(data, *args, **kwargs):
        assert data != tampered, "unpickled bytes that fail their MAC"
        return loads(data, *args, **kwargs)

    monkeypatch.setattr(pickle, "loads", checked)
    _edit(vault, "01-博客/乙/二.md", SAME_URL + "&chksm=1", "https://example.com/2")
    assert "FM017" not in _codes(_as_without_cache(vault, "01-博客/甲/一.md"))
    monkeypatch.setattr(pickle, "loads", loads)
    _as_built_anew(vault, tmp_path, monkeypatch)


def test_totals_whose_counted_facts_are_gone_are_built_again(vault, tmp_path, monkeypatch):
    with sqlite3.connect(_db(vault)) as db:  # as if another program had dropped the row
        db.execute("DELETE FROM notes WHERE rel = '01-博客/丙/三.md'")
    _edit(vault, "01-博客/丙/三.md", "- [[00-元语/Agent]]", "- [[00-元语/无人用]]")
    assert "TP008" not in _codes(_as_without_cache(vault, "00-元语/无人用.md"))
    _as_built_anew(vault, tmp_path, monkeypatch)


def test_a_vault_of_other_notes_counts_its_own(vault):
    """The fixer checks vaults of fixed notes made with `dataclasses.replace`: the totals of
    the notes as read must not count for them."""
    run = check_paths([vault / THREE], use_cache=True)
    assert run.vault.totals is not None and facts_module.others(run.vault, "topic-uses")
    fixed = dataclasses.replace(run.vault, notes=list(run.vault.notes))
    assert fixed.subjects == {THREE} and fixed.totals is None
    assert facts_module.others(fixed, "topic-uses") is None
