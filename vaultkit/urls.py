"""URLs as notes write them: is a text one usable http(s) URL, and which page does it name.

- `problem(text)`: why `text` is not one absolute http(s) URL (None when it is).
- `normalize(url, tracking)`: the form two URLs of the same page share, for comparing
  (`http`/`https`, host case, default port, trailing slash, fragment, tracking parameters
  and query order do not matter; a WeChat article is its `__biz`, `mid`, `idx` and `sn`).
- `strip_tracking(url, tracking)`: the URL as written, minus its tracking parameters.

`tracking` is a list of parameter-name globs (`utm_*`, `chksm`), matched ignoring case.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote, unquote, unquote_plus, urlsplit

from vaultkit import regexes

HTTP_SCHEMES = ("http", "https")
WECHAT_HOST = "mp.weixin.qq.com"
WECHAT_ARTICLE_KEYS = ("__biz", "mid", "idx", "sn")

_SCHEME = regexes.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = regexes.compile(r"[\w-]+(?:\.[\w-]+)*\.?|\[[0-9A-Fa-f:.]+\]")
_BARE_HOST = regexes.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?")
_SPACE = regexes.compile(r"\s")
# A second URL after a separator, or glued on (`…/a.htmlhttps://…`); not one in a
# query (`?target=https://…`) or a path (`web.archive.org/web/2024/https://…`).
_SECOND_URL = regexes.compile(r"(?:[\s,，;；、|]+|[^\s=/?&:%(,，;；、|])https?://", re.IGNORECASE)
# The common case, checked first: a plain ASCII host, an optional port, no spaces.
_SIMPLE = regexes.compile(
    r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[1-9][0-9]{0,3})?(?:[/?#]\S*)?"
)
# Punctuation that ends a sentence or closes a bracket, glued to a URL by mistake.
_TRAILING = "）》」』】〉。，、；：！？”’\"'>.,;:!)]"
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_PLAIN = regexes.compile(r"[\w.~!$'()*,;=:@/?-]*", re.ASCII)


def problem(text: str) -> str | None:
    """Why `text` is not one absolute http(s) URL, with what to write instead; None if it is."""
    if text.count("://") == 1 and text[-1] not in _TRAILING and _SIMPLE.fullmatch(text):
        return None
    if not text.strip():
        return "is empty"
    if text != text.strip():
        return f"has spaces around it; write `{text.strip()}`"
    if text.count("://") > 1 and _SECOND_URL.search(text, 1):
        return "holds more than one URL; keep only the article's URL"
    space = _SPACE.search(text)
    if space is not None:
        return f"contains a space at character {space.start() + 1}; a URL has none (use `%20`)"
    scheme = _SCHEME.match(text)
    if text.startswith("//"):
        return f"has no scheme; write `https:{text}`"
    if scheme is None or (
        scheme.group(1).lower() not in HTTP_SCHEMES and _BARE_HOST.fullmatch(text)
    ):
        if _BARE_HOST.fullmatch(text):
            return f"has no scheme; write `https://{text}`"
        return "is not a URL; write an absolute `https://…` URL"
    name = scheme.group(1).lower()
    if name not in HTTP_SCHEMES:
        return f"is a `{name}:` URL; only `http://` and `https://` URLs are allowed"
    rest = text[scheme.end() :]
    if not rest.startswith("//"):
        return f"is malformed; write `{name}://{rest.lstrip('/')}`"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return f"is malformed ({error})"
    netloc = parts.netloc
    if "@" in netloc:
        return "contains a user name or password before the host; remove it"
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if not host:
        return "has no host; write `https://host/path`"
    if not _HOST.fullmatch(host) or ".." in host:
        return f"has an invalid host `{host}`"
    if port == 0:
        return "has an invalid port 0"
    if text[-1] in _TRAILING and not (text[-1] == ")" and "(" in text):
        return f"ends in `{text[-1]}`, which is not part of the URL; write `{text[:-1]}`"
    return None


def is_http_url(text: str) -> bool:
    return problem(text) is None


_GLOB_CHARS = regexes.compile(r"[*?\[]")


@lru_cache(maxsize=64)
def _tracker(patterns: tuple[str, ...]) -> Callable[[str], bool] | None:
    """A test for tracking parameter names: a set lookup for plain names, a regex for globs."""
    if not patterns:
        return None
    names = frozenset(p.lower() for p in patterns if not _GLOB_CHARS.search(p))
    globs = [fnmatch.translate(p) for p in patterns if _GLOB_CHARS.search(p)]
    regex = re.compile("|".join(globs), re.IGNORECASE) if globs else None

    def is_tracked(name: str) -> bool:
        return name.lower() in names or (regex is not None and regex.match(name) is not None)

    return is_tracked


def is_tracking(name: str, tracking: Iterable[str]) -> bool:
    """Whether the query parameter `name` matches one of the `tracking` globs."""
    tracked = _tracker(tuple(tracking))
    return tracked is not None and tracked(name)


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """The decoded `(name, value)` pairs of a query (`&amp;` from HTML counts as `&`)."""
    if "&amp;" in query:
        query = query.replace("&amp;", "&")
    pairs = []
    for item in query.split("&"):
        if item:
            key, _, value = item.partition("=")
            if "%" in key or "+" in key:
                key = unquote_plus(key)
            if "%" in value or "+" in value:
                value = unquote_plus(value)
            pairs.append((key, value))
    return pairs


def _encoded(text: str) -> str:
    return text if _QUERY_PLAIN.fullmatch(text) else quote(text, safe="")


def normalize(url: str, tracking: Iterable[str] = ()) -> str | None:
    """The comparison form of an http(s) URL, or None when `url` is not one.

    `http` and `https` compare equal; the host is lowercased and loses a default
    port, a trailing dot and any user info; the path's percent-encoding is
    made canonical and a trailing slash dropped; the fragment is dropped unless
    it is a route (`#/…`, `#!/…`); tracking parameters are removed and the rest
    sorted. A WeChat article (`mp.weixin.qq.com/s?__biz=…&mid=…&idx=…&sn=…`)
    keeps only those four parameters, which identify it.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host or parts.scheme.lower() not in HTTP_SCHEMES:
        return None
    host = host.rstrip(".")
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path
    if "%" in path or not path.isascii():
        path = quote(unquote(path), safe=_PATH_SAFE)
    path = path.rstrip("/")
    query = ""
    if parts.query:
        pairs = _query_pairs(parts.query)
        if host == WECHAT_HOST and path == "/s":
            found = {key: value for key, value in pairs if key in WECHAT_ARTICLE_KEYS}
            if len(found) == len(WECHAT_ARTICLE_KEYS):
                pairs = list(found.items())
        tracked = _tracker(tuple(tracking))
        if tracked is not None:
            pairs = [(key, value) for key, value in pairs if not tracked(key)]
        query = "&".join(f"{_encoded(key)}={_encoded(value)}" for key, value in sorted(pairs))
    fragment = parts.fragment if parts.fragment.startswith(("/", "!/")) else ""
    return (
        f"https://{host}{path}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")
    )


def strip_tracking(url: str, tracking: Iterable[str]) -> str:
    """`url` exactly as written, without the query parameters matching `tracking`."""
    tracked = _tracker(tuple(tracking))
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if tracked is None or not question:
        return url
    parts = [part for part in query.replace("&amp;", "&").split("&") if part]
    kept = [part for part in parts if not tracked(unquote(part.split("=", 1)[0]))]
    if len(kept) == len(parts):
        return url
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment
