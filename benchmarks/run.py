"""Time `vaultkit check` on a generated vault against the floors and against peers.

    python benchmarks/run.py                     # 3,300 notes, 5 interleaved runs, peers
    python benchmarks/run.py --notes 300 --runs 7
    python benchmarks/run.py --vault ~/my-vault  # your own vault (see the README first)
    python benchmarks/run.py --scale             # cold runs at N and 10·N notes
    python benchmarks/run.py --profile           # one in-process check, per rule and cProfile
    python benchmarks/run.py --quick --notes 40 --runs 1   # smoke test: no peers

Each run measures, in turn (the order rotates from run to run):
  (a)  read floor     read + decode every `.md` file, in this process
  (b)  parse floor    (a) + libyaml `compose` of each frontmatter + pyromark events, one process
  (b2) parse floor    (b) over a pool of 2 forked processes, in chunks
  (c)  cold check     `vaultkit check --no-cache`, `.vaultkit_cache/` deleted first
  (w)  warm check     the same with the cache of an earlier run, nothing changed
  (u)  one change     one article gets a line appended (restored afterwards), then the hook's
                      check of it, with cache
  (p)  pre-commit     `vaultkit check` given 5 notes of the vault, with cache
  (d)  example vault  cold check of fixtures/example-vault (mostly start-up)
  (s)  start-up       `python -m vaultkit --version`
  (r), (m), (o)       rumdl, markdownlint-cli2, obsidiantools on the same vault, cold
and prints medians with min–max, CPU, ratios to the floor, peak RSS, the recall of the
injected faults, and a Markdown table with the issue's targets. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import _peers
import _profile
import make_vault
import recall
from _measure import (
    ENV,
    Child,
    note_paths,
    parallel_parse_floor,
    parse_floor,
    read_floor,
    start_spawner,
    timed,
)
from _replay import KINDS, Replay
from _report import Line, markdown_table, side_by_side, targets

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "example-vault"
# The real vault, ../shared/corpus/vault-a beside the repository (or a folder above it: a
# worktree), when present.
CORPUS = next(
    (folder / "shared/corpus/vault-a" for folder in REPO.parents
     if (folder / "shared/corpus/vault-a").is_dir()),
    REPO.parent / "shared/corpus/vault-a",
)  # fmt: skip
OUT = REPO / "benchmarks" / "out"
CACHE = ".vaultkit_cache"
EDIT = "\n<!-- vaultkit benchmark: edit {n} -->\n"


class Vaultkit:
    """`vaultkit check` subprocesses on one vault, tracking whether its cache is warm."""

    def __init__(self, vault: Path, work: Path, cold_flags: list[str]) -> None:
        self.vault, self.work, self.cold_flags = vault, work, cold_flags
        self.warm_state = False  # the cache holds this vault as it is now
        self.cache_seen = False  # a run with cache left `.vaultkit_cache/` behind
        self.cache_mb = 0.0  # its size after a warm run
        self.count = 0
        self.last: dict[str, Child] = {}
        # (kind, note edited, seconds, findings identical to a cold check or None: not compared)
        self.replayed: list[tuple[str, str, float, bool | None]] = []

    def run(
        self, label: str, targets: list[Path], cold: bool = False, flags: tuple[str, ...] = ()
    ) -> Child:
        self.count += 1
        # The warm run repeats the priming run's command exactly, output file included (the
        # printed report is replayed only for the same options), as a user's next run would.
        same = label in ("prime", "warm")
        output = self.work / ("warm.json" if same else f"{label}-{self.count}.json")
        argv = [sys.executable, "-m", "vaultkit", "check", "--output-format", "json"]
        argv += ["--output-file", str(output), *flags, *(self.cold_flags if cold else [])]
        child = Child([*argv, "--", *map(str, targets)], output.with_suffix(".err"))
        child.output = output
        self.last[label] = child
        return child

    def cold(self, _: int) -> Child:
        shutil.rmtree(self.vault / CACHE, ignore_errors=True)
        self.warm_state = False  # `--no-cache` may or may not write one
        return self.run("cold", [self.vault], cold=True)

    def prime(self) -> None:
        """An untimed run with cache, so that the next one finds it warm."""
        if not self.warm_state:
            self.run("prime", [self.vault])
            self.warm_state = True
            self.cache_seen |= (self.vault / CACHE).is_dir()

    def warm(self, _: int) -> Child:
        self.prime()
        child = self.run("warm", [self.vault])
        cache = self.vault / CACHE
        if cache.is_dir():
            size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
            self.cache_mb = max(self.cache_mb, size / 1e6)
        return child

    def changed(self, note: Path, n: int) -> Child:
        self.prime()
        original, stat = note.read_bytes(), note.stat()
        try:
            note.write_bytes(original + EDIT.format(n=n).encode())
            return self.run("changed", [note])  # what the hook runs
        finally:
            note.write_bytes(original)
            os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            self.warm_state = False  # the cache now holds the edited note

    def precommit(self, notes: list[Path]) -> Child:
        self.prime()
        return self.run("precommit", notes)

    def replay(self, replay: Replay, kind: str, verify: bool) -> Child | None:
        """One edit of the commit replay: the hook's command on the files it changed (warm
        cache), then, with `verify`, a cold check of the same files to compare findings."""
        self.prime()
        applied = replay.apply(kind)
        if applied is None:
            return None
        try:
            child = self.run("replay", applied.files)
            same = None
            if verify:
                same = same_findings(child, self.run("replay-cold", applied.files, cold=True))
            self.replayed.append((kind, applied.note, child.seconds, same))
            return child
        finally:
            applied.undo()
            self.warm_state = False  # the cache now holds the edited vault

    def fix(self, source: Path) -> Child:
        """`--fix` over the whole vault without a cache; the notes are restored afterwards."""
        shutil.rmtree(self.vault / CACHE, ignore_errors=True)
        self.warm_state = False
        try:
            return self.run("fix", [self.vault], cold=True, flags=("--fix", "--exit-zero"))
        finally:
            restore(self.vault, source)


def working_copy(source: Path, work: Path) -> Path:
    """A writable copy of the vault (times kept) for the runs that edit notes or write a cache;
    the vault itself is never written."""
    copy = work / "vault"
    skip = shutil.ignore_patterns(CACHE, ".git", ".rumdl_cache")
    shutil.copytree(source, copy, ignore=skip, symlinks=True)
    for folder, _dirs, files in os.walk(copy):
        os.chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)
    return copy


def restore(copy: Path, source: Path) -> None:
    """Put back every note of `copy` that differs from `source` (after `--fix`): its bytes
    and times, not its mode (a read-only vault's copy stays writable, or the next `--fix`
    would be refused every write)."""
    for path in note_paths(source):
        target = copy / path.relative_to(source)
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
            info = path.stat()
            os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))


def _cold_flags() -> list[str]:
    """`--no-cache` if this vaultkit has it (a cold check must not use a cache)."""
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", "--help"],
        capture_output=True, text=True, env=ENV, check=False,
    )  # fmt: skip
    return ["--no-cache"] if "--no-cache" in done.stdout else []


def prepare(vault: Path | None, notes: int, seed: int) -> Path:
    """The vault to check: `vault` as is, or a generated one (made once, then reused)."""
    vault = vault or OUT / f"vault-{notes}-seed{seed}"
    manifest = vault / make_vault.MANIFEST
    if vault.exists() and not manifest.exists() and any(vault.iterdir()):
        return vault  # a real vault: use as is
    if manifest.exists():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        if (meta["version"], meta["notes"], meta["seed"]) == (make_vault.VERSION, notes, seed):
            return vault
    print(f"generating {notes} notes (seed {seed}) into {vault} …", file=sys.stderr, flush=True)
    make_vault.generate(notes, vault, seed)
    return vault


def clean_articles(vault: Path, manifest: dict | None) -> list[Path]:
    """Notes to edit and commit: generated articles without an injected fault (any article
    when a small vault has none); none for a vault that was not generated."""
    if manifest is None:
        return []
    faulty = {f["note"] for f in manifest["faults"]}
    articles = sorted(vault.glob(f"{make_vault.ARTICLES}/*/*.md"))
    return [p for p in articles if p.relative_to(vault).as_posix() not in faulty] or articles


def measure(
    args: argparse.Namespace, source: Path, vault: Path, work: Path
) -> tuple[dict, Vaultkit, list]:
    """Run every step `args.runs` times, interleaved, on `vault` (a copy of `source`);
    return the lines by key."""
    manifest_path = vault / make_vault.MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else None
    replay = Replay(vault, note_paths(vault), seed=args.seed)
    articles = clean_articles(vault, manifest) or replay.articles
    checker = Vaultkit(vault, work, _cold_flags())
    peers = [] if args.quick or args.no_peers else _peers.find(
        args.rumdl, args.markdownlint, args.obsidiantools_python
    )  # fmt: skip
    goal = targets([peer.key for peer in peers])
    labels = {
        "a": "read floor",
        "b": "parse floor, 1 process",
        "b2": f"parse floor, {args.jobs} processes",
        "c": "vaultkit check, cold",
        "w": "warm (cache, nothing changed)",
        "u": "one note changed",
        "p": "pre-commit: 5 notes, warm",
        "x": "commit replay: hook on the edited notes",
        "f": "`--fix`, whole vault, cold",
        "d": "example vault, cold",
        "s": "start-up (`--version`)",
        **{peer.key: f"{peer.label}, cold" for peer in peers},
    }
    lines = {key: Line(key, label, goal.get(key, "")) for key, label in labels.items()}
    example = EXAMPLE.is_dir() and EXAMPLE.resolve() != source

    def example_run(_: int) -> Child:
        existed = (EXAMPLE / CACHE).exists()
        shutil.rmtree(EXAMPLE / CACHE, ignore_errors=True)
        child = Vaultkit(EXAMPLE, work, checker.cold_flags).run("example", [EXAMPLE], True)
        if not existed:
            shutil.rmtree(EXAMPLE / CACHE, ignore_errors=True)
        return child

    def peer_step(peer: _peers.Peer) -> Callable[[int], Child]:
        def step(n: int) -> Child:
            _peers.clear_cache(peer, vault, work)
            return Child(peer.command(vault), work / f"{peer.key}-{n}.err", cwd=work)

        return step

    def replay_step(kind: str) -> Callable[[int], Child | None]:
        return lambda n: checker.replay(replay, kind, verify=n < args.verify)

    steps: list[tuple[str, Callable[[int], object]]] = [
        ("a", lambda n: timed(lambda: read_floor(vault))),
        ("b", lambda n: timed(lambda: parse_floor(vault))),
        ("b2", lambda n: timed(lambda: parallel_parse_floor(vault, args.jobs))),
        ("c", checker.cold),
        ("w", checker.warm),
        ("s", lambda n: Child([sys.executable, "-m", "vaultkit", "--version"], work / "s.err")),
    ]
    if articles:
        steps.append(("u", lambda n: checker.changed(articles[(n * 7919) % len(articles)], n)))
    staged = articles or note_paths(vault)  # what pre-commit would pass
    if staged:
        pick = min(5, len(staged))
        steps.append(("p", lambda n: checker.precommit(random.Random(n).sample(staged, pick))))
    steps += [("x", replay_step(kind)) for kind in KINDS]
    if not args.no_fix:
        steps.append(("f", lambda n: checker.fix(source)))
    if example:
        steps.append(("d", example_run))
    steps += [(peer.key, peer_step(peer)) for peer in peers]
    limits = {peer.key: args.peer_runs or args.runs for peer in peers}
    if "o" in limits:  # minutes per run: once is enough unless asked for more
        limits["o"] = args.obsidiantools_runs
    for run in range(args.runs):
        start = run % len(steps)
        for key, step in steps[start:] + steps[:start]:
            if run >= limits.get(key, args.runs):
                continue
            result = step(run)
            if result is None:  # no note fits this edit
                continue
            if isinstance(result, Child):
                if result.returncode not in (0, 1):  # a crash must not count as a fast run
                    lines[key].failed.append(result)
                    continue
                result = result.sample
            lines[key].samples.append(result)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    return lines, checker, peers


def same_findings(a: Child | None, b: Child | None) -> bool | None:
    if a is None or b is None or not a.output.exists() or not b.output.exists():
        return None
    load = [json.loads(c.output.read_text("utf-8"))["diagnostics"] for c in (a, b)]
    return load[0] == load[1]


def print_replay(checker: Vaultkit) -> None:
    """Per kind of edit: the hook's median wall time and whether findings matched cold."""
    if not checker.replayed:
        return
    print("\ncommit replay (hook on the edited notes, warm cache): median wall per kind")
    for kind in KINDS:
        done = [r for r in checker.replayed if r[0] == kind]
        if not done:
            print(f"  {kind:<20} no note fits")
            continue
        compared = [same for *_, same in done if same is not None]
        verdict = ("not compared" if not compared else
                   "identical to cold" if all(compared) else "DIFFERENT FROM COLD")  # fmt: skip
        seconds = statistics.median(r[2] for r in done)
        print(f"  {kind:<20} {seconds:.3f} s over {len(done)}; findings {verdict}"
              f" ({sum(compared)}/{len(compared)} compared)")  # fmt: skip
    wrong = [(kind, note) for kind, note, _, same in checker.replayed if same is False]
    for kind, note in wrong:
        print(f"  DIFFERENT after {kind} of {note}")


