"""Fixes of the structure rules: ST102 blank lines around `##`, ST103 `##x`, ST114 glued
punctuation, and the rule ST115 missing-final-newline with its fix.

Every fix is checked on exact bytes: the note is parsed, the rule's diagnostics go
through `vaultkit.fix.choose` and `vaultkit.fix.apply`, and the BOM (which the
note's data never holds) is put back in front, as the `--fix` writer does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, where
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import fix
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note, parse
from vaultkit.options import Settings
from vaultkit.rules import get
from vaultkit.rules.base import DOC_SECTIONS
from vaultkit.source import BOM, decode

PATH = "01-博客/作者/note.md"
BODY_LINE = ARTICLE_BODY_LINE


def with_body(text: str) -> str:
    """ARTICLE with its one body paragraph replaced by `text`."""
    return ARTICLE.replace("正文第一段。\n", text)


def own_section(text: str) -> str:
    """`with_body(text)` in a note without `## 正文`, so `text` is not an archived article's."""
    return with_body(text).replace("## 正文", "## 功能与定位")


def _raw(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def note_of(text: str | bytes) -> Note:
    source = decode(_raw(text))
    return parse(Path(f"/vault/{PATH}"), PATH, source)


def findings(text: str | bytes, code: str) -> list[Diagnostic]:
    return list(get(code)().check(note_of(text), Settings()))


def fix_once(text: str | bytes, code: str, unsafe: bool = False) -> bytes:
    """The file's bytes after one round of `code`'s safe (or all) fixes (BOM kept)."""
    raw = _raw(text)
    note = note_of(raw)
    data = fix.apply(note.data, fix.choose(get(code)().check(note, Settings()), unsafe=unsafe))
    return (BOM if raw.startswith(BOM) else b"") + data


def fix_all(text: str | bytes, code: str, rounds: int = 10, unsafe: bool = False) -> bytes:
    """Fix rounds until nothing changes (as `--fix` loops), at most `rounds`."""
    raw = _raw(text)
    for _ in range(rounds):
        fixed = fix_once(raw, code, unsafe)
        if fixed == raw:
            return raw
        raw = fixed
    raise AssertionError(f"{code} fixes did not settle in {rounds} rounds")


def assert_fixed(text: str | bytes, code: str, expected: str | bytes, unsafe: bool = True) -> None:
    """One round of the fixes (unsafe ones too, unless told) gives exactly `expected`; it has
    no `code` finding; a second round is a no-op."""
    once = fix_once(text, code, unsafe)
    assert once == _raw(expected)
    assert findings(once, code) == []
    assert fix_once(once, code, unsafe) == once


def fixes_of(text: str | bytes, code: str) -> list:
    return [d.fix for d in findings(text, code)]


# ---------------------------------------------------------------- ST102 heading-blank-lines


def test_blank_lines_inserted_after_frontmatter():
    broken = ARTICLE.replace("---\n\n## 摘要", "---\n## 摘要")
    (found,) = fixes_of(broken, "ST102")
    assert found.safe and found.message == "add a blank line before it"
    assert_fixed(broken, "ST102", ARTICLE)


def test_blank_lines_inserted_on_both_sides_with_cjk_around():
    assert_fixed(
        with_body("段落一。\n## 小节\n段落二。\n"),
        "ST102",
        with_body("段落一。\n\n## 小节\n\n段落二。\n"),
    )


def test_extra_blank_lines_removed_whitespace_only_too():
    assert_fixed(ARTICLE.replace("## 正文\n\n", "## 正文\n\n \t\n\n"), "ST102", ARTICLE)
    assert_fixed(ARTICLE.replace("\n\n## 正文", "\n\n\n\n## 正文"), "ST102", ARTICLE)
    # the blank line kept is the first of the run, whatever it holds
    assert_fixed(
        ARTICLE.replace("## 正文\n\n", "## 正文\n  \n\n"),
        "ST102",
        ARTICLE.replace("## 正文\n\n", "## 正文\n  \n"),
    )


def test_extra_blank_lines_after_frontmatter_removed():
    assert_fixed(ARTICLE.replace("---\n\n## 摘要", "---\n\n\n## 摘要"), "ST102", ARTICLE)


def test_blank_lines_between_two_headings_removed_once():
    # both headings report the same run; the shared edit is applied once, not twice
    text = with_body("段落。\n\n## 小节\n\n\n\n## 另一节\n\n内容。\n")
    assert len(findings(text, "ST102")) == 2
    assert_fixed(text, "ST102", with_body("段落。\n\n## 小节\n\n## 另一节\n\n内容。\n"))


def test_adjacent_headings_get_one_blank_line_between():
    text = with_body("段落。\n\n## 小节\n## 另一节\n\n内容。\n")
    # one round inserts one blank line, not two (both headings want it at the same place)
    assert fix_once(text, "ST102") == _raw(with_body("段落。\n\n## 小节\n\n## 另一节\n\n内容。\n"))
    text = with_body("段落。\n## 小节\n## 另一节\n内容。\n")
    fixed = fix_all(text, "ST102")
    assert fixed == _raw(with_body("段落。\n\n## 小节\n\n## 另一节\n\n内容。\n"))
    assert findings(fixed, "ST102") == []


def test_heading_at_end_of_note_only_gets_the_line_before():
    assert_fixed(ARTICLE + "## 附录", "ST102", ARTICLE + "\n## 附录")
    assert_fixed(ARTICLE + "## 附录\n\n\n", "ST102", ARTICLE + "\n## 附录\n\n\n")


def test_underlined_heading_is_not_cemented_by_a_fix():
    # `-` under scraped text is an accident (ST116): ST102 must not space it into a heading
    text = with_body("-\n姓名：小明\n-\n爱好：爬山\n")
    assert findings(text, "ST102") == []
    assert fix_all(text, "ST102") == _raw(text)


def test_blank_lines_fix_crlf_stays_crlf():
    crlf = ARTICLE.replace("\n", "\r\n")
    broken = crlf.replace("## 正文\r\n\r\n", "## 正文\r\n").replace("---\r\n\r\n##", "---\r\n##")
    assert_fixed(broken, "ST102", crlf)
    assert_fixed(crlf.replace("## 正文\r\n\r\n", "## 正文\r\n\r\n\r\n\r\n"), "ST102", crlf)


def test_blank_lines_fix_keeps_the_bom():
    broken = BOM + ARTICLE.replace("## 正文\n\n", "## 正文\n").encode()
    assert_fixed(broken, "ST102", BOM + ARTICLE.encode())


def test_blank_lines_no_fix_where_not_reported():
    for text in (
        ARTICLE,
        "## 摘要\n\n内容。\n",  # a note without frontmatter may start with its heading
        "\n\n## 摘要\n\n内容。\n",
        with_body("段落。\n- ## 列表里的标题\n> ## 引用里的标题\n```\n## 代码\n```\n"),
        with_body("段落。\n%%\n## 注释里的标题\n%%\n"),
    ):
        assert findings(text, "ST102") == []
        assert fix_once(text, "ST102") == _raw(text)


_LINE_POOL = [
    "## 摘要", "## 正文", "### 小节", "正文。", "", "", " ", "\t", "- ## 列表", "> ## 引用",
    "# 标题", "小节", "---", "  ## 缩进", "<!-- 注释 -->", "```", "中文 ## 不是标题",
]  # fmt: skip


def _text_lines(data: bytes) -> list[bytes]:
    return [line.rstrip(b"\r") for line in data.split(b"\n") if line.strip(b" \t\r")]


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from(_LINE_POOL), max_size=14),
    frontmatter=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    bom=st.booleans(),
)
def test_blank_lines_fix_property(lines, frontmatter, newline, final, bom):
    text = ("---\ntitle: x\n---\n" if frontmatter else "") + "\n".join(lines)
    text = (text + "\n" if final else text).replace("\n", newline)
    raw = (BOM if bom else b"") + text.encode()
    fixed = fix_all(raw, "ST102")
    assert findings(fixed, "ST102") == []  # the re-check is clean
    assert fix_once(fixed, "ST102") == fixed  # idempotent
    assert _text_lines(fixed) == _text_lines(raw)  # only blank lines were added or removed
    assert fixed.startswith(BOM) == bom
    if "\r\n" in text:
        assert re.search(rb"(?<!\r)\n", fixed) is None  # every inserted line ending is CRLF


