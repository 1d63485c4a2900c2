"""All rules, by family. Importing this package fills the registry."""

from vaultkit.rules import files, frontmatter, images, links, related, structure, summary, topics  # noqa: F401  (registers the rules)
from vaultkit.rules.base import REGISTRY, NoteRule, Rule, VaultRule

__all__ = ["REGISTRY", "NoteRule", "Rule", "VaultRule", "all_rules", "get"]


def all_rules() -> list[type[Rule]]:
    return sorted(REGISTRY.values(), key=lambda rule: rule.code)


def get(code: str) -> type[Rule] | None:
    return REGISTRY.get(code.upper())
