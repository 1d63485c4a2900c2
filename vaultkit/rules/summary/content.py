"""Summary content rules: one sentence, the number of key points, no talk about the vault."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Position, Severity
from vaultkit.note import Note
from vaultkit.options import Settings, SummaryOptions
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.summary.template import template_summary
from vaultkit.sentences import sentence_starts
from vaultkit.summary import (
    HEADING,
    KEY_POINTS,
    ONE_SENTENCE,
    Line,
    canonical_labels,
    summary_of,
)

_BULLET_MARK = regexes.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+")


def _byte_offset(note: Note, number: int, column: int) -> int:
    """The byte offset of character `column` (1-based) of line `number`."""
    return note.source.lines.line_start(number) + len(
        note.lines[number - 1][: column - 1].encode("utf-8")
    )


def _prose(note: Note, line: Line) -> str:
    """The line's text with inline code and math blanked out (same length)."""
    text = line.text
    start = _byte_offset(note, line.number, line.column)
    end = start + len(text.encode("utf-8"))
    spans = [r for r in note.code if r.start < end and r.end > start]
    if not spans:
        return text
    chars = list(text)
    for region in spans:
        first = len(note.data[start : max(start, region.start)].decode("utf-8", "replace"))
        last = len(note.data[start : min(end, region.end)].decode("utf-8", "replace"))
        chars[first:last] = "x" * (last - first)
    return "".join(chars)


@register
class OneSentenceTooLong(NoteRule):
    """The one-sentence summary is more than one sentence.

    ## What it does
    Where `[summary] template` is on, counts the sentences of the
    one-sentence part and reports the text from the start of the second
    sentence to the end of the part. Sentences end at `。！？` and at `.!?`
    followed by a blank and a new sentence; stops inside quotes or brackets
    (`他说：“好。”然后…`), ellipses (`……`, `...`), decimals and versions
    (`71.7%`, `o3.5`), URLs, abbreviations (`e.g.`, `U.S.`, `etc.`) and a
    closing quote after the stop (`。”`) end no sentence. A part written as
    two or more bullets is reported at its second bullet.

    ## Why is this bad?
    The template asks for *one* sentence: what the article is, in a line a
    reader can take in at a glance. Further sentences belong in the key
    points.

    ## Example
    ```markdown
    **1) 一句话总结**
    某公司发布了新模型。该模型在多个基准上领先。
    ```

    ## Use instead
    ```markdown
    **1) 一句话总结**
    某公司发布了在多个基准上领先的新模型。
    ```
    """

    code = "SM008"
    name = "one-sentence-too-long"
    category = "summary"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = template_summary(note, options)
        part = summary.first(ONE_SENTENCE) if summary is not None else None
        if part is None or part.empty:
            return
        last = part.lines[-1]
        end = (last.number, last.column + len(last.text))
        key_points = canonical_labels(options)[KEY_POINTS]
        if len(part.bullets) > 1:
            second = part.bullets[1]
            yield self.diagnostic(
                note, Position(second.line, second.column), Position(*end),
                f"the one-sentence summary is written as {len(part.bullets)} bullet points; "
                f"write one sentence (points belong under `{key_points}`)",
            )  # fmt: skip
            return
        # The part's lines joined with newlines, each mapped back to its line and column.
        pieces: list[tuple[int, Line, int]] = []  # (offset in text, line, bullet marker length)
        text = ""
        for line in part.lines:
            prose = _prose(note, line)
            marker = _BULLET_MARK.match(prose)
            skip = marker.end() if marker and line is not part.label.inline else 0
            pieces.append((len(text), line, skip))
            text += prose[skip:] + "\n"
        starts = sentence_starts(text)
        if not starts:
            return
        offset = starts[0]
        base, line, skip = next(p for p in reversed(pieces) if p[0] <= offset)
        column = line.column + skip + offset - base
        yield self.diagnostic(
            note, Position(line.number, column), Position(*end),
            f"the one-sentence summary has {len(starts) + 1} sentences; keep one sentence "
            f"(move the rest into `{key_points}`)",
        )  # fmt: skip


@register
class KeyPointsCount(NoteRule):
    """The key points are fewer or more than the template asks for.

    ## What it does
    Where `[summary] template` is on, counts the key-points part's top-level
    bullet points (nested bullets belong to their parent; without bullets,
    each line counts as a point) and reports a count outside
    `key-points-min`–`key-points-max` (default 5–10), at the part's label.
    An empty part is SM006's. Too few points are not reported for a body of
    less than `key-points-min-body` prose (500 Chinese characters and Latin
    words, outside code, link targets and the `claims-body-exclude`
    sections): a news brief, a post or an anecdote yields fewer points, and
    padding them would add claims the source does not make. On a real vault
    of this format 7 of 7 findings were true with this bound (14 of 31
    without it: the rest were briefs, image-only posts, login walls and
    bodies of templated filler).

    ## Why is this bad?
    The summary prompt (`prompts/summarize.md`) asks for 5–10 concrete
    points: fewer leave out what the article says, more turn the summary into
    a second copy of it.

    ## Example
    ```markdown
    **2) 关键要点**
    *   新模型发布。
    *   价格下降。
    ```

    ## Use instead
    ```markdown
    **2) 关键要点**
    *   （5 到 10 条具体要点）
    ```

    ## Options
    `[summary] key-points-min`, `key-points-max`, `key-points-min-body`.
    """

    code = "SM009"
    name = "key-points-count"
    category = "summary"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = template_summary(note, options)
        part = summary.first(KEY_POINTS) if summary is not None else None
        if part is None or part.empty:
            return
        low, high = options.key_points_min, options.key_points_max
        if part.bullets:
            count = len(part.bullets)
            counted = f"{count} bullet point" + ("" if count == 1 else "s")
        else:
            count = len(part.lines)
            counted = f"{count} line" + ("" if count == 1 else "s") + " and no bullet points"
        if low <= count <= high:
            return
        if (
            count < low
            and _body_size(note, summary.last_line, options) < options.key_points_min_body
        ):
            return  # a brief: five points would need padding (the prompt adds no claims)
        bound = f"at least {low}" if count < low else f"at most {high}"
        label = part.label
        yield self.at_line(
            note, label.line, label.column, len(label.text),
            f"the key points have {counted}; the template asks for {low}–{high} "
            f"(write {bound})",
        )  # fmt: skip


