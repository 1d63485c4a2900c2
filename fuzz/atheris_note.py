"""Coverage-guided fuzzing of the parse core, the note rules and the fix engine (atheris).

    pip install -e '.[fuzz]'
    python fuzz/atheris_note.py -max_total_time=3600 -max_len=65536 CORPUS_DIR [SEED_DIR...]

Each input is a note's bytes: decoded as vaultkit reads files, parsed into a
`Note`, checked by every note rule (online ones aside), and the fixes of its
findings chosen, checked for valid byte ranges and applied. Any exception is a
crash (a rule that raises, an offset out of range, a fix that cuts a
character). `CORPUS_DIR` collects the inputs that reach new code; start it
from the seeds with `python fuzz/atheris_note.py --seeds CORPUS_DIR`, which
copies every note of `fixtures/` and `fuzz/crashers/` into it. libFuzzer prints `cov:` (edges
reached) and `ft:` (features) as it goes; a crash leaves `crash-…` in the
working folder: keep it under `fuzz/crashers/` (as `NAME.md`) and
`tests/test_fuzz.py` replays it from then on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["vaultkit"]):
    from vaultkit import note as note_module
    from vaultkit import source
    from vaultkit.config import Config
    from vaultkit.fix.edits import apply, choose, valid
    from vaultkit.rules import all_rules

REL = "01-博客/a/note.md"
RULES = [rule() for rule in all_rules() if rule.per_note and not rule.needs_online]
SETTINGS = Config().settings_for(REL)


def check_one(data: bytes) -> None:
    """Decode, parse, check and fix one note; raise on any broken promise."""
    decoded = source.decode(data)
    note = note_module.parse(Path("/vault") / REL, REL, decoded)
    if note.source is None:
        return
    found = []
    for rule in RULES:
        found.extend(rule.check(note, SETTINGS))
    size = len(note.data)
    lines = note.lines
    for d in found:
        if not (1 <= d.start.line <= len(lines) and d.start.column >= 1):
            raise AssertionError(f"{d.code} at {d.start} outside the note ({len(lines)} lines)")
    fixes = choose(found, unsafe=True)
    for fix in fixes:
        if not valid(fix, note.data):
            raise AssertionError(f"invalid edits {fix.edits} for {size} bytes: {fix.message}")
    apply(note.data, fixes).decode("utf-8")


def _seeds(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    repo = Path(__file__).resolve().parent.parent
    notes = sorted((repo / "fixtures").rglob("*.md")) + sorted(
        (repo / "fuzz/crashers").glob("*.md")
    )
    for number, path in enumerate(notes):
        (folder / f"seed-{number:03d}.md").write_bytes(path.read_bytes())


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        _seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
