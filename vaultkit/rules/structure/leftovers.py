"""Structure rules about leftovers: placeholders, scraped noise, subtitles, tag lines."""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.structure._scan import find_phrases, line_matches

_TIME = rb"(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{3}"
_CUE = regexes.compile(rb"[ \t]*(" + _TIME + rb"[ \t]+-->[ \t]+" + _TIME + rb")")
_WEBVTT = regexes.compile(rb"[ \t]*(WEBVTT)([ \t][^\r\n]*)?\r?(?:\n|\Z)")
# A tag: `#` then no space or `#`, and not only digits (`#1` is not an Obsidian tag).
_TAG = rb"#(?!\d+(?:\s|\Z))[^\s#]+"
_TAG_LINE = regexes.compile(
    rb"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(" + _TAG + rb"(?:[ \t]+" + _TAG + rb")*)[ \t]*\r?(?:\n|\Z)"
)
_MAX_LISTED = 5


@register
class PlaceholderText(NoteRule):
    """A placeholder left in the body (`待补充`, `TODO 占位`, `## TODO`).

    ## What it does
    Reports every occurrence of a `placeholder-phrases` entry in the body,
    outside code blocks, code spans, math and HTML comments. ASCII letters
    match in any case; a phrase that starts or ends with an ASCII letter only
    matches as a whole word on that side (`## TODO` does not match `## TODOS`).

    ## Why is this bad?
    A placeholder marks content that was never written: the note looks
    finished in lists and searches but is not. Scripts and agents that
    generate notes leave them behind when a step fails.

    ## Example
    ```markdown
    ## 正文

    待补充
    ```

    ## Use instead
    Write the missing content, or remove the section until it exists.

    ## Options
    `structure.placeholder-phrases` (default `["待补充", "TODO 占位", "占位文件", "## TODO"]`).
    """

    code = "ST107"
    name = "placeholder-text"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for start, end, _phrase in find_phrases(note, settings.structure.placeholder_phrases):
            yield self.at_bytes(
                note, start, end,
                f"placeholder `{note.slice(start, end)}` left in the note: write the missing "
                "content or remove the placeholder",
            )  # fmt: skip


@register
class ScrapedNoise(NoteRule):
    """Navigation text scraped along with the article (`跳至主要内容`, `返回主菜单`).

    ## What it does
    Reports every occurrence of a `noise-phrases` entry in the body, scanned
    like `placeholder-text` (outside code, math and HTML comments).

    This is a warning, not an error: the phrases are menu labels of the sites
    the articles were saved from, and a few of them (`研究索引`, `开发者专区`)
    are also ordinary words that an article may really use. A placeholder is
    never meant; a menu label occasionally is.

    ## Why is this bad?
    Menus, skip links and footers copied with the article are not part of it:
    they pollute search, summaries and the topic graph.

    ## Example
    ```markdown
    ## 正文

    跳至主要内容
    返回主菜单

    文章第一段。
    ```

    ## Use instead
    ```markdown
    ## 正文

    文章第一段。
    ```

    ## Options
    `structure.noise-phrases`.
    """

    code = "ST108"
    name = "scraped-noise"
    category = "structure"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for start, end, _phrase in find_phrases(note, settings.structure.noise_phrases):
            yield self.at_bytes(
                note, start, end,
                f"`{note.slice(start, end)}` looks like navigation scraped from the source "
                "page, not article text: remove it",
            )  # fmt: skip


@register
class SubtitleResidue(NoteRule):
    """Subtitle-file residue in the body: a `WEBVTT` header or cue timing lines.

    ## What it does
    Reports a `WEBVTT` header line (with text after it only when the note
    also has cue timings), and cue timing lines such as
    `00:00:01.000 --> 00:00:04.000` (WebVTT) or `00:00:01,000 --> 00:00:04,000`
    (SRT), outside code. The first timing line is reported with the count and
    the lines of the others, so a pasted transcript gives one finding, not
    hundreds.

    ## Why is this bad?
    A transcript pasted from a subtitle file keeps its timings: the body
    becomes hard to read, and summaries and search see numbers instead of
    sentences.

    ## Example
    ```markdown
    WEBVTT

    00:00:01.000 --> 00:00:04.000
    大家好，今天聊聊智能体。
    ```

    ## Use instead
    ```markdown
    大家好，今天聊聊智能体。
    ```
    """

    code = "ST109"
    name = "subtitle-residue"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        cues = list(line_matches(note, (b"-->",), _CUE))
        for match in line_matches(note, (b"WEBVTT",), _WEBVTT):
            if match.group(2) is None or cues:  # `WEBVTT words` alone may be a sentence
                yield self.at_bytes(
                    note, match.start(1), match.end(1),
                    "`WEBVTT` header of a subtitle file left in the note: remove it "
                    "together with the cue timings",
                )  # fmt: skip
        if cues:
            first = cues[0]
            total = ""
            if len(cues) > 1:
                lines = [note.line_of(match.start(1)) for match in cues[1 : _MAX_LISTED + 1]]
                more = len(cues) - 1 - _MAX_LISTED
                word = "line" if len(cues) == 2 else "lines"
                total = f" ({len(cues)} timing lines in all, also on {word} " + (
                    ", ".join(map(str, lines)) + (f" and {more} more)" if more > 0 else ")")
                )
            yield self.at_bytes(
                note, first.start(1), first.end(1),
                f"subtitle cue timing `{first.group(1).decode()}` left in the note{total}: "
                "remove the timings and keep the spoken text as paragraphs",
            )  # fmt: skip


@register
class TagLine(NoteRule):
    """A list item that holds only tags (`- #AI #llm`).

    ## What it does
    Reports list items whose whole text is one or more Obsidian tags, outside
    code. Tags inside a sentence, and `#1`-style numbers, are not reported.

    ## Why is this bad?
    These vaults link topics as notes: `- [[00-元语/AI]]` lines under
    `## 关联主题`. A `- #tag` line adds a tag that no topic note backs, so the
    topic graph misses it and the tag list grows a second, drifting taxonomy.

    ## Example
    ```markdown
    ## 关联主题

    - #AI #llm
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    - [[00-元语/llm]]
    ```
    """

    code = "ST111"
    name = "tag-line"
    category = "structure"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        for match in line_matches(note, (b" #", b"\t#"), _TAG_LINE):
            tags = match.group(1).decode().split()
            links = " ".join(f"`- [[00-元语/{tag[1:]}]]`" for tag in tags[:3])
            yield self.at_bytes(
                note, match.start(1), match.end(1),
                f"list item holds only {'a tag' if len(tags) == 1 else 'tags'} "
                f"`{' '.join(tags)}`: link topics as notes under `## 关联主题` instead, "
                f"e.g. {links}",
            )  # fmt: skip
