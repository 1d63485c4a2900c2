"""`vaultkit.parallel.shared`: every task done once, results in order, helpers' failures
redone here, no helper left behind."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from vaultkit import parallel

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="helpers are forked"
)

PARENT = os.getpid()


def here(task: int) -> tuple[int, int]:
    time.sleep(0.01)  # long enough for the helpers to start and take some tasks
    return task * task, os.getpid()


def there(task: int) -> tuple[int, int]:
    return here(task)


def test_results_come_in_order_and_helpers_share_the_work():
    results = list(parallel.shared(range(40), 3, here, there, tuple))
    assert [square for square, _ in results] == [n * n for n in range(40)]
    by = {pid for _, pid in results}
    assert PARENT in by  # this process took tasks too
    assert len(by) > 1  # and so did helpers
    assert multiprocessing.active_children() == []


def test_one_process_forks_nothing():
    results = list(parallel.shared(range(5), 1, here, there, tuple))
    assert results == [(n * n, PARENT) for n in range(5)]


def test_a_result_larger_than_a_pipe_travels_whole():
    def big(task: int) -> bytes:
        time.sleep(0.01)
        return bytes([task]) * 300_000

    results = list(parallel.shared(range(12), 2, big, big, bytes))
    assert results == [bytes([n]) * 300_000 for n in range(12)]


def test_a_helper_that_raises_leaves_its_tasks_to_this_process():
    def failing(task: int) -> tuple[int, int]:
        raise RuntimeError("helper bug")

    results = list(parallel.shared(range(20), 2, here, failing, tuple))
    assert results == [(n * n, PARENT) for n in range(20)]


def test_a_helper_killed_mid_task_leaves_its_tasks_to_this_process():
    def dying(task: int) -> tuple[int, int]:
        os._exit(1)

    results = list(parallel.shared(range(20), 3, here, dying, tuple))
    assert results == [(n * n, PARENT) for n in range(20)]


def test_an_error_raises_here_as_in_one_process():
    def bad(task: int) -> int:
        time.sleep(0.01)
        if task == 7:
            raise ValueError("task 7")
        return task

    done = []
    with pytest.raises(ValueError, match="task 7"):
        done.extend(parallel.shared(range(20), 2, bad, bad, int))
    assert done == list(range(7))
    assert multiprocessing.active_children() == []


def test_helpers_end_when_the_reader_stops_early():
    results = parallel.shared(range(200), 2, here, there, tuple)
    assert next(results)[0] == 0
    results.close()
    assert multiprocessing.active_children() == []


def test_beside_runs_the_other_work_in_a_helper_and_returns_both():
    mine, theirs = parallel.beside(lambda: ("here", os.getpid()), lambda: ("there", os.getpid()))
    assert mine == ("here", PARENT)
    assert theirs[0] == "there" and theirs[1] != PARENT
    assert multiprocessing.active_children() == []


def test_beside_does_the_other_work_here_when_the_helper_fails():
    def once_per_process() -> int:
        if os.getpid() != PARENT:
            os._exit(1)  # killed, as by the out-of-memory killer
        return os.getpid()

    assert parallel.beside(lambda: 1, once_per_process) == (1, PARENT)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("stage", ["per-note stage", "vault pass"])
def test_ctrl_c_during_a_check_stops_it_and_leaves_no_process(tmp_path, stage):
    """The real CLI, interrupted while a forked process works beside it (a helper of the
    per-note stage, or the vault pass's second group): it stops at once, as click does
    ("Aborted!"), without a traceback from any process, and no process of its group is
    left. (Ctrl-C is restored for the check: a shell that runs the tests in the background
    ignores it, and the check would inherit that.)"""
    import signal
    import subprocess
    import sys

    from conftest import ARTICLE, write_vault

    notes = {f"01-博客/甲/n{n}.md": ARTICLE + f"\n第{n}篇。\n" for n in range(3000)}
    root = write_vault(tmp_path / "vault", notes)
    env = {**os.environ, "VAULTKIT_WORKERS": "2"}
    check = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "check", str(root), "--no-cache", "-o", os.devnull],
        start_new_session=True, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as at a terminal
    )  # fmt: skip

    def children() -> set[str]:  # the other processes of the check's group (Linux's /proc)
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rpartition(")")[2].split()
                if fields[2] == str(check.pid) and fields[0] != "Z":  # group id; not a zombie
                    found.add(stat.parent.name)
        return found - {str(check.pid)}

    first: set[str] = set()  # the per-note stage's helper
    deadline = time.monotonic() + 60
    while check.poll() is None and time.monotonic() < deadline:
        now = children()
        first = first or now
        if now and (stage == "per-note stage" or not now & first):
            break
        time.sleep(0.002)
    assert check.poll() is None, f"the check ended before its {stage} could be interrupted"
    os.killpg(check.pid, signal.SIGINT)
    _, errors = check.communicate(timeout=30)
    assert check.returncode != 0
    assert errors.strip() == "Aborted!"
    time.sleep(0.2)
    assert children() == set()
