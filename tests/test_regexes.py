"""vaultkit.regexes: a pattern made from its stored program is the pattern `re` makes."""

from __future__ import annotations

import re

import hypothesis
import pytest

from vaultkit import regexes

PATTERNS = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(\d\d))?", 0),
    ("[\u3400-\u9fff\uf900-\ufaff]+", 0),
    (r"(?:sign|log) in to (?:continue|view)|请先登录", re.IGNORECASE),
    ("[^\x00-\xa8\xaa-\xad\xaf-\u203b\u3000-\u302f\U0001f000-\U0001faff]", 0),
    (r"^\s*#+\s*(.+?)\s*$", re.MULTILINE),
    (rb"\x00[\x80-\xff]+", 0),
]
TEXTS = ["2024-05-06 和 2023-1", "请先登录 Sign In To View", "中文🙂 ## 标题 ##", "x\n## a ##\n"]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty store in its own folder, and a fresh process's state."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(regexes, "_stored", None)
    monkeypatch.setattr(regexes, "_used", {})
    monkeypatch.setattr(regexes, "_missed", False)
    monkeypatch.setattr(regexes.atexit, "register", lambda fn: None)
    return regexes._path()


def _same(made: re.Pattern, expected: re.Pattern) -> None:
    assert (made.pattern, made.flags, made.groups) == (
        expected.pattern, expected.flags, expected.groups
    )  # fmt: skip
    assert made.groupindex == expected.groupindex
    for text in TEXTS:
        if isinstance(made.pattern, bytes):
            text = text.encode("utf-8")
        assert [m.span() for m in made.finditer(text)] == [
            m.span() for m in expected.finditer(text)
        ]
        assert [m.groups() for m in made.finditer(text)] == [
            m.groups() for m in expected.finditer(text)
        ]


def _fresh_process(monkeypatch) -> None:
    monkeypatch.setattr(regexes, "_stored", None)
    monkeypatch.setattr(regexes, "_used", {})
    monkeypatch.setattr(regexes, "_missed", False)


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_stored_program_makes_the_same_pattern(store, monkeypatch, pattern, flags):
    first = regexes.compile(pattern, flags)
    _same(first, re.compile(pattern, flags))
    assert regexes._missed
    regexes._save()
    assert store.is_file()

    _fresh_process(monkeypatch)
    again = regexes.compile(pattern, flags)
    assert not regexes._missed  # served from the file, not compiled by `re`
    _same(again, re.compile(pattern, flags))


def test_a_corrupt_or_foreign_file_is_ignored(store, monkeypatch):
    store.parent.mkdir(parents=True)
    store.write_bytes(b"not marshal at all")
    _same(regexes.compile(r"a(b)c"), re.compile(r"a(b)c"))
    assert regexes._missed

    import marshal

    _fresh_process(monkeypatch)
    store.write_bytes(marshal.dumps((("another python",), {("a(b)c", 0): (0, [], 0, {}, ())})))
    _same(regexes.compile(r"a(b)c"), re.compile(r"a(b)c"))
    assert regexes._missed


def test_a_program_that_sre_refuses_is_compiled_again(store, monkeypatch):
    import marshal

    store.parent.mkdir(parents=True)
    store.write_bytes(marshal.dumps((regexes._KEY, {("a(b)c", 0): (32, [1, 2, 3], 0, {}, ())})))
    _same(regexes.compile(r"a(b)c"), re.compile(r"a(b)c"))
    assert regexes._missed


def test_bad_patterns_raise_what_re_raises(store):
    with pytest.raises(re.error):
        regexes.compile(r"a(b")


def test_the_file_keeps_at_most_max_kept_programs(store, monkeypatch):
    monkeypatch.setattr(regexes, "MAX_KEPT", 3)
    monkeypatch.setattr(regexes, "_stored", {(f"old{i}", 0): (32, [], 0, {}, ()) for i in range(3)})
    regexes.compile("new")
    regexes._save()
    _fresh_process(monkeypatch)
    assert set(regexes._load()) == {("new", 0)}


# Caseless: a lowercase pattern searched in lowercased text answers as IGNORECASE does.

_PHRASES = regexes.Caseless(r"cookie\s*settings|(?:©|\(c\))\s*\d{4}|^\W*©\W*$|skip|环境异常")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Manage COOKIE Settings", True),  # a hit, in any case
        ("(C) 2024 Example Inc.", True),
        ("  © ", True),
        ("环境异常", True),
        ("Cookies are settled", False),  # a miss
        ("© Getty Images", False),
        ("ſkip", True),  # long S: IGNORECASE matches `s`, `str.lower()` keeps it
        ("COOKİE SETTİNGS", True),  # dotted capital I: `str.lower()` makes it `i̇`, two letters
        ("cookıe settings", True),  # dotless i: `str.lower()` keeps it
        ("S\u212aIP", True),  # the Kelvin sign lowers to `k`
        ("", False),
    ],
)
def test_caseless_answers_as_ignorecase_does(text: str, found: bool) -> None:
    assert _PHRASES.found_in(text, regexes.lowered(text)) is found
    assert (_PHRASES.ignorecase.search(text) is not None) is found


def test_caseless_patterns_are_written_in_lowercase() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        regexes.Caseless(r"Cookie")
    regexes.Caseless(r"\W\S\d cookie")  # escapes are classes, not capitals


@hypothesis.given(hypothesis.strategies.text(alphabet="cokieCOKIEſıİ\u212as ©(c)2024\t环境异常"))
def test_caseless_matches_ignorecase_on_any_text(text: str) -> None:
    expected = _PHRASES.ignorecase.search(text) is not None
    assert _PHRASES.found_in(text, regexes.lowered(text)) is expected
