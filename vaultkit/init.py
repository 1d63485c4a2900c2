"""`vaultkit init`: a commented `vaultkit.toml` written from what the vault holds.

It reads every note (no config applies while it looks) and writes, for a
user to read and edit:

- per top folder, the frontmatter fields that nearly every note there carries
  (`frontmatter.required`), and whether its notes have `## 摘要` and
  `## 关联主题` (`summary.required`/`template`, `topics.required`), as
  `[[overrides]]` entries;
- the topics folder: where the links of the `## 关联主题` sections point;
- the summary labels the vault writes (as a comment: the template rules
  accept them by meaning; `vaultkit summary-stats` lists every variant);
- the attachment folder of `.obsidian/app.json` (vaultkit reads it there).

A field, summary or topics section counts as the folder's convention when
at least `SHARE` of its notes have it.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from vaultkit import obsidian, regexes
from vaultkit.config import Config
from vaultkit.note import Note
from vaultkit.targets import parse_target
from vaultkit.vault import Vault

SHARE = 0.9
MIN_NOTES = 5  # a folder with fewer notes gets no override
_LABEL = regexes.compile(r"^\s*(\*\*\d\)\s*[^*\n]{1,20}\*\*)", re.MULTILINE)


@dataclass
class Folder:
    name: str
    notes: int = 0
    fields: Counter = field(default_factory=Counter)
    summary: int = 0
    topics: int = 0


@dataclass
class Survey:
    folders: dict[str, Folder]
    topics_folder: str | None
    topic_links: int
    labels: Counter
    attachment_folder: str | None
    notes: int


def _section_text(note: Note, title: str) -> tuple[int, int] | None:
    section = note.section(title)
    return None if section is None else (section.content_start, section.end)


def survey(vault: Vault, topics_section: str = "关联主题") -> Survey:
    """What the vault's notes carry, by top folder."""
    folders: dict[str, Folder] = {}
    targets: Counter = Counter()
    labels: Counter = Counter()
    total = 0
    for note in vault.notes:
        if note.source is None:
            continue
        total += 1
        top = note.rel.split("/", 1)[0] if "/" in note.rel else ""
        folder = folders.setdefault(top, Folder(top))
        folder.notes += 1
        if note.frontmatter is not None:
            folder.fields.update(list(note.frontmatter.fields))
        summary = _section_text(note, "摘要")
        if summary is not None:
            folder.summary += 1
            labels.update(_LABEL.findall(note.slice(*summary)))
        span = _section_text(note, topics_section)
        if span is not None:
            folder.topics += 1
            for link in note.links:
                target = parse_target(link)
                if span[0] <= link.start < span[1] and target and "/" in target.path:
                    targets[target.path.split("/", 1)[0]] += 1
    topics = targets.most_common(1)[0] if targets else (None, 0)
    return Survey(
        folders, topics[0], topics[1], labels, obsidian.attachment_setting(vault.root), total
    )


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or array of strings is TOML


def render(found: Survey) -> str:
    """The commented vaultkit.toml."""
    today = datetime.date.today().isoformat()
    out = [
        f"# vaultkit.toml, written by `vaultkit init` on {today} from the {found.notes:,} notes",
        "# of this vault. Every key is optional: edit or delete what does not fit.",
        "# `vaultkit rules` lists the rules, `vaultkit rule CODE` explains one;",
        "# `vaultkit check --show-settings NOTE` shows what applies to a note.",
        "",
        "# Rules to run (default: every rule that is on by default) and to leave out.",
        '# select = ["FM", "ST", "LK", "TP", "IM", "SM"]',
        '# ignore = ["SM1"]',
        '# extend-exclude = ["99-归档/**"]',
        "",
        "# Findings recorded by `vaultkit check --write-baseline` are not reported again;",
        "# .vaultkit-baseline.json at the vault root is used without this key.",
        '# baseline = ".vaultkit-baseline.json"',
        "",
    ]
    if found.attachment_folder is not None:
        out += [
            f"# Attachments: `.obsidian/app.json` says {_toml(found.attachment_folder)};",
            "# vaultkit reads it there (image links resolve as Obsidian resolves them).",
            "",
        ]
    out += ["[topics]"]
    if found.topics_folder:
        out += [
            f"# The `## 关联主题` links point into this folder ({found.topic_links:,} links).",
            f"folder = {_toml(found.topics_folder)}",
        ]
    else:
        out += ["# No `## 关联主题` links found; the topic notes' folder:", '# folder = "00-元语"']
    out.append("")
    if found.labels:
        out += [
            "# Summary part labels in use (the template rules recognise them by meaning;",
            "# `vaultkit summary-stats` lists every variant):",
            *(f"#   {label}  {n:,}" for label, n in found.labels.most_common(8)),
            "",
        ]
    for _name, folder in sorted(found.folders.items()):
        out += _override(folder)
    return "\n".join(out).rstrip("\n") + "\n"


def _override(folder: Folder) -> list[str]:
    if not folder.name or folder.notes < MIN_NOTES:
        return []
    need = folder.notes * SHARE
    fields = [key for key, n in folder.fields.most_common() if n >= need]
    # vaultkit's built-in requirements (the owners' rules) stay: the baseline holds the notes
    # that lack them, rather than the config forgetting them.
    builtin = Config().settings_for(f"{folder.name}/note.md").frontmatter.required
    kept = [key for key in builtin if key not in fields]
    summary = folder.summary >= need
    topics = folder.topics >= need
    out = [
        f"# {folder.name}/: {folder.notes} notes; {folder.summary} have `## 摘要`, "
        f"{folder.topics} have `## 关联主题`.",
        "[[overrides]]",
        f"include = [{_toml(folder.name + '/**')}]",
    ]
    if kept:
        shares = ", ".join(f"{key} {folder.fields[key] / folder.notes:.0%}" for key in kept)
        out.append(f"# Required by vaultkit's defaults, though fewer notes carry them: {shares}")
    if fields or kept:
        note = f"  # in at least {SHARE:.0%} of them" if fields and not kept else ""
        out.append(f"frontmatter.required = {_toml(fields + kept)}{note}")
    out.append(
        f"summary = {{ required = {str(summary).lower()}, template = {str(summary).lower()} }}"
    )
    out.append(f"topics.required = {str(topics).lower()}")
    return [*out, ""]
