"""Image syntax (IM030): a link that was meant to show an image.

A link to an image is sometimes meant as a link (`见[架构图](arch.png)`), and
then it is fine. This rule reports only links that cannot be meant as links:
their text is empty, is the file name itself, is a scraper's alt text
(`Image 3`, `Image 3: …`, `image`, `图片`, `图2`), or is an image size
(`[[x.png|300]]`). `![[x.png]]`-style embeds of files that are not images
are IM004's; a link whose file is missing is the link rules' (one finding per
link).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import Link, Note
from vaultkit.resolve import LinkIndex, Resolution, index_for
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.images._common import (
    classify,
    host_entries,
    image_extension,
    matching_host,
    quoted,
)
from vaultkit.rules.links import findings as link_findings
from vaultkit.targets import IMAGE_EXTENSIONS, MARKDOWN_KINDS
from vaultkit.vault import Vault

# Alt text that scrapers and pasting write for a picture: `Image 3`, `Image 3: caption`, `图片2`.
_ALT_LIKE = regexes.compile(r"(?:image|img|图片|图)\s*\d*\s*(?:[:：].*)?", re.IGNORECASE)
_SIZE = regexes.compile(r"\d+(?:x\d+)?")


def _means_an_image(link: Link, name: str) -> bool:
    """Whether the link's text says "show the picture" rather than "follow me"."""
    if link.is_wikilink:
        if link.alias is None:
            return True  # `[[x.png]]`: the text is the file name
        text = link.alias.strip()
        return not text or bool(_SIZE.fullmatch(text)) or bool(_ALT_LIKE.fullmatch(text))
    text = link.text.strip()
    return not text or text in (name, link.target.strip()) or bool(_ALT_LIKE.fullmatch(text))


@register
class MissingImageBang(VaultRule):
    """Link to an image that was meant to show it (`!` missing).

    ## What it does
    Reports a link to an image, local or remote, that lacks the `!` of image
    syntax and cannot be meant as a link: its text is empty (`[](x.png)`),
    is the file name (`[[x.png]]` in prose, `[x.png](x.png)`), is a size
    (`[[x.png|300]]`, which only an embed understands), or is the alt text a
    scraper writes for a picture (`[Image 3](…)`, `[Image 3: 流程](…)`,
    `[image](…)`, `[图片](…)`). A remote URL counts as an image when its path
    ends in an image extension or its host is on `[images] at-risk-hosts`
    (WeChat's image URLs end in `/640`).

    A link with real text, `见[架构图](arch.png)` or `[[arch.png|架构图]]`,
    is a deliberate link and is left alone, and so is a link whose text is
    itself an image, `[![Image 1](small.png)](large.png)`: it shows the
    picture and opens the full size. A link whose file is missing is
    reported by the link rules only.

    ## Why is this bad?
    The note shows a bare file name, or nothing at all (a link with empty
    text is invisible), where the picture should be.

    ## Example
    ```markdown
    [](https://example.com/images/pipeline.png)
    [[Pasted image 20250208.png]]
    ```

    ## Use instead
    ```markdown
    ![](https://example.com/images/pipeline.png)
    ![[Pasted image 20250208.png]]
    ```
    """

    code = "IM030"
    name = "missing-image-bang"
    category = "images"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = None
        for note in vault.subject_notes:
            if note.source is None:
                continue
            entries: tuple[str, ...] | None = None
            for link in note.links:
                if link.embed or not (link.is_wikilink or link.kind in MARKDOWN_KINDS):
                    continue
                if not link.is_wikilink and note.data.startswith(b"[!", link.start):
                    continue  # `[![alt](img)](img)`: a picture that links to its full size
                url = None if link.is_wikilink else classify(link.target)
                if url is None or url.kind == "local":
                    path = link.target.partition("#")[0].strip()
                    if "%" in path and url is not None:
                        path = unquote(path)
                    if not image_extension(path):
                        continue
                    if not _means_an_image(link, posixpath.basename(path)):
                        continue
                    index = index or index_for(vault)
                    if _reported_by_link_rules(note, link, index):
                        continue
                elif url.kind in ("http", "https"):
                    target = link.target.strip()
                    name = posixpath.basename(target.split("?", 1)[0].split("#", 1)[0])
                    if not _means_an_image(link, name):
                        continue
                    if url.extension not in IMAGE_EXTENSIONS:
                        if entries is None:
                            options = vault.config.settings_for(note.rel).images
                            entries = host_entries(options.at_risk_hosts)
                        if matching_host(url.host, entries) is None:
                            continue
                else:
                    continue
                yield self.at_bytes(note, link.start, link.end, _message(note, link))


def _reported_by_link_rules(note: Note, link: Link, index: LinkIndex) -> bool:
    resolution: Resolution | None = next((r for r in index.links_of(note) if r.link is link), None)
    return resolution is None or bool(link_findings(note, resolution, index))


def _message(note: Note, link: Link) -> str:
    written = note.slice(link.start, link.end)
    if link.is_wikilink and link.alias is None:
        what, shows = "the file name as its text", "a link"
    else:
        text = (link.alias if link.is_wikilink else link.text) or ""
        what, shows = (f"the text `{text}`", "a link") if text.strip() else ("no text", "nothing")
    fixed = "!" + (written if len(written) <= 80 else written[:79] + "…")
    return (
        f"{quoted(note, link)} links to an image with {what}, so the note shows {shows} where "
        f"the picture belongs; add the `!` to show it: `{fixed}`"
    )
