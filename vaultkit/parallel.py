"""Work shared between this process and forked helpers, results in the tasks' order.

`shared(tasks, processes, here, there, back)` does every task once. This
process and `processes - 1` forked helpers take the next task in turn from
one counter, so a process that is slowed down takes fewer. This process runs
`here(task)`; a helper runs `there(task)` and sends its result through a pipe,
pickled, and `back(message)` turns that into what `here` returns (for the
per-note stage: a note parsed here needs no pickling at all).

Why not `multiprocessing.Pool`: its workers do all the work while this
process only waits for their results and unpickles them. And with this
process working too, a result larger than the pipe's buffer (64 KiB; a chunk
of notes is ~120 KiB) would wait for the pool's result thread, which must
take the interpreter lock from the busy main thread: profiled, a helper spent
0.35 s blocked in writes. So results are read here between tasks, and each
helper's pipe is widened to 1 MiB where Linux allows it. On the real vault the
per-note stage took ~3.5 s of wall time in a pool of two, ~2.8 s this way.

`beside(here, there)` runs `there()` in one forked helper while this process
runs `here()`: the vault pass's two groups of rules.

A helper that fails (an exception in `there`, or killed) stops taking tasks;
the tasks it took and did not send are done here, so an exception is raised
here as it would be in one process. Helpers ignore Ctrl-C, which this process
gets too, and are ended when it stops reading, however it stops: Ctrl-C
waits while a helper starts, so that none can run on unknown to this process.
(The vault pass used a `Pool`: its worker printed a traceback of its own under
`Aborted!`, and once made to ignore Ctrl-C it was left running after one
interrupted check in five.)
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")
Other = TypeVar("Other")

_PIPE_SIZE = 1 << 20  # bytes: /proc/sys/fs/pipe-max-size's default


def shared(
    tasks: Sequence[Task],
    processes: int,
    here: Callable[[Task], Result],
    there: Callable[[Task], object],
    back: Callable[[object], Result],
) -> Iterator[Result]:
    """`here(task)` for each task, in order; see the module docstring."""
    if processes < 2 or len(tasks) < 2:
        for task in tasks:
            yield here(task)
        return
    import multiprocessing
    from multiprocessing.connection import wait

    fork = multiprocessing.get_context("fork")
    counter = fork.RawValue("q", 0)
    lock = fork.Lock()

    def claim() -> int:
        with lock:
            index = counter.value
            counter.value = index + 1
        return index

    def help_(writer) -> None:
        while (index := claim()) < len(tasks):
            writer.send((index, there(tasks[index])))

    with _forked(min(processes, len(tasks)) - 1, help_) as readers:
        done: dict[int, Result] = {}

        def receive(timeout: float | None) -> None:
            for reader in wait(readers, timeout):
                try:
                    index, message = reader.recv()
                except (EOFError, OSError):  # the helper has stopped
                    readers.remove(reader)
                    reader.close()
                else:
                    done[index] = back(message)

        next_out = 0
        while (index := claim()) < len(tasks):
            done[index] = here(tasks[index])
            receive(0)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
        while next_out < len(tasks):
            if next_out not in done and readers:
                receive(None)
                continue
            result = done.pop(next_out, None)
            yield here(tasks[next_out]) if result is None else result
            next_out += 1


def beside(here: Callable[[], Result], there: Callable[[], Other]) -> tuple[Result, Other]:
    """`here()` in this process while `there()` runs in one forked helper (its result comes
    pickled); `there()` runs here after all if the helper fails."""
    with _forked(1, lambda writer: writer.send(there())) as (reader,):
        mine = here()
        try:
            theirs = reader.recv()
        except (EOFError, OSError):  # the helper has stopped
            theirs = there()
    return mine, theirs


@contextlib.contextmanager
def _forked(count: int, work: Callable[[object], None]) -> Iterator[list]:
    """`count` forked helpers, each running `work(writer)` and then closing its pipe; the
    pipes' reading ends. Ctrl-C waits while a helper starts, so that none runs without this
    process knowing it; all are ended when the block ends, however it ends."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    helpers = []
    readers = []
    try:
        for _ in range(count):
            reader, writer = fork.Pipe(duplex=False)
            readers.append(reader)
            helper = fork.Process(target=_help, args=(work, writer), daemon=True)
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                helper.start()
                helpers.append(helper)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            writer.close()
            _widen(reader)
        yield readers
    finally:
        for helper in helpers:
            if helper.is_alive():
                helper.terminate()
            helper.join()
        for reader in readers:
            reader.close()


def _help(work: Callable[[object], None], writer) -> None:
    """In a helper: ignore Ctrl-C, which the whole process group gets (this process's
    parent stops on it and ends its helpers; a helper stopping too would print its own
    traceback under the parent's `Aborted!`), and do the work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        work(writer)
    except BaseException:  # what failed is done again in the parent, where it raises
        pass
    finally:
        writer.close()


def _widen(reader) -> None:
    """A 1 MiB buffer for a helper's pipe, so that it seldom waits for this process."""
    try:
        import fcntl

        fcntl.fcntl(reader.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or over the system's limit
        pass
