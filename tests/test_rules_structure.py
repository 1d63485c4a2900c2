"""Structure rules ST101–ST114: headings, sections, leftovers and risky links in the body."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check, where
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.note import Note, parse
from vaultkit.options import Settings
from vaultkit.rules import get
from vaultkit.rules.base import DOC_SECTIONS
from vaultkit.rules.structure._scan import split_bare, split_target
from vaultkit.source import decode

PATH = "01-博客/作者/note.md"
BODY_LINE = ARTICLE_BODY_LINE  # the line of `正文第一段。` in ARTICLE
BODY_HEADING = ARTICLE.split("\n").index("## 正文") + 1
TOPICS_HEADING = ARTICLE.split("\n").index("## 关联主题") + 1
AFTER_END = len(ARTICLE.split("\n")) + 1  # the line of `X` in ARTICLE + "\nX"


def with_body(text: str) -> str:
    """ARTICLE with its one body paragraph replaced by `text` (which starts on line 19)."""
    return ARTICLE.replace("正文第一段。\n", text)


def own_section(text: str) -> str:
    """`with_body(text)` in a note without `## 正文`: `text` is in one of the note's own
    sections (as in a `02-资源` profile), not in an archived article."""
    return with_body(text).replace("## 正文", "## 功能与定位")


@pytest.fixture
def lint(make_vault):
    """`lint(text, "ST107")` -> [(line, column)] of that code's findings in one note."""

    def run(text: str | bytes, code: str, files: dict | None = None):
        root = make_vault({PATH: text, **(files or {})})
        return [(line, col) for _, line, col, _ in where(check(root, select=[code]), code)]

    return run


@pytest.fixture
def diags(make_vault):
    """`diags(text, "ST107")` -> the diagnostics of that code in one note."""

    def run(text: str | bytes, code: str):
        root = make_vault({PATH: text})
        return [d for d in check(root, select=[code]) if d.code == code]

    return run


def test_clean_article_has_no_structure_findings(make_vault):
    root = make_vault({PATH: ARTICLE, "crlf.md": ARTICLE.replace("\n", "\r\n")})
    assert where(check(root, select=["ST1"])) == []


@pytest.mark.parametrize("code", [f"ST1{n:02d}" for n in range(1, 15)])
def test_rule_is_documented(code):
    rule = get(code)
    assert rule is not None and rule.category == "structure"
    doc = rule.documentation()
    for section in (*DOC_SECTIONS, "## Use instead"):
        assert section in doc, (code, section)
    if any(f in doc for f in ("settings.structure", "structure.")):
        assert "## Options" in doc


# ---------------------------------------------------------------- ST101 h1-in-body


def test_h1_in_body(lint):
    assert lint(with_body("# 大标题\n"), "ST101") == [(BODY_LINE, 1)]
    assert lint(with_body("大标题\n===\n"), "ST101") == [(BODY_LINE, 1)]
    assert lint(ARTICLE, "ST101") == []


# ---------------------------------------------------------------- ST102 heading-blank-lines


def test_heading_right_after_frontmatter(diags):
    found = diags(ARTICLE.replace("---\n\n## 摘要", "---\n## 摘要"), "ST102")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(8, 1, 6)]
    assert "found 0 blank lines before `## 摘要`" in found[0].message
    assert "want exactly 1" in found[0].message
    assert found[0].fix.message == "add a blank line before it"


def test_heading_with_two_blank_lines_after(diags):
    found = diags(ARTICLE.replace("## 正文\n\n", "## 正文\n\n\n"), "ST102")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_HEADING, 1)]
    assert "found 2 blank lines after `## 正文`" in found[0].message
    assert found[0].fix.message == "remove 1 blank line after it"


def test_heading_with_two_blank_lines_before(diags):
    found = diags(ARTICLE.replace("\n\n## 正文", "\n\n\n## 正文"), "ST102")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_HEADING + 1, 1)]
    assert "found 2 blank lines before `## 正文`" in found[0].message


def test_heading_missing_both_blank_lines(diags):
    found = diags(with_body("段落一。\n## 小节\n段落二。\n"), "ST102")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_LINE + 1, 1)]
    assert "0 blank lines before and 0 blank lines after `## 小节`" in found[0].message


