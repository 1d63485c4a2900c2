"""Related-documents rules (LK101–LK102): each `## 相关文档` entry links a note, and says why.

An entry is an unindented list item (or an unindented line with a link) of
the section; its target is the line's first link that is not an embed; what
follows the target must be `；关联理由：TYPE；说明：…`:

    - [[01-博客/作者/另一篇|另一篇]]；关联理由：上下游；说明：一句话说明两篇的关系。

The sections are read once per note (`vaultkit.rules.topics._entries`) and
the targets resolved by `vaultkit.resolve`, like every other link. LK001 and
LK002 leave a missing target of an entry to LK101: one finding per link.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import Note
from vaultkit.options import TopicsOptions
from vaultkit.resolve import Status, index_for
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.links import _missing_hint, _quoted
from vaultkit.topics import RelatedEntry, related_entries
from vaultkit.vault import Vault

REASON, EXPLANATION = "关联理由", "说明"
_SEMICOLONS, _COLONS = "；;", "：:"
_TYPE_END = regexes.compile(r"[；;]|说明")
_MAX_SHOWN = 60


def _code(text: str) -> str:
    text = text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _template(options: TopicsOptions) -> str:
    return f"；{REASON}：TYPE；{EXPLANATION}：…"


def _types(options: TopicsOptions) -> str:
    return "、".join(options.relation_types)


class _RelatedRule(VaultRule):
    category = "links"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        for note in vault.subject_notes:
            if note.source is None:
                continue
            options = vault.config.settings_for(note.rel).topics
            for entry in related_entries(note, options):
                yield from self.entry(vault, note, entry, options)

    def entry(
        self, vault: Vault, note: Note, entry: RelatedEntry, options: TopicsOptions
    ) -> Iterator[Diagnostic]:
        raise NotImplementedError


@register
class RelatedDocUnresolved(_RelatedRule):
    """`## 相关文档` entry does not link an existing note.

    ## What it does
    Reports an entry of `## 相关文档` whose target link matches no file of
    the vault (resolved as Obsidian does; the message suggests the closest
    note), an entry that links a web page instead of a note, and a list item
    there that links nothing at all. LK001 and LK002 leave such targets to
    this rule; an ambiguous target is LK003's, a missing heading LK004's.

    ## Why is this bad?
    A related document that does not exist is a dead end, and the relation
    it states (`关联理由`) connects nothing in the graph; usually the other
    note was renamed, moved or never archived.

    ## Example
    ```markdown
    ## 相关文档

    - [[01-博客/示例作者/已改名的文章|旧标题]]；关联理由：引用；说明：本文引用了它的数据。
    ```

    ## Use instead
    ```markdown
    ## 相关文档

    - [[01-博客/示例作者/新标题|新标题]]；关联理由：引用；说明：本文引用了它的数据。
    ```

    ## Options
    `topics.related-section` (default `"相关文档"`).
    """

    code = "LK101"
    name = "related-doc-unresolved"

    def entry(self, vault, note, entry, options) -> Iterator[Diagnostic]:
        line = entry.line
        if entry.link is None:
            text = line.text.strip()
            yield self.at_line(
                note, line.number, len(line.text) - len(line.text.lstrip()) + 1, len(text),
                f"{_code(text)} links no note: an entry of `## {options.related_section}` is "
                f"`- [[path/to/note|title]]{_template(options)}`",
            )  # fmt: skip
            return
        index = index_for(vault)
        resolution = index.resolve(entry.link, note)
        link = entry.link
        if resolution is None:
            shown = _code(note.slice(link.start, link.end))
            yield self.at_bytes(
                note, link.start, link.end,
                f"{shown} links a web page, not a note of the vault: archive the page as a "
                "note and link that, or cite the URL in the body instead",
            )  # fmt: skip
        elif resolution.status is Status.MISSING:
            yield self.at_bytes(
                note, link.start, link.end,
                f"{_quoted(note, resolution)}: the related note `{resolution.target.path}` "
                f"does not exist; {_missing_hint(resolution, index)}",
            )  # fmt: skip


@register
class RelatedDocReason(_RelatedRule):
    """`## 相关文档` entry without a valid `；关联理由：TYPE；说明：…`.

    ## What it does
    Reads what follows each entry's link and reports the first problem, where
    it is:

    - no `关联理由` at all;
    - an empty or unknown relation TYPE (not one of `topics.relation-types`;
      the message suggests the closest);
    - no `说明`, or nothing after it;
    - a separator that is missing or not full-width (`;` or `:` for `；` or
      `：`; accepted when `topics.related-ascii-separators` is on).

    ## Why is this bad?
    The relation is the point of the entry: readers, agents and the graph
    export (`related` edges carry their reason) need the TYPE, and scripts
    find it by the full-width `；关联理由：` form.

    ## Example
    ```markdown
    - [[01-博客/示例作者/另一篇|另一篇]]；关联理由：参考
    ```

    ## Use instead
    ```markdown
    - [[01-博客/示例作者/另一篇|另一篇]]；关联理由：引用；说明：本文引用了它的实验数据。
    ```

    ## Options
    `topics.relation-types` (default `引用 解说 延伸思考 观点一致 观点相悖 同一事件
    上下游 版本演进`), `topics.related-ascii-separators` (default false),
    `topics.related-section`.
    """

    code = "LK102"
    name = "related-doc-reason"

    def entry(self, vault, note, entry, options) -> Iterator[Diagnostic]:
        if entry.link is None:
            return  # LK101
        line, link = entry.line, entry.link
        if link.end > line.start + len(line.text.encode("utf-8")):
            return  # a Markdown link spanning lines: nothing follows it on its line
        begin = len(note.data[line.start : link.start].decode("utf-8"))
        after = len(note.data[line.start : link.end].decode("utf-8"))
        problem = _reason_problem(line.text, begin, after, options)
        if problem is not None:
            index, length, message = problem
            yield self.at_line(note, line.number, index + 1, length, message)


Problem = tuple[int, int, str]  # index in the line, length in characters, message


def _reason_problem(text: str, begin: int, after: int, options: TopicsOptions) -> Problem | None:
    """The first problem of the reason that follows the link `text[begin:after]`."""
    template, types = _template(options), _types(options)
    label = text.find(REASON, after)
    if label < 0:
        rest = text[after:].strip()
        if not rest:
            message = f"the entry gives no reason: append `{template}`, with TYPE one of {types}"
            return begin, after - begin, message
        start = text.index(rest, after)
        message = (
            f"the entry gives no reason: after the link write `{template}`, with TYPE one of "
            f"{types}, instead of {_code(rest)}"
        )
        return start, len(rest), message
    colon = _skip_spaces(text, label + len(REASON))
    type_start = colon + 1 if colon < len(text) and text[colon] in _COLONS else colon
    stop = _TYPE_END.search(text, type_start)
    type_end = stop.start() if stop else len(text)
    kind = text[type_start:type_end].strip()
    if not kind:
        message = f"`{REASON}` names no relation type; write `{REASON}：TYPE`, TYPE one of {types}"
        return label, len(REASON), message
    kind_at = text.index(kind, type_start)
    if kind not in options.relation_types:
        close = difflib.get_close_matches(kind, options.relation_types, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`? " if close else ""
        message = (
            f"`{kind}` is not a relation type; {hint}use one of {types} (`topics.relation-types`)"
        )
        return kind_at, len(kind), message
    explanation = text.find(EXPLANATION, type_end)
    if explanation < 0:
        message = (
            f"the reason has no `{EXPLANATION}`; after `{kind}` write `；{EXPLANATION}：` and one "
            "sentence on how the two notes relate"
        )
        return kind_at, len(kind), message
    body_at = _skip_spaces(text, explanation + len(EXPLANATION))
    if body_at < len(text) and text[body_at] in _COLONS:
        body_at += 1
    if not text[body_at:].strip():
        message = f"`{EXPLANATION}` is empty; write one sentence on how the two notes relate"
        return explanation, len(EXPLANATION), message
    separators = (
        (_skip_spaces_back(text, label), _SEMICOLONS, label, REASON, True),
        (colon, _COLONS, label, REASON, False),
        (_skip_spaces_back(text, explanation), _SEMICOLONS, explanation, EXPLANATION, True),
        (_skip_spaces(text, explanation + len(EXPLANATION)), _COLONS, explanation, EXPLANATION,
         False),
    )  # fmt: skip
    for at, accepted, word_at, word, before in separators:
        problem = _separator(text, at, accepted, word_at, word, before, options)
        if problem is not None:
            return problem
    return None


def _separator(
    text: str, at: int, accepted: str, word_at: int, word: str, before: bool, options
) -> Problem | None:
    """A separator (`accepted[0]`, full-width) that is missing, or ASCII when not accepted."""
    full = accepted[0]
    found = text[at] if 0 <= at < len(text) else ""
    if found == full or (found in accepted and found and options.related_ascii_separators):
        return None
    wanted = f"{full}{word}" if before else f"{word}{full}"
    if found and found in accepted:
        message = (
            f"write the full-width `{full}` instead of `{found}` (`{wanted}`), as in "
            f"`{_template(options)}`"
        )
        return at, 1, message
    side = "before" if before else "after"
    message = f"`{word}` has no `{full}` {side} it; write `{wanted}`, as in `{_template(options)}`"
    return word_at, len(word), message


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\u3000":
        index += 1
    return index


def _skip_spaces_back(text: str, index: int) -> int:
    """The index of the last character before `index` that is not a space (-1 if none)."""
    index -= 1
    while index >= 0 and text[index] in " \t\u3000":
        index -= 1
    return index
