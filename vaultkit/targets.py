"""What a link's text names: its file part and its `#` subpath, as Obsidian reads them.

`parse_target` takes a parsed `Link` (wikilink or Markdown link) apart into a
`Target`: the path (URL-decoded for Markdown links, NFC, non-breaking spaces
as spaces), the subpath after the first `#`, the alias. URLs and e-mail
addresses are not vault targets. `strip_heading`/`heading_key` compare a
heading with a link's heading part the way Obsidian's `stripHeading` does.
`vaultkit.resolve` looks the targets up in the vault.
"""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from vaultkit import regexes
from vaultkit.note import Link
from vaultkit.vault import name_key

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif"})
MARKDOWN_KINDS = frozenset({"inline", "reference", "collapsed", "shortcut"})
_SCHEME = regexes.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = regexes.compile(r"[A-Za-z]:[\\/]")
_STRIP_HEADING = regexes.compile(r'[!"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\\r\n]')
_WHITE = regexes.compile(r"\s+")
_NBSP = str.maketrans({"\u00a0": " ", "\u202f": " "})


def strip_heading(text: str) -> str:
    """Obsidian's `stripHeading`: special characters to spaces, white space folded."""
    return _WHITE.sub(" ", _STRIP_HEADING.sub(" ", text)).strip()


def heading_key(text: str) -> str:
    """How a heading and a link's heading part are compared."""
    return fold(strip_heading(text))


def is_image(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in IMAGE_EXTENSIONS


@dataclass(frozen=True, slots=True)
class Target:
    """A vault link's destination taken apart (see `parse_target`)."""

    kind: str  # "wikilink" or "markdown"
    written: str  # the destination as written (a table's `\\` escape dropped)
    path: str  # the file part: decoded, NFC, stripped; "" for the note itself
    subpath: str  # after the first `#`, decoded; "" when there is none
    embed: bool
    alias: str | None = None  # wikilink alias, or an image embed's size

    @property
    def block(self) -> str | None:
        """`id` of `#^id`, else None."""
        parts = [part for part in self.subpath.split("#") if part]
        return parts[0][1:] if len(parts) == 1 and parts[0].startswith("^") else None

    @property
    def headings(self) -> list[str]:
        """The heading parts of `#H1#H2` (empty for a block or footnote subpath)."""
        parts = [part for part in self.subpath.split("#") if part]
        if len(parts) == 1 and parts[0].startswith(("^", "[^")):
            return []
        return parts

    @property
    def is_image(self) -> bool:
        return is_image(self.path)


def parse_target(link: Link) -> Target | None:
    """The vault destination of a link; None for URLs, e-mail and empty links.

    `file:` URLs and drive paths are kept (they resolve as `OUTSIDE`).
    """
    if link.kind == "wikilink":
        raw = link.target
        path, _, subpath = raw.partition("#")
        path = _spaces(path).strip()
        return Target("wikilink", raw, nfc(path), subpath.strip(), link.embed, link.alias)
    if link.kind not in MARKDOWN_KINDS:
        return None  # autolinks and e-mail addresses are URLs
    raw = link.target.strip()
    if not raw:
        return None
    if ":" in raw or raw.startswith("//"):
        url = raw.startswith("//") or (_SCHEME.match(raw) and not _DRIVE.match(raw))
        if url and raw[:5].lower() != "file:":
            return None
    path, _, subpath = raw.partition("#")
    if "%" in raw:
        path, subpath = unquote(path), unquote(subpath)
    return Target("markdown", raw, nfc(_spaces(path)), subpath, link.embed)


def parse_shared(link: Link, known: dict[tuple, Target]) -> Target | None:
    """`parse_target`, one `Target` for all the wikilinks written alike (`[[00-元语/AI]]` is
    written in thousands of notes, and the vault's links are all resolved): `known` keeps them."""
    if link.kind != "wikilink":
        return parse_target(link)
    key = (link.target, link.embed, link.alias)
    target = known.get(key)
    if target is None:
        target = known[key] = parse_target(link)
    return target


def _spaces(path: str) -> str:
    """`path` with its no-break spaces made plain; the same string when it has none (a
    target's path then shares the link's string: the vault's links are all resolved)."""
    if "\u00a0" in path or "\u202f" in path:
        return path.translate(_NBSP)
    return path


def fold(text: str) -> str:
    """`vault.name_key`, faster for ASCII text."""
    return text.casefold() if text.isascii() else name_key(text)


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)