def test_heading_blank_lines_miss(lint):
    assert lint(ARTICLE, "ST102") == []
    # a heading that ends the note needs nothing after it, with or without a final newline
    assert lint(ARTICLE + "\n## 附录\n", "ST102") == []
    assert lint(ARTICLE + "\n## 附录", "ST102") == []
    assert lint(ARTICLE + "\n## 附录\n\n\n", "ST102") == []
    # a note without frontmatter may start with its heading
    assert lint("## 摘要\n\n内容。\n", "ST102") == []
    # only H2 counts; headings inside list items are left alone
    assert lint(with_body("段落。\n### 小节\n段落。\n- ## 列表里的标题\n"), "ST102") == []


def test_heading_blank_lines_crlf(lint):
    crlf = ARTICLE.replace("\n", "\r\n")
    assert lint(crlf, "ST102") == []
    assert lint(crlf.replace("## 正文\r\n\r\n", "## 正文\r\n"), "ST102") == [(BODY_HEADING, 1)]


def test_heading_blank_lines_whitespace_only_line_is_blank(lint):
    assert lint(ARTICLE.replace("## 正文\n\n", "## 正文\n  \t\n"), "ST102") == []


def test_setext_h2_is_not_a_hash_heading(lint):
    # the owners' rule is about `## ` lines; an underlined heading is left alone
    assert lint(with_body("段落。\n\n小节\n---\n正文。\n"), "ST102") == []
    assert lint(with_body("段落。\n\n## 小节\n正文。\n"), "ST102") == [(BODY_LINE + 2, 1)]


# ---------------------------------------------------------------- ST103 heading-missing-space


def test_heading_missing_space_hit(diags):
    found = diags(with_body("##正文里的小节\n"), "ST103")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 1, 4)]
    assert "write `## 正文里的小节`" in found[0].message
    assert get("ST103").fix == "unsafe" and found[0].fix


def test_heading_missing_space_indented_and_full_width(lint, diags):
    assert lint(own_section("   ###标题\n"), "ST103") == [(BODY_LINE, 4)]
    found = diags(with_body("##\u3000关联主题\n"), "ST103")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_LINE, 1)]
    assert "full-width space" in found[0].message


def test_heading_missing_space_miss(lint):
    text = with_body(
        "#tag 是标签\n\n## 正常标题\n\n```\n##code\n```\n\n    ##indented\n\n"
        "<div>\n##html\n</div>\n\n#######七个\n\n段落 ##中间\n"
    )
    assert lint(text, "ST103") == []


def test_heading_missing_space_not_in_frontmatter(lint):
    assert lint(ARTICLE.replace('title: "一篇干净的文章"', "title: x\n##x: 1"), "ST103") == []


def test_heading_missing_space_crlf(lint):
    assert lint(own_section("##小节\n").replace("\n", "\r\n"), "ST103") == [(BODY_LINE, 1)]


def test_heading_missing_space_in_a_quoted_prompt_is_the_articles_text(lint):
    prompt = "下面是我的提示词：\n\n##角色\n你是一位编辑。\n##技能\n改写文章。\n"
    assert lint(with_body(prompt), "ST103") == []
    assert lint(own_section(prompt), "ST103") == [(BODY_LINE + 2, 1), (BODY_LINE + 4, 1)]
    # a prompt with its `##` lines between blank lines: more than one, so the prompt's
    prompt = '提示词：\n\n##注意事项:\n\n1. 简洁。\n\n##初始语句: "你好"\n\n后文。\n'
    assert lint(with_body(prompt), "ST103") == []
    # one `##x` alone between blank lines is a heading without its space
    assert lint(with_body("前文。\n\n##小节\n\n后文。\n"), "ST103") == [(BODY_LINE + 2, 1)]
    # the vault's own section names are reported even inside the article
    assert lint(with_body("正文。\n\n##相关文档\n"), "ST103") == [(BODY_LINE + 2, 1)]


# ---------------------------------------------------------------- ST104 duplicate-section


def test_duplicate_section_hit(diags):
    text = ARTICLE + "\n## 关联主题\n\n- [[00-元语/llm]]\n"
    found = diags(text, "ST104")
    assert [(d.start.line, d.start.column) for d in found] == [(AFTER_END, 1)]
    assert f"line {TOPICS_HEADING}" in found[0].message


