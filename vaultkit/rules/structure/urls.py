"""Structure rules about risky links in the body: scripts, credentials, glued punctuation.

The small URL helpers here are private on purpose (`vaultkit.urls` is the
shared URL module); they only split a URL into host, path and parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix
from vaultkit.note import Link, Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import (
    ASCII_PUNCT,
    CJK_PUNCT,
    BareUrl,
    bare_urls,
    glued,
    lowered,
    split_target,
    target_offset,
)

# Hosts whose `/<owner>/<name>` pages are projects, not files (`github.com/mrdoob/three.js`).
_PROJECT_HOSTS = frozenset(
    {
        "github.com", "gitlab.com", "gitee.com", "codeberg.org", "bitbucket.org",
        "sourceforge.net", "huggingface.co", "www.npmjs.com", "npmjs.com",
    }
)  # fmt: skip
_PARAM = regexes.compile(r"(?:^|[?&;#])([^=&;#?]+)=")
_LAST = CJK_PUNCT | ASCII_PUNCT | {")", "]"}  # a target ending otherwise is fine
_HOST_MARKER = regexes.compile(r"\[?[0-9a-z.:-]+\]?")
_TARGET_ENDS = (b")", b">", b" ", b"\t", b"\r", b"\n")  # what may follow a link's destination


def _url_links(note: Note, images: bool) -> Iterator[Link]:
    """Links with a URL or path target: not wikilinks, not e-mail; images only if asked."""
    for link in note.links:
        if link.is_wikilink or link.kind == "email" or (link.embed and not images):
            continue
        yield link


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:  # e.g. an unclosed `[` of an IPv6 host
        return None


def _link_target_span(note: Note, link: Link, target: str) -> tuple[int, int]:
    """The bytes of `target` inside the link, or the whole link when it is not verbatim there."""
    offset = target_offset(note, link.start, link.end, target)
    if offset is None:
        return link.start, link.end
    return offset, offset + len(target.encode())


# ---------------------------------------------------------------- ST112


def _script_path(target: str) -> str | None:
    """The file path a link target names (decoded, without query or fragment), if it is a file."""
    parts = _split(target.strip())
    if parts is None:
        return None
    if parts.scheme and parts.scheme.lower() not in ("http", "https", "file", "ftp"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    host = (parts.hostname or "").lower()
    if host in _PROJECT_HOSTS and len(segments) == 2 and not parts.path.endswith("/"):
        return None  # a project page, named like a file (`discord.py`, `three.js`)
    if parts.path.endswith("/"):
        return None
    return unquote(parts.path)


@register
class ScriptLink(NoteRule):
    """A clickable Markdown link to a script or notebook (`.py`, `.sh`, `.ipynb`, …).

    ## What it does
    Reports Markdown links (inline and reference; not images) whose target
    path, URL-decoded and without query or fragment, ends in one of
    `script-extensions`. Project pages named like files
    (`https://github.com/mrdoob/three.js`) are not reported. An address
    written out, bare or as a `<…>` autolink, shows what it leads to and is
    not reported, as in the owners' own check (`[text](….py)` links): so
    ST114's fix, which writes a bare URL as `<…>`, never makes one.

    Wikilinks are not checked: `[[Node.js]]` names a note far more often than
    a script, and Obsidian resolves it to `Node.js.md`.

    ## Why is this bad?
    Archived READMEs carry relative links such as `[train.py](train.py)` that
    point nowhere in the vault, and a click on a raw script link downloads or
    runs code. A note should name the file, not make it clickable.

    ## Example
    ```markdown
    运行 [setup.sh](https://example.com/install/setup.sh) 即可。
    ```

    ## Use instead
    ```markdown
    运行 `setup.sh`（见 [安装说明](https://example.com/install/)）即可。
    ```

    ## Options
    `structure.script-extensions` (default `[".py", ".sh", ".ipynb", ".js", ".ts", ".ps1"]`).
    """

    code = "ST112"
    name = "script-link"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if not note.links:
            return
        extensions = tuple(
            ext.lower() if ext.startswith(".") else f".{ext.lower()}"
            for ext in settings.structure.script_extensions
            if ext
        )
        if not extensions:
            return
        for link in _url_links(note, images=False):
            if link.kind == "autolink":
                continue  # the address is the text: the reader sees where it leads
            low = (unquote(link.target) if "%" in link.target else link.target).lower()
            if not any(ext in low for ext in extensions):  # a cheap test before `urlsplit`
                continue
            path = _script_path(link.target)
            if path is None or not path.lower().endswith(extensions):
                continue
            name = path.rsplit("/", 1)[-1]
            yield self.at_bytes(
                note, link.start, link.end,
                f"link to the script `{name}` (`{link.target}`): scripts should not be "
                f"clickable in notes; write `{name}` as code, or link the page that describes it",
            )  # fmt: skip


# ---------------------------------------------------------------- ST113


@lru_cache(maxsize=32)
def _markers(markers: tuple[str, ...]):
    """Sort markers into schemes (`blob:`), parameters (`jwt=`), hosts and other text."""
    schemes, params, hosts, texts, quick = [], [], [], [], ["@"]
    for marker in markers:
        low = marker.strip().lower()
        if not low:
            continue
        quick.append(low)
        if low.endswith(":") and low[:-1].isalpha():
            schemes.append(low)
        elif low.endswith("="):
            params.append(low[:-1])
        elif _HOST_MARKER.fullmatch(low) and (low == "localhost" or "." in low or ":" in low):
            hosts.append(low.strip("[]"))
        else:
            texts.append((low, marker.strip()))
    # Every marker's text must occur in a URL that has it: a cheap test before `urlsplit`.
    quick_test = re.compile("|".join(map(re.escape, quick))).search
    quick_bytes = tuple(marker.encode() for marker in quick)
    return tuple(schemes), frozenset(params), tuple(hosts), tuple(texts), quick_test, quick_bytes


def _host_matches(host: str, marker: str) -> bool:
    if marker.endswith("."):  # an address prefix such as `192.168.`
        return host.startswith(marker)
    return host == marker or host.endswith("." + marker)


# Loopback hosts are reported wherever the markers say, and always in a link list: the owners'
# rule bans them from "索引/清单文档中的链接列表" (their check: `^[0-9]+\. https?://localhost`).
_LOOPBACK = ("localhost", "127.0.0.1", "0.0.0.0", "::1")
_LIST_ITEM = regexes.compile(rb"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(.*?)[ \t]*\r?")


def _link_list_entry(note: Note, start: int, end: int) -> bool:
    """Whether the URL at `start:end` is a list item's whole text: `1. URL`, `- <URL>`,
    `- [text](URL)` (the entries of a link list, not a URL inside a sentence)."""
    data = note.data
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", end)
    item = _LIST_ITEM.fullmatch(data, line_start, len(data) if line_end < 0 else line_end)
    if item is None:
        return False
    entry, url = item.group(1), re.escape(data[start:end])
    return re.fullmatch(rb"<?%s>?|\[[^\]\n]*\]\(<?%s>?\)" % (url, url), entry) is not None


def _loopback(url: str) -> list[tuple[str, str]]:
    parts = _split(url)
    host = ((parts.hostname or "") if parts is not None else "").lower()
    return [(f"the local address `{h}`", "local") for h in _LOOPBACK if _host_matches(host, h)]


_ADVICE = {
    "local": "it only works on the author's machine; link a public page or remove the link",
    "scheme": "it only works on the author's machine; link a public page or remove the link",
    "token": "it leaks access (and signed links expire); link the public page without it",
    "password": "it leaks the password; remove `user:password@` from the URL",
}


def _sensitive(url: str, markers: tuple[str, ...]) -> list[tuple[str, str]]:
    """What makes `url` sensitive: (short phrase, kind of problem: a key of `_ADVICE`) pairs."""
    low = url.lower()
    schemes, params, hosts, texts, quick_test, _ = _markers(markers)
    if quick_test(low) is None:
        return []
    found = [(f"the `{s}` scheme", "scheme") for s in schemes if low.startswith(s)]
    parts = _split(url)
    if parts is None:
        return found
    host = (parts.hostname or "").lower()
    if host:
        found += [(f"the local address `{h}`", "local") for h in hosts if _host_matches(host, h)]
    if parts.password:
        found.append(("a user name and password before `@`", "password"))
    after_host = low.split(parts.netloc.lower(), 1)[-1] if parts.netloc else low
    if params and "=" in after_host:
        query = f"?{parts.query}#{parts.fragment}".lower()
        names = {match.group(1) for match in _PARAM.finditer(query)}
        found += [(f"a `{p}=` parameter", "token") for p in sorted(params & names)]
    found += [(f"`{shown}`", "token") for text, shown in texts if text in after_host]
    return found


@register
class SensitiveUrl(NoteRule):
    """A URL that carries credentials, or a `blob:` link that only ever worked in one browser.

    ## What it does
    Checks the URLs of links, images, `<…>` autolinks and bare URLs in the
    body's text for the `sensitive-url-markers` and for a `user:password@`
    part. Each marker is matched where it means something, so the words alone
    in a path or in prose are not reported:

    - `localhost`, IP addresses and names with a dot (`127.0.0.1`, `0.0.0.0`)
      must be the URL's host (`localhost` also matches `app.localhost`; a
      marker ending in `.` such as `192.168.` is an address prefix). These
      are not in the default list: in an archived tutorial,
      `http://localhost:3000` is an instruction ("open this after starting
      the server"), not a leak. Add them for a vault of personal notes.
      A loopback address (`localhost`, `127.0.0.1`, `0.0.0.0`, `::1`) that
      is a whole list entry (`1. http://127.0.0.1:7860/`, `- [面板](http://localhost:3000)`)
      is always reported: the vault's own rule bans such links from link
      lists;
    - a marker ending in `=` (`jwt=`) is a query or fragment parameter name;
    - a marker ending in `:` (`blob:`) is the URL's scheme;
    - any other marker (`X-Amz-`, `unsubscribe-auth`) is matched, ignoring
      case, anywhere after the host.

    ## Why is this bad?
    Saved pages and e-mails carry signed links: `jwt=` tokens, AWS
    `X-Amz-Signature` parameters, GitHub `unsubscribe-auth` links. In a
    shared vault they leak access, and they expire anyway. `blob:` links
    only ever worked in the author's browser tab.

    ## Example
    ```markdown
    [报告](https://files.example.com/r.pdf?X-Amz-Signature=abc123)
    [截图](blob:https://example.com/5c1e-42)
    ```

    ## Use instead
    ```markdown
    [报告](https://example.com/reports/r)
    ```

    ## Options
    `structure.sensitive-url-markers` (default `["jwt=", "X-Amz-", "unsubscribe-auth",
    "blob:"]`; add `"localhost"`, `"127.0.0.1"`, `"0.0.0.0"` to report local addresses).
    """

    code = "ST113"
    name = "sensitive-url"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        markers = tuple(settings.structure.sensitive_url_markers)
        low, body = lowered(note), note.body_start
        quick = (*_markers(markers)[-1], *(host.encode() for host in _LOOPBACK))
        if not any(low.find(marker, body) >= 0 for marker in quick):
            return  # no marker, no loopback host and no `@` anywhere in the body
        found: list[tuple[int, int, str, list[tuple[str, str]]]] = []
        for link in _url_links(note, images=True):
            reasons = _sensitive(link.target, markers)
            if link.embed:  # an image whose scheme can never load is IM012's; a leak stays ours
                reasons = [reason for reason in reasons if reason[1] != "scheme"]
            start, end = _link_target_span(note, link, link.target)
            reasons = reasons or self._listed_loopback(note, start, end, link.target)
            if reasons:
                found.append((start, end, link.target, reasons))
        for bare in bare_urls(note):
            reasons = _sensitive(bare.url, markers) or self._listed_loopback(
                note, bare.start, bare.end, bare.url
            )
            if reasons:
                found.append((bare.start, bare.end, bare.url, reasons))
        for start, end, _url, reasons in sorted(found, key=lambda item: item[0]):
            advice = _ADVICE[reasons[0][1]]
            yield self.at_bytes(
                note, start, end,
                f"URL carries {' and '.join(text for text, _ in reasons)}: {advice}",
            )  # fmt: skip

    @staticmethod
    def _listed_loopback(note: Note, start: int, end: int, url: str) -> list[tuple[str, str]]:
        low = url.lower()
        if not any(host in low for host in _LOOPBACK) or not _link_list_entry(note, start, end):
            return []
        return _loopback(url)


# ---------------------------------------------------------------- ST114


def _describe(punct: str) -> str:
    kind = "full-width punctuation" if any(c in CJK_PUNCT for c in punct) else "punctuation"
    return f"{kind} `{punct}`"


@register
class UrlTrailingPunctuation(NoteRule):
    """Punctuation glued to the end of a URL (`https://x.com/page）`, `…/a。`).

    ## What it does
    Reports a bare URL in text, or the target of a link or `<…>` autolink,
    that has punctuation glued to its end: full-width punctuation (`）`, `。`,
    `，`, `”`) or ASCII `.`, `,`, `;`, `:`, `!`, `?` at the end of a
    sentence. Balanced parentheses stay part of the URL
    (`https://en.wikipedia.org/wiki/Foo_(bar)`), a trailing `/` is fine, and
    an ASCII `)` closing the surrounding sentence's parenthesis is not
    reported. Full-width punctuation ends a bare URL wherever it is, since a
    browser copies such characters percent-encoded.

    ## Why is this bad?
    Obsidian and most tools take every non-space character after `https://`
    into the link, so the punctuation becomes part of the address and the
    link leads to a page that does not exist.

    ## Example
    ```markdown
    （见 https://example.com/page）
    详情：https://example.com/a。
    [官网](https://example.com/b，)
    ```

    ## Use instead
    ```markdown
    （见 <https://example.com/page>）
    详情：<https://example.com/a>。
    [官网](https://example.com/b)，
    ```

    ## Fix safety
    Safe for a bare URL: it is written as an autolink,
    `<https://example.com/a>。`, which ends exactly where the URL ends; the
    text keeps every character. Unsafe for a link's target: the punctuation
    is moved to right after the link, `[官网](https://example.com/b)，`,
    where the reader now sees it, and it may belong to the address (a text
    fragment `#:~:text=…conditions.`). No fix is offered for a bare URL right
    after a `<`, or for a link whose target goes on after the punctuation.
    """

    code = "ST114"
    name = "url-trailing-punctuation"
    category = "structure"
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        # start, url, punctuation, in a link, fix
        found: list[tuple[int, str, str, bool, Fix | None]] = []
        for link in _url_links(note, images=False):
            if not link.target or link.target[-1] not in _LAST:
                continue
            url, rest = split_target(link.target)
            punct = glued(rest)
            if punct and "://" in url[:12]:
                offset = target_offset(note, link.start, link.end, link.target)
                if offset is not None:
                    start = offset + len(url.encode())
                    fix = self._move_out(note, link, start, punct, rest)
                    found.append((start, url, punct, True, fix))
        for bare in bare_urls(note):
            punct = glued(bare.rest)
            if punct:
                found.append((bare.end, bare.url, punct, False, self._wrap(note, bare)))
        for start, url, punct, in_link, fix in sorted(found, key=lambda item: item[0]):
            end = start + len(punct.encode())
            if in_link:
                message = (
                    f"link target ends with {_describe(punct)}: it should end with `{url}`; "
                    "move the punctuation out of the link"
                )
            else:
                message = (
                    f"{_describe(punct)} is glued to the URL `{url}`: the URL should end "
                    "before it; put a space after the URL or write it as `<…>`"
                )
            yield self.at_bytes(note, start, end, message, fix)

    def _move_out(self, note: Note, link: Link, start: int, punct: str, rest: str) -> Fix | None:
        """Move the punctuation at `start` from the link's target to right after the link.

        Only when the punctuation is all that follows the URL in the target
        (the target becomes exactly the URL) and the target found is the
        link's destination, which ends at `)`, `>` or the space before a title.
        """
        end = start + len(punct.encode())
        if punct != rest or note.data[end : end + 1] not in _TARGET_ENDS:
            return None
        edits = (Edit(start, end, ""), Edit(link.end, link.end, punct))
        return Fix(f"move `{punct}` after the link", edits, safe=False)

    def _wrap(self, note: Note, bare: BareUrl) -> Fix | None:
        """Write a bare URL as an autolink `<url>`, which ends where the URL ends.

        Not when a `<` is already right before it (a broken `<…>` autolink).
        """
        start, end, url = bare.start, bare.end, bare.url
        if note.data[start - 1 : start] == b"<" or note.data[start:end] != url.encode():
            return None
        return self.make_fix(
            f"write the URL as `<{url}>`", Edit(start, start, "<"), Edit(end, end, ">")
        )
