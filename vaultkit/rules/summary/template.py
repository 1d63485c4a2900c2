"""Summary template rules: the `## 摘要` section is there, in its place, with its parts labelled.

SM001 and SM002 look at the section; SM003–SM007 at its parts, as
`vaultkit.summary` finds them, and only where `[summary] template` is on
(by default under `01-博客/**`).
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.note import Heading, Note
from vaultkit.options import Settings, SummaryOptions
from vaultkit.rules.base import NoteRule, register
from vaultkit.summary import (
    HEADING,
    KEY_POINTS,
    KINDS,
    ONE_SENTENCE,
    RISKS,
    Label,
    Part,
    Summary,
    accepted_labels,
    canonical_labels,
    summary_of,
)

WHAT = {ONE_SENTENCE: "one-sentence summary", KEY_POINTS: "key points", RISKS: "risks"}
_HEADING_LIKE = regexes.compile(r"[\s*_#]*摘要[\s*_:：]*")
# Text that starts another Markdown block at the start of a line (a heading, quote, list,
# fence, table, HTML, link definition, math): not moved onto a line of its own by SM007.
_BLOCK_START = regexes.compile(
    r"#{1,6}(?:[ \t]|$)|>|[*+-](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|`{3}|~{3}|[|<\[]|\$\$"
    r"|(?:[-*_=][ \t]*){2,}$"  # a thematic break, or a setext underline of the label
)


def _heading_diagnostic(rule: NoteRule, note: Note, heading: Heading, message: str) -> Diagnostic:
    line = note.line_of(heading.start)
    return rule.at_line(note, line, 1, len(note.lines[line - 1]), message)


def _label_diagnostic(
    rule: NoteRule, note: Note, label: Label, message: str, fix: Fix | None = None
) -> Diagnostic:
    return rule.at_line(note, label.line, label.column, len(label.text), message, fix)


def template_summary(note: Note, options: SummaryOptions) -> Summary | None:
    """The note's summary when the template applies to it and it has any content."""
    if not options.template:
        return None
    summary = summary_of(note, options)
    if summary is None or summary.empty:
        return None  # no `## 摘要` is SM001's, an empty one ST106's
    return summary


def template_order(options: SummaryOptions) -> str:
    labels = canonical_labels(options)
    return f"`{labels[ONE_SENTENCE]}`, `{labels[KEY_POINTS]}`, then the optional `{labels[RISKS]}`"


@register
class MissingSummary(NoteRule):
    """A note that must have a `## 摘要` section has none.

    ## What it does
    Reports a note without a level-2 `## 摘要` heading where `[summary]
    required` is on (by default for every note under `01-博客/`). A summary
    heading at the wrong level or with decoration (`### 摘要`, `## 摘要：`,
    `## **摘要**`) is reported at that heading; otherwise the finding points at
    `## 正文`, where the summary should go, or at the body's first line of text.
    A note whose frontmatter is never closed is left to FM002: its body was
    not read as Markdown.

    ## Why is this bad?
    Every archived article carries a machine-written summary that readers,
    search and the vault's scripts rely on; scripts find it by the exact
    heading `## 摘要`.

    ## Example
    ```markdown
    ---
    title: "…"
    ---

    ## 正文
    ```

    ## Use instead
    ```markdown
    ---
    title: "…"
    ---

    ## 摘要

    **1) 一句话总结**
    …

    ## 正文
    ```

    ## Options
    `[summary] required` (a boolean; turn it on or off for parts of the vault
    with `[[overrides]]`, e.g. `include = ["02-资源/**"]` with
    `summary = { required = true }`). The built-in default turns it on for
    `01-博客/**`; a `[summary]` table or an override of your own wins.
    """

    code = "SM001"
    name = "missing-summary"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        if not options.required or note.section(HEADING, 2) is not None:
            return
        if note.frontmatter is not None and not note.frontmatter.closed:
            return  # the body was not parsed: FM002 says why
        for heading in note.headings:
            if _HEADING_LIKE.fullmatch(heading.text) or heading.text == HEADING:
                written = note.lines[note.line_of(heading.start) - 1].strip()
                yield _heading_diagnostic(
                    self, note, heading,
                    f"the summary heading is `{written}`; write it as `## {HEADING}` "
                    "(a level-2 heading with nothing else on the line)",
                )  # fmt: skip
                return
        first = canonical_labels(options)[ONE_SENTENCE]
        body = note.section("正文", 2)
        if body is not None:
            yield _heading_diagnostic(
                self, note, body.heading,
                f"the note has no `## {HEADING}` section; add one before `## 正文`, starting "
                f"with `{first}`",
            )  # fmt: skip
            return
        line = note.body_first_line
        while line < len(note.lines) and not note.lines[line - 1].strip():
            line += 1  # the first line with text
        yield self.at_line(
            note, line, 1, len(note.lines[line - 1]),
            f"the note has no `## {HEADING}` section; add one at the top of the body, "
            f"starting with `{first}`",
        )  # fmt: skip


