"""Link rules (LK0xx): every wikilink and Markdown link must reach what it names.

All of them read one resolution per link from `vaultkit.resolve` (built once per
vault and shared), so they agree with each other, with `vaultkit explain` and
with the graph. Image embeds (`![[x.png]]`, `![](x.png)`) belong to the images
rules and are skipped here; links to other attachments (`[[paper.pdf]]`,
`![[paper.pdf]]`) are checked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Edit, Fix, Severity
from vaultkit.note import Note
from vaultkit.resolve import (
    LinkIndex,
    Resolution,
    Status,
    case_respelling,
    heading_source,
    index_for,
)
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.topics._entries import deferred_links
from vaultkit.targets import fold
from vaultkit.vault import NOTE_SUFFIX, Vault

_MAX_LISTED = 5
_MAX_SHOWN = 80  # characters of a link quoted in a message
_TABLE_HEADER = regexes.compile(r"\[\[[A-Za-z_][\w-]*(?:\.[\w-]+)+\]\]")  # TOML `[[a.b]]`
_KEY_VALUE = regexes.compile(r"\s*[\w.-]+\s*=\s*\S")  # a TOML line `key = value`
_NEAR = 3  # lines around a `[[a.b]]` line looked at for `key = value`


def _code(text: str) -> str:
    """`text` as inline code, with a longer fence when it holds a backtick."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _quoted(note: Note, resolution: Resolution) -> str:
    text = note.slice(resolution.link.start, resolution.link.end).replace("\n", " ")
    return _code(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…")


def _listing(items: list[str] | tuple[str, ...], limit: int = _MAX_LISTED, total=None) -> str:
    """The first `limit` items in code spans, and how many more of `total` (default: all)."""
    shown = ", ".join(_code(item) for item in items[:limit])
    more = (len(items) if total is None else total) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _where(resolution: Resolution) -> str:
    return "this note" if resolution.rel == resolution.source else f"`{resolution.rel}`"


def _wikilink(path: str, resolution: Resolution) -> str:
    """The link rewritten with another path, keeping its subpath and alias."""
    target = resolution.target
    subpath = f"#{target.subpath}" if target.subpath else ""
    alias = f"|{target.alias}" if target.alias is not None else ""
    bang = "!" if target.embed else ""
    return f"{bang}[[{path}{subpath}{alias}]]"


def _note_path(rel: str) -> str:
    return rel[: -len(NOTE_SUFFIX)] if rel.lower().endswith(NOTE_SUFFIX) else rel


_HREF_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "% #()<>^|[]"})


def _href(source: str, rel: str) -> str:
    """A Markdown link destination from the note `source` to the file `rel` (`%20` for spaces)."""
    folder = posixpath.dirname(source) or "."
    return posixpath.relpath(rel, folder).translate(_HREF_ESCAPES)


def case_fix(rule: VaultRule, note: Note, resolution: Resolution, index: LinkIndex) -> Fix | None:
    """Respell a wikilink's path as its one target file is spelled (LK006, IM002)."""
    found = case_respelling(note, resolution, index)
    if found is None:
        return None
    start, end, written, real = found
    return rule.make_fix(f"replace `{written}` with `{real}`", Edit(start, end, real))


class ResolutionRule(VaultRule):
    """A vault rule that judges resolved links one at a time (the link and image rules).

    `message` says what is wrong with a link (None: nothing), `repair` how to
    fix it when the rule can; `finding` turns them into a diagnostic on the link.
    """

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        raise NotImplementedError

    def repair(self, note: Note, resolution: Resolution, index: LinkIndex) -> Fix | None:
        """The fix of a reported link, when the rule has one."""
        return None

    def finding(self, note: Note, resolution: Resolution, index: LinkIndex) -> Diagnostic | None:
        message = self.message(note, resolution, index)
        if message is None:
            return None
        link = resolution.link
        repair = self.repair(note, resolution, index)
        return self.at_bytes(note, link.start, link.end, message, repair)


class _LinkRule(ResolutionRule):
    category = "links"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = index_for(vault)
        for note, resolution in _suspects(vault, index):
            if resolution.link.start in deferred_links(vault, note).get(self.code, ()):
                continue  # a topics rule or LK101 reports this link (one finding per link)
            found = self.finding(note, resolution, index)
            if found is not None:
                yield found


