"""Image URLs, offline (IM010–IM013, IM020): what is wrong with an image's URL as written.

Nothing here touches the network (`--online` does that, IM100/IM101). Each
Markdown image's destination is classified once (`_common.classify`) and each
rule reports one kind of problem, so an image gets at most one of IM010–IM012;
IM013 (plain `http:`) and IM020 (an at-risk host) may add a warning to a
well-formed URL. Positions are those of the image's `![`.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.images._common import (
    code,
    host_entries,
    image_urls,
    is_local_host,
    matching_host,
    quoted,
    short,
)

_STOP = regexes.compile(rb"[\]\n]")  # what ends an image's alt text on its line
_SPACE = regexes.compile(r"\s")
_LOCAL_COPY = "save the image into the vault and embed the local copy (`![[name.png]]`)"


class _ImageUrlRule(NoteRule):
    category = "images"


@register
class EmptyImageUrl(_ImageUrlRule):
    """Image with an empty URL.

    ## What it does
    Reports a Markdown image without a destination: `![]()`, `![图1]()`,
    `![](<>)`, `![]( )`, or a reference image whose definition is empty.

    ## Why is this bad?
    There is nothing to show: the image was lost when the page was saved (a
    lazy-loaded picture whose address was never filled in) or the URL was
    deleted by hand. The reader sees nothing, or a broken-image icon.

    ## Example
    ```markdown
    ![]()
    ```

    ## Use instead
    The image's URL, a local copy, or nothing at all:
    ```markdown
    ![](https://example.com/images/figure-1.png)
    ```
    """

    code = "IM010"
    name = "empty-image-url"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for link, url in image_urls(note):
            if url.kind == "empty":
                yield self.at_bytes(
                    note, link.start, link.end,
                    f"{quoted(note, link)} has no URL, so it shows nothing; put the image's URL "
                    "or path between the parentheses, or remove the image",
                )  # fmt: skip


_URL_PIECE = regexes.compile(r"[^\s()\[\]<>]*")  # a piece of a URL: no space, bracket or paren


def _closed_below(note: Note, line_end: int, most: int = 3) -> int | None:
    """The line, among the next `most` lines after `line_end`, where a URL that a scraper
    broke over lines ends with its `)`: the lines up to it hold nothing but URL characters."""
    if line_end == -1:
        return None
    line = note.line_of(line_end)
    for number in range(line + 1, min(line + most, len(note.lines)) + 1):
        text = note.lines[number - 1].strip()
        piece = text.split(")", 1)[0]
        if not text or not _URL_PIECE.fullmatch(piece):
            return None
        if ")" in text:
            return number
    return None


def _opens(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """Where each `![alt](` starts and ends (`alt` on one line, without `]`), in one pass.

    A regular expression for this rescans a line full of `![` that never
    reaches a `](` once per `![`; here each `]` or line end is looked for once.
    """
    pos, stop = data.find(b"![", start), -1
    while pos >= 0:
        if stop < pos + 2:  # else no `]` or line end lies between pos + 2 and `stop`
            found = _STOP.search(data, pos + 2)
            stop = found.start() if found is not None else len(data)
        if data.startswith(b"](", stop):
            yield pos, stop + 2
            pos = data.find(b"![", stop + 2)
        else:
            pos = data.find(b"![", pos + 1)


def _unparsed(note: Note) -> Iterator[tuple[int, int, str]]:
    """`![…](…` that Markdown does not read as an image: unterminated, or with spaces."""
    data = note.data
    if data.find(b"](", note.body_start) == -1:
        return
    parsed = {link.start for link in note.links if link.embed}
    lines = note.source.lines
    for start, after in _opens(data, note.body_start):
        if start in parsed or (start and data[start - 1] == 0x5C) or note.in_code(start):
            continue
        line = lines.line_of(after)  # the line's end, found without scanning the line
        line_end = lines.line_start(line + 1) - 1 if line < len(lines.starts) else len(data)
        nested = data.find(b"![", after, line_end)  # the next image: nothing after it counts
        rest = data[after : line_end if nested == -1 else nested + 2]
        rest = rest.rstrip(b"\r").decode("utf-8", "replace")
        closing = rest.find(")")
        nested = rest.find("![")  # the next image starts before this one closed
        if nested != -1 and (closing == -1 or nested < closing):
            closing, rest = -1, rest[:nested]
        if closing == -1:
            url = rest.split(None, 1)[0] if rest.strip() else ""
            destination, stop = url, after + len(rest[: rest.find(url) + len(url)].encode())
        else:
            destination, stop = rest[:closing].strip(), after + len(rest[: closing + 1].encode())
        space = _SPACE.search(destination)
        if destination.startswith("<") and ">" not in destination:
            reason = "has `<` before its URL but no closing `>`; write `<URL>)`"
        elif closing == -1:
            later = _closed_below(note, line_end) if rest.strip() == destination else None
            reason = (
                f"is broken over lines: its closing `)` is on line {later}; join the lines "
                "of the URL"
                if later
                else "has no closing `)`; add it after the URL"
            )
        elif space is not None and not destination.startswith("<"):
            before = short(destination[: space.start()], 60)
            reason = (
                f"is not read as an image: its URL has a space after `{before}`; write spaces "
                "as `%20`, or wrap the URL in `<…>`"
            )
        else:
            reason = (
                f"is not read as an image: `{short(destination, 60)}` is not a valid "
                "destination; wrap the URL in `<…>`"
            )
        yield start, stop, reason


@register
class MalformedImageUrl(_ImageUrlRule):
    """Image URL is malformed or not a web address.

    ## What it does
    Reports an image whose destination cannot load anywhere:

    - image syntax that Markdown does not read as an image at all: no closing
      `)` (`![](https://example.com/a.png`; when a `)` follows on one of the
      next lines of the paragraph, the URL was broken over lines, and the
      message says so), a space in the URL
      (`![](https://example.com/my image.png)`), `<` without `>`;
    - an `http(s):` URL without `//` (`https:example.com/a.png`), without a
      host (`https:///a.png`), with an invalid host or port;
    - a protocol-relative URL (`//example.com/a.png`), which works only inside
      a web page, not in Obsidian;
    - an app link or another scheme no viewer loads images from (`weixin://`,
      `wxfile://`, `javascript:`), or a `data:` URL without its `,`.

    `blob:`, `file:` and `ftp:` URLs, which were real images somewhere once,
    are IM012's; local paths are the local rules' (IM001–IM005).

    ## Why is this bad?
    The reader sees the raw text or a broken image. These come from pasting
    out of apps and half-finished edits, and nothing else points them out.

    ## Example
    ```markdown
    ![](https://example.com/images/my chart.png)
    ![](weixin://resource/abc)
    ```

    ## Use instead
    ```markdown
    ![](https://example.com/images/my%20chart.png)
    ```
    and the image's real `https://` URL (or a local copy) instead of the app link.
    """

    code = "IM011"
    name = "malformed-image-url"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = [
            (link.start, link.end, f"{quoted(note, link)}: the URL {url.detail}")
            for link, url in image_urls(note)
            if url.kind == "malformed"
        ]
        found += [
            (start, end, f"{code(short(note.slice(start, end)))} {reason}")
            for start, end, reason in _unparsed(note)
        ]
        for start, end, message in sorted(found):
            yield self.at_bytes(note, start, end, message)


def _file_name(url: str) -> str:
    """The file name at the end of a `file:` or `blob:` URL, if any (`x.png`)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    name = posixpath.basename(unquote(path).replace("\\", "/"))
    return name if "." in name else ""