@register
class SummaryMisplaced(NoteRule):
    """`## 摘要` comes after `## 正文` (or another section it must precede).

    ## What it does
    Reports a `## 摘要` heading that comes after a level-2 section named in
    `place-before` (default `正文`, `相关文档`, `关联主题`), naming the first
    such section and its line.

    ## Why is this bad?
    The template puts the summary first, right after the frontmatter: readers
    see it before the article, and the scripts that rewrite summaries expect
    it there.

    ## Example
    ```markdown
    ## 正文

    …

    ## 摘要
    ```

    ## Use instead
    ```markdown
    ## 摘要

    …

    ## 正文
    ```

    ## Options
    `[summary] place-before`: the sections the summary must come before.
    """

    code = "SM002"
    name = "summary-misplaced"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        section = note.section(HEADING, 2)
        if section is None:
            return
        before = set(settings.summary.place_before)
        for heading in note.headings:
            if heading.start >= section.heading.start:
                return
            if heading.level == 2 and heading.text in before:
                line = note.line_of(heading.start)
                yield _heading_diagnostic(
                    self, note, section.heading,
                    f"`## {HEADING}` comes after `## {heading.text}` (line {line}); move the "
                    f"summary before `## {heading.text}`",
                )  # fmt: skip
                return


@register
class SummaryPartMissing(NoteRule):
    """The summary lacks a part of the template.

    ## What it does
    Where `[summary] template` is on, reports a `## 摘要` section that has no
    one-sentence part or no key-points part (and no risks part when
    `risks-required` is on). A summary with none of the parts at all gets one
    finding that says so, at its heading, unless it has the template's shape
    without labels (a paragraph, then the points as a list): the owners'
    prompt (`prompts/summarize.md`) names the parts but prescribes no label.
    When text before the first part looks like an unlabelled one-sentence
    summary, the finding points at it.
    An empty `## 摘要` is left to ST106 (empty-section).

    ## Why is this bad?
    The summary prompt asks for one sentence, 5–10 key points and, when the
    source states them, risks; a summary without them was cut short or
    written by another template, and the scripts that read parts by label
    miss it.

    ## Example
    ```markdown
    ## 摘要

    **1) 一句话总结**
    某公司发布了新模型。
    ```

    ## Use instead
    ```markdown
    ## 摘要

    **1) 一句话总结**
    某公司发布了新模型。

    **2) 关键要点**
    *   …
    ```

    ## Options
    `[summary] template`, `risks-required`, the labels (`one-sentence-label`,
    `key-points-label`, `risks-label`) and the words that find them.
    """

    code = "SM003"
    name = "summary-part-missing"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = template_summary(note, options)
        if summary is None:
            return
        labels = canonical_labels(options)
        heading = summary.section.heading
        if not summary.parts:
            if _unlabelled_template(summary):
                return  # a sentence, then the points: the template without labels
            yield _heading_diagnostic(
                self, note, heading,
                f"`## {HEADING}` has none of the template's parts; label them "
                f"{template_order(options)}",
            )  # fmt: skip
            return
        required = [ONE_SENTENCE, KEY_POINTS] + ([RISKS] if options.risks_required else [])
        for kind in required:
            if summary.first(kind) is not None:
                continue
            preamble = summary.preamble
            if kind == ONE_SENTENCE and preamble:
                first = preamble[0]
                yield self.at_line(
                    note, first.number, first.column, len(first.text),
                    f"the summary has no `{labels[kind]}` part; if this text is the "
                    f"one-sentence summary, put `{labels[kind]}` on the line above it",
                )  # fmt: skip
                continue
            yield _heading_diagnostic(
                self, note, heading,
                f"`## {HEADING}` has no {WHAT[kind]} part; add `{labels[kind]}` "
                f"(the template: {template_order(options)})",
            )  # fmt: skip


