"""A value holding `"` written inside double quotes, where the vault wants single quotes."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Position, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import (
    STR_TAG,
    reads_as,
    scalar_source,
    text_values,
    value_span,
    values_of,
)

_ESCAPED_QUOTE = regexes.compile(r"\\(?:\"|x22|u0022|U00000022)")


@register
class EscapedQuoteInValue(NoteRule):
    """A value holding `"` is written in double quotes with `\\"` escapes.

    ## What it does
    Reports a frontmatter value in double quotes whose text holds a `"`
    written as an escape (`\\"`, `\\x22`, `\\u0022`), at the first escape.
    The vault's rule (`skills/site-project-profile.md`) is that a value holding
    `"` is wrapped in single quotes, never in double quotes with `\\"` inside.

    ## Why is this bad?
    Escapes are easy to get wrong by hand and by scripts: one missing `\\`
    ends the value early and breaks the whole block (FM003), and `grep` for the
    title as shown does not find it.

    ## Example
    ```yaml
    title: "他说\\"你好\\""
    ```

    ## Use instead
    ```yaml
    title: '他说"你好"'
    ```

    ## Fix safety
    The fix rewrites the value in single quotes (a `'` inside is doubled, as
    YAML wants) when YAML reads it back as the same text; nothing else of the
    line changes. It is safe: the value is the same. It is not offered for a
    value on several lines or holding other escapes (`\\n`, `\\t`…).
    """

    code = "FM022"
    name = "escaped-quote-in-value"
    category = "frontmatter"
    severity = Severity.WARNING
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        if fm is None:
            return
        for key, node in text_values(fm):
            if node.style != '"' or '"' not in node.value:
                continue
            found = scalar_source(note, fm, node)
            source = found[2] if found is not None else None
            escape = _ESCAPED_QUOTE.search(source) if source is not None else None
            if found is None or escape is None:
                if found is None:
                    start, end = value_span(note, fm, fm.fields[key])
                    yield self.diagnostic(note, start, end, self._message(key))
                continue
            at = fm.position(node.start_mark)
            start = Position(at.line, at.column + escape.start())
            end = Position(at.line, at.column + escape.end())
            single = "'" + node.value.replace("'", "''") + "'"
            fix = None
            others = "\\" in _ESCAPED_QUOTE.sub("", source)  # `\n`, `\t`…: by hand
            if not others and reads_as(single, "'", node.value, STR_TAG):
                edit = Edit(found[0], found[1], single)
                fix = self.make_fix(f"write `{key}` in single quotes", edit)
            yield self.diagnostic(note, start, end, self._message(key), fix)

    @staticmethod
    def _message(key: str) -> str:
        return (
            f'`{key}` holds `"` written as `\\"` inside double quotes; wrap the value in single '
            "quotes instead, as the vault's rule asks"
        )
