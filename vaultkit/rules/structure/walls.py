"""Structure rules about notes that hold the page a scraper hit instead of the article.

ST121: a captcha or bot-check page (WeChat's `环境异常` / `完成验证后即可继续访问`,
Cloudflare's `Just a moment...`), which the vaults' rules name and forbid as a body.
ST122 (off by default): a short article that is a login wall or an error page.
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import article_span

_LONGEST = 80  # characters: a longer line is a sentence about such a page, not the page
_SHORT = 600  # characters of text: an article this short can be nothing but the wall
_MARKUP = "#*>_-`[]() \t"
# What the vaults' rules name as a page that is not the article (skills/web-full-archive.md):
# phrases found in a short line, and lines that are nothing else (`# 环境异常`, `去验证`).
_CAPTCHA = regexes.Caseless(
    r"完成验证后即可继续访问|当前环境异常|wappoc_appmsgcaptcha|enable javascript and cookies to "
    r"continue|checking if the site connection is secure|checking your browser before accessing"
    r"|verify you are human by completing",
)
_CAPTCHA_LINE = regexes.Caseless(r"环境异常|去验证|just a moment\.\.\.")
# A WeChat captcha URL, found on a line of any length.
_CAPTCHA_URL = regexes.compile(r"https?://\S*(wappoc_appmsgcaptcha)")
_WALL = regexes.Caseless(
    r"(?:请)?登录后(?:查看|阅读|继续)|请先登录|(?:sign|log) in to (?:continue|view|read)"
    r"|subscribe to (?:continue|keep) reading|you must be logged in|this content is for "
    r"(?:subscribers|members)|404(?: -)? (?:not found|page not found)|page not found"
    r"|this page could not be found|页面不存在|页面找不到了|(?:该|此)内容已被(?:发布者)?删除"
    r"|此内容因违规无法查看|access denied|403 forbidden|error 404",
)


def _mentions(text: str, *patterns: regexes.Caseless) -> bool:
    """Whether one of `patterns` matches in `text` (lowercased once for all)."""
    lower = regexes.lowered(text)
    return any(pattern.found_in(text, lower) for pattern in patterns)


_ADVICE = (
    "refetch the article, or keep only an access-restricted record (the source link and "
    "the fact that the page was refused), without the page's text"
)


def _lines(note: Note) -> list[int]:
    """The article's lines (the body's when there is no `## 正文`), outside code."""
    span = article_span(note) or (note.body_start, len(note.data))
    if span[0] >= span[1]:
        return []
    first, last = note.line_of(span[0]), note.line_of(max(span[0], span[1] - 1))
    code = note.code_lines
    return [n for n in range(first, last + 1) if n not in code and note.lines[n - 1].strip()]


def _marker(note: Note, number: int, pattern: regexes.Caseless) -> str | None:
    """The marker on line `number`, if the line is short enough to be the page itself."""
    text = note.lines[number - 1].strip()
    url = _CAPTCHA_URL.search(text) if pattern is _CAPTCHA else None
    if url is not None:
        found = url.group(1)
    elif len(text) > _LONGEST:
        return None
    elif pattern is _CAPTCHA and _CAPTCHA_LINE.ignorecase.fullmatch(text.strip(_MARKUP)):
        found = text.strip(_MARKUP)
    else:
        match = pattern.ignorecase.search(text)
        found = match.group() if match else None
    if found is None:
        return None
    raw = note.lines[number - 1]
    offset = note.source.lines.line_start(number) + len(raw[: raw.find(found)].encode())
    return None if note.in_code(offset) else found  # `…` in a code span: quoted, not the page


@register
class CaptchaPage(NoteRule):
    """The note holds a captcha or bot-check page instead of the article.

    ## What it does
    Reports, once, a short line of the article (of the body, when there is
    no `## 正文`) that belongs to a captcha or bot-check page: WeChat's
    `当前环境异常，完成验证后即可继续访问`, a line that is only `环境异常` or
    `去验证`, a `wappoc_appmsgcaptcha` link (on any line), Cloudflare's
    `Just a moment...` line, `Enable JavaScript and cookies to continue`,
    `Checking your browser before accessing`, `Verify you are human by
    completing…`. Lines over 80 characters (an article that writes about such
    pages) and code are left alone.

    ## Why is this bad?
    The vaults' rules say it in so many words: a page with these words is
    not the article, the text was never fetched, and it must not be archived
    as if it were; write an access-restricted record instead if the article
    cannot be fetched.

    ## Example
    ```markdown
    ## 正文

    # 环境异常

    当前环境异常，完成验证后即可继续访问。

    去验证
    ```

    ## Use instead
    The article's text, fetched again; or a short record that the page was
    refused, with the source link, and no text of the captcha page.
    """

    code = "ST121"
    name = "captcha-page"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        text = note.text
        if note.source is None or not _mentions(text, _CAPTCHA, _CAPTCHA_LINE):
            return
        for number in _lines(note):
            marker = _marker(note, number, _CAPTCHA)
            if marker is not None:
                column = note.lines[number - 1].find(marker) + 1
                yield self.at_line(
                    note, number, column, len(marker),
                    f"`{marker}` is from a captcha page, not the article: the scraper "
                    f"was refused; {_ADVICE}",
                )  # fmt: skip
                return  # one finding per note: the whole note is the page


@register
class WallOrErrorPage(NoteRule):
    """The article is a login wall or an error page (off by default).

    ## What it does
    Reports an article (the body, when there is no `## 正文`) of under 600
    characters of text with a short line of a login wall (`请登录后查看`,
    `Sign in to continue`, `Subscribe to continue reading`) or of an error
    page (`404 Not Found`, `Page not found`, `页面不存在`, `该内容已被发布者删除`,
    `Access Denied`), once, at that line. Long articles that mention such
    pages are left alone.

    Off by default: the vault this rule was measured on has no such note, so
    its precision is unmeasured. Select `ST122` to use it.

    ## Why is this bad?
    The note archives the page the scraper hit, not the article: search and
    summaries treat an error message as content, and the article is missing
    without anyone noticing.

    ## Example
    ```markdown
    ## 正文

    # 404 Not Found

    The page you requested could not be found.
    ```

    ## Use instead
    The article's text, fetched again; or a short record that the page was
    refused, with the source link.
    """

    code = "ST122"
    name = "wall-or-error-page"
    category = "structure"
    default_enabled = False

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if note.source is None or not _mentions(note.text, _WALL):
            return
        lines = _lines(note)
        size = sum(len("".join(note.lines[n - 1].split())) for n in lines)
        if size >= _SHORT:
            return
        for number in lines:
            marker = _marker(note, number, _WALL)
            if marker is not None:
                column = note.lines[number - 1].find(marker) + 1
                yield self.at_line(
                    note, number, column, len(marker),
                    f"the article is {size} characters long and shows `{marker}`: it "
                    f"is a login wall or an error page, not the article; {_ADVICE}",
                )  # fmt: skip
                return
