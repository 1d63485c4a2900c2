"""Nested configs: the closest config to a note wins, as in ruff; an invalid one is an error."""

from __future__ import annotations

import json

from conftest import run_cli

H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"  # ST101
NO_AUTHOR = "---\ntitle: t\n---\n\n正文。\n"


def codes(root, *args) -> list[tuple[str, str]]:
    done = run_cli("check", root, "--output-format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    return sorted((d["path"], d["code"]) for d in json.loads(done.stdout)["diagnostics"])


def test_a_folder_config_applies_to_its_notes_only_and_the_closest_wins(make_vault):
    root = make_vault(
        {
            "a.md": NO_AUTHOR,
            "书/b.md": NO_AUTHOR,
            "书/旧/c.md": NO_AUTHOR,
            "vaultkit.toml": '[frontmatter]\nrequired = ["title", "作者"]\n',
            "书/vaultkit.toml": '[frontmatter]\nrequired = ["title"]\n',
            "书/旧/.vaultkit.toml": '[frontmatter]\nrequired = ["title", "作者", "来源"]\n',
        }
    )
    found = codes(root, "--select", "FM007")
    assert found == [("a.md", "FM007"), ("书/旧/c.md", "FM007"), ("书/旧/c.md", "FM007")]


def test_a_folder_config_can_ignore_rules_and_scope_overrides(make_vault):
    root = make_vault(
        {
            "a.md": H1,
            "草稿/b.md": H1,
            "草稿/x/c.md": NO_AUTHOR,
            "草稿/vaultkit.toml": 'ignore = ["ST101"]\n\n[[overrides]]\ninclude = ["x/**"]\n'
            'frontmatter.required = ["title", "作者"]\n',
        }
    )
    assert codes(root, "--select", "ST101,FM007") == [("a.md", "ST101"), ("草稿/x/c.md", "FM007")]


def test_an_invalid_nested_config_is_an_error_naming_it(make_vault):
    root = make_vault({"a.md": H1, "书/vaultkit.toml": "[frontmatter]\nrequierd = []\n"})
    done = run_cli("check", root)
    assert done.returncode == 2
    assert "书/vaultkit.toml" in done.stderr and "requierd" in done.stderr


def test_run_wide_keys_belong_in_the_top_config(make_vault):
    root = make_vault({"a.md": H1, "书/vaultkit.toml": 'select = ["FM"]\n'})
    done = run_cli("check", root)
    assert done.returncode == 2 and "select: set only in the vault's top config" in done.stderr


def test_editing_a_nested_config_invalidates_the_cache(make_vault):
    root = make_vault({"书/b.md": NO_AUTHOR, "书/vaultkit.toml": "[frontmatter]\nrequired = []\n"})
    assert codes(root, "--select", "FM007") == []
    (root / "书/vaultkit.toml").write_text('[frontmatter]\nrequired = ["作者"]\n', "utf-8")
    assert codes(root, "--select", "FM007") == [("书/b.md", "FM007")]
