"""Inline suppression: next-line, ranges, file level and the frontmatter key; codes, prefixes
and ALL; directives in code are not directives; CRLF; unknown codes (ST009)."""

from __future__ import annotations

import pytest
from conftest import check, where

from vaultkit.rules.base import REGISTRY, NoteRule
from vaultkit.suppression import ALL, parse


class _Marker(NoteRule):
    """A test rule: every `mark` character in prose (not code, not HTML, not frontmatter)."""

    category = "structure"
    mark = ""

    def check(self, note, settings):
        needle = self.mark.encode()
        at = note.data.find(needle, note.body_start)
        while at != -1:
            if not note.in_code(at):
                yield self.at_bytes(note, at, at + len(needle), f"found {self.mark}")
            at = note.data.find(needle, at + 1)


class Bad(_Marker):
    code, name, mark = "ZQ501", "mark-bad", "坏"


class Wrong(_Marker):
    code, name, mark = "ZQ502", "mark-wrong", "错"


class Other(_Marker):
    code, name, mark = "ZQ601", "mark-other", "糟"


@pytest.fixture(autouse=True)
def markers(monkeypatch):
    for rule in (Bad, Wrong, Other):
        monkeypatch.setitem(REGISTRY, rule.code, rule)


FM = "---\ntitle: t\n---\n\n"


def found(make_vault, body: str, frontmatter: str = FM, crlf: bool = False) -> list[tuple]:
    """(line, column, code) of the markers' findings in a note `frontmatter + body`."""
    text = frontmatter + body
    if crlf:
        text = text.replace("\n", "\r\n")
    root = make_vault({"n.md": text})
    return [(line, col, code) for _, line, col, code in where(check(root, select=["ZQ"]))]


# lines 5, 6, 7, … of the body below the four-line frontmatter block
def test_no_directive_everything_is_found(make_vault):
    assert found(make_vault, "坏 错\n坏\n") == [(5, 1, "ZQ501"), (5, 3, "ZQ502"), (6, 1, "ZQ501")]


def test_disable_next_line_with_a_code(make_vault):
    body = "<!-- vaultkit-disable-next-line ZQ501 -->\n坏 错\n坏\n"
    assert found(make_vault, body) == [(6, 3, "ZQ502"), (7, 1, "ZQ501")]


@pytest.mark.parametrize(
    "directive",
    [
        "<!-- vaultkit-disable-next-line -->",
        "<!-- vaultkit-disable-next-line ALL -->",
        "<!-- vaultkit-disable-next-line ZQ5 -->",  # a prefix
        "<!-- vaultkit-disable-next-line ZQ501, ZQ502 -->",
        "<!-- vaultkit-disable-next-line zq501 zq502 -->",
        "<!--vaultkit-disable-next-line ZQ501 ZQ502-->",
        "<!-- vaultkit-disable-next-line ZQ5 -- the source says so -->",
    ],
)
def test_disable_next_line_forms(make_vault, directive):
    body = f"{directive}\n坏 错\n坏\n"
    assert found(make_vault, body) == [(7, 1, "ZQ501")]


def test_disable_next_line_does_not_reach_other_rules_or_lines(make_vault):
    body = "<!-- vaultkit-disable-next-line ZQ5 -->\n坏 糟\n\n坏\n"
    assert found(make_vault, body) == [(6, 3, "ZQ601"), (8, 1, "ZQ501")]


def test_disable_next_line_after_a_comment_over_several_lines(make_vault):
    body = "<!--\nvaultkit-disable-next-line\nZQ501\n-->\n坏\n坏\n"
    assert found(make_vault, body) == [(10, 1, "ZQ501")]


def test_inline_directive_in_a_paragraph(make_vault):
    body = "前文 <!-- vaultkit-disable-next-line ZQ501 --> 后文\n坏\n坏\n"
    assert found(make_vault, body) == [(7, 1, "ZQ501")]


