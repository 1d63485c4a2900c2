"""The bundled example vault (`fixtures/example-vault/`): the README's first command checks it.

The vault holds clean notes (the four topic notes in `00-元语/` and the article in
`01-博客/示例周刊/`) and one note per fault, named `CODE-rule-name[-more].md` so that reader and
test both see which finding it must produce: article faults in `01-博客/故障示例/`, the two
faults of project profiles (FM012 `版本: 4.10`, and the title rules the vault sets for profiles:
FM014 `|`, FM015 `项目档案`, FM020 a bare category) in `02-资源/开源项目/`. Every
rule that is on by default and can fire from a committed file fires from exactly one note,
and every fault note gets exactly its one finding. FM017 (duplicate-article) needs two notes
of the same article and reports both, so it has a pair: `FM017-duplicate-article.md` and
`FM017-duplicate-article-转载.md`.

The GBK note (ST001), the PNG saved as `.md` (ST002), the BOM note (ST007) and the CRLF note
with one LF line (ST008) are committed as they are; `fixtures/.gitattributes` marks the vault
`-text` so git never converts their bytes.

Rules with no note here, because their fault cannot live in a git checkout portably (they
are tested with files made at test time in `tests/test_rules_files.py` and
`tests/test_bad_input.py`):

- ST003 file-too-large: a note over 10 MB (the default `max-file-size`);
- ST004 unreadable-file: a note without read permission, or a FIFO named `*.md`;
- ST005 broken-symlink, ST006 symlink-loop, ST010 symlink-outside-vault: symbolic links,
  which git on Windows checks out as plain text files.

FM016 (title-filename-mismatch) and ST115 (missing-final-newline) are off by default, so the
README's command does not run them.
The link rules (`LK…`) are not here yet: when they land, add one note per rule and regenerate
the expected output (the coverage test below fails until then).

`fixtures/example-vault.expected.txt` is the exact output of

    vaultkit check fixtures/example-vault --output-format concise --no-color

run from the repository root. After adding a note or changing a rule's message, regenerate it
with

    VAULTKIT_REGENERATE=1 pytest tests/test_example_vault.py

and review the diff. FM010's message names today's date, so the comparison replaces
`after today (YYYY-MM-DD)` on both sides; everything else is compared line for line.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLE_VAULT, REPO, run_cli

from vaultkit.rules import all_rules, get

EXPECTED = REPO / "fixtures" / "example-vault.expected.txt"
COMMAND = ("check", "fixtures/example-vault", "--output-format", "concise", "--no-color")

# Rules on by default whose fault cannot be committed portably (see the module docstring).
SKIPPED = {
    "ST003": "a note over 10 MB",
    "ST004": "an unreadable file or a FIFO",
    "ST005": "a broken symbolic link",
    "ST006": "a symbolic link loop",
    "ST010": "a symbolic link out of the vault",
}
# Rules that report every note of a group: how many notes their example needs.
GROUP_SIZE = {"FM017": 2}

FAULT_NOTE = re.compile(r"^(?P<code>[A-Z]{2}\d{3})-(?P<rest>.+)\.md$")
TODAY = re.compile(r"after today \(\d{4}-\d{2}-\d{2}\)")


def normalise(lines: list[str]) -> list[str]:
    return [TODAY.sub("after today (YYYY-MM-DD)", line) for line in lines]


def vault_notes() -> list[str]:
    """Every note of the example vault, as a vault-relative POSIX path."""
    return sorted(
        path.relative_to(EXAMPLE_VAULT).as_posix()
        for path in EXAMPLE_VAULT.rglob("*.md")
        if ".obsidian" not in path.relative_to(EXAMPLE_VAULT).parts
    )


def intended_code(rel: str) -> str | None:
    """The rule code a fault note is named for, or None for a clean note."""
    match = FAULT_NOTE.match(rel.rsplit("/", 1)[-1])
    return match.group("code") if match else None


FAULT_NOTES = {rel: code for rel in vault_notes() if (code := intended_code(rel))}
CLEAN_NOTES = [rel for rel in vault_notes() if rel not in FAULT_NOTES]


@pytest.fixture(scope="module")
def concise():
    """The README's command, with the concise format: (exit code, stdout lines)."""
    done = run_cli(*COMMAND, cwd=REPO)
    assert done.stderr == ""
    if os.environ.get("VAULTKIT_REGENERATE") == "1":
        EXPECTED.write_bytes(done.stdout.encode("utf-8"))
    return done.returncode, done.stdout.splitlines()


@pytest.fixture(scope="module")
def codes_by_note() -> dict[str, list[str]]:
    """{note: [codes of its findings]} from the JSON report of the same command."""
    done = run_cli("check", "fixtures/example-vault", "--output-format", "json", cwd=REPO)
    assert done.returncode == 1, done.stderr
    found: dict[str, list[str]] = {}
    for diagnostic in json.loads(done.stdout)["diagnostics"]:
        found.setdefault(diagnostic["path"], []).append(diagnostic["code"])
    return found


