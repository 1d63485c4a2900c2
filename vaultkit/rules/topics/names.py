"""Topic names (TP001–TP004, TP008): does each topic exist, and is it spelled the one way?

Every rule here reads the vault's `TopicMap` (built once per vault from the
shared link index), where each `## 关联主题` entry already carries its one
kind of problem; see `vaultkit.rules.topics._entries`.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.note import Note
from vaultkit.resolve import Status
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.topics._entries import (
    BANNED,
    MISSING,
    NEAR,
    SYNONYM,
    TopicEntry,
    TopicMap,
    topic_map,
)
from vaultkit.topics import in_folder, stem, topic_key
from vaultkit.vault import NOTE_SUFFIX, Vault

_MAX_SHOWN = 80
_SEPARATORS = regexes.compile(r"[-_\s]+")
_NOT_IN_NAME = frozenset("/\\|#^[]")  # a topic name to write into a link holds none of these


def code(text: str) -> str:
    """`text` as inline code, with a longer fence when it holds a backtick."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def quoted(note: Note, entry: TopicEntry) -> str:
    text = note.slice(entry.link.start, entry.link.end)
    return code(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…")


def topic_link(folder: str, name: str, entry: TopicEntry | None = None) -> str:
    """`[[folder/name]]`, keeping the alias of `entry`'s link."""
    alias = entry.resolution.target.alias if entry is not None else None
    return f"[[{folder.strip('/')}/{name}{f'|{alias}' if alias is not None else ''}]]"


class _EntryRule(VaultRule):
    """Reports the topic entries of one kind."""

    category = "topics"
    kind = ""

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        topics = topic_map(vault)
        for entries in topics.entries.values():
            for entry in entries:
                if entry.kind == self.kind:
                    message = self.message(entry, topics)
                    fix = self.fix_for(entry, topics)
                    yield self.at_bytes(entry.note, entry.link.start, entry.link.end, message, fix)

    def message(self, entry: TopicEntry, topics: TopicMap) -> str:
        raise NotImplementedError

    def fix_for(self, entry: TopicEntry, topics: TopicMap) -> Fix | None:
        return None


@register
class TopicNotFound(_EntryRule):
    """Topic entry links to a topic note that does not exist.

    ## What it does
    Reports a wikilink under `## 关联主题` that matches no file of the vault
    (resolved as Obsidian does), suggesting the closest existing topic. A
    missing topic that is banned, a configured synonym or a near-duplicate of
    another topic is reported by TP004, TP003 or TP002 instead, and LK001
    leaves every missing topic entry to these rules: one finding per link.

    ## Why is this bad?
    The topic graph has a hole: the article is linked to nothing, and a topic
    that exists only as links is usually a typo or was never written.

    ## Example
    ```markdown
    ## 关联主题

    - [[00-元语/Agnet]]
    ```

    ## Use instead
    ```markdown
    ## 关联主题

    - [[00-元语/Agent]]
    ```
    Or create the topic note `00-元语/Agnet.md` if the topic is new.

    ## Options
    `topics.folder` (default `"00-元语"`), `topics.section` (default `"关联主题"`).
    """

    code = "TP001"
    name = "topic-not-found"
    kind = MISSING

    def message(self, entry: TopicEntry, topics: TopicMap) -> str:
        folder = topics.options(entry.note).folder.strip("/")
        shown = quoted(entry.note, entry)
        near = topics.nearest(entry.name) if entry.name else None
        hint = f"; did you mean `{topic_link(folder, stem(near), entry)}`?" if near else ""
        if not entry.topic_like:
            return (
                f"{shown} matches no file of the vault, and topics are notes under `{folder}/`; "
                f"link an existing topic as `[[{folder}/…]]`{hint}"
            )
        return (
            f"{shown}: the topic note `{folder}/{entry.name}{NOTE_SUFFIX}` does not exist; "
            f"create it or link an existing topic{hint}"
        )


def difference(name: str, other: str) -> str:
    """How two spellings of one topic differ, in words."""
    if name.casefold() == other.casefold():
        return "only in case"
    if _SEPARATORS.sub("", name) == _SEPARATORS.sub("", other):
        return "only in `-`, `_` or spaces"
    return "only in case and `-`, `_` or spaces"


@register
class TopicNearDuplicate(_EntryRule):
    """Two spellings of one topic (`LLM` and `llm`, `code-review` and `code review`).

    ## What it does
    Groups the topics of the whole vault (topic notes under `00-元语/` and
    the entries of every `## 关联主题`) by their name with case, `-`, `_` and
    spaces ignored. When a group has more than one spelling, the canonical one
    is the existing topic note's (or, with several notes or none, the most
    used spelling), and the rule reports every entry spelled otherwise, naming
    the canonical topic, and every other topic note of the group (on its
    first line). LK006 leaves such case-only entries to this rule.

    ## Why is this bad?
    Each spelling is a separate node of the graph (and a separate page on a
    case-sensitive publisher): articles on one topic are split in two, and
    the topic note collects only some of them.

    ## Example
    ```markdown
    - [[00-元语/LLM]]  <!-- the topic note is 00-元语/llm.md -->
    ```

    ## Use instead
    ```markdown
    - [[00-元语/llm]]
    ```

    ## Options
    `topics.folder`, `topics.section`.
    """

    code = "TP002"
    name = "topic-near-duplicate"
    kind = NEAR

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        yield from super().check_vault(vault)
        topics = topic_map(vault)
        for note in topics.topic_notes:
            key = topic_key(stem(note.rel))
            canonical = topics.canonical.get(key)
            rels = topics.notes_by_key.get(key, [])
            if len(rels) < 2 or canonical is None or stem(note.rel) == canonical:
                continue
            keep = next(rel for rel in rels if stem(rel) == canonical)
            uses = topics.uses[key][canonical]
            yield self.at_line(
                note, 1, 1, 0,
                f"the topic note `{note.rel}` and `{keep}` differ "
                f"{difference(stem(note.rel), canonical)}: merge this one into `{keep}` "
                f"(linked by {uses} topic {'entry' if uses == 1 else 'entries'}) and link "
                f"`{canonical}` everywhere",
            )  # fmt: skip

    def message(self, entry: TopicEntry, topics: TopicMap) -> str:
        folder = topics.options(entry.note).folder.strip("/")
        canonical = entry.other
        notes = topics.notes_by_key.get(entry.key, [])
        keep = next((rel for rel in notes if stem(rel) == canonical), None)
        if keep is not None:
            what = f"the topic note `{keep}`"
        else:
            uses = topics.uses[entry.key][canonical]
            what = f"no topic note yet; `{canonical}` is the most used spelling ({uses} entries)"
        return (
            f"{quoted(entry.note, entry)}: `{entry.name}` differs from the topic `{canonical}` "
            f"{difference(entry.name, canonical)} ({what}); write "
            f"`{topic_link(folder, canonical, entry)}` so the topic has one spelling"
        )


@register
class TopicSynonym(_EntryRule):
    """Topic is a synonym of another topic (`agents` for `Agent`).

    ## What it does
    Reports a `## 关联主题` entry whose topic is a key of `topics.synonyms`
    (compared ignoring case, `-`, `_` and spaces), naming the topic to link
    instead, and saying so when the note already lists that topic.

    ## Why is this bad?
    Synonyms split one subject over several topic notes; the vault merges
    them under one name so that every article on the subject meets in one
    place.

    ## Example
    ```markdown
    - [[00-元语/agents]]
    ```

    ## Use instead
    ```markdown
    - [[00-元语/Agent]]
    ```

    ## Fix safety
    The fix replaces the topic's name in the link with the topic to use
    (`[[00-元语/agents|智能体]]` becomes `[[00-元语/Agent|智能体]]`): the folder,
    the alias and the rest of the line stay. It is safe: the note links the
    subject it linked, under its one name. It is offered only when the synonym
    names one topic, that topic's note exists under the topic folder spelled
    exactly so (no near-duplicate), the new link reaches it, and the note does
    not list it already (then the line should go, which is left to you).

    ## Options
    `topics.synonyms` (default `{agents = "Agent", memo = "memory"}`).
    """

    code = "TP003"
    name = "topic-synonym"
    severity = Severity.WARNING
    kind = SYNONYM
    fix = "safe"

    def message(self, entry: TopicEntry, topics: TopicMap) -> str:
        folder = topics.options(entry.note).folder.strip("/")
        better = topic_link(folder, entry.other, entry)
        fix = (
            "the note already lists it: remove this line"
            if _listed(entry, topics)
            else f"link `{better}` instead"
        )
        return (
            f"{quoted(entry.note, entry)}: `{entry.name}` is a synonym of the topic "
            f"`{entry.other}` (`topics.synonyms`); {fix}"
        )

    def fix_for(self, entry: TopicEntry, topics: TopicMap) -> Fix | None:
        other, link, target = entry.other, entry.link, entry.resolution.target
        options = topics.options(entry.note)
        targets = {name for key, name in options.synonyms.items() if topic_key(key) == entry.key}
        if len(targets) != 1 or _listed(entry, topics) or link.embed:
            return None  # two configured topics for one synonym: which one is a guess
        if not other or other != other.strip() or _NOT_IN_NAME.intersection(other):
            return None
        if len(topics.notes_by_key.get(topic_key(other), [])) != 1:
            return None  # no topic note, or near-duplicates of it (TP002 first)
        raw = entry.note.slice(link.start, link.end)
        if not (raw.startswith("[[") and raw.endswith("]]")):
            return None
        inner = raw[2:-2]
        cuts = [at for at in (inner.find("|"), inner.find("#")) if at >= 0]
        written = inner[: min(cuts, default=len(inner))]  # the path, before an alias or heading
        if written != target.path:
            return None  # spaces, escapes or another normalisation: rewrite by hand
        name_start = written.rfind("/") + 1
        name = written[name_start:]
        suffix = name[-3:] if name.lower().endswith(NOTE_SUFFIX) else ""
        name = name[: len(name) - len(suffix)]
        if name != entry.name:
            return None
        new_path = written[:name_start] + other + suffix
        new_target = dataclasses.replace(target, path=new_path, written=new_path)
        found = topics.index.find(new_target, entry.note.rel)
        if (
            found.status is not Status.RESOLVED
            or found.rel is None
            or found.case_mismatch is not None
            or stem(found.rel) != unicodedata.normalize("NFC", other)
            or not in_folder(found.rel, options.folder)
        ):
            return None
        start = link.start + len(raw[: 2 + name_start].encode("utf-8"))
        edit = Edit(start, start + len(name.encode("utf-8")), other)
        folder = options.folder.strip("/")
        return self.make_fix(f"link `{topic_link(folder, other, entry)}`", edit)


def _listed(entry: TopicEntry, topics: TopicMap) -> bool:
    """Whether the entry's note already lists the topic the entry's synonym stands for."""
    wanted = topic_key(entry.other)
    return any(
        other.key == wanted and other is not entry for other in topics.entries[entry.note.rel]
    )


@register
class BannedTopic(_EntryRule):
    """Topic is on the banned list (`article`, `blog`, `resource`, …).

    ## What it does
    Reports a `## 关联主题` entry whose topic is in `topics.banned`, compared
    ignoring case, `-`, `_` and spaces (so `Open Source` is `open-source`).

    ## Why is this bad?
    A topic that fits every note (`article`, `blog`, `translation`) connects
    nothing: its note becomes a huge list, and the topic graph gains a hub
    that hides the real structure.

    ## Example
    ```markdown
    - [[00-元语/blog]]
    ```

    ## Use instead
    Remove the line, or link a topic that says what the article is about.

    ## Options
    `topics.banned` (default `["article", "resource", "translation",
    "open-source", "rist", "blog"]`).
    """

    code = "TP004"
    name = "banned-topic"
    kind = BANNED

    def message(self, entry: TopicEntry, topics: TopicMap) -> str:
        return (
            f"{quoted(entry.note, entry)}: `{entry.name}` is a banned topic (`topics.banned`: "
            "too generic to connect related notes); remove the line or link a more specific "
            "topic"
        )


@register
class UnusedTopic(VaultRule):
    """Topic note that no note links to.

    ## What it does
    Reports a note under the topic folder (`00-元语/`) that no link, embed or
    Markdown link of another note reaches (resolved as Obsidian does), on its
    first line.

    ## Why is this bad?
    A topic exists to gather the articles about it. One that nothing links
    to is a leftover of a rename or merge, or a topic whose articles link a
    different spelling of it.

    ## Example
    `00-元语/知识图谱.md`, while every article links `[[00-元语/knowledge-graph]]`.

    ## Use instead
    List the topic under `## 关联主题` of the notes it is about, merge it
    into the topic they use, or delete it.

    ## Options
    `topics.folder` (default `"00-元语"`).
    """

    code = "TP008"
    name = "unused-topic"
    category = "topics"
    severity = Severity.WARNING

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        topics = topic_map(vault)
        for note in topics.topic_notes:
            if not vault.is_subject(note) or topics.index.has_incoming(note.rel):
                continue
            yield self.at_line(
                note, 1, 1, 0,
                f"no note links to the topic `{stem(note.rel)}` (`{note.rel}`); list it under "
                f"`## {topics.options(note).section}` of the notes it is about, merge it into "
                "the topic they link, or delete it",
            )  # fmt: skip
