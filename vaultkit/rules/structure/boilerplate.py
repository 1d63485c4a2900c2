"""Structure rule about the source page's boilerplate at the end of an article (ST120).

Scrapers copy what follows the article on the page: the site footer (copyright,
cookie settings, links to the privacy policy), a request to follow or subscribe,
a press office's contact block, and the author's contact address that ends every
post. The vaults' rules want them gone ("删除非正文噪音：导航、订阅、分享、推荐
阅读、页脚版权等"). Only the last lines of the archived article (`## 正文`) are
looked at, where such blocks sit; the same words inside the article are its text.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator

from vaultkit import regexes
from vaultkit.diagnostics import Diagnostic, Severity
from vaultkit.facts import others, provides, sums
from vaultkit.note import Note, code_lines
from vaultkit.rules.base import VaultRule, register
from vaultkit.rules.structure._scan import article_span
from vaultkit.source import LineIndex
from vaultkit.vault import Vault

_TAIL = 25  # non-blank lines at the end of the article looked at
_EMAIL_TAIL = 3  # … of which the last few may hold the author's address
_EMAIL_NOTES = 3  # notes of one folder that must end with the same address
_LONGEST = 120  # characters: a longer line is a sentence, not a footer item
_GAP = 5  # lines between two hits of one block
_SHOWN = 50

_FOOTER = regexes.Caseless(
    r"(?:©|\(c\)|copyright)\s*\d{4}|^\W*©\W*$|版权所有|all rights reserved|管理\s*cookie"
    r"|cookie\s*(?:设置|偏好|settings|preferences)|manage cookies|accept (?:all )?cookies"
    r"|接受所有\s*cookie|toggle theme"
    r"|see all posts|请勿出售或共享我的个人信息|do not sell or share my personal information"
    r"|\[(?:隐私政策|使用条款|服务条款|其他政策|cookie\s*政策|privacy policy"
    r"|terms of (?:use|service)|cookie policy|rss)\]\(",
)
_CALL = regexes.Caseless(
    r"(?:点个|点一下|帮忙点|顺手点)(?:关注|在看|赞|星标)|给个星标|私信我"
    r"|(?:关注|订阅)(?:我|我们)的?(?:公众号|账号|频道|邮件列表|通讯)|欢迎订阅|订阅我们的"
    r"|subscribe to (?:our|my|the) (?:newsletter|mailing list|channel)"
    r"|sign up for (?:our|my|the) newsletter|join (?:our|my) newsletter",
)
_PRESS = regexes.compile(
    r"(?:媒体联系|媒体垂询|新闻联系人|media (?:contact|inquiries)|press (?:contact|inquiries))",
    re.IGNORECASE,
)
_EMAIL = regexes.compile(
    r"(?:(?:联系|合作|投稿|商务|邮箱|email|e-mail|contact)\S{0,6}?[:：]?\s*)?"
    r"<?([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)>?",
    re.IGNORECASE,
)
# A question set as a heading or in bold, as FAQ pages write them: `**如何与你们保持联系？**`.
_QUESTION = regexes.compile(r"\s*(?:#{1,6}\s|\*\*).{1,60}[?？]\W*$")
_WHAT = {
    "footer": "the source site's footer (copyright, cookie settings, policy links)",
    "call": "the source page's request to follow, subscribe or share",
    "press": "a press office's contact block",
}


def _tail(note: Note) -> list[tuple[int, str]]:
    """The last non-blank lines of the article outside code: (1-based number, text).

    The rule reads every note of the vault: the note's lines are split here and not
    kept on it (`Note.split_lines`), so the notes do not all hold their text at once; nor
    their line starts, when no rule has asked for them yet (a temporary index is used).
    """
    span = article_span(note)
    if span is None or span[0] >= span[1]:
        return []
    index = note.source.lines
    if not index.built:
        index = LineIndex(note.data)  # not kept on the note
    first, last = index.line_of(span[0]), index.line_of(max(span[0], span[1] - 1))
    found: list[tuple[int, str]] = []
    code = vars(note).get("code_lines") or code_lines(note, index.line_of)
    lines = note.split_lines()
    for number in range(last, first, -1):
        if lines[number - 1].strip() and number not in code:
            found.append((number, lines[number - 1]))
            if len(found) == _TAIL:
                break
    return found[::-1]


@provides("tail-addresses")
def _tail_facts(note: Note, config: object) -> tuple[str, ...]:
    return tail_addresses(note, _tail(note))


@sums("tail")
def _tail_sums(rel: str, facts: dict, vault: Vault) -> Iterator[tuple[str, str]]:
    """What a note adds to `_repeated_addresses`: its folder and each address ending it."""
    if facts["tail-addresses"]:
        folder = posixpath.dirname(rel)
        for address in facts["tail-addresses"]:
            yield folder, address


def tail_addresses(note: Note, tail: list[tuple[int, str]]) -> tuple[str, ...]:
    """The addresses on the last lines of the article (`tail`: see `_tail`)."""
    seen = {_email(text) for _number, text in tail[-_EMAIL_TAIL:]}
    return tuple(sorted(seen - {None}))


def _kind(text: str) -> str | None:
    if len(text) > _LONGEST:
        return None
    lower = regexes.lowered(text)
    if _FOOTER.found_in(text, lower):
        return "footer"
    if _CALL.found_in(text, lower):
        return "call"
    if _PRESS.match(text.lstrip("#*-> \t")):
        return "press"
    return None


def _email(text: str) -> str | None:
    match = _EMAIL.fullmatch(text.strip().strip("*_ "))
    return match.group(1).lower() if match else None


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


@register
class ScrapedBoilerplate(VaultRule):
    """The source page's footer, call to follow, or contact address at the end of an article.

    ## What it does
    Looks at the last 25 lines of the archived article (`## 正文`, up to
    `## 相关文档` / `## 关联主题`) and reports, once per block:

    - the site footer: a line with `© 2026` (a year: `© Getty Images` under
      a photo is a credit), a lone `©`, `版权所有`, `All rights reserved`,
      cookie settings (`管理 Cookie`), `Toggle theme`, or a link to the
      privacy policy, the terms of use or the RSS feed;
    - a request to follow, subscribe or share (`请点个关注并给个星标`,
      `欢迎订阅我们的通讯`, `Subscribe to our newsletter`);
    - a press office's contact block (`媒体联系`, `Media contact`);
    - a line holding only an e-mail address among the article's last three
      lines, when at least three notes of the same folder end with the same
      address: the author's contact line under every post.

    Lines over 120 characters are sentences and are left alone, and so is
    everything outside `## 正文` (a `02-资源` profile may list a project's
    privacy policy on purpose), and a call to subscribe right under a
    question in bold or a heading (`**如何与你们保持联系？**`): the answer of
    the article's FAQ.

    ## Why is this bad?
    The vaults' rules keep only the article: navigation, subscription and
    sharing prompts, footers and copyright lines are noise to be removed.
    They pollute search and summaries, and a contact address repeated under
    hundreds of notes makes it the most "linked" string in the vault.

    ## Example
    ```markdown
    ## 正文

    文章最后一段。

    以上，创作不易，有用的话请点个关注并给个星标⭐，感恩。

    someone@example.com
    ```

    ## Use instead
    ```markdown
    ## 正文

    文章最后一段。
    ```
    """

    code = "ST120"
    name = "scraped-boilerplate"
    category = "structure"
    severity = Severity.WARNING

    def check_vault(self, vault: Vault) -> Iterator[Diagnostic]:
        scanned = {note.rel: _scan(note) for note in vault.subject_notes if note.source is not None}
        addresses = _repeated_addresses(vault, scanned)
        for note in vault.subject_notes:
            hits: list[tuple[int, str, str]] = []
            folder = posixpath.dirname(note.rel)
            for number, line, kind, last in scanned.get(note.rel, ((), ()))[1]:
                if kind is None and last:
                    address = _email(line.strip())
                    if address is not None and address in addresses.get(folder, {}):
                        kind = "email"
                if kind is not None:
                    hits.append((number, kind, line))
            yield from self._blocks(note, hits, addresses)

    def _blocks(
        self, note: Note, hits: list[tuple[int, str, str]], addresses: dict[str, dict[str, int]]
    ) -> Iterator[Diagnostic]:
        """One finding per block of hits of one kind (number, kind, line) close together."""
        blocks: list[list[tuple[int, str, str]]] = []
        for hit in hits:
            if blocks and hit[1] == blocks[-1][-1][1] and hit[0] - blocks[-1][-1][0] <= _GAP:
                blocks[-1].append(hit)
            else:
                blocks.append([hit])
        for block in blocks:
            first, kind, text = block[0]
            shown = f"`{_short(text)}`"
            if kind == "email":
                folder = posixpath.dirname(note.rel)
                count = addresses[folder][_email(text)]
                message = (
                    f"{shown} ends {count} notes of `{folder}/`: the author's contact address "
                    "repeated under every article, not article text; remove it"
                )
            else:
                where = f" (lines {first}–{block[-1][0]})" if len(block) > 1 else ""
                message = (
                    f"{shown}{where} is {_WHAT[kind]}, scraped with the article: not article "
                    "text; remove it"
                )
            start = len(text) - len(text.lstrip())
            yield self.at_line(note, first, start + 1, len(text.strip()), message)


def _scan(note: Note) -> tuple[tuple[str, ...], list[tuple[int, str, str | None, bool]]]:
    """The addresses ending a note's article, and the lines of its tail (`_tail`) that may be
    hits: `(number, line, kind, last)` for each line of a kind and each of the last
    `_EMAIL_TAIL` lines (`last`) that is an address, looked up once the vault's are counted.
    The rule scans every note before reporting: only these few lines of each are kept."""
    tail = _tail(note)
    kept: list[tuple[int, str, str | None, bool]] = []
    for index, (number, line) in enumerate(tail):
        kind = _kind(line.strip())
        if kind == "call" and index and _QUESTION.match(tail[index - 1][1]):
            kind = None  # the answer to a question of the article's FAQ
        last = index >= len(tail) - _EMAIL_TAIL
        if kind is not None or (last and _email(line.strip()) is not None):
            kept.append((number, line, kind, last))
    return tail_addresses(note, tail), kept


def _repeated_addresses(
    vault: Vault, scanned: dict[str, tuple[tuple[str, ...], list]]
) -> dict[str, dict[str, int]]:
    """Per folder, the addresses that end at least `_EMAIL_NOTES` of its notes, with counts."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counted = others(vault, "tail")  # the notes not reported on, if kept
    for (folder, address), notes in (counted or {}).items():
        counts[folder][address] += notes
    for note in vault.notes:
        subject = vault.is_subject(note)
        if counted is not None and not subject:
            continue
        facts = None if subject else note.facts
        if facts is not None:
            seen = facts["tail-addresses"]
        elif note.source is not None:
            found = scanned.get(note.rel)
            seen = found[0] if found is not None else tail_addresses(note, _tail(note))
        else:
            continue
        for address in seen:
            counts[posixpath.dirname(note.rel)][address] += 1
    return {
        folder: {address: n for address, n in found.items() if n >= _EMAIL_NOTES}
        for folder, found in counts.items()
    }
