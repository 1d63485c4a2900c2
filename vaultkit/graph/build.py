"""The vault as a `networkx.MultiDiGraph`: notes, topics, attachments and missing targets.

The graph (the contract the exporters and the HTML page rely on):

nodes keyed by vault-relative path (notes/attachments, e.g. `01-博客/a/x.md`), or
`missing:<written target>` for unresolved targets; node attributes `kind`
(`note`/`topic`/`missing`/`attachment`), `path`, `title`, `folder` (top folder), `date`
(`发布日期` as ISO string or ""), `author`, `topics` (list of topic node ids, for notes), `summary`
(the `## 摘要` section's Markdown source, "" when none); edges keyed, attribute `kind`
(`wikilink`, `embed`, `markdown`, `topic`, `related`), `reason` (for related: the 关联理由 TYPE or
""), `line` (1-based line of the link in the source note), `alias`.

In detail:

- Every note of the vault is a node, readable or not; a note under the topic
  folder (`[topics] folder`, default `00-元语`) is a `topic`, any other a
  `note`. Files other than notes are nodes (`attachment`) only when a link
  reaches them. Every node has every attribute: `path` is "" for a missing
  target, `title` is the frontmatter `title` (else the file name without
  `.md`; for a missing target the written target), `folder` is the first
  folder of `path` ("" at the vault root), `date` the first configured date
  field (`[frontmatter] date-fields`, default `发布日期`) when it is a real
  date, `author` is `作者` (a list joined with `, `), `topics` is [] except
  for notes with a topics section.
- One edge per link, resolved by `vaultkit.resolve` exactly as the link rules
  resolve it (an ambiguous link leads to the file Obsidian opens). Edge keys
  are integers unique in the whole graph, in the order the links appear (so
  an export's edge ids are unique too). URLs are no edges, nor is a link from
  a note to itself (`[[#Heading]]`).
- `kind`: `embed` for `![[…]]` and `![](…)`; otherwise `topic` for a link in
  the topics section (`## 关联主题`), `related` for one in the related section
  (`## 相关文档`, with `reason` read from `关联理由：TYPE` on the link's line,
  full-width or ASCII separators), else `wikilink` or `markdown` by syntax.
- A link that reaches no file (missing, or leading out of the vault) ends at
  the node `missing:<written target>`: the link's path part as written (NFC,
  URL-decoded, heading or block dropped, a final `.md` dropped), and for a
  relative Markdown link that path taken from the note's folder, so links
  that mean the same file share one node.
- `alias` is the wikilink's text after `|` (an image embed's size), else "".
- A note's `topics` are the ids of the nodes its topic edges reach, in order,
  each once (a topic that does not exist is its `missing:` id).
- Graph attribute `name`: the vault folder's name.

`networkx` is imported here and only here (and by the other graph modules),
so `vaultkit check` never pays for it.
"""

from __future__ import annotations

import datetime
import functools
import gc
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from vaultkit import regexes
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex, Resolution, index_for
from vaultkit.vault import NOTE_SUFFIX, Vault

KINDS = ("note", "topic", "missing", "attachment")
EDGE_KINDS = ("wikilink", "embed", "markdown", "topic", "related")
MISSING_PREFIX = "missing:"
SUMMARY_HEADING = "摘要"
AUTHOR_FIELD = "作者"
_ISO_DATE = regexes.compile(r"\d{4}-\d{2}-\d{2}")
_LAYOUT_TOPICS = frozenset({"folder", "section", "related_section"})
_REASON = regexes.compile(r"关联理由\s*[：:]\s*([^；;，,。\s]+)")


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a note's topics and related documents are, from its settings."""

    topic_folder: str
    topics_section: str
    related_section: str
    date_fields: tuple[str, ...]


def _layout(vault: Vault, rel: str) -> _Layout:
    settings = vault.config.settings_for(rel)
    topics = getattr(settings, "topics", None)
    folder = getattr(topics, "folder", "00-元语")
    section = getattr(topics, "section", "关联主题")
    related = getattr(topics, "related_section", "相关文档")
    dates = getattr(getattr(settings, "frontmatter", None), "date_fields", ["发布日期"])
    return _Layout(folder.strip("/"), section, related, tuple(dates))


def _layouts(vault: Vault) -> Callable[[str], _Layout]:
    """`rel -> _Layout`; one layout for all when no override for part of the vault changes it."""
    partial = [
        override
        for override in getattr(vault.config, "overrides", ())
        if list(override.include) != ["**"]
        and (
            _LAYOUT_TOPICS & set(override.tables.get("topics", {}))
            or "date_fields" in override.tables.get("frontmatter", {})
        )
    ]
    if partial:
        return functools.partial(_layout, vault)
    shared = _layout(vault, "")
    return lambda _rel: shared


def build(vault: Vault, index: LinkIndex | None = None) -> nx.MultiDiGraph:
    """The vault's graph (see the module docstring for its shape)."""
    index = index if index is not None else index_for(vault)
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small dicts, no cycles: spare the parsed vault's scans
    try:
        return _build(vault, index)
    finally:
        if collecting:
            gc.enable()


def _build(vault: Vault, index: LinkIndex) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name=vault.root.name)
    layout_of = _layouts(vault)
    layouts: dict[str, _Layout] = {}
    graph.failures = []  # notes whose attributes or links raised: bugs, reported by the CLI
    broken: set[str] = set()
    for rel, note in index.notes.items():
        layout = layouts[rel] = layout_of(rel)
        try:
            graph.add_node(rel, **_note_attributes(note, layout))
        except Exception as error:  # one note must not stop the graph
            graph.add_node(rel, **_attributes("note", rel, rel))
            graph.failures.append(_failure(rel, error))
            broken.add(rel)
    key = 0
    for rel, note in index.notes.items():
        if note.source is None or rel in broken:
            continue
        try:
            key = _add_links(graph, index, rel, note, layouts[rel], key)
        except Exception as error:
            graph.failures.append(_failure(rel, error))
    return graph


