"""`vaultkit check --show-files` and `--show-settings NOTE`: what a check would read, and
what applies to one note (as ruff's options of those names)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from vaultkit import config as config_module
from vaultkit import vault as vault_module
from vaultkit.selection import CLI_ORIGINS, Selection, Stage


def _config(root: Path, config_path, isolated: bool, respect_gitignore: bool | None):
    config = config_module.Config() if isolated else config_module.load(root, config_path)
    if respect_gitignore is not None:
        config.respect_gitignore = respect_gitignore
    return config


def _shown(path: Path) -> str:
    cwd = os.getcwd()
    full = os.path.abspath(path)
    inside = os.path.commonpath([cwd, full]) == cwd
    return Path(os.path.relpath(full, cwd)).as_posix() if inside else Path(full).as_posix()


def files(paths: list[Path], config_path, isolated: bool, respect_gitignore) -> str:
    """Every note a check of `paths` reports on, one per line, sorted."""
    inputs = [Path(os.path.abspath(p)) for p in paths or [Path(".")]]
    shown = []
    for root, group in vault_module.group_by_root(inputs).items():
        config = _config(root, config_path, isolated, respect_gitignore)
        folders = [p for p in group if p.is_dir()]
        extra = [p for p in group if p not in folders]
        found = vault_module.plan(root, config, extra=extra)
        for path in found.notes:
            if path in extra or any(path.is_relative_to(folder) for folder in folders):
                shown.append(_shown(path))
    return "".join(f"{line}\n" for line in sorted(shown))


def _baseline(config, root: Path) -> str:
    from vaultkit.baseline import DEFAULT_NAME

    if config.baseline is not None:
        return str(config.baseline)
    default = root / DEFAULT_NAME
    return str(default) if default.is_file() else "(none)"


def settings(note: Path, config_path, isolated: bool, respect_gitignore, cli: Stage) -> str:
    """The vault root, config file, rules and options that apply to `note`."""
    path = Path(os.path.abspath(note))
    root = vault_module.find_root([path])
    config = _config(root, config_path, isolated, respect_gitignore)
    rel = vault_module.relative(path, root)
    selection = Selection(config, Stage(cli.select, cli.extend_select, cli.ignore, CLI_ORIGINS))
    enabled = sorted(selection.for_path(rel))
    excluded = config.is_excluded(rel) if config.respect_gitignore else "no (not respected)"
    if config.respect_gitignore and config.ignored is None:
        vault_module.plan(root, config)  # loads what git and Obsidian ignore
        excluded = config.is_excluded(rel)
    lines = [
        f"note: {rel}",
        f"vault root: {root}",
        f"config file: {config.path or '(none: defaults)'}",
        f"excluded: {'yes' if excluded is True else excluded if excluded else 'no'}",
        f"baseline: {_baseline(config, root)}",
        f"severity: {json.dumps(config.severity, ensure_ascii=False)}",
        f"exit-zero-on-warnings: {str(config.exit_zero_on_warnings).lower()}",
        f"per-file-ignores here: {', '.join(config.ignored_for(rel)) or '(none)'}",
        f"rules ({len(enabled)}): {', '.join(enabled)}",
    ]
    options = config.settings_for(rel)
    for section in dataclasses.fields(options):
        lines += ["", f"[{section.name.replace('_', '-')}]"]
        table = getattr(options, section.name)
        for item in dataclasses.fields(table):
            value = json.dumps(getattr(table, item.name), ensure_ascii=False)
            lines.append(f"{item.name.replace('_', '-')} = {value}")
    return "\n".join(lines) + "\n"