# ---------------------------------------------------------------- ST103 heading-missing-space


def test_missing_space_inserted():
    (found,) = fixes_of(with_body("##正文里的小节\n"), "ST103")
    assert not found.safe and found.message == "put an ASCII space after `##`"
    assert fix_once(with_body("##正文里的小节\n"), "ST103") == _raw(with_body("##正文里的小节\n"))
    assert_fixed(with_body("##正文里的小节\n"), "ST103", with_body("## 正文里的小节\n"))
    assert_fixed(with_body("   ###标题\n"), "ST103", with_body("   ### 标题\n"))
    assert_fixed(with_body("##2024 年回顾\n"), "ST103", with_body("## 2024 年回顾\n"))


def test_full_width_space_replaced():
    assert_fixed(with_body("##\u3000关联主题\n"), "ST103", with_body("## 关联主题\n"))
    # a run of full-width and ASCII spaces becomes one ASCII space
    assert_fixed(with_body("##\u3000 \u3000关联主题\n"), "ST103", with_body("## 关联主题\n"))


def test_missing_space_several_lines_in_one_round():
    assert_fixed(
        own_section("##小节一\n\n内容。\n\n##小节二\n"),
        "ST103",
        own_section("## 小节一\n\n内容。\n\n## 小节二\n"),
    )


