"""`--fix` (safe fixes) on a copy of the real corpus changes no meaning (issue 11, item 5).

On a temporary copy of `../shared/corpus/vault-a` (skipped, with the reason, when absent),
`vaultkit check --fix` runs over a seeded sample of notes (the whole vault is read, as
always); then, for every note it changed:

- what the note renders is the same: pyromark's events of the body before and after, with
  whitespace runs collapsed, every heading, quote, list, code block and code span where it
  was, the same text in each (a bare URL and the same URL written `<…>` render alike, as
  Obsidian links both); the summary's part labels are compared by the part they open, since
  SM007 writes a variant label (`**核心要点**`) the template's way (`**2) 关键要点**`);
- the frontmatter holds the same values as a reader sees them, HTML entities and look-alike
  characters read (FM013 writes `&amp;` as `&`, FM021 the Kangxi radical `⼤` as `大`), under
  the same keys or renamed ones (FM019 moves a URL from `来源` to `原文链接`);
- every suppression comment still covers a line with the same text;
- a second check reports no finding that the first did not (per note and rule).

`VAULTKIT_FIX_NOTES=all` runs it on every note, `VAULTKIT_FIX_NOTES=N` on N notes (default
300), `VAULTKIT_FIX_SEED=S` draws another sample (default 0).
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pyromark
import pytest
import yaml
from conftest import REPO

from vaultkit import source, summary, suppression
from vaultkit.note import _OPTIONS, parse
from vaultkit.options import SummaryOptions
from vaultkit.rules.frontmatter.junk import _RADICALS

CORPUS = next(
    (p / "shared" / "corpus" / "vault-a" for p in REPO.parents if (p / "shared").is_dir()),
    REPO.parent / "shared" / "corpus" / "vault-a",
)
_SPACE = re.compile(r"\s+")
_TEXT = {"Text": "{}", "Code": "`{}`", "InlineMath": "${}$", "DisplayMath": "$${}$$",
         "Html": "{}", "InlineHtml": "{}", "FootnoteReference": "[^{}]"}  # fmt: skip


def _note(rel: str, data: bytes):
    return parse(Path(rel), rel, source.decode(data))


def _neutral_labels(note) -> str:
    """The note's text with each summary label replaced by the part it opens."""
    lines = note.text.split("\n")
    found = summary.parse(note, SummaryOptions())
    for part in found.parts if found is not None else ():
        label, index = part.label, part.label.line - 1
        line = lines[index]
        at = line.find(label.text, max(0, label.column - 1))
        if at >= 0:
            lines[index] = f"{line[:at]}⟦{part.kind}⟧{line[at + len(label.text) :]}"
    return "\n".join(lines)


def rendered(rel: str, data: bytes) -> list[tuple]:
    """The body's pyromark events as tokens: structure exactly, text with whitespace collapsed."""
    note = _note(rel, data)
    text = _neutral_labels(note)
    body = text.encode()[note.body_start :].decode("utf-8", "replace")
    tokens: list[tuple] = []
    buffer: list[str] = []
    skipped: list[bool] = []  # for each open link: was its start left out (an autolink)?

    def flush() -> None:
        words = _SPACE.sub(" ", "".join(buffer)).strip()
        if words:
            tokens.append(("text", words))
        buffer.clear()

    for event in pyromark.events(body, options=_OPTIONS):
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            if event.endswith("Break"):
                buffer.append(" ")
            else:
                flush()
                tokens.append((event,))
            continue
        [(kind, value)] = event.items()
        if kind in _TEXT:
            buffer.append(_TEXT[kind].format(value))
        elif kind == "TaskListMarker":
            buffer.append("[x] " if value else "[ ] ")
        elif kind == "Start":
            tag, attrs = next(iter(value.items())) if isinstance(value, dict) else (value, None)
            if tag == "Link":
                autolink = attrs["link_type"] in ("Autolink", "Email")
                skipped.append(autolink)
                if autolink:
                    continue
                attrs = (str(attrs["link_type"]), attrs["dest_url"])
            flush()
            tokens.append(("start", tag, repr(attrs)))
        elif kind == "End":
            tag = value if isinstance(value, str) else next(iter(value))
            if tag == "Link" and skipped.pop():
                continue
            flush()
            tokens.append(("end", tag))
    flush()
    return tokens