def _failure(rel: str, error: Exception) -> str:
    return (
        f"the graph of note {rel} failed: {type(error).__name__}: {error}; "
        "this is a bug in vaultkit, please report it"
    )


def _add_links(graph, index: LinkIndex, rel: str, note: Note, layout: _Layout, key: int) -> int:
    """Add the note's links as edges (keys from `key` on); return the next key."""
    sections = _special_sections(note, layout)
    topics: list[str] = []
    lines = _Lines(note.data)
    for resolution in index.links_of(note):
        if resolution.rel == rel:
            continue  # a link into the note itself
        target = _node_for(graph, resolution)
        kind = _edge_kind(resolution, sections)
        link = resolution.link
        reason = _reason(note.data, link.start) if kind == "related" else ""
        if kind == "topic" and target not in topics:
            topics.append(target)
        graph.add_edge(
            rel, target, key,
            kind=kind, reason=reason, line=lines.of(link.start), alias=link.alias or "",
        )  # fmt: skip
        key += 1
    if topics:
        graph.nodes[rel]["topics"] = topics
    return key


class _Lines:
    """Line numbers of increasing byte offsets, counted as it goes (links come in order)."""

    __slots__ = ("data", "line", "offset")

    def __init__(self, data: bytes) -> None:
        self.data, self.offset, self.line = data, 0, 1

    def of(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.data.count(b"\n", self.offset, offset)
        self.offset = offset
        return self.line


def _attributes(kind: str, path: str, title: str, **more: object) -> dict[str, object]:
    attributes: dict[str, object] = {
        "kind": kind,
        "path": path,
        "title": title,
        "folder": path.partition("/")[0] if "/" in path else "",
        "date": "",
        "author": "",
        "topics": [],
        "summary": "",
    }
    attributes.update(more)
    return attributes


def _note_attributes(note: Note, layout: _Layout) -> dict[str, object]:
    rel = note.rel
    folder = layout.topic_folder
    kind = "topic" if folder and rel.startswith(folder + "/") else "note"
    stem = posixpath.basename(rel)[: -len(NOTE_SUFFIX)]
    fields = note.frontmatter.fields if note.frontmatter is not None else {}
    title = _text(fields["title"].value) if "title" in fields else ""
    date = ""
    for name in layout.date_fields:
        if name in fields:
            date = _date(fields[name].value)
            break
    author = _text(fields[AUTHOR_FIELD].value) if AUTHOR_FIELD in fields else ""
    return _attributes(kind, rel, title or stem, date=date, author=author, summary=_summary(note))


def _node_for(graph: nx.MultiDiGraph, resolution: Resolution) -> str:
    """The id of the node a link ends at, adding an attachment or missing node if new."""
    rel = resolution.rel if resolution.reaches_file else None
    if rel is not None:
        if rel not in graph:  # notes are all there already
            graph.add_node(rel, **_attributes("attachment", rel, posixpath.basename(rel)))
        return rel
    written = _written(resolution)
    node = MISSING_PREFIX + written
    if node not in graph:
        graph.add_node(node, **_attributes("missing", "", written))
    return node


def _written(resolution: Resolution) -> str:
    """A missing target's path as written, `.md` dropped (see the module docstring)."""
    target = resolution.target
    path = target.path
    if target.kind == "markdown":
        if resolution.escaped is not None:
            path = resolution.escaped
        else:
            path = path.replace("\\", "/")
            if not path.startswith("/"):
                folder = posixpath.dirname(resolution.source)
                path = posixpath.normpath(posixpath.join(folder, path))
            path = path.lstrip("/")
    if path.lower().endswith(NOTE_SUFFIX):
        path = path[: -len(NOTE_SUFFIX)]
    return path


def _special_sections(note: Note, layout: _Layout) -> list[tuple[int, int, str]]:
    """`(start, end, kind)` of the note's topics and related sections (level 2)."""
    found = []
    for section in note.sections:
        heading = section.heading
        if heading.level != 2:
            continue
        if heading.text == layout.topics_section:
            found.append((heading.end, section.end, "topic"))
        elif heading.text == layout.related_section:
            found.append((heading.end, section.end, "related"))
    return found


def _edge_kind(resolution: Resolution, sections: list[tuple[int, int, str]]) -> str:
    target = resolution.target
    if target.embed:
        return "embed"
    offset = resolution.link.start
    for start, end, kind in sections:
        if start <= offset < end:
            return kind
    return "markdown" if target.kind == "markdown" else "wikilink"


def _reason(data: bytes, offset: int) -> str:
    """The `关联理由` TYPE written on the line holding the byte `offset`, or ""."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end != -1 else len(data)].decode("utf-8", "replace")
    match = _REASON.search(line)
    return match.group(1) if match else ""


def _summary(note: Note) -> str:
    if note.source is None:
        return ""
    section = note.section(SUMMARY_HEADING, 2)
    if section is None:
        return ""
    return note.slice(section.content_start, section.end).replace("\r\n", "\n").strip()


def _text(value: object) -> str:
    """A frontmatter value as one line of text ("" for None, mappings and the like)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(text for text in map(_text, value) if text)
    return ""


def _date(value: object) -> str:
    """A date field as `YYYY-MM-DD`, or "" when it is not a real date."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return ""
    return ""
