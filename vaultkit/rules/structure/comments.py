"""Structure rule about Obsidian `%% … %%` comments that hide the note by accident (ST117)."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import CodeRegion, Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register

_WORD = regexes.compile(rb"%%([A-Za-z][\w-]*)")
_SECTION = regexes.compile(r"##[ \t]+\S")
_MAX_SHOWN = 3


@register
class StrayComment(NoteRule):
    """A stray `%%` opens an Obsidian comment that hides part of the note.

    ## What it does
    Obsidian hides everything between two `%%` outside code, and everything
    after a `%%` that is never closed. This rule reports, at the `%%`:

    - a `%%` that opens a comment which never closes: the rest of the note
      is hidden;
    - a comment spanning lines whose opening `%%` is glued to a word
      (`%%capture`, a Jupyter magic quoted in prose): text, not a comment
      that someone meant to write.

    The message names the hidden lines and the sections among them. Rules
    that look for those headings (`## 关联主题`: TP006) leave the note to
    this one.

    ## Why is this bad?
    The hidden text is gone from the reading view, from search results that
    skip comments, and from every tool that reads the note as Obsidian does:
    a note whose `## 关联主题` sits after a stray `%%` drops out of the topic
    graph although the section is there.

    ## Example
    ```markdown
    安装依赖时请使用 %%capture 隐藏 pip 的输出。

    ## 关联主题

    - [[00-元语/AI]]
    ```

    ## Use instead
    ```markdown
    安装依赖时请使用 `%%capture` 隐藏 pip 的输出。

    ## 关联主题

    - [[00-元语/AI]]
    ```
    """

    code = "ST117"
    name = "stray-comment"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for region in note.code:
            if region.kind != "comment":
                continue
            first = note.line_of(region.start)
            last = note.line_of(max(region.start, region.end - 1))
            word = _WORD.match(note.data, region.start)
            if region.closed and (last == first or word is None):
                continue  # a comment someone wrote on purpose
            end = word.end() if word is not None else region.start + 2
            shown = note.slice(region.start, end)
            if region.closed:
                what = f"`{shown}` opens an Obsidian comment that a later `%%` closes"
            else:
                what = f"`{shown}` opens an Obsidian comment that never closes"
            yield self.at_bytes(
                note, region.start, end,
                f"{what}: lines {first}–{last} are hidden{_headings(note, region, first, last)}; "
                f"write it as code (`` `{shown}` ``) or remove it",
            )  # fmt: skip


def _headings(note: Note, comment: CodeRegion, first: int, last: int) -> str:
    """`, `## 关联主题` among them` for the `##` sections the comment hides (not in code)."""
    code = [r for r in note.code if r.kind in ("fenced", "indented") and r is not comment]
    found = []
    for number in range(first + 1, last + 1):
        text = note.lines[number - 1]
        if _SECTION.match(text) is None:
            continue
        start = note.source.lines.line_start(number)
        if any(r.start <= start < r.end for r in code):
            continue
        found.append(f"`{text.strip()}`")
    if not found:
        return ""
    if len(found) > _MAX_SHOWN:
        found = [found[0], "…", *found[-(_MAX_SHOWN - 1) :]]
    listed = ", ".join(found)
    return f", {listed} among them"
