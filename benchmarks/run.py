"""Time `vaultkit check` on a generated vault against what reading and parsing cost.

    python benchmarks/run.py                    # 3,000 notes, 5 interleaved runs
    python benchmarks/run.py --notes 300 --runs 7
    python benchmarks/run.py --vault ~/my-vault --runs 5
    python benchmarks/run.py --profile          # one in-process check under cProfile

Each run measures, in turn (the order rotates from run to run):
  (a) read floor   walk the vault and read + decode every `.md` file, in this process
  (b) parse floor  (a) plus `yaml.compose` (CSafeLoader) of each frontmatter and
                   `pyromark.events_with_range` of each body, in this process
  (c) check        `vaultkit check VAULT --output-format json -o FILE` in a fresh process
  (d) example      the same on fixtures/example-vault (tiny: mostly start-up cost)
  (s) start-up     `python -m vaultkit --version` in a fresh process
and prints medians with min/max, ratios of (c) to the floors, files/second and
the check's peak RSS. See benchmarks/README.md for how to read the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import make_vault
import pyromark
import recall
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "example-vault"
OUT = REPO / "benchmarks" / "out"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The Markdown options vaultkit's note parser uses (vaultkit/note.py).
OPTIONS = (
    pyromark.Options.ENABLE_WIKILINKS
    | pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_MATH
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
)
FRONTMATTER = re.compile(r"---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
LABELS = {
    "a": "(a) read floor",
    "b": "(b) parse floor",
    "c": "(c) vaultkit check",
    "d": "(d) example-vault",
    "s": "(s) CLI start-up",
}
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"}


def note_paths(root: Path) -> list[Path]:
    """The vault's `.md` files, skipping hidden folders, as vaultkit does."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        found += [Path(folder, f) for f in files if f.endswith(".md") and not f.startswith(".")]
    return found


def read_floor(root: Path) -> int:
    total = 0
    for path in note_paths(root):
        total += len(path.read_bytes().decode("utf-8", "replace"))
    return total


def parse_floor(root: Path) -> int:
    events = 0
    for path in note_paths(root):
        text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
        body = text
        match = FRONTMATTER.match(text)
        if match:
            with contextlib.suppress(yaml.YAMLError):
                yaml.compose(match.group(1), Loader=LOADER)
            body = text[match.end() :]
        for _ in pyromark.events_with_range(body, options=OPTIONS):
            events += 1
    return events


class Child:
    """A finished subprocess: wall time, exit code, peak RSS and CPU from its own rusage."""

    def __init__(self, argv: list[str], stderr_path: Path) -> None:
        with open(stderr_path, "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
            _, status, usage = os.wait4(proc.pid, 0)
            self.seconds = time.perf_counter() - start
        proc.returncode = self.returncode = os.waitstatus_to_exitcode(status)
        self.peak_rss_mb = usage.ru_maxrss / 1024  # Linux reports KiB
        self.cpu = usage.ru_utime + usage.ru_stime
        self.stderr = stderr_path.read_text(encoding="utf-8", errors="replace")


def check_argv(vault: Path, output: Path) -> list[str]:
    argv = [sys.executable, "-m", "vaultkit", "check", str(vault)]
    return [*argv, "--output-format", "json", "--output-file", str(output), *COLD_FLAGS]


def _cold_flags() -> list[str]:
    """`--no-cache` if this vaultkit has a cache (a cold check must not use it)."""
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", "--help"],
        capture_output=True, text=True, env=ENV, check=False,
    )  # fmt: skip
    return ["--no-cache"] if "--no-cache" in done.stdout else []


COLD_FLAGS: list[str] = []


def run_check(vault: Path, work: Path, label: str) -> Child:
    """One cold check; its JSON report is `child.output` (a new file for every run)."""
    shutil.rmtree(vault / ".vaultkit_cache", ignore_errors=True)
    output = work / f"{label}-{next(RUNS)}.json"
    child = Child(check_argv(vault, output), output.with_suffix(".err"))
    child.output = output
    return child


RUNS = itertools.count()