def _suspects(vault: Vault, index: LinkIndex) -> list[tuple[Note, Resolution]]:
    """The links some LK rule may report, found in one pass over the vault and kept.

    Image embeds are left out (the images rules check them), and so are links
    that reach their file, heading or block as written.
    """
    found = index.derived.get("links.suspects")
    if found is None:
        found = []
        for note in vault.subject_notes:
            if note.source is None:
                continue
            for resolution in index.links_of(note):
                target = resolution.target
                if target.embed and target.is_image:
                    continue
                clean = resolution.status is Status.RESOLVED and resolution.ok
                if not clean or resolution.case_mismatch is not None:
                    found.append((note, resolution))
        index.derived["links.suspects"] = found
    return found


def _missing_hint(resolution: Resolution, index: LinkIndex) -> str:
    """What the missing target probably was meant to be."""
    target = resolution.target
    markdown = target.kind == "markdown"
    wanted = target.path
    if markdown and not wanted.startswith("/"):
        wanted = posixpath.normpath(posixpath.join(posixpath.dirname(resolution.source), wanted))
    wanted = wanted.lstrip("/")
    if not posixpath.splitext(wanted)[1]:
        extended = index.with_extension(wanted)
        if extended:
            if markdown:
                better = _href(resolution.source, extended[0])
            else:
                shown = extended[0] if "/" in target.path else posixpath.basename(extended[0])
                better = _wikilink(shown, resolution)
            return f"files other than notes need their extension: `{better}`"
    near = index.closest(wanted)
    if near is None:
        return "no file of the vault has a similar name; create the note or fix the link"
    if markdown:
        return f"did you mean `{_href(resolution.source, near)}`?"
    shown = _note_path(near) if "/" in target.path else posixpath.basename(_note_path(near))
    return f"did you mean `{_wikilink(shown, resolution)}`?"


def _alone_on_its_line(data: bytes, start: int, end: int) -> bool:
    """Whether only spaces and tabs surround `start:end` on its line."""
    while start > 0 and data[start - 1] in b" \t":
        start -= 1
    while end < len(data) and data[end] in b" \t":
        end += 1
    return (start == 0 or data[start - 1] in b"\r\n") and (end == len(data) or data[end] in b"\r\n")


def _looks_like_code(note: Note, resolution: Resolution) -> bool:
    """`[[…]]` that is code pasted without its code block, not a wikilink: a JSON array of
    strings (`[["cheese", "ham"]]`), or a TOML table header (`[[openai.accounts]]` alone on
    its line, with `key = value` lines around it)."""
    link = resolution.link
    if link.target.lstrip()[:1] in ('"', "'"):
        return True
    if not _alone_on_its_line(note.data, link.start, link.end):
        return False  # (checked first: many links on one long line must not strip it each)
    line = note.line_of(link.start)
    if not _TABLE_HEADER.fullmatch(note.lines[line - 1].strip()):
        return False
    around = note.lines[max(0, line - 1 - _NEAR) : line + _NEAR]
    return any(_KEY_VALUE.match(text) for text in around)


