"""Checking remote images over HTTP (`vaultkit check --online`), safely.

Never on by default, and never run by the pre-commit hook. The linter calls
`check_vault` between reading the vault and running the rules: it collects the
remote image URLs (`![…](https://…)`) of the notes being reported, checks each
unique URL once (`fetch.py`, through the SSRF guard of `guard.py` and
`transport.py`, with the result cache of `cache.py`) and stores one `Verdict`
per URL in `vault.online`; rules that declare `needs_online` (IM100, IM101)
read them there, and are skipped when no online check ran.

httpx and rich are imported only here, when a check actually runs, so plain
`vaultkit check` starts as fast as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vaultkit.online.cache import ResultCache
from vaultkit.online.options import OnlineOptions, parse_duration
from vaultkit.online.verdict import Kind, Outcome, Verdict, is_remote

if TYPE_CHECKING:
    from vaultkit.note import Link, Note
    from vaultkit.vault import Vault

__all__ = [
    "Kind",
    "OnlineOptions",
    "Outcome",
    "Summary",
    "Verdict",
    "check_urls",
    "check_vault",
    "collect",
    "remote_images",
]


@dataclass
class Summary:
    """What an online check did, for the line on stderr."""

    urls: int = 0  # unique URLs
    images: int = 0  # images in the notes (a URL used twice counts twice)
    checked: int = 0  # fetched in this run
    broken: int = 0  # fetched or cached, and broken
    refused: int = 0  # refused by the SSRF guard
    skipped: int = 0  # not checked: malformed, rate limited, interrupted
    cached: int = 0  # answered from the result cache
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # cache trouble, said once

    def count(self, verdict: Verdict) -> None:
        if verdict.cached:
            self.cached += 1
        elif verdict.outcome is Outcome.REFUSED:
            self.refused += 1
        elif verdict.outcome is Outcome.SKIPPED:
            self.skipped += 1
        else:
            self.checked += 1
        if verdict.outcome is Outcome.BROKEN:
            self.broken += 1

    def merge(self, other: Summary) -> Summary:
        return Summary(
            self.urls + other.urls,
            self.images + other.images,
            self.checked + other.checked,
            self.broken + other.broken,
            self.refused + other.refused,
            self.skipped + other.skipped,
            self.cached + other.cached,
            self.seconds + other.seconds,
            [*self.notes, *other.notes],
        )

    def line(self) -> str:
        urls = f"{self.urls} image URL{'s' if self.urls != 1 else ''}"
        if self.images != self.urls:
            urls += f" ({self.images} images)"
        return (
            f"online: {urls}: {self.checked} checked, {self.broken} broken, "
            f"{self.refused} refused, {self.skipped} skipped, {self.cached} cached "
            f"in {self.seconds:.1f} s"
        )


def remote_images(note: Note) -> list[Link]:
    """The note's images with a remote URL (`![…](http…)`, also reference-style)."""
    return [
        link
        for link in note.links
        if link.embed and not link.is_wikilink and is_remote(link.target)
    ]


def collect(vault: Vault, wanted: Callable[[Note], bool]) -> dict[str, list[tuple[str, int]]]:
    """Each remote image URL of the wanted notes -> where it occurs (note, byte offset)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for note in vault.notes:
        if note.source is None or not wanted(note):
            continue
        for link in remote_images(note):
            found.setdefault(link.target.strip(), []).append((note.rel, link.start))
    return found


def check_urls(
    urls: Iterable[str],
    options: OnlineOptions,
    cache: ResultCache | None = None,
) -> tuple[dict[str, Verdict], Summary]:
    """A verdict for each unique URL (from the cache when fresh and allowed), and a summary.

    New verdicts are saved to `cache` even when the check is interrupted.
    """
    started = time.monotonic()
    unique = list(dict.fromkeys(urls))
    summary = Summary(urls=len(unique), images=len(unique))
    verdicts: dict[str, Verdict] = {}
    todo: list[str] = []
    for url in unique:
        hit = cache.get(url) if cache is not None and options.use_cache else None
        if hit is not None:
            verdicts[url] = hit
        else:
            todo.append(url)
    fresh: dict[str, Verdict] = {}
    if todo:
        import asyncio

        from vaultkit.online import fetch  # httpx: only when something is fetched
        from vaultkit.progress import ProgressBar

        try:
            with ProgressBar(len(todo), options.progress) as bar:
                asyncio.run(fetch.check_all(todo, options, fresh, bar.advance))
        finally:
            offline = _looks_offline(fresh)
            if offline and len(fresh) >= 3:
                summary.notes.append(
                    f"no server answered ({len(fresh)} URL{'s' if len(fresh) != 1 else ''} "
                    "failed to connect): is the network down? These results were not cached"
                )
            if cache is not None:
                for verdict in fresh.values():
                    if not (offline and verdict.transient):
                        cache.put(verdict)
                if not cache.save():
                    summary.notes.append(cache.problem or "cannot write the result cache")
                elif cache.rebuilt:
                    summary.notes.append(f"the result cache {cache.path} was unusable; rebuilt it")
    verdicts.update(fresh)
    for url in todo:  # only when interrupted: nothing else leaves a URL without a verdict
        if url not in verdicts:
            verdicts[url] = Verdict(url, Outcome.SKIPPED, Kind.INTERRUPTED, "not checked")
    for url in unique:
        summary.count(verdicts[url])
    summary.seconds = time.monotonic() - started
    return verdicts, summary


def _looks_offline(fresh: dict[str, Verdict]) -> bool:
    """Whether every URL fetched in this run failed to connect (or time out), none answered."""
    kinds = {verdict.kind for verdict in fresh.values() if verdict.outcome is Outcome.BROKEN}
    answered = any(verdict.status is not None for verdict in fresh.values())
    return bool(kinds) and not answered and kinds <= {Kind.CONNECTION, Kind.TIMEOUT}


def check_vault(vault: Vault, wanted: Callable[[Note], bool], options: OnlineOptions) -> Summary:
    """Check the remote images of the wanted notes; store the verdicts in `vault.online`."""
    if options.cache_max_age is not None:
        max_age = parse_duration(options.cache_max_age)
    else:
        max_age = parse_duration(vault.config.settings.images.online_cache_max_age)
    places = collect(vault, wanted)
    cache = ResultCache(vault.root, max_age, options.allow_private).load()
    verdicts, summary = check_urls(places, options, cache)
    summary.images = sum(len(where) for where in places.values())
    vault.online = verdicts
    return summary
