"""The command line: argument parsing and exit codes, nothing else.

Exit codes: 0 no findings (or `--exit-zero`), 1 findings, 2 a usage or
configuration error, a path that does not exist, or an internal error. With
`--fix`, findings means those left after fixing; `--diff` exits 1 when it
prints a diff; `--fix-only` exits 1 only when fixable findings were left
unfixed; `--exit-non-zero-on-fix` also exits 1 when a file was fixed.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultkit import __version__, printed
from vaultkit.commands import adoption
from vaultkit.commands.output import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, echo, fail, use_color
from vaultkit.escape import visible
from vaultkit.options import ONLINE_CONCURRENCY, ONLINE_TIMEOUT
from vaultkit.report import FORMATS, Report

if TYPE_CHECKING:
    from vaultkit.online.options import OnlineOptions

# The other commands: name -> "module:function", imported only when the command runs (or
# `--help` lists it), so that `vaultkit check` loads none of them.
LAZY_COMMANDS = {
    "explain": "vaultkit.commands.explain:explain",
    "graph": "vaultkit.commands.graph:graph",
    "init": "vaultkit.commands.init:init",
    "link": "vaultkit.linker.cli:link",
    "mv": "vaultkit.commands.mv:mv",
    "rule": "vaultkit.commands.rules:show_rule",
    "rules": "vaultkit.commands.rules:list_rules",
    "summary-stats": "vaultkit.commands.summary_stats:summary_stats",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when invoked or listed (`LAZY_COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands or name not in LAZY_COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = LAZY_COMMANDS[name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        self.add_command(command, name)
        return command


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultkit")
def main() -> None:
    """A linter and linker for Markdown/Obsidian vaults."""


def _not_a_note(path: Path | None, option: str, suffix: str | None = None) -> Path | None:
    """Refuse a note where a config or report file belongs.

    A staged note named `--output-file=x.md` reaches the command line as an option when a
    pre-commit hook lacks its `--`; this keeps such a name from overwriting or configuring.
    """
    if path is None:
        return None
    if path.suffix.lower() in (".md", ".markdown"):
        message = f"`{path}` is a Markdown file (a note?); refusing it"
        raise click.BadParameter(message, param_hint=f"'{option}'")
    if suffix is not None and path.suffix.lower() != suffix:
        raise click.BadParameter(f"`{path}` is not a {suffix} file", param_hint=f"'{option}'")
    return path


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    envvar="VAULTKIT_OUTPUT_FORMAT",
    help="How to print the findings.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rules to run: codes, prefixes or ALL, comma-separated (replaces the config's choice).",
)
@click.option(
    "--extend-select",
    multiple=True,
    help="Rules to run in addition (full codes turn on rules that are off by default).",
)
@click.option("--ignore", multiple=True, help="Rules not to run: codes, prefixes or ALL.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead (as JSON with --output-format json).",
)
@click.option(
    "--changed",
    is_flag=True,
    help="Also report the links that files deleted or renamed since HEAD (git) leave broken; "
    "without paths, check the notes changed since HEAD.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--exit-zero-on-warnings",
    is_flag=True,
    help="Exit 0 when every finding is a warning (config: exit-zero-on-warnings = true).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report the findings left.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply (with --fix or --diff) and mark [*] fixes that may change a note's meaning.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print what --fix would change as a unified diff; write nothing (exit 1 if any).",
)
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply fixes and report nothing else (exit 1 only if fixable findings are left).",
)
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="With --fix or --fix-only: exit 1 when a file was fixed, even if nothing is left.",
)
@click.option(
    "--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    callback=lambda _ctx, _param, path: _not_a_note(path, "--config", ".toml"),
    help="Use this config file (vaultkit.toml, or a pyproject.toml with [tool.vaultkit]).",
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--show-files", is_flag=True, help="List the notes a check would report on; exit.")
@click.option(
    "--show-settings",
    "settings_note",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Print the config file, rules and options that apply to this note; exit.",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Leave out what .gitignore and Obsidian's Excluded files ignore (default: on).",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path),
    callback=lambda _ctx, _param, path: _not_a_note(path, "--baseline"),
    help="Leave out the findings recorded in this baseline (default: the config's `baseline`).",
)
@click.option("--no-baseline", is_flag=True, help="Report every finding, baseline or not.")
@click.option(
    "--write-baseline",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    callback=lambda _ctx, _param, v: v and str(_not_a_note(Path(v), "--write-baseline")),
    help="Record the findings as the baseline (default file: the configured one, else "
    ".vaultkit-baseline.json at the vault root) and exit 0.",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path),
    callback=lambda _ctx, _param, path: _not_a_note(path, "--output-file"),
    help="Write the report here (never a Markdown file: that would overwrite a note).",
)
@click.option(
    "--online",
    is_flag=True,
    help="Also fetch remote images over HTTP and report broken ones (IM100, IM101).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="With --online: fetch images on private and loopback addresses too.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read every note again and write no cache (with --online: check every URL again).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 512),
    default=ONLINE_CONCURRENCY,
    show_default=True,
    help="With --online: requests in flight at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, 600, min_open=True),
    default=ONLINE_TIMEOUT,
    show_default=True,
    help="With --online: seconds one request may take.",
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    statistics: bool,
    changed: bool,
    exit_zero: bool,
    exit_zero_on_warnings: bool,
    fix: bool,
    unsafe_fixes: bool,
    show_diff: bool,
    fix_only: bool,
    exit_non_zero_on_fix: bool,
    no_color: bool,
    config_path: Path | None,
    isolated: bool,
    show_files: bool,
    settings_note: Path | None,
    respect_gitignore: bool | None,
    baseline_path: Path | None,
    no_baseline: bool,
    write_baseline: str | None,
    output_file: Path | None,
    online: bool,
    allow_private: bool,
    no_cache: bool,
    concurrency: int,
    timeout: float,
) -> None:
    """Check the notes of a vault, or the given notes against their whole vault."""
    # Imported here, not above: what a warm run that replays its report needs, and no more.
    from vaultkit.linter import check_paths
    from vaultkit.options import ConfigError
    from vaultkit.selection import SelectorError
    from vaultkit.vault import InputError

    if isolated and config_path is not None:
        raise click.UsageError("--config and --isolated cannot be used together")
    online_options = _online_options(online, allow_private, no_cache, concurrency, timeout)
    outcome, changes = None, None
    try:
        if show_files or settings_note is not None:
            echo(adoption.show(paths, settings_note, config_path, isolated, respect_gitignore))
            sys.exit(EXIT_CLEAN)
        if changed:
            changes = adoption.plan_changes(list(paths), config_path, isolated, not no_cache)
            paths = tuple(changes.paths)
        checker = functools.partial(
            check_paths,
            list(paths or (Path("."),)),
            select=_codes(select) or None,
            extend_select=_codes(extend_select),
            ignore=_codes(ignore),
            config_path=config_path,
            isolated=isolated,
            online=online_options,
            use_cache=not no_cache,
            progress=sys.stderr.isatty(),
            respect_gitignore=respect_gitignore,
        )
        replayable = not (fix or fix_only or show_diff or changed or online or write_baseline)
        output_key = printed.key(use_color(no_color)) if replayable else None
        # The fixes' rounds run the vault rules on the fixed notes: not on the notes as read.
        defer = (fix or fix_only) and not (show_diff or changed or online or write_baseline)
        ahead = unsafe_fixes if defer else None  # each note's first fix round, where it is checked
        run = checker(output_key=output_key, defer_vault_rules=defer, fix_ahead=ahead)
        if run.printed is not None:
            printed.replay(run.printed, echo, fail)
        if fix or fix_only or show_diff:
            run, outcome = _fix(run, checker, unsafe_fixes, write=not show_diff)
        config = run.vault.config
        kept = adoption.after_check(
            run, changes, list(paths), baseline_path, write_baseline, not no_baseline
        )
    except (InputError, ConfigError, SelectorError) as error:
        fail(str(error))
    except Exception as error:  # a bug in vaultkit: say so without a traceback
        if os.environ.get("VAULTKIT_DEBUG"):
            raise
        fail(f"internal error: {type(error).__name__}: {error} (set VAULTKIT_DEBUG=1 for details)")
    root, result = run.root, run.result
    said: list[str] = []  # what went to stderr, kept with the report for a replay

    def say(line: str) -> None:
        click.echo(line, err=True)
        said.append(line)

    for warning in run.warnings:
        say(f"vaultkit: warning: {warning}")
    if kept is not None:
        for line in kept.notes:
            say(f"vaultkit: {line}")
        if kept.wrote is not None:
            sys.exit(EXIT_CLEAN)
        result = dataclasses.replace(result, diagnostics=kept.diagnostics)
    if run.online is not None:
        for note in run.online.notes:
            click.echo(f"vaultkit: warning: {note}", err=True)
        click.echo(f"vaultkit: {run.online.line()}", err=True)
    if result.files_checked == 0:
        say(f"vaultkit: warning: no Markdown files to check under {root}")
    report = Report(
        root=root,
        diagnostics=result.diagnostics,
        files_checked=result.files_checked,
        version=__version__,
        color=output_file is None and use_color(no_color),
        source_lines=(
            {path: run.lines(path) for path in {d.path for d in result.diagnostics}}
            if output_format == "text" and not statistics
            else {}
        ),
        cwd=Path.cwd(),
    )
    run.release()  # the report is built in the memory the parsed vault held
    from vaultkit.report.text import fix_line

    if show_diff or fix_only:
        from vaultkit.fix import diff

        output = "".join(diff(change) for change in outcome.applied) if show_diff else ""
        line = fix_line(outcome, unsafe_fixes=unsafe_fixes, diff=show_diff)
        click.echo(f"vaultkit: {line}", err=True)
    elif statistics:
        from vaultkit.report.statistics import render as render_statistics

        output = render_statistics(report, output_format, unsafe_fixes)
        if outcome is not None:
            click.echo(f"vaultkit: {fix_line(outcome, unsafe_fixes=unsafe_fixes)}", err=True)
    else:
        output = _render(report, output_format, unsafe_fixes, outcome)
    if output_file is not None:
        try:
            output_file.write_text(output, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {output_file}: {error.strerror or error}")
    else:
        echo(output)
    for message in result.internal_errors:
        click.echo(f"vaultkit: internal error: {visible(message)}", err=True)
    if result.internal_errors:
        sys.exit(EXIT_ERROR)
    if show_diff:
        failed = bool(outcome.applied)
    elif fix_only:
        failed = bool(outcome.left or outcome.hidden)
    else:
        counted = result.diagnostics
        if exit_zero_on_warnings or config.exit_zero_on_warnings:
            counted = [d for d in counted if d.severity.value == "error"]
        failed = bool(counted) or bool(changes and changes.unreported)
    if exit_non_zero_on_fix and outcome is not None and outcome.applied:
        failed = True
    code = EXIT_FINDINGS if failed and not exit_zero else EXIT_CLEAN
    if run.printed_slot is not None and not run.warnings:
        printed.remember(run.printed_slot, output, output_file is not None, said, code)
    sys.exit(code)


def _fix(run, checker, unsafe: bool, write: bool):
    """Fix the run's notes (in memory, then on disk when `write`); check again if any changed."""
    from vaultkit import fix as fix_module

    source = click.get_current_context().params
    rules = {
        "select": _codes(source["select"]) or None,
        "extend_select": _codes(source["extend_select"]),
        "ignore": _codes(source["ignore"]),
    }
    outcome = fix_module.plan(run, **rules, unsafe=unsafe)
    if write:
        fix_module.write(outcome)
    for warning in outcome.warnings:
        click.echo(f"vaultkit: warning: {warning}", err=True)
    if write and any(change.written for change in outcome.changes):
        # The notes as fixed are in memory: the vault is not read and parsed again.
        run = fix_module.recheck(run, outcome, **rules) or checker()
    elif run.vault_rules_deferred:  # nothing written: the notes as read, with the vault rules
        run = fix_module.as_read(run, outcome, **rules)
    return run, outcome


def _render(report: Report, output_format: str, unsafe: bool, outcome) -> str:
    """The report; with `--fix`, what was fixed ends the text formats (else goes to stderr)."""
    from vaultkit.report.text import fix_line

    if output_format in ("text", "concise"):
        return FORMATS[output_format](report, unsafe_fixes=unsafe, outcome=outcome)
    if outcome is not None:
        click.echo(f"vaultkit: {fix_line(outcome, unsafe_fixes=unsafe)}", err=True)
    return FORMATS[output_format](report)


def _online_options(
    online: bool, allow_private: bool, no_cache: bool, concurrency: int, timeout: float
) -> OnlineOptions | None:
    """The online check's options; None without `--online` (its other flags then are errors)."""
    source = click.get_current_context()
    if not online:
        given = [
            f"--{name.replace('_', '-')}"
            for name in ("allow_private", "concurrency", "timeout")
            if source.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)}: only with --online")
        return None
    from vaultkit.online.options import OnlineOptions

    return OnlineOptions(
        allow_private=allow_private,
        use_cache=not no_cache,
        concurrency=concurrency,
        timeout=timeout,
        progress=sys.stderr.isatty(),
    )
