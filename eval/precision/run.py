"""Precision of vaultkit's rules on a real vault, measured against hand-written labels.

    python eval/precision/run.py [--vault PATH] [--json]      # the report
    python eval/precision/run.py sample CODE [-n 40] [--seed S]  # findings to label next
    python eval/precision/run.py tidy                          # sort and check the label files

Runs `vaultkit check` once on the vault (default `../shared/corpus/vault-a`
relative to the repository) through the command line, with its cache in a
temporary folder outside the vault, and matches the findings against the
labels in `labels/CODE.jsonl`: one JSON object a line,

    {"path": …, "code": …, "line": …, "text": …, "message": …, "label": true|false,
     "reason": …}

where `text` is the stripped source line the finding is on (at most 200
characters). A label matches a finding by (path, code, text), not by line
number, so labels survive edits above them; findings sharing a key are
matched in order. Exit code 0 when every default-on rule with labels has a
precision of at least 95 % and no finding labelled false is reported, 1 when
not, 2 for a usage error or malformed labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LABELS = HERE / "labels"
CORPUS = Path("shared", "corpus", "vault-a")
# ../shared/corpus/vault-a beside the repository (or beside a folder above it: a worktree)
DEFAULT_VAULT = next(
    (folder / CORPUS for folder in REPO.parents if (folder / CORPUS).is_dir()),
    REPO.parent / CORPUS,
)
TARGET = 0.95  # a default rule wrong one time in twenty is a bug
SAMPLE = 40  # labels a rule needs (all of its findings when it has fewer)
TEXT_MAX = 200
FIELDS = ("path", "code", "line", "text", "message", "label", "reason")


class LabelError(Exception):
    """A label file that cannot be read as labels."""


@dataclass
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    text: str  # the stripped source line, truncated: the label key's third part

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.code, self.text)

    def template(self) -> str:
        entry = {"path": self.path, "code": self.code, "line": self.line, "text": self.text,
                 "message": self.message, "label": None, "reason": ""}  # fmt: skip
        return json.dumps(entry, ensure_ascii=False)


@dataclass
class RuleCount:
    code: str
    category: str
    default: bool
    findings: int = 0
    true: int = 0
    false: int = 0

    @property
    def labelled(self) -> int:
        return self.true + self.false

    @property
    def unlabelled(self) -> int:
        return self.findings - self.labelled

    @property
    def precision(self) -> float | None:
        return self.true / self.labelled if self.labelled else None

    @property
    def needed(self) -> int:
        return min(SAMPLE, self.findings)


@dataclass
class Measurement:
    vault: Path
    rules: dict[str, RuleCount]
    still_false: list[tuple[Finding, dict]] = field(default_factory=list)
    vanished: list[dict] = field(default_factory=list)
    unlabelled: dict[str, list[Finding]] = field(default_factory=dict)

    def below_target(self) -> list[RuleCount]:
        """Default-on rules whose labelled findings are less than 95 % true."""
        return [
            rule for rule in self.rules.values()
            if rule.default and rule.precision is not None and rule.precision < TARGET
        ]  # fmt: skip

    def passed(self) -> bool:
        return not self.below_target() and not self.still_false

    def categories(self) -> dict[str, RuleCount]:
        totals: dict[str, RuleCount] = {}
        for rule in self.rules.values():
            total = totals.setdefault(rule.category, RuleCount(rule.category, rule.category, True))
            total.findings += rule.findings
            total.true += rule.true
            total.false += rule.false
        return dict(sorted(totals.items()))

    def weighted(self) -> float | None:
        """Expected share of true findings: each labelled rule's precision weighted by its
        number of findings (rules without labels left out)."""
        measured = [r for r in self.rules.values() if r.precision is not None and r.findings]
        total = sum(r.findings for r in measured)
        return sum(r.findings * r.precision for r in measured) / total if total else None

    def to_dict(self) -> dict:
        def rule_dict(rule: RuleCount) -> dict:
            return {"code": rule.code, "category": rule.category, "default": rule.default,
                    "findings": rule.findings, "labelled": rule.labelled, "true": rule.true,
                    "false": rule.false, "unlabelled": rule.unlabelled,
                    "needed": rule.needed, "precision": rule.precision}  # fmt: skip

        return {
            "vault": str(self.vault),
            "target": TARGET,
            "rules": [rule_dict(r) for r in self.rules.values()],
            "categories": [rule_dict(r) for r in self.categories().values()],
            "weighted_precision": self.weighted(),
            "below_target": [r.code for r in self.below_target()],
            "still_false": [label for _, label in self.still_false],
            "vanished": self.vanished,
            "passed": self.passed(),
        }


# ------------------------------------------------------------------ running vaultkit


def cache_dir() -> Path:
    """A cache folder outside the vault, one per checkout (the cache key covers the code)."""
    tag = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"vaultkit-precision-{tag}"


def run_vaultkit(vault: Path, cache: Path | None = None) -> list[dict]:
    """The findings of `vaultkit check VAULT` (default rules and configuration), as dicts."""
    env = dict(os.environ, VAULTKIT_CACHE_DIR=str(cache or cache_dir()))
    command = [sys.executable, "-m", "vaultkit", "check", str(vault),
               "--output-format", "json", "--exit-zero", "--no-color"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"vaultkit check failed ({done.returncode}): {done.stderr.decode()}")
    return json.loads(done.stdout)["diagnostics"]


def source_line(vault: Path, path: str, line: int, cache: dict[str, list[str]]) -> str:
    """The stripped text of line `line` (1-based) of a note, truncated: a label's key."""
    lines = cache.get(path)
    if lines is None:
        try:
            data = (vault / path).read_bytes().decode("utf-8", "replace")
        except OSError:
            data = ""
        lines = cache[path] = [text.removesuffix("\r") for text in data.split("\n")]
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return text.strip()[:TEXT_MAX]


