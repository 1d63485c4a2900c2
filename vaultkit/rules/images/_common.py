"""What the offline image rules share: which links are images, and what their URLs are.

`classify(target)` sorts an image destination once into one `Url` kind, so the
rules that read it (IM004, IM010–IM013, IM020, IM030) agree on what is local,
remote, empty, malformed or unloadable:

- `local`: a vault path (`attachments/x.png`, `../x.png`, `C:\\x.png`); the
  local rules resolve it through `vaultkit.resolve`.
- `empty`: nothing, or only spaces (`![]()`, `![](<>)`).
- `http` / `https`: a well-formed web URL, with its lower-cased `host`.
- `data`: a `data:` URL; `detail` is its media type (`image/png`), or None
  when the URL has no `,` (then the kind is `malformed`).
- `unloadable`: `blob:`, `file:` and `ftp:` URLs (`detail` is the scheme).
- `malformed`: anything else; `detail` says why and what to write instead.
"""

from __future__ import annotations

import ipaddress
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from vaultkit import regexes
from vaultkit.note import Link, Note
from vaultkit.targets import IMAGE_EXTENSIONS

MAX_SHOWN = 80  # characters of a link quoted in a message
UNLOADABLE_SCHEMES = frozenset({"blob", "file", "ftp"})
# Remote files that are certainly not images, whatever the server says.
DOCUMENT_EXTENSIONS = frozenset(
    {
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".epub", ".zip",
        ".rar", ".7z", ".gz", ".tar", ".html", ".htm", ".md", ".txt", ".csv", ".json",
        ".mp3", ".mp4", ".mov", ".wav",
    }
)  # fmt: skip
# Case-insensitive, spelled out: `re.IGNORECASE` makes the match four times slower. (What
# IGNORECASE lets match too: `ſ` for `s`, `K` for `k`, `İ` and `ı` for `i`.)
_LETTER = "A-Za-z0-9\u0130\u0131\u017f\u212a-"
_SIMPLE = regexes.compile(
    rf"([Hh][Tt][Tt][Pp][Ss\u017f]?)://([{_LETTER}]+(?:\.[{_LETTER}]+)*)(?::[1-9][0-9]{{0,3}})?"
    r"(?:[/?#][^\s]*)?"
)
_SCHEME = regexes.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DRIVE = regexes.compile(r"[A-Za-z]:[\\/]")
_HOST = regexes.compile(r"[\w-]+(?:\.[\w-]+)*\.?|\[[0-9A-Fa-f:.]+\]")
_MARKDOWN_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "% #()<>^|[]"})


@dataclass(frozen=True, slots=True)
class Url:
    kind: str  # local, empty, http, https, data, unloadable, malformed
    detail: str | None = None
    host: str = ""  # http and https: lower case, no port
    extension: str = ""  # http and https: of the path's last segment (`.png`), lower case


