"""Fixes of the frontmatter rules (FM009, FM012, FM013, FM018) and the FM018 rule itself.

Each fix: the exact bytes after applying it, CRLF kept, BOM kept, CJK around the edit,
a second round changes nothing, a re-check no longer reports it, and a case with no fix.
"""

from __future__ import annotations

import pytest
from conftest import ARTICLE, check, crlf, fix_once, where

from vaultkit import fix, urls
from vaultkit.diagnostics import Diagnostic
from vaultkit.options import FrontmatterOptions
from vaultkit.rules import get
from vaultkit.rules.frontmatter.dates import rewrite
from vaultkit.rules.frontmatter.tracking import find_tracking

BLOG = "01-博客/作者甲/a.md"
RESOURCE = "02-资源/工具/a.md"
BODY = "\n## 正文\n\n正文。\n"
TRACKING = FrontmatterOptions().tracking_parameters


def note(*lines: str) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + BODY


def article(**changes: str) -> str:
    """ARTICLE with field lines replaced (keys are field names)."""
    lines = ARTICLE.split("\n")
    for key, value in changes.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
        lines[index] = f"{key}: {value}"
    return "\n".join(lines)


def assert_fixes(make_vault, rel: str, before: str, after: str, code: str) -> list[Diagnostic]:
    """Fixing `before` gives exactly `after`; fixing again changes nothing and reports nothing."""
    root = make_vault({rel: before})
    found, data = fix_once(root, rel, code, unsafe=True)
    assert data == after.encode("utf-8")
    assert found and all(d.fix is not None and d.fix.applicable for d in found)
    again, data_again = fix_once(root, rel, code, unsafe=True)
    assert again == [] and data_again == data
    return found


# ---------------------------------------------------------------- FM013 title-html-entity


@pytest.mark.parametrize(
    ("title", "fixed"),
    [
        ('"OpenAI &amp; 微软：新协议"', '"OpenAI & 微软：新协议"'),
        ("'他说&quot;你好&quot;'", "'他说\"你好\"'"),
        ('"It&#39;s 中文&#x27;引号"', "\"It's 中文'引号\""),
        ("模型&amp;数据&nbsp;结论", "模型&数据 结论"),
        ('"双重&amp;amp;转义"', '"双重&转义"'),
        ("AT&amp;T 的新闻", "AT&T 的新闻"),
    ],
)
def test_fm013_fix_decodes_entities(make_vault, title, fixed):
    found = assert_fixes(make_vault, BLOG, article(title=title), article(title=fixed), "FM013")
    assert all(d.fix.safe for d in found)


def test_fm013_fix_edits_only_the_entity(make_vault):
    root = make_vault({BLOG: article(title='"前&amp;后"')})
    (diagnostic,) = check(root, select=["FM013"])
    (edit,) = diagnostic.fix.edits
    start = ARTICLE.encode().index(b"title: ") + len('title: "前'.encode())
    assert (edit.start, edit.end, edit.text) == (start, start + len("&amp;"), "&")
    assert diagnostic.fix.message == "replace `&amp;` with `&`"


def test_fm013_fix_keeps_crlf_and_bom(make_vault):
    before = "\ufeff" + crlf(article(title='"标题&amp;副标题"'))
    after = "\ufeff" + crlf(article(title='"标题&副标题"'))
    assert_fixes(make_vault, BLOG, before, after, "FM013")


@pytest.mark.parametrize(
    ("title", "fixable"),
    [
        ('"他说&quot;你好&quot;"', [True, True]),  # single-quoted as the vault's rule asks
        ('"他说&quot;it\'s&quot;"', [False, False]),  # a `'` as well: by hand
        ("'it&#39;s'", [False]),  # a `'` would close the single quotes
        ("a&#58;&#32;b", [True, False]),  # `a: b` is a mapping: only the colon is decoded
        ("标题 &#35;话题", [False]),  # ` #` starts a comment in a plain title
        ("1&#46;0", [False]),  # `1.0` would be a number
        ('"零宽&#8203;空格"', [False]),  # an invisible character: keep it or not is a guess
        ('"\\x26amp; 转义"', [False]),  # written with a YAML escape
    ],
)
def test_fm013_no_fix_when_yaml_would_read_it_otherwise(make_vault, title, fixable):
    found = check(make_vault({BLOG: article(title=title)}), select=["FM013"])
    assert [d.fix is not None for d in found] == fixable


