"""`vaultkit explain "[[target#h|alias]]" --from NOTE`: how one link resolves, step by step.

The link is parsed by the same parser as the notes (so `[[…]]`, `![[…]]`,
`[t](…)` and `<…>` mean what they mean in a note; bare text is taken as the
inside of a wikilink) and resolved by `vaultkit.resolve` against the whole
vault, from the note given with `--from`. The findings are the link rules'
own messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import note as note_module
from vaultkit import regexes, source
from vaultkit import vault as vault_module
from vaultkit.escape import visible
from vaultkit.note import Link, Note
from vaultkit.resolve import Resolution, index_for
from vaultkit.rules.links import findings
from vaultkit.targets import parse_target
from vaultkit.vault import InputError

_SCHEME = regexes.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


@dataclass
class Explanation:
    text: str  # the link as given
    source: str  # rel of the note it is resolved from
    link: Link | None = None
    resolution: Resolution | None = None
    steps: list[str] = field(default_factory=list)
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, message
    url: bool = False  # a URL or e-mail address, not a vault link

    @property
    def resolves(self) -> bool:
        return self.resolution is not None and self.resolution.ok


def parse_link(text: str) -> tuple[Note, Link]:
    """The first link of `text`; bare text is the inside of a wikilink.

    Raises `InputError` when there is no link in it.
    """
    stripped = text.strip()
    if not any(mark in stripped for mark in ("[[", "](", "<", "]:")):
        url = _SCHEME.match(stripped) and not stripped.lower().startswith("file:")
        stripped = f"<{stripped}>" if url else f"[[{stripped}]]"
    try:
        raw = stripped.encode("utf-8")
    except UnicodeEncodeError:  # bytes the terminal's encoding could not decode
        raise InputError(f"the link `{visible(text)}` is not valid UTF-8") from None
    decoded = source.decode(raw)
    holder = note_module.parse(Path("<link>"), "<link>", decoded)
    if not holder.links:
        raise InputError(
            f"no link in `{visible(text)}`: write it as in a note, e.g. '[[Note#Heading]]'"
        )
    return holder, holder.links[0]


def collect(
    text: str,
    from_path: Path,
    vault_path: Path | None = None,
    config_path: Path | None = None,
    isolated: bool = False,
) -> Explanation:
    """Resolve `text` from the note `from_path` (relative to the cwd, or to the vault).

    Raises `InputError` (no such note, no link) or `ConfigError`.
    """
    holder, link = parse_link(text)
    root_hint = Path(os.path.abspath(vault_path)) if vault_path is not None else None
    note_path = Path(os.path.abspath(from_path))
    if not note_path.is_file() and root_hint is not None:
        note_path = root_hint / from_path
    if not note_path.is_file():
        raise InputError(f"no such note: {from_path}")
    root = root_hint if root_hint is not None else vault_module.find_root([note_path])
    try:
        rel = vault_module.relative(note_path, root)
    except ValueError:
        raise InputError(f"{from_path} is not inside the vault {root}") from None
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    vault = vault_module.load(root, config, extra=[note_path])
    note = vault.by_rel.get(rel)
    if note is None or note.source is None:
        raise InputError(f"cannot read the note {from_path}")
    explanation = Explanation(text.strip(), rel, link)
    target = parse_target(link)
    if target is None:
        explanation.url = True
        return explanation
    index = index_for(vault)
    explanation.resolution = index.resolve_target(target, link, note, explanation.steps)
    explanation.findings = findings(holder, explanation.resolution, index)
    return explanation


def render(explanation: Explanation) -> str:
    """The explanation as text: what was parsed, each look-up, the result and the findings."""
    lines = [f"link:     {explanation.text}", f"from:     {explanation.source}"]
    link, resolution = explanation.link, explanation.resolution
    if explanation.url:
        lines.append(
            f"result:   not a vault link: `{link.target}` is a URL (vaultkit does not follow it)"
        )
        return "\n".join(lines) + "\n"
    target = resolution.target
    kind = "wikilink" if target.kind == "wikilink" else "Markdown link"
    kind = f"{'an embed' if target.embed else 'a'} {kind}"
    if target.kind == "wikilink" and target.alias is not None:
        kind += f", {'size' if target.embed and target.is_image else 'alias'} `{target.alias}`"
    lines.append(f"parsed:   {kind}; path `{target.path}`" if target.path else f"parsed:   {kind}")
    if target.block is not None:
        lines.append(f"subpath:  block `^{target.block}`")
    elif target.headings:
        lines.append(f"subpath:  heading {' > '.join(f'`{h}`' for h in target.headings)}")
    elif target.subpath:
        lines.append(f"subpath:  `#{target.subpath}` (not checked)")
    lines.append("steps:")
    lines.extend(f"  {number}. {step}" for number, step in enumerate(explanation.steps, 1))
    lines.append(f"result:   {_result(resolution)}")
    if target.embed and target.is_image:
        lines.append("note:     image embeds are checked by the images rules, not by LK rules")
    for code, name, message in explanation.findings:
        lines.append(f"finding:  {code} {name}: {message}")
    return "\n".join(lines) + "\n"


def _result(resolution: Resolution) -> str:
    if resolution.rel is None:
        if resolution.escaped is not None:
            return f"does not resolve: it leads out of the vault ({resolution.decided_by})"
        return "does not resolve: no file matches"
    where = f"`{resolution.rel}` ({resolution.decided_by})"
    if resolution.subpath_problem is not None:
        what = resolution.subpath_problem.kind
        return f"reaches {where}, but not its {what} `{resolution.subpath_problem.wanted}`"
    if len(resolution.candidates) > 1 and resolution.status.value == "ambiguous":
        return f"resolves to {where}, one of {len(resolution.candidates)} candidates"
    return f"resolves to {where}"
