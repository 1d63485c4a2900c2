"""Configuration: discovery, precedence, per-glob options and ignores, excludes, and errors
that name the bad key (exit 2, no traceback)."""

from __future__ import annotations

from typing import Literal

import pytest
from conftest import check, run_cli, where

from vaultkit import config as config_module
from vaultkit.linter import check_paths
from vaultkit.options import ConfigError
from vaultkit.selection import SelectorError

H1 = '---\ntitle: "t"\n---\n\n# 一级标题\n\n正文。\n'  # ST101 on line 5


def codes(diagnostics, code: str = "ST101") -> set[tuple[str, str]]:
    """(path, code) of the findings of one rule (other rules may find other things)."""
    return {(d.path, d.code) for d in diagnostics if d.code == code}


def config_error(root, *args) -> str:
    """Run the CLI on `root`, expect a configuration error (exit 2), return its message."""
    done = run_cli("check", root, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("vaultkit: error: ") or "Error: " in done.stderr
    return done.stderr


def load_error(root, **options) -> str:
    """The same in-process (faster): the message of the error a check raises."""
    with pytest.raises((ConfigError, SelectorError)) as caught:
        check_paths([root], **options)
    return str(caught.value)


# ------------------------------------------------------------------ discovery


@pytest.mark.parametrize("name", ["vaultkit.toml", ".vaultkit.toml"])
def test_config_file_at_the_vault_root_is_read(make_vault, name):
    root = make_vault({"a.md": H1, name: 'ignore = ["ST101"]\n'})
    assert where(check(root), "ST101") == []


def test_pyproject_tool_table_is_read(make_vault):
    root = make_vault({"a.md": H1, "pyproject.toml": '[tool.vaultkit]\nignore = ["ST101"]\n'})
    assert where(check(root), "ST101") == []


def test_config_is_found_above_the_vault_root(make_vault):
    repo = make_vault({"vault/a.md": H1, "vaultkit.toml": 'ignore = ["ST101"]\n'}, obsidian=False)
    (repo / "vault" / ".obsidian").mkdir()
    assert where(check(repo / "vault"), "ST101") == []


def test_pyproject_without_the_table_is_skipped_for_one_further_up(make_vault):
    repo = make_vault(
        {
            "vault/a.md": H1,
            "vault/pyproject.toml": "[tool.black]\nline-length = 80\n",
            "pyproject.toml": '[tool.vaultkit]\nignore = ["ST101"]\n',
        },
        obsidian=False,
    )
    (repo / "vault" / ".obsidian").mkdir()
    assert config_module.find(repo / "vault") == repo / "pyproject.toml"
    assert where(check(repo / "vault"), "ST101") == []


def test_vaultkit_toml_wins_over_pyproject_in_the_same_folder(make_vault):
    root = make_vault(
        {
            "a.md": H1,
            "vaultkit.toml": "select = []\n",
            "pyproject.toml": '[tool.vaultkit]\nselect = ["ST101"]\n',
        }
    )
    assert config_module.find(root) == root / "vaultkit.toml"
    assert check(root) == []  # select = [] runs no rule


def test_nearest_config_wins(make_vault):
    repo = make_vault(
        {
            "vault/a.md": H1,
            "vault/vaultkit.toml": "",
            "vaultkit.toml": 'ignore = ["ST101"]\n',
        },
        obsidian=False,
    )
    assert len(where(check(repo / "vault"), "ST101")) == 1


def test_explicit_config_and_isolated(make_vault, tmp_path):
    root = make_vault({"a.md": H1, "vaultkit.toml": 'ignore = ["ST101"]\n'})
    other = tmp_path / "other.toml"
    other.write_text("", encoding="utf-8")
    assert len(where(check(root, config_path=other), "ST101")) == 1
    assert len(where(check(root, isolated=True), "ST101")) == 1
    assert where(check(root), "ST101") == []


def test_explicit_pyproject_with_the_table(make_vault, tmp_path):
    root = make_vault({"a.md": H1})
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.vaultkit]\nignore = ["ST1"]\n', encoding="utf-8")
    assert where(check(root, config_path=pyproject), "ST101") == []