def prepare(args: argparse.Namespace) -> Path:
    vault = args.vault or OUT / f"vault-{args.notes}-seed{args.seed}"
    manifest = vault / make_vault.MANIFEST
    if args.vault and vault.exists() and not manifest.exists():
        return vault  # a real vault: use as is
    if manifest.exists():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        same = (meta["version"], meta["notes"], meta["seed"]) == (
            make_vault.VERSION, args.notes, args.seed,
        )  # fmt: skip
        if same or args.vault:
            return vault
    print(f"generating {args.notes} notes (seed {args.seed}) into {vault} …", flush=True)
    make_vault.generate(args.notes, vault, args.seed)
    return vault


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `fn()` in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} s ({min(values):.3f}–{max(values):.3f})"


def breakdown(vault: Path, top: int) -> None:
    """CPU seconds per phase and per rule of one in-process check, without a profiler.

    Wraps `vault.load`, `linter.lint`, each rule's `check`/`check_vault` and the JSON
    reporter in timers; the rule times include consuming their generators.
    """
    from vaultkit import linter, rules
    from vaultkit import vault as vault_module
    from vaultkit.report import FORMATS, Report

    spent: dict[str, float] = {}

    def timer(label: str, fn: Callable, consume: bool = False) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                result = fn(*args, **kwargs)
                return list(result) if consume else result
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        return wrapper

    originals = [(vault_module, "load"), (linter, "lint")]
    for rule in rules.all_rules():
        name = "check_vault" if issubclass(rule, rules.VaultRule) else "check"
        originals.append((rule, name))
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name in originals]
    try:
        vault_module.load = timer("load: discover, read, parse", vault_module.load)
        linter.lint = timer("lint: all rules + suppressions", linter.lint)
        for owner, name, _ in saved[2:]:
            fn = getattr(owner, name)
            setattr(owner, name, timer(f"  {owner.code} {owner.name}", fn, consume=True))
        start = time.process_time()
        run = linter.check_paths([vault])
        report = Report(run.root, run.result.diagnostics, run.result.files_checked, "bench")
        FORMATS["json"](report)
        total = time.process_time() - start
    finally:
        for owner, name, fn in saved:
            if fn is None:
                delattr(owner, name)
            else:
                setattr(owner, name, fn)
    print(f"\n== CPU seconds of one in-process check ({total:.2f} s in all, no start-up)")
    phases = [(k, v) for k, v in spent.items() if not k.startswith("  ")]
    per_rule = sorted(
        ((k, v) for k, v in spent.items() if k.startswith("  ")), key=lambda kv: -kv[1]
    )
    for label, seconds in phases + per_rule[:top]:
        print(f"{seconds:8.3f}  {seconds / total:6.1%}  {label}")


