"""Evaluate the summary rules: inject faults into clean notes, run the real rules, report.

    python eval/summary_claims.py [--notes DIR] [--limit N] [--seed S] [--per-kind K]
                                  [--json] [--verbose] [--keep DIR]

Takes the clean notes in `eval/notes/` (written for this evaluation: every number
and name their summaries state, their bodies state too, often in another form),
and for each note and fault kind makes up to K faulty copies, one fault each:

- number-change: a number of the summary becomes another one (x0.55 … x1.9);
- digit-swap:    two neighbouring, different digits of a summary number swap;
- term-alter:    a model, product or benchmark name of the summary gets a typo
                 (a letter changed, two letters swapped, a digit changed, a letter
                 dropped);
- drop-part:     part 1 or part 2 of the summary (label and content) is removed;
- rename-label:  a part's canonical label becomes a drifted variant.

Targets are found by this script's own patterns, not by `vaultkit.claims`. A
number or name in brackets after Chinese (`红队（Red Team）`) is not a target,
nor is a number that is part of a name (`GPT-4`, `Claude 3.7`); a fault whose
new text the body happens to state is skipped (it is no fault). Everything
goes into one temporary vault that is checked once, in-process, with the real
registered summary rules (`--select SM,SM007,SM101,SM102`). A number or name fault counts as
found when a finding of its kind's rules (SM101/SM103, SM102/SM103) covers the
changed text on its line; a template fault when the faulty note has a finding
of its rule (`summary-part-missing`, `summary-label-variant`) that the clean
note does not. A kind whose rules are not registered is reported as such.

Also reported: the findings on the untouched notes (the target is none) and
the findings on faulty notes other than the expected one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vaultkit.linter import check_paths
from vaultkit.rules import all_rules, get

HERE = Path(__file__).resolve().parent
NOTES = HERE / "notes"
FOLDER = "01-博客/eval"

# kind -> the rule names that should report it (looked up in the registry by name, so a
# renumbered rule is still found); number and term faults must be reported at the fault.
KINDS: dict[str, tuple[str, ...]] = {
    "number-change": ("unsupported-number", "summary-body-mismatch"),
    "digit-swap": ("unsupported-number", "summary-body-mismatch"),
    "term-alter": ("unsupported-term", "summary-body-mismatch"),
    "drop-part": ("summary-part-missing",),
    "rename-label": ("summary-label-variant",),
}
LOCATED = {"number-change", "digit-swap", "term-alter"}
TARGETS = {"number-change": 0.95, "digit-swap": 0.95, "term-alter": 0.95}
LABELS = ("**1) 一句话总结**", "**2) 关键要点**", "**3) 风险/不足**")
VARIANTS = {
    LABELS[0]: ["**一句话总结**", "### 1) 一句话总结", "**1) 一句话摘要**"],
    LABELS[1]: ["**2) 核心要点**", "**2) 关键点**", "**关键要点**"],
    LABELS[2]: ["**3) 风险与不足**", "**3) 风险与缺口**", "**风险/不足**"],
}

# A number of the summary: not glued to a name before it (`GPT-4`, `Claude 3.7`, `v3.2.0`).
_NUMBER = re.compile(r"(?<![A-Za-z0-9.,_-])(?<![A-Za-z] )(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d.])")
_NAME = re.compile(r"(?<![A-Za-z0-9.-])[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_NOT_NAMES = {"API", "GPU", "CPU", "LLM", "token", "Agent", "Token", "QPS", "Pro", "Plus"}


@dataclass
class Fault:
    kind: str
    note: str  # the clean note's file name
    rel: str  # the faulty copy's path in the vault
    line: int  # 1-based line of the fault (number and name faults)
    column: int  # 1-based column of the new text
    length: int
    before: str
    after: str


@dataclass
class KindResult:
    kind: str
    rules: list[str]  # codes of the registered rules that should report it
    injected: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.found / self.injected if self.injected and self.rules else None


# ------------------------------------------------------------------ the summary of a note


def summary_span(lines: list[str]) -> tuple[int, int]:
    """0-based [first, end) of the lines under `## 摘要`."""
    start = lines.index("## 摘要") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("## "))
    return start, end


def body_text(lines: list[str]) -> str:
    """Everything but the summary: the frontmatter counts as support too."""
    first, end = summary_span(lines)
    return "\n".join(lines[: first - 1] + lines[end:])


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_,]", "", text).casefold()


def _values(text: str) -> set[float]:
    """The plain numbers of a text (`0.8`, `1,200`), as floats."""
    return {float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def _bracketed(line: str, start: int) -> bool:
    """Whether `start` is inside brackets (a gloss, `红队（Red Team）`)."""
    opened = max(line.rfind("（", 0, start), line.rfind("(", 0, start))
    return opened >= 0 and max(line.rfind("）", 0, start), line.rfind(")", 0, start)) < opened


def number_targets(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    first, end = summary_span(lines)
    found = []
    for index in range(first, end):
        line = lines[index]
        if line.strip() in LABELS:
            continue
        for match in _NUMBER.finditer(line):
            digits = match.group().replace(",", "").replace(".", "")
            after = line[match.end() : match.end() + 1]
            if len(digits) < 2 and not match.group(2) and after not in ("%", "万", "亿"):
                continue
            if not _bracketed(line, match.start()):
                found.append((index, match))
    return found


def name_targets(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    first, end = summary_span(lines)
    found = []
    for index in range(first, end):
        line = lines[index]
        for match in _NAME.finditer(line):
            word = match.group()
            name_like = (
                any(c.isdigit() for c in word)
                or any(c.isupper() for c in word[1:])
                or "-" in word
                or (word[0].isupper() and len(word) >= 5)
            )
            good = name_like and word not in _NOT_NAMES and len(word) >= 3
            if good and not _bracketed(line, match.start()):
                found.append((index, match))
    return found


# ------------------------------------------------------------------ making faults


def change_number(text: str, rng: random.Random) -> str:
    decimals = text.replace(",", "").partition(".")[2]
    value = float(text.replace(",", ""))
    if not decimals and 1900 <= value <= 2100:
        return str(int(value) + rng.choice([-7, -5, -3, 3, 5]))
    factor = rng.choice([0.55, 0.7, 1.35, 1.6, 1.9])
    new = value * factor
    if decimals:
        return f"{new:.{len(decimals)}f}"
    new = max(10, round(new))
    return f"{new:,}" if "," in text else str(new)


def swap_digits(text: str, rng: random.Random) -> str | None:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    pairs = [
        (a, b)
        for a, b in itertools.pairwise(positions)
        if text[a] != text[b] and (b == a + 1 or text[a + 1 : b] == ",")
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    chars = list(text)
    chars[a], chars[b] = chars[b], chars[a]
    swapped = "".join(chars)
    return None if re.match(r"0[\d,]", swapped) else swapped  # `040` is no number


def alter_name(word: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    digits = [i for i, c in enumerate(word) if c.isdigit()]
    ways = ["substitute", "swap", "drop"] + (["digit"] if digits else [])
    way = rng.choice(ways)
    chars = list(word)
    if way == "digit":
        i = rng.choice(digits)
        chars[i] = str((int(chars[i]) + rng.choice([1, 2, 8])) % 10)
    elif way == "swap":
        pairs = [(a, a + 1) for a in letters if a + 1 in letters and word[a] != word[a + 1]]
        if not pairs:
            return alter_name(word, rng)
        a, b = rng.choice(pairs)
        chars[a], chars[b] = chars[b], chars[a]
    elif way == "drop" and len(letters) >= 5:
        del chars[rng.choice(letters[1:])]
    else:
        i = rng.choice(letters)
        pool = "aeiou" if word[i].lower() in "aeiou" else "bcdfgklmnprstvz"
        new = rng.choice([c for c in pool if c != word[i].lower()])
        chars[i] = new.upper() if word[i].isupper() else new
    return "".join(chars)


def located_faults(name: str, lines: list[str], kind: str, rng: random.Random, limit: int):
    """Up to `limit` (faulty text, Fault) pairs of a number or name kind."""
    body = _compact(body_text(lines))
    values = _values(body_text(lines))
    targets = name_targets(lines) if kind == "term-alter" else number_targets(lines)
    rng.shuffle(targets)
    made = []
    for index, match in targets:
        before = match.group()
        if kind == "number-change":
            after = change_number(before, rng)
        elif kind == "digit-swap":
            after = swap_digits(before, rng)
        else:
            after = alter_name(before, rng)
        if not after or after == before or _compact(after) in body:
            continue  # the body states the new text: not a fault
        if kind != "term-alter" and float(after.replace(",", "")) in values:
            continue  # the body states the new value (`0.80` for its `0.8`): not a fault
        changed = lines[:]
        line = lines[index]
        changed[index] = line[: match.start()] + after + line[match.end() :]
        fault = Fault(kind, name, "", index + 1, match.start() + 1, len(after), before, after)
        made.append(("\n".join(changed), fault))
        if len(made) == limit:
            break
    return made


def template_faults(name: str, lines: list[str], kind: str, rng: random.Random, limit: int):
    first, end = summary_span(lines)
    labels = [i for i in range(first, end) if lines[i].strip() in LABELS]
    made = []
    for index in rng.sample(labels, len(labels)):
        label = lines[index].strip()
        changed = lines[:]
        if kind == "drop-part":
            if label == LABELS[2]:
                continue  # part 3 is optional: dropping it is no fault
            stop = next((i for i in labels if i > index), end)
            del changed[index:stop]
            after = ""
        else:
            after = rng.choice(VARIANTS[label])
            changed[index] = after
        fault = Fault(kind, name, "", index + 1, 1, len(after), label, after)
        made.append(("\n".join(changed), fault))
        if len(made) == limit:
            break
    return made


# ------------------------------------------------------------------ running


def rule_codes() -> dict[str, str]:
    """Registered rule name -> code."""
    return {rule.name: rule.code for rule in all_rules()}


def evaluate(
    notes_dir: Path = NOTES,
    limit: int | None = None,
    seed: int = 0,
    per_kind: int = 2,
    keep: Path | None = None,
) -> dict:
    paths = sorted(notes_dir.glob("*.md"))[:limit]
    rng = random.Random(seed)
    codes = rule_codes()
    with tempfile.TemporaryDirectory() as tmp:
        root = keep or Path(tmp) / "vault"
        (root / ".obsidian").mkdir(parents=True, exist_ok=True)
        faults: list[Fault] = []
        clean: dict[str, str] = {}  # clean note name -> rel
        for number, path in enumerate(paths):
            text = path.read_text(encoding="utf-8")
            lines = text.split("\n")
            rel = f"{FOLDER}/clean/{number:02d}.md"
            clean[path.name] = rel
            _write(root, rel, text)
            for kind in KINDS:
                make = located_faults if kind in LOCATED else template_faults
                for i, (faulty, fault) in enumerate(make(path.name, lines, kind, rng, per_kind)):
                    fault.rel = f"{FOLDER}/{kind}/{number:02d}-{i}.md"
                    _write(root, fault.rel, faulty)
                    faults.append(fault)
        started = time.perf_counter()
        run = check_paths([root], select=["SM", "SM007", "SM101", "SM102"])  # off by default
        seconds = time.perf_counter() - started
    diagnostics = run.result.diagnostics
    by_path: dict[str, list] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    clean_rels = {rel: name for name, rel in clean.items()}
    results = {
        kind: KindResult(kind, sorted(codes[n] for n in names if n in codes and get(codes[n])))
        for kind, names in KINDS.items()
    }
    extra = Counter()
    for fault in faults:
        result = results[fault.kind]
        result.injected += 1
        found = by_path.get(fault.rel, [])
        baseline = {(d.code, d.message) for d in by_path.get(clean[fault.note], [])}
        hit = [d for d in found if d.code in result.rules and _covers(d, fault)]
        if hit:
            result.found += 1
        elif result.rules:
            result.missed.append(f"{fault.note}: line {fault.line} `{fault.before}` -> "
                                 f"`{fault.after}`; got {[d.code for d in found]}")  # fmt: skip
        for d in found:
            if d not in hit and (d.code, d.message) not in baseline and fault.kind in LOCATED:
                extra[d.code] += 1
    clean_findings = [
        f"{clean_rels[d.path]}:{d.start.line}:{d.start.column}: {d.code} {d.message}"
        for d in diagnostics
        if d.path in clean_rels
    ]
    noted = {d.path for d in diagnostics if d.path in clean_rels}
    return {
        "notes": len(paths),
        "faulty_notes": len(faults),
        "seconds": round(seconds, 3),
        "kinds": {
            k: {**asdict(r), "recall": r.recall, "target": TARGETS.get(k)}
            for k, r in results.items()
        },
        "clean_findings": clean_findings,
        "clean_finding_rate": len(noted) / len(paths) if paths else 0.0,
        "extra_findings_on_faulty_notes": dict(extra),
        "internal_errors": [str(e) for e in run.result.internal_errors],
    }


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _covers(diagnostic, fault: Fault) -> bool:
    """A number or name finding must cover the new text; a template finding anywhere."""
    if fault.kind not in LOCATED:
        return True
    if diagnostic.start.line != fault.line:
        return False
    start, end = fault.column, fault.column + fault.length
    return diagnostic.start.column < end and diagnostic.end.column > start


def targets_met(report: dict) -> bool:
    """Recall at or above target for every kind with one, and no finding on a clean note."""
    for kind in report["kinds"].values():
        checked = kind["target"] is not None and kind["injected"]
        if checked and (kind["recall"] is None or kind["recall"] < kind["target"]):
            return False
    return not report["clean_findings"] and not report["internal_errors"]


def render(report: dict, verbose: bool = False) -> str:
    out = [
        f"summary-claims evaluation: {report['notes']} clean notes, "
        f"{report['faulty_notes']} faulty copies, checked in {report['seconds']:.2f} s",
        "",
        f"{'fault kind':<15}{'rules':<16}{'injected':>9}{'found':>7}{'recall':>9}{'target':>8}",
    ]
    for name, kind in report["kinds"].items():
        rules = ",".join(kind["rules"]) or "(none yet)"
        recall = "n/a" if kind["recall"] is None else f"{kind['recall']:.1%}"
        target = "" if kind["target"] is None else f"{kind['target']:.0%}"
        out.append(
            f"{name:<15}{rules:<16}{kind['injected']:>9}{kind['found']:>7}{recall:>9}{target:>8}"
        )
        if verbose:
            out += [f"    missed: {m}" for m in kind["missed"]]
    rate = report["clean_finding_rate"]
    out += [
        "",
        f"untouched notes with a finding: {rate:.1%} ({len(report['clean_findings'])} findings)",
    ]
    out += [f"    {line}" for line in report["clean_findings"]]
    extra = report["extra_findings_on_faulty_notes"]
    out.append(f"other findings on faulty notes (number/name kinds): {sum(extra.values())} {extra}")
    if report["internal_errors"]:
        out.append(f"internal errors: {report['internal_errors']}")
    out.append("targets met" if targets_met(report) else "TARGETS NOT MET")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notes", type=Path, default=NOTES, help="folder of clean notes")
    parser.add_argument("--limit", type=int, default=None, help="use the first N notes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=2, help="faulty copies per note and kind")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--verbose", action="store_true", help="list the missed faults")
    parser.add_argument("--keep", type=Path, default=None, help="write the vault here and keep it")
    args = parser.parse_args(argv)
    report = evaluate(args.notes, args.limit, args.seed, args.per_kind, args.keep)
    print(
        json.dumps(report, ensure_ascii=False, indent=2)
        if args.json
        else render(report, args.verbose)
    )
    return 0 if targets_met(report) else 1


if __name__ == "__main__":
    sys.exit(main())