def findings(vault: Path, cache: Path | None = None) -> list[Finding]:
    lines: dict[str, list[str]] = {}
    return [
        Finding(d["path"], d["line"], d["column"], d["code"], d["message"],
                source_line(vault, d["path"], d["line"], lines))
        for d in run_vaultkit(vault, cache)
    ]  # fmt: skip


# ------------------------------------------------------------------ labels


def load_labels(folder: Path = LABELS) -> list[dict]:
    """Every label, file by file in file order; `LabelError` names a malformed line."""
    labels = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            where = f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}:{number}"
            try:
                label = json.loads(raw)
            except json.JSONDecodeError as error:
                raise LabelError(f"{where}: not JSON: {error}") from None
            missing = [name for name in FIELDS if name not in label]
            if missing:
                raise LabelError(f"{where}: missing {', '.join(missing)}")
            if not isinstance(label["label"], bool):
                raise LabelError(f"{where}: `label` must be true or false, not {label['label']!r}")
            if label["code"] != path.stem:
                raise LabelError(f"{where}: code {label['code']} in {path.name}")
            if not str(label["reason"]).strip():
                raise LabelError(f"{where}: a label needs its one-line reason")
            labels.append(label)
    return labels


def rule_catalogue() -> dict[str, tuple[str, bool]]:
    """{code: (category, on by default)} for every registered rule."""
    from vaultkit.rules import all_rules

    return {rule.code: (rule.category, rule.default_enabled) for rule in all_rules()}


def measure(
    vault: Path = DEFAULT_VAULT, cache: Path | None = None, folder: Path = LABELS
) -> Measurement:
    """Run vaultkit on `vault` once and match its findings against the labels in `folder`."""
    labels = load_labels(folder)
    found = findings(vault, cache)
    catalogue = rule_catalogue()
    rules: dict[str, RuleCount] = {}

    def count(code: str) -> RuleCount:
        if code not in rules:
            category, default = catalogue.get(code, ("?", True))
            rules[code] = RuleCount(code, category, default)
        return rules[code]

    waiting: dict[tuple, list[dict]] = defaultdict(list)
    for label in labels:
        waiting[(label["path"], label["code"], label["text"])].append(label)
    measurement = Measurement(vault, rules)
    for finding in found:
        rule = count(finding.code)
        rule.findings += 1
        queue = waiting.get(finding.key)
        if not queue:
            measurement.unlabelled.setdefault(finding.code, []).append(finding)
            continue
        label = queue.pop(0)
        if label["label"]:
            rule.true += 1
        else:
            rule.false += 1
            measurement.still_false.append((finding, label))
    for queue in waiting.values():
        measurement.vanished += queue
    for label in labels:
        count(label["code"])  # a rule whose every labelled finding vanished still shows
    measurement.rules = dict(sorted(rules.items()))
    return measurement


# ------------------------------------------------------------------ output


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _counts(r: RuleCount) -> str:
    return (f"{r.findings:>9}{r.labelled:>10}{r.true:>7}{r.false:>7}{r.unlabelled:>12}"
            f"{_percent(r.precision):>11}")  # fmt: skip