def print_report(
    args, name: str, vault: Path, lines: dict[str, Line], checker: Vaultkit, peers
) -> int:
    paths = note_paths(vault)
    size = sum(p.stat().st_size for p in paths)
    for line in lines.values():
        for child in line.failed:
            print(f"({line.key}) {line.label} failed (exit {child.returncode}), not timed:\n"
                  f"{child.stderr[-2000:]}")  # fmt: skip
    cold = checker.last.get("cold")
    if cold is None or not lines["c"].samples:
        return 2
    report = json.loads(cold.output.read_text("utf-8"))
    files = report["summary"]["files_checked"]
    print(f"\nvault: {name} (checked as a copy, {vault})")
    print(f"  {len(paths)} notes, {size / 1e6:.1f} MB of Markdown; python {sys.version.split()[0]}")
    print(f"  {args.runs} interleaved runs; seconds as median (min–max)")
    print(f"\n{'':36}{'wall':<30}{'CPU (user+sys)':<30}files/s (CPU)")
    counts = {"a": len(paths), "b": len(paths), "b2": len(paths), "c": files}
    for key, line in lines.items():
        if line.samples:
            rate = f"{counts[key] / line.median('cpu'):9.0f}" if key in counts else ""
            label = f"({key}) {line.label}"
            print(f"{label:<36}{line.spread():<30}{line.spread('cpu'):<30}{rate}")
    m = {k: line.median() for k, line in lines.items() if line.samples}
    if {"c", "a", "b", "s"} <= m.keys():
        print(f"ratios (wall): c/a = {m['c'] / m['a']:.1f}x   c/b = {m['c'] / m['b']:.2f}x   "
              f"(c-s)/b = {(m['c'] - m['s']) / m['b']:.2f}x")  # fmt: skip
    if checker.cache_seen:
        print(f"\nvaultkit cache: {vault / CACHE} ({checker.cache_mb:.1f} MB after a warm run)")
    else:
        print(f"\nvaultkit cache: none was written ({CACHE}/ absent): (w), (u) and (p) ran cold")
    same = same_findings(cold, checker.last.get("warm"))
    if same is not None:
        print(f"warm findings identical to cold: {'yes' if same else 'NO'}")
    print_replay(checker)
    print(f"\ncheck exit code {cold.returncode} (1 = findings, expected); {files} files checked;")
    codes = ", ".join(f"{c}={n}" for c, n in report["summary"]["by_code"].items())
    print(f"  {report['summary']['diagnostics']} findings: {codes}")
    errors = [line for line in cold.stderr.splitlines() if "internal error" in line]
    if errors:
        print(f"\nINTERNAL ERRORS ({len(errors)}):\n" + "\n".join(errors[:20]))
    manifest_path = vault / make_vault.MANIFEST
    if manifest_path.exists():
        print_recall(json.loads(manifest_path.read_text("utf-8")), report["diagnostics"])
    if not (args.quick or args.no_peers):
        print(f"\npeers: {_peers.describe(peers)}")
        if note := _peers.missing_note(peers):
            print(f"  {note}")
    print(f"\n## Benchmark: {name}, {len(paths)} notes, {size / 1e6:.1f} MB, "
          f"{args.runs} interleaved run{'s' if args.runs > 1 else ''}\n")  # fmt: skip
    print(markdown_table(lines))
    return 0


