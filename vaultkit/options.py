"""The options each rule family reads, and `Settings`: all of them for one note.

Each family's options are a frozen dataclass; the TOML table is the `Settings`
field's name (`[frontmatter]`, `[structure]`, `[images]`, `[summary]`,
`[topics]`) and keys are the field names in kebab-case. `vaultkit.config`
validates values against these type hints and applies per-glob overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vaultkit import regexes


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


# `vaultkit check --online`: the command line's defaults (`vaultkit.online.options` uses them)
ONLINE_CONCURRENCY = 32  # requests in flight at once
ONLINE_TIMEOUT = 10.0  # seconds one request may take
CACHE_MAX_AGE_KEY = "images.online-cache-max-age"
_DURATION = regexes.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class DurationError(ConfigError):
    """A cache max age that is not a duration; the message names the key."""


def parse_duration(value: int | float | str, key: str = CACHE_MAX_AGE_KEY) -> float:
    """Seconds from `3600`, `"3600"`, `"90s"`, `"30m"`, `"12h"`, `"7d"` or `"2w"`."""
    if isinstance(value, bool):
        raise DurationError(f'{key}: expected seconds or a duration such as "12h", got {value!r}')
    if isinstance(value, int | float):
        if value < 0:
            raise DurationError(f"{key}: must be 0 or more, got {value!r}")
        return float(value)
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise DurationError(
            f'{key}: expected seconds or a duration such as "90s", "30m", "12h", "7d", '
            f"got {value!r}"
        )
    number, unit = match.groups()
    return float(number) * _UNITS[(unit or "s").lower()]


@dataclass(frozen=True)
class FrontmatterOptions:
    required: list[str] = field(default_factory=lambda: ["title"])
    date_fields: list[str] = field(default_factory=lambda: ["发布日期"])
    url_fields: list[str] = field(default_factory=lambda: ["原文链接"])
    text_fields: list[str] = field(
        default_factory=lambda: ["title", "作者", "来源", "原文链接", "版本", "version"]
    )
    # The article's URL written under another key (FM019): these keys, when they hold a URL
    # and no `url_fields` key is there, are renamed to the first URL field.
    url_key_aliases: list[str] = field(
        default_factory=lambda: [
            "来源", "来源链接", "原帖链接", "原文地址", "原始链接", "原链接", "原文", "文章链接",
            "链接", "source", "source_url", "url", "link",
        ]
    )  # fmt: skip
    # Keys naming the one object a note profiles (FM017: two profiles of one repository).
    object_fields: list[str] = field(default_factory=list)
    # Title rules that the owners' rules set for part of the vault (`02-资源/**`, through a
    # built-in override): off elsewhere, where a title is the article's own.
    title_banned_words: list[str] = field(default_factory=list)
    title_noise: list[str] = field(default_factory=list)
    title_emoji: bool = False
    title_generic_types: list[str] = field(default_factory=list)
    title_chinese_descriptor: bool = False
    tracking_parameters: list[str] = field(
        default_factory=lambda: [
            "utm_*", "chksm", "scene", "sessionid", "subscene", "clicktime", "enterid",
            "ascene", "devicetype", "version", "nettype", "lang", "exportkey", "pass_ticket",
            "wx_header", "from", "isappinstalled", "spm", "share_token", "fbclid", "gclid",
            "ref", "ref_src", "mc_cid", "mc_eid",
        ]
    )  # fmt: skip


@dataclass(frozen=True)
class StructureOptions:
    placeholder_phrases: list[str] = field(
        default_factory=lambda: ["待补充", "TODO 占位", "占位文件", "## TODO"]
    )
    noise_phrases: list[str] = field(
        default_factory=lambda: [
            "跳至主要内容",
            "返回主菜单",
            "研究索引",
            "商业应用概览",
            "开发者专区",
        ]
    )
    forbidden_sections: list[str] = field(default_factory=lambda: ["文档信息"])
    script_extensions: list[str] = field(
        default_factory=lambda: [".py", ".sh", ".ipynb", ".js", ".ts", ".ps1"]
    )
    sensitive_url_markers: list[str] = field(
        default_factory=lambda: [
            "jwt=", "X-Amz-", "unsubscribe-auth", "blob:",
        ]
    )  # fmt: skip


@dataclass(frozen=True)
class SummaryOptions:
    """The `## 摘要` section: where it is required, its template, and what it must not say.

    Template (SM001–SM010): `required` (the note must have `## 摘要`, SM001) and
    `template` (its parts are checked, SM003–SM009) are per-glob switches: off
    by default, on under `01-博客/**` through a built-in override; a `[summary]`
    table or an `[[overrides]]` entry (`summary = { required = true }`) wins.
    `place-before`: the sections `## 摘要` must precede (SM002). Per part
    (`one-sentence`, `key-points`, `risks`): `*-label` is the canonical label
    as written (SM007 names it), `*-accepted` other labels left alone, and
    `*-words` the words that recognise a label by meaning (`risks-weak-words`
    count only at the end of a label: `潜在问题`, not `问题背景`).
    `risks-required` makes part 3 mandatory; `key-points-min`/`-max` bound the
    points (SM009), the minimum only for a body of `key-points-min-body` prose;
    `leakage-phrases`, `leakage-patterns` (regexes) and `leakage-wikilinks` say
    what is vault talk in a summary (SM010).
    """

    # -- template rules (SM001–SM010)
    required: bool = False
    template: bool = False
    place_before: list[str] = field(default_factory=lambda: ["正文", "相关文档", "关联主题"])
    one_sentence_label: str = "**1) 一句话总结**"
    key_points_label: str = "**2) 关键要点**"
    risks_label: str = "**3) 风险/不足**"
    one_sentence_accepted: list[str] = field(default_factory=list)
    key_points_accepted: list[str] = field(default_factory=list)
    risks_accepted: list[str] = field(default_factory=list)
    one_sentence_words: list[str] = field(default_factory=lambda: ["一句话", "TL;DR", "TLDR"])
    key_points_words: list[str] = field(
        default_factory=lambda: [
            "要点", "关键点", "关键信息", "核心信息", "核心观点", "主要观点", "核心内容",
            "主要内容", "重点", "关键发现", "主要发现", "核心发现", "看点",
        ]
    )  # fmt: skip
    risks_words: list[str] = field(
        default_factory=lambda: [
            "风险", "不足", "局限", "缺口", "缺陷", "隐患", "短板", "弱点", "限制", "争议",
            "注意事项", "待解决", "未解决", "代价", "担忧",
        ]
    )  # fmt: skip
    risks_weak_words: list[str] = field(default_factory=lambda: ["问题", "挑战", "注意"])
    risks_required: bool = False
    key_points_min: int = 5
    key_points_max: int = 10
    key_points_min_body: int = 500  # prose (CJK characters + Latin words) a body needs for min
    leakage_phrases: list[str] = field(default_factory=lambda: ["关联主题"])
    leakage_patterns: list[str] = field(
        default_factory=lambda: [
            r"元语(?![言义料音法])",
            r"本文围绕\s*[“\"「『][^”\"」』\n]{1,80}[”\"」』].{0,40}?(?:提炼|整理|梳理|归纳|总结)",
            # templated filler and process data of the vault's profile scripts
            r"本文聚焦[^。\n]{0,60}?便于后续[^。\n]{0,20}",
            r"主题定位[：:][^\n]{0,80}?泛泛而谈",
            r"HEAD\s*提交(?:记录)?为?\s*`?[0-9a-f]{7,40}`?",
            r"参考热度分为?\s*[\d.]+",
            # (not beside the boundary a high-risk profile must state: `不复述可操作细节`)
            r"不能?替代官方文档(?:与发行说明)?(?![^。\n]*(?:规避|破解|复述|可操作|执行细节))",
            r"仓库简介与元数据不能替代完整技术评估",
        ]
    )
    leakage_wikilinks: bool = True
    # -- claims the body must support (SM101–SM103, vaultkit.claims)
    claims_body_exclude: list[str] = field(default_factory=lambda: ["关联主题", "相关文档"])
    claims_tolerance: float = 0.1  # relative, for approximate numbers (`约`, `近`, `超过`)
    claims_generic_terms: list[str] = field(default_factory=list)  # never checked
    claims_term_aliases: dict[str, list[str]] = field(
        default_factory=lambda: {
            "Apple": ["苹果"], "Google": ["谷歌"], "Microsoft": ["微软"], "NVIDIA": ["英伟达"],
            "Amazon": ["亚马逊"], "Meta": ["脸书"], "Tesla": ["特斯拉"], "Samsung": ["三星"],
            "Intel": ["英特尔"], "Alibaba": ["阿里巴巴", "阿里"], "Tencent": ["腾讯"],
            "ByteDance": ["字节跳动", "字节"], "Baidu": ["百度"], "Huawei": ["华为"],
            "Xiaomi": ["小米"], "Altman": ["奥特曼", "阿尔特曼"], "Sam Altman": ["奥特曼"],
            "Musk": ["马斯克"], "Elon Musk": ["马斯克"], "Jensen Huang": ["黄仁勋"],
            "Midjourney": ["MJ"], "Stable Diffusion": ["SD"], "YouTube": ["油管"],
            "RPG": ["角色扮演"], "Twitter": ["推特"], "Hugging Face": ["HF", "抱抱脸"],
            "GitHub": ["GH"], "Claude Code": ["CC"], "Visual Studio Code": ["VS Code", "VSCode"],
            "Pull Request": ["PR"], "Kubernetes": ["K8s"], "JavaScript": ["JS"],
            "TypeScript": ["TS"],
        }
    )  # fmt: skip

    def __post_init__(self) -> None:
        for pattern in self.leakage_patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ConfigError(
                    f"summary.leakage-patterns: {pattern!r} is not a valid regular "
                    f"expression: {error}"
                ) from None
        if self.key_points_min > self.key_points_max:
            raise ConfigError(
                f"summary.key-points-min ({self.key_points_min}) is larger than "
                f"summary.key-points-max ({self.key_points_max})"
            )


@dataclass(frozen=True)
class ImagesOptions:
    # How long a remote image's online result is reused: seconds, or "90s", "30m", "12h", "7d".
    online_cache_max_age: int | str = "7d"
    # IM013: report `http:` images (a published vault is served over https).
    require_https: bool = True
    # IM012: a `data:` image longer than this many bytes (as written in the note) is reported.
    data_url_max_bytes: int = 16384
    # IM020: hosts (and their subdomains) that refuse hot-linking or delete images.
    at_risk_hosts: list[str] = field(
        default_factory=lambda: [
            "mmbiz.qpic.cn", "mmbiz.qlogo.cn", "sinaimg.cn", "csdnimg.cn",
            "upload-images.jianshu.io",
        ]
    )  # fmt: skip
    # IM004: what `![[…]]` may embed besides images and notes (Obsidian shows these inline).
    embed_extensions: list[str] = field(
        default_factory=lambda: [
            ".pdf", ".mp3", ".wav", ".m4a", ".ogg", ".flac", ".3gp", ".webm", ".mp4", ".ogv",
            ".mov", ".mkv", ".canvas", ".base",
        ]
    )  # fmt: skip

    def __post_init__(self) -> None:
        parse_duration(self.online_cache_max_age, "images.online-cache-max-age")


@dataclass(frozen=True)
class TopicsOptions:
    """`## 关联主题` (TP001–TP009) and `## 相关文档` entries (LK101–LK102).

    `folder`: where topic notes live. `concept-folders`: folders whose notes
    may stand as topics too (an existing project or concept note, linked by
    its path: `- [[02-资源/工具/某项目]]`). `section`: the topics heading (level 2).
    `required`: the note must have that section (TP006); off by default, on
    under `01-博客/**`, `02-资源/**` and `03-图书/**` through a built-in
    override. `min-count`/`max-count`:
    topics per note (TP005; `max-count = 0` for no upper limit). `synonyms`:
    topic name -> the topic to use instead (TP003); `banned`: topics too
    generic to link (TP004); `generic`: fallback topics that may not stand
    alone (TP009); all compared ignoring case, `-`, `_` and spaces.
    `related-section`: the related-documents heading; `relation-types`: the
    allowed `关联理由` values (LK102); `related-ascii-separators`: accept
    `;`/`:` for the full-width `；`/`：` of `；关联理由：…；说明：…`.
    """

    folder: str = "00-元语"
    concept_folders: list[str] = field(default_factory=lambda: ["02-资源"])
    section: str = "关联主题"
    required: bool = False
    min_count: int = 3
    max_count: int = 8
    synonyms: dict[str, str] = field(default_factory=lambda: {"agents": "Agent", "memo": "memory"})
    banned: list[str] = field(
        default_factory=lambda: [
            "article", "resource", "translation", "open-source", "rist", "blog",
        ]
    )  # fmt: skip
    generic: list[str] = field(
        default_factory=lambda: ["AI", "Agent", "tool", "workflow", "github", "learning-resource"]
    )
    related_section: str = "相关文档"
    relation_types: list[str] = field(
        default_factory=lambda: [
            "引用", "解说", "延伸思考", "观点一致", "观点相悖", "同一事件", "上下游", "版本演进",
        ]
    )  # fmt: skip
    related_ascii_separators: bool = False

    def __post_init__(self) -> None:
        if not self.folder.strip("/ "):
            raise ConfigError('topics.folder: name the folder topic notes live in, e.g. "00-元语"')
        if self.max_count and self.min_count > self.max_count:
            raise ConfigError(
                f"topics.min-count ({self.min_count}) is larger than "
                f"topics.max-count ({self.max_count})"
            )


@dataclass(frozen=True)
class Settings:
    """The options in force for one note (after applying matching overrides)."""

    frontmatter: FrontmatterOptions = field(default_factory=FrontmatterOptions)
    structure: StructureOptions = field(default_factory=StructureOptions)
    images: ImagesOptions = field(default_factory=ImagesOptions)
    summary: SummaryOptions = field(default_factory=SummaryOptions)
    topics: TopicsOptions = field(default_factory=TopicsOptions)
