"""The shape of `## 关联主题` (TP005–TP007): there, with 3–8 entries, one `- [[…]]` per line."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Link, Note
from vaultkit.options import Settings, TopicsOptions
from vaultkit.rules.base import NoteRule, VaultRule, register
from vaultkit.rules.topics._entries import TopicEntry, listed_topics, topic_map
from vaultkit.rules.topics.names import code
from vaultkit.targets import parse_target
from vaultkit.topics import SectionLine, fold, in_folder, section_lines
from vaultkit.vault import Vault

_LIST_ITEM = regexes.compile(r"([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
# A list item holding only tags: ST111 (tag-line) reports it.
_TAG = r"#(?!\d+(?:\s|$))[^\s#]+"
_TAG_LINE = regexes.compile(rf"[ \t]*(?:[-*+]|\d{{1,9}}[.)])[ \t]+{_TAG}(?:[ \t]+{_TAG})*[ \t]*")
_ATX_LIKE = regexes.compile(r"[ \t]{0,3}#{1,6}[ \t]*")
_MAX_SHOWN = 40
_PLAIN_ENTRY = regexes.compile(r"- \[\[[^\[\]|]+(?:\|[^\[\]]*)?\]\][ \t]*")


def _in_topic_folder(note: Note, options: TopicsOptions) -> bool:
    return in_folder(note.rel, options.folder)


@register
class TopicCount(NoteRule):
    """Too few or too many topics under `## 关联主题`.

    ## What it does
    Counts the distinct topics a note lists under `## 关联主题` and reports,
    on the heading, fewer than `topics.min-count` or more than
    `topics.max-count`. Banned topics (TP004) are not counted, a synonym
    counts as the topic it stands for, and so does a note of
    `topics.concept-folders` linked by its path; other links are not topics.
    Topic notes themselves (under the topic folder) are not checked: they
    list their neighbouring topics, as many as there are. An empty section
    is ST106's, a missing one TP006's.

    Off by default: the vault's owners *recommend* 3–8 topics a note
    (`每篇建议 3-8 个主题链接`) and never count them in their checks; on
    their real vault 1 of 40 findings drawn at random was a list they would
    change (the others are nine or more topics, each specific and
    supported by the note). Select it to hold a vault to the range.

    ## Why is this bad?
    One or two topics leave the article hard to find from the topic graph;
    a dozen make every topic note a list of everything, so none of them says
    what an article is really about.

    ## Example
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    - [[00-元语/端侧推理]]
    ```

    ## Options
    `topics.min-count` (default 3), `topics.max-count` (default 8; 0 for no
    upper limit), `topics.banned`, `topics.synonyms`, `topics.folder`,
    `topics.concept-folders`.
    """

    code = "TP005"
    name = "topic-count"
    category = "topics"
    severity = Severity.WARNING
    default_enabled = False

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.topics
        views = section_lines(note, options.section)
        if not views or all(view.blank for view in views) or _in_topic_folder(note, options):
            return
        topics = listed_topics(views, options)
        count, low, high = len(topics), options.min_count, options.max_count
        if low <= count and (not high or count <= high):
            return
        heading = views[0].heading
        line = note.line_of(heading.start)
        wanted = f"{low} to {high}" if high else f"at least {low}"
        if count < low:
            what = "no topics" if count == 0 else f"only {count} topic{'s' * (count != 1)}"
            advice = f"list {wanted}: the subjects the note is about"
        else:
            what = f"{count} topics"
            advice = f"keep {wanted}: the most specific ones"
        yield self.at_line(
            note, line, 1, len(note.lines[line - 1]),
            f"`## {options.section}` lists {what}; {advice} (`topics.min-count`, "
            "`topics.max-count`)",
        )  # fmt: skip


