"""The facts of a note: what vault rules read of a note they do not report on.

A check of a few notes (the pre-commit hook's) still resolves them against the
whole vault: their links against every file's name, their topics against every
note's topic entries, their source URL against every other note's. Those reads
of the other notes need only small facts, computed when a note is parsed and
kept in the note cache beside its record (`facts_key`: one vaultkit version and
configuration), so that the other notes' records are never unpickled.

Each vault rule family registers the facts it reads with `provides(name)`: a
function of the parsed note and the configuration whose result (small, plain
data: tuples of strings) is `note.facts[name]`. Today:

- `targets` (`vaultkit.resolve`): each vault link's `(kind, written, path)`,
  for "does any note link here" (TP008, LK008);
- `topics` (topics rules): each topic entry that may count as a use;
- `urls` (FM017): each URL field `(key, text, rough key)`;
- `tail-addresses` (ST120): the e-mail addresses ending the article.

Rules decide which notes they report on with `Vault.is_subject`; a note that is
not a subject has `note.facts` (else None: read it whole), and a rule reads of
it only those facts. Names, headings and block ids need no facts: they come
from the vault's file list and, for the few link targets a checked note names
with `#`, from the target's record, loaded on use (`vaultkit.note.LazyNote`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.note import Note

Facts = dict[str, Any]
_PROVIDERS: dict[str, Callable[[Note, Config], Any]] = {}


def provides(name: str) -> Callable:
    """Decorator: `fn(note, config)` computes the fact `name` of a parsed, readable note."""

    def register(fn: Callable[[Note, Config], Any]) -> Callable[[Note, Config], Any]:
        if name in _PROVIDERS and _PROVIDERS[name] is not fn:
            raise ValueError(f"two providers of the fact {name!r}")
        _PROVIDERS[name] = fn
        return fn

    return register


def collect(note: Note, config: Config) -> Facts | None:
    """The facts of a parsed note (None for a note that could not be read)."""
    if note.source is None:
        return None
    import vaultkit.rules  # noqa: F401 - every rule family registers its facts

    return {name: fn(note, config) for name, fn in sorted(_PROVIDERS.items())}
