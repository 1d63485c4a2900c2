"""Topics that say nothing on their own (TP009): a `## 关联主题` of fallback topics only."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.topics._entries import listed_topics
from vaultkit.rules.topics.names import code
from vaultkit.topics import section_lines, topic_key


@register
class GenericTopicsOnly(NoteRule):
    """`## 关联主题` lists only generic fallback topics (`AI`, `github`, `workflow`…).

    ## What it does
    Reports, on the heading, a `## 关联主题` whose topics are all on the
    `topics.generic` list, in the notes that must have the section
    (`topics.required`: `01-博客/`, `02-资源/`, `03-图书/` by default). A
    link to a concept note of `topics.concept-folders` is a specific topic;
    an empty section is ST106's.

    The list and the rule are the vault owners' own (`skills/tag-index-wiki.md`):
    `tool` and `workflow` are only a fallback, and a note whose text names a
    stable concept must link at least one specific topic; their self-check
    looks for topic sections made only of `AI`, `Agent`, `tool`, `workflow`,
    `github` and `learning-resource`.

    ## Why is this bad?
    Nearly every note of such a vault is about AI, agents or a GitHub
    project: a note linked only to those topics is in the graph but found by
    nothing more specific, and its topic notes become lists of everything.

    ## Example
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/github]]
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/github]]
    - [[00-元语/ocr]]
    ```

    ## Options
    `topics.generic` (default `["AI", "Agent", "tool", "workflow", "github",
    "learning-resource"]`), `topics.required`, `topics.section`.
    """

    code = "TP009"
    name = "generic-topics-only"
    category = "topics"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.topics
        if not options.required:
            return
        views = section_lines(note, options.section)
        topics = listed_topics(views, options)
        generic = {topic_key(name) for name in options.generic}
        if not topics or not set(topics) <= generic:
            return
        line = note.line_of(views[0].heading.start)
        names = ", ".join(code(name) for name in options.generic if topic_key(name) in topics)
        yield self.at_line(
            note, line, 1, len(note.lines[line - 1]),
            f"`## {options.section}` lists only generic fallback topics ({names}); add at "
            "least one specific topic the note is about (`topics.generic`)",
        )  # fmt: skip
