"""`vaultkit link …`: the linker's commands (arguments and exit codes only).

Nothing heavy is imported here: numpy, scipy and the linker's modules load
when a command runs, so `vaultkit check` never pays for them.

Exit codes: 0 done, 1 `apply` refused to write, 2 a usage or configuration
error, a path that does not exist, or the `linker` extra missing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

# One BLAS thread unless told otherwise: the linker's products are small (one note, or
# batches of notes x topics), and on a busy 2-core machine OpenBLAS's threads turned a 1 ms
# product into 0.15 s. numpy reads it when first imported, after this module (commands
# import it lazily), and only `vaultkit link` loads this module.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

EXIT_CLEAN, EXIT_REFUSED, EXIT_ERROR = 0, 1, 2
_EXTRA = "the linker needs numpy and scipy: pip install 'vaultkit[linker]'"


def _fail(message: str) -> None:
    click.echo(f"vaultkit: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _echo(text: str) -> None:
    click.echo(text)


class _Session:
    """A vault's config, index, model and decisions, loaded for one command."""

    def __init__(self, paths: list[Path], exclude: tuple[str, ...], use_cache: bool = True):
        try:
            from vaultkit.linker import index as index_module
        except ImportError:
            _fail(_EXTRA)
        from vaultkit import config as config_module
        from vaultkit import vault as vault_module
        from vaultkit.linker import decisions

        inputs = [Path(os.path.abspath(p)) for p in paths] or [Path(os.path.abspath("."))]
        missing = [str(p) for p in inputs if not p.exists()]
        if missing:
            _fail(f"no such file or folder: {', '.join(missing)}")
        try:
            self.root = vault_module.find_root(inputs)
            self.config = config_module.load(self.root)
        except (vault_module.InputError, config_module.ConfigError) as error:
            _fail(str(error))
        self.index = index_module.load(self.root, self.config, use_cache=use_cache)
        self.exclude = exclude
        self.decisions = decisions.load(self.root)
        self.rels: list[str] = []
        for path in inputs:
            if path.is_dir():
                prefix = vault_module.relative(path, self.root) + "/" if path != self.root else ""
                self.rels += [f.rel for f in self.index.notes if f.rel.startswith(prefix)]
            else:
                rel = vault_module.relative(path, self.root)
                if rel not in self.index.by_rel:
                    _fail(f"{rel} is not a note of the vault at {self.root}")
                self.rels.append(rel)
        self._model = None
        self._related = None

    @property
    def model(self):
        if self._model is None:
            from vaultkit.linker.model import Model

            self._model = Model(self.index, self.exclude)
        return self._model

    @property
    def related(self):
        if self._related is None:
            from vaultkit.linker.related import Related

            self._related = Related(self.model)
        return self._related


_EXCLUDE = click.option(
    "--exclude", multiple=True, metavar="FOLDER",
    help="A folder whose notes are never used as examples (their topics are a batch default).",
)  # fmt: skip
_FORMAT = click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@click.group("link")
def link() -> None:
    """Suggest topics and related documents for notes, one note at a time."""


@link.command("suggest")
@click.argument("notes", nargs=-1, required=True, type=click.Path(path_type=Path))
@_FORMAT
@_EXCLUDE
@click.option("--topics", "max_topics", type=click.IntRange(0), default=8, show_default=True)
@click.option("--related", "max_related", type=click.IntRange(0), default=8, show_default=True)
@click.option("--no-cache", is_flag=True, help="Build the index from scratch; write no cache.")
def suggest(notes, output_format, exclude, max_topics, max_related, no_cache) -> None:
    """Ranked topic and related-document candidates for NOTES, with evidence. Writes nothing."""
    from vaultkit.linker import suggest as suggest_module

    session = _Session(list(notes), exclude, use_cache=not no_cache)
    results = [
        suggest_module.for_note(
            session.model, session.related, rel, session.decisions, max_topics, max_related
        )
        for rel in session.rels
    ]
    if output_format == "json":
        payload = {"version": suggest_module.SCHEMA_VERSION, "notes": results}
        _echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _echo("\n\n".join(suggest_module.render(result) for result in results))


@link.command("schema")
def schema() -> None:
    """Print the JSON Schema of `link suggest --output-format json`."""
    from vaultkit.linker.suggest import SCHEMA

    _echo(json.dumps(SCHEMA, ensure_ascii=False, indent=2))


@link.command("topics")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@_FORMAT
def topics(vault, output_format) -> None:
    """The vault's topic whitelist: names, aliases and one-line definitions (for a prompt)."""
    session = _Session([vault] if vault else [], ())
    session.rels = []
    rows = [
        {"topic": t.name, "path": t.rel, "aliases": t.aliases, "definition": t.definition}
        for t in sorted(session.index.topics.values(), key=lambda t: t.name.casefold())
    ]
    if output_format == "json":
        _echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        aliases = f" (aliases: {', '.join(row['aliases'])})" if row["aliases"] else ""
        definition = f": {row['definition']}" if row["definition"] else ""
        _echo(f"- {row['topic']}{aliases}{definition}")


