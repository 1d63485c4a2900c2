"""vaultkit.urls: checking one http(s) URL, normalising for comparison, stripping tracking."""

from __future__ import annotations

import pytest

from vaultkit import urls
from vaultkit.options import FrontmatterOptions

TRACKING = FrontmatterOptions().tracking_parameters


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com",
        "http://example.com/a/b?x=1#frag",
        "https://mp.weixin.qq.com/s?__biz=QUJD==&mid=1&idx=1&sn=abc",
        "https://例子.中国/路径",
        "https://example.com:8443/x",
        "https://[2001:db8::1]/x",
        "https://en.wikipedia.org/wiki/Python_(programming_language)",
        "https://link.zhihu.com/?target=https://github.com/x/y",
        "https://web.archive.org/web/2024/https://example.com/a",
    ],
)
def test_problem_accepts_http_urls(url):
    assert urls.problem(url) is None
    assert urls.is_http_url(url)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        (" https://example.com", "spaces around it; write `https://example.com`"),
        ("https://exa mple.com/", "contains a space at character 12"),
        ("https://a.com https://b.com", "more than one URL"),
        ("https://a.com/x,https://b.com", "more than one URL"),
        ("https://a.com/x.htmlhttps://b.com", "more than one URL"),
        ("mp.weixin.qq.com/s/abc", "no scheme; write `https://mp.weixin.qq.com/s/abc`"),
        ("//example.com/x", "no scheme; write `https://example.com/x`"),
        ("example.com:8080/x", "no scheme; write `https://example.com:8080/x`"),
        ("待补充", "is not a URL"),
        ("ftp://example.com/file", "is a `ftp:` URL"),
        ("javascript:alert(1)", "is a `javascript:` URL"),
        ("https:/example.com", "malformed; write `https://example.com`"),
        ("https://", "has no host"),
        ("https:///path", "has no host"),
        ("https://user:pw@example.com/", "user name or password"),
        ("https://exa..mple.com/", "invalid host"),
        ("https://example.com:99999/", "malformed"),
        ("https://example.com/page）", "ends in `）`"),
        ("https://example.com/page.", "ends in `.`"),
    ],
)
def test_problem_explains(text, expected):
    found = urls.problem(text)
    assert found is not None and expected in found, found


def test_normalize_ignores_what_does_not_name_another_page():
    same = [
        "https://Example.COM/a/b/?utm_source=x&b=2&a=1#section",
        "http://example.com:80/a/b?a=1&b=2",
        "https://example.com:443/a/b?b=2&a=1&utm_medium=y&fbclid=z",
        "https://example.com/a/%62?a=1&b=2",  # %62 is b
        "https://example.com./a/b?a=1&amp;b=2",
    ]
    keys = {urls.normalize(url, TRACKING) for url in same}
    assert keys == {"https://example.com/a/b?a=1&b=2"}


def test_normalize_keeps_what_names_another_page():
    base = urls.normalize("https://example.com/a?id=1", TRACKING)
    for other in (
        "https://example.com/a?id=2",
        "https://example.com/b?id=1",
        "https://example.org/a?id=1",
        "https://example.com:8080/a?id=1",
        "https://example.com/#/a?id=1",  # a route in the fragment is a page
    ):
        assert urls.normalize(other, TRACKING) != base, other
    assert urls.normalize("https://example.com/#/x") != urls.normalize("https://example.com/#/y")


def test_normalize_wechat_article_is_its_four_identifiers():
    a = "https://mp.weixin.qq.com/s?__biz=QUJD==&mid=26&idx=1&sn=ff&chksm=aa&scene=21#wechat_redirect"
    b = "http://mp.weixin.qq.com/s/?sn=ff&idx=1&mid=26&__biz=QUJD%3D%3D&foo=bar&exportkey=k"
    c = "https://mp.weixin.qq.com/s?__biz=QUJD==&mid=26&idx=2&sn=ff"  # second article of a push
    assert urls.normalize(a, TRACKING) == urls.normalize(b, TRACKING)
    assert urls.normalize(a, TRACKING) != urls.normalize(c, TRACKING)
    # without all four it is an ordinary URL (short links keep their path)
    assert urls.normalize("https://mp.weixin.qq.com/s/AbC-1", TRACKING) != urls.normalize(
        "https://mp.weixin.qq.com/s/AbC-2", TRACKING
    )


@pytest.mark.parametrize("text", ["待补充", "ftp://example.com/", "https://", "https://[::1/"])
def test_normalize_rejects_non_http(text):
    assert urls.normalize(text) is None


def test_tracking_globs_ignore_case():
    assert urls.is_tracking("utm_source", ["utm_*"])
    assert urls.is_tracking("UTM_Campaign", ["utm_*"])
    assert not urls.is_tracking("utmost", ["utm_*"])
    assert not urls.is_tracking("id", [])


def test_strip_tracking_keeps_the_rest_as_written():
    url = "https://example.com/a?b=2&utm_source=x&a=1&chksm=9#top"
    assert urls.strip_tracking(url, TRACKING) == "https://example.com/a?b=2&a=1#top"
    assert urls.strip_tracking("https://e.com/?utm_x=1", TRACKING) == "https://e.com/"
    assert urls.strip_tracking("https://e.com/p", TRACKING) == "https://e.com/p"