def test_fm013_no_fix_for_a_title_on_several_lines(make_vault):
    text = note("title: >-", "  第一行 &amp;", "  第二行")
    (diagnostic,) = check(make_vault({RESOURCE: text}), select=["FM013"])
    assert diagnostic.fix is None


def test_fm013_partial_fix_leaves_the_rest_reported(make_vault):
    root = make_vault({BLOG: article(title="a&#58;&#32;b")})
    fix_once(root, BLOG, "FM013")
    assert "title: a:&#32;b\n" in (root / BLOG).read_text(encoding="utf-8")
    again, _ = fix_once(root, BLOG, "FM013")
    assert [d.fix for d in again] == [None]  # stable: nothing more to apply


# ---------------------------------------------------------------- FM009 invalid-date


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("2026年1月23日", "2026-01-23"),
        ("2026/1/23", "2026-01-23"),
        ("2026-1-23", "2026-01-23"),
        ("2026.1.23", "2026-01-23"),
        ('"2026/1/23"', '"2026-01-23"'),
        ("'2026年01月05日'", "'2026-01-05'"),
        ("２０２６年１月２３日", "2026-01-23"),
        ("20260123", "2026-01-23"),
        ("Jan 23, 2026", "2026-01-23"),
        ("2026年1月23日 # 网页上的日期", "2026-01-23 # 网页上的日期"),
    ],
)
def test_fm009_fix_writes_iso_dates(make_vault, written, fixed):
    found = assert_fixes(
        make_vault, BLOG, article(发布日期=written), article(发布日期=fixed), "FM009"
    )
    assert [d.fix.safe for d in found] == [False]


def test_fm009_fix_is_minimal_and_unsafe(make_vault):
    root = make_vault({BLOG: article(发布日期='"2026/1/23"')})
    (diagnostic,) = check(root, select=["FM009"])
    start = ARTICLE.encode().index("发布日期: ".encode()) + len('发布日期: "2026'.encode())
    assert [(e.start, e.end, e.text) for e in diagnostic.fix.edits] == [(start, start + 3, "-01-")]
    assert diagnostic.fix.message == "write `发布日期: 2026-01-23`"
    assert fix.choose([diagnostic]) == []  # only with --unsafe-fixes
    assert fix.choose([diagnostic], unsafe=True) == [diagnostic.fix]


def test_fm009_fix_keeps_crlf_and_bom(make_vault):
    before = "\ufeff" + crlf(article(发布日期="2026年1月3日"))
    after = "\ufeff" + crlf(article(发布日期="2026-01-03"))
    assert_fixes(make_vault, BLOG, before, after, "FM009")


@pytest.mark.parametrize(
    "written",
    [
        "2024-13-45",  # impossible
        "2024-13-05",  # real only with day and month swapped: a guess
        "2024-02-30",
        "2024-01-05 10:30",  # a time would be dropped
        "2024-01-05（更新）",
        "2024年1月",  # no day
        "上周",
        "[2024/1/5]",  # a list
        '"2024/1/\\x35"',  # written with an escape
    ],
)
def test_fm009_no_fix_without_one_reading(make_vault, written):
    found = check(make_vault({BLOG: article(发布日期=written)}), select=["FM009"])
    assert len(found) == 1 and found[0].fix is None