_LIST_ITEM = regexes.compile(r"(?:[-*+•]|\d{1,3}[.)、])[ \t]")


def _unlabelled_template(summary: Summary) -> bool:
    """Whether a summary without labels is a paragraph followed by a list of points."""
    lines = summary.preamble
    if len(lines) < 2 or _LIST_ITEM.match(lines[0].text):
        return False
    return any(_LIST_ITEM.match(line.text) for line in lines[1:])


@register
class SummaryPartOrder(NoteRule):
    """The summary's parts are out of the template's order.

    ## What it does
    Where `[summary] template` is on, reports a part whose label comes after
    the label of a part that should follow it (one-sentence, then key points,
    then risks). Only the first part of each kind counts; repeated parts are
    SM005's.

    ## Why is this bad?
    Readers expect the one sentence first; scripts that take "the first
    paragraph" as the one-sentence summary take the wrong text.

    ## Example
    ```markdown
    **2) 关键要点**
    *   …

    **1) 一句话总结**
    …
    ```

    ## Use instead
    ```markdown
    **1) 一句话总结**
    …

    **2) 关键要点**
    *   …
    ```
    """

    code = "SM004"
    name = "summary-part-order"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = template_summary(note, options)
        if summary is None:
            return
        firsts = [summary.first(kind) for kind in KINDS]
        parts = sorted((p for p in firsts if p is not None), key=lambda p: p.label.line)
        latest: Part | None = None
        for part in parts:
            if latest is not None and part.number < latest.number:
                yield _label_diagnostic(
                    self, note, part.label,
                    f"the {WHAT[part.kind]} part `{part.label.text}` comes after the "
                    f"{WHAT[latest.kind]} part `{latest.label.text}` (line {latest.label.line}); "
                    f"the template's order is {template_order(options)}",
                )  # fmt: skip
            elif latest is None or part.number > latest.number:
                latest = part


@register
class SummaryPartDuplicate(NoteRule):
    """The summary has the same part twice.

    ## What it does
    Where `[summary] template` is on, reports every part after the first of
    its kind (two key-points labels, say `**2) 关键要点**` and later
    `**核心要点**`), naming the first one's line.

    ## Why is this bad?
    A second label is usually a second summary pasted under the first, or a
    part split in two; readers and scripts read only one of them.

    ## Example
    ```markdown
    **2) 关键要点**
    *   …

    **核心要点**
    *   …
    ```

    ## Use instead
    ```markdown
    **2) 关键要点**
    *   …
    *   …
    ```
    """

    code = "SM005"
    name = "summary-part-duplicate"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        summary = template_summary(note, settings.summary)
        if summary is None:
            return
        for kind in KINDS:
            first, *others = summary.all(kind) or [None]
            for part in others:
                yield _label_diagnostic(
                    self, note, part.label,
                    f"a second {WHAT[kind]} part `{part.label.text}` (the first, "
                    f"`{first.label.text}`, is on line {first.label.line}); merge them under "
                    "one label",
                )  # fmt: skip


@register
class SummaryPartEmpty(NoteRule):
    """A part of the summary has a label and nothing under it.

    ## What it does
    Where `[summary] template` is on, reports a part label followed by no
    text before the next label or the end of `## 摘要`.

    ## Why is this bad?
    An empty part is a template the summary writer did not fill in: readers
    see a heading with nothing to read.

    ## Example
    ```markdown
    **2) 关键要点**

    **3) 风险/不足**
    *   …
    ```

    ## Use instead
    ```markdown
    **2) 关键要点**
    *   …

    **3) 风险/不足**
    *   …
    ```
    """

    code = "SM006"
    name = "summary-part-empty"
    category = "summary"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        summary = template_summary(note, settings.summary)
        if summary is None:
            return
        for part in summary.parts:
            if not part.empty:
                continue
            advice = {
                ONE_SENTENCE: "write the one sentence under it",
                KEY_POINTS: "write the key points under it as `*   ` bullets",
                RISKS: "write the risks the source states, or remove the label (the risks "
                "part is optional)",
            }[part.kind]
            yield _label_diagnostic(
                self, note, part.label, f"the {WHAT[part.kind]} part is empty; {advice}"
            )


