"""Running the vault rules over a vault: in two processes when they report on many notes.

The vault rules fall in two groups that build no index in common: the link, image
and topic rules (`LK…`, `IM…`, `TP…`) share the link index and the topic map,
which resolve every link of the vault; the others (`FM017`, `ST120`, …) read the
notes' URL fields and tails. (On the real vault the first group costs ~0.6 s and
the second ~0.4 s; with the topic rules in the second group, both processes built
the link index and the topic map, and the pass took ~0.85 s instead of ~0.63 s.)
With enough notes to report on (`analysis.PARALLEL_MIN`) and two cores, the second
group runs in a forked process while this one runs the first, and only their
findings come back. The findings and failures are those of one process, in the
rules' order; rules that go online always run here.
"""

from __future__ import annotations

from collections.abc import Callable

from vaultkit import analysis, parallel
from vaultkit.diagnostics import Diagnostic

Outcome = list[tuple[list[Diagnostic], str | None]]  # per rule: its findings, its failure


def run(
    vault, rules: list, keep: Callable[[object, Diagnostic], bool], reported: int
) -> tuple[list[Diagnostic], list[str]]:
    """Every vault rule's findings that `keep(rule, diagnostic)` accepts, and the failures of
    the rules that crashed; `reported` is how many notes they report on."""
    first = [rule for rule in rules if _stays_here(rule)]
    second = [rule for rule in rules if not _stays_here(rule)]
    done = _in_two(vault, first, second, keep, reported)
    outcomes = {id(rule): outcome for rule, outcome in zip(first + second, done, strict=True)}
    found: list[Diagnostic] = []
    errors: list[str] = []
    for rule in rules:
        diagnostics, error = outcomes[id(rule)]
        found += diagnostics
        if error is not None:
            errors.append(error)
    return found, errors


def _stays_here(rule) -> bool:
    """The link, image and topic rules (they share the link index and the topic map), and
    rules that go online."""
    return rule.code[:2] in ("LK", "IM", "TP") or rule.needs_online


def _in_two(vault, first, second, keep, reported: int) -> Outcome:
    """The outcomes of `first + second`, the second group in a forked process if it pays."""
    if not first or not second or analysis.pool_size(reported) < 2:
        return _run(vault, first + second, keep)
    here, there = parallel.beside(
        lambda: _run(vault, first, keep), lambda: _run(vault, second, keep)
    )
    return here + there


def _run(vault, rules: list, keep) -> Outcome:
    out: Outcome = []
    for rule in rules:
        found: list[Diagnostic] = []
        try:
            for diagnostic in rule.check_vault(vault):
                if keep(rule, diagnostic):
                    found.append(diagnostic)
        except Exception as error:  # a rule bug must not stop the run
            out.append((found, analysis.failure(rule, "the vault", error)))
        else:
            out.append((found, None))
    return out
