"""Frontmatter defaults from the vault's own rules, and the rules they added (FM019–FM022).

Each case is a note of our own with the shape seen on a real vault: which fields a blog note
must have, the control layer that holds no articles, a URL under `来源`, series parts that
share one URL, profile titles that say nothing, radicals that look like characters, and
values holding `"`.
"""

from __future__ import annotations

import pytest
from conftest import ARTICLE, check, fix_once, where
from conftest import article_with as article

BLOG = "01-博客/作者甲/a.md"
RESOURCE = "02-资源/工具/a.md"
BODY = "\n## 正文\n\n正文。\n"


def note(*lines: str, body: str = BODY) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


def codes(make_vault, files: dict, select: list[str]) -> list[tuple]:
    return where(check(make_vault(files), select=select))


# ---------------------------------------------------------------- the control layer, FM001/FM007


def test_control_layer_needs_no_frontmatter(make_vault):
    files = {
        "AGENTS.md": "给 agent 的地图。\n",
        "skills/归档.md": "# 归档\n\n步骤。\n",
        "prompts/summarize.md": "# summarize\n",
        "skills/带字段.md": note("name: 归档", "description: 技能"),  # no `title`: fine here
        "06-文档系统/规则.md": "## 规则\n",  # published: the block is still required
    }
    assert codes(make_vault, files, ["FM001", "FM007"]) == [("06-文档系统/规则.md", 1, 1, "FM001")]


def test_blog_note_needs_date_and_link_not_author_or_source(make_vault):
    files = {
        BLOG: article(作者=None, 来源=None),  # written only when certain
        "01-博客/作者甲/b.md": article(发布日期=None),
    }
    found = check(make_vault(files), select=["FM007"])
    assert where(found) == [("01-博客/作者甲/b.md", 1, 1, "FM007")]
    assert "missing required field `发布日期`" in found[0].message


# ---------------------------------------------------------------- FM019 url-key-drift


def test_fm019_url_under_source_is_key_drift_with_a_fix(make_vault):
    before = article(来源='"https://example.com/p"', 原文链接=None)
    root = make_vault({BLOG: before})
    found = check(root, select=["FM007", "FM019"])
    assert where(found) == [(BLOG, 5, 1, "FM019")]  # not FM007 "add 原文链接"
    assert (found[0].end.line, found[0].end.column) == (5, 3)
    assert "under `来源`, not `原文链接`" in found[0].message
    _, data = fix_once(root, BLOG, "FM019")
    assert data.decode() == before.replace('来源: "https://', '原文链接: "https://')
    assert check(root, select=["FM007", "FM019"]) == []


def test_fm019_miss_where_the_link_field_is_there_or_not_required(make_vault):
    files = {
        BLOG: article(来源='"https://example.com/p"'),  # 原文链接 is there too
        RESOURCE: note('title: "x：工具"', '来源: "https://example.com/x"'),  # not required here
        "01-博客/作者甲/b.md": article(原文链接=None),  # 来源 names a source: no URL anywhere
    }
    found = check(make_vault(files), select=["FM007", "FM019"])
    assert where(found) == [("01-博客/作者甲/b.md", 1, 1, "FM007")]


def test_fm019_edge_list_of_urls_and_quoted_key(make_vault):
    listed = article(原文链接=None).replace(
        '来源: "微信公众号"', '来源:\n  - "https://a.example/1"\n  - "https://a.example/2"'
    )
    quoted = article(原文链接=None).replace('来源: "微信公众号"', '"来源": "https://a.example/3"')
    found = check(make_vault({BLOG: listed, "01-博客/作者甲/b.md": quoted}), select=["FM019"])
    assert where(found) == [(BLOG, 5, 1, "FM019"), ("01-博客/作者甲/b.md", 5, 1, "FM019")]
    assert found[0].fix is not None and found[1].fix is None  # a quoted key: by hand


# ---------------------------------------------------------------- FM011, FM014, FM015 defaults


def test_fm011_a_list_of_urls_is_several_sources(make_vault):
    files = {BLOG: article(原文链接="[https://a.example/1, https://a.example/2]")}
    assert codes(make_vault, files, ["FM011"]) == []


