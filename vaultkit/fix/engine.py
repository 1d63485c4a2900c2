"""Fixing a checked run's notes: rounds of fixes and checks in memory, then atomic writes.

`plan` fixes the reported notes of a finished check in memory: each round
applies the chosen fixes of every note, parses the new bytes into a `Note`,
puts it in the vault in place of the old one and runs the rules again on the
notes that changed. It stops when no fix applies, and after `MAX_ROUNDS`
rounds at most; a note whose fixes do not settle (a fix that does not remove
its finding, two fixes that undo each other, a fix that makes a rule fail) is
left as it was, with a warning. Nothing outside the edits changes: the BOM is
put back, line endings and every other byte stay as they were. A fix that
would move a `vaultkit-disable-next-line` comment off the line it covers is
not applied, with a warning.

`vaultkit.fix.outcome.write` then replaces each changed file (see
`vaultkit.fix.atomic`). Files that could not be read as UTF-8 notes, and notes
reached through a symbolic link that leads out of the vault, are never touched.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from vaultkit import analysis, linter, suppression
from vaultkit import note as note_module
from vaultkit import source as source_module
from vaultkit import vault as vault_module
from vaultkit.diagnostics import Diagnostic, Fix
from vaultkit.fix import atomic, fixing_only
from vaultkit.fix.atomic import Snapshot
from vaultkit.fix.edits import allowed, apply, choose, valid
from vaultkit.fix.outcome import Change, Outcome
from vaultkit.fix.recheck import check_whole, rechecks, same
from vaultkit.note import Note
from vaultkit.selection import CLI_ORIGINS, Selection, Stage

MAX_ROUNDS = 10  # fix-and-check rounds per run; real fixes settle in two or three


@dataclass
class _State:
    """One note being fixed in memory."""

    original: Note
    found: list[Diagnostic]  # the check's findings on the note as it was read
    snapshot: Snapshot
    target: Path
    note: Note = field(init=False)
    diagnostics: list[Diagnostic] = field(init=False)  # the findings on `note`
    seen: set[bytes] = field(default_factory=set)
    fixed: int = 0
    codes: Counter = field(default_factory=Counter)
    done: bool = False  # no fix applies any more, or the note was given up
    failed: bool = False
    # The bytes the note rules last ran on, with their findings and failures.
    checked: tuple[bytes, list[Diagnostic], list[str]] | None = None

    def __post_init__(self) -> None:
        self.note, self.diagnostics = self.original, list(self.found)
        self.seen.add(self.original.data)

    @property
    def data(self) -> bytes:
        return self.note.data

    def give_up(self) -> None:
        """Leave the note as it was read."""
        self.note, self.diagnostics = self.original, list(self.found)
        self.fixed, self.done, self.failed = 0, True, True
        self.codes.clear()


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False


def _path(note: Note, vault: vault_module.Vault) -> Path:
    """Where the note is now: under the vault root (a cached record may hold an old path)."""
    return vault.root.joinpath(*note.rel.split("/"))


def _writable(
    note: Note, vault: vault_module.Vault, claimed: set[Path]
) -> tuple[Snapshot, Path] | str:
    """The note's file as read now and its real path, or why it must not be written ("" when
    fixed elsewhere)."""
    if note.source is None:
        return "it could not be read as a UTF-8 note"
    path = _path(note, vault)
    real = vault_module.real_inside(path, vault.root)
    if real is None:
        target = vault.outside_links.get(note.rel) or os.path.realpath(path)
        return f"it is reached through a symbolic link that leads out of the vault (to {target})"
    target = Path(real)
    if target in claimed:
        return ""  # another path in the vault leads to the same file: it is fixed there
    found = atomic.snapshot(target, max(vault.config.max_file_size, len(note.data) + 3))
    if isinstance(found, str):
        return f"it cannot be read again: {found}"
    decoded = source_module.decode(found.raw)
    if (
        not isinstance(decoded, source_module.SourceText)
        or decoded.data != note.data
        or decoded.has_bom != note.source.has_bom
    ):
        return "it changed after it was checked; run vaultkit again"
    if found.links > 1:
        return f"it has {found.links} hard links, which replacing the file would split"
    return found, target


def _prefix(run: linter.Run, vault: vault_module.Vault) -> str:
    """The folder prefix of a vault's notes in the run's reported paths."""
    if vault.root == run.root:
        return ""
    return vault_module.relative(vault.root, run.root) + "/"


def plan(
    run: linter.Run,
    *,
    select: list[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    unsafe: bool = False,
) -> Outcome:
    """Fix the reported notes of `run` in memory; nothing is written (see `write`).

    `select`, `extend_select` and `ignore` must be the ones the run was checked
    with: fixed notes are checked again with the same rules.
    """
    stage = Stage(select or None, list(extend_select), list(ignore), CLI_ORIGINS)
    outcome = Outcome()
    for vault in run.vaults:
        fixer = _VaultFixer(run, _complete(vault), Selection(vault.config, stage), unsafe, outcome)
        fixer.run()
        outcome.vaults.append(fixer.fixed_vault())
    outcome.changes.sort(key=lambda change: change.rel)
    return outcome


class _VaultFixer:
    """The fix rounds over one vault's reported notes."""

    def __init__(
        self,
        run: linter.Run,
        vault: vault_module.Vault,
        selection: Selection,
        unsafe: bool,
        outcome: Outcome,
    ) -> None:
        self.vault, self.selection, self.unsafe, self.outcome = (
            vault,
            selection,
            unsafe,
            outcome,
        )
        self.checked_run = run  # the check of the notes as read
        self.prefix = _prefix(run, vault)
        self.known_errors = set(run.result.internal_errors)
        self.found: dict[str, list[Diagnostic]] = self.found_as_read(None)
        self.states: dict[str, _State] = {}
        self.claimed: set[Path] = set()  # the real files of the notes being fixed
        self.fixed = vault  # `fixed_vault`'s last
        self.refused: dict[str, int] = {}  # notes that may not be written -> fixes counted left
        self.rules = linter.enabled_rules(selection, with_online=vault.online is not None)
        self.note_codes = frozenset(rule.code for rule in self.rules if rule.per_note)
        # When the whole vault's check can stand for `recheck`'s, the rounds check the changed
        # notes with the note rules only, and the whole vault once their fixes settle (and
        # again only when the vault rules' fixes change a note). Else each round checks the
        # changed notes with every rule, the vault rules reporting on those notes only.
        self.whole_run = run if rechecks(run) and vault.online is None else None
        # `found` lacks the vault rules' findings, and `known_errors` their failures
        self.deferred = run.vault_rules_deferred
        self.ahead = dict(run.fixed_ahead)  # rel -> the note's first round, done ahead
        self.whole_current = not self.deferred  # the last whole check is of the vault as it is

    def found_as_read(self, rels: set[str] | None) -> dict[str, list[Diagnostic]]:
        """The run's findings on the notes of `rels` (every note: None) as read (rel -> its
        findings; a note without any is left out)."""
        found: dict[str, list[Diagnostic]] = {}
        for d in self.checked_run.result.diagnostics:
            rel = d.path.removeprefix(self.prefix) if d.path.startswith(self.prefix) else None
            if rel is not None and rel in self.vault.by_rel and (rels is None or rel in rels):
                found.setdefault(rel, []).append(replace(d, path=rel))
        return found

    def complete(self, rels: Iterable[str]) -> None:
        """Give the notes of `rels` that the check ran the fixing rules on only
        (`Run.fixing_only`) their whole findings as read: they are reported as read."""
        done = set(fixing_only.complete(self.checked_run, rels, self.selection, self.rules))
        if not done:
            return
        self.known_errors.update(self.checked_run.result.internal_errors)  # on notes as read
        found = self.found_as_read(done)
        for rel in done:
            self.found[rel] = found.get(rel, [])
            state = self.states.get(rel)
            if state is not None:
                state.found = self.found[rel]

    def path(self, rel: str) -> Path:
        return _path(self.vault.by_rel[rel], self.vault)

    def warn(self, rel: str, message: str) -> None:
        warning = f"{self.prefix}{rel}: {message}"
        if warning not in self.outcome.warnings:  # a bad fix offered again next round
            self.outcome.warnings.append(warning)

    def count(self, diagnostics: Iterable[Diagnostic]) -> int:
        return sum(1 for d in diagnostics if allowed(d.fix, self.unsafe))

    def run(self) -> None:
        self.admit(self.found)
        if self.states or self.deferred:
            self.rounds()
        self.finish()

    def admit(self, found: dict[str, list[Diagnostic]]) -> None:
        """Start fixing each note of `found` (rel -> its findings as read) that has a fix to
        apply and may be written; say why for one that may not."""
        fixable = []
        for rel, diagnostics in found.items():
            fixes = self.count(diagnostics)
            if rel in self.refused:  # the whole check found more of its fixes (vault rules')
                self.outcome.left += max(0, fixes - self.refused[rel])
                self.refused[rel] = max(fixes, self.refused[rel])
            elif fixes:
                fixable.append((rel, fixes))
        # A note reached through a link in the vault comes after the note at its real path
        # (only the notes with a fix are looked at: a vault's notes mostly have none).
        fixable.sort(key=lambda item: (_is_link(self.path(item[0])), item[0]))
        as_read = []  # refused: reported as read
        for rel, fixes in fixable:
            note, diagnostics = self.vault.by_rel[rel], found[rel]
            checked = _writable(note, self.vault, self.claimed)
            if isinstance(checked, str):
                as_read.append(rel)
                if checked:  # (else another path to the same file is fixed)
                    self.refused[rel] = fixes
                    self.warn(rel, f"not fixed: {checked}")
                    self.outcome.left += fixes
                continue
            snapshot, target = checked
            self.claimed.add(target)
            self.states[rel] = _State(note, diagnostics, snapshot, target)
        self.complete(as_read)

    def rounds(self) -> None:
        """Fix and check again until no fix applies, for `MAX_ROUNDS` rounds at most."""
        for _ in range(MAX_ROUNDS):
            changed = [
                rel for rel, state in self.states.items() if not state.done and self.step(state)
            ]
            if changed:
                self.whole_current = False
                self.check_again(changed)
            elif self.whole_run is None or self.whole_current:
                return
            else:
                self.check_vault()
        for rel, state in self.states.items():
            fixes = choose(state.diagnostics, unsafe=self.unsafe)
            if not state.done and any(valid(fix, state.data) for fix in fixes):
                self.give_up(rel, f"its fixes did not settle after {MAX_ROUNDS} rounds")

    def step(self, state: _State) -> bool:
        """Apply one round of fixes to a note; whether it changed."""
        rel = state.original.rel
        fixes = []
        for fix in choose(state.diagnostics, unsafe=self.unsafe):
            if valid(fix, state.data):
                fixes.append(fix)
            else:
                codes = ", ".join(d.code for d in state.diagnostics if d.fix is fix)
                self.warn(
                    rel,
                    f"a fix of {codes} edits outside the note or inside a character or line "
                    "ending; not applied (this is a bug in vaultkit, please report it)",
                )
        fixes = self.keep_suppressions(state, fixes)
        new = apply(state.data, fixes)
        if new == state.data:
            state.done = True
            return False
        if new in state.seen:
            self.give_up(rel, "its fixes undo each other")
            return False
        ahead = self.ahead.pop(rel, None)
        if ahead is not None and ahead.data == new:  # the per-note stage checked it already
            parsed = ahead.note
            state.checked = (new, ahead.findings, ahead.errors)
        else:
            parsed = reparse(state.original, new)
        if parsed is None:
            self.give_up(rel, "a fix made it unreadable")
            return False
        state.seen.add(new)
        state.note = parsed
        state.fixed += len(fixes)
        codes = {id(d.fix): d.code for d in state.diagnostics if d.fix is not None}
        state.codes.update(codes[id(fix)] for fix in fixes)
        return True

    def keep_suppressions(self, state: _State, fixes: list[Fix]) -> list[Fix]:
        """The fixes that leave every `disable-next-line` comment on the line it covers.

        A fix that adds or removes a line break from the end of the comment's
        line to the end of the line it covers (a blank line after the comment,
        the covered line split in two) is not applied: the finding it
        suppresses would come back, or another line would be silenced.
        """
        spans = covered_lines(state.note)
        if not spans:
            return fixes
        kept = []
        for fix in fixes:
            if _moves_a_line_break(fix, spans, state.data):
                codes = ", ".join(d.code for d in state.diagnostics if d.fix is fix)
                self.warn(
                    state.original.rel,
                    f"a fix of {codes} would move a `vaultkit-disable-next-line` comment off "
                    "the line it covers; not applied",
                )
            else:
                kept.append(fix)
        return kept

    def fixed_vault(self) -> vault_module.Vault:
        """The vault holding each note as fixed (as read, where fixes were given up); the
        same object while its notes are the same (building one indexes every note)."""
        notes = [self.states[n.rel].note if n.rel in self.states else n for n in self.vault.notes]
        if not same(self.fixed.notes, notes):
            self.fixed = replace(self.vault, notes=notes)
        return self.fixed

    def check_again(self, changed: list[str]) -> None:
        """Run the note rules on the changed notes, and the vault rules too (reporting on
        those notes only, reading the others as they are) unless the whole vault is checked
        once the fixes settle (`check_vault`)."""
        wanted = set(changed)
        vault = self.fixed_vault()
        if self.whole_run is None:  # the vault rules run here, on these notes only
            vault = replace(vault, subjects=frozenset(wanted))
        note_rules = [rule for rule in self.rules if rule.per_note]
        context = analysis.Context(vault.config, self.selection, note_rules, False)
        subjects = [note for note in vault.notes if note.rel in wanted]
        todo = [note for note in subjects if not self.checked(note.rel)]
        for note, (more, failed) in zip(todo, analysis.check_notes(todo, context), strict=True):
            self.states[note.rel].checked = (note.data, more, failed)
        checked = [self.states[note.rel].checked for note in subjects]
        notes = (
            [d for _, more, _ in checked for d in more],
            [error for _, _, failed in checked for error in failed],
        )
        rules = note_rules if self.whole_run is not None else self.rules
        result = linter.lint(vault, self.selection, wanted.__contains__, notes, rules)
        found = _by_path(result.diagnostics, changed)
        for rel in changed:
            self.states[rel].diagnostics = found[rel]
        self.give_up_failed(result.internal_errors, changed)

    def checked(self, rel: str) -> bool:
        """Whether the note rules' findings on the note as it is now are known."""
        state = self.states[rel]
        return state.checked is not None and state.checked[0] == state.data

    def check_vault(self) -> None:
        """Check the whole vault as it is now, as `recheck` would (when no later round
        changes a note, this is the check of the fixed vault); fix what its vault rules
        find too."""
        vault = self.fixed_vault()
        fresh = {
            rel: state.checked[1:]
            for rel, state in self.states.items()
            if self.checked(rel) and state.data != state.original.data
        }
        self.complete([rel for rel in self.checked_run.fixing_only if rel not in fresh])  # as read
        result = check_whole(self.whole_run, vault, self.selection, self.rules, fresh)
        self.outcome.last_check = (vault.notes, result)
        self.whole_current = True
        if any(m not in self.known_errors for m in result.internal_errors) and self.deferred:
            self.deferred = False  # the vault rules' failures on the vault as read are known now
            self.known_errors.update(self.vault_rules_failing_as_read())
        found = _by_path(result.diagnostics, self.states)
        for rel, state in self.states.items():
            state.diagnostics = found[rel]
            state.done = state.failed  # a vault rule's fix may apply now
        changed = [rel for rel, state in self.states.items() if state.data != state.original.data]
        self.give_up_failed(result.internal_errors, changed)
        new = {}
        for d in result.diagnostics:
            if d.path not in self.states and d.path in self.vault.by_rel:
                new.setdefault(d.path, []).append(d)
        self.found.update(new)
        self.admit(new)

    def vault_rules_failing_as_read(self) -> list[str]:
        """The vault rules' failures on the vault as read (the run left them out: a rule that
        fails there fails through no fix's fault)."""
        as_read = linter.lint(self.vault, self.selection, self.whole_run.reported, ([], []))
        return as_read.internal_errors

    def give_up_failed(self, errors: list[str], changed: list[str]) -> None:
        """Leave as read the changed notes a rule newly failed on."""
        for message in errors:
            if message in self.known_errors:
                continue  # it failed on the note as it was read, too
            broken = [rel for rel in changed if f" failed on {rel}: " in message] or changed
            for rel in broken:
                if not self.states[rel].failed:
                    self.give_up(rel, f"a rule failed on the fixed note: {message}")

    def give_up(self, rel: str, why: str) -> None:
        self.complete([rel])  # reported as read
        state = self.states[rel]
        codes = ", ".join(sorted(state.codes)) or "-"
        self.warn(
            rel,
            f"not fixed: {why} (fixes of {codes}); the note was left as it was "
            "(this is a bug in vaultkit, please report it)",
        )
        state.give_up()

    def final(self) -> dict[str, list[Diagnostic]]:
        """Each note's findings at the end (rel -> findings), as far as they are known."""
        last = self.outcome.last_check
        if last is None:
            found = dict(self.found)
        else:
            found = _by_path(last[1].diagnostics, {d.path for d in last[1].diagnostics})
            if same(last[0], self.fixed_vault().notes):
                return found
        found.update((rel, state.diagnostics) for rel, state in self.states.items())
        return found

    def finish(self) -> None:
        """Count what is left and hidden; record each changed note."""
        as_read = [
            rel
            for rel in self.checked_run.fixing_only
            if rel not in self.states or self.states[rel].data == self.states[rel].original.data
        ]
        self.complete(as_read)
        if not self.unsafe:
            self.outcome.hidden += sum(
                1
                for final in self.final().values()
                for d in final
                if allowed(d.fix, True) and not d.fix.safe
            )
        for rel, state in self.states.items():
            self.outcome.left += self.count(state.diagnostics)  # given up, or apply nowhere
            if state.failed or state.data == state.original.data:
                continue
            bom = source_module.BOM if state.original.source.has_bom else b""
            checked = state.checked
            if checked is not None and checked[0] == state.data:
                checked = (checked[1], checked[2], self.note_codes)
            else:
                checked = None
            self.outcome.changes.append(
                Change(
                    rel=self.prefix + rel,
                    target=state.target,
                    note_path=self.path(rel),
                    root=self.vault.root,
                    snapshot=state.snapshot,
                    after=bom + state.data,
                    fixed=state.fixed,
                    codes=state.codes,
                    checked=checked,
                )
            )