def test_exit_code_is_1(concise):
    assert concise[0] == 1


def test_output_matches_the_expected_file(concise):
    expected = normalise(EXPECTED.read_text(encoding="utf-8").splitlines())
    actual = normalise(concise[1])
    if actual != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected, actual, str(EXPECTED.relative_to(REPO)), "vaultkit output", lineterm=""
            )
        )
        pytest.fail(
            "the example vault's output differs from the expected file "
            "(if the change is intended: VAULTKIT_REGENERATE=1 pytest "
            f"tests/test_example_vault.py)\n{diff}"
        )


def test_expected_file_lists_every_fault_note(concise):
    """The committed file itself, not only this run, shows each fault note's finding."""
    lines = EXPECTED.read_text(encoding="utf-8").splitlines()
    for rel, code in FAULT_NOTES.items():
        shown = f"fixtures/example-vault/{rel}:"  # text paths are relative to the cwd
        assert [line for line in lines if line.startswith(shown)], rel
        assert all(f": {code} " in line for line in lines if line.startswith(shown)), (
            f"{rel} should only have {code} in {EXPECTED.name}"
        )


@pytest.mark.parametrize("rel", sorted(FAULT_NOTES))
def test_fault_note_has_exactly_its_finding(rel, codes_by_note):
    code = FAULT_NOTES[rel]
    assert codes_by_note.get(rel, []) == [code]


@pytest.mark.parametrize("rel", sorted(FAULT_NOTES))
def test_fault_note_is_named_for_its_rule(rel):
    """`CODE-rule-name…md`: the code exists and the rule's name follows it."""
    code = FAULT_NOTES[rel]
    rule = get(code)
    assert rule is not None, f"{rel}: no rule {code}"
    rest = FAULT_NOTE.match(rel.rsplit("/", 1)[-1]).group("rest")
    assert rest == rule.name or rest.startswith(rule.name + "-"), (
        f"{rel}: name it `{code}-{rule.name}.md`"
    )


def test_article_faults_live_under_the_blog_folder():
    for rel, code in FAULT_NOTES.items():
        # project-profile fields and titles live in 02-资源/, an unused topic note in 00-元语/
        if code not in ("FM012", "FM014", "FM015", "FM020", "TP008"):
            assert rel.startswith("01-博客/故障示例/"), rel


def test_clean_notes_have_no_findings(codes_by_note):
    assert len(CLEAN_NOTES) >= 5
    assert {rel: codes_by_note[rel] for rel in CLEAN_NOTES if rel in codes_by_note} == {}


def test_no_findings_outside_the_vault_notes(codes_by_note):
    assert set(codes_by_note) <= set(vault_notes())


def test_every_default_rule_has_its_fault_notes():
    """A rule on by default without an example note must be added here, or listed in SKIPPED."""
    notes_per_code = Counter(FAULT_NOTES.values())
    missing = []
    for rule in all_rules():
        if not rule.default_enabled or rule.code in SKIPPED or rule.needs_online:
            continue  # online rules need a server: tests/test_rules_images_online.py
        want = GROUP_SIZE.get(rule.code, 1)
        if notes_per_code[rule.code] != want:
            missing.append(
                f"{rule.code} {rule.name}: {notes_per_code[rule.code]} note(s), want {want}"
            )
    assert missing == [], "add `CODE-rule-name.md` fault notes to fixtures/example-vault/"


def test_skipped_rules_are_real_default_rules_without_notes():
    for code in SKIPPED:
        rule = get(code)
        assert rule is not None and rule.default_enabled, code
        assert code not in FAULT_NOTES.values(), f"{code} has a note: remove it from SKIPPED"


def test_committed_bytes_are_the_faults():
    """The file-level faults are in the bytes; a checkout that converted them would lose them."""
    blog = EXAMPLE_VAULT / "01-博客" / "故障示例"
    data = (blog / "ST008-mixed-line-endings.md").read_bytes()
    assert data.count(b"\r\n") > 1 and data.replace(b"\r\n", b"").count(b"\n") == 1
    assert (blog / "ST007-byte-order-mark.md").read_bytes().startswith(b"\xef\xbb\xbf---\n")
    assert b"\x00" in (blog / "ST002-binary-file.md").read_bytes()
    gbk = (blog / "ST001-invalid-utf8.md").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert gbk.decode("gbk").startswith("---\ntitle: ")
    clean = [p for p in EXAMPLE_VAULT.rglob("*.md") if intended_code(p.name) is None]
    assert all(b"\r" not in p.read_bytes() for p in clean)
    attributes = (REPO / "fixtures" / ".gitattributes").read_text(encoding="utf-8")
    assert "example-vault/** -text" in attributes.splitlines()


def test_vault_root_is_marked(concise):
    assert (EXAMPLE_VAULT / ".obsidian").is_dir()
    assert Path(EXAMPLE_VAULT / ".obsidian" / "app.json").is_file()
