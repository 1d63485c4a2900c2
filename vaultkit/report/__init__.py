"""Reporters: one list of diagnostics, many output formats.

`FORMATS` maps each format's name to its renderer; a renderer's module is imported only
when that format is used (the junit reporter's `xml.sax` pulls in `urllib`, the SARIF
one `urllib.parse`: a text report needs neither).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from vaultkit.report.context import Report

Renderer = Callable[[Report], str]

# format name -> (module under vaultkit.report, renderer)
_RENDERERS = {
    "text": ("text", "render_full"),
    "concise": ("text", "render_concise"),
    "json": ("json_format", "render"),
    "sarif": ("sarif", "render"),
    "github": ("github", "render"),
    "gitlab": ("gitlab", "render"),
    "junit": ("junit", "render"),
}


class _Renderers(Mapping[str, Renderer]):
    """The formats by name; looking one up imports its module."""

    def __getitem__(self, name: str) -> Renderer:
        module, function = _RENDERERS[name]
        return getattr(importlib.import_module(f"vaultkit.report.{module}"), function)

    def __iter__(self) -> Iterator[str]:
        return iter(_RENDERERS)

    def __len__(self) -> int:
        return len(_RENDERERS)


FORMATS: Mapping[str, Renderer] = _Renderers()

__all__ = ["FORMATS", "Report"]