def test_missing_space_crlf_and_bom():
    crlf = with_body("##小节\n").replace("\n", "\r\n")
    assert_fixed(crlf, "ST103", with_body("## 小节\n").replace("\n", "\r\n"))
    assert_fixed(
        BOM + with_body("##小节\n").encode(), "ST103", BOM + with_body("## 小节\n").encode()
    )


def test_missing_space_no_fix_when_not_sure():
    # a divider of symbols is reported but not turned into a heading
    (divider,) = findings(own_section("##======\n"), "ST103")
    assert divider.fix is None and "write `## ======`" in divider.message
    # `##x` underlined with `---` already is a (setext) heading: the fix would change it
    (setext,) = findings(own_section("段落。\n\n##x\n---\n"), "ST103")
    assert setext.fix is None
    assert fix_once(own_section("##======\n"), "ST103") == _raw(own_section("##======\n"))


def test_missing_space_no_fix_where_not_reported():
    text = with_body("#tag 是标签\n\n```\n##code\n```\n\n段落 ##中间\n\n%%\n##注释\n%%\n")
    assert findings(text, "ST103") == []
    assert fix_once(text, "ST103") == _raw(text)


# ---------------------------------------------------------------- ST114 url-trailing-punctuation


def test_bare_url_wrapped_as_autolink():
    (found,) = fixes_of(with_body("（见 https://example.com/page）。\n"), "ST114")
    assert found.safe and found.message == "write the URL as `<https://example.com/page>`"
    assert_fixed(
        with_body("（见 https://example.com/page）。\n"),
        "ST114",
        with_body("（见 <https://example.com/page>）。\n"),
    )
    assert_fixed(
        with_body("详情：https://example.com/a。然后\nSee https://example.com/b. Done\n"),
        "ST114",
        with_body("详情：<https://example.com/a>。然后\nSee <https://example.com/b>. Done\n"),
    )


