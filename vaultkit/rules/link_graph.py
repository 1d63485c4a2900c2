"""Rules about a note's place in the link graph: no way in (orphans), no way out (dead ends).

Both are off by default: in an archive reached through topics many notes are
orphans by design. They read the vault's `LinkIndex`, as the link rules do.
"""

from __future__ import annotations

from collections.abc import Iterator

from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.resolve import Resolution, index_for
from vaultkit.rules.base import VaultRule, register
from vaultkit.vault import Vault


def _topic_folder(vault: Vault, rel: str) -> str:
    return vault.config.settings_for(rel).topics.folder.strip("/")


@register
class OrphanNote(VaultRule):
    """No other note links to this note (off by default).

    ## What it does
    Reports a note that no link, embed or Markdown link of another note
    reaches (links from the note to itself do not count). Topic notes under
    `00-元语/` are left to the topics rules.

    ## Why is this bad?
    An orphan can only be found by search: it takes no part in the graph and
    is often a duplicate or a forgotten draft. In an archive where articles
    are reached through topics, many notes are orphans by design, which is why
    the rule is off unless selected (`--extend-select LK008`).

    ## Example
    `01-博客/甲/旧文.md`, which no note links to.

    ## Use instead
    Link it from a related note (`## 相关文档`) or delete it.
    """

    code = "LK008"
    name = "orphan-note"
    category = "links"
    severity = Severity.WARNING
    default_enabled = False

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = index_for(vault)
        for note in vault.subject_notes:
            if note.source is None or note.rel not in index.notes:
                continue
            topics = _topic_folder(vault, note.rel)
            if topics and (note.rel + "/").startswith(topics + "/"):
                continue
            if not index.has_incoming(note.rel):
                yield self.at_line(
                    note, 1, 1, 0,
                    f"no other note links to `{note.rel}`; link it from a related note "
                    "(e.g. its `## 相关文档`) or remove it if it is a leftover",
                )  # fmt: skip


@register
class DeadEndNote(VaultRule):
    """Note links to no other note or file (off by default).

    ## What it does
    Reports a note without a single link to another note or file: wikilinks,
    embeds and Markdown links count (broken ones too: those are reported by
    LK001/LK002); links into the note itself, image embeds and URLs do not.

    ## Why is this bad?
    A dead end stops navigation through the graph. In these vaults every
    article should at least list its topics under `## 关联主题`.

    ## Example
    An article whose `## 关联主题` section is missing.

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/AI]]
    ```
    """

    code = "LK009"
    name = "dead-end-note"
    category = "links"
    severity = Severity.WARNING
    default_enabled = False

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = index_for(vault)
        for note in vault.subject_notes:
            if note.source is None or note.rel not in index.notes:
                continue
            if not any(_leads_out(r) for r in index.links_of(note)):
                yield self.at_line(
                    note, 1, 1, 0,
                    f"`{note.rel}` links to no other note or file; link its topics under "
                    "`## 关联主题` (e.g. `- [[00-元语/AI]]`) or related notes",
                )  # fmt: skip


def _leads_out(resolution: Resolution) -> bool:
    target = resolution.target
    if target.embed and target.is_image:
        return False
    return bool(target.path) and resolution.rel != resolution.source