@register
class BrokenWikilink(_LinkRule):
    """Wikilink target does not exist.

    ## What it does
    Reports a wikilink or embed (`[[Note]]`, `[[folder/Note|alias]]`,
    `![[paper.pdf]]`) whose target matches no file of the vault, resolving it
    the way Obsidian does: `.md` may be left out, a path is taken from the
    vault root or as the end of a longer path, a bare name matches a file of
    that name in any folder, and case is ignored. The message suggests the
    closest existing name (or the missing extension, for a file that is not
    a note). Image embeds are left to the images rules. Code pasted without
    its code block is not a link: a JSON array of strings
    (`[["cheese", "ham"]]`) and a TOML table header (`[[openai.accounts]]`
    alone on its line, next to `key = value` lines) are left alone.

    ## Why is this bad?
    A dangling link is a dead end for readers and a hole in the graph; most
    are typos, renamed notes or topics that were never created.

    ## Example
    ```markdown
    - [[00-元语/Agnet]]
    ```

    ## Use instead
    ```markdown
    - [[00-元语/Agent]]
    ```

    ## Fix safety
    When the link names a path (`[[02-资源/旧文件夹/某文章]]`) and exactly one
    file of the vault carries its name in another folder, the note was most
    likely moved: the fix rewrites the path to that file's
    (`[[02-资源/新文件夹/某文章]]`), keeping the heading, alias and `!`. It is
    unsafe (`--unsafe-fixes`): two notes of one name in different folders may
    be different notes. A bare name, a `./` relative path and a link not
    written plainly (table escapes, spaces around the path) get no fix;
    `vaultkit mv` moves notes without breaking their links in the first place.

    ## Notes
    `vaultkit explain "[[00-元语/Agnet]]" --from NOTE` shows every look-up.
    """

    code = "LK001"
    name = "broken-wikilink"
    fix = "unsafe"

    def repair(self, note: Note, resolution: Resolution, index: LinkIndex) -> Fix | None:
        target = resolution.target
        path = target.path
        if "/" not in path or path.startswith(("./", "../", "/")):
            return None
        link = resolution.link
        if note.slice(link.start, link.end) != _wikilink(path, resolution):
            return None  # not written plainly: a table escape, spaces, an empty alias
        name = fold(posixpath.basename(path))
        moved = [
            rel for rel in index.files
            if fold(posixpath.basename(rel)) == name
            or (rel in index.notes and fold(posixpath.basename(_note_path(rel))) == name)
        ]  # fmt: skip
        if len(moved) != 1:
            return None
        new = (
            moved[0]
            if moved[0] not in index.notes or path.lower().endswith(NOTE_SUFFIX)
            else (_note_path(moved[0]))
        )
        text = _wikilink(new, resolution)
        return self.make_fix(f"link the moved file `{moved[0]}`: `{text}`",
                             Edit(link.start, link.end, text))  # fmt: skip

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.target.kind != "wikilink" or resolution.status is not Status.MISSING:
            return None
        if _looks_like_code(note, resolution):
            return None
        return (
            f"{_quoted(note, resolution)} links to `{resolution.target.path}`, which matches no "
            f"file of the vault; {_missing_hint(resolution, index)}"
        )


@register
class BrokenMarkdownLink(_LinkRule):
    """Markdown link target does not exist.

    ## What it does
    Reports a Markdown link (`[text](path/to/note.md)`, `[text](<a b.md>)`,
    `[text](Some%20Note.md#heading)`, a reference definition) to a vault path
    that matches no file. The path is URL-decoded and taken relative to the
    note's folder; when nothing is there, it is looked up as Obsidian does for
    wikilinks. URLs with a scheme (`https:`, `mailto:`, `obsidian:`) are not
    vault links and are not checked here.

    ## Why is this bad?
    The link is dead in Obsidian and in every site or viewer built from the
    vault.

    ## Example
    ```markdown
    See [the setup](../guides/setup%20guide.md).
    ```

    ## Use instead
    ```markdown
    See [the setup](../guides/Setup%20Guide.md).
    ```
    """

    code = "LK002"
    name = "broken-markdown-link"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.target.kind != "markdown" or resolution.status is not Status.MISSING:
            return None
        return (
            f"{_quoted(note, resolution)} links to `{resolution.target.path}`, which matches no "
            f"file relative to this note or elsewhere in the vault; "
            f"{_missing_hint(resolution, index)}"
        )


