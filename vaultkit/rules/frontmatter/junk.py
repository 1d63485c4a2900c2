"""Titles that say nothing (placeholder, cut short, a bare category); look-alike characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import yaml

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic
from vaultkit.frontmatter import Frontmatter
from vaultkit.note import Note
from vaultkit.options import FrontmatterOptions, Settings
from vaultkit.rules.base import NoteRule, register
from vaultkit.rules.frontmatter.common import (
    STR_TAG,
    inner_edit,
    locate,
    show,
    text_values,
    values_of,
)

_PLACEHOLDER_TITLE = regexes.compile(
    r"未命名(?:文档|笔记)?|无标题|新建(?:笔记|文档)|标题|待补充|待定|占位(?:标题)?|"
    r"untitled(?: document| note)?|new note|title|todo|tbd|placeholder|"
    r"just a moment\.*|access denied|page not found|404(?: not found)?|环境异常|"
    r"完成验证后即可继续访问|请稍候\.*|loading\.*",
    re.IGNORECASE,
)
# The end of a title cut short: an English word that cannot end one, or an open bracket.
_CUT_WORD = regexes.compile(
    r"[A-Za-z0-9)] (and|or|nor|but|the|a|an|of|to|for|with|without|in|on|at|by|from|into|"
    r"onto|via|that|which|who|whose|as|than|is|are|was|its|their|your|our|using|&)$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    ("the", "a", "an", "is", "are", "of", "for", "to", "with", "and", "or", "your", "you",
     "that", "in", "on", "by", "from", "it", "its", "this", "our")
)  # fmt: skip
_CUT_LENGTH = 24  # taglines were cut at about 30 characters before the category was added
_OPEN_BRACKET = regexes.compile(r"[(（\[【][^)）\]】]*$")
_DESCRIPTOR = regexes.compile(r"[：:]\s*")
_CJK = regexes.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _title(note: Note) -> tuple[Frontmatter, yaml.ScalarNode] | None:
    fm = values_of(note)
    entry = fm.fields.get("title") if fm is not None else None
    if entry is None or not isinstance(entry.node, yaml.ScalarNode) or entry.node.tag != STR_TAG:
        return None
    return fm, entry.node


def _junk(title: str, options: FrontmatterOptions) -> tuple[int, int, str] | None:
    """`(start, end, what is wrong and what is right)` for a title that says nothing."""
    text = title.strip()
    if not text:
        return None
    start = title.find(text)
    if _PLACEHOLDER_TITLE.fullmatch(text):
        return start, start + len(text), "is placeholder text; write the note's real title"
    cut = _CUT_WORD.search(text) or _OPEN_BRACKET.search(text)
    if cut is not None:
        begin = start + cut.start() + (2 if cut.re is _CUT_WORD else 0)
        return (
            begin, start + len(text),
            f"ends in {show(text[begin - start :], 200)}: it was cut short; write the whole title",
        )  # fmt: skip
    separator = _DESCRIPTOR.search(text)
    if separator is None or separator.start() == 0:
        return None
    descriptor = text[separator.end() :].strip()
    begin = start + separator.end()
    end = begin + len(descriptor)
    if not descriptor:
        return None
    if descriptor in options.title_generic_types:
        return (
            begin, end,
            f"says only the category {show(descriptor)}; write what the object is and does: "
            "`{对象名}：{对象类型}{核心定位}`",
        )  # fmt: skip
    named_in_chinese = _CJK.search(text[: separator.start()]) is not None  # `中文名：name`
    if not options.title_chinese_descriptor or named_in_chinese:
        return None
    tagline = _without_type(descriptor, options.title_generic_types)
    if tagline is not None and _is_tagline(tagline):
        return (
            begin, end,
            f"is an English tagline with a category tacked on ({show(descriptor, 200)}); write "
            "`{对象名}：{对象类型}{核心定位}` in Chinese",
        )  # fmt: skip
    if not _CJK.search(descriptor):
        return (
            begin, end,
            f"has no Chinese after `：` ({show(descriptor, 200)}); write "
            "`{对象名}：{对象类型}{核心定位}` in Chinese",
        )  # fmt: skip
    return None


def _is_tagline(text: str) -> bool:
    """English prose, not a type's qualifier: 3 words or more, a sentence's or cut at length
    (`The official NGINX Open Source`, `A cross-platform music playe`; not `JavaScript LLM`)."""
    words = text.split()
    if len(words) < 3 or _CJK.search(text):
        return False
    return len(text) >= _CUT_LENGTH or any(word.lower() in _FUNCTION_WORDS for word in words)


def _without_type(descriptor: str, types: list[str]) -> str | None:
    """The descriptor before a generic type word it ends with (`… 开发工具`), else None."""
    for kind in sorted(types, key=len, reverse=True):
        if descriptor.endswith(" " + kind):
            return descriptor[: -len(kind)].strip()
    return None


@register
class JunkTitle(NoteRule):
    """The title says nothing: placeholder text, cut short, or a bare category.

    ## What it does
    Reports a `title` that is placeholder text (`未命名`, `无标题`, `Untitled`,
    `Just a moment...`, `404`), that was cut short (it ends in an English word
    no title ends with, such as `and`, `the`, `for`, `with`, or inside an open
    bracket), and, where `title_generic_types` is set, a `名称：类别` title
    whose part after `：` is only a category (`ollama：命令行工具`,
    `TabPFN：模型项目`); where `title_chinese_descriptor` is set, also one with
    no Chinese on either side of `：` (a repository's English tagline; a
    Chinese name before an English one, `多智能体套件：oh-my-x`, says what the
    object is and is left alone), or only a category tacked onto English
    (`nginx：The official NGINX Open Source 开发工具`). Both are
    set for `02-资源/` by default, whose rule (`skills/site-project-profile.md`)
    asks for `{对象名}：{对象类型}{核心定位}` titles in Chinese.

    ## Why is this bad?
    A title is how a note is found and linked; a placeholder, a sentence cut
    mid-way or a bare category says nothing about what the note holds, and
    hides it among others titled the same.

    ## Example
    ```yaml
    title: "open-infra-index：Production-tested AI infrastructure tools for AGI and"
    ```

    ## Use instead
    ```yaml
    title: "open-infra-index：生产验证的 AI 基础设施工具集"
    ```

    ## Options
    `frontmatter.title-generic-types`, `frontmatter.title-chinese-descriptor`.
    """

    code = "FM020"
    name = "junk-title"
    category = "frontmatter"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        found = _title(note)
        if found is None:
            return
        fm, node = found
        junk = _junk(node.value, settings.frontmatter)
        if junk is None:
            return
        start, end, what = junk
        first, last = locate(note, fm, node, start, end)
        yield self.diagnostic(note, first, last, f"`title` {what}")


# Radicals that stand for a character and have no compatibility mapping (U+2E80 block).
_RADICALS = dict(
    zip(
        "⺟⻅⻆⻉⻋⻓⻔⻙⻚⻛⻜⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
        "母见角贝车长门韦页风飞马鱼鸟卤麦黄黾齐齿龙龟",
        strict=True,
    )
)
_LOOK_ALIKE = regexes.compile("[\u2f00-\u2fd5" + "".join(_RADICALS) + "]")


def _ideograph(char: str) -> str:
    return _RADICALS.get(char) or unicodedata.normalize("NFKC", char)


@register
class LookAlikeCharacters(NoteRule):
    """A frontmatter value holds radicals that look like Chinese characters.

    ## What it does
    Reports a value (`title`, `作者`, any field) holding Kangxi radicals
    (U+2F00–U+2FD5, such as `⼈` U+2F08 for `人`) or CJK radical forms that
    stand for a character (`⻓` for `长`), once per value, at the first one,
    naming each with the character it imitates.

    ## Why is this bad?
    Text copied from some PDFs and web pages carries radicals in place of
    characters: they look the same, but search for `人工智能` misses `⼈⼯智能`,
    links and duplicates by title fail, and sorting is off.

    ## Example
    ```yaml
    title: "虾宝给⾃⼰找了份⼯作"
    ```

    ## Use instead
    ```yaml
    title: "虾宝给自己找了份工作"
    ```

    ## Fix safety
    The fix replaces each radical with the character it imitates (Unicode's
    compatibility mapping) inside the value as written, nothing else. It is
    safe: the value reads the same. It is not offered for a value on several
    lines or written with escapes. A file name that holds the same radicals is
    left alone (links use it).
    """

    code = "FM021"
    name = "look-alike-characters"
    category = "frontmatter"
    fix = "safe"

    def check(self, note: Note, settings: Settings) -> Iterator[Diagnostic]:
        fm = values_of(note)
        if fm is None:
            return
        for key, node in text_values(fm):
            match = _LOOK_ALIKE.search(node.value)
            if match is None:
                continue
            chars = dict.fromkeys(_LOOK_ALIKE.findall(node.value))
            named = ", ".join(
                f"`{c}` U+{ord(c):04X} for `{_ideograph(c)}`" for c in list(chars)[:5]
            )
            more = f" and {len(chars) - 5} more" if len(chars) > 5 else ""
            fixed = _LOOK_ALIKE.sub(lambda m: _ideograph(m.group()), node.value)
            edit = inner_edit(note, fm, node, fixed)
            fix = self.make_fix(f"write {show(fixed)}", edit) if edit is not None else None
            start, end = locate(note, fm, node, match.start(), match.end())
            yield self.diagnostic(
                note, start, end,
                f"`{key}` holds radicals that look like characters ({named}{more}); "
                "write the characters",
                fix,
            )  # fmt: skip