@register
class MissingTopicsSection(NoteRule):
    """Note has no `## 关联主题` where the configuration requires one.

    ## What it does
    Reports a note without a level-2 `## 关联主题` heading when
    `topics.required` is on for its path (by default under `01-博客/**`). A
    heading spelled otherwise (`### 关联主题`, `## 关联主题：`) is reported
    where it is; `##关联主题` without the space is ST103's and a note whose
    frontmatter never closes is FM002's, and a section hidden in an
    Obsidian comment that a stray `%%` opened is ST117's. Otherwise the
    finding is on the note's last line, where the section belongs.

    ## Why is this bad?
    Articles reach the topic graph only through this section: an article
    without it is an island that topic notes, graph views and scripts over
    the vault never find.

    ## Example
    An article that ends with its `## 正文`.

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    - [[00-元语/Agent]]
    ```

    ## Options
    `topics.required` (off by default; on for `01-博客/**`, `02-资源/**` and
    `03-图书/**` through a built-in override, the folders the owners' topic
    checks cover; set it per folder with `[[overrides]]`, e.g.
    `include = ["04-聊天/**"]` and `topics = { required = true }`),
    `topics.section`.
    """

    code = "TP006"
    name = "missing-topics-section"
    category = "topics"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.topics
        if not options.required or section_lines(note, options.section):
            return
        if note.frontmatter is not None and not note.frontmatter.closed:
            return  # the body was not parsed: FM002 says why
        title = options.section
        for heading in note.headings:
            if heading.text.strip(" :：\u3000") == title:
                line = note.line_of(heading.start)
                yield self.at_line(
                    note, line, 1, len(note.lines[line - 1]),
                    f"the topics heading is `{note.lines[line - 1].strip()}`; write it as "
                    f"`## {title}` (a level-2 heading with nothing else on the line)",
                )  # fmt: skip
                return
        for number, text in enumerate(note.lines, 1):
            match = _ATX_LIKE.match(text)
            if match is None or text[match.end() :].strip() != title:
                continue
            if text[match.end() - 1] == "#" and number not in note.code_lines:
                return  # `##关联主题`: ST103 (heading-missing-space) reports it
            if _in_open_fence(note, number):
                return  # swallowed by a code fence that never closes: ST105 reports it
            if _in_comment(note, number):
                return  # hidden by a `%%` comment: ST117 reports the stray `%%`
        line = len(note.lines)
        while line > 1 and not note.lines[line - 1].strip():
            line -= 1
        folder = options.folder.strip("/")
        yield self.at_line(
            note, line, 1, len(note.lines[line - 1]),
            f"the note has no `## {title}` section; add one at the end, listing its topics "
            f"one per line as `- [[{folder}/…]]`",
        )  # fmt: skip