@link.command("eval")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@_FORMAT
@_EXCLUDE
def evaluate(vault, output_format, exclude) -> None:
    """Hide what the vault says and measure how much the suggestions recover, per folder."""
    from vaultkit.linker import evaluate as evaluate_module

    session = _Session([vault] if vault else [], exclude)
    table = evaluate_module.run(session.model).table()
    if output_format == "json":
        _echo(json.dumps(table, ensure_ascii=False, indent=2))
    else:
        _echo(evaluate_module.render(table))


@link.command("apply")
@click.argument("note", type=click.Path(path_type=Path))
@click.option("--add-topic", multiple=True, metavar="TOPIC", help="A topic to add (repeatable).")
@click.option(
    "--add-related", multiple=True, metavar="PATH",
    help="A note to add under 相关文档 (repeatable; each with its own --reason and --say).",
)  # fmt: skip
@click.option("--reason", multiple=True, metavar="TYPE", help="The relation type (关联理由).")
@click.option("--say", multiple=True, metavar="TEXT", help="The one-sentence 说明.")
@click.option("--reject-topic", multiple=True, metavar="TOPIC", help="Never suggest it again here.")
@click.option(
    "--reject-related", multiple=True, metavar="PATH", help="Never suggest it again here."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the change; write nothing.")
def apply_command(
    note, add_topic, add_related, reason, say, reject_topic, reject_related, show_diff
) -> None:
    """Add accepted topics and related documents to NOTE (only NOTE is written).

    Decisions, rejections included, go to `.vaultkit/link-decisions.jsonl`.
    Exit 0 when written (or nothing to do), 1 when a rule refused it.
    """
    from vaultkit import vault as vault_module
    from vaultkit.linker import apply as apply_module
    from vaultkit.linker import decisions

    if len(reason) != len(add_related) or len(say) != len(add_related):
        raise click.UsageError("give one --reason and one --say for each --add-related")
    session = _Session([note], ())
    if len(session.rels) != 1:
        raise click.UsageError("apply takes exactly one note")
    rel = session.rels[0]
    parsed = vault_module.parse_file(session.root / rel, rel, session.config.max_file_size)
    if parsed.source is None:
        _fail(f"{rel} cannot be read as a UTF-8 note")
    try:
        found = apply_module.plan(
            session.index, parsed, list(add_topic), list(zip(add_related, reason, say, strict=True))
        )
    except apply_module.Refused as refused:
        click.echo(f"vaultkit: refused: {refused}", err=True)
        sys.exit(EXIT_REFUSED)
    try:
        rejected = [apply_module.note_rel(session.index, parsed, p) for p in reject_related]
    except apply_module.Refused as refused:
        raise click.UsageError(str(refused)) from None
    for message in found.messages:
        click.echo(f"vaultkit: {message}", err=True)
    options = session.config.settings_for(rel).topics
    fix = apply_module.edit_for(found, options)
    if show_diff:
        if fix is not None:
            _echo(apply_module.diff(found, fix).rstrip("\n"))
        return
    if fix is not None:
        problem = apply_module.write(session.index, found, fix)
        if problem is not None:
            click.echo(f"vaultkit: not written: {rel}: {problem}", err=True)
            sys.exit(EXIT_REFUSED)
    rows = [{"note": rel, "kind": "topic", "target": t, "decision": "accept"} for t in found.topics]
    rows += [
        {"note": rel, "kind": "related", "target": target, "decision": "accept",
         "reason": kind, "say": text}
        for target, _title, kind, text in found.related
    ]  # fmt: skip
    rows += [{"note": rel, "kind": "topic", "target": t, "decision": "reject"}
             for t in reject_topic]  # fmt: skip
    rows += [{"note": rel, "kind": "related", "target": p, "decision": "reject"}
             for p in rejected]  # fmt: skip
    decisions.record(session.root, rows)
    added = len(found.topics) + len(found.related)
    click.echo(f"vaultkit: {rel}: added {added} link{'s' * (added != 1)}", err=True)


@link.command("aliases")
@click.argument("vault", required=False, type=click.Path(path_type=Path))
@click.option("--suggest", "propose", is_flag=True, help="Propose aliases; writes nothing.")
def aliases(vault, propose) -> None:
    """The topics' aliases; with --suggest, names to add from 定义 and existing links."""
    from vaultkit.linker import aliases as aliases_module

    session = _Session([vault] if vault else [], ())
    if not propose:
        for topic in sorted(session.index.topics.values(), key=lambda t: t.name.casefold()):
            if topic.aliases:
                _echo(f"{topic.name}: {', '.join(topic.aliases)}")
        return
    for name, found in aliases_module.suggest(session.index).items():
        _echo(f"{name}:")
        _echo("".join(f"  - {alias}  ({why})\n" for alias, why in found).rstrip("\n"))


@link.command("review")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_EXCLUDE
def review(paths, exclude) -> None:
    """Review suggestions on a terminal, one note per screen (accept/reject/skip/edit/open)."""
    from vaultkit.linker import review as review_module

    session = _Session(list(paths), exclude)
    written = review_module.run(session)
    click.echo(f"vaultkit: wrote {written} note{'s' * (written != 1)}", err=True)