def test_range(make_vault):
    body = "坏\n<!-- vaultkit-disable ZQ501 -->\n坏 错\n坏\n<!-- vaultkit-enable ZQ501 -->\n坏\n"
    assert found(make_vault, body) == [(5, 1, "ZQ501"), (7, 3, "ZQ502"), (10, 1, "ZQ501")]


def test_range_without_enable_runs_to_the_end(make_vault):
    body = "坏\n<!-- vaultkit-disable -->\n坏 错\n\n坏"  # no final newline
    assert found(make_vault, body) == [(5, 1, "ZQ501")]


def test_enable_without_disable_does_nothing(make_vault):
    body = "<!-- vaultkit-enable ZQ501 -->\n坏\n<!-- vaultkit-enable -->\n错\n"
    assert found(make_vault, body) == [(6, 1, "ZQ501"), (8, 1, "ZQ502")]


def test_enable_one_rule_inside_a_disable_all(make_vault):
    body = (
        "<!-- vaultkit-disable -->\n坏 错\n"
        "<!-- vaultkit-enable ZQ502 -->\n坏 错\n"
        "<!-- vaultkit-enable -->\n坏\n"
    )
    assert found(make_vault, body) == [(8, 3, "ZQ502"), (10, 1, "ZQ501")]


def test_nested_ranges_are_switches_not_a_stack(make_vault):
    body = (
        "<!-- vaultkit-disable ZQ -->\n坏 糟\n"  # 5-6
        "<!-- vaultkit-disable ZQ501 -->\n坏\n"  # 7-8
        "<!-- vaultkit-enable ZQ501 -->\n坏 糟\n"  # 9-10: ZQ501 back on, ZQ601 still off
        "<!-- vaultkit-enable ZQ -->\n糟\n"  # 11-12
    )
    assert found(make_vault, body) == [(10, 1, "ZQ501"), (12, 1, "ZQ601")]


def test_disable_file_anywhere(make_vault):
    body = "坏 错\n\n正文。\n\n<!-- vaultkit-disable-file ZQ501 -->"
    assert found(make_vault, body) == [(5, 3, "ZQ502")]
    assert found(make_vault, "坏 错\n<!-- vaultkit-disable-file -->\n") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[ZQ501]", [(3, "ZQ502")]),
        ("[ZQ501, zq502]", []),
        ("ZQ501", [(3, "ZQ502")]),
        ('"ZQ5"', []),
        ("- ZQ502", [(1, "ZQ501")]),  # a block list
        ("", []),  # no value: every rule
        ("~", []),
        ("true", []),
        ("ALL", []),
        ("false", [(1, "ZQ501"), (3, "ZQ502")]),
        ("[]", [(1, "ZQ501"), (3, "ZQ502")]),
    ],
)
def test_frontmatter_key(make_vault, value, expected):
    if value.startswith("- "):
        frontmatter = f"---\ntitle: t\nvaultkit-disable:\n  {value}\n---\n\n"
    else:
        frontmatter = f"---\ntitle: t\nvaultkit-disable: {value}\n---\n\n"
    line = frontmatter.count("\n") + 1
    assert found(make_vault, "坏 错\n", frontmatter) == [(line, c, code) for c, code in expected]


@pytest.mark.parametrize(
    "key",
    [
        "'vaultkit-disable'",
        '"vaultkit-disable"',
        '"vaultkit\\x2ddisable"',
        '"vaultkit\\u002Ddisable"',
    ],
)
def test_frontmatter_key_however_written(make_vault, key):
    frontmatter = f"---\ntitle: t\n{key}: [ZQ501]\n---\n\n"
    assert found(make_vault, "坏 错\n", frontmatter) == [(6, 3, "ZQ502")]


def test_a_frontmatter_without_the_key_suppresses_nothing(make_vault):
    frontmatter = "---\ntitle: t\nvaultkit-disabled: [ZQ501]\n---\n\n"  # another key
    assert found(make_vault, "坏 错\n", frontmatter) == [(6, 1, "ZQ501"), (6, 3, "ZQ502")]


