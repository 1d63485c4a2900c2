"""`run.py --profile`: where one in-process cold check spends its time (one process).

`breakdown` wraps `vault.load`, `linter.lint`, each rule's `check`/`check_vault`
and the JSON reporter in CPU timers (no profiler overhead); `profile` then runs
the check again under cProfile and prints vaultkit's own hot spots.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def breakdown(vault: Path, top: int) -> None:
    """CPU seconds per phase and per rule of one in-process check, without a profiler.

    Wraps the phases (`vault.plan`, `analysis.analyse`, `vault.assemble`, `linter.lint`,
    or `vault.load` in older versions), each rule's `check`/`check_vault` and the JSON
    reporter in timers; the rule times include consuming their generators. Runs in one
    process (`VAULTKIT_WORKERS=1`, see `profile`), so the note rules' time is seen.
    """
    from vaultkit import linter, rules
    from vaultkit import vault as vault_module
    from vaultkit.report import FORMATS, Report

    try:
        from vaultkit import analysis
    except ImportError:  # before the parse cache and parallel parsing
        analysis = None
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

    # The phases of a check, whichever this vaultkit has (the rules' times nest in them).
    phases = [
        (vault_module, "load", "load: discover, read, parse"),
        (vault_module, "plan", "plan: discover the files"),
        (analysis, "analyse", "analyse: read, parse, note rules"),
        (vault_module, "assemble", "assemble: the vault and its index"),
        (linter, "lint", "lint: vault rules + suppressions"),
    ]
    phases = [(o, n, label) for o, n, label in phases if o is not None and hasattr(o, n)]
    originals = [(owner, name) for owner, name, _ in phases]
    for rule in rules.all_rules():
        name = "check_vault" if issubclass(rule, rules.VaultRule) else "check"
        originals.append((rule, name))
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name in originals]
    try:
        for owner, name, label in phases:
            setattr(owner, name, timer(label, getattr(owner, name)))
        for owner, name, _ in saved[len(phases) :]:
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

    os.environ["VAULTKIT_WORKERS"] = "1"  # no worker processes: both tables see all work
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