def print_report(measurement: Measurement) -> None:
    rows = measurement.rules.values()
    total = sum(r.findings for r in rows)
    labelled = sum(r.labelled for r in rows)
    print(f"precision on {measurement.vault}: {total} findings, {labelled} labelled\n")
    counts = f"{'findings':>9}{'labelled':>10}{'true':>7}{'false':>7}{'unlabelled':>12}"
    counts += f"{'precision':>11}"
    print(f"per rule\n{'rule':<8}{'category':<13}{'default':<9}{counts}  note")
    for r in rows:
        note = ""
        if r.default and r.precision is not None and r.precision < TARGET:
            note = "BELOW 95%"
        elif r.labelled < r.needed:
            note = f"{r.needed - r.labelled} to label"
        print(f"{r.code:<8}{r.category:<13}{'on' if r.default else 'off':<9}{_counts(r)}  {note}")
    print(f"\nper category\n{'category':<30}{counts}")
    for r in measurement.categories().values():
        print(f"{r.category:<30}{_counts(r)}")
    print()
    print(f"weighted precision (labelled rules, by findings): {_percent(measurement.weighted())}")
    if measurement.still_false:
        print(
            f"\nfindings labelled false that are still reported ({len(measurement.still_false)}):"
        )
        for finding, label in measurement.still_false:
            print(f"  {finding.path}:{finding.line}:{finding.column}: {finding.code} "
                  f"{finding.message}\n      label: {label['reason']}")  # fmt: skip
    guards = Counter(label["code"] for label in measurement.vanished if not label["label"])
    if guards:
        counts = ", ".join(f"{code} {count}" for code, count in sorted(guards.items()))
        print(f"\nlabels false whose finding is gone, kept as guards ({guards.total()}): {counts}")
    gone = [label for label in measurement.vanished if label["label"]]
    if gone:
        print(f"\nlabels true whose finding is no longer reported ({len(gone)}; relabel "
              "what replaced it, or drop the label if the rule rightly stopped):")  # fmt: skip
        for label in gone:
            where = f"{label['path']}:{label['line']}"
            print(f"  {where}: {label['code']} {label['text'][:80]}")
    below = measurement.below_target()
    print()
    if below:
        print("default-on rules below 95%: " + ", ".join(
            f"{r.code} ({_percent(r.precision)} of {r.labelled})" for r in below))  # fmt: skip
    else:
        print("every default-on rule with labels is at or above 95%")


def print_sample(measurement: Measurement, code: str, count: int, seed: int, context: int) -> int:
    pool = measurement.unlabelled.get(code, [])
    if not pool:
        print(f"no unlabelled findings of {code}", file=sys.stderr)
        return 1
    chosen = random.Random(seed).sample(pool, min(count, len(pool)))
    chosen.sort(key=lambda f: (f.path, f.line, f.column))
    print(f"# {len(chosen)} of {len(pool)} unlabelled {code} findings (seed {seed})\n")
    for finding in chosen:
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}")
        try:
            lines = (measurement.vault / finding.path).read_text("utf-8", "replace").split("\n")
        except OSError:
            lines = []
        for number in range(max(1, finding.line - context), finding.line + context + 1):
            if number <= len(lines):
                mark = ">" if number == finding.line else " "
                print(f"  {mark}{number:>5} | {lines[number - 1].rstrip()[:160]}")
        print(finding.template())
        print()
    return 0


def tidy(folder: Path = LABELS) -> int:
    """Sort each label file by path then line, keeping the order of equal keys."""
    load_labels(folder)
    for path in sorted(folder.glob("*.jsonl")):
        rows = [
            json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()
        ]
        rows.sort(key=lambda label: (label["path"], label["line"]))
        text = "".join(
            json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n" for row in rows
        )
        path.write_text(text, encoding="utf-8")
    return 0


def _common_options(parser: argparse.ArgumentParser, default) -> None:
    """`--vault` and `--fresh-cache`, accepted before and after the subcommand."""
    parser.add_argument(
        "--vault",
        type=Path,
        default=default,
        help="the vault to check (default: ../shared/corpus/vault-a)",
    )
    parser.add_argument("--fresh-cache", action="store_true", default=default,
                        help="use a new, empty cache folder (default: one per checkout in the "
                             "temporary folder)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    _common_options(parser, argparse.SUPPRESS)
    parser.set_defaults(vault=DEFAULT_VAULT, fresh_cache=False)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    commands = parser.add_subparsers(dest="command")
    sample = commands.add_parser("sample", help="a seeded random sample of unlabelled findings")
    _common_options(sample, argparse.SUPPRESS)
    sample.add_argument("code")
    sample.add_argument("-n", type=int, default=SAMPLE)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--context", type=int, default=3, help="lines shown either side")
    commands.add_parser("tidy", help="sort the label files and check them")
    args = parser.parse_args(argv)
    try:
        if args.command == "tidy":
            return tidy()
        if not args.vault.is_dir():
            print(f"no vault at {args.vault}", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory() as fresh:
            cache = Path(fresh) if args.fresh_cache else None
            measurement = measure(args.vault.resolve(), cache)
    except LabelError as error:
        print(f"malformed label: {error}", file=sys.stderr)
        return 2
    if args.command == "sample":
        return print_sample(measurement, args.code.upper(), args.n, args.seed, args.context)
    if args.json:
        print(json.dumps(measurement.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(measurement)
    return 0 if measurement.passed() else 1


if __name__ == "__main__":
    sys.exit(main())
