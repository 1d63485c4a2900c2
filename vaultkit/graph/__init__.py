"""The vault as a graph: `load_vault(path)`, the graph, its views, exports and statistics.

- `build` turns a parsed vault into a `networkx.MultiDiGraph`; its module
  docstring is the graph's contract (node ids, node and edge attributes) that
  the exporters and the HTML page rely on.
- `project` makes the `--view topics` graph (topics linked by shared articles).
- `export` writes GraphML, GEXF, JSON node-link, DOT and Mermaid; `html` (when
  present) the interactive page.
- `stats` counts nodes and edges, components, hubs and orphans (`--stats`).

Importing this package is cheap: `networkx` is imported only when a graph is
built, so `vaultkit check` never pays for it.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit import config as config_module
from vaultkit import vault as vault_module
from vaultkit.vault import InputError, Vault

if TYPE_CHECKING:
    import networkx as nx

    from vaultkit.note import Note
    from vaultkit.resolve import LinkIndex

__all__ = ["LoadedVault", "load_vault"]


class LoadedVault:
    """A vault read and parsed once: its notes, link index and graph (built on first use)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def __repr__(self) -> str:
        return f"<LoadedVault {str(self.root)!r}: {len(self.notes)} notes>"

    @property
    def root(self) -> Path:
        return self.vault.root

    @cached_property
    def index(self) -> LinkIndex:
        """How every link resolves (`vaultkit.resolve.LinkIndex`)."""
        from vaultkit.resolve import index_for

        return index_for(self.vault)

    @property
    def notes(self) -> dict[str, Note]:
        """Every Markdown note by vault-relative path (unreadable ones have `source=None`)."""
        return self.index.notes

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The vault's graph; its shape is described in `vaultkit.graph.build`."""
        from vaultkit.graph.build import build

        return build(self.vault, self.index)

    @cached_property
    def topics_graph(self) -> nx.Graph:
        """Topics linked by the number of articles they share (`vaultkit.graph.project`)."""
        from vaultkit.graph.project import topics_view

        return topics_view(self.graph)

    def view(self, name: str) -> nx.Graph:
        """`notes` (the graph) or `topics` (the topic co-occurrence graph)."""
        if name == "notes":
            return self.graph
        if name == "topics":
            return self.topics_graph
        raise ValueError(f"unknown view {name!r}: use 'notes' or 'topics'")

    def stats(self, view: str = "notes") -> dict:
        """Node and edge counts, components, hubs and orphans of a view."""
        from vaultkit.graph.stats import collect

        return collect(self.view(view))


def load_vault(
    path: str | os.PathLike[str] = ".",
    *,
    config_path: str | os.PathLike[str] | None = None,
    isolated: bool = False,
) -> LoadedVault:
    """Read and parse the vault at or above `path` (its `.obsidian/` marks the root).

    The vault's config (`vaultkit.toml`, …) applies unless `isolated`;
    `config_path` names another config file. Raises `vaultkit.vault.InputError`
    when `path` does not exist and `vaultkit.options.ConfigError` for a bad config.
    """
    start = Path(os.path.abspath(path))
    if not start.exists():
        raise InputError(f"no such file or folder: {path}")
    root = vault_module.find_root([start])
    config_file = Path(config_path) if config_path is not None else None
    config = config_module.Config() if isolated else config_module.load(root, config_file)
    return LoadedVault(vault_module.load(root, config))
