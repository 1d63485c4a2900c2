"""Configuration: defaults, discovery, validation and per-glob overrides.

Read from `vaultkit.toml`, `.vaultkit.toml` or `[tool.vaultkit]` of a
`pyproject.toml`, in the vault root or the nearest folder above it. Option
tables (`[frontmatter]`, `[structure]`, …) may be overridden for parts of the
vault with `[[overrides]]` entries whose `include` globs match a note's path.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

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
class Settings:
    """The options in force for one note (after applying matching overrides)."""

    frontmatter: FrontmatterOptions = field(default_factory=FrontmatterOptions)
    structure: StructureOptions = field(default_factory=StructureOptions)


@dataclass(frozen=True)
class Override:
    include: list[str]
    tables: dict[str, dict[str, Any]]  # section name -> {field name: value}
    matcher: Any = None


BLOG_FIELDS = ["title", "发布日期", "作者", "来源", "原文链接"]
DEFAULT_OVERRIDES = [
    Override(["01-博客/**"], {"frontmatter": {"required": BLOG_FIELDS}}),
]
# Documents about the vault's own rules quote the phrases the rules look for.
DEFAULT_PER_FILE_IGNORES = {"06-文档系统/**": ["ST1"]}  # TEMP


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
    settings: Settings = field(default_factory=Settings)
    overrides: list[Override] = field(default_factory=lambda: list(DEFAULT_OVERRIDES))
    _cache: dict = field(default_factory=dict, repr=False)

    def settings_for(self, rel: str) -> Settings:
        """The options for a note at `rel`: the base settings with matching overrides applied."""
        matched = tuple(i for i, o in enumerate(self.overrides) if _matches(o, rel))
        if matched not in self._cache:
            settings = self.settings
            for index in matched:
                settings = _apply(settings, self.overrides[index].tables)
            self._cache[matched] = settings
        return self._cache[matched]

    def ignored_for(self, rel: str) -> list[str]:
        """Rule selectors that `per-file-ignores` switches off for `rel`."""
        found: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if glob.globmatch(rel, pattern, flags=_GLOB_FLAGS):
                found += codes
        return found

    def is_excluded(self, rel: str) -> bool:
        return bool(self.exclude) and glob.globmatch(rel, self.exclude, flags=_GLOB_FLAGS)


def _matches(override: Override, rel: str) -> bool:
    return glob.globmatch(rel, override.include, flags=_GLOB_FLAGS)


def _apply(settings: Settings, tables: dict[str, dict[str, Any]]) -> Settings:
    changes = {name: replace(getattr(settings, name), **values) for name, values in tables.items()}
    return replace(settings, **changes)


# ---------------------------------------------------------------- validation


def _key(name: str) -> str:
    return name.replace("_", "-")


def _unknown(where: str, key: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
    return ConfigError(f"{where}: unknown key '{key}'{hint}")


def _check_type(where: str, value: Any, hint: Any) -> Any:
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif hint is str:
        ok = isinstance(value, str)
    else:  # list[str]
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        expected = {bool: "true or false", int: "a whole number >= 0", str: "a string"}
        raise ConfigError(
            f"{where}: expected {expected.get(hint, 'a list of strings')}, got {value!r}"
        )
    return value


def _table(where: str, cls: type, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table, got {raw!r}")
    hints = get_type_hints(cls)
    names = {_key(f.name): f.name for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in names:
            raise _unknown(where, key, sorted(names))
        values[names[key]] = _check_type(f"{where}.{key}", value, hints[names[key]])
    return values


_SECTIONS = {"frontmatter": FrontmatterOptions, "structure": StructureOptions}
_TOP = {
    "select": list,
    "extend-select": list,
    "ignore": list,
    "exclude": list,
    "extend-exclude": list,
    "per-file-ignores": dict,
    "extend-per-file-ignores": dict,
    "max-file-size": int,
    "overrides": list,
}


def _per_file(where: str, raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of glob = [codes], got {raw!r}")
    return {k: _check_type(f"{where}.{k}", v, list[str]) for k, v in raw.items()}


def from_mapping(raw: dict[str, Any], where: str, path: Path | None = None) -> Config:
    """Build a validated `Config` from the `[tool.vaultkit]` table (or a vaultkit.toml)."""
    config = Config(path=path)
    base = {}
    for key, value in raw.items():
        name = f"{where}.{key}"
        if key in _SECTIONS:
            base[key] = _table(name, _SECTIONS[key], value)
        elif key not in _TOP:
            raise _unknown(where, key, sorted([*_TOP, *_SECTIONS]))
        elif key == "overrides":
            config.overrides += _overrides(name, value)
        elif key in ("per-file-ignores", "extend-per-file-ignores"):
            if key == "per-file-ignores":
                config.per_file_ignores = {}
            config.per_file_ignores.update(_per_file(name, value))
        elif key == "max-file-size":
            config.max_file_size = _check_type(name, value, int)
        else:
            values = _check_type(name, value, list[str])
            if key == "select":
                config.select = values
            elif key in ("exclude", "extend-exclude"):
                config.exclude += values
            else:
                setattr(config, key.replace("-", "_"), values)
    config.settings = _apply(config.settings, base)
    return config


def _overrides(where: str, raw: Any) -> list[Override]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected an array of tables ([[overrides]])")
    result = []
    for index, entry in enumerate(raw):
        name = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{name}: expected a table, got {entry!r}")
        include = entry.get("include")
        if include is None:
            raise ConfigError(f"{name}: missing key 'include' (a list of globs)")
        include = _check_type(f"{name}.include", include, list[str])
        tables = {}
        for key, value in entry.items():
            if key == "include":
                continue
            if key not in _SECTIONS:
                raise _unknown(name, key, ["include", *_SECTIONS])
            tables[key] = _table(f"{name}.{key}", _SECTIONS[key], value)
        result.append(Override(include, tables))
    return result


def read_file(path: Path) -> Config | None:
    """Read a config file; None for a pyproject.toml without `[tool.vaultkit]`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("vaultkit")
        if table is None:
            return None
        return from_mapping(table, f"{path}: tool.vaultkit", path)
    return from_mapping(data, str(path), path)


def find(start: Path) -> Path | None:
    """The nearest config file at or above `start`."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        return "vaultkit" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load(start: Path, explicit: Path | None = None) -> Config:
    """The configuration for a vault rooted at `start` (or from `explicit`)."""
    path = explicit or find(start)
    if path is None:
        return Config()
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"{explicit}: no such config file")
    config = read_file(path)
    return config if config is not None else Config()
