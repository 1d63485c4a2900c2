"""`vaultkit link apply`: write what was accepted into one note, and nothing else.

Each accepted topic becomes a `- [[00-元语/name]]` line at the end of the
note's `## 关联主题` (the section is created at the end of the note when it
is missing); each accepted related document becomes
`- [[path|title]]；关联理由：TYPE；说明：…` at the end of `## 相关文档`
(created just before `## 关联主题`, else at the end). The topic rules hold:
a topic must be a topic note of the vault, a synonym is written as the topic
it stands for (`agents` -> `Agent`), a banned topic is refused, and so is a
note that would end up with more than `topics.max-count` topics; a relation
type must be one of `topics.relation-types` and the 说明 is required.

The edit is a minimal insertion into the note's bytes (line endings and BOM
kept), written atomically through `vaultkit.fix.atomic`, only while the file
still holds what was read. No other note is ever written: a missing reverse
link is for the other note's own `apply`.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import vault as vault_module
from vaultkit.diagnostics import Edit, Fix
from vaultkit.fix import atomic, edits
from vaultkit.linker.index import VaultIndex
from vaultkit.note import Note
from vaultkit.source import BOM, SourceText, decode
from vaultkit.topics import lists, section_lines, topic_key


class Refused(Exception):
    """What was asked breaks a rule of the vault; nothing was written."""


@dataclass
class Plan:
    note: Note
    topics: list[str] = field(default_factory=list)  # topic names to add
    related: list[tuple[str, str, str, str]] = field(default_factory=list)  # rel, title, type, say
    messages: list[str] = field(default_factory=list)


def plan(index: VaultIndex, note: Note, topics, related) -> Plan:
    """Check what to add against the vault's rules; `related`: (path, type, say) triples."""
    options = index.config.settings_for(note.rel).topics
    found = lists(options)
    features = index.notes[index.by_rel[note.rel]]
    have = list(features.topics)
    out = Plan(note)
    for name in topics:
        key = topic_key(name)
        if key in found.banned:
            raise Refused(f"`{name}` is a banned topic (topics.banned): choose a specific one")
        if key in found.synonyms:
            canonical = found.synonyms[key]
            out.messages.append(f"`{name}` is written as `{canonical}`, the topic it stands for")
            key = topic_key(canonical)
        topic = index.topics.get(key)
        if topic is None:
            raise Refused(
                f"`{name}` is not a topic of this vault (no note {options.folder}/{name}.md); "
                "`vaultkit link topics` lists them"
            )
        if key in have:
            out.messages.append(f"`{topic.name}` is already a topic of the note")
            continue
        have.append(key)
        out.topics.append(topic.name)
    if options.max_count and len(have) > options.max_count and out.topics:
        raise Refused(
            f"the note would have {len(have)} topics, more than topics.max-count "
            f"({options.max_count})"
        )
    linked = {t for t, _ in features.related if t}
    for path, kind, say in related:
        rel = note_rel(index, note, path)
        if kind not in options.relation_types:
            raise Refused(f"`{kind}` is not a relation type: use one of "
                          f"{'、'.join(options.relation_types)}")  # fmt: skip
        if not say.strip():
            raise Refused("a related document needs its 说明 (--say): one sentence on why")
        if rel in linked:
            out.messages.append(f"{rel} is already a related document of the note")
            continue
        linked.add(rel)
        title = index.notes[index.by_rel[rel]].title
        out.related.append((rel, title, kind, " ".join(say.split())))
    return out


def note_rel(index: VaultIndex, note: Note, path: str) -> str:
    candidates = [path, path + ".md"]
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(index.root):
        candidates.append(vault_module.relative(absolute, index.root))
    for rel in candidates:
        if rel in index.by_rel:
            if rel == note.rel:
                raise Refused("a note is not a related document of itself")
            return rel
    raise Refused(f"{path} is not a note of this vault")


