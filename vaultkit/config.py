"""Configuration: defaults, discovery, validation and per-glob overrides.

Read from `vaultkit.toml`, `.vaultkit.toml` or `[tool.vaultkit]` of a
`pyproject.toml`, in the vault root or the nearest folder above it. Option
tables (`[frontmatter]`, `[structure]`, …) may be overridden for parts of the
vault with `[[overrides]]` entries whose `include` globs match a note's path.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
import types
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from wcmatch import glob

from vaultkit.options import (  # re-exported: rules and tests import them from here
    ConfigError,
    Settings,
)

CONFIG_FILES = ("vaultkit.toml", ".vaultkit.toml", "pyproject.toml")
_GLOB_FLAGS = glob.GLOBSTAR | glob.DOTGLOB


@dataclass(frozen=True)
class Override:
    include: list[str]
    tables: dict[str, dict[str, Any]]  # section name -> {field name: value}
    matcher: Any = None


# What the vault's own rules (AGENTS.md, 06-文档系统/, skills/) require, and where:
# a blog note must have a provable `发布日期` and keep its source link (`原文链接`); its
# author and source name are written only when certain, so they are not required.
BLOG_FIELDS = ["title", "发布日期", "原文链接"]
# The control layer (the agents' map, playbooks, prompts, scripts) holds no published notes:
# nothing of the article format is required there, not even frontmatter.
CONTROL_LAYER = ["AGENTS.md", "skills/**", "prompts/**", "scripts/**"]
# Profiles of sites and projects (skills/site-project-profile.md): `{对象名}：{对象类型}{核心定位}`
# titles without the banned words, separators or emoji; one profile per object.
PROFILE_TITLES = {
    "title_banned_words": [
        "GitHub 项目档案", "项目档案", "网站档案", "项目风险边界档案", "风险边界档案",
        "项目风险档案", "风险档案", "档案", "项目文档", "产品文档", "项目介绍", "产品介绍",
    ],
    "title_noise": ["•", "|", "｜", "★", "☆", "®"],
    "title_emoji": True,
    "title_generic_types": [
        "项目", "工具", "平台", "框架", "应用", "服务", "网站", "仓库", "知识库", "资源",
        "模型项目", "应用平台", "开发框架", "学习知识库", "命令行工具", "开发工具", "开源项目",
        "GitHub 项目", "GitHub 仓库", "开源工具", "应用框架", "工具项目", "AI 平台", "Agent 工具",
    ],
    "title_chinese_descriptor": True,
    # one page per site or project: its repository URL identifies it
    "object_fields": ["项目主页", "仓库", "仓库链接", "项目仓库", "源码仓库"],
}  # fmt: skip
DEFAULT_OVERRIDES = [
    Override(["01-博客/**"], {"frontmatter": {"required": BLOG_FIELDS}}),
    Override(CONTROL_LAYER, {"frontmatter": {"required": []}}),
    Override(["02-资源/**"], {"frontmatter": PROFILE_TITLES}),
    Override(["01-博客/**"], {"summary": {"required": True, "template": True}}),
    Override(["01-博客/**", "02-资源/**", "03-图书/**"], {"topics": {"required": True}}),
]
# Documents about the vault's own rules quote the phrases the rules look for; the owners'
# skills and prompts are working documents, not content, and their topic checks skip them.
DEFAULT_PER_FILE_IGNORES = {
    "06-文档系统/**": ["ST107", "ST108", "ST109", "ST110", "ST111", "ST112", "ST113", "SM010"],
    "skills/**": ["TP"],
    # The owners' `##` spacing check (AGENTS.md: normalize_h2_spacing.py) covers AGENTS.md,
    # skills/ and the content folders, not the Gemini prompt templates in prompts/.
    "prompts/**": ["TP", "ST102"],
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
    baseline: Path | None = None  # the baseline file (`vaultkit.baseline`), if configured
    # Rule code or prefix -> "error" | "warning": the severity findings are reported with.
    severity: dict[str, str] = field(default_factory=dict)
    exit_zero_on_warnings: bool = False  # warnings alone do not fail the run
    respect_gitignore: bool = True  # leave out what git and Obsidian's "Excluded files" ignore
    cache_dir: Path | None = None  # `cache-dir`, relative to the config file's folder
    nested: list[Path] = field(default_factory=list)  # config files below the vault root
    ignored: Any = None  # a `vaultkit.ignore.Ignored`, set when the vault is walked
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
        known = self._cache.get(rel)
        if known is not None:
            return known
        matched = tuple(i for i, o in enumerate(self.overrides) if _matches(o.include, rel))
        if matched not in self._cache:
            settings = Settings()
            for index in matched:
                settings = _apply(settings, self.overrides[index].tables)
            self._cache[matched] = settings
        self._cache[rel] = self._cache[matched]  # rules ask for the same note again and again
        return self._cache[matched]

    def ignored_for(self, rel: str) -> list[str]:
        """Rule selectors that `per-file-ignores` switches off for `rel`."""
        found: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if _matches([pattern], rel):
                found += codes
        return found

    def is_excluded(self, rel: str) -> bool:
        """Whether `exclude` (or git and Obsidian, see `vaultkit.ignore`) covers `rel` or one
        of the folders it is in."""
        if self.ignored and self.ignored.covers(rel):
            return True
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
    "baseline": str,
    "severity": dict[str, Literal["error", "warning"]],
    "exit-zero-on-warnings": bool,
    "respect-gitignore": bool,
    "cache-dir": str,
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
            elif key == "severity":
                config.severity = dict(value)
            elif key == "exit-zero-on-warnings":
                config.exit_zero_on_warnings = value
            elif key == "respect-gitignore":
                config.respect_gitignore = value
            elif key == "cache-dir":
                config.cache_dir = path.parent / value if path is not None else Path(value)
            elif key == "baseline":  # relative to the config file's folder
                config.baseline = path.parent / value if path is not None else Path(value)
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
    """The configuration for a vault rooted at `start` (or from the file `explicit`), with
    the config files of its folders applied to their notes (`vaultkit.nested`; not with
    `explicit`, which names the one config to use)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        config = read_file(explicit)
        if config is None:
            raise ConfigError(
                f"{explicit}: has no [tool.vaultkit] table; add one, or point --config "
                "at a vaultkit.toml"
            )
        if config.cache_dir is not None:
            from vaultkit import cachedir

            cachedir.configure(start, config.cache_dir)
        return config
    path = find(start)
    config = (read_file(path) if path is not None else None) or Config()
    from vaultkit import nested  # the closest config to a note wins, as in ruff

    nested.merge(config, start)
    if config.cache_dir is not None:
        from vaultkit import cachedir

        cachedir.configure(start, config.cache_dir)
    return config
