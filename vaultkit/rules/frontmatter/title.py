"""The `title` field: no HTML entities, noise or banned words, and (optionally) the file name."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import yaml

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.frontmatter import Frontmatter
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter import emoji
from vaultkit.rules.frontmatter.common import (
    locate,
    quoted,
    reads_as,
    scalar_source,
    show,
    source_columns,
    value_span,
    values_of,
)

TITLE = "title"
_ENTITY = regexes.compile(r"&(amp;)?(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = regexes.compile(r"\s+")
_EMPTY_BRACKETS = regexes.compile(r"[(（\[【「『《<]\s*[)）\]】」』》>]")
_EDGE_JUNK = " \t-—–_:：|｜·•,，、"


def _title(note: Note) -> tuple[Frontmatter, yaml.ScalarNode] | None:
    fm = values_of(note)
    if fm is None:
        return None
    entry = fm.fields.get(TITLE)
    if entry is None or not isinstance(entry.node, yaml.ScalarNode) or not entry.node.value:
        return None
    return fm, entry.node


def _known_entity(match: re.Match[str]) -> str | None:
    """The character an `_ENTITY` match stands for; None when HTML knows no such entity."""
    entity = f"&{match.group(2)};"
    char = html.unescape(entity)
    return None if char == entity else char


def _replacement(char: str) -> str | None:
    """What a fix writes for an entity's character: itself, a space for a no-break space;
    None for an invisible or control character (whether to keep it is a guess)."""
    if char == "\u00a0":
        return " "
    if char == "\ufffd" or not char.isprintable():
        return None
    return char


def _entity_edits(note: Note, fm: Frontmatter, node: yaml.ScalarNode) -> dict[int, Edit]:
    """An edit decoding each entity of a one-line title, keyed by the entity's start in the
    value: only for entities YAML still reads right once decoded, alone and together with
    the entities before them (`a&#58;&#32;b` would be `a: b`: the second gets no edit)."""
    found = scalar_source(note, fm, node)
    if found is None:
        return {}
    offset, _, source = found
    value, style = node.value, node.style
    columns = source_columns(source, style)
    if columns is None or len(columns) != len(value):
        return {}
    edits: dict[int, Edit] = {}
    new_value, new_source = value, source  # with the entities kept so far decoded
    shift = 0  # how much shorter the kept entities made the value (and its source)
    for match in _ENTITY.finditer(value):
        char = _known_entity(match)
        text = _replacement(char) if char is not None else None
        start, end = match.span()
        at = columns[start]
        if text is None or source[at : at + end - start] != match.group():
            continue  # written with escapes (`\x26amp;`): leave it to the reader
        after = value[:start] + text + value[end:]
        if text == "&" and (again := _ENTITY.match(after, start)) and _known_entity(again):
            continue  # `&amp;amp;lt;` would only become another entity
        if not reads_as(source[:at] + text + source[at + end - start :], style, after, node.tag):
            continue  # `"` inside double quotes, ` #` or `: ` in a plain title, …
        both_value = new_value[: start - shift] + text + new_value[end - shift :]
        both_source = new_source[: at - shift] + text + new_source[at + end - start - shift :]
        if not reads_as(both_source, style, both_value, node.tag):
            continue
        new_value, new_source = both_value, both_source
        shift += end - start - len(text)
        before = offset + len(source[:at].encode("utf-8"))
        edits[start] = Edit(before, before + end - start, text)
    return edits


def _describe(char: str) -> str:
    if char == "\u00a0":
        return "a no-break space (write a normal space)"
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    return f"U+{ord(char):04X} {unicodedata.name(char, 'a control character')}"


def _without(title: str, spans: list[tuple[int, int]]) -> str:
    """The title with the spans removed and the leftovers tidied."""
    for start, end in sorted(spans, reverse=True):
        title = title[:start] + " " + title[end:]
    title = _EMPTY_BRACKETS.sub(" ", title)
    return _SPACES.sub(" ", title).strip(_EDGE_JUNK)


@register
class TitleHtmlEntity(NoteRule):
    """The title contains an HTML entity.

    ## What it does
    Reports every HTML entity (`&quot;`, `&amp;`, `&#39;`, `&#x27;`, `&nbsp;`…)
    in `title`, at its exact column, and says which character it stands for.
    A double-escaped entity (`&amp;quot;`) is reported once.

    ## Why is this bad?
    Entities are left over from scraping HTML; Obsidian and every reader show
    them literally (`他说&quot;你好&quot;`), and search does not find the words.

    ## Example
    ```yaml
    title: "OpenAI &amp; 微软：新协议"
    ```

    ## Use instead
    ```yaml
    title: "OpenAI & 微软：新协议"
    ```

    ## Fix safety
    The fix replaces the entity's text with the character it stands for
    (`&nbsp;` with a normal space), inside the title as written: quotes and
    everything else stay. It is safe: the title reads as the page showed it.
    A `"` inside a double-quoted title is written as the vault's rule asks
    (`skills/site-project-profile.md`: a value holding `"` goes in single
    quotes, never `\"`): the fix decodes every `&quot;` of the title and turns
    its double quotes into single ones, nothing else. No fix is offered when
    the character would change how YAML reads the title in its quoting style
    (`: ` or ` #` in an unquoted title, a `'` in a title that needs single
    quotes), for invisible or control characters, for a title on several
    lines or written with escapes: rewrite those by hand.
    """

    code = "FM013"
    name = "title-html-entity"
    category = "frontmatter"
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = _title(note)
        if found is None or "&" not in found[1].value:
            return
        fm, node = found
        edits: dict[int, Edit] | None = None
        for match in _ENTITY.finditer(node.value):
            entity = f"&{match.group(2)};"
            char = _known_entity(match)
            if char is None:
                continue  # not an entity HTML knows
            what = f"the HTML entity `{entity}`"
            if match.group(1):
                what = f"the double-escaped HTML entity `{match.group()}` (`{entity}`)"
            advice = "write the character itself"
            if char == '"' and node.style == '"':
                advice = (
                    "write `\"` and put the whole title in single quotes, as the vault's rule for "
                    'values holding `"` asks (or use `“”`)'
                )
            start, end = locate(note, fm, node, match.start(), match.end())
            if edits is None:
                edits = _entity_edits(note, fm, node)
            edit = edits.get(match.start())
            fix = None
            if edit is not None:
                fix = self.make_fix(f"replace `{match.group()}` with {show(edit.text)}", edit)
            elif char == '"' and node.style == '"':
                fix = self._single_quoted(note, fm, node)
            yield self.diagnostic(
                note, start, end,
                f"`title` has {what}, which stands for {_describe(char)}; {advice}",
                fix,
            )  # fmt: skip

    def _single_quoted(self, note: Note, fm: Frontmatter, node: yaml.ScalarNode) -> Fix | None:
        """The title in single quotes with every entity for `"` decoded, if YAML reads it so."""
        found = scalar_source(note, fm, node)
        if found is None or found[2] != f'"{node.value}"' or "'" in node.value:
            return None  # escapes or a `'` inside: rewrite by hand
        start, end, _ = found
        value = _ENTITY.sub(lambda m: '"' if _known_entity(m) == '"' else m.group(), node.value)
        if not reads_as(f"'{value}'", "'", value, node.tag):
            return None
        return self.make_fix(
            'write `"` for its entities and single-quote the title', Edit(start, end, f"'{value}'")
        )


@register
class TitleNoise(NoteRule):
    """The title carries separators, symbols or emoji.

    ## What it does
    Reports each occurrence in `title` of the strings in `title_noise`
    (default `•`, `|`, `｜`, `★`, `☆`) and of every emoji, at its column.

    ## Why is this bad?
    `| 站点名`, `•` and emoji are marketing noise copied from the page's
    `<title>`; they make titles inconsistent, clutter links and file names, and
    hide the same article under two titles.

    ## Example
    ```yaml
    title: "🔥 重磅发布 | 某某科技"
    ```

    ## Use instead
    ```yaml
    title: "重磅发布"
    ```

    ## Options
    `frontmatter.title-noise`.
    """

    code = "FM014"
    name = "title-noise"
    category = "frontmatter"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = _title(note)
        if found is None:
            return
        fm, node = found
        title = node.value
        spans: list[tuple[int, int, str]] = []
        for noise in settings.frontmatter.title_noise:
            start = title.find(noise) if noise else -1
            while start >= 0:
                spans.append((start, start + len(noise), "noise"))
                start = title.find(noise, start + len(noise))
        for match in emoji.find(title):
            if not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), "emoji"))
        if not spans:
            return
        emoji_free = _without(title, [(s, e) for s, e, kind in spans if kind == "emoji"])
        for start, end, kind in sorted(spans):
            text = title[start:end]
            if kind == "emoji":
                advice = f"remove it, e.g. {show(emoji_free)}" if emoji_free else "remove it"
                message = f"`title` contains the emoji `{text}`; {advice}"
            else:
                message = (
                    f"`title` contains `{text}`, noise copied from the page; remove it "
                    "(and the site name it separates, if any)"
                )
            first, last = locate(note, fm, node, start, end)
            yield self.diagnostic(note, first, last, message)


@lru_cache(maxsize=32)
def _banned(words: tuple[str, ...]) -> re.Pattern[str] | None:
    words = tuple(word for word in words if word)
    if not words:
        return None
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)


@register
class TitleBannedWord(NoteRule):
    """The title contains a banned filler word.

    ## What it does
    Reports each occurrence in `title` of the words in `title_banned_words`
    (default `项目档案`), ignoring case.

    ## Why is this bad?
    Filler words say what kind of note this is, which the folder already says;
    they make titles longer and inconsistent and break sorting by name.

    ## Example
    ```yaml
    title: "Ollama 项目档案"
    ```

    ## Use instead
    ```yaml
    title: "Ollama"
    ```

    ## Options
    `frontmatter.title-banned-words`.
    """

    code = "FM015"
    name = "title-banned-word"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = _title(note)
        regex = _banned(tuple(settings.frontmatter.title_banned_words))
        if found is None or regex is None:
            return
        fm, node = found
        matches = list(regex.finditer(node.value))
        if not matches:
            return
        clean = _without(node.value, [m.span() for m in matches])
        suggestion = f", e.g. {show(clean)}" if clean else ""
        for match in matches:
            start, end = locate(note, fm, node, match.start(), match.end())
            yield self.diagnostic(
                note, start, end,
                f"`title` contains the banned word `{match.group()}`; remove it{suggestion}",
            )  # fmt: skip


# A character a file name cannot hold (or Obsidian links cannot), and what stands in for it.
_STAND_INS = {
    "/": "／_- ", "\\": "＼_- ", ":": "：_- ", "?": "？_", '"': "＂'“”_", "*": "＊_-",
    "<": "＜《_", ">": "＞》_", "|": "｜_- ", "#": "＃_ ", "^": "＾_", "[": "［【(_", "]": "］】)_",
}  # fmt: skip
_KEEPABLE = "#^[]"  # allowed in file names, only risky in links
_TRUNCATED_BYTES = 180  # a name this long may be a title cut to fit the file system


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).rstrip(". ")


def title_matches(title: str, name: str) -> bool:
    """Whether `name` (a file name without `.md`) is what `title` becomes as a file name."""
    title, name = _normal(title), _normal(name)
    truncated = len(name.encode()) >= _TRUNCATED_BYTES
    positions = {0}
    for char in title:
        if truncated and len(name) in positions:
            return True
        choices = _STAND_INS.get(char)
        options = [char] if choices is None else [*choices, ""]
        if choices is not None and char in _KEEPABLE:
            options.append(char)
        positions = {
            j + len(option) for j in positions for option in options if name.startswith(option, j)
        }
        if not positions:
            return False
    return len(name) in positions


@register
class TitleFilenameMismatch(NoteRule):
    """The title differs from the note's file name.

    ## What it does
    Compares `title` with the file name (without `.md`), after Unicode NFC,
    trimming, collapsing runs of spaces and dropping trailing dots, and allows
    for what a file name forces: a character no file system (or no Obsidian
    link) accepts, `/ \\ : ? " * < > | # ^ [ ]`, may be left out or replaced by
    its full-width form (`／` `：` `？`…), `_`, `-` or a space, and a very long
    name may be the title cut short. Off by default.

    ## Why is this bad?
    Links show the file name and the note shows the title: when they drift
    apart, search, `[[links]]` and the reader disagree about what the note is.

    ## Example
    `01-博客/某人/旧标题.md` with `title: "新标题"`.

    ## Use instead
    Rename the file to `新标题.md`, or set `title` to the file name.
    """

    code = "FM016"
    name = "title-filename-mismatch"
    category = "frontmatter"
    default_enabled = False

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = _title(note)
        if found is None:
            return
        fm, node = found
        name = note.path.name[: -len(".md")] if note.path.name.lower().endswith(".md") else ""
        if not name or title_matches(node.value, name):
            return
        entry = fm.fields[TITLE]
        start, end = value_span(note, fm, entry)
        yield self.diagnostic(
            note, start, end,
            f"`title` {show(node.value)} does not match the file name {show(name)}; rename the "
            f"file or set `title: {quoted(name)}`",
        )  # fmt: skip
