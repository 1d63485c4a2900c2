"""Reading a whole vault for commands that need every note parsed (`--changed`, `mv`).

The notes come from the vault's note cache when their files are unchanged
(the cache `vaultkit check` keeps), so a warm vault loads in a second or two;
no rule runs and no finding is stored.
"""

from __future__ import annotations

from pathlib import Path

from vaultkit import analysis, linter
from vaultkit import vault as vault_module
from vaultkit.config import Config
from vaultkit.selection import CLI_ORIGINS, Selection, Stage
from vaultkit.vault import Vault


def load(root: Path, config: Config, use_cache: bool = True) -> Vault:
    """Every note of the vault at `root`, parsed (from the cache when unchanged)."""
    stage = Stage(None, [], [], CLI_ORIGINS)
    found = vault_module.plan(root, config)
    jobs = [
        analysis.Job(path, vault_module.relative(path, root), reported=False)
        for path in found.notes
    ]
    cache = linter._open_cache(root, config, stage) if use_cache else None
    if cache is not None and not cache.usable:
        cache = None
    context = analysis.Context(config, Selection(config, stage), [], keep_blobs=cache is not None)
    analysed = analysis.analyse(jobs, context, cache)
    if cache is not None:
        cache.close()
    return vault_module.assemble(root, config, found, analysed.notes)
