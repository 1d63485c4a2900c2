"""The prose of a note, as the linker reads it, and its tokens.

`prose(note, skipped)` blanks out everything that is not prose, keeping
every line where it was (so a mention keeps its line number): the
frontmatter, code blocks and spans, math, raw HTML, `%% … %%` comments,
links and embeds (their text too), bare URLs, and the sections named in
`skipped` (`## 关联主题` and `## 相关文档`: what the linker suggests must not
count as evidence for itself).

`tokens(text)` cuts prose into what the similarity index counts: each run of
CJK characters gives its overlapping character bigrams (Chinese has no
spaces, and bigrams are the usual unit for it), each Latin word its lower
case form (digits alone and a few English function words are dropped).
"""

from __future__ import annotations

import re
from collections import Counter

from vaultkit import regexes
from vaultkit.note import Note

_URL = regexes.compile(
    rb"(?:https?|ftp)://[^\s<>()\[\]\"'\x80-\xff]+|www\.[A-Za-z0-9-]+\.[^\s<>()\x80-\xff]+"
)
_NOT_NEWLINE = regexes.compile(rb"[^\n]")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = regexes.compile(rf"[{CJK}]+|[A-Za-z][A-Za-z0-9]*(?:[+#]+|(?:[.-][A-Za-z0-9]+)*)")
_STOP = frozenset(
    re.split(
        r"\s+",
        "a an and are as at be but by can do for from has have if in into is it its of on or "
        "that the their this to was we were what when which will with you your not no so all "
        "more most also than then there these they our how why who new one two use using used "
        "https http www com",
    )
)


def prose(note: Note, skipped: tuple[str, ...] = ()) -> str:
    """The note's text with everything but prose blanked (lines kept in place)."""
    data = bytearray(note.data)
    spans = [(0, note.body_start)]
    spans += [(r.start, r.end) for r in note.code]
    spans += [(r.start, r.end) for r in note.html]
    spans += [(link.start, link.end) for link in note.links]
    for section in note.sections:
        if section.heading.level == 2 and section.heading.text in skipped:
            spans.append((section.heading.start, section.end))
    spans += [(m.start(), m.end()) for m in _URL.finditer(note.data, note.body_start)]
    for start, end in spans:
        if end > start:
            data[start:end] = _NOT_NEWLINE.sub(b" ", data[start:end])
    return data.decode("utf-8", "replace")


_TITLE_TOKEN = regexes.compile(r"[\u3400-\u9fff]|[a-z0-9]+")


def title_grams(title: str) -> list[str]:
    """A title's CJK characters and Latin words (lower case), and each pair of neighbours:
    what near-duplicate titles share most of (sorted, each once)."""
    parts = _TITLE_TOKEN.findall(title.lower())
    return sorted({*parts, *map(str.__add__, parts, parts[1:])})


def tokens(text: str) -> Counter[str]:
    """Token counts of `text`: CJK character bigrams and lower-cased Latin words."""
    counts: Counter[str] = Counter()
    words = []
    for match in _TOKEN.finditer(text):
        run = match.group()
        if run[0] >= "\u3400":
            if len(run) == 1:
                words.append(run)
            else:
                words.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            word = run.lower()
            if len(word) > 1 and word not in _STOP:
                words.append(word)
    counts.update(words)
    return counts