def test_duplicate_section_miss_under_different_parents(lint):
    text = with_body("### 工具甲\n\n#### 安装\n\n甲。\n\n### 工具乙\n\n#### 安装\n\n乙。\n")
    assert lint(text, "ST104") == []
    assert lint(with_body("### 小节\n\n内容。\n"), "ST104") == []


def test_duplicate_section_edge_case_and_spaces(lint):
    text = own_section("### References\n\na\n\n###  references \n\nb\n")
    assert lint(text, "ST104") == [(BODY_LINE + 4, 1)]
    assert lint(with_body("### 小节\n\n#### 小节\n\n内容。\n"), "ST104") == []  # other level


# ---------------------------------------------------------------- ST105 unclosed-code-fence


def test_unclosed_code_fence_hit(diags):
    found = diags(with_body("```python\nprint(1)\n\n"), "ST105")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 1, 4)]
    assert f"`## 关联主题` (line {TOPICS_HEADING + 2})" in found[0].message
    assert "close it with a ``` line" in found[0].message


def test_unclosed_code_fence_without_headings(diags):
    text = ARTICLE + "\n段落。\n\n  ~~~~\ncode\n"
    found = diags(text, "ST105")
    assert [(d.start.line, d.start.column) for d in found] == [(AFTER_END + 2, 3)]
    assert "turns the remaining 1 line into code" in found[0].message


def test_unclosed_code_fence_miss(lint):
    assert lint(with_body("```python\nprint(1)\n```\n"), "ST105") == []
    assert lint(with_body("~~~\nx\n~~~~~\n"), "ST105") == []
    # a fence in a list item ends with the item
    assert lint(ARTICLE + "\n  ~~~~\ncode\n", "ST105") == []
    # a fence in a block quote ends with the quote
    assert lint(with_body("> ```\n> code\n\n段落。\n"), "ST105") == []


def test_unclosed_code_fence_crlf(lint):
    assert lint(with_body("```\ncode\n").replace("\n", "\r\n"), "ST105") == [(BODY_LINE, 1)]


# ---------------------------------------------------------------- ST106 empty-section


def test_empty_section_hit(diags):
    found = diags(ARTICLE.replace("## 关联主题", "## 相关文档\n\n## 关联主题"), "ST106")
    assert [(d.start.line, d.start.column) for d in found] == [(TOPICS_HEADING, 1)]
    assert found[0].severity == "warning"
    assert "`## 相关文档` is empty" in found[0].message


def test_empty_section_at_end_of_note(lint):
    assert lint(ARTICLE + "\n## 附录\n\n  \n", "ST106") == [(AFTER_END, 1)]
    assert lint(ARTICLE + "\n## 附录", "ST106") == [(AFTER_END, 1)]


def test_empty_section_miss_and_nested(lint):
    assert lint(ARTICLE, "ST106") == []
    # a section holding only a sub-section is not empty; the empty sub-section is
    text = ARTICLE.replace("## 关联主题", "## 附录\n\n### 空小节\n\n## 关联主题")
    text = text.replace("## 正文", "## 功能与定位")
    assert lint(text, "ST106") == [(TOPICS_HEADING + 2, 1)]


def test_empty_section_crlf(lint):
    text = ARTICLE.replace("## 关联主题", "## 相关文档\n\n \n## 关联主题").replace("\n", "\r\n")
    assert lint(text, "ST106") == [(TOPICS_HEADING, 1)]


# ---------------------------------------------------------------- ST107 placeholder-text


def test_placeholder_hit_with_cjk_column(diags):
    found = diags(with_body("正文第一段。待补充\n"), "ST107")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 7, 10)]
    assert "`待补充`" in found[0].message


def test_placeholder_each_occurrence_and_heading(lint):
    text = with_body("待补充，待补充\n\n## TODO\n\nTodo 占位\n")
    assert lint(text, "ST107") == [
        (BODY_LINE, 1),
        (BODY_LINE, 5),
        (BODY_LINE + 2, 1),
        (BODY_LINE + 4, 1),
    ]


