"""Local images (IM001–IM005): embeds and Markdown images of vault files.

Every rule here reads the resolution `vaultkit.resolve` makes of each link
(`index_for(vault).links_of(note)`, built once and shared with the link
rules), so an image is found exactly as Obsidian finds it: a Markdown path
URL-decoded and taken relative to the note, a `![[name.png]]` by its name
anywhere in the vault, several candidates decided by the note's folder and
then by `.obsidian/app.json`'s `attachmentFolderPath` (`./x` settings relative
to the note included), case ignored.

The images rules and the link rules split the embeds between them, so one
embed gets at most one finding: an embed whose written path ends in an image
extension (`IMAGE_EXTENSIONS`: `.png .jpg .jpeg .gif .webp .svg .bmp .avif`)
belongs to IM001–IM003 and IM005 here, every other link to the LK rules
(`![[paper.pdf]]` that does not exist is LK001's). IM004 reports an embed that
is *not* an image only once its file is found and no link rule has anything
to say about it.
"""

from __future__ import annotations

import posixpath
import weakref
from collections import defaultdict
from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Fix, Severity
from vaultkit.note import Note
from vaultkit.resolve import LinkIndex, Resolution, Status, index_for
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.images._common import (
    DOCUMENT_EXTENSIONS,
    classify,
    code,
    extension,
    href,
    quoted,
    short,
    url_extension,
)
from vaultkit.rules.links import ResolutionRule, case_fix
from vaultkit.rules.links import findings as link_findings
from vaultkit.suggest import Names
from vaultkit.targets import IMAGE_EXTENSIONS
from vaultkit.vault import Vault, name_key

_MAX_LISTED = 5
_DIGITS = regexes.compile(r"\d+")
_IMAGES: weakref.WeakKeyDictionary[LinkIndex, _ImageFiles] = weakref.WeakKeyDictionary()


class _ImageFiles:
    """The vault's image files by folded name: for suggestions and shortest unique paths."""

    def __init__(self, index: LinkIndex) -> None:
        by_name: dict[str, list[str]] = defaultdict(list)
        for rel in index.files:  # shortest path first
            if rel not in index.notes and extension(rel) in IMAGE_EXTENSIONS:
                by_name[name_key(posixpath.basename(rel))].append(rel)
        self.by_name = dict(by_name)
        self._names: Names[str] | None = None
        self._shapes: dict[str, list[str]] | None = None  # names with digits as `0` -> names
        self.attachment_folder = index.attachment_folder

    def nearest(self, wanted: str) -> str | None:
        """The image (its vault path) whose name is most like the file name `wanted`.

        Names that differ only in their numbers (`Pasted image 20250208123456.png`)
        are alike by construction: among those, one is suggested only when its
        numbers differ from the wanted ones by a typo (see `_typo`).
        """
        key = name_key(posixpath.basename(wanted))
        if self._shapes is None:
            shapes: dict[str, list[str]] = defaultdict(list)
            for name in self.by_name:
                shapes[_DIGITS.sub("0", name)].append(name)
            self._shapes = dict(shapes)
        numbered = self._shapes.get(_DIGITS.sub("0", key)) if _DIGITS.search(key) else None
        if numbered:
            digits = "".join(_DIGITS.findall(key))
            scored = ((_typo(digits, "".join(_DIGITS.findall(n))), n) for n in numbered)
            close = [(score, name) for score, name in scored if score is not None]
            return self.by_name[min(close)[1]][0] if close else None
        if self._names is None:
            self._names = Names({name: rels[0] for name, rels in self.by_name.items()})
        return self._names.nearest(key)

    def shortest_path(self, rel: str) -> str:
        """The shortest ending of `rel` (whole folders) that no other image shares."""
        same = [name_key(r) for r in self.by_name.get(name_key(posixpath.basename(rel)), [rel])]
        parts = rel.split("/")
        for count in range(1, len(parts)):
            ending = name_key("/".join(parts[-count:]))
            if sum(1 for r in same if r == ending or r.endswith("/" + ending)) == 1:
                return "/".join(parts[-count:])
        return rel


