"""Which rules run for which note: `select`, `extend-select`, `ignore`, per-file ignores.

Selectors are rule codes or code prefixes (`FM`, `ST1`, `FM007`) or `ALL`, as
in ruff. `select` replaces the default set (the rules that are on by default);
`extend-select` adds to it; `ignore` removes, and wins over select.
"""

from __future__ import annotations

from collections.abc import Iterable

from vaultkit.config import Config
from vaultkit.rules import all_rules
from vaultkit.rules.base import Rule

ALL = "ALL"


class SelectorError(Exception):
    pass


def _matching(selector: str, rules: list[type[Rule]]) -> list[type[Rule]]:
    selector = selector.strip().upper()
    if selector == ALL:
        return list(rules)
    found = [rule for rule in rules if rule.code.startswith(selector)]
    if not found:
        raise SelectorError(f"unknown rule selector '{selector}' (see `vaultkit rules`)")
    return found


def validate(selectors: Iterable[str]) -> None:
    rules = all_rules()
    for selector in selectors:
        _matching(selector, rules)


def _codes(selectors: Iterable[str], rules: list[type[Rule]]) -> set[str]:
    return {rule.code for s in selectors for rule in _matching(s, rules)}


class Selection:
    """The enabled rule codes, globally and for a given note path."""

    def __init__(self, config: Config) -> None:
        self.config = config
        rules = all_rules()
        if config.select is None:
            enabled = {rule.code for rule in rules if rule.default_enabled}
        else:
            enabled = _codes(config.select, rules)
        enabled |= _codes(config.extend_select, rules)
        enabled -= _codes(config.ignore, rules)
        self.enabled = enabled
        for pattern, codes in config.per_file_ignores.items():
            try:
                validate(codes)
            except SelectorError as error:
                raise SelectorError(f'per-file-ignores."{pattern}": {error}') from None
        self._per_path: dict[tuple[str, ...], frozenset[str]] = {}

    def for_path(self, rel: str) -> frozenset[str]:
        ignored = tuple(self.config.ignored_for(rel))
        if ignored not in self._per_path:
            self._per_path[ignored] = frozenset(self.enabled - _codes(ignored, all_rules()))
        return self._per_path[ignored]
