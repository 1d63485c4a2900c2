"""`vaultkit link review`: one note per screen, each suggestion accepted or not by a person.

The queue starts with the notes that have no topics or fewer than
`topics.min-count`, then those whose topics are all generic fallbacks
(`GENERIC`: `AI`, `Agent`, `tool`, `workflow`, `github`, `learning-resource`),
then the rest. For each candidate the reviewer answers:

- `a` accept (a related document then asks for its 关联理由, the guess
  pre-filled, and its 说明, which has no default),
- `r` reject (remembered: it is never suggested for this note again),
- `s` skip (asked again next time), `e` edit (accept another topic instead,
  or change the reason of a related document), `o` open the note in
  `$EDITOR`, `n` next note, `q` quit.

What was accepted is written into that note alone when its screen ends, as
`link apply` writes it.
"""

from __future__ import annotations

import click

from vaultkit import vault as vault_module
from vaultkit.linker import apply as apply_module
from vaultkit.linker import decisions
from vaultkit.linker import suggest as suggest_module

GENERIC = frozenset({"ai", "agent", "tool", "workflow", "github", "learningresource"})
CHOICES = "arseonq"


def queue(index, rels: list[str]) -> list[str]:
    """The notes to review, most in need first (topic notes left out)."""

    def need(rel: str) -> tuple:
        features = index.notes[index.by_rel[rel]]
        minimum = index.config.settings_for(rel).topics.min_count
        topics = features.topics
        if len(topics) < minimum:
            return (0, len(topics), rel)
        if all(key in GENERIC for key in topics):
            return (1, len(topics), rel)
        return (2, len(topics), rel)

    return sorted((r for r in rels if not index.notes[index.by_rel[r]].is_topic), key=need)


def _ask(prompt: str) -> str:
    return click.prompt(prompt, type=click.Choice(list(CHOICES)), show_choices=True)


def run(session, topics: int = 5, related: int = 3) -> int:
    """Review the session's notes; returns how many notes were written."""
    written = 0
    for rel in queue(session.index, session.rels):
        result = suggest_module.for_note(
            session.model, session.related, rel, session.decisions, topics, related
        )
        click.clear()
        click.echo(suggest_module.render(result))
        click.echo("")
        outcome = _screen(session, rel, result)
        if outcome is None:
            break
        written += outcome
    return written


def _screen(session, rel: str, result: dict) -> int | None:
    """One note's screen: None to quit, else 1 when the note was written."""
    add_topics: list[str] = []
    add_related: list[tuple[str, str, str]] = []
    rows: list[dict] = []
    quit_after = False
    for candidate in result["topics"]["candidates"]:
        answer = _loop(session, rel, f"topic {candidate['topic']} ({candidate['confidence']})")
        if answer in ("n", "q"):
            quit_after = answer == "q"
            break
        if answer == "a":
            add_topics.append(candidate["topic"])
        elif answer == "e":
            add_topics.append(click.prompt("topic to add instead"))
        elif answer == "r":
            rows.append(_decision(rel, "topic", candidate["topic"], "reject"))
    else:
        for candidate in result["related"]["candidates"]:
            answer = _loop(session, rel, f"related {candidate['path']} ({candidate['reason']})")
            if answer in ("n", "q"):
                quit_after = answer == "q"
                break
            if answer in ("a", "e"):
                reason = candidate["reason"]
                if answer == "e":
                    reason = click.prompt("关联理由", default=reason)
                say = click.prompt("说明 (one sentence)")
                add_related.append((candidate["path"], reason, say))
            elif answer == "r":
                rows.append(_decision(rel, "related", candidate["path"], "reject"))
    wrote = _write(session, rel, add_topics, add_related, rows)
    return None if quit_after else wrote


def _loop(session, rel: str, what: str) -> str:
    while True:
        answer = _ask(f"{what}: accept, reject, skip, edit, open, next note, quit")
        if answer != "o":
            return answer
        click.edit(filename=str(session.root / rel))


def _decision(rel: str, kind: str, target: str, decision: str) -> dict:
    return {"note": rel, "kind": kind, "target": target, "decision": decision}


def _write(session, rel, add_topics, add_related, rows) -> int:
    wrote = 0
    if add_topics or add_related:
        note = vault_module.parse_file(session.root / rel, rel, session.config.max_file_size)
        try:
            found = apply_module.plan(session.index, note, add_topics, add_related)
        except apply_module.Refused as refused:
            click.echo(f"vaultkit: refused: {refused}", err=True)
            found = None
        options = session.config.settings_for(rel).topics
        fix = apply_module.edit_for(found, options) if found else None
        problem = apply_module.write(session.index, found, fix) if fix is not None else None
        if problem is not None:
            click.echo(f"vaultkit: not written: {rel}: {problem}", err=True)
        elif fix is not None:
            wrote = 1
            rows += [_decision(rel, "topic", t, "accept") for t in found.topics]
            rows += [
                {**_decision(rel, "related", target, "accept"), "reason": kind, "say": say}
                for target, _title, kind, say in found.related
            ]
    decisions.record(session.root, rows)
    for row in rows:
        key = (row["note"], row["kind"], row["target"])
        session.decisions[key] = row["decision"]
    return wrote
