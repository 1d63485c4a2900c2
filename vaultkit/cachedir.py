"""The cache folder, `.vaultkit_cache/`: made and opened so that a vault cannot aim it elsewhere.

A vault is untrusted input: a clone or an archive can carry a `.vaultkit_cache`
of its own, with symbolic links where vaultkit expects its files. Everything
here therefore looks at each path with `lstat` before using it and never
follows a link:

- the folder must be a real folder, not a link (a link is refused: no cache);
- the markers (`CACHEDIR.TAG`, `.gitignore`) are created with `O_EXCL |
  O_NOFOLLOW`; a link or other odd entry in their place is removed (removing a
  link never touches what it points at), and an empty or damaged marker (a
  full disk) is written again;
- a cache file is used only when it is a regular file with one hard link
  (`usable_file`); anything else at its name is moved aside within the folder
  (`set_aside`), never opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

FOLDER = ".vaultkit_cache"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vaultkit.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by vaultkit.\n*\n"
_MARKERS = (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE))


class UnsafeCacheFolder(OSError):
    """The cache folder is a symbolic link or not a folder: vaultkit will not use it."""


_CONFIGURED: dict[str, Path] = {}  # real vault root -> the config's `cache-dir`


def configure(root: Path, folder: Path) -> None:
    """Use `folder` (the config's `cache-dir`) as the cache folder of the vault at `root`."""
    _CONFIGURED[os.path.realpath(root)] = folder


def folder_for(root: Path) -> Path:
    """The vault's cache folder: one below `$VAULTKIT_CACHE_DIR` when set, else the config's
    `cache-dir`, else `.vaultkit_cache/` at the vault root."""
    override = os.environ.get("VAULTKIT_CACHE_DIR")
    if override:
        name = hashlib.blake2b(os.fsencode(os.path.realpath(root)), digest_size=8).hexdigest()
        return Path(override) / name
    return _CONFIGURED.get(os.path.realpath(root), root / FOLDER)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def prepare_folder(path: Path) -> None:
    """Create or check the cache folder and its markers; raise OSError when it is not safe."""
    path.parent.mkdir(parents=True, exist_ok=True)  # for $VAULTKIT_CACHE_DIR; a root exists
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o755)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeCacheFolder(f"{path} is a symbolic link; vaultkit does not write through it")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeCacheFolder(f"{path} is not a folder")
    for name, content in _MARKERS:
        _write_marker(path / name, content.encode("utf-8"))


def _write_marker(path: Path, content: bytes) -> None:
    info = _lstat(path)
    if info is not None:
        if usable_file(path, info) and info.st_size == len(content):
            return
        os.unlink(path)  # a link, a folder's odd entry, or an empty marker left by a full disk
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        os.write(handle, content)
    except OSError:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(path)  # never leave an empty marker behind
        raise
    os.close(handle)


def usable_file(path: Path, info: os.stat_result | None = None) -> bool:
    """Whether `path` is a regular file vaultkit may open: not a link, not hard-linked."""
    info = _lstat(path) if info is None else info
    return info is not None and stat.S_ISREG(info.st_mode) and info.st_nlink == 1


def exists(path: Path) -> bool:
    """Whether anything (a file, a link, even a dangling one) has this name."""
    return _lstat(path) is not None


def set_aside(path: Path) -> None:
    """Move whatever has this name to `NAME.broken` in the same folder (links are not followed)."""
    with contextlib.suppress(FileNotFoundError):
        os.replace(path, path.with_name(path.name + ".broken"))


def remove_unsafe(path: Path) -> None:
    """Delete the entry at `path` if it is a link or anything but a plain, single-linked file."""
    info = _lstat(path)
    if info is not None and not usable_file(path, info):
        if stat.S_ISDIR(info.st_mode):
            set_aside(path)
        else:
            os.unlink(path)
