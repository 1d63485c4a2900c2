"""Claims in text: numbers and Latin-script names, normalised so two texts can be compared.

A summary is faithful when every number and every name it states can be found
in the article it summarises. `extract` takes the claims of a summary's lines
(already masked: URLs, link targets and code blanked out with spaces, so
columns stay right); `Support` holds the article (body and frontmatter) and
indexes its claims when a claim is not found as written; `compare` checks the
summary's claims against it and, for a claim without support, looks for a near
miss: a typo on one side.

- `numbers`: numbers normalised (full-width digits, separators, `万`/`亿`,
  Chinese numerals, `%` and `个百分点`, ranges, dates, rounding);
- `terms`: names (`SWE-Bench Verified`, `o3-mini`) and their Chinese glosses;
- `support`: the index and the near-miss search;
- `model`: the records and the normalising they share.

Nothing here knows about notes: `vaultkit.rules.summary.claims` picks the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vaultkit.claims.model import (
    GENERIC,
    Claims,
    Finding,
    Line,
    Number,
    Occurrence,
    Options,
    Term,
    Text,
    Word,
    blank,
    fold,
    line_starts,
    term_key,
    value_key,
)
from vaultkit.claims.numbers import cn_value, numbers
from vaultkit.claims.support import Support
from vaultkit.claims.terms import acronym_pairs, gloss_found, located_terms

__all__ = [
    "GENERIC", "Claims", "Finding", "Line", "Number", "Occurrence", "Options", "Support",
    "Term", "Text", "Word", "cn_value", "compare", "extract", "fold", "line_starts", "term_key",
    "value_key",
]  # fmt: skip


def extract(lines: Iterable[Line] | Text, source: str = "summary") -> Claims:
    """The claims a summary makes in masked lines: its names (`o3-mini`, `AIME 2024`, with
    their Chinese glosses) and the numbers it must support: two or more digits, decimals,
    percentages, money, dates, times, versions, `三千`-style numerals; not the digits of
    a name (`GPT-4`, `AIME 2024`)."""
    text = lines if isinstance(lines, Text) else Text(lines, source)
    found = located_terms(text)
    spans = [(start, end) for _, start, end in found]  # in order, not overlapping
    scanned = blank(text.value, spans)
    return Claims(list(numbers(text, scanned, strict=True)), [term for term, _, _ in found])


def compare(
    summary: Claims,
    support: Support,
    options: Options,
    every_number: bool = True,
    enough: Callable[[list[Finding]], bool] | None = None,
) -> list[Finding]:
    """Every summary claim the support lacks, with the body's near miss when there is one.

    Without `every_number`, only the numbers with a near miss (`Support.number_mismatch`:
    a number that cannot have one is not checked further).

    A name glossed in Chinese that the body has (`红队（Red Team）`) is supported
    unless the body has a near miss of the name itself; so is a name beside its
    acronym in brackets when the body has the other (`MCP（Model Context
    Protocol）`). Neighbouring words the body lacks are one finding (`Hugging
    Face`), not one each.

    `enough` is shown the names' findings first, near misses looked for only where they
    decide which findings there are: when it says they are enough (a body that lacks
    most names, reported once), they are the answer, and no other near miss is looked
    for."""
    partners = acronym_pairs(summary.terms)
    missing_of = [support.missing_words(term, options) for term in summary.terms]
    lacking = [
        index
        for index, missing in enumerate(missing_of)
        if missing and all(missing_of[other] for other in partners.get(index, ()))
    ]
    nears: dict[int, Occurrence | None] = {}

    def findings_of(index: int, every_near: bool) -> list[Finding]:
        def near() -> Occurrence | None:
            if index not in nears:
                nears[index] = support.term_near_miss(summary.terms[index].key, options.generic)
            return nears[index]

        term = summary.terms[index]
        return _term(term, missing_of[index], near, support, options, every_near)

    if enough is not None:
        sketch = [finding for index in lacking for finding in findings_of(index, False)]
        sketch.sort(key=lambda f: (f.claim.line, f.claim.column))
        if enough(sketch):
            return sketch
    findings: list[Finding] = []
    stated = frozenset(value_key(n.value) for n in summary.numbers if n.value)
    for claim in summary.numbers:
        if not every_number:
            close = support.number_mismatch(claim, options, stated)
            if close is not None:
                findings.append(Finding("number", claim.where, close.where))
        elif not support.number_supported(claim, options, stated):
            close = support.number_near_miss(claim)
            findings.append(Finding("number", claim.where, close.where if close else None))
    for index in lacking:
        findings += findings_of(index, True)
    findings.sort(key=lambda f: (f.claim.line, f.claim.column))
    return findings


def _term(
    term: Term,
    missing: list[Word],
    near: Callable[[], Occurrence | None],
    support: Support,
    options: Options,
    every_near: bool,
) -> list[Finding]:
    """The findings of a name whose `missing` words the support lacks; `near` gives its
    near miss. Without `every_near`, a near miss is looked for only where it decides
    which findings there are: not for a name reported as a whole whatever its near miss
    (an unglossed name of one word or with a number, or none of whose words the body
    has), nor for its words."""
    whole = any(word.numeric for word in missing) or len(missing) == len(term.keys) > 1
    glossed = None
    if not every_near and (whole or len(term.keys) == 1):
        glossed = gloss_found(term, support.text)
        if not glossed:
            return [Finding("term", term.where)]  # (with a near miss or without)
    found = near()
    if found is not None:
        return [Finding("term", term.where, found)]
    if glossed or (glossed is None and gloss_found(term, support.text)):
        return []
    if whole:
        return [Finding("term", term.where)]  # `AIME 2025`: the name as a whole
    return [
        Finding(
            "term",
            group,
            support.term_near_miss(term_key(group.text), options.generic)
            if every_near and len(term.keys) > 1
            else None,
        )
        for group in _neighbours(term, missing)
    ]


def _neighbours(term: Term, missing: list[Word]) -> list[Occurrence]:
    """The missing words of `term`, neighbours joined into one occurrence each."""
    index = {id(word): i for i, word in enumerate(term.words)}
    groups: list[list[Word]] = []
    for word in missing:
        if groups and index[id(groups[-1][-1])] + 1 == index[id(word)]:
            groups[-1].append(word)
        else:
            groups.append([word])
    found = []
    for group in groups:
        first, last = group[0].where, group[-1].where
        start = first.column - term.where.column
        end = last.column + len(last.text) - term.where.column
        text = term.where.text[start:end]
        found.append(Occurrence(text, first.line, first.column, first.source))
    return found