@register
class TopicEntryFormat(VaultRule):
    """`## 关联主题` line that is not one `- [[00-元语/topic]]`.

    ## What it does
    Reads every line of `## 关联主题` with text (outside code and comments)
    and reports, at the offending part:

    - a list marker other than an unindented `- ` (`* [[…]]`, `1. [[…]]`, no
      marker at all);
    - text before or after the link (`- 主题：[[…]]`, `- [[…]] 等`);
    - more than one link on the line;
    - an embed (`![[…]]`), a Markdown link or a URL instead of a wikilink;
    - a bare word (`- AI`);
    - a link that reaches a file outside the topic folder (an article, the
      note itself), or a topic written without its folder (`[[AI]]` for
      `[[00-元语/AI]]`).

    An existing note of `topics.concept-folders` (default `02-资源`) linked
    by its path is a topic: the owners allow a concept that already has its
    own note elsewhere to be linked there (`若主题文档不在 00-元语/，允许直接链接
    实际路径`).

    `- #tag` lines are ST111's (tag-line); missing topics are TP001's.

    ## Why is this bad?
    Scripts, agents and `rg` one-liners read topics as `- [[00-元语/x]]`
    lines; anything else is skipped or misread, and articles filed under the
    topics section are not topics at all.

    ## Example
    ```markdown
    ## 关联主题

    * [[00-元语/AI]]、[[00-元语/llm]]
    - [[AI]]
    - Agent
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    - [[00-元语/Agent]]
    ```

    ## Options
    `topics.folder` (default `"00-元语"`), `topics.concept-folders` (default
    `["02-资源"]`), `topics.section`.
    """

    code = "TP007"
    name = "topic-entry-format"
    category = "topics"
    severity = Severity.WARNING

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        topics = topic_map(vault)
        for note in vault.subject_notes:
            if note.source is None:
                continue
            options = topics.options(note)
            views = section_lines(note, options.section)
            if not views:
                continue
            entries = {entry.link.start: entry for entry in topics.entries.get(note.rel, ())}
            for view in views:
                for line in view.lines:
                    yield from self._line(note, line, entries, options)

    def _line(
        self, note: Note, line: SectionLine, entries: dict[int, TopicEntry], options: TopicsOptions
    ) -> Iterator[Diagnostic]:
        folder = options.folder.strip("/")
        if len(line.links) == 1 and _PLAIN_ENTRY.fullmatch(line.text):
            entry = entries.get(line.links[0].start)  # the usual line: only the folder to check
            message = _folder_problem(note, entry, options) if entry is not None else None
            if message is not None:
                yield self.at_bytes(note, entry.link.start, entry.link.end, message)
            return
        if _TAG_LINE.fullmatch(line.text):
            return  # ST111
        start = line.start
        raw = _visible(note, line)
        links = [link for link in line.links if not (link.embed and _is_image(link))]
        item = _LIST_ITEM.match(raw.decode("utf-8", "replace"))
        content = len(item.group(0).encode()) if item is not None else 0
        if not links:
            yield from self._no_link(note, line, raw, content, folder)
            return
        if item is None or item.group(1) or item.group(2) != "-":
            span = _text_span(raw, 0, content) if item is not None else None
            at = (start + span[0], start + span[1]) if span else _first_text(raw, start, links)
            shown = note.slice(*at)
            yield self.at_bytes(
                note, *at,
                f"{code(shown)} starts the line: write each topic as an unindented `- ` list "
                f"item, `- [[{folder}/…]]`",
            )  # fmt: skip
        first, last = links[0], links[-1]
        before = _text_span(raw, content, first.start - start)
        if before is not None:
            yield self._text(note, start, before, "before the link", folder)
        if first.embed:
            yield self.at_bytes(
                note, first.start, first.start + 1,
                "a topic is linked, not embedded: remove the `!`",
            )  # fmt: skip
        if len(links) > 1:
            yield self.at_bytes(
                note, links[1].start, last.end,
                f"{len(links)} links on one line: put each topic on its own line, "
                f"`- [[{folder}/…]]`",
            )  # fmt: skip
        after = _text_span(raw, last.end - start, len(raw))
        if after is not None:
            yield self._text(note, start, after, "after the link", folder)
        for link in links:
            if link.kind != "wikilink":
                if link is not first:
                    continue  # the line's extra links are reported above
                yield self._not_wikilink(note, link, folder)
                continue
            entry = entries.get(link.start)
            if entry is not None:
                message = _folder_problem(note, entry, options)
                if message is not None:
                    yield self.at_bytes(note, link.start, link.end, message)

    def _no_link(
        self, note: Note, line: SectionLine, raw: bytes, content: int, folder: str
    ) -> Iterator[Diagnostic]:
        span = _text_span(raw, content, len(raw))
        if span is None:
            return  # only comments, or an empty list item
        word = note.slice(line.start + span[0], line.start + span[1])
        if len(word) <= _MAX_SHOWN and not any(c.isspace() for c in word):
            advice = f"write `- [[{folder}/{word}]]`"
        else:
            advice = f"topic lines hold only `- [[{folder}/…]]`: move the text elsewhere"
        yield self.at_bytes(
            note, line.start + span[0], line.start + span[1],
            f"{code(_short(word))} is not a link to a topic; {advice}",
        )  # fmt: skip

    def _not_wikilink(self, note: Note, link: Link, folder: str) -> Diagnostic:
        shown = _short(note.slice(link.start, link.end))
        return self.at_bytes(
            note, link.start, link.end,
            f"{code(shown)} is not a wikilink: link topics as `- [[{folder}/…]]`",
        )  # fmt: skip

    def _text(self, note: Note, start: int, span: tuple[int, int], where: str, folder: str):
        shown = _short(note.slice(start + span[0], start + span[1]))
        return self.at_bytes(
            note, start + span[0], start + span[1],
            f"text {code(shown)} {where}: a topic line holds nothing but `- [[{folder}/…]]`",
        )  # fmt: skip


