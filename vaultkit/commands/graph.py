"""`vaultkit graph`: export the link graph, or print its statistics."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from vaultkit.commands.output import EXIT_ERROR, echo, fail
from vaultkit.escape import visible
from vaultkit.options import ConfigError
from vaultkit.vault import InputError


@click.command("graph")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format",
    type=click.Choice(["graphml", "gexf", "json", "dot", "mermaid", "html"]),
    help="The file format (default: from the -o file's extension).",
)  # fmt: skip
@click.option(
    "-o", "--output-file", type=click.Path(path_type=Path),
    help="Write the graph here (default: standard output). A Mermaid `.md` file gets a fence.",
)  # fmt: skip
@click.option(
    "--view", type=click.Choice(["notes", "topics"]), default="notes", show_default=True,
    help="notes: every note, topic, attachment and missing target; topics: topics linked by "
    "the number of articles they share.",
)  # fmt: skip
@click.option(
    "--max-nodes", type=click.IntRange(1),
    help="Keep only the most linked nodes (Mermaid: 100 unless given).",
)  # fmt: skip
@click.option(
    "--stats", is_flag=True, help="Print node and edge counts, components, hubs, orphans."
)
@click.option(
    "--stats-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
def graph(
    vault: Path | None,
    output_format: str | None,
    output_file: Path | None,
    view: str,
    max_nodes: int | None,
    stats: bool,
    stats_format: str,
    config_path: Path | None,
    isolated: bool,
) -> None:
    """Export the vault's link graph (GraphML, GEXF, JSON, DOT, Mermaid, HTML) or its statistics."""
    from vaultkit.graph import export, load_vault
    from vaultkit.graph.stats import render as render_graph_stats

    if isolated and config_path is not None:
        raise click.UsageError("--config and --isolated cannot be used together")
    if output_format is None and output_file is not None:
        output_format = export.format_for(output_file.name)
        if output_format is None:
            raise click.UsageError(f"cannot tell the format from {output_file.name}; give --format")
    if output_format is None and not stats:
        raise click.UsageError("give --format (and -o FILE), or --stats")
    if stats and output_format is not None and output_file is None:
        raise click.UsageError("with --stats, write the graph to a file with -o")
    try:
        loaded = load_vault(vault or Path("."), config_path=config_path, isolated=isolated)
        chosen = loaded.view(view)
        if output_format is not None:
            title = loaded.root.name + (" · topics" if view == "topics" else "")
            fence = output_file is not None and output_file.suffix.lower() == ".md"
            text = export.render(
                chosen, output_format, max_nodes=max_nodes, fence=fence, title=title
            )
    except (InputError, ConfigError, export.ExportError) as error:
        fail(str(error))
    except Exception as error:  # a bug in vaultkit: say so without a traceback
        if os.environ.get("VAULTKIT_DEBUG"):
            raise
        fail(f"internal error: {type(error).__name__}: {error} (set VAULTKIT_DEBUG=1 for details)")
    if output_format is not None:
        if output_file is None:
            echo(text)
        else:
            try:
                output_file.write_text(text, encoding="utf-8")
            except OSError as error:
                fail(f"cannot write {output_file}: {error.strerror or error}")
            click.echo(
                f"vaultkit: wrote {output_file} ({output_format}, {chosen.number_of_nodes():,} "
                f"nodes, {chosen.number_of_edges():,} edges in the {view} view)",
                err=True,
            )
        if output_format == "mermaid" and len(text) > export.MERMAID_MAX_TEXT:
            click.echo(
                f"vaultkit: warning: the Mermaid text has {len(text):,} characters; Mermaid "
                f"refuses more than {export.MERMAID_MAX_TEXT:,} by default: lower --max-nodes",
                err=True,
            )
    if stats:
        echo(render_graph_stats(loaded.stats(view), stats_format))
    failures = getattr(loaded.graph, "failures", [])
    for message in failures:
        click.echo(f"vaultkit: internal error: {visible(message)}", err=True)
    if failures:
        sys.exit(EXIT_ERROR)
