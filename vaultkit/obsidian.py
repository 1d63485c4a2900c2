"""Obsidian's own settings that change what vaultkit finds: `.obsidian/app.json`.

One reader for every setting vaultkit honours, so that they agree on what a
missing, unreadable or malformed file means (no setting at all):

- `attachmentFolderPath`: where new attachments go; decides between several
  files of one name (`vaultkit.resolve`), shown by `vaultkit init`;
- `userIgnoreFilters`: Settings → Files and links → Excluded files
  (`vaultkit.ignore`).
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path


def app_settings(root: Path) -> dict:
    """The vault's `.obsidian/app.json` as a dict; empty when absent or not a JSON object."""
    try:
        data = json.loads((root / ".obsidian" / "app.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def attachment_setting(root: Path) -> str | None:
    """`attachmentFolderPath` exactly as written, if it is a string."""
    value = app_settings(root).get("attachmentFolderPath")
    return value if isinstance(value, str) else None


def attachment_folder(root: Path) -> str | None:
    """`attachmentFolderPath` normalised: "" for the root, `./x` for relative to the note."""
    value = attachment_setting(root)
    if value is None:
        return None
    value = value.strip()
    if value.startswith("./") or value == ".":
        return value.rstrip("/")
    return value.strip("/")


def join_folder(note_folder: str, setting: str) -> str:
    """The attachment folder for a note in `note_folder` (a `./x` setting is relative)."""
    if setting == "." or setting.startswith("./"):
        return posixpath.normpath(posixpath.join(note_folder, setting)).removeprefix(".")
    return setting


def ignore_filters(root: Path) -> list:
    """`userIgnoreFilters`: the entries as written (a list, else empty)."""
    filters = app_settings(root).get("userIgnoreFilters")
    return filters if isinstance(filters, list) else []