def test_placeholder_miss_in_code_comments_and_frontmatter(lint):
    text = with_body(
        "规则写法：`待补充` 不许出现 $待补充$。\n\n```\n待补充\n```\n\n"
        "段落 <!-- 待补充 --> 结束。\n\n<!--\n占位文件\n-->\n\n## TODOS\n"
    ).replace('title: "一篇干净的文章"', 'title: "待补充"')
    assert lint(text, "ST107") == []


def test_placeholder_crlf(lint):
    assert lint(with_body("第一行\n再写 待补充\n").replace("\n", "\r\n"), "ST107") == [
        (BODY_LINE + 1, 4)
    ]


def test_placeholder_phrases_option(make_vault):
    files = {PATH: with_body("此处有占位符号 XYZ。\n")}
    root = make_vault({**files, "vaultkit.toml": '[structure]\nplaceholder-phrases = ["XYZ"]\n'})
    assert where(check(root, select=["ST107"])) == [(PATH, BODY_LINE, 9, "ST107")]


# ---------------------------------------------------------------- ST108 scraped-noise


def test_scraped_noise_hit(diags):
    found = diags(with_body("[跳至主要内容](#main)\n返回主菜单\n"), "ST108")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_LINE, 2), (BODY_LINE + 1, 1)]
    assert all(d.severity == "warning" for d in found)


def test_scraped_noise_miss(lint):
    assert lint(with_body("规则禁止 `跳至主要内容` 一类的导航文字。\n"), "ST108") == []


def test_scraped_noise_option(make_vault):
    root = make_vault(
        {
            PATH: with_body("广告 跳至主要内容\n"),
            "vaultkit.toml": '[structure]\nnoise-phrases = ["广告"]\n',
        }
    )
    assert where(check(root, select=["ST108"])) == [(PATH, BODY_LINE, 1, "ST108")]


# ---------------------------------------------------------------- ST109 subtitle-residue


def test_subtitle_webvtt_and_cues(diags):
    text = with_body(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n大家好。\n\n"
        "00:00:05.000 --> 00:00:08.000 align:start\n今天聊聊。\n"
    )
    found = diags(text, "ST109")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_LINE, 1), (BODY_LINE + 2, 1)]
    assert f"2 timing lines in all, also on line {BODY_LINE + 5}" in found[1].message
    assert found[1].end.column == 30


def test_subtitle_srt_form(lint):
    assert lint(with_body("1\n  00:01:02,500 --> 00:01:04,000\n字幕。\n"), "ST109") == [
        (BODY_LINE + 1, 3)
    ]


def test_subtitle_miss(lint):
    text = with_body(
        "```\nWEBVTT\n00:00:01.000 --> 00:00:04.000\n```\n\n"
        "<!-- 注释 -->\n\n箭头 a --> b 不算。\n\nWEBVTT 格式介绍在一句话里。\n"
    )
    assert lint(text, "ST109") == []
    # with cue timings in the note, a `WEBVTT` header with text after it counts
    text = with_body("WEBVTT 字幕\n\n00:00:01.000 --> 00:00:04.000\n你好\n")
    assert lint(text, "ST109") == [(BODY_LINE, 1), (BODY_LINE + 2, 1)]


def test_subtitle_crlf(lint):
    text = with_body("00:00:01.000 --> 00:00:04.000\n字幕\n").replace("\n", "\r\n")
    assert lint(text, "ST109") == [(BODY_LINE, 1)]


# ---------------------------------------------------------------- ST110 forbidden-section


def test_forbidden_section_hit(lint, diags):
    found = diags(with_body("## 文档信息\n\n- 作者：某人\n"), "ST110")
    assert [(d.start.line, d.start.column) for d in found] == [(BODY_LINE, 1)]
    assert "`## 文档信息`" in found[0].message
    assert lint(with_body("### 文档信息：\n\n内容\n"), "ST110") == [(BODY_LINE, 1)]


def test_forbidden_section_miss_and_option(make_vault, lint):
    assert lint(with_body("## 文档说明\n\n内容\n"), "ST110") == []
    root = make_vault(
        {
            PATH: with_body("## 文档信息\n\n内容\n\n## 附录\n\n内容\n"),
            "vaultkit.toml": '[structure]\nforbidden-sections = ["附录"]\n',
        }
    )
    assert where(check(root, select=["ST110"])) == [(PATH, BODY_LINE + 4, 1, "ST110")]