def values(rel: str, data: bytes) -> list[str]:
    """The frontmatter's values as read, in order of value (keys may be renamed)."""
    front = _note(rel, data).frontmatter
    if front is None or not front.closed:
        return []
    try:
        loaded = yaml.safe_load(front.text) or {}
    except yaml.YAMLError:
        return [front.text]
    if not isinstance(loaded, dict):
        return [repr(loaded)]
    return sorted(repr(_read(v) if isinstance(v, str) else v) for v in loaded.values())


def _read(value: str) -> str:
    """A text value as a reader sees it: HTML entities and look-alike characters read (Kangxi
    radicals by NFKC; the radicals of U+2E80, which have no compatibility mapping, by the
    table FM021 uses)."""
    value = unicodedata.normalize("NFKC", html.unescape(value))
    return "".join(_RADICALS.get(char, char) for char in value)


def suppressed_lines(rel: str, data: bytes) -> list[tuple[str, str]]:
    """(codes, stripped text of the line covered) for each `disable-next-line` comment."""
    note = _note(rel, data)
    if not note.html:
        return []
    found = suppression.parse(note)
    return sorted(
        (" ".join(sorted(codes)), note.lines[line - 1].strip())
        for line, codes in found.next_line.items()
        if 0 < line <= len(note.lines)
    )


def _check(vault: Path, targets: list[str], cache: Path, *more: str) -> list[dict]:
    env = dict(os.environ, VAULTKIT_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "vaultkit", "check", *targets, "--output-format", "json",
               "--exit-zero", "--no-color", *more]  # fmt: skip
    done = subprocess.run(command, capture_output=True, cwd=vault, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)["diagnostics"]


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    """(copy, notes checked, their bytes before, findings before, findings after the fix)."""
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (../shared/corpus/vault-a)")
    base = tmp_path_factory.mktemp("fix-meaning")
    vault, cache = base / "vault-a", base / "cache"
    shutil.copytree(CORPUS, vault)
    for folder, _dirs, files in os.walk(vault):
        for name in (folder, *(os.path.join(folder, f) for f in files)):
            os.chmod(name, 0o755 if os.path.isdir(name) else 0o644)
    notes = sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))
    wanted = os.environ.get("VAULTKIT_FIX_NOTES", "300")
    if wanted != "all":
        seed = int(os.environ.get("VAULTKIT_FIX_SEED", "0"))
        notes = sorted(random.Random(seed).sample(notes, min(int(wanted), len(notes))))
    targets = ["."] if wanted == "all" else notes
    before_bytes = {rel: (vault / rel).read_bytes() for rel in notes}
    before = _check(vault, targets, cache)
    _check(vault, targets, cache, "--fix")
    after = _check(vault, targets, cache)
    return vault, notes, before_bytes, before, after


def _changed(fixed) -> list[tuple[str, bytes, bytes]]:
    vault, notes, before, _found, _after = fixed
    pairs = [(rel, before[rel], (vault / rel).read_bytes()) for rel in notes]
    return [(rel, old, new) for rel, old, new in pairs if old != new]


def test_the_fix_changes_some_notes(fixed):
    assert _changed(fixed), "nothing was fixed: the sample holds no fixable finding?"


def test_the_fix_renders_the_same_text_and_structure(fixed):
    changed = []
    for rel, old, new in _changed(fixed):
        a, b = rendered(rel, old), rendered(rel, new)
        if a != b:
            at = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
            changed.append(f"{rel}: {a[at : at + 2]} became {b[at : at + 2]}")
    assert not changed, "\n".join(changed[:20])


def test_the_fix_keeps_the_frontmatter_values(fixed):
    changed = [rel for rel, old, new in _changed(fixed) if values(rel, old) != values(rel, new)]
    assert not changed, changed[:20]


def test_the_fix_keeps_suppression_comments_on_their_lines(fixed):
    changed = [
        rel for rel, old, new in _changed(fixed)
        if suppressed_lines(rel, old) != suppressed_lines(rel, new)
    ]  # fmt: skip
    assert not changed, changed[:20]


def test_a_second_check_reports_nothing_new(fixed):
    _vault, _notes, _bytes, before, after = fixed
    had = Counter((d["path"], d["code"]) for d in before)
    new = Counter((d["path"], d["code"]) for d in after) - had
    shown = [f"{path}: {code} ×{count}" for (path, code), count in sorted(new.items())]
    assert not new, "\n".join(shown[:20])
