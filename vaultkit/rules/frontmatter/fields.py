"""Frontmatter fields: required ones present and filled, dates, URLs and YAML type traps."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import date, datetime

import yaml

from vaultkit import regexes, urls
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.frontmatter import Field, Frontmatter
from vaultkit.note import Note
from vaultkit.options import FrontmatterOptions, Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import (
    NULL_TAG,
    STR_TAG,
    fields_of,
    filled_fields,
    inner_edit,
    is_blank,
    is_plain,
    needs_value,
    quoted,
    reads_as,
    scalar_source,
    show,
    value_span,
    values_of,
)
from vaultkit.rules.frontmatter.dates import diagnose, parse_iso, rewrite
from vaultkit.rules.frontmatter.keys import drifted_url

_PLACEHOLDER = regexes.compile(
    r"待补充|待定|待填|暂无|无|未知|空|占位|todo|tbd|tba|n/?a|none|null|nil|undefined|"
    r"placeholder|url|link|链接|原文链接|x{3,}|#|-+|\?+|\.+|…+",
    re.IGNORECASE,
)
_PLACEHOLDER_PART = regexes.compile(
    r"(?:^|[/=.])(?:x{3,}|todo|tbd|待补充|待定|占位|placeholder)(?:$|[/?&#.])", re.IGNORECASE
)
_YAML_KINDS = {
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:timestamp": "date",
}


def _example(options: FrontmatterOptions, key: str) -> str:
    if key in options.date_fields:
        return f"{key}: YYYY-MM-DD"
    if key in options.url_fields:
        return f'{key}: "https://…"'
    return f'{key}: "…"'


@register
class MissingRequiredField(NoteRule):
    """A required frontmatter field is missing.

    ## What it does
    Reports each field of `required` that the frontmatter lacks, at the
    opening `---`. Which fields are required depends on the folder, as the
    vault's own rules say: every published note needs `title`; notes under
    `01-博客/` also `发布日期` and their source link `原文链接`. `作者` and
    `来源` are written only when certain, so they are not required. Notes of
    the control layer (`AGENTS.md`, `skills/`, `prompts/`, `scripts/`) need
    nothing. A note without frontmatter only gets FM001, and a URL kept under
    `来源` instead of `原文链接` gets FM019, not this.

    ## Why is this bad?
    Notes are sorted, cited and deduplicated by these fields; a note without
    them drops out of every listing and check that reads them.

    ## Example
    ```yaml
    title: "文章标题"
    作者: "某人"
    ```
    (under `01-博客/`)

    ## Use instead
    ```yaml
    title: "文章标题"
    发布日期: 2024-05-06
    作者: "某人"
    原文链接: "https://mp.weixin.qq.com/s/…"
    ```

    ## Options
    `frontmatter.required`, per folder with `[[overrides]]`:
    ```toml
    [[overrides]]
    include = ["02-资源/**"]
    frontmatter.required = ["title", "类型"]
    ```
    """

    code = "FM007"
    name = "missing-required-field"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = fields_of(note)
        if fm is None:
            return
        options = settings.frontmatter
        drifted = drifted_url(fm, options) is not None
        for key in options.required:
            if key in fm.fields or (drifted and key in options.url_fields):
                continue
            hint = ""
            close = [k for k in fm.fields if k.strip().casefold() == key.casefold()]
            close = close or difflib.get_close_matches(key, list(fm.fields), n=1, cutoff=0.75)
            if close:
                hint = f" (found `{close[0]}`; field names must match exactly)"
            yield self.at_line(
                note, 1, 1, 3,
                f"missing required field `{key}`{hint}; add `{_example(options, key)}`",
            )  # fmt: skip


@register
class EmptyField(NoteRule):
    """A required, date or URL field is present but empty.

    ## What it does
    Reports a field of `required`, `date_fields` or `url_fields` whose value is
    empty: nothing (`作者:`), `""`, `null`, `~`, `[]` or a list of empty values.

    ## Why is this bad?
    An empty field looks filled to a check that only tests for the key, yet
    carries nothing; YAML even turns `作者:` into null, not text.

    ## Example
    ```yaml
    作者:
    原文链接: ""
    ```

    ## Use instead
    ```yaml
    作者: "某人"
    原文链接: "https://example.com/post"
    ```

    ## Options
    `frontmatter.required`, `frontmatter.date-fields`, `frontmatter.url-fields`.
    """

    code = "FM008"
    name = "empty-field"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        if fm is None:
            return
        options = settings.frontmatter
        for key, entry in fm.fields.items():
            if not needs_value(options, key) or not is_blank(entry.node):
                continue
            start, end = value_span(note, fm, entry)
            why = "it is required here" if key in options.required else "an empty value is not one"
            yield self.diagnostic(
                note, start, end,
                f"`{key}` is empty ({why}); fill it in (`{_example(options, key)}`)"
                + ("" if key in options.required else " or remove the field"),
            )  # fmt: skip


@register
class InvalidDate(NoteRule):
    """A date field is not a real `YYYY-MM-DD` date.

    ## What it does
    Checks the fields of `date_fields` (quoted or not): they must be one date
    written `YYYY-MM-DD`. Reports other forms (`2026年1月23日`, `2026/1/23`,
    `2024-1-5`), impossible dates (`2024-13-45`), dates with a time, numbers
    and lists, and suggests the `YYYY-MM-DD` form when the date can be read.

    ## Why is this bad?
    Sorting, Dataview queries and Obsidian's date properties understand only
    ISO dates; `2024-1-5` sorts after `2024-10-01`, and an impossible date makes
    YAML loaders fail for the whole block.

    ## Example
    ```yaml
    发布日期: 2024年1月5日
    ```

    ## Use instead
    ```yaml
    发布日期: 2024-01-05
    ```

    ## Fix safety
    The fix rewrites one real date written another way (`2026年1月23日`,
    `2026/1/23`, `2026-1-23`, `2026.1.23`, `20260123`, `Jan 23, 2026`) as
    `2026-01-23`, replacing only the date's text and keeping its quotes. It
    is unsafe: it reads the date as year, month, day, and an unquoted value
    turns from text into a YAML date, which scripts then load as another type.
    Impossible dates, dates with a time or other text after them, months
    without a day and lists get no fix: what is right there is a guess.

    ## Options
    `frontmatter.date-fields`.
    """

    code = "FM009"
    name = "invalid-date"
    category = "frontmatter"
    fix = "unsafe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for fm, key, entry in filled_fields(note, settings.frontmatter.date_fields):
            message = self._problem(key, entry)
            if message is not None:
                start, end = value_span(note, fm, entry)
                fix = self._fix(note, fm, key, entry)
                yield self.diagnostic(note, start, end, message, fix)

    def _fix(self, note: Note, fm: Frontmatter, key: str, entry: Field) -> Fix | None:
        node = entry.node
        if not isinstance(node, yaml.ScalarNode):
            return None
        iso = rewrite(node.value)
        edit = inner_edit(note, fm, node, iso, keep_tag=False) if iso is not None else None
        return self.make_fix(f"write `{key}: {iso}`", edit) if edit is not None else None

    @staticmethod
    def _problem(key: str, entry: Field) -> str | None:
        node = entry.node
        if isinstance(node, yaml.SequenceNode):
            items = [n.value for n in node.value if isinstance(n, yaml.ScalarNode)]
            good = [text for text in items if parse_iso(text.strip())]
            example = f", e.g. `{key}: {good[0].strip()}`" if len(good) == 1 else ""
            return f"`{key}` is a list of {len(node.value)}; write one `YYYY-MM-DD` date{example}"
        if isinstance(node, yaml.MappingNode):
            return f"`{key}` is a mapping; write one `YYYY-MM-DD` date"
        found = diagnose(node.value)
        if found is None:
            return None
        what, suggestion = found
        example = f", e.g. `{suggestion}`" if suggestion else ""
        return f"`{key}` is {show(node.value)}, {what}; write it as `YYYY-MM-DD`{example}"


@register
class FutureDate(NoteRule):
    """A date field lies in the future.

    ## What it does
    Reports a `date_fields` value (a valid `YYYY-MM-DD`) after today's date on
    the machine that runs the check.

    ## Why is this bad?
    A publication date cannot be in the future: it is a typo in the year, or a
    date an agent made up. Sorting puts such notes first.

    ## Example
    ```yaml
    发布日期: 2204-05-06
    ```

    ## Use instead
    ```yaml
    发布日期: 2024-05-06
    ```

    ## Options
    `frontmatter.date-fields`.
    """

    code = "FM010"
    name = "future-date"
    category = "frontmatter"
    severity = Severity.ERROR

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        if fm is None:
            return
        today: date | None = None
        for key in settings.frontmatter.date_fields:
            entry = fm.fields.get(key)
            if entry is None or not entry.is_scalar:
                continue
            value = parse_iso(entry.node.value)
            if value is None:
                continue
            today = today or date.today()
            if value > today:
                start, end = value_span(note, fm, entry)
                yield self.diagnostic(
                    note, start, end,
                    f"`{key}` is `{value.isoformat()}`, after today ({today.isoformat()}); "
                    "a publication date cannot be in the future: check the year",
                )  # fmt: skip


@register
class InvalidUrl(NoteRule):
    """A URL field is not one absolute http(s) URL.

    ## What it does
    Checks the fields of `url_fields`: each must be one absolute `http://` or
    `https://` URL, or a list of them (a note made from several pages). Reports
    list items that are not URLs, placeholders (`待补充`, `TODO`, `#`, `N/A`,
    `none`, `xxx`…), bare text, URLs without a scheme or host, spaces, other
    schemes and punctuation glued to the end.

    ## Why is this bad?
    `原文链接` is how a reader gets back to the article and how vaultkit finds
    two notes of the same article (FM017); a placeholder or a broken URL
    silently loses both.

    ## Example
    ```yaml
    原文链接: 待补充
    ```

    ## Use instead
    ```yaml
    原文链接: "https://mp.weixin.qq.com/s/…"
    ```

    ## Options
    `frontmatter.url-fields`.
    """

    code = "FM011"
    name = "invalid-url"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for fm, key, entry in filled_fields(note, settings.frontmatter.url_fields):
            problem = self._problem(entry.node)
            if problem is not None:
                start, end = value_span(note, fm, entry)
                yield self.diagnostic(note, start, end, f"`{key}` {problem}")

    @staticmethod
    def _problem(node: yaml.Node) -> str | None:
        if isinstance(node, yaml.SequenceNode):
            bad = [
                n for n in node.value
                if not isinstance(n, yaml.ScalarNode) or urls.problem(n.value) is not None
            ]  # fmt: skip
            if not bad:
                return None  # a note archived from several pages keeps each one's URL
            if isinstance(bad[0], yaml.ScalarNode):
                return f"lists {show(bad[0].value)}, which {urls.problem(bad[0].value)}"
            return "lists an item that is not a URL; write each item as one http(s) URL"
        if isinstance(node, yaml.MappingNode):
            return "is a mapping; write one http(s) URL"
        text = node.value.strip()
        if node.tag != STR_TAG:
            return f"is {show(node.value)}, not a URL; write the article's `https://…` URL"
        if _PLACEHOLDER.fullmatch(text) or _PLACEHOLDER_PART.search(text):
            return f"is a placeholder ({show(text)}); write the article's `https://…` URL"
        problem = urls.problem(node.value)
        return f"is {show(node.value)}, which {problem}" if problem else None


def _clip(text: str, limit: int = 80) -> str:
    """At most `limit` characters of a value in a message (a value may be 100,000 long)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(entry: Field) -> str:
    """What YAML made of an unquoted value, in words."""
    node = entry.node
    kind = _YAML_KINDS.get(node.tag, f"`{node.tag}` value")
    if entry.error is not None:
        return f"a {kind} and fails to load it ({entry.error.splitlines()[0]})"
    value = entry.value
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, datetime):
        kind, shown = "date and time", value.isoformat(sep=" ")
    elif isinstance(value, date):
        shown = value.isoformat()
    else:
        shown = repr(value)
    return f"the {kind} {shown}"