@register
class UnloadableImageScheme(_ImageUrlRule):
    """Image URL can only ever load on the machine that wrote it.

    ## What it does
    Reports an image whose URL worked once, somewhere, but never will in a
    synced or published vault:

    - `blob:` URLs: an image in the memory of one browser tab, copied along
      with a page; gone when the tab closed;
    - `file:` URLs (`file:///C:/Users/me/x.png`): a file on the author's disk;
    - `ftp:` URLs: browsers no longer load them;
    - `data:` images larger than `[images] data-url-max-bytes` (16 KiB by
      default, counted as written in the note): a picture pasted as base64
      text. Small `data:` images (icons) are fine.

    ## Why is this bad?
    The image is broken for every reader but one. A large `data:` image makes
    the note heavy (base64 adds a third to the size, all on one line), slow
    to open, diff and search, and sanitizing renderers (GitHub's) drop every
    `data:` image.

    ## Example
    ```markdown
    ![](blob:https://mp.weixin.qq.com/5d0c0a6e-0b7f-4a2e-9d1c-1f2e3d4c5b6a)
    ![](file:///Users/me/Desktop/shot.png)
    ```

    ## Use instead
    Save the image into the vault and embed it:
    ```markdown
    ![[shot.png]]
    ```

    ## Options
    - `[images] data-url-max-bytes` (default `16384`).
    """

    code = "IM012"
    name = "unloadable-image-scheme"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        limit = settings.images.data_url_max_bytes
        for link, url in image_urls(note):
            if url.kind == "unloadable":
                message = self._scheme(note, link, url.detail or "")
            elif url.kind == "data":
                size = len(link.target.strip().encode())
                if size <= limit:
                    continue
                message = (
                    f"{quoted(note, link)} is a `data:` image of {_size(size)} written into "
                    f"the note, over the {_size(limit)} of `[images] data-url-max-bytes`; "
                    f"{_LOCAL_COPY}"
                )
            else:
                continue
            yield self.at_bytes(note, link.start, link.end, message)

    def _scheme(self, note: Note, link, scheme: str) -> str:
        name = _file_name(link.target.strip())
        copy = (
            f"copy `{name}` into the vault and embed it (`![[{name}]]`)" if name else (_LOCAL_COPY)
        )
        if scheme == "blob":
            why = "named an image in one browser tab's memory, gone when the tab closed"
            return (
                f"{quoted(note, link)} is a `blob:` URL: it {why}; download the image from "
                "the original page, save it into the vault and embed it (`![[name.png]]`)"
            )
        if scheme == "file":
            return (
                f"{quoted(note, link)} is a `file:` URL: it loads only on the machine that "
                f"wrote it; {copy}"
            )
        return (
            f"{quoted(note, link)} is an `{scheme}:` URL, which browsers no longer load; find an "
            f"`https://` copy, or {_LOCAL_COPY}"
        )


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KiB" if count >= 1024 else f"{count} bytes"


