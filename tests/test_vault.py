"""Finding the vault root, walking the vault, and the index built from it."""

from __future__ import annotations

import os

import pytest
from conftest import ARTICLE, check, write_vault

from vaultkit.config import Config
from vaultkit.linter import check_paths
from vaultkit.source import ProblemKind
from vaultkit.vault import (
    InputError,
    discover,
    display_name,
    find_root,
    load,
    real_inside,
    relative,
    resolves_inside,
)

NOTE = "---\ntitle: 笔记\n---\n\n正文。\n"


# find_root ------------------------------------------------------------------------------------


def test_obsidian_folder_marks_the_root(make_vault):
    root = make_vault({"01-博客/a/x.md": NOTE})
    assert find_root([root / "01-博客/a/x.md"]) == root
    assert find_root([root / "01-博客/a"]) == root
    assert find_root([root]) == root


def test_obsidian_wins_over_a_nearer_config(make_vault):
    root = make_vault({"sub/vaultkit.toml": "", "sub/x.md": NOTE})
    assert find_root([root / "sub" / "x.md"]) == root


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("vaultkit.toml", ""),
        (".vaultkit.toml", ""),
        ("pyproject.toml", "[tool.vaultkit]\nselect = ['ST']\n"),
    ],
)
def test_a_vaultkit_config_marks_the_root_without_obsidian(make_vault, name, text):
    root = make_vault({name: text, "notes/deep/x.md": NOTE}, obsidian=False)
    assert find_root([root / "notes" / "deep" / "x.md"]) == root


def test_a_pyproject_without_tool_vaultkit_is_no_marker(make_vault):
    root = make_vault({"pyproject.toml": "[tool.ruff]\n", "notes/x.md": NOTE}, obsidian=False)
    assert find_root([root / "notes" / "x.md"]) == root / "notes"


def test_without_markers_the_common_parent_of_two_sibling_folders(make_vault):
    root = make_vault({"甲/one.md": NOTE, "乙/two.md": NOTE}, obsidian=False)
    assert find_root([root / "甲" / "one.md", root / "乙" / "two.md"]) == root
    assert find_root([root / "甲", root / "乙"]) == root


def test_a_file_passed_directly_without_markers_uses_its_folder(make_vault):
    root = make_vault({"loose/x.md": NOTE}, obsidian=False)
    assert find_root([root / "loose" / "x.md"]) == root / "loose"


def test_a_file_named_like_obsidian_is_no_marker(make_vault):
    root = make_vault({"inner/.obsidian": "not a folder", "inner/x.md": NOTE})
    assert find_root([root / "inner" / "x.md"]) == root


def test_find_root_needs_a_path():
    with pytest.raises(InputError):
        find_root([])


# discover -------------------------------------------------------------------------------------


def test_discover_lists_notes_and_attachments_sorted(make_vault):
    root = make_vault(
        {
            "b.md": NOTE,
            "a/c.MD": NOTE,
            "img/x.png": b"\x89PNG",
            ".trash/old.md": NOTE,
            "node_modules/pkg/readme.md": NOTE,
        }
    )
    found = discover(root, Config())
    assert [relative(p, root) for p in found.notes] == ["a/c.MD", "b.md"]
    assert [relative(p, root) for p in found.attachments] == ["img/x.png"]
    assert found.problems == {} and found.outside == {}


def test_subject_notes_follow_the_subjects_and_the_notes(make_vault):
    vault = load(make_vault({"a.md": NOTE, "b.md": NOTE, "c.md": NOTE}), Config())
    assert vault.subject_notes is vault.notes  # every note is a subject
    vault.subjects = frozenset({"c.md", "a.md"})
    assert [n.rel for n in vault.subject_notes] == ["a.md", "c.md"]  # in vault order
    assert vault.subject_notes is vault.subject_notes  # kept, not built per question
    vault.subjects = frozenset({"b.md"})
    assert [n.rel for n in vault.subject_notes] == ["b.md"]
    vault.notes = vault.notes[:1]
    assert vault.subject_notes == []


