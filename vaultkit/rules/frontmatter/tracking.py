"""URL fields without tracking parameters (FM018)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

import yaml

from vaultkit import regexes, urls
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import (
    STR_TAG,
    filled_fields,
    inner_edit,
    locate,
    show,
)

_SEPARATOR = regexes.compile(r"&amp;|&")  # `&amp;` is a scraped `&`


@dataclass(frozen=True, slots=True)
class Tracking:
    """The tracking parameters of a URL and the URL without them."""

    names: tuple[str, ...]  # as written, in order
    start: int  # where the first of them starts in the URL
    end: int  # where the last of them ends
    clean: str  # the URL as written, minus them (and the `?` when nothing is left)


def find_tracking(url: str, tracking: Iterable[str]) -> Tracking | None:
    """The query parameters of `url` matching the `tracking` globs, or None.

    The query is the part between `?` and `#` (a fragment, even `#/route?x=1`,
    is left alone). Parameters are split at `&` and `&amp;`; the kept ones keep
    their order, values and separators; empty ones (`&&`) are dropped too.
    """
    tracking = tuple(tracking)
    head_end = url.find("#")
    head_end = len(url) if head_end < 0 else head_end
    question = url.find("?", 0, head_end)
    if question < 0 or not tracking:
        return None
    segments: list[tuple[int, int, int]] = []  # separator start, start, end
    separator = position = question + 1
    for match in _SEPARATOR.finditer(url, position, head_end):
        segments.append((separator, position, match.start()))
        separator, position = match.start(), match.end()
    segments.append((separator, position, head_end))
    tracked = [
        (start, end)
        for _, start, end in segments
        if start < end and urls.is_tracking(unquote(url[start:end].split("=", 1)[0]), tracking)
    ]
    if not tracked:
        return None
    kept = [s for s in segments if s[1] < s[2] and (s[1], s[2]) not in tracked]
    query = "".join(url[start if i == 0 else sep : end] for i, (sep, start, end) in enumerate(kept))
    clean = url[: question + 1] + query if query else url[:question]
    names = tuple(url[start:end].split("=", 1)[0] for start, end in tracked)
    return Tracking(names, tracked[0][0], tracked[-1][1], clean + url[head_end:])


@register
class TrackingParameters(NoteRule):
    """A URL field carries tracking parameters (`utm_source`, `chksm`, `scene`…).

    ## What it does
    Reports a field of `url_fields` (by default `原文链接`) whose URL has query
    parameters matching `tracking_parameters`: `utm_*`, WeChat's `chksm`,
    `scene`, `sessionid` and `pass_ticket`, `fbclid`, `spm`… (names compared
    ignoring case, `*` and `?` as wildcards). The finding spans the tracking
    parameters and shows the URL without them. URLs that FM011 reports as
    broken are left to it.

    ## Why is this bad?
    Tracking parameters say who shared the link and when, not which article
    it is: they make the same article look like several (and hide duplicates
    from a plain text search), leak the archivist's session (`sessionid`,
    `pass_ticket`, `exportkey`) and can make a WeChat link expire.

    ## Example
    ```yaml
    原文链接: "https://mp.weixin.qq.com/s?__biz=MzA1&mid=2650&idx=1&sn=8f3a&chksm=84e2&scene=21"
    ```

    ## Use instead
    ```yaml
    原文链接: "https://mp.weixin.qq.com/s?__biz=MzA1&mid=2650&idx=1&sn=8f3a"
    ```

    ## Fix safety
    The fix deletes the tracking parameters (and their `&`) from the URL as
    written, keeping the other parameters, their order, the fragment and the
    quotes; when none is left it drops the `?`. It is unsafe: a parameter on
    the list may select what the page shows on some site (`lang`, `version`,
    `from`, `ref`), and the URL changes. No fix is offered for a URL on several
    lines or written with YAML escapes.

    ## Options
    `frontmatter.url-fields`, `frontmatter.tracking-parameters` (the list of
    parameter names and globs; an empty list turns the rule off).
    """

    default_enabled = False

    code = "FM018"
    name = "tracking-parameters"
    category = "frontmatter"
    severity = Severity.WARNING
    fix = "unsafe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.frontmatter
        for fm, key, entry in filled_fields(note, options.url_fields):
            node = entry.node
            if not isinstance(node, yaml.ScalarNode) or node.tag != STR_TAG:
                continue
            url = node.value
            if "?" not in url or urls.problem(url) is not None:
                continue
            found = find_tracking(url, options.tracking_parameters)
            if found is None:
                continue
            names = ", ".join(f"`{name}`" for name in found.names)
            plural = "s" if len(found.names) > 1 else ""
            edit = inner_edit(note, fm, node, found.clean)
            fix = None
            if edit is not None:
                fix = self.make_fix(f"remove the tracking parameter{plural} {names}", edit)
            start, end = locate(note, fm, node, found.start, found.end)
            yield self.diagnostic(
                note, start, end,
                f"`{key}` carries the tracking parameter{plural} {names}; remove "
                f"{'them' if plural else 'it'}: {show(found.clean, 120)}",
                fix,
            )  # fmt: skip
