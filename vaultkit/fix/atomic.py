"""Replacing a note's file atomically, and only when it is still the file that was read.

The new bytes go to a temporary file in the note's folder (its name starts
with `.`, so the vault walk never takes it for a note, and holds the process
id, so a later fix removes what a killed one left: `sweep`), are flushed and
fsynced, get the original's mode (and owner, when allowed), and then replace
the file with `os.replace`: a reader sees the old note or the new one, never
half of it, and a crash before the rename leaves the original untouched.

Just before the rename the file is read again: if its bytes, size,
modification time or inode changed since it was read, or the note's path now
leads somewhere else, the write is refused and the file left alone. The real
path is written, never a symbolic link, and never through a link that leads
out of the vault.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from vaultkit import source as source_module
from vaultkit import vault as vault_module

TEMP_SUFFIX = ".vaultkit-tmp"
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # the real path is read: a link swapped in is refused
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes and identity when the fixer read it."""

    raw: bytes
    stamp: tuple[int, int, int, int]  # device, inode, size, modification time (ns)
    mode: int
    uid: int
    gid: int
    links: int


def snapshot(path: Path, max_size: int) -> Snapshot | str:
    """The bytes and identity of the regular file at `path` (not a link), or why not."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return error.strerror or str(error)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "it is not a regular file"
        raw = source_module.read_capped(fd, max_size)
    except OSError as error:
        return error.strerror or str(error)
    finally:
        os.close(fd)
    stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return Snapshot(raw, stamp, info.st_mode, info.st_uid, info.st_gid, info.st_nlink)


def _unchanged(target: Path, read: Snapshot, path: Path, root: Path) -> str | None:
    """Why the file may not be replaced now, or None while it is the file that was read."""
    real = vault_module.real_inside(path, root)
    if real is None or Path(real) != target:
        return "its path now leads somewhere else; run vaultkit again"
    now = snapshot(target, len(read.raw) + 1)
    if isinstance(now, str):
        return f"it cannot be read again: {now}"
    if now.raw != read.raw or now.stamp != read.stamp:
        return "it changed after it was read; run vaultkit again"
    return None


def replace_file(
    target: Path,
    data: bytes,
    read: Snapshot,
    path: Path,
    root: Path,
    sync_folder: bool = True,
    temps: list[os.DirEntry] | None = None,
) -> str | None:
    """Replace the real file `target` (reached as `path` in the vault at `root`) with `data`.

    `read` is the file as it was read; returns why it was not replaced, if so. The folder
    is fsynced after the rename unless `sync_folder` is false, and scanned for left-over
    temporary files unless `temps` has them (`replace_files` scans and syncs each folder
    once, not once per file: a folder of a thousand notes took 0.4 ms to scan).
    """
    started = _start(target, data, read, path, root, temps)
    if isinstance(started, str):
        return started
    try:
        flushed = _flush(started.fd)
    except BaseException:
        _remove(started.name)
        raise
    problem = _finish(target, started, flushed, read, path, root)
    if problem is None and sync_folder:
        _sync_folder(target.parent)
    return problem


@dataclass(frozen=True)
class _Temporary:
    """A temporary file holding a note's new bytes, still open (`fd`) and not yet synced."""

    name: str
    fd: int


def _start(
    target: Path,
    data: bytes,
    read: Snapshot,
    path: Path,
    root: Path,
    temps: list[os.DirEntry] | None,
) -> _Temporary | str:
    """The temporary file beside `target` with `data` written to it, or why there is none."""
    if not read.mode & 0o222:
        return "it is read-only; make it writable to fix it"
    problem = _unchanged(target, read, path, root)
    if problem is not None:
        return problem
    folder = target.parent
    sweep(folder, target.name, temps)
    try:
        prefix = f".{target.name}.{os.getpid()}."
        fd, temp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=TEMP_SUFFIX)
    except OSError as error:
        return f"cannot create a temporary file in its folder: {error.strerror or error}"
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        os.close(fd)
        _remove(temp)
        return f"cannot write it: {error.strerror or error}"
    except BaseException:
        os.close(fd)
        _remove(temp)
        raise
    return _Temporary(temp, fd)


def _flush(fd: int) -> str | None:
    """fsync and close a temporary file (no Python objects touched: threads run it at once)."""
    problem = None
    try:
        os.fsync(fd)
    except OSError as error:
        problem = f"cannot write it: {error.strerror or error}"
    finally:  # closed even when the sync fails or is interrupted
        try:
            os.close(fd)
        except OSError as error:
            problem = problem or f"cannot write it: {error.strerror or error}"
    return problem


