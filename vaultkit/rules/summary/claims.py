"""Summary rules about claims (SM101–SM103): what the summary states, the body must state.

The summary is the `## 摘要` section; the body is everything after it except
the sections in `summary.claims-body-exclude` (`## 关联主题`, `## 相关文档`),
and the frontmatter's values count as support too. URLs, link targets,
images, code and HTML in the summary are not claims; in the body, URLs and
images are left out. `vaultkit.claims` does the extracting and the matching;
this module picks the lines and turns findings into diagnostics. The three
rules share one analysis per note.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from vaultkit import claims
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.note import Note
from vaultkit.options import Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.summary import claim_text
from vaultkit.rules.summary.claim_text import (
    body_ranges,
    english,
    english_names,
    frontmatter,
    labels,
    last_line,
    links,
    masked_text,
)

SUMMARY_HEADING = "摘要"
CJK_CHAR = claim_text.CJK_CHAR
# A body that supports fewer than half of the summary's names, and lacks at least this many,
# is one finding (a template with no facts), not one per name.
EMPTY_BODY_MISSING = 4

# ------------------------------------------------------------------ one analysis per note

_LAST: list = [None, None, False, []]  # note, settings, every number, findings
_OPTIONS: dict[int, tuple[Settings, claims.Options]] = {}


def findings(note: Note, settings: Settings, every_number: bool = True) -> list[claims.Finding]:
    """The summary's unsupported claims, computed once per note for the claim rules.

    Without `every_number` a number without a near miss (only `unsupported-number`
    reports it) may be left out, and the numbers that cannot have one are not checked."""
    if _LAST[0] is note and _LAST[1] is settings and (_LAST[2] or not every_number):
        return _LAST[3]
    result = _analyse(note, settings, every_number)
    _LAST[:] = [note, settings, every_number, result]
    return result


def _options(settings: Settings) -> claims.Options:
    """The matching options of `settings` (built once per settings object)."""
    cached = _OPTIONS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    options = settings.summary
    generic = {claims.term_key(word) for word in options.claims_generic_terms}
    aliases: dict[str, list[str]] = {}
    for term, spellings in options.claims_term_aliases.items():
        names = [term, *spellings]
        for name in names:  # each spelling supports the others: `MJ` and `Midjourney`
            if not CJK_CHAR.search(name):
                aliases.setdefault(claims.term_key(name), []).extend(
                    other for other in names if other != name
                )
    built = claims.Options(
        tolerance=options.claims_tolerance, generic=claims.GENERIC | generic, aliases=aliases
    )
    _OPTIONS[id(settings)] = (settings, built)
    return built


def _analyse(note: Note, settings: Settings, every_number: bool = True) -> list[claims.Finding]:
    summary = note.section(SUMMARY_HEADING)
    if summary is None or note.source is None:
        return []
    head, last = note.line_of(summary.heading.start), last_line(note, summary.end)
    stated = claims.extract(
        masked_text(note, [(head + 1, last)], True, "summary", labels(note, settings))
    )
    if stated.terms:
        prose = english(note, head + 1, last)
        if prose:
            stated.terms = english_names(stated.terms, prose)
    if not stated.numbers and not stated.terms:
        return []
    excluded = set(settings.summary.claims_body_exclude)
    ranges = body_ranges(note, last, excluded)
    body = masked_text(note, ranges, False, "body")
    urls = links(note, ranges)
    support = claims.Support([body, frontmatter(note, urls)], urls)
    options = _options(settings)

    def empty(found: list[claims.Finding]) -> bool:  # (then no other near miss is needed)
        return bool(_empty_body(note, last, stated, found, options))

    found = claims.compare(stated, support, options, every_number, empty)
    return _empty_body(note, last, stated, found, options) or found


def _empty_body(
    note: Note,
    last: int,
    stated: claims.Claims,
    found: list[claims.Finding],
    options: claims.Options,
) -> list[claims.Finding]:
    """One finding for a body that lacks most of the summary's names (a template such as
    `提供稳定的通用工程能力` under a summary of the real project), instead of one per name;
    empty when the body is not such."""
    lacking = list(dict.fromkeys(f.claim.text for f in found if f.kind == "term"))
    if len(lacking) < EMPTY_BODY_MISSING:
        return []
    names = {
        t.key
        for t in stated.terms
        if any(len(key) >= 2 and key not in options.generic for key in t.keys)
    }
    if 2 * len(lacking) < len(names):
        return []
    line = next(
        (n for n in range(last + 1, len(note.lines) + 1) if note.lines[n - 1].strip()),
        last,
    )
    text = note.lines[line - 1]
    shown = "`, `".join(lacking[:5]) + ("`…" if len(lacking) > 5 else "`")
    detail = f"{len(lacking)} of the {len(names)} names the summary states (`{shown})"
    return [claims.Finding("body", claims.Occurrence(text, line, 1, "body"), detail=detail)]


# ------------------------------------------------------------------ the rules


class _ClaimRule(NoteRule):
    category = "summary"
    kind: ClassVar[str | None] = None  # "number", "term", "body"; None: a near miss

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        # Only `unsupported-number` reports a number without a near miss (`kind` "number").
        for finding in findings(note, settings, self.kind == "number"):
            if (finding.kind == "body") != (self.kind == "body"):
                continue
            if finding.kind == "body":
                claim = finding.claim
                yield self.at_line(note, claim.line, 1, len(claim.text), self.message(finding))
                continue
            if (finding.near is not None) != (self.kind is None):
                continue
            if self.kind is not None and finding.kind != self.kind:
                continue
            claim = finding.claim
            yield self.at_line(
                note, claim.line, claim.column, len(claim.text), self.message(finding)
            )

    def message(self, finding: claims.Finding) -> str:
        raise NotImplementedError


@register
class UnsupportedNumber(_ClaimRule):
    """A number in the summary that neither the body nor the frontmatter states.

    ## What it does
    Checks every number of the `## 摘要` section against the numbers of the
    body (everything after the summary but `## 关联主题` and `## 相关文档`)
    and of the frontmatter's values. The numbers checked are integers of two
    or more digits, decimals, percentages, money, multiples (`3万`), Chinese
    numerals (`三千名`, `十二天`), dates (`2024年12月21日`, `12月21日`), times
    (`9:30`), versions (`2.3.1`) and ranks (`第175名`); each end of a range
    (`10–20`) is a number of its own. A single digit (`3 个`) is not checked,
    nor a number inside a name (`GPT-4`, `AIME 2024`: see `unsupported-term`).

    Both sides are normalised first: full-width digits, thousands separators,
    `万`/`亿`/`K`/`M`/`B`/`million`, `3w` (3万) and `300多万`, Chinese
    numerals (`三千`, `二十五点二`, `六成`, `一半`), `%` and `个百分点` (the
    same value), dates in any of the forms above, `Dec 21, 2024`, `1.6号`
    (1月6日) or an ISO date-time (`2026-02-17T01:18:38Z`, in the body or the
    frontmatter), ordinals (`10th`), a number ending a name (`Claude100k` for
    `100k`), a count that looks like a year (`2000+`, `2000 名`: not compared
    as a year), and a year the body calls `去年` or `今年`
    (from the year of a frontmatter date). A number supports another with the
    same value and a unit that fits (`10%` is not `十分钟`, `42 美元` is not
    `41%`), allowing the rounding a reader accepts: `5.2万` for `52,198`, `72%`
    for `71.7%`, `4000` for `3,900` (within 5 % when the summary ends in zeros).
    A hedge widens that: `约 30%` takes 27–33 % (`claims-tolerance`, at most ten
    units of the last digit), `一百多` takes 100–200, `超过 85%` up to 93.5 %,
    `不足 2%` down to 1 %. A figure the summary computed is supported too
    when it says so and the body states its parts on one line, one of them also
    in the summary: `76%`, `去年 62%` -> `提高 14 个百分点`; `从 100 亿到 135 亿`
    -> `增长 35%`; `2.4 倍`.

    When the body has the number with a typo, `summary-body-mismatch` reports
    it instead. This is a warning: a number the body lacks is usually invented
    or miscopied, but may be one the summary derived in a way not covered here.

    Off by default: on a real vault of this format 20 of 40 sampled findings
    were true (50 %). The others were figures the body writes in words
    (`两个半小时`, `半小时到一小时`, `23年24年`, `去年国庆期间`), counts and spans
    the summary derived (`10 种工具`, `24 小时` for `早8点到次日早8点`), figures
    cut short (`1.1 万` for 11,604), names and idioms (`23M`, `24/7`), and
    README figures above a template profile body. Turn it on
    (`extend-select = ["SM101"]`) to audit a note.

    ## Why is this bad?
    The summary is written by a model told to be faithful to the source and to
    add no claims. A number the article never states was invented, miscopied
    or computed by the model; readers quote summaries, not bodies.

    ## Example
    ```markdown
    ## 摘要
    *   模型在 SWE-Bench Verified 上得分 74.2%。

    ## 正文
    模型在 SWE-Bench Verified 上的成绩是 71.7%。
    ```

    ## Use instead
    ```markdown
    ## 摘要
    *   模型在 SWE-Bench Verified 上得分 71.7%。
    ```

    ## Options
    `summary.claims-tolerance` (default `0.1`): how far, relative to the value,
    a hedged number (`约`, `近`, `超过`, `~`) may be from the body's;
    `summary.claims-body-exclude` (default `["关联主题", "相关文档"]`): the `##`
    sections that are not part of the body.
    """

    default_enabled = False

    code = "SM101"
    name = "unsupported-number"
    severity = Severity.WARNING
    kind = "number"

    def message(self, finding: claims.Finding) -> str:
        claim = finding.claim
        return (
            f"summary says `{claim.text}` (line {claim.line}), but neither the body nor the "
            "frontmatter states this number; use the figure the body gives, or drop it"
        )


@register
class UnsupportedTerm(_ClaimRule):
    """A name in the summary (model, product, benchmark) that the body never mentions.

    ## What it does
    Checks every Latin-script name of the `## 摘要` section (`o3-mini`,
    `AIME 2024`, `SWE-Bench Verified`, `Gemini 1.5 Pro`) against the body and
    the frontmatter's values, ignoring case, hyphens, underscores, spaces, dots
    between letters, a leading `v` of a version and a plural `s`: `SWE-bench
    verified` and `o3 mini` are the same names. A name of several words is
    supported as written or word by word, where neighbouring words the body has
    together (`Claude 3.5 Sonnet` in `Claude 3.5 Sonnet New`) cover them; a
    hyphenated part counts as a word (`GPT-4o` in `GPT-4o-mini`).

    A name is mentioned too when a URL or link target of the body or the
    frontmatter holds it (`Hugging Face` in `huggingface.co/…`), when the
    summary writes it beside its acronym in brackets and the body has the other
    (`MCP（Model Context Protocol）`, `Pull Requests (PRs)`), or when the body
    has a common equivalent (`MJ`/`Midjourney`, `SD`/`Stable Diffusion`,
    `油管`/`YouTube`, `RPG`/`角色扮演`; `claims-term-aliases`, which works both
    ways between Latin spellings). Neighbouring words the body lacks are one
    finding (`Hugging Face`), not one per word.

    A body that lacks at least four of the summary's names, and at least half
    of them, is `summary-body-divergence`'s finding, once; its names and
    numbers are then not reported one by one.

    Off by default: on a real vault of this format 14 of 40 sampled findings
    were true (35 %, after the fixes above; 1 of 40 before them). Most of the
    rest were facts a summary of a README rightly states above a profile body
    that is a template but lacks too few of them for `summary-body-divergence`;
    the others, names the body gives in another form (`4o` for `GPT-4o`,
    `无限设计画布` for `INFINITE DESIGN CANVAS`) or with a typo too short for
    `summary-body-mismatch` (`wodr` for `Word`). Turn it on
    (`extend-select = ["SM102"]`) to audit a note.

    Never checked: the part labels (`风险与缺口（Risks/Gaps）`); on a line
    written in English (more Latin words than Chinese characters, and English
    function words), words without a capital inside or a digit (`streaming`,
    but still `OpenAI`, `iOS`, `GPT-4o`); generic words and acronyms a
    summary adds to a Chinese body (`AI`, `API`, `LLM`, `RAG`, `Agent`, `the`,
    `token`…, and `claims-generic-terms`); a name glossed in Chinese beside it when the body
    has the Chinese (`红队（Red Team）`, `One-liner（单句笑话）`); a name whose
    `claims-term-aliases` spelling the body uses (`Apple` for `苹果`). When the
    body has the name with a typo, `summary-body-mismatch` reports it instead.
    This is a warning: a name the body lacks may be one the summary supplied
    from its own knowledge (a full name, an English name for a Chinese one).

    ## Why is this bad?
    A name the article never mentions was invented, or confused with another
    one, by the model that wrote the summary; a reader who searches the vault
    for it finds a note that does not talk about it.

    ## Example
    ```markdown
    ## 摘要
    *   在 LiveCodeBench 上领先 Claude 3.5 Sonnet。

    ## 正文
    在 HumanEval 上领先 Claude 3.5 Sonnet。
    ```

    ## Use instead
    ```markdown
    ## 摘要
    *   在 HumanEval 上领先 Claude 3.5 Sonnet。
    ```

    ## Options
    `summary.claims-generic-terms` (default `[]`): more words that are never
    checked; `summary.claims-term-aliases`: a name and the other spellings that
    support it (default: Chinese names of common companies and people, e.g.
    `Apple = ["苹果"]`, `NVIDIA = ["英伟达"]`, `Sam Altman = ["奥特曼"]`);
    `summary.claims-body-exclude`.
    """

    default_enabled = False

    code = "SM102"
    name = "unsupported-term"
    severity = Severity.WARNING
    kind = "term"

    def message(self, finding: claims.Finding) -> str:
        claim = finding.claim
        return (
            f"summary names `{claim.text}` (line {claim.line}), which the body never "
            "mentions; use the name the body uses, or drop it"
        )


@register
class SummaryBodyMismatch(_ClaimRule):
    """A number or name in the summary differs from the body's by a typo.

    ## What it does
    Reports a summary claim that the body does not support (see
    `unsupported-number` and `unsupported-term`) when the body has a near miss
    of it, naming both sides and their lines:

    - a name one edit away (a letter changed, added or dropped; two neighbours
      swapped counts as one), or two for names of twelve characters or more;
      names under five characters have no near miss: short names differ by
      chance (`Git`/`MIT`, `GoT`/`GPT`, `CD`/`CI`). Not a near miss: a plural, a
      generic word (`LLM` for `vLLM`), a number, a name that extends the other
      (`iPad`/`iPadOS`, `Windows`/`Windows 11`, `Postgres`/`PostgREST`), one that
      differs only in its digits (`GPT-5.2`/`GPT-5.4`: another version), or
      the end of the other (`auth` in `OAuth`) unless it opens a line, where
      scraping drops the first letters (`ixel` for `Pixel`);
    - a number with two neighbouring digits swapped (three or more digits:
      `71.7` and `17.7`) or one digit changed (six or more: `272727` and
      `273727`), with a unit that fits, when the body has exactly one such
      value. Years and shorter numbers differ by chance too often to tell (star
      counts taken on two days differ in a digit).

    ## Why is this bad?
    One side has a typo: the summary miscopied the body, or the body was
    mis-transcribed (`AIME 2024` vs `AIEM 2024`). Both mislead a reader, and a
    search for the right spelling misses the note.

    ## Example
    ```markdown
    ## 摘要
    *   在 AIME 2024 中接近满分；o3-mini 预计 1 月底开放。

    ## 正文
    AIEM 2024 接近满分。目前 o3-mimi 预估在 1 月底可以对外开放。
    ```

    ## Use instead
    Correct whichever side is wrong, so that both say `AIME 2024` and `o3-mini`.

    ## Options
    `summary.claims-generic-terms`, `summary.claims-term-aliases` and
    `summary.claims-body-exclude`, as for `unsupported-term`.
    """

    code = "SM103"
    name = "summary-body-mismatch"

    def message(self, finding: claims.Finding) -> str:
        claim, near = finding.claim, finding.near
        where = "body" if near.source == "body" else f"frontmatter `{near.source}`"
        return (
            f"summary says `{claim.text}` (line {claim.line}); {where} has `{near.text}` "
            f"(line {near.line}): make them agree (one of them is a typo)"
        )


@register
class SummaryBodyDivergence(_ClaimRule):
    """The summary states names the body lacks: most of them, not a slip or two.

    ## What it does
    Reports a note, once, at the first line after its `## 摘要`, when its body
    (as for `unsupported-term`) never mentions at least four of the Latin-script
    names the summary states, and at least half of them, and names the first
    five. The summary was then written from another text than the body: a
    README summarised above a profile body that is a template (`提供稳定的通用工程
    能力`, `阅读仓库 README 与官方文档…`), or a profile that left out what the
    summary lists. Its names and numbers are not reported one by one.

    On a real vault of this format 40 of 40 sampled findings were true.

    ## Why is this bad?
    The owners' summaries are generated from the body (`prompts/summarize.md`:
    faithful to the source, no new claims); a body without the facts its
    summary gives is an unfinished note: a reader who opens it to check the
    summary finds nothing to check it against.

    ## Example
    ```markdown
    ## 摘要
    *   支持 Docker、Kubernetes、Homebrew、FreeBSD 与 Wayland。

    ## 核心功能
    - 提供稳定的通用工程能力。
    - 支持跨平台或多环境使用。
    ```

    ## Use instead
    ```markdown
    ## 摘要
    *   支持 Docker、Kubernetes、Homebrew、FreeBSD 与 Wayland。

    ## 核心功能
    - 以 Docker 或 Kubernetes 部署，macOS 上可用 Homebrew 安装。
    - 支持 FreeBSD；Linux 上可在 Wayland 下运行。
    ```

    ## Options
    As `unsupported-term`: `summary.claims-generic-terms`,
    `summary.claims-term-aliases`, `summary.claims-body-exclude`.
    """

    code = "SM104"
    name = "summary-body-divergence"
    severity = Severity.WARNING
    kind = "body"

    def message(self, finding: claims.Finding) -> str:
        return (
            f"the body never mentions {finding.detail}: the summary was written from another "
            "text (a template body, or a profile that left them out); put those facts into "
            "the body, or write the summary from it"
        )
