"""vaultkit: a linter and linker for Markdown/Obsidian vaults of archived articles."""

__version__ = "0.1.0"  # the single source: pyproject.toml reads it (a literal keeps start-up fast)

__all__ = ["__version__"]