# ---------------------------------------------------------------- ST111 tag-line


def test_tag_line_hit(diags):
    text = with_body("- #AI #llm\n* #人工智能\n1. #agent\n")
    found = diags(text, "ST111")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [
        (BODY_LINE, 3, 11),
        (BODY_LINE + 1, 3, 8),
        (BODY_LINE + 2, 4, 10),
    ]
    assert "[[00-元语/AI]]" in found[0].message


def test_tag_line_miss(lint):
    text = with_body(
        "- 标签 #AI\n- #1\n- # 列表里的标题\n- [[00-元语/AI]] #AI\n\n```\n- #AI\n```\n\n#AI 段落\n"
    )
    assert lint(text, "ST111") == []


def test_tag_line_crlf(lint):
    assert lint(with_body("- #AI\n").replace("\n", "\r\n"), "ST111") == [(BODY_LINE, 3)]


# ---------------------------------------------------------------- ST112 script-link


def test_script_link_hit(diags):
    found = diags(with_body("运行 [脚本](scripts/run.py) 即可。\n"), "ST112")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 4, 24)]
    assert "`run.py`" in found[0].message


def test_script_link_decoded_query_fragment_autolink(lint):
    text = with_body(
        "[nb](https://example.com/a/demo.IPYNB?raw=1#cell) [enc](tools/run%2Esh)\n"
        "<https://example.com/install.ps1> [ref][s]\n\n[s]: https://example.com/x.ts\n"
    )
    assert lint(text, "ST112") == [  # an autolink shows its address: not reported
        (BODY_LINE, 1),
        (BODY_LINE, 51),
        (BODY_LINE + 1, 35),
    ]


def test_script_link_miss(lint):
    text = with_body(
        "![图](images/a.py) [[Node.js]] [[脚本.py|别名]] "
        "[three](https://github.com/mrdoob/three.js) [包](https://www.npmjs.com/package/chart.js) "
        "[站](https://example.sh) [目录](https://example.com/run.py/) `[x](a.py)` "
        "[页](https://example.com/python-guide) [文](https://example.com/a.md)\n"
    )
    assert lint(text, "ST112") == []


def test_script_link_on_code_host_file(lint):
    text = with_body("[源码](https://github.com/o/r/blob/main/train.py)\n")
    assert lint(text, "ST112") == [(BODY_LINE, 1)]


# ---------------------------------------------------------------- ST113 sensitive-url


def test_sensitive_localhost_only_when_configured(make_vault):
    text = with_body("演示地址：http://localhost:3000/demo 打开即可。\n")
    # a tutorial's local address is an instruction, not a leak: not a default marker
    assert where(check(make_vault({PATH: text}), select=["ST113"])) == []
    config = '[structure]\nsensitive-url-markers = ["localhost"]\n'
    root = make_vault({PATH: text, "vaultkit.toml": config}, name="configured")
    found = [d for d in check(root, select=["ST113"]) if d.code == "ST113"]
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 6, 32)]
    assert "local address `localhost`" in found[0].message


def test_sensitive_loopback_as_a_whole_link_list_entry(lint, diags):
    """The owners ban loopback links from link lists: a list entry that is only the URL."""
    text = with_body(
        "1. http://127.0.0.1:7860/ui\n"
        "- [控制台](http://localhost:3000/)\n"
        "* <http://0.0.0.0:8000/>\n"
        "- 本地预览：[打开](http://localhost:8080/ui)\n"  # prose around it: an instruction
        "- 启动后访问 http://localhost:3000 即可\n"
        "10) http://[::1]:9000/\n"
    )
    assert lint(text, "ST113") == [
        (BODY_LINE, 4),
        (BODY_LINE + 1, 9),
        (BODY_LINE + 2, 4),
        (BODY_LINE + 5, 5),
    ]
    assert "the local address `127.0.0.1`" in diags(text, "ST113")[0].message


