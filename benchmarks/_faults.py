"""The faults a generated vault carries on purpose, and how each one is injected.

Every kind the vault conventions list gets its own entry in `KINDS`: a rate
(the share of article notes that get it), a description, the rule codes that
should report it (`codes`, codes that exist today) and the kebab-case rule
names that would (`names`, for rules being written; a test resolves them
against the registry), and `absent`: codes that must *not* fire on such a note
(a whole-file CRLF note is consistent, so ST008 must stay quiet).

An injector changes a `Draft` (see make_vault.py) and returns a detail for the
manifest plus a needle: text whose first occurrence marks the faulty line.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import _prose


@dataclass(frozen=True)
class Kind:
    rate: float
    category: str
    description: str
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass
class Context:
    """What injectors may link to: existing topics and articles."""

    topics: list[str]
    articles: list[str] = field(default_factory=list)  # rel paths without ".md"


Injected = tuple[str, str | None]  # detail, needle


def _set_field(draft, key: str, value: str) -> None:
    draft.fm = [(k, value if k == key else v) for k, v in draft.fm]


def missing_field(d, rng: random.Random, ctx: Context) -> Injected:
    key = rng.choice(["title", "发布日期", "原文链接"])  # what the vault's rules require
    d.fm = [(k, v) for k, v in d.fm if k != key]
    return f"no `{key}`", None


def bad_date(d, rng, ctx) -> Injected:
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 9), rng.randint(1, 9)
    value = rng.choice([f"{year}-{month}-{day}", f'"{year}年{month}月{day + 20}日"'])
    _set_field(d, "发布日期", value)
    return f"`发布日期: {value}`", f"发布日期: {value}"


def future_date(d, rng, ctx) -> Injected:
    value = f"2091-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    _set_field(d, "发布日期", value)
    return f"`发布日期: {value}`", f"发布日期: {value}"


def invalid_yaml(d, rng, ctx) -> Injected:
    title = d.fm[0][1].rstrip('"')  # an unclosed double quote
    d.fm[0] = ("title", title)
    return "title's closing quote missing", "title:"


def duplicate_key(d, rng, ctx) -> Injected:
    value = f'"{_prose.blog_url(rng)}"'
    d.fm.append(("原文链接", value))
    return "`原文链接` given twice", f"原文链接: {value}"


def no_frontmatter(d, rng, ctx) -> Injected:
    d.fm = []
    return "no `---` block at all", None


def title_noise(d, rng, ctx) -> Injected:
    noise = rng.choice(["&quot;", "&amp;", "&#39;"])  # ` | ` and `项目档案` are profile rules
    title = d.fm[0][1]
    d.fm[0] = ("title", f'"{title.strip(chr(34))}{noise}"')
    return f"title contains `{noise.strip()}`", "title:"


def url_not_http(d, rng, ctx) -> Injected:
    value = f'"{_prose.blog_url(rng).removeprefix("https://")}"'
    _set_field(d, "原文链接", value)
    return "`原文链接` has no http(s) scheme", "原文链接:"


def tracking_parameters(d, rng, ctx) -> Injected:
    url = dict(d.fm)["原文链接"].strip('"')
    _set_field(d, "原文链接", f'"{_prose.with_tracking(rng, url)}"')
    return "`原文链接` carries `chksm=` or `utm_*=`", "原文链接:"


def h1_in_body(d, rng, ctx) -> Injected:
    line = f"# {d.title}"
    d.blocks.insert(0, line)
    return "an H1 repeating the title", line


def missing_blank_line(d, rng, ctx) -> Injected:
    d.post.append(lambda text: text.replace("## 正文\n\n", "## 正文\n", 1))
    return "no blank line after `## 正文`", "## 正文"


def heading_no_space(d, rng, ctx) -> Injected:
    line = f"##{rng.choice(_prose.HEADINGS)}"
    d.blocks.insert(rng.randint(1, len(d.blocks)), line)
    return f"`{line}` (no space after ##)", line


def _body_line(d, rng, line: str, what: str) -> Injected:
    d.blocks.insert(rng.randint(1, len(d.blocks)), line)
    return what, line


def placeholder(d, rng, ctx) -> Injected:
    line = rng.choice(["待补充", "（待补充）", "TODO 占位", "本节占位文件，内容待补充。"])
    return _body_line(d, rng, line, f"placeholder `{line}`")


def nav_noise(d, rng, ctx) -> Injected:
    line = rng.choice(["跳至主要内容", "返回主菜单", "开发者专区"])
    return _body_line(d, rng, line, f"scraped navigation `{line}`")


def webvtt(d, rng, ctx) -> Injected:
    cue = "00:00:01.000 --> 00:00:04.200"
    block = f"WEBVTT\n\n{cue}\n{_prose.sentence(rng)}"
    d.blocks.insert(rng.randint(1, len(d.blocks)), block)
    return "subtitle residue (WEBVTT, -->)", "WEBVTT"


def doc_info_section(d, rng, ctx) -> Injected:
    d.extra_sections.append(("文档信息", "- 整理时间：2025-01-01\n- 整理人：agent"))
    return "a `## 文档信息` section", "## 文档信息"


def script_link(d, rng, ctx) -> Injected:
    name = rng.choice(["train.py", "setup.sh", "demo.ipynb"])
    line = f"完整脚本见 [{name}](https://github.com/example-org/demo/blob/main/{name})。"
    return _body_line(d, rng, line, f"clickable link to `{name}`")


def local_url(d, rng, ctx) -> Injected:
    host = rng.choice(["localhost:8080", "127.0.0.1:7860"])
    line = rng.choice([f"1. http://{host}/ui", f"- [本地预览](http://{host}/ui)"])
    return _body_line(d, rng, line, f"link-list entry pointing at `{host}`")


def credential_url(d, rng, ctx) -> Injected:
    marker = rng.choice(["X-Amz-Signature=", "jwt="])
    url = f"https://files.example.com/report.pdf?{marker}{_prose.token(rng, 24)}"
    return _body_line(d, rng, f"- [下载报告]({url})", f"URL carries `{marker}`")


def glued_punctuation(d, rng, ctx) -> Injected:
    url = _prose.blog_url(rng)
    line = f"- 项目主页：{url}）"
    return _body_line(d, rng, line, "`）` glued to a URL")


def unclosed_fence(d, rng, ctx) -> Injected:
    block = "```python\nprint('这个代码块没有结束')"
    d.blocks.append(block)
    return "a ``` fence that is never closed", block


def dangling_wikilink(d, rng, ctx) -> Injected:
    target = f"01-博客/不存在的作者/已删除的文章 {rng.randint(1, 999)}"
    line = f"- [[{target}|已删除的文章]]；关联理由：引用；说明：{_prose.sentence(rng)}"
    d.related.append(line)
    return f"`[[{target}]]` does not exist", f"[[{target}"


def related_without_reason(d, rng, ctx) -> Injected:
    target = rng.choice(ctx.articles)
    line = f"- [[{target}]]"
    d.related.append(line)
    return "related entry without `；关联理由：…；说明：…`", line


def bad_relation_type(d, rng, ctx) -> Injected:
    target = rng.choice(ctx.articles)
    line = f"- [[{target}]]；关联理由：参考；说明：{_prose.sentence(rng)}"
    d.related.append(line)
    return "`关联理由：参考` is not a known type", line


def missing_topic(d, rng, ctx) -> Injected:
    line = f"- [[00-元语/未收录主题{rng.randint(1, 999)}]]"
    d.topics.insert(rng.randint(0, len(d.topics)), line)
    return "topic note does not exist", line


def tag_line(d, rng, ctx) -> Injected:
    line = f"- #{rng.choice(['AI', 'agent', '推理'])}"
    d.topics.append(line)
    return f"`{line}` among the topics", line


def banned_topic(d, rng, ctx) -> Injected:
    line = f"- [[00-元语/{rng.choice(['article', 'resource', 'blog', 'translation'])}]]"
    d.topics.append(line)
    return "banned generic topic", line


def synonym_topic(d, rng, ctx) -> Injected:
    line = f"- [[00-元语/{rng.choice(['agents', 'memo'])}]]"
    d.topics.append(line)
    return "unmerged synonym topic", line


def near_duplicate_topic(d, rng, ctx) -> Injected:
    line = "- [[00-元语/LLM]]"  # the topic note is `llm`
    d.topics = [t for t in d.topics if t != "- [[00-元语/llm]]"] + [line]
    return "`LLM` differs from the topic `llm` only by case", line


def topic_count(d, rng, ctx) -> Injected:
    count = rng.choice([2, 9, 10])
    chosen = rng.sample(ctx.topics, count)
    d.topics = [f"- [[00-元语/{t}]]" for t in chosen]
    return f"{count} topics (want 3–8)", "## 关联主题"


def summary_label_drift(d, rng, ctx) -> Injected:
    if d.risks and rng.random() < 0.5:
        d.labels = (d.labels[0], d.labels[1], "**3) 风险与不足**")
        return "`风险与不足` instead of `风险/不足`", "**3) 风险与不足**"
    d.labels = (d.labels[0], "**2) 核心要点**", d.labels[2])
    return "`核心要点` instead of `关键要点`", "**2) 核心要点**"


def summary_order(d, rng, ctx) -> Injected:
    d.summary_swapped = True
    return "key points before the one-sentence summary", "**2) 关键要点**"


# Names no generated body uses, and far (by spelling) from every word it does.
INVENTED_NAMES = [
    "Orvane", "Quillmark", "Halvard Zeta", "Pelorix-9", "Wystan Nova", "Brisklet",
    "Kestrafold", "Zumbrota-2", "Ivorgate", "Marbleo Flux",
]  # fmt: skip
_DIGIT_RUN = re.compile(r"\d[\d,]*")


def _near(a: str, b: str) -> bool:
    """Equal, or one digit changed, or two neighbouring digits swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
    return len(diff) <= 1 or (swapped and a[diff[1]] == b[diff[0]])