def test_settings_come_from_the_option_tables(make_vault):
    root = make_vault({"vaultkit.toml": '[structure]\nplaceholder-phrases = ["稍后补"]\n'})
    config = config_module.load(root)
    assert config.settings_for("x.md").structure.placeholder_phrases == ["稍后补"]
    assert config.settings.structure.placeholder_phrases == ["稍后补"]


# ------------------------------------------------------------------ overrides


OVERRIDES = """\
[frontmatter]
required = ["title", "tags"]

[[overrides]]
include = ["02-资源/**"]
frontmatter.required = ["title", "网址"]

[[overrides]]
include = ["02-资源/书签/*.md"]
structure.placeholder-phrases = ["空"]
"""


def test_overrides_apply_by_glob_and_in_order(make_vault):
    root = make_vault({"vaultkit.toml": OVERRIDES})
    config = config_module.load(root)
    assert config.settings_for("x.md").frontmatter.required == ["title", "tags"]
    resource = config.settings_for("02-资源/项目/x.md")
    assert resource.frontmatter.required == ["title", "网址"]
    bookmark = config.settings_for("02-资源/书签/x.md")
    assert bookmark.frontmatter.required == ["title", "网址"]
    assert bookmark.structure.placeholder_phrases == ["空"]
    # `*` stays in one folder
    deeper = config.settings_for("02-资源/书签/旧/x.md")
    assert deeper.structure.placeholder_phrases != ["空"]


def test_user_tables_beat_the_builtin_blog_override(make_vault):
    default = config_module.Config()
    assert default.settings_for("01-博客/a/x.md").frontmatter.required == config_module.BLOG_FIELDS
    assert default.settings_for("00-元语/x.md").frontmatter.required == ["title"]
    root = make_vault({"vaultkit.toml": OVERRIDES})
    config = config_module.load(root)
    assert config.settings_for("01-博客/a/x.md").frontmatter.required == ["title", "tags"]


def test_a_user_override_of_the_blog_folder_wins(make_vault):
    text = '[[overrides]]\ninclude = ["01-博客/**"]\nfrontmatter.required = ["title"]\n'
    root = make_vault({"vaultkit.toml": text})
    assert config_module.load(root).settings_for("01-博客/a/x.md").frontmatter.required == ["title"]


# ------------------------------------------------------------------ per-file ignores, exclude


def test_per_file_ignores_replace_the_defaults(make_vault):
    root = make_vault({"vaultkit.toml": '[per-file-ignores]\n"drafts/**" = ["ST101"]\n'})
    config = config_module.load(root)
    assert config.per_file_ignores == {"drafts/**": ["ST101"]}


def test_extend_per_file_ignores_keep_the_defaults_whatever_the_key_order(make_vault):
    text = (
        '[extend-per-file-ignores]\n"a/**" = ["ST101"]\n'
        '[per-file-ignores]\n"b/**" = ["ST007"]\n"a/**" = ["ST008"]\n'
    )
    root = make_vault({"vaultkit.toml": text})
    config = config_module.load(root)
    assert config.per_file_ignores == {"b/**": ["ST007"], "a/**": ["ST008", "ST101"]}
    extended = make_vault(
        {"vaultkit.toml": '[extend-per-file-ignores]\n"a/**" = ["ST101"]\n'}, name="v2"
    )
    config = config_module.load(extended)
    assert config.per_file_ignores == {**config_module.DEFAULT_PER_FILE_IGNORES, "a/**": ["ST101"]}


def test_per_file_ignores_switch_rules_off_by_glob(make_vault):
    root = make_vault(
        {
            "drafts/a.md": H1,
            "drafts/deep/b.md": H1,
            "notes/c.md": H1,
            "notes/README.md": H1,
            "vaultkit.toml": (
                '[per-file-ignores]\n"drafts/**" = ["ST1"]\n"README.md" = ["ST101"]\n'
            ),
        }
    )
    assert codes(check(root)) == {("notes/c.md", "ST101")}