def _finish(
    target: Path, temp: _Temporary, problem: str | None, read: Snapshot, path: Path, root: Path
) -> str | None:
    """Give the synced temporary file the original's mode and owner and rename it over
    `target` after a last look at it; or remove it, and say why (`problem` when its sync
    failed)."""
    try:
        if problem is None:
            os.chmod(temp.name, stat.S_IMODE(read.mode))
            _own(temp.name, read)
            problem = _unchanged(target, read, path, root)  # the last look before the rename
        if problem is None:
            os.replace(temp.name, target)
    except OSError as error:
        problem = f"cannot write it: {error.strerror or error}"
    except BaseException:
        _remove(temp.name)
        raise
    if problem is not None:
        _remove(temp.name)
    return problem


WRITERS = 8  # temporary files fsynced at once
IN_FLIGHT = 64  # temporary files written before they are renamed: open at most, or left by a kill


def replace_files(jobs: list[tuple[Path, bytes, Snapshot, Path, Path]]) -> list[str | None]:
    """`replace_file` for each job (target, data, read, path, root), then each folder fsynced
    once; returns each job's problem, in the jobs' order.

    Each file is still written to a fsynced temporary file, checked and renamed by
    itself; a crash before a folder's sync can at worst undo a rename, leaving that
    note as it was. The jobs go in batches of `IN_FLIGHT`: this thread writes a
    batch's temporary files while threads fsync them, several at once (on a file
    system with a journal, their syncs share its commits), then renames them. The
    checks, writes and renames stay in this thread: in threads, their Python code
    took turns on the interpreter lock, and 828 notes took up to 1.5x as long to write.
    On an interrupt, the temporary files not yet renamed are removed, and files not
    yet started are left untouched.
    """
    if len(jobs) <= 1:
        return [replace_file(*job) for job in jobs]
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    # Scanned before any write, so no temporary file of this run is taken for a left-over.
    temps = {folder: temp_files(folder) for folder in {job[0].parent for job in jobs}}
    problems: list[str | None] = [None] * len(jobs)
    syncing: deque = deque()  # (index, temporary file, its fsync's future), in order

    def finish_batch() -> None:
        while syncing:
            index, temp, future = syncing[0]
            target, _, read, path, root = jobs[index]
            problems[index] = _finish(target, temp, future.result(), read, path, root)
            syncing.popleft()

    pool = ThreadPoolExecutor(max_workers=min(WRITERS, len(jobs)))
    try:
        for index, (target, data, read, path, root) in enumerate(jobs):
            started = _start(target, data, read, path, root, temps[target.parent])
            if isinstance(started, str):
                problems[index] = started
                continue
            syncing.append((index, started, pool.submit(_flush, started.fd)))
            if len(syncing) == IN_FLIGHT:
                finish_batch()
        finish_batch()
        written = zip(jobs, problems, strict=True)
        folders = {job[0].parent for job, problem in written if problem is None}
        list(pool.map(_sync_folder, sorted(folders)))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        for _, temp, future in syncing:
            if future.cancelled():
                os.close(temp.fd)
            _remove(temp.name)
        raise
    pool.shutdown()
    return problems


STALE_SECONDS = 3600  # a temporary file this old is left over, whatever its process


def temp_files(folder: Path) -> list[os.DirEntry]:
    """The entries of `folder` named like temporary files of a fix (any note's)."""
    try:
        with os.scandir(folder) as entries:
            return [entry for entry in entries if entry.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return []


def sweep(folder: Path, name: str, temps: list[os.DirEntry] | None = None) -> list[str]:
    """Remove the temporary files that a killed fix of `name` left in `folder`.

    They are named `.NAME.PID.XXXX.vaultkit-tmp`: one is stale when process PID
    is gone (or is not ours to ask), or after an hour. Only our own regular files
    are removed, never through a link. Returns the names removed. `temps` is the
    folder's `temp_files` when the caller scanned it already.
    """
    removed = []
    head = f".{name}."
    for entry in temp_files(folder) if temps is None else temps:
        if not entry.name.startswith(head):
            continue
        rest = entry.name[len(head) :]
        pid, _, tail = rest.partition(".")
        if not tail.endswith(TEMP_SUFFIX) or not pid.isdigit() or "." in tail[: -len(TEMP_SUFFIX)]:
            continue  # not ours, or another note's (`NAME.1.md` beside `NAME`)
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            continue
        if _alive(int(pid)) and time.time() - info.st_mtime < STALE_SECONDS:
            continue  # another fix is writing it right now
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, entry.name))
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours from an earlier note: this process is not writing it now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's): leave the file to its age
    return True


def _own(temp: str, read: Snapshot) -> None:
    """Give the new file the original's owner and group when allowed (as root)."""
    info = os.stat(temp)
    if (info.st_uid, info.st_gid) != (read.uid, read.gid):
        with contextlib.suppress(OSError):
            os.chown(temp, read.uid, read.gid)


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every system can fsync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)
