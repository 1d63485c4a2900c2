"""Configuration: defaults, discovery, validation and per-glob overrides.

Read from `vaultkit.toml`, `.vaultkit.toml` or `[tool.vaultkit]` of a
`pyproject.toml`, in the vault root or the nearest folder above it. Option
tables (`[frontmatter]`, `[structure]`, …) may be overridden for parts of the
vault with `[[overrides]]` entries whose `include` globs match a note's path.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
import types
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from wcmatch import glob

CONFIG_FILES = ("vaultkit.toml", ".vaultkit.toml", "pyproject.toml")
_GLOB_FLAGS = glob.GLOBSTAR | glob.DOTGLOB


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class FrontmatterOptions:
    required: list[str] = field(default_factory=lambda: ["title"])
    date_fields: list[str] = field(default_factory=lambda: ["发布日期"])
    url_fields: list[str] = field(default_factory=lambda: ["原文链接"])
    text_fields: list[str] = field(
        default_factory=lambda: ["title", "作者", "来源", "原文链接", "版本", "version"]
    )
    title_banned_words: list[str] = field(default_factory=lambda: ["项目档案"])
    title_noise: list[str] = field(default_factory=lambda: ["•", "|", "｜", "★", "☆"])
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
            "jwt=", "X-Amz-", "unsubscribe-auth", "127.0.0.1", "localhost", "blob:", "0.0.0.0",
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
    points (SM009); `leakage-phrases`, `leakage-patterns` (regexes) and
    `leakage-wikilinks` say what is vault talk in a summary (SM010).
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
            "主要内容", "重点",
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
    leakage_phrases: list[str] = field(default_factory=lambda: ["关联主题"])
    leakage_patterns: list[str] = field(
        default_factory=lambda: [
            r"元语(?![言义料音法])",
            r"本文围绕\s*[“\"「『][^”\"」』\n]{1,80}[”\"」』].{0,40}?(?:提炼|整理|梳理|归纳|总结)",
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
        from vaultkit.online.options import parse_duration  # raises ConfigError naming the key

        parse_duration(self.online_cache_max_age, "images.online-cache-max-age")


@dataclass(frozen=True)
class TopicsOptions:
    """`## 关联主题` (TP001–TP008) and `## 相关文档` entries (LK101–LK102).

    `folder`: where topic notes live. `section`: the topics heading (level 2).
    `required`: the note must have that section (TP006); off by default, on
    under `01-博客/**` through a built-in override. `min-count`/`max-count`:
    topics per note (TP005; `max-count = 0` for no upper limit). `synonyms`:
    topic name -> the topic to use instead (TP003); `banned`: topics too
    generic to link (TP004); both compared ignoring case, `-`, `_` and spaces.
    `related-section`: the related-documents heading; `relation-types`: the
    allowed `关联理由` values (LK102); `related-ascii-separators`: accept
    `;`/`:` for the full-width `；`/`：` of `；关联理由：…；说明：…`.
    """

    folder: str = "00-元语"
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


@dataclass(frozen=True)
class Override:
    include: list[str]
    tables: dict[str, dict[str, Any]]  # section name -> {field name: value}
    matcher: Any = None


BLOG_FIELDS = ["title", "发布日期", "作者", "来源", "原文链接"]
DEFAULT_OVERRIDES = [
    Override(["01-博客/**"], {"frontmatter": {"required": BLOG_FIELDS}}),
    Override(["01-博客/**"], {"summary": {"required": True, "template": True}}),
    Override(["01-博客/**"], {"topics": {"required": True}}),
]
# Documents about the vault's own rules quote the phrases the rules look for.
DEFAULT_PER_FILE_IGNORES = {
    "06-文档系统/**": ["ST107", "ST108", "ST109", "ST110", "ST111", "ST112", "ST113", "SM010"]
}


@dataclass
class Config:
    path: Path | None = None  # the file it was read from, if any
    select: list[str] | None = None  # None: the rules that are on by default
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(
        default_factory=lambda: dict(DEFAULT_PER_FILE_IGNORES)
    )
    exclude: list[str] = field(default_factory=list)
    max_file_size: int = 10 * 1024 * 1024
    # The options outside any override: the defaults with the file's option tables applied.
    settings: Settings = field(default_factory=Settings)
    # Applied in order to the defaults: the built-in overrides, the file's option tables
    # (as an override for `**`), then the file's `[[overrides]]`; so a table the user
    # writes beats a built-in override, and the user's overrides beat both.
    overrides: list[Override] = field(default_factory=lambda: list(DEFAULT_OVERRIDES))
    # Where each rule-selection key was read ("vaultkit.toml: select"), for error messages.
    origins: dict[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    def settings_for(self, rel: str) -> Settings:
        """The options for a note at `rel`: the defaults with matching overrides applied."""
        matched = tuple(i for i, o in enumerate(self.overrides) if _matches(o.include, rel))
        if matched not in self._cache:
            settings = Settings()
            for index in matched:
                settings = _apply(settings, self.overrides[index].tables)
            self._cache[matched] = settings
        return self._cache[matched]

    def ignored_for(self, rel: str) -> list[str]:
        """Rule selectors that `per-file-ignores` switches off for `rel`."""
        found: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if _matches([pattern], rel):
                found += codes
        return found

    def is_excluded(self, rel: str) -> bool:
        """Whether `exclude` covers `rel` or one of the folders it is in."""
        if not self.exclude:
            return False
        parts = rel.split("/")
        return any(_matches(self.exclude, "/".join(parts[:n])) for n in range(1, len(parts) + 1))


def _matches(patterns: list[str], rel: str) -> bool:
    """Glob match against the vault-relative path; a pattern without `/` also matches the name.

    As in ruff and .gitignore: `README.md` matches every note called so, `drafts/**`
    only the top `drafts` folder. `**` crosses folders, `*` does not.
    """
    by_path, by_name = _matchers(tuple(patterns))
    return bool(
        (by_path and by_path.match(rel)) or (by_name and by_name.match(rel.rsplit("/", 1)[-1]))
    )


@functools.lru_cache(maxsize=256)
def _matchers(patterns: tuple[str, ...]) -> tuple[Any, Any]:
    """Compiled matchers for whole paths and for names (globmatch per call is slow)."""
    cleaned = [p.removeprefix("./").rstrip("/") or "**" for p in patterns]
    names = [p for p in cleaned if "/" not in p]
    return (
        glob.compile(cleaned, flags=_GLOB_FLAGS) if cleaned else None,
        glob.compile(names, flags=_GLOB_FLAGS) if names else None,
    )


def _apply(settings: Settings, tables: dict[str, dict[str, Any]]) -> Settings:
    changes = {name: replace(getattr(settings, name), **values) for name, values in tables.items()}
    return replace(settings, **changes)


# ---------------------------------------------------------------- validation


def _key(name: str) -> str:
    return name.replace("_", "-")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _unknown(where: str, key: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
    place = f" in [{where}]" if where else ""
    return ConfigError(f"unknown key '{key}'{place}{hint}")


_TOML_TYPES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "a table",
}


def _toml_type(value: Any) -> str:
    for kind, name in _TOML_TYPES.items():
        if isinstance(value, kind):
            return name
    return f"a {type(value).__name__}"  # a TOML date or time


def _describe(hint: Any) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number >= 0"
    if hint is float:
        return "a number"
    if hint is str:
        return "a string"
    if origin in (list, tuple, set, frozenset):
        return f"an array of {_plural(args[0]) if args else 'values'}"
    if origin is dict:
        return f"a table of {_plural(args[1]) if len(args) == 2 else 'values'}"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in args if a is not type(None))
    return "a value"


def _plural(hint: Any) -> str:
    simple = {bool: "booleans", int: "whole numbers", float: "numbers", str: "strings"}
    if hint in simple:
        return simple[hint]
    first, _, rest = _describe(hint).removeprefix("an ").removeprefix("a ").partition(" ")
    return f"{first}s {rest}".rstrip()


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = get_origin(hint), get_args(hint)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin in (list, tuple, set, frozenset):
        item = args[0] if args else Any
        return isinstance(value, list) and all(_conforms(v, item) for v in value)
    if origin is dict:
        item = args[1] if len(args) == 2 else Any
        return isinstance(value, dict) and all(_conforms(v, item) for v in value.values())
    if origin is Literal:
        return value in args
    if origin in (Union, types.UnionType):
        return any(_conforms(value, a) for a in args if a is not type(None))
    return True  # Any, or a type this checker does not know: accept


def _check_type(where: str, value: Any, hint: Any) -> Any:
    """Return `value` (arrays converted to the hinted container) or raise naming `where`."""
    if not _conforms(value, hint):
        raise ConfigError(
            f"{where}: expected {_describe(hint)}, got {_toml_type(value)}: {value!r}"
        )
    origin = get_origin(hint)
    if origin in (tuple, set, frozenset):
        return origin(value)
    return value


def _table(where: str, cls: type, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table, got {_toml_type(raw)}: {raw!r}")
    hints = get_type_hints(cls)
    names = {_key(f.name): f.name for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in names:
            raise _unknown(where, key, sorted(names))
        values[names[key]] = _check_type(_join(where, key), value, hints[names[key]])
    return values


def _sections() -> dict[str, type]:
    """The option tables: one per field of `Settings` (`frontmatter`, `structure`, …)."""
    hints = get_type_hints(Settings)
    return {_key(f.name): hints[f.name] for f in fields(Settings)}


_TOP = {
    "select": list[str],
    "extend-select": list[str],
    "ignore": list[str],
    "exclude": list[str],
    "extend-exclude": list[str],
    "per-file-ignores": dict[str, list[str]],
    "extend-per-file-ignores": dict[str, list[str]],
    "max-file-size": int,
    "overrides": list,
}
_SELECTION_KEYS = {"select": "select", "extend-select": "extend_select", "ignore": "ignore"}


def from_mapping(raw: dict[str, Any], where: str = "", path: Path | None = None) -> Config:
    """Build a validated `Config` from the `[tool.vaultkit]` table (or a vaultkit.toml).

    `where` is the key path of `raw` in its file (`tool.vaultkit`, or "" at the top);
    errors name the offending key from there.
    """
    sections = _sections()
    config = Config(path=path)
    base: dict[str, dict[str, Any]] = {}
    user_overrides: list[Override] = []
    per_file: dict[str, dict[str, list[str]]] = {}
    source = f"{path}: " if path else ""
    for key, value in raw.items():
        name = _join(where, key)
        if key in sections:
            base[_field_name(key)] = _table(name, sections[key], value)
        elif key not in _TOP:
            raise _unknown(where, key, sorted([*_TOP, *sections]))
        elif key == "overrides":
            user_overrides = _overrides(name, value, sections)
        else:
            value = _check_type(name, value, _TOP[key])
            if key in _SELECTION_KEYS:
                setattr(config, _SELECTION_KEYS[key], list(value))
                config.origins[_SELECTION_KEYS[key]] = f"{source}{name}"
            elif key in ("exclude", "extend-exclude"):
                config.exclude += value
            elif key == "max-file-size":
                config.max_file_size = value
            else:  # per-file-ignores, extend-per-file-ignores
                per_file[key] = value
                for pattern in value:
                    config.origins[f"per-file-ignores:{pattern}"] = f'{source}{name}."{pattern}"'
    if "per-file-ignores" in per_file:  # replaces the defaults; extend-… adds to them
        config.per_file_ignores = {}
    for key in ("per-file-ignores", "extend-per-file-ignores"):
        for pattern, codes in per_file.get(key, {}).items():
            config.per_file_ignores[pattern] = [*config.per_file_ignores.get(pattern, []), *codes]
    config.settings = _apply(config.settings, base)
    if base:
        config.overrides.append(Override(["**"], base))
    config.overrides += user_overrides
    return config


def _field_name(key: str) -> str:
    return key.replace("-", "_")


def _overrides(where: str, raw: Any, sections: dict[str, type]) -> list[Override]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected an array of tables ([[overrides]]), got {raw!r}")
    result = []
    for index, entry in enumerate(raw):
        name = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{name}: expected a table, got {_toml_type(entry)}: {entry!r}")
        if "include" not in entry:
            raise ConfigError(f"{name}: missing key 'include' (an array of globs)")
        include = _check_type(f"{name}.include", entry["include"], list[str])
        if not include:
            raise ConfigError(f"{name}.include: name at least one glob")
        tables = {}
        for key, value in entry.items():
            if key == "include":
                continue
            if key not in sections:
                raise _unknown(name, key, ["include", *sections])
            tables[_field_name(key)] = _table(f"{name}.{key}", sections[key], value)
        result.append(Override(include, tables))
    return result


# ---------------------------------------------------------------- files


def _parse_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        if message.endswith("(at end of document)"):  # say which line that is
            message = message.removesuffix(")") + f", line {len(text.splitlines()) or 1})"
        raise ConfigError(f"{path}: invalid TOML: {message}") from None


def read_file(path: Path) -> Config | None:
    """Read a config file; None for a pyproject.toml without `[tool.vaultkit]`."""
    data = _parse_toml(path)
    where = ""
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "vaultkit" not in tool:
            return None
        data, where = tool["vaultkit"], "tool.vaultkit"
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: tool.vaultkit: expected a table, got {data!r}")
    try:
        return from_mapping(data, where, path)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def find(start: Path) -> Path | None:
    """The nearest config file at or above `start`.

    A `pyproject.toml` counts only when it has a `[tool.vaultkit]` table; one that is
    not valid TOML but mentions `tool.vaultkit` is an error rather than skipped.
    """
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_table(candidate):
                return candidate
            if _mentions_vaultkit(candidate):
                _parse_toml(candidate)  # raises the TOML error with its line
    return None


def _mentions_vaultkit(pyproject: Path) -> bool:
    try:
        return "tool.vaultkit" in pyproject.read_text("utf-8", errors="replace")
    except OSError:
        return False


def _has_table(pyproject: Path) -> bool:
    try:
        tool = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(tool, dict) and "vaultkit" in tool


def load(start: Path, explicit: Path | None = None) -> Config:
    """The configuration for a vault rooted at `start` (or from the file `explicit`)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        config = read_file(explicit)
        if config is None:
            raise ConfigError(
                f"{explicit}: has no [tool.vaultkit] table; add one, or point --config "
                "at a vaultkit.toml"
            )
        return config
    path = find(start)
    if path is None:
        return Config()
    config = read_file(path)
    return config if config is not None else Config()
