"""All rules, by family. Importing this package fills the registry."""

from vaultkit.rules import (  # noqa: F401  (importing a family registers its rules)
    files,
    frontmatter,
    images,
    link_graph,
    links,
    related,
    structure,
    summary,
    topics,
)
from vaultkit.rules.base import REGISTRY, NoteRule, Rule, VaultRule

__all__ = ["REGISTRY", "NoteRule", "Rule", "VaultRule", "all_rules", "get"]


def all_rules() -> list[type[Rule]]:
    return sorted(REGISTRY.values(), key=lambda rule: rule.code)


def get(code: str) -> type[Rule] | None:
    return REGISTRY.get(code.upper())
