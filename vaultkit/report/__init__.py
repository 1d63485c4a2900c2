"""Reporters: one list of diagnostics, many output formats."""

from __future__ import annotations

from collections.abc import Callable

from vaultkit.report import github, gitlab, json_format, junit, sarif, text
from vaultkit.report.context import Report

Renderer = Callable[[Report], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render_full,
    "concise": text.render_concise,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}

__all__ = ["FORMATS", "Report"]