def _by_path(diagnostics: list[Diagnostic], rels: Iterable[str]) -> dict[str, list[Diagnostic]]:
    """The `diagnostics` on each of `rels` (rel -> its findings, in order)."""
    found: dict[str, list[Diagnostic]] = {rel: [] for rel in rels}
    for d in diagnostics:
        if d.path in found:
            found[d.path].append(d)
    return found


def _complete(vault: vault_module.Vault) -> vault_module.Vault:
    """The vault with every note the walk finds (a check replayed from the cache holds no
    notes; the fixer needs the reported ones, and the rules all of them to check again)."""
    if vault.notes:
        return vault  # a checked vault holds every note its walk found
    found = vault_module.discover(vault.root, vault.config)
    have = vault.by_rel
    walked = [(path, vault_module.relative(path, vault.root)) for path in found.notes]
    if all(rel in have for _, rel in walked):
        return vault
    size = vault.config.max_file_size
    notes = [have.get(rel) or vault_module.parse_file(path, rel, size) for path, rel in walked]
    listed = {rel for _, rel in walked}
    notes += [note for note in vault.notes if note.rel not in listed]
    return replace(vault, notes=notes)


def covered_lines(note: Note) -> list[tuple[int, int]]:
    """For each `disable-next-line` comment: from the line break that ends its line to the end
    of the line it covers (byte offsets)."""
    if note.source is None or b"vaultkit-disable-next-line" not in note.data:
        return []
    lines = note.source.lines
    spans = []
    for number in suppression.parse(note).next_line:
        if 1 < number <= len(note.lines):
            start = lines.line_start(number)
            spans.append((start - 1, start + len(note.lines[number - 1].encode())))
    return spans


def _moves_a_line_break(fix: Fix, spans: list[tuple[int, int]], data: bytes) -> bool:
    for edit in fix.edits:
        if "\n" not in edit.text and b"\n" not in data[edit.start : edit.end]:
            continue
        if any(low <= edit.start < high or (edit.start < high and low < edit.end)
               for low, high in spans):  # fmt: skip
            return True
    return False


def reparse(original: Note, data: bytes) -> Note | None:
    """The note parsed from its fixed bytes (its BOM put back), or None when it cannot be."""
    bom = source_module.BOM if original.source.has_bom else b""
    decoded = source_module.decode(bom + data)
    if not isinstance(decoded, source_module.SourceText):
        return None
    try:
        return note_module.parse(original.path, original.rel, decoded)
    except Exception:  # a parser bug: the fixed note cannot be checked, so it is not written
        return None
