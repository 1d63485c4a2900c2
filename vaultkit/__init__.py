"""vaultkit: a linter and linker for Markdown/Obsidian vaults of archived articles.

`vaultkit.load_vault(path)` reads a vault and returns its notes, link index and
graph (see `vaultkit.graph`); it is imported on first use, so `import vaultkit`
and the command line stay fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"  # the single source: pyproject.toml reads it (a literal keeps start-up fast)

__all__ = ["__version__", "load_vault"]


def __getattr__(name: str) -> Any:
    if name == "load_vault":
        from vaultkit.graph import load_vault

        return load_vault
    raise AttributeError(f"module 'vaultkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "load_vault"})