@register
class YamlTypeCoercion(NoteRule):
    """An unquoted text value that YAML turns into a number, boolean, date or null.

    ## What it does
    Reports a field of `text_fields` whose value is written without quotes and
    that YAML 1.1 reads as something other than text: `版本: 4.10` becomes the
    number 4.1, `作者: yes` the boolean true, `title: 2024` an integer,
    `title: 1:20` the number 80 (base 60), `title: 2024-01-05` a date. Date
    fields are left to FM009.

    ## Why is this bad?
    The value that scripts and Obsidian read is not the one written: version
    `4.10` turns into `4.1`, an author named `No` into false, and a numeric
    title breaks every tool that expects a string.

    ## Example
    ```yaml
    版本: 4.10
    ```

    ## Use instead
    ```yaml
    版本: "4.10"
    ```

    ## Fix safety
    The fix puts double quotes around the value as written (`4.10` becomes
    `"4.10"`), for a value on one line; nothing else of the line changes. It
    is unsafe: it keeps the text that was written, but whatever read the value
    as a number, boolean, date or null before now gets a string.

    ## Options
    `frontmatter.text-fields` (and `date-fields`, which are excluded).
    """

    code = "FM012"
    name = "yaml-type-coercion"
    category = "frontmatter"
    fix = "unsafe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        if fm is None:
            return
        options = settings.frontmatter
        for key in options.text_fields:
            entry = fm.fields.get(key)
            if entry is None or key in options.date_fields or not is_plain(entry.node):
                continue
            node = entry.node
            if node.tag == STR_TAG or not node.value:
                continue
            if node.tag == NULL_TAG and needs_value(options, key):
                continue  # FM008 reports it as empty
            start, end = value_span(note, fm, entry)
            yield self.diagnostic(
                note, start, end,
                f"`{key}` is written `{_clip(node.value)}` without quotes, which YAML reads as "
                f"{_clip(_shown(entry))}; quote it: `{key}: {_clip(quoted(node.value))}`",
                self._fix(note, fm, key, node),
            )  # fmt: skip

    def _fix(self, note: Note, fm: Frontmatter, key: str, node: yaml.ScalarNode) -> Fix | None:
        found = scalar_source(note, fm, node)
        text = quoted(node.value)
        if found is None or found[2] != node.value or not reads_as(text, '"', node.value, STR_TAG):
            return None
        start, end, _ = found
        message = f"quote it: `{key}: {text}`"
        if text == f'"{node.value}"':  # nothing to escape: add the two quotes only
            return self.make_fix(message, Edit(start, start, '"'), Edit(end, end, '"'))
        return self.make_fix(message, Edit(start, end, text))