def test_discover_respects_exclude(make_vault):
    root = make_vault({"keep/a.md": NOTE, "drafts/b.md": NOTE})
    config = Config()
    config.exclude = ["drafts/**", "drafts"]
    assert [relative(p, root) for p in discover(root, config).notes] == ["keep/a.md"]


def test_a_folder_named_like_a_note_is_walked_not_read(make_vault):
    root = make_vault({"dir.md/inner.md": NOTE})
    found = discover(root, Config())
    assert [relative(p, root) for p in found.notes] == ["dir.md/inner.md"]
    assert found.problems == {}


def test_symlinked_folder_notes_keep_their_real_path(make_vault):
    root = make_vault({"z-real/n.md": NOTE})
    (root / "a-link").symlink_to("z-real")
    found = discover(root, Config())
    assert [relative(p, root) for p in found.notes] == ["z-real/n.md"]
    assert [relative(p, root) for p in found.problems] == ["a-link"]
    assert found.problems[root / "a-link"].kind is ProblemKind.SYMLINK_LOOP


def test_a_loop_of_folder_links_is_reported_once_and_the_walk_ends(make_vault):
    root = make_vault({"a/n.md": NOTE, "b/m.md": NOTE})
    (root / "a" / "to-b").symlink_to("../b")
    (root / "b" / "to-a").symlink_to("../a")
    (root / "a" / "up").symlink_to("../..")
    found = discover(root, Config())
    assert sorted(relative(p, root) for p in found.notes) == ["a/n.md", "b/m.md"]
    assert sorted(relative(p, root) for p in found.problems) == ["a/to-b", "a/up", "b/to-a"]


def test_a_non_note_link_loop_is_reported(make_vault):
    root = make_vault({"a.md": NOTE})
    (root / "attachments").symlink_to("attachments")
    found = discover(root, Config())
    assert found.problems[root / "attachments"].kind is ProblemKind.SYMLINK_LOOP


def test_a_folder_whose_name_is_not_utf8_is_reported_not_walked(make_vault):
    root = make_vault({"a.md": NOTE})
    bad = root / os.fsdecode(b"\xb2\xbb")
    bad.mkdir()
    (bad / "x.md").write_text(NOTE, encoding="utf-8")
    found = discover(root, Config())
    assert [relative(p, root) for p in found.notes] == ["a.md"]
    assert [relative(p, root) for p in found.problems] == ["\\xb2\\xbb"]
    assert found.problems[bad].kind is ProblemKind.BAD_NAME


def test_outside_links_are_found_once(make_vault, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "deep" / "n.md").write_text(NOTE, encoding="utf-8")
    (elsewhere / "deep" / "again.md").symlink_to(elsewhere / "deep" / "n.md")
    root = make_vault({"a.md": NOTE})
    (root / "ext").symlink_to(elsewhere)
    (root / "one.md").symlink_to(elsewhere / "deep" / "n.md")
    found = discover(root, Config())
    assert {relative(p, root): t for p, t in found.outside.items()} == {
        "ext": os.path.realpath(elsewhere),
        "one.md": os.path.realpath(elsewhere / "deep" / "n.md"),
    }
    assert "ext/deep/n.md" in [relative(p, root) for p in found.notes]


# load and the Vault ---------------------------------------------------------------------------


def test_load_reads_every_note_and_keeps_problems_as_notes(make_vault):
    root = make_vault({"a.md": NOTE, "bad.md": b"\xfe\xfdx"})
    (root / "loop").symlink_to("loop")
    vault = load(root, Config())
    assert sorted(vault.by_rel) == ["a.md", "bad.md", "loop"]
    assert vault.by_rel["a.md"].source is not None
    assert vault.by_rel["bad.md"].problem.kind is ProblemKind.NOT_UTF8
    assert "loop" not in vault.by_name  # a folder-like problem entry is no note
    assert [n.rel for n in vault.by_name["bad"]] == ["bad.md"]  # an unreadable note still is


