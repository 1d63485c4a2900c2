"""Rule selection: defaults, select / extend-select / ignore with prefixes and ALL, the
config file and the command line as stages, specificity, and per-file ignores."""

from __future__ import annotations

import re

import pytest
from conftest import check, run_cli, where

from vaultkit.config import Config
from vaultkit.rules import all_rules
from vaultkit.rules.base import REGISTRY, NoteRule
from vaultkit.selection import CLI_ORIGINS, Selection, SelectorError, Stage


class _Fake(NoteRule):
    """A test rule that finds nothing."""

    category = "structure"

    def check(self, note, settings):
        return iter(())


class FakeOn(_Fake):
    code, name = "ZQ101", "fake-on"


class FakeOff(_Fake):
    code, name = "ZQ102", "fake-off"
    default_enabled = False


class FakeOtherOff(_Fake):
    code, name = "ZQ201", "fake-other-off"
    default_enabled = False


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    """Three rules under the prefix ZQ, two of them off by default."""
    for rule in (FakeOn, FakeOff, FakeOtherOff):
        monkeypatch.setitem(REGISTRY, rule.code, rule)


def enabled(config: Config | None = None, cli: Stage | None = None, prefix: str = "ZQ") -> set:
    """The enabled codes under `prefix` (ZQ: the fakes; ST1: structure rules)."""
    selection = Selection(config or Config(), cli)
    return {code for code in selection.enabled if code.startswith(prefix)}


def config(**values) -> Config:
    return Config(**values)


def test_default_is_the_rules_that_are_on_by_default():
    selection = Selection(Config())
    assert selection.enabled == {rule.code for rule in all_rules() if rule.default_enabled}
    assert enabled() == {"ZQ101"}


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (["ZQ"], {"ZQ101"}),  # a prefix leaves out rules that are off by default
        (["ALL"], {"ZQ101"}),  # so does ALL
        (["ZQ102"], {"ZQ102"}),  # the full code turns one on
        (["ZQ1", "ZQ201"], {"ZQ101", "ZQ201"}),
        (["zq102"], {"ZQ102"}),  # case does not matter
        ([" ZQ101 "], {"ZQ101"}),
        ([], set()),
    ],
)
def test_select(select, expected):
    assert enabled(config(select=select)) == expected
    assert enabled(cli=Stage(select=select, origins=CLI_ORIGINS)) == expected


def test_select_all_runs_every_rule_on_by_default():
    selection = Selection(config(select=["ALL"]))
    assert selection.enabled == {rule.code for rule in all_rules() if rule.default_enabled}


def test_extend_select_adds_to_the_defaults():
    assert enabled(config(extend_select=["ZQ102"])) == {"ZQ101", "ZQ102"}
    assert enabled(config(select=["ZQ201"], extend_select=["ZQ102"])) == {"ZQ201", "ZQ102"}


def test_ignore_removes_and_covers_rules_off_by_default():
    assert enabled(config(ignore=["ZQ"])) == set()
    assert enabled(config(extend_select=["ZQ102"]), Stage(ignore=["ZQ"])) == set()


def test_at_equal_specificity_ignore_wins():
    assert enabled(config(select=["ZQ101"], ignore=["ZQ101"])) == set()
    assert enabled(config(select=["ZQ"], ignore=["ZQ"])) == set()


def test_the_more_specific_selector_wins():
    # ignore a family, keep one rule of it
    assert enabled(config(ignore=["ZQ"], extend_select=["ZQ101", "ZQ102"])) == {"ZQ101", "ZQ102"}
    # select a family, drop one rule of it
    assert enabled(config(select=["ZQ", "ZQ102"], ignore=["ZQ10"])) == {"ZQ102"}
    assert enabled(config(select=["ALL"], ignore=["ZQ1"]), prefix="ZQ") == set()
    assert enabled(config(select=["ZQ1"], ignore=["ALL"])) == {"ZQ101"}


def test_command_line_select_replaces_the_config_choice_including_its_ignores():
    file = config(select=["ZQ102"], ignore=["ZQ101"], extend_select=["ZQ201"])
    assert enabled(file) == {"ZQ102", "ZQ201"}
    assert enabled(file, Stage(select=["ZQ101"])) == {"ZQ101"}


