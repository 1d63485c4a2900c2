"""Two notes of the same article, found by their normalised source URLs."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_plus, urlsplit

import yaml

from vaultkit import regexes, urls
from vaultkit.diagnostics import Diagnostic
from vaultkit.facts import others, provides, sums
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.frontmatter.common import value_span, values_of

if TYPE_CHECKING:
    from vaultkit.config import Config
    from vaultkit.note import Note
    from vaultkit.options import FrontmatterOptions
    from vaultkit.vault import Vault

_SHOWN = 3  # other paths named in a message
_ORDER = "_vaultkit_note_order"  # `_order`, kept on the vault
SAME_BODY = 0.35  # share of the shorter body's trigrams the other must hold
_SHORT_BODY = 200  # trigrams: a body shorter than this says nothing either way
_SPACE = regexes.compile(r"\s+")
_ROUGH = regexes.compile(r"\s*https?://(?:[^/?#@]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?", re.IGNORECASE)
_DEFAULT_PORT = regexes.compile(r":0*(?:80|443)$")
_WECHAT_ID = regexes.compile(r"[?&](__biz|mid|idx|sn)=([^&#]*)")


@register
class DuplicateArticle(VaultRule):
    """Two or more notes archive the same article.

    ## What it does
    Normalises the URL fields (`原文链接`) of every note and reports each note
    of a group that shares one, at its URL, naming the others. URLs match when
    they differ only in `http`/`https`, host case, a default port, a trailing
    slash, the fragment (unless it is a route, `#/…`), tracking parameters
    (`utm_*`, WeChat's `chksm`, `scene`…) or the order of the query. A WeChat article
    (`mp.weixin.qq.com/s?__biz=…&mid=…&idx=…&sn=…`) is identified by those
    four parameters alone.

    A URL under an alias key (`来源: https://…`, see FM019) counts as the
    note's URL when it has no URL field and its folder requires one. Notes
    that share a URL but whose bodies differ are parts of one series, not duplicates (`上篇`/`下篇`,
    several lectures on one course page, chapters of one repository folder):
    two notes are the same article when at least `SAME_BODY` of the shorter
    body's character trigrams are in the other (translations of one article
    share about 0.5–0.6, parts of a series under 0.3), or when a body is too
    short to tell.

    Profiles are found by the object they describe: where `object_fields` is
    set (`项目主页`, `仓库`… under `02-资源/`, whose rule is one page per site
    or project), two notes naming one repository (`github.com/owner/name`, a
    URL with two path segments or more) are one object written up twice,
    whatever their bodies; a bare homepage (`https://example.com`) may serve
    several products and is not compared.

    ## Why is this bad?
    Duplicates split links, summaries and topics between two notes that drift
    apart; the vault counts the article twice.

    ## Example
    `01-博客/甲/文章.md` and `01-博客/乙/文章（转载）.md`, both with
    `原文链接: "https://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=Y&chksm=…"`.

    ## Use instead
    Keep one note; merge what the other adds and point its links at the kept one.

    ## Options
    `frontmatter.url-fields`, `frontmatter.url-key-aliases`,
    `frontmatter.object-fields`, `frontmatter.tracking-parameters`.
    """

    code = "FM017"
    name = "duplicate-article"
    category = "frontmatter"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        # A cheap key first (host and path, plus `sn` for WeChat): notes whose URLs
        # normalise alike share it, so the full normal form and each note's own options
        # (its URL fields and tracking parameters) are computed only for those that collide.
        loose: dict[str, list[tuple[Note, str, str]]] = defaultdict(list)
        counted = others(vault, "urls")  # the notes not reported on, if kept
        for note in vault.notes if counted is None else vault.subject_notes:
            facts = note.facts
            values = facts["urls"] if facts is not None else _read_urls(note, vault.config)
            for key, text, rough in values:
                loose[rough].append((note, key, text))
        if counted:
            _add_counted(vault, loose, counted)
        groups: dict[str, dict[str, tuple[Note, str]]] = defaultdict(dict)
        for members in loose.values():
            if len(members) < 2 or len({id(note) for note, _, _ in members}) < 2:
                continue
            if not any(vault.is_subject(note) for note, _, _ in members):
                continue  # no finding of this group would be reported
            for note, key, text in members:
                options = vault.config.settings_for(note.rel).frontmatter
                normal = urls.normalize(text, options.tracking_parameters)
                role = _role(note, key, options, normal) if normal is not None else None
                if role is not None:
                    groups[(role, normal)].setdefault(note.rel, (note, key))
        for (role, normal), by_rel in sorted(groups.items()):
            members = list(by_rel.values())
            if role == "object":  # one profile per repository: the URL decides
                yield from self._report(normal, members, "object", "profile", vault)
                continue
            for same in _same_articles(members):
                yield from self._report(normal, same, "article", "note", vault)

    def _report(
        self, normal: str, members: list[tuple[Note, str]], what: str, kept: str, vault: Vault
    ) -> Iterator[Diagnostic]:
        if len(members) < 2:
            return
        for note, key in members:
            if not vault.is_subject(note):
                continue
            others = [other.rel for other, _ in members if other is not note]
            named = ", ".join(f"`{rel}`" for rel in others[:_SHOWN])
            if len(others) > _SHOWN:
                named += f" and {len(others) - _SHOWN} more"
            fm = note.frontmatter
            start, end = value_span(note, fm, fm.fields[key])
            yield self.diagnostic(
                note, start, end,
                f"same {what} as {named} (`{key}` is `{normal}` once normalised); "
                f"keep one {kept} and merge the other into it",
            )  # fmt: skip


def _add_counted(vault: Vault, loose: dict[str, list], counted: Counter) -> None:
    """Add to the groups of `loose` the URL values of the notes not reported on that may
    share their rough key (`counted`, see `_url_sums`: read from those notes' facts), each
    group in the order of the vault's notes, as a whole pass reads them."""
    wanted: dict[bytes, list[str]] = defaultdict(list)
    for rough in loose:
        wanted[_short(rough)].append(rough)
    places: dict[str, set[int]] = defaultdict(set)
    for short, place in counted:
        for rough in wanted.get(short, ()):
            places[rough].add(place)
    order = _order(vault)
    for rough, found in places.items():
        members = [
            (order[n.rel], at, n, key, text) for at, (n, key, text) in enumerate(loose[rough])
        ]
        for place in found:
            note = vault.notes[place]
            facts = note.facts
            values = facts["urls"] if facts is not None else _read_urls(note, vault.config)
            members += [
                (place, at, note, key, text)
                for at, (key, text, other) in enumerate(values)
                if other == rough
            ]
        members.sort(key=lambda member: member[:2])
        loose[rough] = [member[2:] for member in members]


def _short(rough: str) -> bytes:
    """A short stand-in for a rough key (two keys may share one: the facts tell them apart)."""
    return hashlib.blake2b(rough.encode("utf-8", "surrogateescape"), digest_size=8).digest()


def _order(vault: Vault) -> dict[str, int]:
    """Each note's place in `vault.notes`, kept on the vault."""
    found = vars(vault).get(_ORDER)
    if found is None:
        found = {note.rel: place for place, note in enumerate(vault.notes)}
        setattr(vault, _ORDER, found)
    return found


@sums("urls")
def _url_sums(rel: str, facts: dict, vault: Vault) -> Iterator[tuple[bytes, int]]:
    """What a note adds to FM017's groups: `(short rough key, its place in the vault)` per
    URL value (a place: fewer bytes to keep than a path)."""
    place = _order(vault)[rel]
    for _key, _text, rough in facts["urls"]:
        yield _short(rough), place


@provides("urls")
def url_values(note: Note, config: Config) -> tuple[tuple[str, str, str], ...]:
    """`(key, text, rough key)` of each URL field or alias the note fills in with a plain
    http(s) URL: what FM017 compares across the vault (also kept as the note's facts)."""
    fm = values_of(note) if note.frontmatter is not None else None
    if fm is None or not fm.fields:
        return ()
    found = []
    for key in _url_keys(config):
        entry = fm.fields.get(key)
        if entry is None or not isinstance(entry.node, yaml.ScalarNode):
            continue
        text = entry.node.value
        rough = _rough_key(text) if "://" in text else None
        if rough is not None:
            found.append((key, text, rough))
    return tuple(found)


def _read_urls(note: Note, config: Config) -> tuple[tuple[str, str, str], ...]:
    """`url_values` of a note without facts, its YAML not kept composed if it was not yet
    (the few notes reported compose it again), so the notes do not all hold node trees."""
    if note.frontmatter is None:
        return ()
    with note.frontmatter.transient():
        return url_values(note, config)


def _url_keys(config: Config) -> list[str]:
    """Every URL field and URL key alias that any part of the vault uses."""
    options = config.settings.frontmatter
    keys = dict.fromkeys([*options.url_fields, *options.url_key_aliases, *options.object_fields])
    for override in config.overrides:
        table = override.tables.get("frontmatter", {})
        for name in ("url_fields", "url_key_aliases", "object_fields"):
            keys.update(dict.fromkeys(table.get(name, ())))
    return list(keys)


def _role(note: Note, key: str, options: FrontmatterOptions, normal: str) -> str | None:
    """`"article"` when `key` is where this note keeps its article's URL: a URL field, or an
    alias when it has none and its folder requires one (as FM019 sees it); `"object"` when
    it names the repository the note profiles (an object field holding `host/owner/name…`)."""
    if key in options.url_fields:
        return "article"
    if key in options.object_fields:
        path = urlsplit(normal).path
        return "object" if len([part for part in path.split("/") if part]) >= 2 else None
    if key not in options.url_key_aliases or options.url_fields[0] not in options.required:
        return None
    with note.frontmatter.transient() as fm:  # not kept composed: many notes get here
        if any(k in fm.fields for k in options.url_fields):
            return None
    return "article"


def _same_articles(members: list[tuple[Note, str]]) -> list[list[tuple[Note, str]]]:
    """The notes sharing one URL, grouped into those that hold the same article (2 or more)."""
    if len(members) < 2:
        return []
    grams = [_trigrams(note) for note, _ in members]
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if root(i) != root(j) and _same_body(grams[i], grams[j]):
                parent[root(j)] = root(i)
    clusters: dict[int, list[tuple[Note, str]]] = defaultdict(list)
    for i, member in enumerate(members):
        clusters[root(i)].append(member)
    return [cluster for cluster in clusters.values() if len(cluster) >= 2]


def _trigrams(note: Note) -> set[str]:
    """The character trigrams of the body's prose (headings, list links and spaces dropped)."""
    kept = [
        line for line in note.lines[note.body_first_line - 1 :]
        if not line.lstrip().startswith(("#", "- [[", "![", "[!["))
    ]  # fmt: skip
    text = _SPACE.sub("", "".join(kept))
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _same_body(a: set[str], b: set[str]) -> bool:
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < _SHORT_BODY:
        return True  # too little text to tell series parts apart: the URL decides
    return len(shorter & longer) >= SAME_BODY * len(shorter)


def _rough_key(url: str) -> str | None:
    """Host and path of an http(s) URL, roughly normalised (alike when `normalize` is equal)."""
    match = _ROUGH.match(url)
    if match is None:
        return None
    host = match.group(1).lower()
    if ":" in host:
        host = _DEFAULT_PORT.sub("", host)
    host = host.rstrip(".")
    path = match.group(2)
    if "%" in path:
        path = unquote(path)
    path = path.rstrip("/")
    if host == urls.WECHAT_HOST and path == "/s":
        ids = dict(_WECHAT_ID.findall((match.group(3) or "").replace("&amp;", "&")))
        if len(ids) == len(urls.WECHAT_ARTICLE_KEYS):
            return f"{host}/s?sn={unquote_plus(ids['sn'])}"
    return host + path
