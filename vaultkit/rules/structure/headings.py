"""Structure rules about headings and sections: H1, `##x`, duplicates, fences, emptiness.

The blank lines around headings (ST102) are checked in `whitespace`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.note import Heading, Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import (
    article_span,
    heading_label,
    heading_line,
    in_article,
    in_heading,
    is_accidental,
    is_setext,
    line_matches,
    lowered,
    on_heading_line,
    plural,
)

# `##x`: two to six `#` then a character that is not a space, a tab, `#` or a line end.
_NO_SPACE = regexes.compile(rb" {0,3}(#{2,6})([^ \t#\r\n])")
_NO_SPACE_ANYWHERE = regexes.compile(rb"##+[^ \t#\r\n]")  # a literal prefix: a fast scan
_NON_SPACE = regexes.compile(rb"[^ \t\r\n\f\v]")
_IDEOGRAPHIC_SPACE = "\u3000".encode()
_SPACE_RUN = regexes.compile(rb"(?:\xe3\x80\x80|[ \t])+")  # full-width and ASCII spaces
_ATX = regexes.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = regexes.compile(r"`{3,}|~{3,}")
_MAX_LISTED = 5
_SELF_CONTAINED = 60  # characters: a heading this long says what it has to say
_OWN_SECTIONS = ("摘要", "正文", "相关文档", "关联主题")  # the vault's template sections


@register
class H1InBody(NoteRule):
    """The title written again as an H1 heading in the body.

    ## What it does
    Reports a level-1 heading (`# Title` or `Title` over `===`) that is the
    note's title line: one in the note's own sections (everything outside the
    archived article), the first thing in `## 正文`, or one whose text is
    the frontmatter `title`. The article's own H1 headings further down in
    `## 正文` (a guide assembled from several READMEs, a code comment that
    lost its code block) are its content and are left alone, as are
    underlined headings nobody meant (ST116). A note without a frontmatter
    `title` (a prompt template, a skill file) keeps its H1: it is the only
    title the note has.

    ## Why is this bad?
    The vault's rule: the title lives in the frontmatter's `title` and the
    body keeps no `# 标题` line; an H1 repeats the title (and drifts from it),
    and it breaks the outline where `##` sections are the top level.

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
        field = note.frontmatter.get("title") if note.frontmatter and note.headings else None
        if field is None:
            return  # no `title` to move it to: the H1 is the note's only title
        title = _title_key(field.value) if isinstance(field.value, str) else ""
        span = None
        for heading in note.headings:
            if heading.level != 1 or is_accidental(note, heading):
                continue
            if span is None:
                span = article_span(note) or (0, 0)
            if span[0] <= heading.start < span[1]:
                first = _NON_SPACE.search(note.data, span[0], span[1])
                if first.start() < heading.start and _title_key(heading.text) != title:
                    continue  # the article's own H1 section
            yield on_heading_line(
                self, note, heading,
                f"H1 heading {heading_label(note, heading)} in the body: the title belongs in "
                "frontmatter `title`; remove the line or make it a `##` section",
            )  # fmt: skip