@register
class InsecureImageUrl(_ImageUrlRule):
    """Image loaded over plain `http:`.

    ## What it does
    Reports a remote image whose URL starts with `http://` while
    `[images] require-https` is on (the default). Addresses on the local
    machine or network (`localhost`, `127.0.0.1`, `192.168.…`) are left to
    ST113 and the online check (IM101): their problem is not the scheme.

    ## Why is this bad?
    A vault published as a site is served over `https:`; browsers then block
    or force-upgrade plain-`http:` images (mixed content), and an upgraded
    URL fails when the host has no certificate. Over `http:` the picture can
    also be swapped on the way. Most hosts serve the same image over `https:`.

    ## Example
    ```markdown
    ![](http://images.example.com/2021/03/chart.png)
    ```

    ## Use instead
    ```markdown
    ![](https://images.example.com/2021/03/chart.png)
    ```

    ## Options
    - `[images] require-https` (default `true`); set it to `false`, for all
      notes or in an `[[overrides]]` entry, where plain `http:` is acceptable
      (a vault that is never published).
    """

    code = "IM013"
    name = "insecure-image-url"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if not settings.images.require_https:
            return
        for link, url in image_urls(note):
            if url.kind != "http" or is_local_host(url.host):
                continue
            secure = "https" + link.target.strip()[4:]
            yield self.at_bytes(
                note, link.start, link.end,
                f"{quoted(note, link)} loads over plain `http:`, which a site served over "
                f"`https:` blocks or upgrades; write `{short(secure)}` if the host serves it, "
                f"or {_LOCAL_COPY}",
            )  # fmt: skip


@register
class ImageHostAtRisk(_ImageUrlRule):
    """Images hosted where they are hot-link protected or deleted (one finding per note).

    ## What it does
    Reports a note whose remote images come from a host on
    `[images] at-risk-hosts` (a host matches an entry when it is the entry or
    one of its subdomains). The default list holds WeChat's image hosts
    (`mmbiz.qpic.cn`, `mmbiz.qlogo.cn`) and other CDNs known to refuse
    hot-linking (Weibo's `sinaimg.cn`, CSDN's `csdnimg.cn`, Jianshu's
    `upload-images.jianshu.io`).

    One finding per note, at its first such image, with the count per host:
    a real archive of WeChat articles has some 9,000 of these images in
    3,000 notes, and a finding per image would bury every other problem. The
    fix is per note too (localise the note's images).

    Off by default: in such an archive nearly every article would carry it,
    and the images still load today. Select it for an audit
    (`vaultkit check --extend-select IM020 --statistics`) or switch it on for
    the folders you want localised.

    ## Why is this bad?
    These hosts serve an image only to their own pages: elsewhere it shows a
    "not allowed" placeholder, and it disappears for good when the article is
    deleted. A copy in the vault is the only one that lasts.

    ## Example
    ```markdown
    ![](https://mmbiz.qpic.cn/mmbiz_png/AbCdEf123/640?wx_fmt=png)
    ```

    ## Use instead
    ```markdown
    ![[2024-12-21 架构图.png]]
    ```

    ## Options
    - `[images] at-risk-hosts` (default `["mmbiz.qpic.cn", "mmbiz.qlogo.cn",
      "sinaimg.cn", "csdnimg.cn", "upload-images.jianshu.io"]`).
    """

    code = "IM020"
    name = "image-host-at-risk"
    severity = Severity.WARNING
    default_enabled = False

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        entries = host_entries(settings.images.at_risk_hosts)
        if not entries:
            return
        first, hosts = None, Counter()
        for link, url in image_urls(note):
            if url.kind in ("http", "https"):
                entry = matching_host(url.host, entries)
                if entry is not None:
                    hosts[entry] += 1
                    first = first or link
        if first is None:
            return
        total = sum(hosts.values())
        counts = ", ".join(f"`{host}` ×{count}" for host, count in hosts.most_common())
        images = "this image" if total == 1 else f"{total} images of this note, the first here"
        yield self.at_bytes(
            note, first.start, first.end,
            f"{images} ({counts}): hot-link protected, shown only on the host's own pages and "
            f"lost when the original is deleted; localise {'it' if total == 1 else 'them'}: "
            f"{_LOCAL_COPY}",
        )  # fmt: skip