@register
class AmbiguousLink(_LinkRule):
    """Link matches several files.

    ## What it does
    Reports a link whose name or partial path matches more than one file when
    neither an exact vault path nor a file in the note's own folder decides
    between them. Obsidian then opens the file with the shortest path, which
    may not be the one meant; the message lists the candidates and names the
    one Obsidian opens. Also reports a Markdown link whose path relative to
    the note and whose path from the vault root are two different files.

    ## Why is this bad?
    Which note the link reaches depends on which other files exist: adding a
    note with the same name elsewhere silently moves the link, and other
    tools may choose differently from Obsidian.

    ## Example
    ```markdown
    [[周报]]  <!-- 01-博客/甲/周报.md and 01-博客/乙/周报.md both exist -->
    ```

    ## Use instead
    ```markdown
    [[01-博客/甲/周报]]
    ```
    """

    code = "LK003"
    name = "ambiguous-link"
    severity = Severity.WARNING

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.status is not Status.AMBIGUOUS:
            return None
        quoted, candidates = _quoted(note, resolution), resolution.candidates
        if resolution.target.kind == "markdown" and len(candidates) == 2:
            vault_path, relative = candidates
            here = _href(resolution.source, relative)
            return (
                f"{quoted} reaches `{vault_path}` in Obsidian but `{relative}` in other Markdown "
                f"tools (relative to this note); write "
                f"`./{here}` for the one beside this note or `/{_href('', vault_path)}` for the "
                "other, or rename one of them"
            )
        path = _note_path(resolution.rel)
        if resolution.target.kind == "markdown":
            better = f"`{_href(resolution.source, resolution.rel)}`"
        else:
            better = f"`{_wikilink(path, resolution)}`"
        return (
            f"{quoted} matches {len(candidates)} files: {_listing(candidates)}; Obsidian opens "
            f"`{resolution.rel}` ({resolution.decided_by}); write the full path of the one you "
            f"mean, e.g. {better}"
        )


@register
class MissingHeading(_LinkRule):
    """Link to a heading that does not exist.

    ## What it does
    Reports `[[Note#Heading]]`, `[[Note#H1#H2]]`, `[[#Heading]]` and
    `[text](Note.md#Heading)` when the target note has no such heading. Headings
    are compared as Obsidian compares them: punctuation such as
    ``#|^:%[]()`?!,.`` counts as a space, runs of spaces as one, and case is
    ignored, so `[[FAQ#How large can it be]]` reaches `### How large can it be?`.
    Nested parts must appear in order, each deeper than the one before. The
    message suggests the closest existing headings.

    ## Why is this bad?
    Obsidian opens the note at its top instead of the section: the reader
    lands in the wrong place, and an embed `![[Note#Heading]]` shows nothing.

    ## Example
    ```markdown
    [[部署指南#安装步骤]]  <!-- the note has `## 安装与配置` -->
    ```

    ## Use instead
    ```markdown
    [[部署指南#安装与配置]]
    ```
    """

    code = "LK004"
    name = "missing-heading"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        problem = resolution.subpath_problem
        if problem is None or problem.kind != "heading":
            return None
        where = _where(resolution)
        if problem.after is not None:
            return (
                f"{_quoted(note, resolution)}: {where} has no heading `{problem.missing}` after "
                f"{_code(problem.after)} and deeper than it (the parts of `#A#B` must name "
                "headings in that order, each one level down or more)"
            )
        if problem.suggestions:
            hint = f"did you mean {_listing(problem.suggestions, 3)}?"
        else:
            target = index.notes[resolution.rel]
            listed = target.headings[:_MAX_LISTED]  # rendered: a note may have thousands
            shown = [f"{'#' * h.level} {heading_source(target, h)}" for h in listed]
            hint = f"its headings are {_listing(shown, total=len(target.headings))}"
            hint = hint if shown else "it has no headings at all"
        if "^" in problem.wanted:
            hint += "; a block id cannot follow a heading: write `#^id` alone"
        return f"{_quoted(note, resolution)}: {where} has no heading `{problem.wanted}`; {hint}"


@register
class MissingBlockId(_LinkRule):
    """Link to a block id that does not exist.

    ## What it does
    Reports `[[Note#^block-id]]` and `[[#^block-id]]` when the target note
    defines no such block id. A block id is `^id` (letters, digits and `-`)
    at the end of a paragraph, list item or heading, alone on the line after a
    table or quote, or glued to an embed (`![[chart.png]]^chart`); ids in
    code and comments do not count. Case is ignored, as in Obsidian.

    ## Why is this bad?
    The link opens the note at its top and a block embed shows nothing: the
    block was edited away or the id was mistyped.

    ## Example
    ```markdown
    [[会议记录#^decision-1]]  <!-- the note ends a paragraph with ^decision1 -->
    ```

    ## Use instead
    ```markdown
    [[会议记录#^decision1]]
    ```
    """

    code = "LK005"
    name = "missing-block-id"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        problem = resolution.subpath_problem
        if problem is None or problem.kind != "block":
            return None
        where = _where(resolution)
        if problem.suggestions:
            hint = f"its block ids are {_listing(problem.suggestions)}"
        else:
            hint = f"{where} has no block ids: end the paragraph you mean with ` {problem.wanted}`"
        return f"{_quoted(note, resolution)}: {where} has no block `{problem.wanted}`; {hint}"