def test_sensitive_markers_in_links_images_autolinks(lint, diags):
    text = with_body(
        "[a](http://127.0.0.1:8080/x)\n"
        "![b](https://bucket.s3.amazonaws.com/i.png?X-Amz-Signature=abc)\n"
        "<http://0.0.0.0:8000/>\n"
        "[c](https://app.example.com/view?id=1&jwt=eyJabc)\n"
        "https://user:secret@example.com/private\n"
        "[d](blob:https://example.com/0d4e-11)\n"
        "[e](https://github.com/notifications/unsubscribe-auth/AAAB)\n"
        "复制自 blob:https://example.com/9f2c 的图片\n"
    )
    assert lint(text, "ST113") == [  # not the local addresses of lines 1 and 3
        (BODY_LINE + 1, 6),
        (BODY_LINE + 3, 5),
        (BODY_LINE + 4, 1),
        (BODY_LINE + 5, 5),
        (BODY_LINE + 6, 5),
        (BODY_LINE + 7, 5),
    ]
    messages = [d.message for d in diags(text, "ST113")]
    assert "`X-Amz-`" in messages[0] and "`jwt=` parameter" in messages[1]
    assert "secret" not in messages[2] and "user name and password" in messages[2]
    assert "remove `user:password@`" in messages[2]
    assert "the `blob:` scheme" in messages[5] and "author's machine" in messages[5]


def test_sensitive_miss(lint):
    text = with_body(
        "本地运行 localhost:3000 即可。\n"
        "[文](https://docs.example.com/guide/localhost-setup)\n"
        "https://example.com/?jwt_docs=1 https://git@example.com/repo\n"
        "https://localhost.example.com/ `http://localhost:8000` <!-- http://127.0.0.1/ -->\n"
    )
    assert lint(text, "ST113") == []


def test_sensitive_markers_option(make_vault):
    root = make_vault(
        {
            PATH: with_body("http://192.168.1.5/admin https://localhost/\n"),
            "vaultkit.toml": '[structure]\nsensitive-url-markers = ["192.168."]\n',
        }
    )
    assert where(check(root, select=["ST113"])) == [(PATH, BODY_LINE, 1, "ST113")]


# ---------------------------------------------------------------- ST114 url-trailing-punctuation


def test_trailing_punctuation_bare_cjk(diags):
    found = diags(with_body("（见 https://example.com/page）。\n"), "ST114")
    assert [(d.start.line, d.start.column, d.end.column) for d in found] == [(BODY_LINE, 28, 30)]
    assert "`）。`" in found[0].message and "`https://example.com/page`" in found[0].message
    assert get("ST114").fix == "safe" and found[0].fix


def test_trailing_punctuation_ascii_sentence_end_and_links(lint):
    text = with_body(
        "See https://example.com/a. 详情：https://example.com/b，然后\n"
        "[官网](https://example.com/c，) <https://example.com/d。>\n"
    )
    assert lint(text, "ST114") == [
        (BODY_LINE, 26),
        (BODY_LINE, 52),
        (BODY_LINE + 1, 27),
        (BODY_LINE + 1, 52),
    ]


def test_trailing_punctuation_two_urls_glued(lint):
    text = with_body("https://a.example.com/x）和https://b.example.com/y。\n")
    assert lint(text, "ST114") == [(BODY_LINE, 24), (BODY_LINE, 49)]


def test_trailing_punctuation_miss(lint):
    text = with_body(
        "https://en.wikipedia.org/wiki/Foo_(bar) https://example.com/dir/ "
        "(see https://example.com/b) https://example.com/a,b **https://example.com/e**。\n\n"
        "`https://example.com/c。` <!-- https://example.com/d。 --> "
        "[ok](https://example.com/f)。 https://zh.wikipedia.org/wiki/人工智能 结束\n"
    )
    assert lint(text, "ST114") == []


def test_trailing_punctuation_crlf(lint):
    text = with_body("地址 https://example.com/a。\n").replace("\n", "\r\n")
    assert lint(text, "ST114") == [(BODY_LINE, 25)]


