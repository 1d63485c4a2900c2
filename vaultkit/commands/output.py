"""What every command shares: exit codes, printing to a reader that may go away, errors."""

from __future__ import annotations

import os
import sys

import click

from vaultkit.escape import visible

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> None:
    """Say what went wrong (escaped: it may quote a file name) and exit 2."""
    click.echo(f"vaultkit: error: {visible(message)}", err=True)
    sys.exit(EXIT_ERROR)


def use_color(no_color: bool) -> bool:
    """Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`."""
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def echo(output: str) -> None:
    """Print a report; a reader that went away (`| head`) is not an error."""
    try:
        click.echo(output, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_ERROR)