def test_two_glued_bare_urls():
    assert_fixed(
        with_body("https://a.example.com/x）和https://b.example.com/y。\n"),
        "ST114",
        with_body("<https://a.example.com/x>）和<https://b.example.com/y>。\n"),
    )


def test_punctuation_moved_out_of_links():
    (found,) = fixes_of(with_body("[官网](https://example.com/c，)后文\n"), "ST114")
    assert not found.safe and found.message == "move `，` after the link"
    assert_fixed(
        with_body("[官网](https://example.com/c，)后文\n"),
        "ST114",
        with_body("[官网](https://example.com/c)，后文\n"),
    )
    assert_fixed(
        with_body("<https://example.com/d。>后文\n"),
        "ST114",
        with_body("<https://example.com/d>。后文\n"),
    )
    assert_fixed(
        with_body("[官网](https://example.com/e）。)\n"),
        "ST114",
        with_body("[官网](https://example.com/e)）。\n"),
    )


def test_link_with_the_url_in_its_text_and_title():
    text = with_body('[https://x.com/a。](https://x.com/a。 "https://x.com/a。")\n')
    (found,) = findings(text, "ST114")
    assert (found.start.line, found.start.column) == (BODY_LINE, 35)  # the destination's `。`
    assert_fixed(
        text, "ST114", with_body('[https://x.com/a。](https://x.com/a "https://x.com/a。")。\n')
    )


def test_trailing_punctuation_fix_crlf_and_bom():
    crlf = with_body("地址 https://example.com/a。\n[链接](https://example.com/b，)\n")
    crlf = crlf.replace("\n", "\r\n")
    expected = with_body("地址 <https://example.com/a>。\n[链接](https://example.com/b)，\n")
    assert_fixed(crlf, "ST114", expected.replace("\n", "\r\n"))
    assert_fixed(
        BOM + with_body("地址 https://example.com/a。\n").encode(),
        "ST114",
        BOM + with_body("地址 <https://example.com/a>。\n").encode(),
    )


def test_trailing_punctuation_no_fix_when_ambiguous():
    # the target goes on after the punctuation: moving `.` out would leave `)` in it
    (inside,) = findings(with_body("[u](<https://x.com/b.)>)\n"), "ST114")
    assert inside.fix is None
    # a bare URL right after `<`: a broken autolink, not ours to rewrite
    (broken,) = findings(with_body("<https://x.com/z。 q>\n"), "ST114")
    assert broken.fix is None
    text = with_body("<https://x.com/z。 q>\n")
    assert fix_once(text, "ST114") == _raw(text)


def test_trailing_punctuation_no_fix_where_not_reported():
    text = with_body(
        "https://en.wikipedia.org/wiki/Foo_(bar) (see https://example.com/b) "
        "`https://example.com/c。` <!-- https://example.com/d。 --> [ok](https://example.com/f)。\n"
    )
    assert findings(text, "ST114") == []
    assert fix_once(text, "ST114") == _raw(text)


# ---------------------------------------------------------------- ST115 missing-final-newline


def test_missing_final_newline_is_documented_and_declared():
    rule = get("ST115")
    assert rule.name == "missing-final-newline" and rule.category == "structure"
    assert rule.severity is Severity.WARNING and rule.fix == "safe"
    assert not rule.default_enabled  # no owners' rule asks for it
    doc = rule.documentation()
    for section in (*DOC_SECTIONS, "## Use instead", "## Fix safety"):
        assert section in doc


def test_missing_final_newline_hit(make_vault):
    root = make_vault({PATH: ARTICLE.rstrip("\n")})
    last = ARTICLE.rstrip("\n").split("\n")
    found = [d for d in check(root, select=["ST115"]) if d.code == "ST115"]
    assert where(found) == [(PATH, len(last), len(last[-1]) + 1, "ST115")]
    assert (found[0].end.line, found[0].end.column) == (len(last), len(last[-1]) + 1)
    assert found[0].severity is Severity.WARNING
    assert "add a final LF" in found[0].message