@pytest.mark.parametrize(
    ("candidate", "url", "rest"),
    [
        ("https://x.com/Foo_(bar)", "https://x.com/Foo_(bar)", ""),
        ("https://x.com/Foo_(bar)).", "https://x.com/Foo_(bar)", ")."),
        ("https://x.com/", "https://x.com/", ""),
        ("https://x.com/a**", "https://x.com/a", "**"),
        ("https://x.com/a.", "https://x.com/a", "."),
        ("https://x.com/a?b=1,2", "https://x.com/a?b=1,2", ""),
    ],
)
def test_split_bare(candidate, url, rest):
    assert split_bare(candidate) == (url, rest)


def test_split_target_keeps_balanced_brackets():
    assert split_target("https://x.com/文档（编程）") == ("https://x.com/文档（编程）", "")
    assert split_target("https://x.com/page）") == ("https://x.com/page", "）")


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---\n",
        "---\ntitle: x\n---\n",
        "---\ntitle: [a, b\n",
        "\ufeff---\r\ntitle: x\r\n---\r\n## 摘要\r\n",
        "##",
        "## \n##\n#\n",
        "```",
        "- #",
        "WEBVTT",
        "https://",
        "[a](<>) [b]() <https://> ![c](https://x.com/a.py。)",
        "-->\n00:00:01.000 -->",
        "a\rb\r## c\r",
        "## 关联主题\n" * 3,
        "[x](http://[::1)\n[y](http://[::1]:8080/)\n",
    ],
)
def test_odd_notes_do_not_crash(make_vault, text):
    root = make_vault({"odd.md": text})
    check(root, select=["ST1"])  # `check` fails on any internal error


_LINE_POOL = [
    "## 摘要", "## 正文", "### 小节", "正文。", "", "", " ", "\t", "- ## 列表", "> ## 引用",
    "# 标题", "小节", "---", "  ## 缩进", "<!-- 注释 -->",
]  # fmt: skip
_COUNTS = re.compile(r"(\d+) blank lines (before|after)")


def _reference_blank_lines(note: Note) -> list[tuple[int, int, int]]:
    """ST102 computed the slow, obvious way over `note.lines`."""
    lines, first, found = note.lines, note.body_first_line, []
    for heading in note.headings:
        start = note.position(heading.start)
        if heading.level != 2 or lines[start.line - 1][: start.column - 1].strip(" \t"):
            continue
        if not lines[start.line - 1].lstrip(" ").startswith("#"):
            continue  # an underlined heading
        end = note.line_of(max(heading.start, heading.end - 1))
        above = start.line - 1
        while above >= first and not lines[above - 1].strip(" \t"):
            above -= 1
        before = 1 if above < first and note.frontmatter is None else start.line - 1 - above
        below = end + 1
        while below <= len(lines) and not lines[below - 1].strip(" \t"):
            below += 1
        after = 1 if below > len(lines) else below - end - 1
        if (before, after) != (1, 1):
            found.append((start.line, before, after))
    return found


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from(_LINE_POOL), max_size=12),
    frontmatter=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_heading_blank_lines_matches_reference(lines, frontmatter, newline, final):
    text = ("---\ntitle: x\n---\n" if frontmatter else "") + "\n".join(lines)
    text = (text + "\n" if final else text).replace("\n", newline)
    source = decode(text.encode())
    note = parse(Path("/v/n.md"), "n.md", source)
    got = []
    for diagnostic in get("ST102")().check(note, Settings()):
        counts = dict.fromkeys(("before", "after"), 1)
        counts.update({side: int(n) for n, side in _COUNTS.findall(diagnostic.message)})
        got.append((diagnostic.start.line, counts["before"], counts["after"]))
    assert got == _reference_blank_lines(note)


def test_sensitive_url_leaves_a_blob_image_to_im012(make_vault):
    text = ARTICLE.replace("正文第一段。", "![图](blob:https://example.com/0f3a-11)")
    found = check(make_vault({"01-博客/a/x.md": text}))
    codes = [d.code for d in found if d.start.line == BODY_LINE]
    assert codes == ["IM012"]  # one problem, one finding
    # a blob: link (not an image) is still ST113's
    text = ARTICLE.replace("正文第一段。", "[下载](blob:https://example.com/0f3a-11)")
    assert where(check(make_vault({"01-博客/b/y.md": text}), select=["ST113"])) == [
        ("01-博客/b/y.md", BODY_LINE, 6, "ST113")
    ]