_WORD_OR_HAN = regexes.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z]+")
_LINK_TARGET = regexes.compile(r"\]\([^)\s]*\)|https?://\S+")


def _body_size(note: Note, after: int, options: SummaryOptions) -> int:
    """How much prose the body after line `after` has: Chinese characters and Latin
    words, outside code, link targets and the `claims-body-exclude` sections."""
    excluded = {f"## {name}" for name in options.claims_body_exclude}
    code, count, skipping = note.code_lines, 0, False
    for number in range(after + 1, len(note.lines) + 1):
        line = note.lines[number - 1]
        if line.startswith("## "):
            skipping = line.rstrip() in excluded
        if skipping or number in code:
            continue
        count += len(_WORD_OR_HAN.findall(_LINK_TARGET.sub(" ", line)))
    return count


@lru_cache(maxsize=32)
def _leak_patterns(phrases: tuple[str, ...], patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = [re.escape(p) for p in phrases if p] + [f"(?:{p})" for p in patterns if p]
    return re.compile("|".join(parts)) if parts else None


@register
class SummaryLeakage(NoteRule):
    """The summary talks about the vault instead of the article.

    ## What it does
    Reports, in any `## 摘要` section, text that belongs to the vault rather
    than the article: the phrases in `leakage-phrases` (default `关联主题`),
    matches of `leakage-patterns` and, with `leakage-wikilinks`, every wikilink
    (`[[00-元语/AI]]`). Code is skipped. The default patterns are `元语` (not
    `元语言`/`元语义`), the templated filler of the vault's profile scripts
    (`本文围绕“…”提炼了…`, `本文聚焦…便于后续选型与归档检索`, `主题定位：…不是泛泛
    而谈`, `仓库简介与元数据不能替代完整技术评估`, `不能替代官方文档与发行说明`
    except beside the boundary a high-risk profile must state) and their process
    data (`当前 HEAD 提交为 57aa064e97`, `参考热度分为 3022`). On a real
    vault of this format 40 of 40 sampled findings were filler the owners'
    rules exclude (`prompts/summarize.md`: faithful, risks only when stated;
    `06-文档系统/规则/发布与风险边界.md`: no process traces).

    ## Why is this bad?
    The summary must say what the article says. Topic links, vault jargon and
    boilerplate that names the note's own topics were written by a script
    from the vault's metadata, not from the source: they tell the reader
    nothing about the article.

    ## Example
    ```markdown
    **1) 一句话总结**
    本文围绕“AI”提炼了核心观点，详见关联主题 [[00-元语/AI]]。
    ```

    ## Use instead
    ```markdown
    **1) 一句话总结**
    某公司发布了在多个基准上领先的新模型。
    ```

    ## Options
    `[summary] leakage-phrases` (plain text), `leakage-patterns` (Python
    regular expressions, matched within a line), `leakage-wikilinks`.
    """

    code = "SM010"
    name = "summary-leakage"
    category = "summary"
    severity = Severity.WARNING

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = summary_of(note, options)
        if summary is None:
            return
        section = summary.section
        links = [
            link
            for link in note.links
            if link.is_wikilink
            and not link.embed
            and section.content_start <= link.start < section.end
        ]
        if options.leakage_wikilinks:
            for link in links:
                written = note.slice(link.start, link.end)
                yield self.at_bytes(
                    note, link.start, link.end,
                    f"the summary links `{written}`; a summary describes the article, not "
                    "the vault: drop the link (topics belong under `## 关联主题`)",
                )  # fmt: skip
        pattern = _leak_patterns(tuple(options.leakage_phrases), tuple(options.leakage_patterns))
        if pattern is None:
            return
        code = note.code_lines
        for number in range(summary.first_line, summary.last_line + 1):
            if number in code:
                continue
            text = note.lines[number - 1]
            for match in pattern.finditer(text):
                if not match.group():
                    continue
                offset = _byte_offset(note, number, match.start() + 1)
                if note.in_code(offset) or any(k.start <= offset < k.end for k in links):
                    continue
                yield self.at_line(
                    note, number, match.start() + 1, match.end() - match.start(),
                    f"the summary says `{match.group()}`: vault jargon or templated filler, "
                    f"not the article; `## {HEADING}` should say only what the article says",
                )  # fmt: skip