def _title_key(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


@register
class HeadingMissingSpace(NoteRule):
    """`##text` without a space: Markdown reads it as text, not as a heading.

    ## What it does
    Reports a line that starts with two to six `#` followed directly by
    something other than a space (a letter, a CJK character, a full-width
    space), outside code blocks. A single `#tag` is an Obsidian tag and is not
    reported. Inside the archived article (`## 正文`) a `##text` line is
    more often the source's own text, a prompt quoted as written (`##背景`
    ⏎ `你是…`, `##技能`), than a heading: there it is reported only when it
    stands alone between blank lines and is the article's only such line,
    or when it names one of the vault's own sections (`##关联主题`,
    `##相关文档`, `##摘要`, `##正文`).

    ## Why is this bad?
    CommonMark (and Obsidian) need a space or tab after the `#`s; without it
    the line is an ordinary paragraph, so the section it was meant to open is
    missing from the outline and from every rule that looks for it.

    ## Example
    ```markdown
    ##正文
    ##　关联主题
    ```

    ## Use instead
    ```markdown
    ## 正文
    ## 关联主题
    ```

    ## Fix safety
    Unsafe: one ASCII space is inserted after the `#`s (full-width spaces
    there, `##　关联主题`, are replaced by it), which turns a line of text
    into a heading: the outline, the sections and the links to them change,
    and a `##text` line may be the source's own text. Review each one. No
    fix is offered when no letter, digit or CJK character follows the `#`s
    (`##====` is a divider, not a heading) or when the line already belongs
    to a heading (`##x` underlined with `---`).
    """

    code = "ST103"
    name = "heading-missing-space"
    category = "structure"
    fix = "unsafe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        matches = list(line_matches(note, (_NO_SPACE_ANYWHERE,), _NO_SPACE))
        in_text = sum(in_article(note, match.start(1)) for match in matches)
        for match in matches:
            start = note.position(match.start(1))
            line = note.lines[start.line - 1]
            index = start.column - 1
            hashes = match.group(1).decode()
            shown = line[index:].strip()
            if len(shown) > 30:
                shown = shown[:30] + "…"
            rest = line[index + len(hashes) :].lstrip("\u3000 \t")
            if (
                in_article(note, match.start(1))
                and not rest.startswith(_OWN_SECTIONS)
                and (in_text > 1 or not _stands_alone(note, start.line))
            ):
                continue  # the article's text, e.g. a quoted prompt
            if note.data.startswith(_IDEOGRAPHIC_SPACE, match.start(2)):
                what = (
                    f"`{hashes}` is followed by a full-width space, which Markdown does not accept"
                )
            else:
                what = f"`{shown}` is not a heading: Markdown needs a space after `{hashes}`"
            yield self.at_line(
                note, start.line, start.column, len(hashes) + 1,
                f"{what}; write `{hashes} {rest[:20]}`",
                fix=self._fix(note, match.start(2), hashes, rest),
            )  # fmt: skip

    def _fix(self, note: Note, gap: int, hashes: str, rest: str) -> Fix | None:
        """Put one ASCII space at `gap` (after the `#`s), replacing full-width spaces there.

        Only when the line is clearly a heading without its space: text with a
        letter, digit or CJK character follows (`##====` is a rule, not a
        heading), and the line is not already part of a heading (`##x` over a
        `---` line is a setext heading whose text is `##x`).
        """
        if not any(char.isalnum() for char in rest):
            return None
        if in_heading(note, gap):
            return None
        if note.data.startswith(_IDEOGRAPHIC_SPACE, gap):
            spaces = _SPACE_RUN.match(note.data, gap)
            return self.make_fix(
                f"replace the full-width space after `{hashes}` with an ASCII space",
                Edit(gap, spaces.end(), " "),
            )
        return self.make_fix(f"put an ASCII space after `{hashes}`", Edit(gap, gap, " "))


def _stands_alone(note: Note, line: int) -> bool:
    """Whether the lines right above and below `line` are blank (or the note's ends)."""
    lines = note.lines
    return all(not lines[n - 1].strip() for n in (line - 1, line + 1) if 1 <= n <= len(lines))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(":：")


@lru_cache(maxsize=16)
def _keys(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key for key in map(_key, names) if key)


@register
class DuplicateSection(NoteRule):
    """The same heading twice at the same level under the same parent.

    ## What it does
    Reports a heading whose text (ignoring case and extra spaces) repeats an
    earlier heading of the same level with the same parent section, e.g. two
    `## 关联主题` sections, at the later one, naming the line of the first.
    Sub-headings with the same name under *different* parents (`### 安装`
    under two tools) are fine. Headings inside the archived article (`## 正文`
    up to `## 相关文档` / `## 关联主题`) are the article's own and may repeat
    (a model name in each comparison); they are checked only when they repeat
    one of the note's own sections (`## 摘要`, `## 关联主题`, …). Headings
    below `###` repeat as labels (`###### PROMPT:` over each example) and are
    left alone. Underlined headings nobody meant are ST116's.

    ## Why is this bad?
    A second `## 关联主题` or `## 正文` usually comes from a script appending
    to a note twice. Tools and readers take the first section and miss the
    second; Obsidian links to `#关联主题` reach only the first.

    ## Example
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]

    ## 关联主题

    - [[00-元语/llm]]
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    ```
    """

    code = "ST104"
    name = "duplicate-section"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        if len(note.headings) < 2:
            return
        seen: dict[tuple[int, int, str], Heading] = {}
        parents: list[tuple[int, int]] = []  # (level, index) of the open headings
        own: set[str] = set()  # the texts of the note's own headings (outside the article)
        for index, heading in enumerate(note.headings):
            if is_accidental(note, heading):
                continue
            while parents and parents[-1][0] >= heading.level:
                parents.pop()
            key = (parents[-1][1] if parents else -1, heading.level, _key(heading.text))
            parents.append((heading.level, index))
            if not key[2]:
                continue
            if in_article(note, heading.start):
                if key[2] not in own:
                    continue
            elif heading.level > 3:
                continue  # a label repeated on purpose (`###### PROMPT:` over each example)
            else:
                own.add(key[2])
            first = seen.setdefault(key, heading)
            if first is not heading:
                yield on_heading_line(
                    self, note, heading,
                    f"duplicate section {heading_label(note, heading)}: the same heading is "
                    f"on line {heading_line(note, first)}; merge the two sections into one, "
                    "or rename this one if it holds something else",
                )  # fmt: skip


@register
class UnclosedCodeFence(NoteRule):
    """A code fence that is never closed.

    ## What it does
    Reports a fenced code block (```` ``` ```` or `~~~`) that has no closing
    fence and so runs to the end of the note, at its opening fence. The
    message lists the section headings the block swallows.

    ## Why is this bad?
    Everything after the opening fence becomes code: the `## 正文` and
    `## 关联主题` sections, links and images vanish from the rendered note and
    from every rule that looks for them.

    ## Example
    ````markdown
    ```python
    print("hi")

    ## 关联主题

    - [[00-元语/AI]]
    ````

    ## Use instead
    ````markdown
    ```python
    print("hi")
    ```

    ## 关联主题
    ````
    """

    code = "ST105"
    name = "unclosed-code-fence"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for region in note.code:
            if region.kind != "fenced" or region.closed or note.data[region.end :].strip():
                continue
            opening = note.position(region.start)
            line_text = note.lines[opening.line - 1]
            fence = _FENCE.search(line_text, opening.column - 1)
            if fence is None:
                continue
            last = note.line_of(max(region.start, region.end - 1))
            swallowed = [
                f"`{note.lines[n - 1].strip()}` (line {n})"
                for n in range(opening.line + 1, last + 1)
                if _ATX.match(note.lines[n - 1])
            ]
            if swallowed:
                more = len(swallowed) - _MAX_LISTED
                listed = ", ".join(swallowed[:_MAX_LISTED]) + (
                    f" and {more} more" if more > 0 else ""
                )
                what = f"swallows the headings {listed}"
            else:
                what = f"turns the remaining {plural(last - opening.line, 'line')} into code"
            yield self.at_line(
                note, opening.line, fence.start() + 1, len(fence.group()),
                f"code fence {fence.group()} is never closed: it runs to the end of the note "
                f"and {what}; close it with a {fence.group()} line after the code",
            )  # fmt: skip


@register
class EmptySection(NoteRule):
    """A heading with nothing under it.

    ## What it does
    Reports a heading whose section holds only whitespace before the next
    heading of the same or a higher level (or the end of the note). A section
    that holds only sub-sections is not empty; an empty sub-section is.

    `## 正文` holds the archived article: the article's own first heading
    (`## 引言`, or its title) right under it is its content, so `## 正文`
    is not empty then. An empty section inside the article most often lost
    its content in scraping (a code block, a table), and the message says
    so. Left alone there, as the source's own layout: an H1 and a heading
    followed by an H1 (a code comment or a prompt line that lost its code
    block; a label such as `### 来源文档：x/README.md` over that README's
    own `#` title), an underlined heading (page converters write `#` and
    `##` alike as `---`, so a parent of sub-sections looks empty), an empty
    `####` (a prompt's separator), a heading of over 60 characters (a
    question that is its own content), and a heading whose content was
    broken into an underlined heading nobody meant (ST116 reports those).

    ## Why is this bad?
    An empty `## 相关文档` or `## 摘要` is a leftover of a template or of a
    script that failed half-way: readers see a promise of content that is not
    there. An empty `### 代码示例` in an archived article usually means the
    scraper lost the code block under it, which the vaults' rules want kept.

    ## Example
    ```markdown
    ## 相关文档

    ## 关联主题
    ```

    ## Use instead
    Fill the section, or remove its heading.
    """

    code = "ST106"
    name = "empty-section"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        data = note.data
        headings = note.headings
        for index, section in enumerate(note.sections):
            if _NON_SPACE.search(data, section.heading.end, section.end):
                continue
            heading = section.heading
            after = headings[index + 1] if index + 1 < len(headings) else None
            if is_accidental(note, heading) or (after and is_accidental(note, after)):
                continue
            span = article_span(note)
            if span is not None and span[0] == heading.end and _NON_SPACE.search(data, *span):
                continue  # `## 正文`, followed by the article's own first heading
            if not in_article(note, heading.start):
                yield on_heading_line(
                    self, note, heading,
                    f"section {heading_label(note, heading)} is empty: "
                    "write its content or remove the heading",
                )  # fmt: skip
            elif not _source_layout(note, heading, after):
                yield on_heading_line(
                    self, note, heading,
                    f"section {heading_label(note, heading)} of the article is empty: "
                    "refetch what the scraper lost under it (a code block, a table, a "
                    "figure), join it with the next heading if the two are one, or remove "
                    "it if it is the page's navigation",
                )  # fmt: skip


def _source_layout(note: Note, heading: Heading, after: Heading | None) -> bool:
    """An empty heading inside the article that is the source's own layout, not lost content:
    a code comment or prompt line read as an H1, a label over an H1 (`### 来源文档：x` over
    `# x`), an underlined heading (converters flatten `#` and `##` alike), an empty `####`
    (a prompt's separator), or a heading long enough to be its own content (a question)."""
    return (
        1 in (heading.level, after and after.level)
        or is_setext(note, heading)
        or not heading.text
        or len(heading.text) > _SELF_CONTAINED
    )


@register
class ForbiddenSection(NoteRule):
    """A section the vault does not allow, such as `## 文档信息`.

    ## What it does
    Reports headings (of any level) whose text is one of `forbidden-sections`,
    ignoring case, extra spaces and a trailing colon.

    ## Why is this bad?
    A `## 文档信息` section repeats metadata (author, date, source) in the
    body, where it drifts from the frontmatter that scripts and Obsidian
    actually read.

    ## Example
    ```markdown
    ## 文档信息

    - 作者：某人
    ```

    ## Use instead
    Put the facts into frontmatter fields (`作者`, `发布日期`, `来源`) and
    remove the section.

    ## Options
    `structure.forbidden-sections` (default `["文档信息"]`).
    """

    code = "ST110"
    name = "forbidden-section"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        forbidden = _keys(tuple(settings.structure.forbidden_sections))
        if not note.headings or not forbidden:
            return
        low = lowered(note)
        if not any(low.find(key.split()[0].encode(), note.body_start) >= 0 for key in forbidden):
            return
        for heading in note.headings:
            if _key(heading.text) in forbidden:
                yield on_heading_line(
                    self, note, heading,
                    f"section {heading_label(note, heading)} is not allowed in notes: the note's "
                    "metadata belongs in the frontmatter; remove the section",
                )  # fmt: skip