def test_missing_final_newline_cjk_column():
    (found,) = findings("中文结尾", "ST115")
    assert (found.start.line, found.start.column) == (1, 5)


def test_missing_final_newline_miss(make_vault):
    root = make_vault(
        {
            PATH: ARTICLE,
            "empty.md": "",
            "bom-only.md": BOM,
            "crlf.md": ARTICLE.replace("\n", "\r\n"),
            "cr.md": "a\rb\r",
            "bad-utf8.md": b"\xff\xfe\xfa no newline",
            "binary.md": b"\x00\x01\x02",
        }
    )
    assert where(check(root, select=["ST115"])) == []


def test_missing_final_newline_whitespace_only_note():
    assert [(d.start.line, d.start.column) for d in findings("  ", "ST115")] == [(1, 3)]


def test_final_newline_appended():
    (found,) = fixes_of(ARTICLE.rstrip("\n"), "ST115")
    assert found.safe and found.message == "append a final LF"
    assert_fixed(ARTICLE.rstrip("\n"), "ST115", ARTICLE)
    assert_fixed("中文结尾", "ST115", "中文结尾\n")


def test_final_newline_crlf_and_bom():
    crlf = ARTICLE.replace("\n", "\r\n")
    (found,) = findings(crlf.rstrip("\r\n"), "ST115")
    assert "add a final CRLF" in found.message
    assert_fixed(crlf.rstrip("\r\n"), "ST115", crlf)
    assert_fixed(BOM + "标题\r\n正文".encode(), "ST115", BOM + "标题\r\n正文\r\n".encode())


def test_final_newline_no_fix_where_not_reported():
    for text in ("", ARTICLE, "a\r\n", BOM):
        assert findings(text, "ST115") == []
        assert fix_once(text, "ST115") == _raw(text)


def test_final_newline_and_heading_at_the_end_fix_together():
    text = ARTICLE + "## 附录"
    note = note_of(text)
    diagnostics = [d for code in ("ST102", "ST115") for d in get(code)().check(note, Settings())]
    fixed = fix.apply(note.data, fix.choose(diagnostics))
    assert fixed == _raw(ARTICLE + "\n## 附录\n")


@pytest.mark.parametrize("code", ["ST102", "ST114", "ST115"])
def test_fixable_rules_declare_a_safe_fix(code):
    rule = get(code)
    assert rule.fix == "safe" and "## Fix safety" in rule.documentation()


def test_st103_declares_an_unsafe_fix():
    rule = get("ST103")  # the fix turns a line of text into a heading
    assert rule.fix == "unsafe" and "## Fix safety" in rule.documentation()


_URL_POOL = [
    "https://example.com/a", "https://x.com/p_(q)", "[链接](", ")", "<", ">", "。", "，", "）",
    "（", ".", ",", " ", "\n", "中文", "##", "\u3000", "标题", "`", "- ", "> ", "\n\n", "**",
]  # fmt: skip


def _without(data: bytes, chars: str) -> list[str]:
    return sorted(c for c in data.decode() if c not in chars)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_URL_POOL), max_size=20), crlf=st.booleans())
def test_url_and_heading_fixes_property(pieces, crlf):
    text = with_body("".join(pieces) + "\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    for code, added in (("ST114", "<>"), ("ST103", " \u3000")):
        fixed = fix_all(text, code, unsafe=True)
        assert fix_once(fixed, code, unsafe=True) == fixed  # idempotent
        # what is left is only what the rule cannot fix unambiguously
        assert [d for d in findings(fixed, code) if d.fix is not None] == []
        # no character is lost or invented: ST114 adds `<>` and moves punctuation,
        # ST103 adds a space or turns full-width spaces into one
        assert _without(fixed, added) == _without(_raw(text), added)
        assert fixed.count(b"\r\n") == _raw(text).count(b"\r\n")