def unsupported_claim(d, rng, ctx) -> Injected:
    """A key point with a figure or a name the body (and frontmatter) never states."""
    stated = "\n".join([*d.blocks, *(v for _, v in d.fm)])
    if rng.random() < 0.5:
        digits = {run.replace(",", "") for run in _DIGIT_RUN.findall(stated)}
        while True:
            value = rng.randint(12, 98) * 1000 + rng.randint(101, 999)
            if value % 10 and not any(_near(str(value), other) for other in digits):
                break
        text, what = f"{value // 1000},{value % 1000:03d}", "a number"
        line = f"*   据文中统计，已有 {text} 名开发者试用过这套方案。"
    else:
        text = rng.choice([n for n in INVENTED_NAMES if n.lower() not in stated.lower()])
        what = "a name"
        line = f"*   文章还拿 {text} 做了对比，结论一致。"
    if len(d.points) < 10:
        d.points.insert(rng.randint(1, len(d.points)), line)
    else:
        d.points[rng.randint(1, len(d.points) - 1)] = line
    return f"{what} the body lacks: `{text}`", line


def missing_attachment(d, rng, ctx) -> Injected:
    line = f"![[Pasted image 2099{rng.randint(10**9, 10**10 - 1)}.png]]"
    return _body_line(d, rng, line, "embedded attachment does not exist")


