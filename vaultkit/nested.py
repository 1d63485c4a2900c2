"""Nested configs: a config file in a folder of the vault applies to the notes below it.

As in ruff, the closest config to a note wins: a `vaultkit.toml`,
`.vaultkit.toml` or `pyproject.toml` with `[tool.vaultkit]` in a folder below
the vault root is read (and validated: an invalid one is an error naming it,
never silently skipped) and applied to that folder's notes after the vault's
own config, the deeper folder last. What it may set is what can differ
from one folder to the next:

- option tables (`[frontmatter]`, `[summary]`, …) and `[[overrides]]` (their
  globs taken from its folder);
- `ignore` (the rules switched off below it), `per-file-ignores` and
  `extend-per-file-ignores` (globs from its folder);
- `exclude` and `extend-exclude` (globs from its folder).

Keys that concern the whole run (`select`, `extend-select`, `baseline`,
`severity`, `cache-dir`, `max-file-size`, …) belong in the vault's top
config; in a nested one they are an error that says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vaultkit import config as config_module
from vaultkit.options import ConfigError

SKIPPED_DIRS = {"node_modules", "__pycache__"}
_SCOPED = {
    "ignore",
    "per-file-ignores",
    "extend-per-file-ignores",
    "exclude",
    "extend-exclude",
    "overrides",
}


def _config_in(folder: Path, names: set[str]) -> Path | None:
    """The config file of `folder`, whose entries (not folders) are `names`."""
    for name in config_module.CONFIG_FILES:
        candidate = folder / name
        if (
            name in names
            and candidate.is_file()
            and (
                name != "pyproject.toml"
                or config_module._has_table(candidate)
                or config_module._mentions_vaultkit(candidate)
            )
        ):
            return candidate
    return None


def find(root: Path, config: config_module.Config) -> list[Path]:
    """The config files in folders below `root`, shallow folders first."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel = here.relative_to(root).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not config.is_excluded(d if rel == "." else f"{rel}/{d}")
        )
        if here != root:
            path = _config_in(here, set(files))
            if path is not None:
                found.append(path)
    return sorted(found, key=lambda p: (len(p.parts), p.as_posix()))


def _raw(path: Path) -> dict[str, Any]:
    data = config_module._parse_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("vaultkit", {})
    return data if isinstance(data, dict) else {}


def _scoped(folder: str, pattern: str) -> str:
    pattern = pattern.removeprefix("./").rstrip("/") or "**"
    return f"{folder}/{pattern}" if "/" in pattern else f"{folder}/**/{pattern}"


def merge(config: config_module.Config, root: Path) -> None:
    """Apply every nested config below `root` to `config` (in place)."""
    sections = set(config_module._sections())
    for path in find(root, config):
        sub = config_module.read_file(path)  # validates; raises ConfigError naming the file
        if sub is None:
            continue
        raw = _raw(path)
        wrong = sorted(key for key in raw if key not in _SCOPED and key not in sections)
        if wrong:
            top = config.path or root / "vaultkit.toml"
            raise ConfigError(
                f"{path}: {', '.join(wrong)}: set only in the vault's top config ({top}); "
                "a nested config may set option tables, [[overrides]], ignore, "
                "per-file-ignores and exclude for its folder"
            )
        folder = path.parent.relative_to(root).as_posix()
        own = sub.overrides[len(config_module.DEFAULT_OVERRIDES) :]
        for override in own:
            include = [_scoped(folder, glob) for glob in override.include]
            config.overrides.append(config_module.Override(include, override.tables))
        if raw.get("ignore"):
            key = f"{folder}/**"
            config.per_file_ignores[key] = [*config.per_file_ignores.get(key, []), *raw["ignore"]]
        for name in ("per-file-ignores", "extend-per-file-ignores"):
            for pattern, codes in raw.get(name, {}).items():
                key = _scoped(folder, pattern)
                config.per_file_ignores[key] = [*config.per_file_ignores.get(key, []), *codes]
        for name in ("exclude", "extend-exclude"):
            config.exclude += [_scoped(folder, pattern) for pattern in raw.get(name, [])]
        config.nested.append(path)
    config._cache.clear()
