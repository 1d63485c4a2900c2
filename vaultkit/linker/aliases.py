"""`vaultkit link aliases --suggest`: names a topic goes by, for its note's `aliases`.

Topic names are mostly lower-case English, notes mostly Chinese, so a topic
is often never named the way its note is. Two sources of other names:

- its `## 定义`: `mcp（Model Context Protocol）是…` proposes the words in
  brackets right after the name, and `检索增强生成（RAG）是…` the words
  before a bracket that holds the name;
- how notes already link it: a CJK word (2–6 characters) of the titles of
  the notes that link the topic, when most titles holding it link the topic
  (`PRECISION`, and `LIFT` times more often than titles in general), enough
  do (`SUPPORT`), and it neither starts nor ends with a particle (`的`, `与`).

Nothing is written: a person adds what is right to the topic note's
frontmatter (`aliases: [模型上下文协议]`), and the next `link suggest` reads
it as a name of the topic.
"""

from __future__ import annotations

import re
from collections import Counter

from vaultkit import regexes
from vaultkit.linker.index import VaultIndex
from vaultkit.linker.matching import fold
from vaultkit.linker.text import CJK

PRECISION, SUPPORT, LIFT = 0.6, 3, 4.0
_EDGES = set("的与和了是在用及或之等把被让从对向为就也都而")  # a word does not start or end so
_BRACKETS = regexes.compile(r"[（(]([^（）()]{2,60})[）)]")
_CJK_RUN = regexes.compile(f"[{CJK}]+")


def _from_definition(name: str, definition: str) -> list[str]:
    found = []
    folded, text = fold(name), definition.strip()
    if fold(text).startswith(folded):
        match = _BRACKETS.match(text[len(name) :].lstrip())
        if match:
            found += [p.strip() for p in re.split(r"[，,、/；;]", match.group(1)) if p.strip()]
    for match in _BRACKETS.finditer(text):
        if fold(match.group(1).strip()) == folded:
            before = _CJK_RUN.findall(text[: match.start()])
            if before and text[: match.start()].endswith(before[-1]) and len(before[-1]) <= 12:
                found.append(before[-1])
    return [f for f in dict.fromkeys(found) if fold(f) != folded]


def _words(title: str) -> set[str]:
    words = set()
    for run in _CJK_RUN.findall(title):
        for size in range(2, 7):
            words.update(run[i : i + size] for i in range(len(run) - size + 1))
    return words


def suggest(index: VaultIndex) -> dict[str, list[tuple[str, str]]]:
    """Topic name -> [(alias, why)], topics with nothing to propose left out."""
    titles = [(_words(f.title), set(f.topics)) for f in index.notes if not f.is_topic]
    total: Counter[str] = Counter()
    linked: dict[str, Counter[str]] = {}
    for words, topics in titles:
        total.update(words)
        for key in topics:
            linked.setdefault(key, Counter()).update(words)
    out: dict[str, list[tuple[str, str]]] = {}
    uses = Counter(key for _, topics in titles for key in topics)
    for key, topic in sorted(index.topics.items(), key=lambda item: item[1].name.casefold()):
        rate = uses[key] / max(len(titles), 1)
        have = {fold(a) for a in topic.aliases} | {fold(topic.name)}
        found = [(a, "its 定义") for a in _from_definition(topic.name, topic.definition)]
        ranked = sorted(
            (
                (count / total[word], count, word)
                for word, count in linked.get(key, Counter()).items()
                if count >= SUPPORT
                and count / total[word] >= max(PRECISION, LIFT * rate)
                and word[0] not in _EDGES
                and word[-1] not in _EDGES
            ),
            reverse=True,
        )
        for share, count, word in ranked:
            if any(word in other and more >= share for more, _, other in ranked if other != word):
                continue  # a longer word that says as much is proposed instead
            found.append((word, f"{count} of {total[word]} titles holding it link the topic"))
        kept = [(a, why) for a, why in found if fold(a) not in have]
        if kept:
            out[topic.name] = list(dict(kept).items())[:5]
    return out
