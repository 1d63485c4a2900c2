"""The other tools run.py times on the same vault, where they are installed.

- rumdl (Rust Markdown linter, pip `rumdl`): `rumdl check --no-cache VAULT`;
- markdownlint-cli2 (Node, npm `markdownlint-cli2`): `markdownlint-cli2 "VAULT/**/*.md"`;
- obsidiantools (Python, pip `obsidiantools`): `otools.Vault(VAULT).connect().gather()`
  in a fresh interpreter (the one given, or the first on hand that imports it).

They are looked up on PATH, or given by path (`--rumdl`, `--markdownlint`,
`--obsidiantools-python`). See benchmarks/README.md for how to install them
away from the project's own environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# obsidiantools reads every note with open(encoding="utf-8") and crashes on a note that
# is not UTF-8 (the GBK fault notes): its error handler then returns a variable it never
# set (UnboundLocalError). So the driver makes such reads replace bad bytes, nothing else.
OBSIDIANTOOLS_DRIVER = """\
import builtins, sys
from pathlib import Path
_open = builtins.open
def _tolerant(file, mode="r", *args, **kwargs):
    if "b" not in mode and str(kwargs.get("encoding", "")).lower().replace("-", "") == "utf8":
        kwargs.setdefault("errors", "replace")
    return _open(file, mode, *args, **kwargs)
builtins.open = _tolerant
import obsidiantools.api as otools
vault = otools.Vault(Path(sys.argv[1])).connect().gather()
print(len(vault.md_file_index), "notes", file=sys.stderr)
"""


@dataclass(frozen=True)
class Peer:
    key: str  # the line's key in the table
    label: str
    argv: tuple[str, ...]  # the command, VAULT as "{vault}"
    version: str
    cache: str | None = None  # a cache folder to delete before each (cold) run

    def command(self, vault: Path) -> list[str]:
        return [arg.replace("{vault}", str(vault)) for arg in self.argv]


def _version(argv: list[str], any_exit: bool = False) -> str:
    """The first line `argv` prints ("" if it fails; `any_exit`: whatever its exit code)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return text[0] if text and (any_exit or done.returncode == 0) else ""


def _imports_obsidiantools(python: str) -> str:
    """The obsidiantools version `python` has, or "" if it cannot import it."""
    code = "import importlib.metadata as m, obsidiantools; print(m.version('obsidiantools'))"
    return _version([python, "-c", code])


def find(rumdl: str | None, markdownlint: str | None, otools_python: str | None) -> list[Peer]:
    """The peers that are installed, each with its version."""
    peers = []
    exe = rumdl or shutil.which("rumdl")
    if exe and (version := _version([exe, "--version"])):
        peers.append(Peer("r", "rumdl", (exe, "check", "--no-cache", "{vault}"), version,
                          ".rumdl_cache"))  # fmt: skip
    exe = markdownlint or shutil.which("markdownlint-cli2")
    if exe:
        # `markdownlint-cli2 v0.22.1 (markdownlint v0.40.0)`; `--help` exits with 2
        banner = _version([exe, "--help"], any_exit=True)
        if banner.startswith("markdownlint-cli2"):
            peers.append(Peer("m", "markdownlint-cli2", (exe, "{vault}/**/*.md"), banner))
    candidates = [otools_python] if otools_python else []
    candidates += [sys.executable, shutil.which("python3"), shutil.which("python")]
    for python in dict.fromkeys(c for c in candidates if c):
        if version := _imports_obsidiantools(python):
            argv = (python, "-c", OBSIDIANTOOLS_DRIVER, "{vault}")
            peers.append(Peer("o", "obsidiantools", argv, f"obsidiantools {version}"))
            break
    return peers


def missing(peers: list[Peer]) -> list[str]:
    have = {p.label for p in peers}
    return [name for name in ("rumdl", "markdownlint-cli2", "obsidiantools") if name not in have]


def clear_cache(peer: Peer, vault: Path, cwd: Path) -> None:
    if peer.cache:
        for base in (vault, cwd):
            shutil.rmtree(base / peer.cache, ignore_errors=True)


def describe(peers: list[Peer]) -> str:
    return "; ".join(f"{p.label}: {p.version}" for p in peers) or "none installed"


def missing_note(peers: list[Peer]) -> str:
    names = missing(peers)
    return f"not installed (not timed): {', '.join(names)}" if names else ""
