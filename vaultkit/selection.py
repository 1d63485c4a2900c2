"""Which rules run for which note: `select`, `extend-select`, `ignore`, per-file ignores.

Selectors are rule codes, code prefixes (`FM`, `ST1`, `FM007`) or `ALL`, as in
ruff. They are resolved in stages: the config file first, then the command
line. A stage with `select` starts afresh (so `--select` replaces what the
file chose, its ignores included); otherwise it starts from the previous
stage's rules, or from the rules that are on by default. Within a stage the
more specific selector wins (`ignore = ["ST1"]` with `extend-select =
["ST101"]` keeps ST101), and at equal specificity `ignore` wins.

A rule that is off by default runs only when a selector names its full code:
`FM` or `ALL` selects every other FM rule, but not those.

`per-file-ignores` then removes rules for matching notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vaultkit import regexes
from vaultkit.config import Config

if TYPE_CHECKING:
    from vaultkit.rules.base import Rule


def all_rules() -> list[type[Rule]]:
    """Every registered rule (importing the rule families on first use)."""
    from vaultkit.rules import all_rules as registered

    return registered()


ALL = "ALL"
_SELECTOR = regexes.compile(r"[A-Z]+[0-9]*")


class SelectorError(Exception):
    """A selector that names no rule; the message says where it was written."""


@dataclass(frozen=True)
class Stage:
    """One place that selects rules: the config file, or the command line."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    # where each list came from, for error messages: {"select": "--select", …}
    origins: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config) -> Stage:
        return cls(config.select, config.extend_select, config.ignore, config.origins)


CLI_ORIGINS = {"select": "--select", "extend_select": "--extend-select", "ignore": "--ignore"}


def matching(
    selector: str, rules: list[type[Rule]] | None = None, *, selecting: bool = True
) -> list[type[Rule]]:
    """The rules a selector names; raises `SelectorError` when it names none.

    When `selecting`, rules that are off by default are left out unless the selector
    is their full code; an ignore (`selecting=False`) covers them all.
    """
    rules = all_rules() if rules is None else rules
    key = selector.strip().upper()
    if key == ALL:
        found = list(rules)
    elif not _SELECTOR.fullmatch(key):
        raise SelectorError(
            f"'{selector}' is not a rule selector (a code such as FM001, a prefix such as FM "
            "or ST1, or ALL)"
        )
    else:
        found = [rule for rule in rules if rule.code.startswith(key)]
        if not found:
            raise SelectorError(f"unknown rule selector '{selector}' (see `vaultkit rules`)")
    if not selecting:
        return found
    return [rule for rule in found if rule.default_enabled or rule.code == key]


def validate(selectors: Iterable[str], where: str = "") -> None:
    """Raise `SelectorError`, naming `where`, for the first selector that names no rule."""
    rules = all_rules()
    for selector in selectors:
        try:
            matching(selector, rules)
        except SelectorError as error:
            raise SelectorError(f"{where}: {error}" if where else str(error)) from None


def _specificity(selector: str) -> int:
    key = selector.strip().upper()
    return 0 if key == ALL else len(key)


def _resolve(enabled: set[str], stage: Stage, rules: list[type[Rule]]) -> set[str]:
    result = set() if stage.select is not None else set(enabled)
    updates: dict[str, bool] = {}
    chosen = [(s, True) for s in [*(stage.select or []), *stage.extend_select]]
    chosen += [(s, False) for s in stage.ignore]
    # least specific first, and at equal specificity select before ignore: later wins
    for selector, on in sorted(chosen, key=lambda item: (_specificity(item[0]), not item[1])):
        for rule in matching(selector, rules, selecting=on):
            updates[rule.code] = on
    for code, on in updates.items():
        (result.add if on else result.discard)(code)
    return result


class Selection:
    """The enabled rule codes, globally and for a given note path."""

    def __init__(self, config: Config, cli: Stage | None = None) -> None:
        self.config = config
        rules = all_rules()
        stages = [Stage.from_config(config)]
        if cli is not None:
            stages.append(cli)
        for stage, default_origins in zip(stages, ({}, CLI_ORIGINS), strict=False):
            origins = {**default_origins, **stage.origins}
            for key in ("select", "extend_select", "ignore"):
                where = origins.get(key, key.replace("_", "-"))
                validate(getattr(stage, key) or [], where)
        for pattern, codes in config.per_file_ignores.items():
            where = config.origins.get(
                f"per-file-ignores:{pattern}", f'per-file-ignores."{pattern}"'
            )
            validate(codes, where)
        enabled = {rule.code for rule in rules if rule.default_enabled}
        for stage in stages:
            enabled = _resolve(enabled, stage, rules)
        self.enabled = frozenset(enabled)
        self._rules = rules
        self._per_path: dict[tuple[str, ...], frozenset[str]] = {}
        self._by_rel: dict[str, frozenset[str]] = {}  # asked per note and per finding

    def for_path(self, rel: str) -> frozenset[str]:
        """The rules that run on the note at `rel`: `enabled` less its per-file ignores."""
        known = self._by_rel.get(rel)
        if known is not None:
            return known
        ignored = tuple(self.config.ignored_for(rel))
        if ignored not in self._per_path:
            off = {
                rule.code
                for selector in ignored
                for rule in matching(selector, self._rules, selecting=False)
            }
            self._per_path[ignored] = self.enabled - off
        self._by_rel[rel] = self._per_path[ignored]
        return self._by_rel[rel]