@register
class LinkCaseMismatch(_LinkRule):
    """Link spells the file name with different case.

    ## What it does
    Reports a link that reaches its file only because Obsidian ignores case:
    `[[00-元语/llm]]` for `00-元语/LLM.md`. The message gives the file's own
    spelling.

    ## Why is this bad?
    Obsidian on macOS and Windows forgives it, but case-sensitive publishers
    and file systems (Quartz, static site generators, Linux, git) do not: the
    link breaks when the vault is published or moved.

    ## Example
    ```markdown
    - [[00-元语/llm]]
    ```

    ## Use instead
    ```markdown
    - [[00-元语/LLM]]
    ```

    ## Fix safety
    The fix respells the wikilink's path as the file is spelled
    (`[[00-元语/llm|大模型]]` becomes `[[00-元语/LLM|大模型]]`): only the
    path's letters change; a leading `/`, the heading or block after `#`, the
    alias and the rest of the line stay. It is safe: the link reaches the same
    file, now spelled exactly. It is offered only for a wikilink that reaches
    one file, when no other file differs from that one only in case, and when
    the path is written plainly (not `./` relative, no table escape, no spaces
    around it); a Markdown link is left to you.
    """

    code = "LK006"
    name = "link-case-mismatch"
    severity = Severity.WARNING
    fix = "safe"

    def repair(self, note: Note, resolution: Resolution, index: LinkIndex) -> Fix | None:
        return case_fix(self, note, resolution, index)

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        real = resolution.case_mismatch
        if real is None or resolution.status is not Status.RESOLVED:
            return None
        if resolution.target.kind == "markdown":
            better = _href(resolution.source, resolution.rel)
        else:
            better = _wikilink(real, resolution)
        return (
            f"{_quoted(note, resolution)} differs in case from the file `{resolution.rel}`; "
            f"write `{better}` (case-sensitive publishers such as Quartz break on it)"
        )


@register
class LinkOutsideVault(_LinkRule):
    """Link leads out of the vault.

    ## What it does
    Reports a link whose path climbs above the vault root
    (`[t](../../etc/passwd)`, `[[../../other-vault/Note]]`) or names a local
    file elsewhere (`file:///…`, `C:\\…`). vaultkit never follows or reads
    such a target.

    ## Why is this bad?
    The target is not part of the vault: it is missing on every other machine,
    in sync and in publishing, and a link to a system file is a leak or a trap.

    ## Example
    ```markdown
    [配置](../../shared/config.md)
    ```

    ## Use instead
    Move or copy the file into the vault and link it there, or link its URL.
    """

    code = "LK007"
    name = "link-outside-vault"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.status is not Status.OUTSIDE:
            return None
        escaped = resolution.escaped or resolution.target.path
        if resolution.decided_by == "a local file path":
            what = f"names the local file `{escaped}`, outside the vault"
        else:
            what = f"leads out of the vault (to `{escaped}` from the vault root)"
        return (
            f"{_quoted(note, resolution)} {what}; vaultkit does not follow it: move the file "
            "into the vault and link it there, or link its URL"
        )


_LINK_RULES: tuple[type[_LinkRule], ...] = (
    BrokenWikilink,
    BrokenMarkdownLink,
    AmbiguousLink,
    MissingHeading,
    MissingBlockId,
    LinkCaseMismatch,
    LinkOutsideVault,
)


def findings(note: Note, resolution: Resolution, index: LinkIndex) -> list[tuple[str, str, str]]:
    """`(code, name, message)` of every link rule that reports this resolution.

    `note` is the note holding the link's text (its offsets are the link's);
    image embeds get none (the images rules check them).
    """
    if resolution.target.embed and resolution.target.is_image:
        return []
    found = []
    for rule in _LINK_RULES:
        message = rule().message(note, resolution, index)
        if message is not None:
            found.append((rule.code, rule.name, message))
    return found