def test_title_noise_and_banned_words_are_the_profile_rules(make_vault):
    files = {
        BLOG: article(title='"实测｜6个AI一起猜灯谜"'),  # the article's own title
        "06-文档系统/流程.md": note('title: "项目档案与图书记录"'),  # a rule page, not a profile
        RESOURCE: note('title: "示例库：检索工具 | 官网"'),
        "02-资源/工具/b.md": note('title: "示例库：GitHub 项目档案"'),
    }
    found = codes(make_vault, files, ["FM014", "FM015"])
    assert found == [(RESOURCE, 2, 18, "FM014"), ("02-资源/工具/b.md", 2, 13, "FM015")]


# ---------------------------------------------------------------- FM013 with `"`


def test_fm013_quote_entity_fix_single_quotes_the_title(make_vault):
    before = article(title='"他说&quot;你好&quot;"')
    root = make_vault({BLOG: before})
    found, data = fix_once(root, BLOG, "FM013")
    assert [(d.start.line, d.start.column) for d in found] == [(2, 11), (2, 19)]
    assert data.decode() == article(title="'他说\"你好\"'")
    assert check(root, select=["FM013", "FM022"]) == []


# ---------------------------------------------------------------- FM017 duplicate-article


# Two bodies of 400 ideographs each, sharing none of their trigrams.
LONG_A = "".join(chr(0x4E00 + i * 7919 % 9000) for i in range(400))
LONG_B = "".join(chr(0x7000 + i * 7919 % 9000) for i in range(400))


def _with_body(text: str, body: str) -> str:
    return text.replace("正文第一段。", body)


def test_fm017_series_sharing_one_url_is_no_duplicate(make_vault):
    url = '"https://example.com/course"'
    files = {
        "01-博客/甲/上篇.md": _with_body(article(title='"课程上篇"', 原文链接=url), LONG_A),
        "01-博客/甲/下篇.md": _with_body(article(title='"课程下篇"', 原文链接=url), LONG_B),
    }
    assert codes(make_vault, files, ["FM017"]) == []


def test_fm017_duplicate_whose_url_is_under_source(make_vault):
    url = '"https://example.com/post"'
    drifted = article(title='"译文二"', 原文链接=None, 来源=url)
    files = {
        "01-博客/甲/a.md": _with_body(article(原文链接=url), LONG_A),
        "01-博客/甲/a-2.md": _with_body(drifted, LONG_A + "补一句。"),
        "01-博客/乙/b.md": _with_body(article(title='"另一篇"', 原文链接=url), LONG_B),
    }
    found = check(make_vault(files), select=["FM017"])
    assert where(found) == [
        ("01-博客/甲/a-2.md", 5, 5, "FM017"),
        ("01-博客/甲/a.md", 6, 7, "FM017"),
    ]
    assert "same article as `01-博客/甲/a.md` (`来源` is" in found[0].message


# ---------------------------------------------------------------- FM020 junk-title


@pytest.mark.parametrize(
    ("title", "column", "says"),
    [
        ("示例库：开发工具", 13, "says only the category `开发工具`"),
        ("kit：Tools for building apps with", 37, "ends in `with`: it was cut short"),
        ("kit：A delightful framework (with 2", 36, "ends in `(with 2`"),
        ("kit：The fastest bundler", 13, "has no Chinese after `："),
        ("Untitled", 9, "is placeholder text"),
        ("kit：The official Kit repository 开发工具", 13, "English tagline with a category"),
    ],
)
def test_fm020_junk_title(make_vault, title, column, says):
    found = check(make_vault({RESOURCE: note(f'title: "{title}"')}), select=["FM020"])
    assert where(found) == [(RESOURCE, 2, column, "FM020")]
    assert says in found[0].message


def test_fm020_miss_good_titles_and_blog_titles(make_vault):
    files = {
        RESOURCE: note('title: "Langfuse：LLM 应用观测平台"'),
        "02-资源/工具/b.md": note('title: "PowerToys：Windows 系统增强工具"'),
        "02-资源/工具/c.md": note('title: "多智能体套件：oh-my-suite"'),  # named in Chinese
        "02-资源/工具/d.md": note('title: "kitjs：JavaScript LLM 应用框架"'),  # type + qualifier
        BLOG: article(title='"我终于见到了他，此生无憾..."'),  # the author's own ellipsis
        "01-博客/作者甲/b.md": article(title='"GPT：The Next Step"'),  # English is fine in blogs
    }
    assert codes(make_vault, files, ["FM020"]) == []


