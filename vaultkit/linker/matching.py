"""Finding where a note's prose names a topic.

The names of a topic are its note's file name and the `aliases` of its
frontmatter. They are matched in the prose of `vaultkit.linker.text.prose`
(frontmatter, code, math, HTML, links, URLs and the link sections already
blanked), so a name inside any of those is never a mention.

- A Latin name (letters, digits, `-`, `_`, spaces) matches whole words,
  ignoring case; `-`, `_` and a space between its words are interchangeable
  (`code-review` matches `code review`). Any character that is not a Latin
  letter or digit is a boundary, a CJK character included: `使用MCP协议`
  mentions `mcp`, `MCPs` and `smcp` do not.
- A name with CJK characters matches as a substring, ignoring case, with
  word boundaries only at a Latin edge (`GPU互连` in `多GPU互连方案`, not in
  `XGPU互连`).
- Where names overlap, the longest wins (`Claude Code` is not also a mention
  of `Claude`); then the earliest.
- A short Latin name (one or two characters, or three with a digit: `x`,
  `v0`) and the common words of `AMBIGUOUS` (`meta`) are *ambiguous*: their
  mentions are reported, but a mention alone is no evidence for them (the
  scorer asks for support from similar notes as well).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from vaultkit import regexes

AMBIGUOUS = frozenset({"meta", "x", "v0", "book", "game", "design", "reading", "paper"})
_WORD = regexes.compile(r"[a-z0-9]+(?:[+#]+)?")
_LATIN_NAME = regexes.compile(r"[A-Za-z0-9+#]+(?:[-_ ][A-Za-z0-9+#]+)*")
_SEPARATORS = regexes.compile(r"[-_\s]+")
_JOINERS = frozenset("-_ ")


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True, slots=True)
class Mention:
    topic: str
    line: int  # 1-based line of the note
    text: str  # as written in the note


def ambiguous(name: str) -> bool:
    """Whether a mention of `name` alone says too little (`x`, `v0`, `meta`)."""
    folded = fold(name)
    if not _LATIN_NAME.fullmatch(name):
        return False
    return (
        len(folded) <= 2
        or (len(folded) <= 3 and any(c.isdigit() for c in folded))
        or folded in AMBIGUOUS
    )


class Matcher:
    """Every name and alias of the vault's topics, compiled once."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        """`names`: topic -> its names (the topic's own name first, then its aliases)."""
        self.words: dict[tuple[str, ...], str] = {}  # Latin name as words -> topic
        self.substrings: list[tuple[str, str]] = []  # (folded CJK name, topic), longest first
        self.max_words = 1
        for topic, spellings in names.items():
            for spelling in spellings:
                spelling = spelling.strip()
                if not spelling:
                    continue
                if _LATIN_NAME.fullmatch(spelling):
                    words = tuple(w for w in _SEPARATORS.split(fold(spelling)) if w)
                    self.words.setdefault(words, topic)
                    self.max_words = max(self.max_words, len(words))
                else:
                    self.substrings.append((fold(spelling), topic))
        self.substrings.sort(key=lambda item: (-len(item[0]), item[0]))

    def spans(self, line: str) -> list[tuple[int, int, str]]:
        """(start, end, topic) of each mention in `line`, longest first where they overlap."""
        folded = fold(line)
        if len(folded) != len(line):  # case folding changed lengths (`ß`): match as written
            folded = line.lower() if len(line.lower()) == len(line) else line
        found: list[tuple[int, int, str]] = []
        for name, topic in self.substrings:
            at = folded.find(name)
            while at >= 0:
                end = at + len(name)
                if not (
                    (_latin(name[0]) and at > 0 and _latin(folded[at - 1]))
                    or (_latin(name[-1]) and end < len(folded) and _latin(folded[end]))
                ):
                    found.append((at, end, topic))
                at = folded.find(name, at + 1)
        if self.words:
            found += self._words(folded)
        found.sort(key=lambda span: (span[0], span[0] - span[1]))
        kept: list[tuple[int, int, str]] = []
        for span in found:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def _words(self, folded: str) -> list[tuple[int, int, str]]:
        words = [m.span() for m in _WORD.finditer(folded)]
        found = []
        for i, (start, _) in enumerate(words):
            if start > 0 and _latin(folded[start - 1]):
                continue
            for n in range(min(self.max_words, len(words) - i), 0, -1):
                last = words[i + n - 1]
                if any(
                    words[j + 1][0] - words[j][1] != 1 or folded[words[j][1]] not in _JOINERS
                    for j in range(i, i + n - 1)
                ):
                    continue
                key = tuple(folded[s:e] for s, e in words[i : i + n])
                topic = self.words.get(key)
                if topic is not None:
                    found.append((start, last[1], topic))
                    break
        return found

    def mentions(self, text: str) -> list[Mention]:
        """Every mention in `text` (prose with its lines in place), in order."""
        newlines = [i for i, c in enumerate(text) if c == "\n"] if "\n" in text else []
        out = []
        for start, end, topic in self.spans(text):
            line = bisect_right(newlines, start)
            out.append(Mention(topic, line + 1, text[start:end]))
        return out