def empty_image(d, rng, ctx) -> Injected:
    return _body_line(d, rng, "![]()", "image with an empty URL")


def _encoding(name: str, what: str) -> Callable[..., Injected]:
    def inject(d, rng, ctx) -> Injected:
        d.encoding = name
        return what, None

    return inject


K = Kind
KINDS: dict[str, tuple[Kind, Callable[..., Injected]]] = {
    # frontmatter
    "missing-field": (K(0.02, "frontmatter", "a required article field is missing",
        names=("missing-required-field", "missing-field", "required-field")), missing_field),
    "bad-date": (K(0.02, "frontmatter", "`发布日期` is `2024-1-5` or `2026年1月23日`",
        names=("invalid-date", "bad-date", "date-format", "invalid-date-format")), bad_date),
    "future-date": (K(0.01, "frontmatter", "`发布日期` in the future (2091)",
        names=("future-date", "date-in-future", "date-in-the-future")), future_date),
    "invalid-yaml": (K(0.01, "frontmatter", "frontmatter that is not valid YAML",
        codes=("FM003",)), invalid_yaml),
    "duplicate-key": (K(0.01, "frontmatter", "`原文链接` twice",
        names=("duplicate-key", "duplicate-field", "duplicate-keys")), duplicate_key),
    "no-frontmatter": (K(0.01, "frontmatter", "no frontmatter block",
        codes=("FM001",)), no_frontmatter),
    "title-noise": (K(0.01, "frontmatter", "an HTML entity (`&quot;`…) in the title",
        names=("title-noise", "title-html-entity", "title-banned-word")), title_noise),
    "url-not-http": (K(0.01, "frontmatter", "`原文链接` without http(s)://",
        names=("invalid-url", "url-not-http", "bad-url")), url_not_http),
    "tracking-parameters": (K(0.01, "frontmatter", "`原文链接` with `chksm=`/`utm_source=`",
        codes=("FM018",), names=("tracking-parameters",)), tracking_parameters),
    # structure
    "h1-in-body": (K(0.01, "structure", "a `# H1` line in the body",
        codes=("ST101",)), h1_in_body),
    "missing-blank-line": (K(0.01, "structure", "no blank line after a `##` heading",
        names=("heading-blank-lines", "blank-lines-around-headings",
               "blanks-around-headings")), missing_blank_line),
    "heading-no-space": (K(0.01, "structure", "`##x`: no space after the hashes",
        names=("no-space-after-hash", "heading-missing-space",
               "missing-space-after-hash")), heading_no_space),
    "placeholder": (K(0.01, "structure", "leftover placeholder (`待补充`, `TODO 占位`)",
        names=("placeholder", "placeholder-text", "leftover-placeholder")), placeholder),
    "nav-noise": (K(0.01, "structure", "scraped navigation (`跳至主要内容` …)",
        names=("navigation-noise", "scraped-noise", "noise-phrase")), nav_noise),
    "webvtt": (K(0.01, "structure", "subtitle residue: `WEBVTT` and `-->` cues",
        names=("subtitle-residue", "webvtt", "subtitle-leftover")), webvtt),
    "doc-info-section": (K(0.01, "structure", "a `## 文档信息` section",
        names=("forbidden-section", "document-info-section")), doc_info_section),
    "script-link": (K(0.01, "structure", "clickable link to a `.py`/`.sh`/`.ipynb`",
        names=("script-link", "link-to-script", "clickable-script-link")), script_link),
    "local-url": (K(0.01, "structure", "link-list entry to `localhost` / `127.0.0.1`",
        names=("sensitive-url", "local-url", "sensitive-link")), local_url),
    "credential-url": (K(0.01, "structure", "URL with `X-Amz-` / `jwt=`",
        names=("sensitive-url", "credential-in-url", "sensitive-link")), credential_url),
    "glued-punctuation": (K(0.01, "structure", "`）` glued to the end of a URL",
        names=("trailing-punctuation-in-url", "glued-punctuation",
               "url-trailing-punctuation")), glued_punctuation),
    "unclosed-fence": (K(0.01, "structure", "a code fence never closed (swallows the rest)",
        names=("unclosed-code-fence", "unclosed-fence", "unterminated-code-fence")),
        unclosed_fence),
    # encodings (whole file)
    "gbk": (K(0.01, "structure", "the file is GBK-encoded", codes=("ST001",)),
        _encoding("gbk", "saved as GBK")),
    "bom": (K(0.01, "structure", "the file starts with a UTF-8 BOM", codes=("ST007",)),
        _encoding("bom", "UTF-8 with BOM")),
    "crlf": (K(0.01, "structure", "the whole file uses CRLF (consistent: no finding)",
        absent=("ST008",)), _encoding("crlf", "all lines end in CRLF")),
    "mixed-line-endings": (K(0.01, "structure", "CRLF file with a few LF lines",
        codes=("ST008",)), _encoding("mixed", "CRLF with some LF lines")),
    # links and topics
    "dangling-wikilink": (K(0.02, "links", "`## 相关文档` entry to a note that does not exist",
        names=("broken-wikilink", "dangling-wikilink", "unresolved-link", "broken-link",
               "related-doc-unresolved")),
        dangling_wikilink),
    "related-without-reason": (K(0.01, "links", "`## 相关文档` entry without 关联理由/说明",
        names=("related-missing-reason", "related-without-reason", "missing-relation-reason",
               "related-doc-reason")),
        related_without_reason),
    "bad-relation-type": (K(0.01, "links", "`关联理由：参考` (not one of the eight types)",
        names=("invalid-relation-type", "bad-relation-type", "unknown-relation-type",
               "related-doc-reason")),
        bad_relation_type),
    "missing-topic": (K(0.02, "topics", "`[[00-元语/x]]` where no such topic note exists",
        names=("missing-topic", "topic-not-found", "unknown-topic", "dangling-topic")),
        missing_topic),
    "tag-line": (K(0.01, "topics", "a `- #tag` line among the topics",
        names=("tag-line", "tag-in-topics", "hashtag-topic")), tag_line),
    "banned-topic": (K(0.01, "topics", "a banned generic topic (`article`, `blog` …)",
        names=("banned-topic", "generic-topic")), banned_topic),
    "synonym-topic": (K(0.01, "topics", "an unmerged synonym (`agents`, `memo`)",
        names=("synonym-topic", "topic-synonym", "unmerged-synonym")), synonym_topic),
    "near-duplicate-topic": (K(0.01, "topics", "`LLM` where the topic is `llm`",
        names=("near-duplicate-topic", "topic-case-mismatch", "topic-near-duplicate")),
        near_duplicate_topic),
    "topic-count": (K(0.01, "topics", "2, 9 or 10 topics (want 3–8)",
        names=("topic-count", "too-many-topics", "too-few-topics")), topic_count),
    # summary
    "summary-label-drift": (K(0.02, "summary", "`核心要点` / `风险与不足` instead of the template",
        names=("summary-label-drift", "summary-labels", "summary-label",
               "summary-label-variant")),
        summary_label_drift),
    "summary-order": (K(0.01, "summary", "key points before the one-sentence summary",
        names=("summary-order", "summary-part-order", "summary-structure")), summary_order),
    "unsupported-claim": (K(0.02, "summary", "a number or a name in the summary the body lacks",
        codes=("SM101", "SM102"), names=("unsupported-number", "unsupported-term")),
        unsupported_claim),
    # images
    "missing-attachment": (K(0.01, "images", "`![[Pasted image ….png]]` with no such file",
        names=("missing-attachment", "broken-image", "missing-image", "image-not-found"),
        absent=("LK001",)), missing_attachment),
    "empty-image": (K(0.01, "images", "`![]()`: an image with an empty URL",
        names=("empty-image-url", "broken-image", "empty-image"), absent=("IM011",)),
        empty_image),
}  # fmt: skip
