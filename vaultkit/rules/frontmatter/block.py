"""The frontmatter block: present, closed, valid YAML, a mapping, no duplicate keys, no aliases."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Position
from vaultkit.frontmatter import Frontmatter
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import (
    fields_of,
    is_plain,
    key_span,
    node_span,
    reads_as,
    show,
    value_span,
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOML_FENCE = regexes.compile(r"\+\+\+[ \t]*")
_YAML_FENCE = regexes.compile(r"---[ \t]*")
_KEY_LINE = regexes.compile(r"([^\s:#\-][^:：]{0,40}?)\s*[:：]")
_NO_SPACE_COLON = regexes.compile(r"[^\s:：#\-\[{'\"][^:：\s]{0,40}(:(?=\S)|：)")
_HEADING = regexes.compile(r"#{1,6}[ \t]")
_INNER_QUOTE = regexes.compile(r"\s*([^\s:#\-\"'][^:]*?):[ \t]+\"([^\"\n]*\"[^\n]*)\"[ \t]*")


@register
class MissingFrontmatter(NoteRule):
    """Note has no frontmatter.

    ## What it does
    Reports a note whose first line is not `---`. The message says why when the
    cause is a common one: TOML `+++` frontmatter (Obsidian reads only YAML),
    blank lines before the `---`, or `key: value` lines without the fences.

    Only where `required` names a field (every note by default): notes that
    require none, such as the vault's control layer (`AGENTS.md`, `skills/`,
    `prompts/`, `scripts/`: playbooks, not published notes), need no block.

    ## Why is this bad?
    The title, date, author and source of an archived article live in the
    frontmatter; without it the note cannot be sorted, cited or checked.

    ## Example
    ```markdown
    +++
    title = "文章标题"
    +++
    ```

    ## Use instead
    ```markdown
    ---
    title: "文章标题"
    ---

    ## 摘要
    ```

    ## Options
    `frontmatter.required`: a note whose folder requires no field needs no frontmatter.
    """

    code = "FM001"
    name = "missing-frontmatter"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if note.frontmatter is not None or not settings.frontmatter.required:
            return
        lines = note.lines
        first = lines[0] if lines else ""
        yield self.at_line(note, 1, 1, len(first), self._message(lines, first, settings))

    @staticmethod
    def _message(lines: list[str], first: str, settings: Settings) -> str:
        if _TOML_FENCE.fullmatch(first):
            return (
                "note starts with TOML `+++` frontmatter, which Obsidian does not read: "
                'convert it to YAML between `---` lines (`title = "…"` becomes `title: "…"`)'
            )
        if not first.strip():
            for number, line in enumerate(lines[:20], start=1):
                if line.strip():
                    if _YAML_FENCE.fullmatch(line):
                        return (
                            f"frontmatter must start on line 1: remove the {number - 1} blank "
                            f"line(s) before the `---` on line {number}"
                        )
                    break
        key = _KEY_LINE.match(first)
        options = settings.frontmatter
        if key and key.group(1) in {*options.required, *options.text_fields, *options.date_fields}:
            return (
                f"`{key.group(1)}` on line 1 looks like a frontmatter field without the block: "
                "put a `---` line before the fields and another after them"
            )
        return "note has no frontmatter: the first line must be `---` opening a YAML block"


@register
class UnterminatedFrontmatter(NoteRule):
    """Frontmatter is opened by `---` but never closed.

    ## What it does
    Reports a note whose first line is `---` with no later `---` line to close
    the block. When a Markdown heading follows the fields, the message says
    where the closing `---` probably belongs.

    ## Why is this bad?
    Without the closing fence the whole note is one YAML block to some tools and
    plain text to others: Obsidian shows no properties and no body structure.

    ## Example
    ```markdown
    ---
    title: "文章标题"

    ## 摘要
    ```

    ## Use instead
    ```markdown
    ---
    title: "文章标题"
    ---

    ## 摘要
    ```
    """

    code = "FM002"
    name = "unterminated-frontmatter"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = note.frontmatter
        if fm is None or fm.closed:
            return
        hint = "add a `---` line after the last field"
        for index, line in enumerate(fm.text.split("\n")):
            if _HEADING.match(line):
                number = fm.first_line + index
                hint = f"add a `---` line after the last field (before line {number}, {show(line)})"
                break
        yield self.at_line(
            note, 1, 1, len(note.lines[0]), f"frontmatter opened on line 1 is never closed: {hint}"
        )


def _inner_quote_hint(line: str) -> str | None:
    """For `key: "a "b" c"`: a `"` inside the value closed the double quotes early."""
    match = _INNER_QUOTE.fullmatch(line)
    if match is None:
        return None
    key, inner = match.group(1), match.group(2)
    single = "'" + inner.replace("'", "''") + "'"
    if not reads_as(single, "'", inner):
        return None
    return (
        f'the value of `{key}` holds `"`, which ends the double quotes early: wrap the whole '
        f"value in single quotes, `{key}: {single}`, as the vault's rule for such values asks"
    )


@register
class InvalidYaml(NoteRule):
    """Frontmatter is not valid YAML, or a value cannot be loaded.

    ## What it does
    Reports the YAML syntax error of a closed frontmatter block, at the
    position of the error in the file (not inside the block). Also reports a
    value that parses but cannot be loaded, such as an unknown tag
    (`!custom x`) or `更新日期: 2024-02-30` (YAML reads it as a date, and there
    is no 30 February). Date fields (FM009) and unquoted text fields (FM012)
    are left to their own rules.

    ## Why is this bad?
    Obsidian shows a note with broken frontmatter as having no properties at
    all: every field is lost to search, Dataview and publishing. A value that
    cannot be loaded makes `yaml.safe_load` (python-frontmatter, scripts) fail
    for the whole block.

    ## Example
    ```yaml
    title: "引号没有闭合
    ```

    ## Use instead
    ```yaml
    title: "引号闭合了"
    ```
    A value holding `"` inside double quotes (`协议: "BSD "New" License"`)
    ends the quotes early; the message then gives the value in single quotes
    (`协议: 'BSD "New" License'`), as the vault's rule for such values asks.
    """

    code = "FM003"
    name = "invalid-yaml"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = note.frontmatter
        if fm is None:
            return
        if fm.error is not None:
            at = fm.error.position
            message = f"invalid YAML: {fm.error.message}"
            hint = _inner_quote_hint(note.lines[at.line - 1] if at.line <= len(note.lines) else "")
            yield self.diagnostic(
                note, at, Position(at.line, at.column + 1), message + (f"; {hint}" if hint else "")
            )
            return
        options = settings.frontmatter
        for entry in fm.fields.values():
            if entry.error is None or entry.key in options.date_fields:
                continue
            if entry.key in options.text_fields and is_plain(entry.node):
                continue  # FM012 explains the coercion
            reason = entry.error.split("\n", 1)[0]
            start, end = value_span(note, fm, entry)
            yield self.diagnostic(
                note, start, end,
                f"`{entry.key}` cannot be loaded ({reason}), which breaks `yaml.safe_load` for "
                "the whole block; quote the value or correct it",
            )  # fmt: skip


@register
class FrontmatterNotMapping(NoteRule):
    """Frontmatter is a list or a single value, not `key: value` fields.

    ## What it does
    Reports a frontmatter block whose YAML is a list or a scalar. The usual
    cause is a missing space after the colon (`title:标题`) or a full-width
    colon (`title：标题`), which turn the whole block into one text value.

    ## Why is this bad?
    Obsidian and every script expect a mapping of field names to values; a
    list or a scalar means the note has no fields at all.

    ## Example
    ```yaml
    title：文章标题
    作者：某人
    ```

    ## Use instead
    ```yaml
    title: "文章标题"
    作者: "某人"
    ```
    """

    code = "FM004"
    name = "frontmatter-not-mapping"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = note.frontmatter
        if fm is None or fm.root is None or isinstance(fm.root, yaml.MappingNode):
            return
        if isinstance(fm.root, yaml.ScalarNode):
            kind = f"a single value ({show(fm.root.value, 40)})"
        else:
            kind = "a YAML list"
        yield from self._report(note, fm, kind)

    def _report(self, note: Note, fm: Frontmatter, kind: str) -> Iterator[Diagnostic]:
        if isinstance(fm.root, yaml.ScalarNode):
            for index, line in enumerate(fm.text.split("\n")):
                colon = _NO_SPACE_COLON.match(line)
                if colon is not None:
                    number = fm.first_line + index
                    how = "a full-width `：`" if colon.group(1) == "：" else "no space after `:`"
                    yield self.at_line(
                        note, number, colon.start(1) + 1, 1,
                        f"frontmatter is {kind}, not `key: value` fields: line {number} has "
                        f"{how}; write an ASCII colon and a space (`key: value`)",
                    )  # fmt: skip
                    return
        start, end = node_span(note, fm, fm.root)
        yield self.diagnostic(
            note, start, end,
            f"frontmatter is {kind}, not `key: value` fields; write one `key: value` per line",
        )  # fmt: skip


@register
class DuplicateKey(NoteRule):
    """A frontmatter key appears more than once.

    ## What it does
    Reports each later occurrence of a key, naming the line of the first.

    ## Why is this bad?
    Tools disagree on which value counts: PyYAML (and so python-frontmatter)
    silently keeps the last one, Obsidian's properties view may show another or
    call the block invalid, and strict YAML loaders refuse the note. An edit by
    hand or by an agent then changes the wrong copy.

    ## Example
    ```yaml
    title: "旧标题"
    title: "新标题"
    ```

    ## Use instead
    ```yaml
    title: "新标题"
    ```
    """

    code = "FM005"
    name = "duplicate-key"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = fields_of(note)
        if fm is None or not fm.duplicates:
            return
        last = {entry.key: entry for entry in fm.duplicates}
        for entry in fm.duplicates:
            first = fm.fields[entry.key]
            first_line = fm.position(first.key_node.start_mark).line
            kept = last[entry.key]
            kept_line = fm.position(kept.key_node.start_mark).line
            start, end = key_span(note, fm, entry)
            value = show(kept.node.value) if kept.is_scalar else "its value"
            yield self.diagnostic(
                note, start, end,
                f"duplicate key `{entry.key}` (first on line {first_line}): YAML keeps the last "
                f"value ({value}, line {kept_line}), but Obsidian and other tools may keep "
                f"another or reject the block; keep one `{entry.key}`",
            )  # fmt: skip


@register
class YamlAlias(NoteRule):
    """Frontmatter uses YAML anchors and aliases.

    ## What it does
    Reports each alias (`*name`) in the frontmatter, naming the anchor
    (`&name`) it repeats.

    ## Why is this bad?
    Aliases let a few lines expand into gigabytes (the "billion laughs"
    attack), so vaultkit never expands them and does not check the values of
    such a block. Obsidian's properties editor does not support them either,
    and rewrites or drops them when a property is edited.

    ## Example
    ```yaml
    作者: &who "某人"
    来源: *who
    ```

    ## Use instead
    ```yaml
    作者: "某人"
    来源: "某人"
    ```
    """

    code = "FM006"
    name = "yaml-alias"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = note.frontmatter
        if fm is None or fm.alias is None:
            return
        anchors: dict[str, int] = {}
        found = False
        try:
            for event in yaml.parse(fm.text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent):
                    found = True
                    yield self._alias(note, fm, event, anchors.get(event.anchor))
                elif getattr(event, "anchor", None):
                    anchors.setdefault(event.anchor, fm.position(event.start_mark).line)
        except yaml.YAMLError:
            pass
        if not found:
            at = fm.alias
            yield self.diagnostic(
                note, at, Position(at.line, at.column + 1), "YAML alias: write the value out"
            )

    def _alias(self, note: Note, fm: Frontmatter, event: yaml.AliasEvent, line: int | None):
        start = fm.position(event.start_mark)
        end = fm.position(event.end_mark)
        where = f" anchored as `&{event.anchor}` on line {line}" if line else ""
        return self.diagnostic(
            note, start, end,
            f"YAML alias `*{event.anchor}` repeats the value{where}; vaultkit never expands "
            "aliases (billion-laughs guard) and Obsidian does not support them: write the "
            "value out",
        )  # fmt: skip
