"""The article's URL kept under another key (`来源: https://…` where `原文链接` belongs)."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from vaultkit import urls
from vaultkit.diagnostics import Diagnostic, Edit
from vaultkit.frontmatter import Field, Frontmatter
from vaultkit.note import Note
from vaultkit.options import FrontmatterOptions, Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import key_span, mark_offset, values_of


def _holds_urls(node: yaml.Node) -> bool:
    """A scalar that is one http(s) URL, or a list of such scalars."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "tag:yaml.org,2002:str" and urls.problem(node.value) is None
    if isinstance(node, yaml.SequenceNode) and node.value:
        return all(_holds_urls(item) for item in node.value)
    return False


def drifted_url(fm: Frontmatter, options: FrontmatterOptions) -> tuple[str, Field] | None:
    """`(alias key, field)` when no URL field is written but an alias key holds the URL."""
    if not options.url_fields or any(key in fm.fields for key in options.url_fields):
        return None
    for key in options.url_key_aliases:
        entry = fm.fields.get(key)
        if entry is not None and _holds_urls(entry.node):
            return key, entry
    return None


@register
class UrlKeyDrift(NoteRule):
    """The article's URL is kept under another key than the URL field.

    ## What it does
    Where the URL field (the first of `url_fields`, `原文链接`) is required
    and missing, reports a key of `url_key_aliases` (`来源`, `来源链接`,
    `原帖链接`…) that holds the article's http(s) URL (or a list of URLs), at
    the key. FM007 then does not report the URL field as missing: the link is
    there, under the wrong name.

    ## Why is this bad?
    `来源` names where an article comes from (`OpenAI 官方博客`); scripts,
    Dataview queries and duplicate detection read the link from `原文链接`
    alone, so a URL under `来源` is invisible to them.

    ## Example
    ```yaml
    来源: "https://openai.com/index/some-post/"
    ```
    (under `01-博客/`, no `原文链接`)

    ## Use instead
    ```yaml
    原文链接: "https://openai.com/index/some-post/"
    ```

    ## Fix safety
    The fix renames the key (`来源:` becomes `原文链接:`) and touches nothing
    else: the value, its quotes and the other fields stay. It is safe: the note
    keeps every value it had, under the key the vault reads it from. It is not
    offered for a key written in quotes or with escapes.

    ## Options
    `frontmatter.url-key-aliases`, `frontmatter.url-fields`,
    `frontmatter.required` (the rule runs where the URL field is required).
    """

    code = "FM019"
    name = "url-key-drift"
    category = "frontmatter"
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        options = settings.frontmatter
        if fm is None or not options.url_fields or options.url_fields[0] not in options.required:
            return
        found = drifted_url(fm, options)
        if found is None:
            return
        key, entry = found
        target = options.url_fields[0]
        start, end = key_span(note, fm, entry)
        fix = None
        node = entry.key_node
        if not node.style and fm.text[node.start_mark.index : node.end_mark.index] == key:
            edit = Edit(
                mark_offset(note, fm, node.start_mark), mark_offset(note, fm, node.end_mark), target
            )
            fix = self.make_fix(f"rename `{key}` to `{target}`", edit)
        yield self.diagnostic(
            note, start, end,
            f"the article's URL is under `{key}`, not `{target}`: rename the key to `{target}`",
            fix,
        )  # fmt: skip
