"""Frontmatter rules: the YAML block, required fields and their values."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit.config import Settings
from vaultkit.diagnostics import Diagnostic, Position
from vaultkit.note import Note
from vaultkit.rules.base import NoteRule, register


@register
class MissingFrontmatter(NoteRule):
    """Note has no frontmatter.

    ## What it does
    Reports a note whose first line is not `---`.

    ## Why is this bad?
    The title, date, author and source of an archived article live in the
    frontmatter; without it the note cannot be sorted, cited or checked.

    ## Example
    ```markdown
    ## 摘要
    …
    ```

    ## Use instead
    ```markdown
    ---
    title: "文章标题"
    ---

    ## 摘要
    ```
    """

    code = "FM001"
    name = "missing-frontmatter"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if note.frontmatter is None:
            first = note.lines[0] if note.lines else ""
            yield self.at_line(
                note, 1, 1, len(first),
                "note has no frontmatter: the first line must be `---` opening a YAML block",
            )  # fmt: skip


@register
class InvalidYaml(NoteRule):
    """Frontmatter is not valid YAML.

    ## What it does
    Reports the YAML syntax error of a closed frontmatter block, at the
    position of the error in the file (not inside the block).

    ## Why is this bad?
    Obsidian shows a note with broken frontmatter as having no properties at
    all: every field is lost to search, Dataview and publishing.

    ## Example
    ```yaml
    title: "引号没有闭合
    ```

    ## Use instead
    ```yaml
    title: "引号闭合了"
    ```
    """

    code = "FM003"
    name = "invalid-yaml"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = note.frontmatter
        if fm is not None and fm.error is not None:
            at = fm.error.position
            yield self.diagnostic(
                note, at, Position(at.line, at.column + 1), f"invalid YAML: {fm.error.message}"
            )