def print_recall(manifest: dict, diagnostics: list[dict]) -> None:
    from vaultkit.rules import all_rules

    rules = {rule.code: rule.name for rule in all_rules() if rule.default_enabled}
    off = {rule.code: rule.name for rule in all_rules() if not rule.default_enabled}
    print("\nrecall of injected faults (kind: found/injected by the default rules):")
    unchecked = []
    for kind in recall.compare(manifest, diagnostics, rules):
        if not kind.codes:
            codes = recall.expected_codes(manifest["kinds"][kind.kind], off)
            note = f", off by default: {','.join(codes)}" if codes else ""
            unchecked.append(f"{kind.kind}({kind.injected}{note})")
            continue
        line = f"  {kind.kind:<24} {kind.found:>4}/{kind.injected:<4} by {','.join(kind.codes)}"
        if kind.unexpected:
            line += f"  UNEXPECTED {kind.unexpected[:3]}"
        print(line)
    print(f"  no default rule for: {' '.join(unchecked) or '-'}")
    clean = recall.clean_findings(manifest, diagnostics)
    faulty = len({f["note"] for f in manifest["faults"]})
    print(
        f"findings on the {manifest['notes'] - faulty} notes without an injected fault: "
        + (", ".join(f"{c}={n}" for c, n in sorted(clean.items())) or "none")
    )