def test_exclude_and_extend_exclude(make_vault):
    root = make_vault(
        {
            "keep/a.md": H1,
            "99-归档/old.md": H1,
            "tmp/x.md": H1,
            "scratch.md": H1,
            "keep/scratch.md": H1,
            "vaultkit.toml": 'exclude = ["99-归档/"]\nextend-exclude = ["tmp/**", "scratch.md"]\n',
        }
    )
    run = check(root)
    assert codes(run) == {("keep/a.md", "ST101")}
    # a file named on the command line is still excluded (pre-commit passes every file)
    assert check(root / "99-归档" / "old.md") == []


def test_max_file_size(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": "max-file-size = 10\n"})
    assert where(check(root)) == [("a.md", 1, 1, "ST003")]  # and nothing else: not read


# ------------------------------------------------------------------ errors


def test_unknown_key_suggests_the_right_one(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": 'selct = ["ST1"]\n'})
    message = config_error(root)
    assert "vaultkit.toml" in message
    assert "unknown key 'selct'" in message
    assert "did you mean 'select'?" in message


def test_unknown_key_in_an_option_table(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": '[frontmatter]\nrequired_fields = ["t"]\n'})
    message = load_error(root)
    assert "unknown key 'required_fields' in [frontmatter]" in message
    assert "did you mean 'required'?" in message


def test_unknown_key_without_a_close_match_lists_the_known_keys(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": "zzz = 1\n"})
    message = load_error(root)
    assert "unknown key 'zzz'" in message
    assert "known keys: " in message and "extend-select" in message


def test_unknown_key_in_pyproject_names_the_table(make_vault):
    root = make_vault({"a.md": H1, "pyproject.toml": "[tool.vaultkit]\nignores = []\n"})
    message = config_error(root)
    assert "pyproject.toml" in message
    assert "unknown key 'ignores' in [tool.vaultkit] (did you mean 'ignore'?)" in message


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('select = "ST1"\n', "select", "expected an array of strings, got a string: 'ST1'"),
        ("ignore = [1, 2]\n", "ignore", "expected an array of strings"),
        ('max-file-size = "10MB"\n', "max-file-size", "expected a whole number >= 0"),
        ("max-file-size = -1\n", "max-file-size", "expected a whole number >= 0"),
        ("max-file-size = true\n", "max-file-size", "got a boolean"),
        ('[frontmatter]\nrequired = "title"\n', "frontmatter.required", "expected an array"),
        ('frontmatter = ["title"]\n', "frontmatter", "expected a table, got an array"),
        ('per-file-ignores = ["a"]\n', "per-file-ignores", "expected a table of arrays"),
        ('[per-file-ignores]\n"a/**" = "ST1"\n', "per-file-ignores", "expected a table"),
        ("overrides = 3\n", "overrides", "expected an array of tables"),
        ("[[overrides]]\nfrontmatter.required = []\n", "overrides[0]", "missing key 'include'"),
        ('[[overrides]]\ninclude = "a/**"\n', "overrides[0].include", "expected an array"),
        ("[[overrides]]\ninclude = []\n", "overrides[0].include", "at least one glob"),
        (
            '[[overrides]]\ninclude = ["a/**"]\nfrontmatter.requird = []\n',
            "overrides[0].frontmatter",
            "unknown key 'requird'",
        ),
        (
            '[[overrides]]\ninclude = ["a/**"]\nselect = []\n',
            "overrides[0]",
            "unknown key 'select'",
        ),
        ("[structure]\nplaceholder-phrases = 2024-01-05\n", "structure", "got a date"),
    ],
)
def test_wrong_types_name_the_key(make_vault, text, key, expected):
    root = make_vault({"a.md": H1, "vaultkit.toml": text})
    message = load_error(root)
    assert key in message
    assert expected in message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('select = ["ST1"]\nignore = "ST101\nmax-file-size = 1\n', "line 2"),
        ('select = ["ST1"]\nignore = [\n"ST101"\n', "line 3"),  # at the end of the file
        ('select = ["ST1"]\nselect = ["ST1"]\n', "line 2"),
    ],
)
def test_invalid_toml_names_the_line(make_vault, text, line):
    root = make_vault({"a.md": H1, "vaultkit.toml": text})
    message = load_error(root)
    assert "vaultkit.toml: invalid TOML" in message
    assert line in message