def _in_open_fence(note: Note, line: int) -> bool:
    """Whether `line` lies in a fenced code block that is never closed."""
    return any(
        region.kind == "fenced"
        and not region.closed
        and note.line_of(region.start) < line <= note.line_of(max(region.start, region.end - 1))
        for region in note.code
    )


def _in_comment(note: Note, line: int) -> bool:
    """Whether `line` lies in a `%% … %%` comment opened on an earlier line."""
    return any(
        region.kind == "comment"
        and note.line_of(region.start) < line <= note.line_of(max(region.start, region.end - 1))
        for region in note.code
    )


def _folder_problem(note: Note, entry: TopicEntry, options: TopicsOptions) -> str | None:
    resolution = entry.resolution
    if not resolution.reaches_file or resolution.rel is None:
        return None  # missing: TP001–TP004
    rel, folder = resolution.rel, options.folder.strip("/")
    shown = code(_short(note.slice(entry.link.start, entry.link.end)))
    if rel != note.rel and any(in_folder(rel, other) for other in options.concept_folders):
        return None  # the owners allow an existing concept note as a topic, by its path
    if not in_folder(rel, folder):
        where = "this note" if rel == note.rel else f"`{rel}`"
        return (
            f"{shown} links {where}, which is not a topic note under `{folder}/`; list topics "
            f"here only (a related note goes under `## 相关文档` with its reason)"
        )
    written = resolution.target.path.strip("/")
    if not fold(written).startswith(fold(folder) + "/"):
        path = rel[: -len(".md")] if rel.lower().endswith(".md") else rel
        alias = resolution.target.alias
        better = f"[[{path}{f'|{alias}' if alias is not None else ''}]]"
        return f"{shown}: write the topic with its folder, `{better}`"
    return None


def _is_image(link: Link) -> bool:
    target = parse_target(link)
    return target is not None and target.is_image


def _visible(note: Note, line: SectionLine) -> bytes:
    """The line's bytes with comments and inline HTML blanked out (offsets kept)."""
    end = line.start + len(line.text.encode("utf-8"))
    raw = bytearray(note.data[line.start : end])
    for region in (*note.code, *note.html):
        if region.kind in ("comment", "html") and region.start < end and region.end > line.start:
            low, high = max(region.start, line.start), min(region.end, end)
            raw[low - line.start : high - line.start] = b" " * (high - low)
    return bytes(raw)


def _text_span(raw: bytes, low: int, high: int) -> tuple[int, int] | None:
    """The byte span of `raw[low:high]` without surrounding white space; None if blank."""
    if high <= low:
        return None
    text = raw[low:high].decode("utf-8", "replace")
    stripped = text.strip()
    if not stripped:
        return None
    left = len(text[: len(text) - len(text.lstrip())].encode())
    right = len(text[: len(text.rstrip())].encode())
    return low + left, low + right


def _first_text(raw: bytes, start: int, links: list[Link]) -> tuple[int, int]:
    """Where a line without a list marker starts: its first link, or its first word."""
    if links:
        return links[0].start, links[0].end
    span = _text_span(raw, 0, len(raw)) or (0, len(raw))
    return start + span[0], start + span[1]


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"