def test_load_adds_explicit_files_outside_the_walk(make_vault):
    root = make_vault({"a.md": NOTE, "b.markdown": NOTE})
    vault = load(root, Config(), extra=[root / "b.markdown", root / "a.md"])
    assert sorted(vault.by_rel) == ["a.md", "b.markdown"]


def test_load_skips_explicit_files_in_folders_the_walk_skips(make_vault):
    root = make_vault({"a.md": NOTE, ".trash/h.md": NOTE, "node_modules/x/r.md": NOTE})
    extra = [root / ".trash" / "h.md", root / "node_modules" / "x" / "r.md"]
    assert sorted(load(root, Config(), extra=extra).by_rel) == ["a.md"]


def test_a_parser_failure_becomes_a_finding_not_a_crash(make_vault, monkeypatch):
    root = make_vault({"a.md": NOTE})

    def explode(*args):
        raise RecursionError("too deep")

    monkeypatch.setattr("vaultkit.note.parse", explode)
    note = load(root, Config()).by_rel["a.md"]
    assert note.problem.kind is ProblemKind.UNREADABLE
    assert "could not parse" in note.problem.detail and "please report" in note.problem.detail


def test_vault_records_links_out(make_vault, tmp_path):
    elsewhere = tmp_path / "x.md"
    elsewhere.write_text(NOTE, encoding="utf-8")
    root = make_vault({"a.md": NOTE})
    (root / "x.md").symlink_to(elsewhere)
    vault = load(root, Config())
    assert vault.outside_links == {"x.md": os.path.realpath(elsewhere)}
    assert not resolves_inside(vault.by_rel["x.md"].path, root)
    assert resolves_inside(vault.by_rel["a.md"].path, root)
    assert real_inside(vault.by_rel["x.md"].path, root) is None
    assert real_inside(vault.by_rel["a.md"].path, root) == os.path.realpath(root / "a.md")


def test_resolves_inside_sees_through_links(tmp_path):
    root = write_vault(tmp_path / "v", {"n.md": NOTE})
    (tmp_path / "v-link").symlink_to(root)
    assert resolves_inside(tmp_path / "v-link" / "n.md", root)
    assert not resolves_inside(tmp_path / "v2" / "n.md", root)  # a sibling sharing a prefix
    assert resolves_inside(root, root)


def test_display_name():
    assert display_name("中文/a.md") == "中文/a.md"
    assert display_name(os.fsdecode(b"\xd6\xd0/a.md")) == "\\xd6\\xd0/a.md"


# check_paths on inputs ------------------------------------------------------------------------


def test_a_path_that_does_not_exist_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        check_paths([tmp_path / "nope"])


def test_a_vault_reached_through_a_symlink(make_vault, tmp_path):
    root = make_vault({"a.md": ARTICLE.replace("## 正文\n", "## 正文\n\n# 标题\n")})
    (tmp_path / "alias").symlink_to(root)
    run = check_paths([tmp_path / "alias"], select=["ST101", "ST010"])
    assert run.root == tmp_path / "alias"
    assert [(d.path, d.code) for d in run.result.diagnostics] == [("a.md", "ST101")]


def test_files_from_two_sibling_folders_are_checked_against_their_vault(make_vault):
    root = make_vault({"甲/one.md": NOTE, "乙/two.md": NOTE, "丙/three.md": NOTE})
    run = check_paths([root / "甲" / "one.md", root / "乙" / "two.md"])
    assert run.root == root
    assert sorted(n.rel for n in run.vault.notes) == ["丙/three.md", "乙/two.md", "甲/one.md"]
    assert run.result.files_checked == 2
    assert check(root / "甲" / "one.md", select=["ST"]) == []