def profile(vault: Path, top: int) -> None:
    """One cold check in this process under cProfile; print vaultkit's own hot spots."""
    from vaultkit.linter import check_paths
    from vaultkit.report import FORMATS, Report

    breakdown(vault, top)
    profiler = cProfile.Profile()
    profiler.enable()
    run = check_paths([vault])
    report = Report(run.root, run.result.diagnostics, run.result.files_checked, "bench")
    FORMATS["json"](report)
    profiler.disable()
    for title, key, restrict in (
        ("cProfile: own time, vaultkit code", "tottime", r"vaultkit/"),
        ("cProfile: cumulative time, vaultkit code", "cumulative", r"vaultkit/"),
    ):
        out = io.StringIO()
        stats_ = pstats.Stats(profiler, stream=out).sort_stats(key)
        stats_.print_stats(restrict, top)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"\n== {title} (top {top}; cProfile inflates many small calls)")
        print("\n".join(line.replace(str(REPO) + "/", "") for line in lines[start:] if line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=3000, help="notes to generate (3000)")
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs (>= 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vault", type=Path, help="use (or generate into) this vault")
    parser.add_argument("--profile", action="store_true", help="profile one check instead")
    parser.add_argument("--top", type=int, default=25, help="rows per profile table")
    args = parser.parse_args(argv)
    vault = prepare(args).resolve()
    if args.profile:
        profile(vault, args.top)
        return 0
    COLD_FLAGS[:] = _cold_flags()
    paths = note_paths(vault)
    size = sum(p.stat().st_size for p in paths)
    manifest_path = vault / make_vault.MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else None

    wall: dict[str, list[float]] = {k: [] for k in LABELS}
    cpu: dict[str, list[float]] = {k: [] for k in LABELS}
    children: dict[str, list[Child]] = {"c": [], "d": [], "s": []}
    failed: list[tuple[str, Child]] = []
    with tempfile.TemporaryDirectory(prefix="vaultkit-bench-") as tmp:
        work = Path(tmp)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("a", lambda: read_floor(vault)),
            ("b", lambda: parse_floor(vault)),
            ("c", lambda: run_check(vault, work, "check")),
            ("s", lambda: Child([sys.executable, "-m", "vaultkit", "--version"], work / "s.err")),
        ]
        if EXAMPLE.is_dir():
            steps.append(("d", lambda: run_check(EXAMPLE, work, "example")))
        for run in range(max(1, args.runs)):
            for key, step in steps[run % len(steps) :] + steps[: run % len(steps)]:
                if key in children:
                    child = step()
                    if child.returncode not in (0, 1):  # a crash must not count as a fast run
                        failed.append((LABELS[key], child))
                        continue
                    children[key].append(child)
                    wall[key].append(child.seconds)
                    cpu[key].append(child.cpu)
                else:
                    seconds, used = timed(step)
                    wall[key].append(seconds)
                    cpu[key].append(used)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
        for label, child in failed:
            print(f"{label} failed (exit {child.returncode}), not timed:\n{child.stderr[-2000:]}")
        if not children["c"] or not children["s"]:
            return 2
        last = children["c"][-1]
        report = json.loads(last.output.read_text("utf-8"))

    files = report["summary"]["files_checked"]
    print(f"\nvault: {vault}")
    print(f"  {len(paths)} notes, {size / 1e6:.1f} MB of Markdown; python {sys.version.split()[0]}")
    print(f"  {args.runs} interleaved runs; seconds as median (min–max)\n")
    print_times(wall, cpu, {"a": len(paths), "b": len(paths), "c": files})
    rss = statistics.median(c.peak_rss_mb for c in children["c"])
    print(f"\n(c) peak RSS {rss:.0f} MB (median of the runs' maxima)")
    codes = ", ".join(f"{c}={n}" for c, n in report["summary"]["by_code"].items())
    print(f"\ncheck exit code {last.returncode} (1 = findings, expected); {files} files checked;")
    print(f"  {report['summary']['diagnostics']} findings: {codes}")
    if children["d"]:
        print(f"example-vault exit code {children['d'][-1].returncode}")
    errors = [line for line in last.stderr.splitlines() if "internal error" in line]
    if errors:
        print(f"\nINTERNAL ERRORS ({len(errors)}):\n" + "\n".join(errors[:20]))
    if manifest is not None:
        print_recall(manifest, report["diagnostics"])
    return 0


def print_times(wall: dict, cpu: dict, files: dict[str, int]) -> None:
    print(f"{'':22}{'wall':<28}{'CPU (user+sys)':<28}files/s (CPU)")
    for key, label in LABELS.items():
        if wall[key]:
            rate = f"{files[key] / statistics.median(cpu[key]):9.0f}" if key in files else ""
            print(f"{label:<22}{spread(wall[key]):<28}{spread(cpu[key]):<28}{rate}")
    for name, values in (("wall", wall), ("CPU", cpu)):
        m = {k: statistics.median(v) for k, v in values.items() if v}
        print(
            f"ratios ({name:>4}): c/a = {m['c'] / m['a']:5.1f}x   c/b = {m['c'] / m['b']:5.2f}x"
            f"   (c-s)/b = {(m['c'] - m['s']) / m['b']:5.2f}x"
        )


def print_recall(manifest: dict, diagnostics: list[dict]) -> None:
    from vaultkit.rules import all_rules

    rules = {rule.code: rule.name for rule in all_rules()}
    print("\nrecall of injected faults (kind: found/injected by the rules that exist today):")
    unchecked = []
    for kind in recall.compare(manifest, diagnostics, rules):
        if not kind.codes:
            unchecked.append(f"{kind.kind}({kind.injected})")
            continue
        line = f"  {kind.kind:<24} {kind.found:>4}/{kind.injected:<4} by {','.join(kind.codes)}"
        if kind.unexpected:
            line += f"  UNEXPECTED {kind.unexpected[:3]}"
        print(line)
    print(f"  no rule yet for: {' '.join(unchecked) or '-'}")
    clean = recall.clean_findings(manifest, diagnostics)
    faulty = len({f["note"] for f in manifest["faults"]})
    print(
        f"findings on the {manifest['notes'] - faulty} notes without an injected fault: "
        + (", ".join(f"{c}={n}" for c, n in sorted(clean.items())) or "none")
    )


if __name__ == "__main__":
    sys.exit(main())