def edit_for(p: Plan, options) -> Fix | None:
    """The insertions that add the plan's entries to its note."""
    note, newline = p.note, p.note.newline
    data = note.data
    found: list[Edit] = []
    topic_lines = [f"- [[{options.folder.strip('/')}/{name}]]" for name in p.topics]
    related_lines = [
        f"- [[{rel[:-3] if rel.lower().endswith('.md') else rel}|{title}]]"
        f"；关联理由：{kind}；说明：{say}"
        for rel, title, kind, say in p.related
    ]
    topics_view = section_lines(note, options.section)
    if related_lines:
        view = section_lines(note, options.related_section)
        if view:
            found.append(_append(note, view[-1], related_lines))
        else:
            block = f"## {options.related_section}{newline}{newline}"
            block += newline.join(related_lines) + newline
            if topics_view:
                found.append(Edit(topics_view[0].heading.start, topics_view[0].heading.start,
                                  block + newline))  # fmt: skip
            else:
                found.append(_at_end(data, block, newline))
    if topic_lines:
        if topics_view:
            found.append(_append(note, topics_view[-1], topic_lines))
        else:
            block = f"## {options.section}{newline}{newline}" + newline.join(topic_lines) + newline
            found.append(_at_end(data, block, newline))
    if not found:
        return None
    found.sort(key=lambda e: e.start)
    if len(found) == 2 and found[0].start == found[1].start:  # both at the end: one insertion
        joined = found[0].text + newline + found[1].text.lstrip("\r\n")
        found = [Edit(found[0].start, found[0].end, joined)]
    return Fix("add the accepted links", tuple(found), safe=True)


def _append(note: Note, view, lines: list[str]) -> Edit:
    """Insert `lines` after the last line of a section (after its heading when it is empty)."""
    newline, data = note.newline, note.data
    if view.lines:
        last = view.lines[-1]
        end = last.start + len(last.text.encode())
        return Edit(end, end, "".join(newline + line for line in lines))
    heading_end = data.find(b"\n", view.heading.start)
    heading_end = len(data) if heading_end < 0 else heading_end + 1
    text = newline + newline.join(lines) + newline
    return Edit(heading_end, heading_end, text + (newline if heading_end < len(data) else ""))


def _at_end(data: bytes, block: str, newline: str) -> Edit:
    if not data:
        return Edit(0, 0, block)
    lead = newline if data.endswith(b"\n") else newline + newline
    if data.endswith(b"\n\n") or data.endswith(b"\r\n\r\n"):
        lead = ""
    return Edit(len(data), len(data), lead + block)


def write(index: VaultIndex, p: Plan, fix: Fix) -> str | None:
    """Apply the edit to the note's file atomically; returns why not, if so."""
    note = p.note
    path = index.root.joinpath(*note.rel.split("/"))
    if not vault_module.resolves_inside(path, index.root):
        return "it is reached through a symbolic link that leads out of the vault"
    target = Path(os.path.realpath(path))
    found = atomic.snapshot(target, max(index.config.max_file_size, len(note.data) + 3))
    if isinstance(found, str):
        return f"it cannot be read: {found}"
    decoded = decode(found.raw)
    if not isinstance(decoded, SourceText) or decoded.data != note.data:
        return "it changed after it was read; run the command again"
    if found.links > 1:
        return f"it has {found.links} hard links, which replacing the file would split"
    if not edits.valid(fix, note.data):
        return "the edit does not fit the note (a vaultkit bug; please report it)"
    new = edits.apply(note.data, [fix])
    bom = BOM if note.source.has_bom else b""
    return atomic.replace_file(target, bom + new, found, path, index.root)


def diff(p: Plan, fix: Fix) -> str:
    """The change as a unified diff."""
    before = p.note.data.decode("utf-8").splitlines(keepends=True)
    after = edits.apply(p.note.data, [fix]).decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{p.note.rel}", f"b/{p.note.rel}"))
