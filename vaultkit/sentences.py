"""Where sentences begin, in Chinese, English and the mix of both that summaries are written in.

`sentence_starts(text)` lists where each sentence after the first begins;
SM008 (one-sentence-too-long) uses it. It errs on the side of one sentence:
a stop it is not sure of (`o3.5`, `e.g.`, a quote, a URL) ends nothing.
"""

from __future__ import annotations

import re

from vaultkit import regexes

_CJK_STOPS = frozenset("。！？")
_LATIN_STOPS = frozenset(".!?")
_OPENERS = {
    "“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "《": "》",
    "〈": "〉", "[": "]", "〔": "〕",
}  # fmt: skip
_CLOSERS = frozenset(_OPENERS.values()) | {'"'}
# What may follow a stop and still belong to its sentence: more stops, ellipses,
# closing quotes and brackets, emphasis markers.
_TRAILING = _CJK_STOPS | _LATIN_STOPS | _CLOSERS | frozenset("…~～*_`'")
# Every character `sentence_starts` acts on: quotes, brackets and stops.
_SPECIAL = regexes.compile(
    "[" + re.escape("".join(sorted({'"', *_OPENERS, *_CLOSERS, *_CJK_STOPS, *_LATIN_STOPS}))) + "]"
)
_ABBREVIATIONS = frozenset(
    [
        "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp",
        "jr", "sr", "st", "no", "nos", "fig", "figs", "al", "approx", "ca", "cf", "dept", "est",
        "vol", "ver", "op", "ed", "eds", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec",
    ]
)  # fmt: skip


def _token_before(text: str, index: int) -> str:
    """The ASCII word (letters, digits, dots) that ends right before `index`."""
    start = index
    while start > 0 and (
        text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] == ".")
    ):
        start -= 1
    return text[start:index]


def _latin_stop(text: str, index: int) -> bool:
    """Whether the `.`, `!` or `?` at `index` ends a sentence (not `o3.5`, `e.g.`, `…`)."""
    char = text[index]
    after = index + 1
    while after < len(text) and text[after] in _CLOSERS:
        after += 1
    if after < len(text) and not text[after].isspace():
        return False  # `o3.5`, `a.b/c?x=1`, `Yahoo!的`: no space, no sentence end
    if char != ".":
        return True
    if (index > 0 and text[index - 1] == ".") or text[index + 1 : index + 2] == ".":
        return False  # an ellipsis `...`
    token = _token_before(text, index)
    if token.lower() in _ABBREVIATIONS or "." in token:
        return False  # `e.g.`, `etc.`, `U.S.`, `a.m.`
    if len(token) == 1 and token.isalpha():
        return False  # an initial: `J. Smith`
    return not (token.isdigit() and len(token) <= 2)  # `1.`, `12.`: list numbers


def _starts_sentence(text: str, index: int, latin: bool) -> bool:
    """Whether text from `index` (after a stop and blanks) is another sentence."""
    for char in text[index:]:
        if char.isalnum():
            return not (latin and char.isascii() and char.islower())
    return False  # only emoji, punctuation or markup follow


def sentence_starts(text: str) -> list[int]:
    """Indices of `text` where a sentence after the first one begins.

    Sentences end at `。！？` and at `.!?` followed by a blank; a stop inside
    quotes or brackets (`他说：“好。”然后…`) ends no sentence of `text`, and
    stops, ellipses (`……`, `...`), closing quotes and emphasis markers after a
    stop belong to the sentence it ends (`。”`, `！！`). A Latin `.` does not
    end a sentence inside a number or name (`o3.5`, `GPT-4.5`), a URL, an
    abbreviation (`e.g.`, `etc.`, `U.S.`) or after an initial or a list number.
    """
    starts: list[int] = []
    stack: list[str] = []
    quoted = False  # inside ASCII double quotes
    index, length = 0, len(text)
    while index < length:
        special = _SPECIAL.search(text, index)  # (nothing else changes anything)
        if special is None:
            break
        index = special.start()
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in _CLOSERS:
            if char in stack:
                while stack.pop() != char:
                    pass
        elif (
            not stack
            and not quoted
            and (char in _CJK_STOPS or (char in _LATIN_STOPS and _latin_stop(text, index)))
        ):
            end = index + 1
            while end < length and text[end] in _TRAILING and text[end] != '"':
                end += 1
            start = end
            while start < length and text[start].isspace():
                start += 1
            if start < length and _starts_sentence(text, start, char in _LATIN_STOPS):
                starts.append(start)
            index = end
            continue
        index += 1
    return starts