def test_rewrite_reads_only_unambiguous_dates():
    assert rewrite("2026年1月23日") == "2026-01-23"
    assert rewrite(" 2026 / 1 / 23 ") == "2026-01-23"
    assert rewrite("5 March 2024") == "2024-03-05"
    assert rewrite("2026-01-23") is None  # already right
    assert rewrite("2026-01-23T08:00") is None
    assert rewrite("20241305") is None


# ---------------------------------------------------------------- FM012 yaml-type-coercion


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("作者: 2024", '作者: "2024"'),
        ("title: yes", 'title: "yes"'),
        ("title: 1.0", 'title: "1.0"'),
        ("来源: null", '来源: "null"'),
        ("版本: 4.10   # 最新版", '版本: "4.10"   # 最新版'),
        ("title: 1:20", 'title: "1:20"'),
        ("title: 2024-01-05", 'title: "2024-01-05"'),
        ("title: 2024-02-30", 'title: "2024-02-30"'),  # not even a real date
    ],
)
def test_fm012_fix_quotes_the_value(make_vault, line, fixed):
    lines = [line] if line.startswith("title") else ['title: "标题"', line]
    fixed_lines = [fixed] if line.startswith("title") else ['title: "标题"', fixed]
    found = assert_fixes(make_vault, RESOURCE, note(*lines), note(*fixed_lines), "FM012")
    assert [d.fix.safe for d in found] == [False]


def test_fm012_fix_inserts_two_quotes(make_vault):
    root = make_vault({RESOURCE: note('title: "中文"', "作者: 2024")})
    (diagnostic,) = check(root, select=["FM012"])
    start = note('title: "中文"', "作者: ").encode().index("作者: ".encode()) + len(
        "作者: ".encode()
    )
    assert [(e.start, e.end, e.text) for e in diagnostic.fix.edits] == [
        (start, start, '"'),
        (start + 4, start + 4, '"'),
    ]


def test_fm012_fix_keeps_crlf_bom_and_cjk(make_vault):
    before = "\ufeff" + crlf(note('title: "标题"', "作者: 1984 # 中文注释"))
    after = "\ufeff" + crlf(note('title: "标题"', '作者: "1984" # 中文注释'))
    assert_fixes(make_vault, RESOURCE, before, after, "FM012")


def test_fm012_no_fix_for_an_explicit_tag(make_vault):
    root = make_vault({RESOURCE: note("title: !!int 2024")})
    (diagnostic,) = check(root, select=["FM012"])
    assert diagnostic.fix is None  # `!!int "2024"` would still be an integer


# ---------------------------------------------------------------- FM018 tracking-parameters

WECHAT = "https://mp.weixin.qq.com/s?__biz=MzA1&mid=2650&idx=1&sn=8f3a"


def test_fm018_hit_points_at_the_parameters(make_vault):
    url = f"{WECHAT}&chksm=84e2&scene=21#rd"
    found = check(make_vault({BLOG: article(原文链接=f'"{url}"')}), select=["FM018"])
    line = ARTICLE.split("\n").index('原文链接: "https://example.com/posts/clean"') + 1
    column = len('原文链接: "') + len(WECHAT) + 2  # after the `&`
    assert where(found) == [(BLOG, line, column, "FM018")]
    assert found[0].end.column == column + len("chksm=84e2&scene=21")
    assert found[0].message == (
        f"`原文链接` carries the tracking parameters `chksm`, `scene`; remove them: `{WECHAT}#rd`"
    )
    assert not get("FM018").default_enabled and found[0].severity.value == "warning"


def test_fm018_miss(make_vault):
    files = {
        BLOG: article(原文链接=f'"{WECHAT}"'),
        "01-博客/作者甲/b.md": article(原文链接='"https://example.com/a?id=3&page=2"'),
        "01-博客/作者甲/c.md": article(原文链接='"https://example.com/#/list?utm_source=x"'),
        "01-博客/作者甲/d.md": article(原文链接='"example.com/a?utm_source=x"'),  # FM011's
        "01-博客/作者甲/e.md": article(来源='"https://example.com/a?utm_source=x"'),
    }
    assert check(make_vault(files), select=["FM018"]) == []


