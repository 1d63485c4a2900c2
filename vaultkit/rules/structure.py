"""Structure rules: headings, sections, code fences, leftovers and risky links in the body."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit.config import Settings
from vaultkit.diagnostics import Diagnostic
from vaultkit.note import Note
from vaultkit.rules.base import NoteRule, register


@register
class H1InBody(NoteRule):
    """An H1 heading in the body.

    ## What it does
    Reports every level-1 heading (`# Title` or a setext `===` heading) after
    the frontmatter.

    ## Why is this bad?
    The title lives in the frontmatter's `title`; an H1 repeats it (and drifts
    from it), and it breaks the outline where `##` sections are the top level.

    ## Example
    ```markdown
    # OpenAI 发布 o3

    ## 摘要
    ```

    ## Use instead
    ```markdown
    ## 摘要
    ```
    """

    code = "ST101"
    name = "h1-in-body"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for heading in note.headings:
            if heading.level == 1:
                line = note.line_of(heading.start)
                yield self.at_line(
                    note, line, 1, len(note.lines[line - 1]),
                    f"H1 heading `{heading.text}` in the body: the title belongs in "
                    "frontmatter `title`; remove the line or make it a `##` section",
                )  # fmt: skip
