"""The facts of a note: what vault rules read of a note they do not report on.

A check of a few notes (the pre-commit hook's) still resolves them against the
whole vault: their links against every file's name, their topics against every
note's topic entries, their source URL against every other note's. Those reads
of the other notes need only small facts, computed when a note is parsed and
kept in the note cache beside its record (`facts_key`: one vaultkit version and
configuration), so that the other notes' records are never unpickled:

- `targets`: each vault link's destination `(kind, written, path)`, for
  "does any note link here" (TP008, LK008);
- `topics`: each topic entry `(name, key, topic_like, kind, written, path)`
  (`topic_like` None when only resolving the link tells), for the spellings and
  uses of each topic (TP002, and which entries TP001–TP004 report);
- `urls`: each URL field `(key, text, rough key)` of the frontmatter, for
  FM017 (the few notes whose URLs collide are then read whole).

Names, headings and block ids come from the vault's file list and, for the few
link targets a checked note names with `#`, from the target's record itself.
Rules decide which notes they report on with `Vault.is_subject`; a note that is
not a subject is read through its facts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.note import Note


@dataclass(frozen=True, slots=True)
class Facts:
    targets: tuple[tuple[str, str, str], ...]
    topics: tuple[tuple[str, str, bool | None, str, str, str], ...]
    urls: tuple[tuple[str, str, str], ...]


def collect(note: Note, config: Config) -> Facts | None:
    """The facts of a parsed note (None for a note that could not be read)."""
    if note.source is None:
        return None
    from vaultkit.rules.frontmatter.duplicates import url_values
    from vaultkit.rules.topics._entries import topic_facts
    from vaultkit.targets import parse_target

    targets = []
    for link in note.links:
        target = parse_target(link)
        if target is not None and target.path:
            targets.append((target.kind, target.written, target.path))
    topics = config.settings_for(note.rel).topics
    return Facts(tuple(targets), topic_facts(note, topics), url_values(note, config))