def scale(args: argparse.Namespace) -> int:
    """Cold checks at N and 10·N notes: the time ratio and the peak RSS at 10·N."""
    small, big = args.scale_notes, 10 * args.scale_notes
    vaults = {n: prepare(None, n, args.seed).resolve() for n in (small, big)}
    flags = _cold_flags()
    lines = {n: (Line("b", f"parse floor, {n} notes"), Line("c", f"cold check, {n} notes"))
             for n in vaults}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vaultkit-scale-") as tmp:
        for run in range(args.runs):
            order = [small, big] if run % 2 == 0 else [big, small]
            for n in order:
                checker = Vaultkit(vaults[n], Path(tmp), flags)
                floor, cold = lines[n]
                floor.samples.append(timed(lambda n=n: parse_floor(vaults[n])))
                child = checker.cold(run)
                if child.returncode in (0, 1):
                    cold.samples.append(child.sample)
                else:
                    cold.failed.append(child)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    for n in vaults:
        for child in lines[n][1].failed:
            print(f"cold check at {n} notes failed (exit {child.returncode}):\n"
                  f"{child.stderr[-2000:]}")  # fmt: skip
    if not all(lines[n][1].samples for n in vaults):
        return 2
    (fs, cs), (fb, cb) = lines[small], lines[big]
    ratio, floor_ratio = cb.median() / cs.median(), fb.median() / fs.median()
    rss = max(s.rss_mb for s in cb.samples)
    sizes = {n: sum(p.stat().st_size for p in note_paths(v)) / 1e6 for n, v in vaults.items()}
    print(f"\n## Scale: {small} and {big} notes ({sizes[small]:.0f} and {sizes[big]:.0f} MB), "
          f"{args.runs} runs\n")  # fmt: skip
    print(f"| | {small} notes | {big} notes | ratio 10N/N | target | |")
    print("|---|---|---|---|---|---|")
    print(f"| parse floor (b), wall | {fs.spread()} | {fb.spread()} | {floor_ratio:.2f}× | | |")
    print(
        f"| cold check, wall | {cs.spread()} | {cb.spread()} | {ratio:.2f}× | ≤ 10× "
        f"| {'pass' if ratio <= 10 else '**fail**'} |"
    )
    print(
        f"| cold check, CPU | {cs.median('cpu'):.3f} s | {cb.median('cpu'):.3f} s "
        f"| {cb.median('cpu') / cs.median('cpu'):.2f}× | | |"
    )
    print(
        f"| cold check, peak RSS | {max(s.rss_mb for s in cs.samples):.0f} MiB | {rss:.0f} MiB "
        f"| | ≤ 800 MiB at 10N | {'pass' if rss <= 800 else '**fail**'} |"
    )
    return 0