def test_command_line_ignore_and_extend_select_build_on_the_config():
    file = config(select=["ZQ101", "ZQ102"])
    assert enabled(file, Stage(ignore=["ZQ102"])) == {"ZQ101"}
    assert enabled(file, Stage(extend_select=["ZQ201"])) == {"ZQ101", "ZQ102", "ZQ201"}
    # the command line may turn back on what the file ignores
    assert enabled(config(ignore=["ZQ"]), Stage(extend_select=["ZQ101"])) == {"ZQ101"}


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (Stage(select=["QQ"], origins=CLI_ORIGINS), "--select: unknown rule selector 'QQ'"),
        (Stage(ignore=["ZQ9"], origins=CLI_ORIGINS), "--ignore: unknown rule selector 'ZQ9'"),
        (
            Stage(extend_select=["ZQ-1"], origins=CLI_ORIGINS),
            "--extend-select: 'ZQ-1' is not a rule selector",
        ),
        (Stage(select=[""], origins=CLI_ORIGINS), "--select: '' is not a rule selector"),
        (Stage(select=["ZQ1012"], origins=CLI_ORIGINS), "--select: unknown rule selector 'ZQ1012'"),
    ],
)
def test_unknown_selectors_are_errors_that_say_where(stage, message):
    with pytest.raises(SelectorError, match="^" + re.escape(message)):
        Selection(Config(), stage)


def test_unknown_selector_in_the_config_names_the_key():
    with pytest.raises(SelectorError, match=r"^ignore: unknown rule selector 'QQ'"):
        Selection(config(ignore=["QQ"]))
    file = config(select=["QQ"], origins={"select": "vaultkit.toml: select"})
    with pytest.raises(SelectorError, match=r"^vaultkit\.toml: select: unknown"):
        Selection(file)


def test_per_file_ignores():
    file = config(
        extend_select=["ZQ102"],
        per_file_ignores={"drafts/**": ["ZQ1"], "*.md": ["ZQ101"], "x/y.md": ["ALL"]},
    )
    selection = Selection(file)
    assert {c for c in selection.for_path("notes/a.txt") if c.startswith("ZQ")} == {
        "ZQ101",
        "ZQ102",
    }
    assert {c for c in selection.for_path("notes/a.md") if c.startswith("ZQ")} == {"ZQ102"}
    assert {c for c in selection.for_path("drafts/deep/a.txt") if c.startswith("ZQ")} == set()
    assert selection.for_path("x/y.md") == frozenset()


def test_per_file_ignore_codes_are_validated():
    with pytest.raises(SelectorError, match=r'^per-file-ignores\."a/\*\*": unknown'):
        Selection(config(per_file_ignores={"a/**": ["QQ1"]}))


# ------------------------------------------------------------------ end to end


H1_TWICE = "---\ntitle: t\n---\n\n# 一\n\n正文。\n\n# 二\n\n正文。\n"


def test_selection_end_to_end(make_vault):
    root = make_vault({"a.md": H1_TWICE, "vaultkit.toml": 'ignore = ["ST101"]\n'})
    assert where(check(root), "ST101") == []
    assert where(check(root, select=["ST101"]), "ST101") == [
        ("a.md", 5, 1, "ST101"),
        ("a.md", 9, 1, "ST101"),
    ]
    assert {d.code for d in check(root, select=["ST101"])} == {"ST101"}


def test_cli_selectors_take_comma_lists_and_repeats(make_vault):
    root = make_vault({"a.md": "\ufeff" + H1_TWICE})
    done = run_cli("check", root, "--select", "ST101,ST007", "--output-format", "concise")
    lines = [line.split(": ", 1)[1].split(" ")[0] for line in done.stdout.splitlines()[:-1]]
    assert sorted(lines) == ["ST007", "ST101", "ST101"]
    done = run_cli(
        "check", root, "--select", "ST101", "--select", "ST007", "--ignore", "ST101,",
        "--output-format", "concise",
    )  # fmt: skip
    assert [line.split(" ")[1] for line in done.stdout.splitlines()[:-1]] == ["ST007"]
    assert done.returncode == 1


def test_cli_unknown_selector_is_a_usage_error(make_vault):
    root = make_vault({"a.md": H1_TWICE})
    done = run_cli("check", root, "--extend-select", "ST101,NOPE1")
    assert done.returncode == 2
    assert done.stderr == (
        "vaultkit: error: --extend-select: unknown rule selector 'NOPE1' (see `vaultkit rules`)\n"
    )