def _typo(wanted: str, other: str) -> int | None:
    """How many digits differ, when `other` is `wanted` with a typo: up to two digits
    changed, or one added or left out; None when they differ more."""
    if len(wanted) == len(other):
        changed = sum(a != b for a, b in zip(wanted, other, strict=True))
        return changed if changed <= 2 else None
    if abs(len(wanted) - len(other)) != 1:
        return None
    longer, shorter = (wanted, other) if len(wanted) > len(other) else (other, wanted)
    index = 0
    while index < len(shorter) and longer[index] == shorter[index]:
        index += 1
    return 1 if longer[index + 1 :] == shorter[index:] else None


def _images(index: LinkIndex) -> _ImageFiles:
    found = _IMAGES.get(index)
    if found is None:
        found = _IMAGES[index] = _ImageFiles(index)
    return found


def _embed(path: str, resolution: Resolution) -> str:
    """The wikilink embed rewritten with another path, keeping its subpath and size."""
    target = resolution.target
    subpath = f"#{target.subpath}" if target.subpath else ""
    alias = f"|{target.alias}" if target.alias is not None else ""
    return f"![[{path}{subpath}{alias}]]"


def _image(note: Note, resolution: Resolution, destination: str) -> str:
    """The Markdown image rewritten with another destination, keeping its alt text."""
    return f"![{resolution.link.text}]({destination})"


