"""What scrapers leave in archived articles (issue 11): the source page's footer, calls to
follow, a contact address under every post (ST120), captcha pages (ST121), login walls and
error pages (ST122), code that looks like a link (LK001) or an image broken over lines
(IM011). Every note is written for the test, in the shape seen in real vaults."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, ARTICLE_BODY_LINE, check

BODY_LINE = ARTICLE_BODY_LINE


def article(text: str) -> str:
    return ARTICLE.replace("正文第一段。\n", text)


@pytest.fixture
def found(make_vault):
    """`found({path: text}, "ST120")` -> [(path, line, column, message)] of that code."""
    made = []

    def run(files: dict[str, str], code: str, extend: list[str] | None = None):
        made.append(code)
        root = make_vault(files, name=f"v{len(made)}")
        diagnostics = check(root, select=[code, *(extend or [])])
        return [
            (d.path, d.start.line, d.start.column, d.message) for d in diagnostics if d.code == code
        ]

    return run


# ---------------------------------------------------------------- ST120 scraped-boilerplate

FOOTER = (
    "正文第一段。\n\n更多\n*   [新闻](https://example.com/news/)\n"
    "*   [RSS](https://example.com/rss.xml)\n\n条款与政策\n"
    "*   [隐私政策](https://example.com/privacy/)\n\n示例公司 © 2015–2026 管理 Cookie\n"
)


def test_site_footer_is_one_finding_at_its_first_line(found):
    got = found({"01-博客/甲/a.md": article(FOOTER)}, "ST120")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE + 4, 1)]
    message = got[0][3]
    assert message.startswith("`*   [RSS](https://example.com/rss.xml)`")
    assert f"(lines {BODY_LINE + 4}–{BODY_LINE + 9})" in message and "footer" in message


def test_call_to_follow_at_the_end_but_not_an_faq_answer(found):
    text = article("正文。\n\n以上，创作不易，有用的话请点个关注并给个星标⭐，感恩。\n")
    got = found({"01-博客/甲/a.md": text}, "ST120")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE + 2, 1)]
    assert "request to follow, subscribe or share" in got[0][3]
    faq = article("**如何与你们保持联系？**\n欢迎订阅我们的邮件列表。\n")
    assert found({"01-博客/甲/a.md": faq}, "ST120") == []
    # the same words in a long sentence, or in a profile without `## 正文`, are not noise
    long = "正文。\n\n" + "我们" * 60 + "，欢迎订阅我们的通讯。\n"
    assert found({"01-博客/甲/a.md": article(long)}, "ST120") == []
    profile = article("- 隐私政策：[隐私政策](https://example.com/privacy)\n").replace(
        "## 正文", "## 功能与定位"
    )
    assert found({"02-资源/工具/p.md": profile}, "ST120") == []


def test_contact_address_under_three_posts_of_a_folder(found):
    post = article("正文。\n\n\nauthor@example.com\n")
    files = {f"01-博客/甲/{n}.md": post for n in ("a", "b", "c")}
    files["01-博客/乙/d.md"] = post  # another author: once is not boilerplate
    got = found(files, "ST120")
    assert sorted((path, line, col) for path, line, col, _ in got) == [
        (f"01-博客/甲/{n}.md", BODY_LINE + 3, 1) for n in ("a", "b", "c")
    ]
    assert "`author@example.com` ends 3 notes of `01-博客/甲/`" in got[0][3]
    # an address in two posts only (a job ad asking for CVs) is the post's own
    two = {f"01-博客/丙/{n}.md": post for n in ("a", "b")}
    assert found(two, "ST120") == []


# ---------------------------------------------------------------- ST121, ST122


def test_captcha_page_once_at_its_marker(found):
    page = article("# 环境异常\n\n当前环境异常，完成验证后即可继续访问。\n\n去验证\n")
    got = found({"01-博客/甲/a.md": page}, "ST121")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE, 3)]
    assert got[0][3].startswith("`环境异常` is from a captcha page")


def test_captcha_words_in_an_article_about_captchas_are_fine(found):
    text = article(
        "我们分析了微信的验证页：它会显示 `完成验证后即可继续访问`，"
        "用户点击“去验证”后完成滑块，这一过程平均耗时十二秒，远长于普通页面的加载时间。\n\n"
        "### 环境异常处理\n\n内容。\n"
    )
    assert found({"01-博客/甲/a.md": text}, "ST121") == []


@pytest.mark.parametrize(
    "marker", ["Just a moment...", "JUST A MOMENT...", "Verify you are human by completing"]
)
def test_captcha_marker_in_any_case_and_with_letters_lower_does_not_fold(found, marker):
    """The note is searched lowercased, except when it holds a character (`İ`, `ı`, `ſ`)
    that IGNORECASE matches to an ASCII letter and `str.lower()` does not."""
    for odd in ("", "\nİſı\n"):
        page = article(f"# {marker}\n\n{odd}")
        got = found({"01-博客/甲/a.md": page}, "ST121")
        assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE, 3)], (marker, odd)


def test_captcha_marker_spelled_with_a_long_s_is_still_found():
    from vaultkit.rules.structure.walls import _CAPTCHA, _mentions

    assert _mentions("Checking your browſer before accessing", _CAPTCHA)
    assert not _mentions("Checking your browser", _CAPTCHA)


def test_wall_or_error_page_is_off_by_default_and_short_only(found):
    page = article("# 404 Not Found\n\nThe page you requested could not be found.\n")
    assert found({"01-博客/甲/a.md": page}, "ST121", ["ST1"]) == []
    got = found({"01-博客/甲/a.md": page}, "ST122")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE, 3)]
    assert "`404 Not Found`: it is a login wall or an error page" in got[0][3]
    long = article("# 404 Not Found\n\n" + "这篇文章讲错误页的设计。" * 60 + "\n")
    assert found({"01-博客/甲/a.md": long}, "ST122") == []


# ---------------------------------------------------------------- LK001, IM011


def test_code_that_looks_like_a_wikilink_is_not_one(found):
    text = article(
        '配料：{"ingredients": [["cheese", "ham"]]}\n\n'
        "[openai]\n\napi_key = 1\n\n[[openai.accounts]]\n\nproxy = 2\n\n"
        "[[缺失的笔记]]\n"
    )
    got = found({"01-博客/甲/a.md": text}, "LK001")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE + 10, 1)]


def test_image_url_broken_over_lines_names_the_line_of_its_paren(found):
    text = article("格式：![二维码](https://example.com/pay?\npr\n=x)\n")
    got = found({"01-博客/甲/a.md": text}, "IM011")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE, 4)]
    assert f"its closing `)` is on line {BODY_LINE + 2}; join the lines" in got[0][3]
    unclosed = found(
        {"01-博客/甲/a.md": article("![图](https://example.com/a.png\n\n后文。\n")}, "IM011"
    )
    assert "has no closing `)`; add it after the URL" in unclosed[0][3]


def test_press_contact_and_cookie_banner_at_the_end(found):
    text = article(
        "正文。\n\n**媒体联系**\n\npress@example.com\n\n"
        "我们使用 Cookie 改善体验。\n\n接受所有 Cookie\n\n图：© Getty Images\n"
    )
    got = found({"01-博客/甲/a.md": text}, "ST120")
    assert [(line, col) for _, line, col, _ in got] == [(BODY_LINE + 2, 1), (BODY_LINE + 8, 1)]
    assert "a press office's contact block" in got[0][3]
    assert "`接受所有 Cookie` is the source site's footer" in got[1][3]