def code(text: str) -> str:
    """`text` as inline code, with a longer fence when it holds a backtick."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def quoted(note: Note, link: Link) -> str:
    """The link as written, as inline code, cut to `MAX_SHOWN` characters."""
    text = note.slice(link.start, link.end).replace("\r", "").replace("\n", " ")
    return code(text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…")


def short(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def extension(path: str) -> str:
    return posixpath.splitext(path)[1].lower()


def href(source: str, rel: str) -> str:
    """A Markdown destination from the note `source` to the file `rel` (`%20` for spaces)."""
    folder = posixpath.dirname(source) or "."
    return posixpath.relpath(rel, folder).translate(_MARKDOWN_ESCAPES)


# The note last asked about and its images. Note rules run one note at a time, so this
# one-entry cache serves every rule of a note; keeping every note's list instead would
# make the garbage collector scan ~20,000 more long-lived objects on a large vault.
_LAST: list = [None, []]


def image_urls(note: Note) -> list[tuple[Link, Url]]:
    """Each Markdown image (`![…](…)`, `![…][ref]`) of the note with its classified
    destination; computed once for all the rules that look at the note in turn."""
    if _LAST[0] is not note:
        found = [
            (link, classify(link.target))
            for link in note.links
            if link.embed and not link.is_wikilink
        ]
        _LAST[0], _LAST[1] = note, found
    return _LAST[1]


@lru_cache(maxsize=1024)
def classify(target: str) -> Url:
    """What kind of destination an image's target is (see the module docstring)."""
    text = target.strip()
    if not text:
        return Url("empty")
    simple = _SIMPLE.fullmatch(text)
    if simple is not None:
        return Url(simple.group(1).lower(), None, simple.group(2).lower(), url_extension(text))
    if text.startswith("//"):
        return Url("malformed", f"has no scheme; write `https:{short(text, 60)}`")
    scheme = _SCHEME.match(text)
    if scheme is None or _DRIVE.match(text):
        return Url("local")
    name = scheme.group(1).lower()
    if name in ("http", "https"):
        return _web(text, name)
    if name == "data":
        media, comma, _ = text[5:].partition(",")
        if not comma:
            return Url("malformed", "is a `data:` URL without the `,` before its data")
        return Url("data", media.split(";", 1)[0].strip().lower())
    if name in UNLOADABLE_SCHEMES:
        return Url("unloadable", name)
    if name == "weixin" or name.startswith("wx"):
        return Url(
            "malformed",
            f"is a `{name}:` link, which only the WeChat app opens, not an image URL; "
            "use the image's `https://` URL or a local copy",
        )
    return Url(
        "malformed",
        f"uses the `{name}:` scheme, from which no browser or Markdown viewer loads images; "
        "use an `https://` URL or a local copy",
    )


def _web(text: str, scheme: str) -> Url:
    """An http(s) URL the fast pattern did not accept: well-formed after all, or why not."""
    rest = text[len(scheme) + 1 :]
    if not rest.startswith("//"):
        return Url(
            "malformed", f"lacks `//` after `{scheme}:`; write `{scheme}://{rest.lstrip('/')}`"
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return Url("malformed", f"is malformed ({error})")
    host = parts.netloc.rpartition("@")[2]
    if not host.endswith("]"):
        host = host.rsplit(":", 1)[0]
    if not host:
        return Url("malformed", f"has no host; write `{scheme}://host/path`")
    if not _HOST.fullmatch(host) or ".." in host:
        return Url("malformed", f"has an invalid host `{short(host, 40)}`")
    if port == 0:
        return Url("malformed", "has the invalid port 0")
    return Url(scheme, None, (parts.hostname or host).lower(), url_extension(text))


def is_local_host(host: str) -> bool:
    """`localhost`, `*.localhost`, or a loopback, private, link-local or unspecified IP."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return (
        address.is_loopback or address.is_private or address.is_link_local
        or address.is_unspecified
    )  # fmt: skip


def host_entries(hosts: list[str]) -> tuple[str, ...]:
    """Configured host names, normalised: lower case, no `*.` or dots around."""
    return _host_entries(tuple(hosts))


@lru_cache(maxsize=64)
def _host_entries(hosts: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (host.strip().lower().removeprefix("*.").strip(".") for host in hosts)
    return tuple(host for host in cleaned if host)


def matching_host(host: str, entries: tuple[str, ...]) -> str | None:
    """The entry `host` is (or is a subdomain of), else None."""
    for entry in entries:
        if host == entry or host.endswith("." + entry):
            return entry
    return None


def url_extension(url: str) -> str:
    """The extension of a URL's last path segment (`.pdf`), lower case; "" when none."""
    end = len(url)
    for separator in "?#":
        found = url.find(separator, 0, end)
        if found != -1:
            end = found
    slash = url.rfind("/", 0, end)
    dot = url.rfind(".", slash + 1, end)
    if dot <= slash + 1:
        return ""
    suffix = url[dot:end]
    return (unquote(suffix) if "%" in suffix else suffix).lower()


def image_extension(path: str) -> bool:
    return extension(path) in IMAGE_EXTENSIONS