def _listing(items: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(code(item) for item in items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _attachments_hint(images: _ImageFiles) -> str:
    folder = images.attachment_folder
    if folder is None or folder.startswith("."):
        return "add the image to the vault"
    return f"add the image to the attachment folder `{folder or '/'}`"


class _LocalImageRule(ResolutionRule):
    """A rule over the vault's image embeds (`![[x.png]]`, `![](path/x.png)`)."""

    category = "images"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = index_for(vault)
        for note in vault.subject_notes:
            if note.source is None:
                continue
            for resolution in index.links_of(note):
                target = resolution.target
                if not (target.embed and target.is_image):
                    continue  # every other link is the link rules'
                found = self.finding(note, resolution, index)
                if found is not None:
                    yield found


@register
class ImageNotFound(_LocalImageRule):
    """Embedded image file does not exist.

    ## What it does
    Reports an image embed whose file is nowhere in the vault: `![[x.png]]`,
    `![[x.png|300]]`, `![](attachments/x.png)`, `![](<my shot.png>)`,
    `![](my%20shot.png "title")`. Markdown paths are URL-decoded and taken
    relative to the note, then looked up as Obsidian does; wikilink embeds are
    found by name anywhere in the vault (the attachment folder of
    `.obsidian/app.json` decides between several). The message suggests the
    existing image with the closest name. Names that differ only in their
    numbers (`Pasted image 20250208123456.png`, Obsidian's pasted-image
    names) are alike by construction, so one is suggested only when its
    numbers differ by a typo: up to two digits changed, or one added or left
    out.

    An embed counts as an image when its path ends in `.png`, `.jpg`, `.jpeg`,
    `.gif`, `.webp`, `.svg`, `.bmp` or `.avif`; a missing embed of any other
    file (`![[paper.pdf]]`) is reported by LK001/LK002, never by both.

    ## Why is this bad?
    The note shows a broken image, and the picture the text talks about is
    lost: usually the attachment was renamed, moved out of the vault, or never
    copied along with the note.

    ## Example
    ```markdown
    ![[Pasted image 20250208.png]]
    ```
    The vault holds `附件/Pasted image 20250209.png`.

    ## Use instead
    ```markdown
    ![[Pasted image 20250209.png]]
    ```
    or add the missing file to the attachment folder.
    """

    code = "IM001"
    name = "image-not-found"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.status is not Status.MISSING:
            return None
        images = _images(index)
        target = resolution.target
        if target.kind == "markdown" and not target.path.startswith("/"):
            wanted = posixpath.normpath(posixpath.join(posixpath.dirname(note.rel), target.path))
            where = f"`{wanted}` does not exist, nor an image of that name elsewhere in the vault"
        else:
            where = f"no image of the vault is called `{posixpath.basename(target.path)}`"
            if "/" in target.path.strip("/"):
                where = f"no image of the vault has the path `{target.path.lstrip('/')}`"
        near = images.nearest(target.path)
        if near is None:
            hint = f"{_attachments_hint(images)} or remove the embed"
        elif target.kind == "markdown":
            hint = f"did you mean `{_image(note, resolution, href(note.rel, near))}`?"
        else:
            shown = images.shortest_path(near)
            hint = f"did you mean `{_embed(shown, resolution)}`?"
        return f"{quoted(note, resolution.link)}: {where}; {hint}"


@register
class ImageCaseMismatch(_LocalImageRule):
    """Image path spells the file name with different case.

    ## What it does
    Reports an image embed that finds its file only because Obsidian ignores
    case: `![[Diagram.PNG]]` for `附件/diagram.png`, `![](img/Shot.png)` for
    `img/shot.png`. The message gives the file's own spelling.

    ## Why is this bad?
    Obsidian on macOS and Windows forgives it, but Linux, git and
    case-sensitive publishers (Quartz, static site generators) do not: the
    image is missing once the vault is published or moved.

    ## Example
    ```markdown
    ![[Diagram.PNG]]
    ```

    ## Use instead
    ```markdown
    ![[diagram.png]]
    ```

    ## Fix safety
    The fix respells the embed's path as the file is spelled (`![[Diagram.PNG|300]]`
    becomes `![[diagram.png|300]]`): only the path's letters change; the size
    after `|` and the rest of the line stay. It is safe: the embed shows the same
    image, now spelled exactly. It is offered only for a wikilink embed that
    reaches one file, when no other file differs from that one only in case,
    and when the path is written plainly (no table escape, no spaces around
    it); a Markdown image (`![](img/Shot.png)`) is left to you.
    """

    code = "IM002"
    name = "image-case-mismatch"
    severity = Severity.WARNING
    fix = "safe"

    def repair(self, note: Note, resolution: Resolution, index: LinkIndex) -> Fix | None:
        return case_fix(self, note, resolution, index)

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        real = resolution.case_mismatch
        if real is None or resolution.status is not Status.RESOLVED or resolution.rel is None:
            return None
        if resolution.target.kind == "markdown":
            relative = resolution.decided_by == "relative to the note's folder"
            destination = href(note.rel, resolution.rel) if relative else real.replace(" ", "%20")
            better = _image(note, resolution, destination)
        else:
            better = _embed(real, resolution)
        return (
            f"{quoted(note, resolution.link)} differs in case from the file "
            f"`{resolution.rel}`; write `{better}` (Linux, git and publishers such as Quartz "
            "are case-sensitive: the image is missing there)"
        )


@register
class ImageOutsideVault(_LocalImageRule):
    """Image path leads out of the vault.

    ## What it does
    Reports an image whose path climbs above the vault root
    (`![](../../Pictures/x.png)`) or is a drive path (`![](C:\\Users\\me\\x.png)`).
    vaultkit never follows or reads such a path. (`file:///…` URLs are
    reported by IM012.)

    ## Why is this bad?
    The image is not part of the vault: it is missing on every other machine,
    after syncing and in anything published, and a path into the user's own
    folders leaks how their disk is laid out.

    ## Example
    ```markdown
    ![截图](../../Desktop/截图.png)
    ```

    ## Use instead
    Copy the image into the vault and embed it there:
    ```markdown
    ![[截图.png]]
    ```
    """

    code = "IM003"
    name = "image-outside-vault"

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.status is not Status.OUTSIDE:
            return None
        if resolution.target.written.lower().startswith("file:"):
            return None  # IM012 reports `file:` URLs
        escaped = resolution.escaped or resolution.target.path
        if resolution.decided_by == "a local file path":
            what = f"names the local file `{short(escaped)}`, outside the vault"
        else:
            what = f"leads out of the vault (to `{short(escaped)}` from the vault root)"
        name = posixpath.basename(escaped.replace("\\", "/"))
        return (
            f"{quoted(note, resolution.link)} {what}; vaultkit does not read it: copy the image "
            f"into the vault and embed it there (`![[{name}]]`)"
        )


@register
class AmbiguousImage(_LocalImageRule):
    """Image name matches several files.

    ## What it does
    Reports an image embed whose name or partial path matches more than one
    image when neither an exact vault path, the note's own folder, nor the
    attachment folder of `.obsidian/app.json` decides between them. Obsidian
    then shows the one with the shortest path: the message lists the
    candidates, names the one shown, and gives the shortest path that is
    unique. Also reports a Markdown image whose path relative to the note and
    whose path from the vault root are two different files.

    ## Why is this bad?
    Which picture the note shows depends on which other files exist: pasting
    an image of the same name elsewhere silently changes it, and other tools
    may pick another one.

    ## Example
    ```markdown
    ![[架构图.png]]  <!-- 附件/架构图.png and 01-博客/甲/架构图.png both exist -->
    ```

    ## Use instead
    ```markdown
    ![[附件/架构图.png]]
    ```
    """

    code = "IM005"
    name = "ambiguous-image"
    severity = Severity.WARNING

    def message(self, note: Note, resolution: Resolution, index: LinkIndex) -> str | None:
        if resolution.status is not Status.AMBIGUOUS or resolution.rel is None:
            return None
        quote, candidates = quoted(note, resolution.link), resolution.candidates
        if resolution.target.kind == "markdown" and len(candidates) == 2:
            shown, beside = candidates
            return (
                f"{quote} shows `{shown}` in Obsidian but `{beside}` (beside this note) in "
                f"other Markdown viewers; write `./{href(note.rel, beside)}` for the one beside "
                f"this note or `/{href('', shown)}` for the other, or rename one of them"
            )
        if resolution.target.kind == "markdown":
            better = _image(note, resolution, href(note.rel, resolution.rel))
        else:
            better = _embed(_images(index).shortest_path(resolution.rel), resolution)
        return (
            f"{quote} matches {len(candidates)} images: {_listing(candidates)}; Obsidian shows "
            f"`{resolution.rel}` ({resolution.decided_by}); write the path of the one you mean, "
            f"e.g. `{better}`"
        )


@register
class NotAnImage(VaultRule):
    """Image syntax used for a file that is not an image.

    ## What it does
    Reports image syntax that names a file no viewer can show as an image:

    - a Markdown image `![…](…)` of a local file that is not an image
      (`![](notes.pdf)`, `![](报告.docx)`, `![](Some%20Note.md)`): Markdown
      renders it as `<img>`, which shows only images;
    - a wikilink embed `![[…]]` of a file Obsidian cannot show inline
      (`![[paper.docx]]`, `![[data.csv]]`, `![[photo.heic]]`). Obsidian embeds
      images, notes (`![[note]]` is a transclusion, left to the link rules),
      PDF, audio, video, canvases and bases: those are fine
      (`[images] embed-extensions`);
    - a remote image whose URL names a document (`.pdf`, `.docx`, `.html`,
      `.zip`, …), or a `data:` URL whose media type is not `image/…`.

    A local file is judged only once it is found and the link rules have
    nothing to say about the embed (a missing `![[paper.docx]]` is LK001's),
    so one embed gets one finding.

    ## Why is this bad?
    The reader sees a broken-image icon or a bare file name where the note
    promises a picture; the author meant to link the file, not show it.

    ## Example
    ```markdown
    ![](附件/年度报告.docx)
    ![[论文.docx]]
    ```

    ## Use instead
    ```markdown
    [年度报告](附件/年度报告.docx)
    [[论文.docx]]
    ```

    ## Options
    - `[images] embed-extensions`: what `![[…]]` may embed besides images and
      notes (default `.pdf`, `.mp3`, `.wav`, `.m4a`, `.ogg`, `.flac`, `.3gp`,
      `.webm`, `.mp4`, `.ogv`, `.mov`, `.mkv`, `.canvas`, `.base`).
    """

    code = "IM004"
    name = "not-an-image"
    category = "images"

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        index = index_for(vault)
        for note in vault.subject_notes:
            if note.source is None:
                continue
            found = list(self._local(note, index, vault)) + list(self._remote(note))
            for start, end, message in sorted(found):
                yield self.at_bytes(note, start, end, message)

    def _local(self, note: Note, index: LinkIndex, vault: Vault) -> Iterator[tuple]:
        embeddable: frozenset[str] | None = None
        for resolution in index.links_of(note):
            target, rel = resolution.target, resolution.rel
            if not target.embed or target.is_image or rel is None or not resolution.reaches_file:
                continue
            suffix = extension(rel)
            if suffix in IMAGE_EXTENSIONS:
                continue
            if embeddable is None:
                options = vault.config.settings_for(note.rel).images
                embeddable = frozenset(e.lower() for e in options.embed_extensions)
            if target.kind == "wikilink" and (suffix == ".md" or suffix in embeddable):
                continue
            if link_findings(note, resolution, index):
                continue  # the link rules report this embed
            message = self._message(note, resolution, suffix, embeddable)
            yield resolution.link.start, resolution.link.end, message

    def _message(
        self, note: Note, resolution: Resolution, suffix: str, embeddable: frozenset[str]
    ) -> str:
        link, target, rel = resolution.link, resolution.target, resolution.rel or ""
        what = f"`{rel}` is not an image" + (f" (`{suffix}`)" if suffix else "")
        name = posixpath.basename(rel)
        if target.kind == "wikilink":
            return (
                f"{quoted(note, link)} embeds a file Obsidian cannot show inline: {what}; "
                f"link it instead: `[[{target.written}]]`"
            )
        text = link.text or posixpath.splitext(name)[0]
        destination = f"<{target.written}>" if " " in target.written else target.written
        linked = f"`[{text}]({destination})`"
        if suffix == ".md" or suffix in embeddable:
            shown = posixpath.splitext(name)[0] if suffix == ".md" else name
            better = f"`![[{shown}]]` to embed it in Obsidian, or {linked} to link it"
        else:
            better = f"{linked} to link it"
        return f"{quoted(note, link)} uses image syntax, but {what}; write {better}"

    def _remote(self, note: Note) -> Iterator[tuple]:
        for link in note.links:
            if not link.embed or link.is_wikilink:
                continue
            text = link.target.strip()  # only documents and `data:` URLs can be reported
            if url_extension(text) not in DOCUMENT_EXTENSIONS and text[:5].lower() != "data:":
                continue
            url = classify(link.target)
            if url.kind in ("http", "https"):
                suffix = url.extension
                if suffix not in DOCUMENT_EXTENSIONS:
                    continue
                text = link.text or "link"
                yield (
                    link.start, link.end,
                    f"{quoted(note, link)} uses image syntax for a `{suffix}` file, which no "
                    f"viewer shows as an image; link it instead: "
                    f"`[{text}]({short(link.target.strip())})`",
                )  # fmt: skip
            elif url.kind == "data" and not (url.detail or "").startswith("image/"):
                media = f"`{url.detail}`" if url.detail else "no media type (read as text)"
                yield (
                    link.start, link.end,
                    f"{quoted(note, link)} is a `data:` URL with {media}, not an image; "
                    "a `data:` image starts with `data:image/png;base64,` (or another "
                    "`image/` type)",
                )  # fmt: skip