def test_broken_pyproject_that_configures_vaultkit_is_an_error(make_vault):
    root = make_vault({"a.md": H1, "pyproject.toml": "[tool.vaultkit]\nselect = [ST1]\n"})
    message = config_error(root)
    assert "pyproject.toml: invalid TOML" in message
    assert "line 2" in message


def test_broken_pyproject_of_another_tool_is_skipped(make_vault):
    root = make_vault({"a.md": H1, "pyproject.toml": "[tool.black\n"})
    assert len(where(check(root), "ST101")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('select = ["ST1", "QQ"]\n', "vaultkit.toml: select: unknown rule selector 'QQ'"),
        ('ignore = ["ST9999"]\n', "vaultkit.toml: ignore: unknown rule selector 'ST9999'"),
        ('extend-select = ["ST-1"]\n', "vaultkit.toml: extend-select: 'ST-1' is not a rule"),
        (
            '[per-file-ignores]\n"a/**" = ["ST1", "XY1"]\n',
            "vaultkit.toml: per-file-ignores.\"a/**\": unknown rule selector 'XY1'",
        ),
        (
            '[extend-per-file-ignores]\n"b/**" = [""]\n',
            "vaultkit.toml: extend-per-file-ignores.\"b/**\": '' is not a rule selector",
        ),
    ],
)
def test_unknown_rule_codes_in_the_config(make_vault, text, expected):
    root = make_vault({"a.md": H1, "vaultkit.toml": text})
    message = load_error(root)
    assert expected in message
    assert str(root) in message  # the file is named in full


def test_explicit_config_errors(make_vault, tmp_path):
    root = make_vault({"a.md": H1})
    assert "no such config file" in config_error(root, "--config", tmp_path / "missing.toml")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    message = config_error(root, "--config", pyproject)
    assert "has no [tool.vaultkit] table" in message
    usage = config_error(root, "--config", pyproject, "--isolated")
    assert "--config and --isolated cannot be used together" in usage


def test_tool_vaultkit_must_be_a_table(make_vault):
    root = make_vault({"a.md": H1, "pyproject.toml": "[tool]\nvaultkit = 3\n"})
    assert "tool.vaultkit: expected a table" in load_error(
        root, config_path=root / "pyproject.toml"
    )


def test_errors_from_the_api_are_config_errors(make_vault):
    root = make_vault({"vaultkit.toml": "nope = 1\n"})
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        config_module.load(root)


# ------------------------------------------------------------------ option types


@pytest.mark.parametrize(
    ("hint", "good", "bad", "expected"),
    [
        (bool, True, 1, "expected true or false"),
        (float, 0.5, "x", "expected a number"),
        (dict[str, list[str]], {"a": ["b"]}, {"a": "b"}, "expected a table of arrays of strings"),
        (Literal["warn", "error"], "warn", "info", "expected one of 'warn', 'error'"),
        (str | None, "x", 3, "expected a string, got an integer: 3"),
        (tuple[str, ...], ["a"], ["a", 1], "expected an array of strings"),
    ],
)
def test_option_fields_of_any_type_are_checked(hint, good, bad, expected):
    """Rule families add option fields of their own; the checker follows their type hints."""
    assert config_module._check_type("k", good, hint) == (
        tuple(good) if hint == tuple[str, ...] else good
    )
    with pytest.raises(ConfigError, match=f"^k: {expected}"):
        config_module._check_type("k", bad, hint)
