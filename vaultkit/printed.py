"""The printed report of a check, kept so that the same check over unchanged files prints it
again from one cache record (`vaultkit check`'s warm path).

`key()` is what the report depends on besides the vault's files, the configuration
and the rules (which the linter's run key covers): every option of the command, the
working folder, the colour decision, whether stderr is a terminal, the variables
vaultkit reads and a `--baseline` file's bytes. The linter looks the record up
(`check_paths(output_key=…)`) before it loads a rule; `remember()` stores one after
a check that printed its report without warnings, `replay()` prints it again.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from vaultkit import __version__


def key(color: bool) -> str:
    """The report's key for the running `check` command (see the module's docstring)."""
    from vaultkit.cache import fingerprint

    params = click.get_current_context().params
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(("VAULTKIT_", "NO_COLOR")))
    baseline = params.get("baseline_path")
    try:
        given = Path(baseline).read_bytes() if baseline is not None else b""
    except OSError:
        given = b"-"
    return fingerprint(
        __version__, repr(sorted(params.items())), os.getcwd(), color, sys.stderr.isatty(),
        repr(env), given,
    )  # fmt: skip


def remember(slot: tuple[Path, str], output: str, to_file: bool, said: list[str], code: int):
    """Keep what a check printed (`output` on stdout or in `--output-file`, the stderr lines
    `said`, the exit `code`) in the cache at `slot` (the linter's `Run.printed_slot`)."""
    from vaultkit import cache as cache_module

    record = {"output": output, "to_file": to_file, "stderr": said, "code": code}
    cache_module.remember_raw(slot[0], slot[1], json.dumps(record).encode("utf-8"))


def replay(blob: bytes, echo: Callable[[str], None], fail: Callable[[str], None]) -> None:
    """Print again what an earlier run printed for the same options over the same files."""
    record = json.loads(blob)
    for line in record["stderr"]:
        click.echo(line, err=True)
    if record["to_file"]:
        output_file = click.get_current_context().params["output_file"]
        try:
            output_file.write_text(record["output"], encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {output_file}: {error.strerror or error}")
    else:
        echo(record["output"])
    sys.exit(record["code"])