def vaults(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """The vaults to measure, named: `--vault` paths, else the corpus (when present) and the
    generated vault (`--quick`: the generated vault only)."""
    if args.vault:
        return [(path.name, prepare(path, args.notes, args.seed).resolve()) for path in args.vault]
    chosen = []
    if CORPUS.is_dir() and not args.quick:
        chosen.append(("corpus " + CORPUS.name, CORPUS.resolve()))
    generated = prepare(None, args.notes, args.seed).resolve()
    return [*chosen, (f"generated ({args.notes} notes)", generated)]


def compile_package() -> None:
    """Write vaultkit's bytecode, as installing it does: with PYTHONDONTWRITEBYTECODE set
    (or a read-only checkout), every timed process would compile ~100 modules first."""
    import compileall

    import vaultkit

    compileall.compile_dir(Path(vaultkit.__file__).parent, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--notes", type=int, default=3300, help="notes to generate (3300)")
    add("--runs", type=int, default=5, help="interleaved runs (5 or more; fewer with --quick)")
    add("--seed", type=int, default=0)
    add("--vault", type=Path, action="append",
        help="check this vault (repeatable), or generate into it if it is empty "
        "(default: the corpus when present, and the generated vault)")  # fmt: skip
    add("--verify", type=int, default=1,
        help="replayed edits per kind compared with a cold check (1)")  # fmt: skip
    add("--no-fix", action="store_true", help="do not time `--fix` (f)")
    add("--jobs", type=int, default=2, help="processes of the parallel floor (b2) (2)")
    add("--quick", action="store_true", help="smoke test: no peers, fewer runs allowed")
    add("--no-peers", action="store_true", help="do not time rumdl, markdownlint-cli2, ...")
    add("--peer-runs", type=int, help="runs of each peer (default: --runs)")
    add("--obsidiantools-runs", type=int, default=1, help="runs of obsidiantools (1: minutes)")
    add("--rumdl", help="the rumdl executable (default: on PATH)")
    add("--markdownlint", help="the markdownlint-cli2 executable (default: on PATH)")
    add("--obsidiantools-python", help="a Python that imports obsidiantools")
    add("--scale", action="store_true", help="time cold checks at N and 10·N notes instead")
    add("--scale-notes", type=int, default=3300, help="N of --scale (3300)")
    add("--profile", action="store_true", help="profile one check instead")
    add("--top", type=int, default=25, help="rows per profile table")
    args = parser.parse_args(argv)
    ENV.pop("VAULTKIT_CACHE_DIR", None)  # each copy keeps its cache in its own folder
    compile_package()
    start_spawner()  # while this process is small: children's peak RSS starts at its RSS
    if args.runs < (1 if args.quick else 5):
        parser.error("--runs must be 5 or more (use --quick for a smoke test)")
    if args.scale:
        return scale(args)
    chosen = vaults(args)
    if args.profile:
        _profile.profile(chosen[0][1], args.top)
        return 0
    results, status = [], 0
    for name, source in chosen:
        with tempfile.TemporaryDirectory(prefix="vaultkit-bench-") as tmp:
            vault = working_copy(source, Path(tmp))
            lines, checker, peers = measure(args, source, vault, Path(tmp))
            status = max(status, print_report(args, name, vault, lines, checker, peers))
            results.append((name, lines))
    if len(results) > 1:
        print(f"\n## Side by side: {', '.join(name for name, _ in results)}, "
              f"{args.runs} interleaved runs each\n")  # fmt: skip
        print(side_by_side(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