@pytest.mark.parametrize(
    "body",
    [
        "```\n<!-- vaultkit-disable-file -->\n```\n",
        "~~~markdown\n<!-- vaultkit-disable-file -->\n~~~\n",
        "    <!-- vaultkit-disable-file -->\n",
        "`<!-- vaultkit-disable-file -->`\n",
        "$<!-- vaultkit-disable-file -->$\n",
        "```\n<!-- vaultkit-disable -->\n",  # an unclosed fence swallows the rest
    ],
)
def test_directives_in_code_do_not_count(make_vault, body):
    assert found(make_vault, "坏\n\n" + body)[:1] == [(5, 1, "ZQ501")]


def test_directive_in_a_code_block_does_not_hide_the_next_line(make_vault):
    body = "```\n<!-- vaultkit-disable-next-line -->\n```\n坏\n"
    assert found(make_vault, body) == [(8, 1, "ZQ501")]


def test_directive_on_the_last_line(make_vault):
    assert found(make_vault, "坏\n<!-- vaultkit-disable-next-line -->") == [(5, 1, "ZQ501")]
    assert found(make_vault, "坏\n<!-- vaultkit-disable-next-line -->\n") == [(5, 1, "ZQ501")]
    assert found(make_vault, "坏\n<!-- vaultkit-disable -->") == [(5, 1, "ZQ501")]


def test_crlf(make_vault):
    body = (
        "坏\n<!-- vaultkit-disable-next-line ZQ501 -->\n坏 错\n"
        "<!-- vaultkit-disable ZQ502 -->\n错\n<!-- vaultkit-enable ZQ502 -->\n错\n"
    )
    expected = [(5, 1, "ZQ501"), (7, 3, "ZQ502"), (11, 1, "ZQ502")]
    assert found(make_vault, body) == expected
    assert found(make_vault, body, crlf=True) == expected


def test_a_directive_hides_findings_of_vault_rules_and_builtin_rules(make_vault):
    body = "<!-- vaultkit-disable-next-line ST101 -->\n# 标题\n\n正文。\n\n# 又一个\n\n正文。\n"
    root = make_vault({"n.md": FM + body})
    assert where(check(root, select=["ST101"])) == [("n.md", 10, 1, "ST101")]


# ------------------------------------------------------------------ unknown codes (ST009)


def test_unknown_codes_are_reported_where_they_are_written(make_vault):
    body = (
        "<!-- vaultkit-disable-next-line ZQ501 QQ7 -->\n坏\n"
        "中文 <!-- vaultkit-disable ZQ9 -- 理由 -->\n"
        "<!-- vaultkit-disable-next-line ALL ZQ5 -->\n坏\n"  # ALL is no unknown code
    )
    frontmatter = "---\ntitle: t\nvaultkit-disable: [ZQ501, NOPE]\n---\n\n"
    root = make_vault({"n.md": frontmatter + body})
    assert where(check(root, select=["ST009"])) == [
        ("n.md", 3, 27, "ST009"),  # NOPE in the frontmatter list
        ("n.md", 6, 39, "ST009"),  # QQ7
        ("n.md", 8, 26, "ST009"),  # ZQ9, after CJK text: columns count characters
    ]


def test_parse_records_codes_and_near_misses(make_vault):
    text = (
        FM + "<!-- vaultkit-disable-nextline ZQ501 -->\n坏\n<!-- vaultkit-disable ZQ501 -->\n"
        "<!-- an ordinary comment -->\n"
    )
    root = make_vault({"n.md": text})
    from vaultkit.linter import check_paths

    note = check_paths([root]).vault.by_rel["n.md"]
    parsed = parse(note)
    assert [(r.code, r.position.line, r.position.column) for r in parsed.references] == [
        ("ZQ501", 7, 23)
    ]
    assert [(r.code, r.position.line, r.position.column) for r in parsed.unknown_directives] == [
        ("vaultkit-disable-nextline", 5, 6)
    ]
    assert parsed.switches == [(7, True, frozenset({"ZQ501"}))]
    assert ALL == "ALL"