@register
class SummaryLabelVariant(NoteRule):
    """A summary part's label is not written the template's way.

    ## What it does
    Where `[summary] template` is on, reports a part label that is not
    written exactly as the canonical label (or one of the accepted labels) of
    its part, and names the canonical label. Labels drift: `**一句话总结**`,
    `### 1) 一句话总结`, `1) 一句话总结`, `**2) 核心要点**`, `**3) 风险与不足**`,
    `**一句话总结**：` with the sentence on the same line… A label is
    recognised by its words (see `vaultkit.summary`), so every variant maps to
    its part.

    Off by default: the owners' summary prompt (`prompts/summarize.md`) names
    the three parts in English and prescribes no Chinese label, and a real vault
    of this format writes the key-points label 19 ways (`关键要点` 623 times,
    `核心要点` 430); on it every one of 40 sampled findings was a label the
    owners accept (precision 0 %). Turn it on (`extend-select = ["SM007"]`) in
    a vault that has settled on one spelling, and list the others it accepts.

    ## Why is this bad?
    A vault that has settled on one spelling finds parts by their labels with
    its scripts and searches; drifting labels defeat them.

    ## Example
    ```markdown
    ### 2) 核心要点
    ```

    ## Use instead
    ```markdown
    **2) 关键要点**
    ```

    ## Fix safety
    The fix replaces the label's text with the canonical label (a note in the
    label, such as `（基于原文明确提及）`, goes with it); text after the label on
    its line (`**一句话总结**：文章介绍了…`) moves to the next line, where the
    part's content goes. It changes no content, so it is safe, except
    for a label written as a heading (`### 2) 核心要点`): turning it into the
    bold label removes a heading, which links (`[[note#核心要点]]`) and the
    outline may use, so that fix is unsafe. No fix is offered when the text
    after the label would start another Markdown block on its own line (a
    list item, a quote, a heading…).

    ## Options
    `[summary] one-sentence-label`, `key-points-label`, `risks-label` (the
    canonical labels, written as they should appear) and
    `one-sentence-accepted`, `key-points-accepted`, `risks-accepted` (other
    labels to leave alone).
    """

    default_enabled = False

    code = "SM007"
    name = "summary-label-variant"
    category = "summary"
    severity = Severity.WARNING
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        options = settings.summary
        summary = template_summary(note, options)
        if summary is None:
            return
        labels = canonical_labels(options)
        for part in summary.parts:
            label = part.label
            if label.text in accepted_labels(options, part.kind):
                continue
            canonical = labels[part.kind]
            yield _label_diagnostic(
                self, note, label,
                f"{WHAT[part.kind]} label `{label.text}` is not the template's; "
                f"write `{canonical}`",
                fix=self._fix(note, label, canonical),
            )  # fmt: skip

    def _fix(self, note: Note, label: Label, canonical: str) -> Fix | None:
        line = note.lines[label.line - 1]
        first = label.column - 1
        start = note.source.lines.line_start(label.line) + len(line[:first].encode("utf-8"))
        message = f"replace `{label.text}` with `{canonical}`"
        if label.inline is None:
            if line[first : first + len(label.text)] != label.text:
                return None
            edit = Edit(start, start + len(label.text.encode("utf-8")), canonical)
        else:
            after = label.inline.column - 1
            if _BLOCK_START.match(line, after) or not line[after:].startswith(label.inline.text):
                return None
            end = start + len(line[first:after].encode("utf-8"))
            edit = Edit(start, end, canonical + note.newline)
            message += " and move the text after it to the next line"
        if label.style == "heading":  # a heading goes away: links to it may break
            return Fix(message, (edit,), safe=False)
        return self.make_fix(message, edit)
