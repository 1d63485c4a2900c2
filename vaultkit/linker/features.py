"""What the linker keeps of one note: `Features`, read from its parse.

Everything here is plain data (strings, numbers, lists), so it is stored as
JSON in the linker's cache (`vaultkit.linker.index`) and never unpickled.
The fields a warm `link suggest` reads for one note only (`LAZY`: the URLs of
its prose, its mentions) are kept in the cache as one JSON string per note,
decoded when first read: most of the cache's bytes, never parsed for the
other notes.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from vaultkit import regexes, urls
from vaultkit.linker import text as text_module
from vaultkit.linker.matching import Matcher
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex, Status
from vaultkit.topics import (
    fold,
    in_folder,
    related_entries,
    section_lines,
    topic_key,
    topic_name,
)

BUCKETS = 1 << 21  # token hashes fall in this many buckets
_REASON = regexes.compile(r"关联理由\s*[：:]\s*([^；;\s]+)")
_HASHES: dict[str, int] = {}
_MAX_URLS = 60
_MAX_LINES = 3  # lines kept as evidence per mentioned topic


def token_id(token: str) -> int:
    """A stable bucket for a token (the same on every run and machine)."""
    found = _HASHES.get(token)
    if found is None:
        if len(_HASHES) > 2_000_000:
            _HASHES.clear()
        found = _HASHES[token] = zlib.crc32(token.encode()) & (BUCKETS - 1)
    return found


@dataclass
class Features:
    rel: str
    title: str
    is_topic: bool  # a note of the topic folder
    urls: list[str] = field(default_factory=list)  # its own source URLs, normalized
    body_urls: list[str] = field(default_factory=list)  # URLs its prose and links point to
    topics: list[str] = field(default_factory=list)  # topic keys of `## 关联主题`
    related: list[list] = field(default_factory=list)  # [target rel | None, reason | ""]
    aliases: list[str] = field(default_factory=list)  # a topic note's `aliases`
    definition: str = ""  # a topic note's first line under `## 定义`
    mentions: dict[str, list[int]] = field(default_factory=dict)  # topic key -> [count, lines…]
    title_mentions: list[str] = field(default_factory=list)  # topic keys its title names
    tokens: dict[int, int] = field(default_factory=dict)  # token bucket -> count

    def to_json(self) -> list:
        lazy = self.__dict__.get("_lazy")
        if lazy is None or any(name in self.__dict__ for name in LAZY):
            values = [getattr(self, name) for name in LAZY]
            lazy = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        return [
            self.rel, self.title, self.is_topic, self.urls, self.topics, self.related,
            self.aliases, self.definition, lazy,
        ]  # fmt: skip

    @classmethod
    def from_json(cls, row: list) -> Features:
        """The features of a cache row; the `LAZY` fields decoded when first read."""
        *light, lazy = row
        rel, title, is_topic, urls, topics, related, aliases, definition = light
        features = cls(rel, title, is_topic, urls, [], topics, related, aliases, definition)
        for name in LAZY:
            del features.__dict__[name]
        features.__dict__["_lazy"] = lazy
        return features

    def __getattr__(self, name: str):  # only for attributes not set: the LAZY ones
        lazy = self.__dict__.get("_lazy")
        if name not in LAZY or lazy is None:
            raise AttributeError(name)
        try:
            values = json.loads(lazy)
            body_urls, mentions, title_mentions = values
            ok = isinstance(body_urls, list) and isinstance(mentions, dict)
            values = values if ok and isinstance(title_mentions, list) else None
        except (ValueError, TypeError):
            values = None  # a damaged cache row: as if the note had none
        for key, value in zip(LAZY, values or ([], {}, []), strict=True):
            self.__dict__.setdefault(key, value)
        return self.__dict__[name]


LAZY = ("body_urls", "mentions", "title_mentions")


def repo(url: str) -> str | None:
    """`github.com/owner/name` for a GitHub (or GitLab) repository URL, else None."""
    folded = url.lower()
    if "github.com" not in folded and "gitlab.com" not in folded:
        return None  # most URLs: no parse needed
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if host not in ("github.com", "gitlab.com"):
        return None
    path = [p for p in parts.path.split("/") if p]
    if len(path) < 2:
        return None
    return f"{host}/{path[0].lower()}/{path[1].lower().removesuffix('.git')}"


def _string(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _aliases(note: Note) -> list[str]:
    front = note.frontmatter
    found = front.get("aliases") if front is not None else None
    value = found.value if found is not None and found.error is None else None
    if isinstance(value, str):
        value = [value]
    return [v.strip() for v in value or () if isinstance(v, str) and v.strip()]


def _definition(note: Note) -> str:
    section = note.section("定义")
    if section is None:
        return ""
    for line in note.slice(section.content_start, section.end).splitlines():
        line = line.strip()
        if line:
            return line
    return ""


def read(note: Note, settings, index: LinkIndex, matcher: Matcher | None) -> Features:
    """The features of one parsed note (`settings`: the note's `Settings`)."""
    options = settings.topics
    front = note.frontmatter
    fields = front.fields if front is not None and front.closed else {}
    title_field = fields.get("title")
    title = _string(title_field.value) if title_field is not None else ""
    title = title or note.path.stem
    features = Features(note.rel, title, in_folder(note.rel, options.folder))
    for name in settings.frontmatter.url_fields:
        found = fields.get(name)
        value = found.value if found is not None and found.error is None else None
        for url in value if isinstance(value, list) else [value]:
            normal = urls.normalize(url) if isinstance(url, str) else None
            if normal:
                features.urls.append(normal)
    skipped = (options.section, options.related_section)
    prose = text_module.prose(note, skipped)
    body: list[str] = []
    hidden = _sections(note, skipped)
    for link in note.links:
        if link.kind != "wikilink" and not any(s <= link.start < e for s, e in hidden):
            normal = urls.normalize(link.target) if "://" in link.target else None
            if normal and normal not in body:
                body.append(normal)
    for match in text_module._URL.finditer(note.data, note.body_start):
        if not any(s <= match.start() < e for s, e in hidden):
            normal = urls.normalize(match.group().decode("ascii", "replace"))
            if normal and normal not in body:
                body.append(normal)
    features.body_urls = body[:_MAX_URLS]
    features.topics = _topics(note, options, index)
    features.related = _related(note, options, index)
    if features.is_topic:
        features.aliases = _aliases(note)
        features.definition = _definition(note)
    features.tokens = token_counts(prose, title)
    if matcher is not None:
        mention(features, prose, matcher)
    return features


def token_counts(prose: str, title: str) -> dict[int, int]:
    """Token bucket -> count of a note's prose and title (the title's tokens count twice)."""
    counts = text_module.tokens(prose)
    for token, count in text_module.tokens(title).items():
        counts[token] += 2 * count  # the title says what the note is about
    tokens: dict[int, int] = {}
    for token, count in counts.items():
        bucket = token_id(token)
        tokens[bucket] = tokens.get(bucket, 0) + count
    return tokens


def mention(features: Features, prose: str, matcher: Matcher) -> None:
    """Fill the mentions of the note's prose and title."""
    found: dict[str, list[int]] = {}
    for m in matcher.mentions(prose):
        entry = found.setdefault(m.topic, [0])
        entry[0] += 1
        if len(entry) <= _MAX_LINES and m.line not in entry[1:]:
            entry.append(m.line)
    features.mentions = found
    features.title_mentions = sorted({topic for _, _, topic in matcher.spans(features.title)})


def _sections(note: Note, titles: tuple[str, ...]) -> list[tuple[int, int]]:
    return [
        (s.heading.start, s.end)
        for s in note.sections
        if s.heading.level == 2 and s.heading.text in titles
    ]


def _topics(note: Note, options, index: LinkIndex) -> list[str]:
    keys: list[str] = []
    for view in section_lines(note, options.section):
        for line in view.lines:
            for link in line.links:
                if link.kind != "wikilink" or link.embed:
                    continue
                resolution = index.resolve(link, note)
                if resolution is None:
                    continue
                reached = resolution.rel
                path = reached if reached is not None else resolution.target.path
                key = topic_key(topic_name(path))
                if key and key not in keys:
                    keys.append(key)
    return keys


def _related(note: Note, options, index: LinkIndex) -> list[list]:
    out = []
    for entry in related_entries(note, options):
        if entry.link is None:
            continue
        resolution = index.resolve(entry.link, note)
        target = None
        if resolution is not None and resolution.status is not Status.MISSING:
            target = resolution.rel
        reason = _REASON.search(entry.line.text)
        out.append([target, reason.group(1) if reason else ""])
    return out


def source_key(features: Features) -> str | None:
    """The host a note's article came from (`mp.weixin.qq.com`, `github.com/owner`)."""
    for url in features.urls:
        found = repo(url)
        if found:
            return found.rpartition("/")[0]
        host = urlsplit(url).hostname
        if host:
            return fold(host.removeprefix("www."))
    return None