def test_fm018_options(make_vault):
    files = {
        BLOG: article(原文链接='"https://example.com/a?src=feed&id=1"'),
        "vaultkit.toml": '[frontmatter]\ntracking-parameters = ["src*"]\n',
    }
    found = check(make_vault(files), select=["FM018"])
    assert [d.message.split(";")[0] for d in found] == [
        "`原文链接` carries the tracking parameter `src`"
    ]
    off = {
        BLOG: article(原文链接='"https://a.com/?utm_source=x"'),
        "vaultkit.toml": "[frontmatter]\ntracking-parameters = []\n",
    }
    assert check(make_vault(off, name="off"), select=["FM018"]) == []


@pytest.mark.parametrize(
    ("url", "fixed"),
    [
        (f'"{WECHAT}&chksm=84e2&scene=21#rd"', f'"{WECHAT}#rd"'),
        ('"https://example.com/a?utm_source=x"', '"https://example.com/a"'),
        ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ("'https://例子.cn/文章?spm=1.2&页=二&fbclid=Q'", "'https://例子.cn/文章?页=二'"),
        ('"https://a.com/p?id=1&amp;utm_medium=m&amp;k=2"', '"https://a.com/p?id=1&amp;k=2"'),
        ('"https://a.com/p?UTM_Source=x&&id=1"', '"https://a.com/p?id=1"'),
    ],
)
def test_fm018_fix_removes_the_parameters(make_vault, url, fixed):
    found = assert_fixes(make_vault, BLOG, article(原文链接=url), article(原文链接=fixed), "FM018")
    assert [d.fix.safe for d in found] == [False]


def test_fm018_fix_is_one_deletion(make_vault):
    url = f"{WECHAT}&chksm=84e2&scene=21"
    root = make_vault({BLOG: article(原文链接=f'"{url}"')})
    (diagnostic,) = check(root, select=["FM018"])
    start = (
        ARTICLE.encode().index("原文链接: ".encode()) + len('原文链接: "'.encode()) + len(WECHAT)
    )
    assert [(e.start, e.end, e.text) for e in diagnostic.fix.edits] == [
        (start, start + len("&chksm=84e2&scene=21"), "")
    ]


def test_fm018_fix_keeps_crlf_and_bom(make_vault):
    before = "\ufeff" + crlf(article(原文链接='"https://例子.cn/文章?utm_source=微信&id=3"'))
    after = "\ufeff" + crlf(article(原文链接='"https://例子.cn/文章?id=3"'))
    assert_fixes(make_vault, BLOG, before, after, "FM018")


def test_fm018_no_fix_for_escapes_or_several_lines(make_vault):
    files = {
        BLOG: article(原文链接='"https://a.com/p?id=1\\x26utm_source=x"'),
        "01-博客/作者甲/b.md": article(原文链接='"https://a.com/p?id=1&\\\n  utm_source=x"'),
    }
    found = check(make_vault(files), select=["FM018"])
    assert len(found) == 2 and [d.fix for d in found] == [None, None]


@pytest.mark.parametrize(
    "url",
    [
        f"{WECHAT}&chksm=1&scene=2#rd",
        "https://a.com/x?utm_source=a",
        "https://a.com/x?a=1&utm_source=a&b=2&fbclid=z",
        "https://a.com/x?utm_source=a&b=2",
        "https://a.com/x?b=%E4%B8%AD&utm%5Fsource=a",
        "https://a.com/x?a=1",
        "https://a.com/x",
    ],
)
def test_find_tracking_agrees_with_strip_tracking(url):
    found = find_tracking(url, TRACKING)
    clean = urls.strip_tracking(url, TRACKING)
    assert (found.clean if found else url) == clean
    assert find_tracking(clean, TRACKING) is None