def test_fm020_edge_truncated_blog_title_and_single_quotes(make_vault):
    files = {
        BLOG: article(title='"Agents that plan and"'),
        RESOURCE: note("title: '示例库：应用平台'"),
    }
    assert codes(make_vault, files, ["FM020"]) == [
        (BLOG, 2, 26, "FM020"),
        (RESOURCE, 2, 13, "FM020"),
    ]


# ---------------------------------------------------------------- FM021 look-alike-characters


def test_fm021_radicals_in_a_value_with_a_fix(make_vault):
    before = article(title='"AI 技术栈⻓出了新的⼀层"')
    root = make_vault({BLOG: before})
    found, data = fix_once(root, BLOG, "FM021")
    assert where(found) == [(BLOG, 2, 15, "FM021")]
    assert "`⻓` U+2ED3 for `长`, `⼀` U+2F00 for `一`" in found[0].message
    assert data.decode() == article(title='"AI 技术栈长出了新的一层"')


def test_fm021_miss_and_edge_list_value(make_vault):
    files = {
        BLOG: article(title='"人工智能的一层"'),
        "01-博客/作者甲/b.md": article(作者='["某人", "⼈名"]'),
    }
    assert codes(make_vault, files, ["FM021"]) == [("01-博客/作者甲/b.md", 4, 13, "FM021")]


# ---------------------------------------------------------------- FM022 escaped-quote-in-value


def test_fm022_escaped_quote_with_a_fix(make_vault):
    before = article(title='"他说\\"你好\\""')
    root = make_vault({BLOG: before})
    found, data = fix_once(root, BLOG, "FM022")
    assert where(found) == [(BLOG, 2, 11, "FM022")]
    assert (found[0].end.line, found[0].end.column) == (2, 13)
    assert data.decode() == article(title="'他说\"你好\"'")


def test_fm022_miss_and_edges(make_vault):
    files = {
        BLOG: article(title="'他说\"你好\"'"),
        "01-博客/作者甲/b.md": article(title='"it\'s \\"x\\""'),  # a `'` is doubled
        "01-博客/作者甲/c.md": article(title='"行一\\n\\"x\\""'),  # another escape: by hand
    }
    found = check(make_vault(files), select=["FM022"])
    assert where(found) == [
        ("01-博客/作者甲/b.md", 2, 14, "FM022"),
        ("01-博客/作者甲/c.md", 2, 13, "FM022"),
    ]
    assert found[0].fix.edits[0].text == "'it''s \"x\"'"
    assert found[1].fix is None


def test_fm003_names_an_inner_quote_and_gives_the_single_quoted_value(make_vault):
    files = {
        RESOURCE: note('title: "示例：工具"', '协议: "BSD "New" License"'),
        "02-资源/工具/b.md": note('title: "未闭合'),  # another error: no such hint
    }
    found = check(make_vault(files), select=["FM003"])
    assert where(found) == [(RESOURCE, 3, 11, "FM003"), ("02-资源/工具/b.md", 2, 8, "FM003")]
    assert (
        "wrap the whole value in single quotes, `协议: 'BSD \"New\" License'`" in found[0].message
    )
    assert "single quotes" not in found[1].message


def test_fm017_two_profiles_of_one_repository(make_vault):
    files = {
        "02-资源/工具/a.md": note('title: "kit：检索工具"', '项目主页: "https://github.com/o/kit"'),
        "02-资源/框架/b.md": _with_body(
            note('title: "Kit：检索框架"', '仓库: "https://github.com/o/kit/"', body=ARTICLE),
            LONG_B,
        ),  # written up again, other words: still one object
        "02-资源/工具/c.md": note('title: "甲：工具"', '项目主页: "https://example.com"'),
        "02-资源/工具/d.md": note('title: "乙：工具"', '项目主页: "https://example.com"'),
    }
    found = check(make_vault(files), select=["FM017"])
    assert where(found) == [
        ("02-资源/工具/a.md", 3, 7, "FM017"),
        ("02-资源/框架/b.md", 3, 5, "FM017"),
    ]
    assert "same object as `02-资源/框架/b.md`" in found[0].message
    assert "keep one profile" in found[0].message
