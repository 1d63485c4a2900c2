"""vaultkit: a linter and linker for Markdown/Obsidian vaults of archived articles."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vaultkit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
