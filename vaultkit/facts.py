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

Most of what the rules read of the other notes' facts are counts over the vault,
so even those facts need not be read on every run: each family also registers,
with `sums(name)`, the keys one note's facts add to a vault-wide count (its topic
uses, its URLs' rough keys, its folder's tail addresses). The cache keeps the
counts over every note (`Totals`), updated for the notes whose bytes changed, and
a rule takes the count over the notes it does not report on from
`others(vault, name)` (None: no totals, read the notes' facts). `targets` stays
facts only: resolving every link of the vault to count the files reached cost a
rebuild more than the orphan rules (TP008 on a topic note, LK008) cost when they
read the facts of every note, which few hook runs ask.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.note import Note
    from vaultkit.vault import Vault

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


# ------------------------------------------------------------------ vault-wide counts

_SUMS: dict[str, Callable[[str, Facts, Vault], Iterable[Hashable]]] = {}


def sums(name: str) -> Callable:
    """Decorator: `fn(rel, facts, vault)` yields the keys one note adds to the vault-wide count
    `name` (a key yielded twice counts twice); see `Totals`."""

    def register(fn: Callable[[str, Facts, Vault], Iterable[Hashable]]) -> Callable:
        if name in _SUMS and _SUMS[name] is not fn:
            raise ValueError(f"two sums named {name!r}")
        _SUMS[name] = fn
        return fn

    return register


class Totals:
    """What vault rules count over every note's facts, kept in the note cache between runs.

    A check of a few notes needs, of the other notes, mostly such counts (the uses of each
    topic, the URLs and the tail addresses of each folder). Built once from every note's
    facts, they are then updated for the notes whose bytes changed (their old facts out,
    their new ones in), so a run over a few changed notes reads no other note's facts.
    Links are resolved against the vault's file list (`names`, a fingerprint): when a
    file comes or goes, they are built again.
    """

    def __init__(self, names: str) -> None:
        self.names = names  # the vault's notes and files, in the order of `Vault.notes`
        self.digests: list[bytes | None] = []  # per note, the digest of the bytes counted
        self.counts: dict[str, Counter] = {name: Counter() for name in sorted(_SUMS)}

    def add(self, rel: str, facts: Facts | None, vault: Vault, sign: int = 1) -> None:
        """Count a note's facts in (`sign` 1) or out (-1); a count left at zero is dropped."""
        if facts is None:
            return
        for name, fn in _SUMS.items():
            count = self.counts[name]
            for key in fn(rel, facts, vault):
                left = count[key] + sign
                if left:
                    count[key] = left
                else:
                    del count[key]


def update(
    totals: Totals | None,
    vault: Vault,
    digests: list[bytes | None],
    old_facts: Callable[[str, bytes], Facts | None],
    names: str,
) -> tuple[Totals | None, bool]:
    """The totals of `vault` and whether they changed: `totals` updated for the notes whose
    bytes changed since (`digests`, the first notes'), else built from every note's facts.
    None when a readable note has no facts to count (the rules then read it)."""
    import vaultkit.rules  # noqa: F401 - every rule family registers its sums

    digests = digests + [None] * (len(vault.notes) - len(digests))  # files not even walked
    if totals is not None and totals.names == names and len(totals.digests) == len(digests):
        changed = False
        for at, note in enumerate(vault.notes):
            digest, counted = digests[at], totals.digests[at]
            if digest == counted:
                continue
            old = old_facts(note.rel, counted) if counted is not None else None
            if counted is not None and old is None:
                break  # what was counted cannot be read back: build again
            if note.facts is None and note.readable:
                return None, False
            totals.add(note.rel, old, vault, -1)
            totals.add(note.rel, note.facts, vault)
            totals.digests[at] = digest
            changed = True
        else:
            return totals, changed
    if any(note.facts is None and note.readable for note in vault.notes):
        return None, False
    built = Totals(names)
    counted = [note for note in vault.notes if note.facts is not None]
    for name, fn in _SUMS.items():  # one count in C per sum, not one per note
        built.counts[name].update(chain.from_iterable(fn(n.rel, n.facts, vault) for n in counted))
    built.digests = digests
    return built, True


def others(vault: Vault, name: str) -> Counter | None:
    """The count `name` over the notes vault rules do not report on in this run; None when
    every note is reported on or the run keeps no totals (read the notes' facts instead)."""
    totals = vault.totals
    if totals is None or vault.subjects is None:
        return None
    count = Counter(totals.counts[name])
    fn = _SUMS[name]
    for note in vault.subject_notes:
        keys = list(fn(note.rel, note.facts, vault)) if note.facts is not None else []
        count.subtract(keys)
        for key in keys:
            if count.get(key) == 0:
                del count[key]
    return count
