"""`atomic.replace_files` writes notes in batches: temporary files written here and
fsynced in threads, then renamed in the jobs' order.

- more notes than a batch holds: every note written, each refusal its own (the
  first, a middle and the last job), no temporary file left;
- a failed fsync or close refuses that note only, and leaves it as it was;
- an interrupt while a batch is renamed: the notes renamed before it are written,
  the rest are as they were, no temporary file is left and no descriptor is open;
- the same for one note interrupted while its temporary file is synced.
"""

from __future__ import annotations

import os

import pytest
from conftest import write_vault

from vaultkit.fix import atomic


def _jobs(vault, notes):
    jobs = []
    for rel in notes:
        path = vault / rel
        jobs.append((path, f"fixed {rel}\n".encode(), atomic.snapshot(path, 1000), path, vault))
    return jobs


def _left(vault):
    return [p for p in vault.rglob("*") if p.name.endswith(atomic.TEMP_SUFFIX)]


def _open_descriptors():
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None


def test_more_notes_than_a_batch_are_all_written_and_refused_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "IN_FLIGHT", 4)
    notes = {f"d{n % 3}/n{n:02}.md": f"note {n}\n" for n in range(13)}
    vault = write_vault(tmp_path / "v", notes)
    jobs = _jobs(vault, notes)
    refused = {"d0/n00.md", "d1/n07.md", "d0/n12.md"}  # the first, a middle, the last
    for rel in refused:
        (vault / rel).write_text("edited meanwhile\n")
    problems = atomic.replace_files(jobs)
    for rel, problem in zip(notes, problems, strict=True):
        if rel in refused:
            assert "changed after it was read" in problem
            assert (vault / rel).read_text() == "edited meanwhile\n"
        else:
            assert problem is None
            assert (vault / rel).read_text() == f"fixed {rel}\n"
    assert not _left(vault)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names open files by /proc")
@pytest.mark.parametrize("failing", ["fsync", "close"])
def test_a_failed_sync_or_close_refuses_that_note_only(tmp_path, monkeypatch, failing):
    notes = {f"n{n}.md": f"note {n}\n" for n in range(6)}
    vault = write_vault(tmp_path / "v", notes)
    jobs = _jobs(vault, notes)
    real = getattr(os, failing)

    def fail_for_n2(fd):
        name = os.readlink(f"/proc/self/fd/{fd}")
        real(fd)  # a close that fails still releases the descriptor
        if os.path.basename(name).startswith(".n2.md."):  # n2's temporary file
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, failing, fail_for_n2)
    problems = atomic.replace_files(jobs)
    monkeypatch.undo()
    assert problems[2] == "cannot write it: Input/output error"
    assert (vault / "n2.md").read_text() == "note 2\n"
    assert [p for i, p in enumerate(problems) if i != 2] == [None] * 5
    assert (vault / "n5.md").read_text() == "fixed n5.md\n"
    assert not _left(vault)


def test_an_interrupt_while_renaming_leaves_each_note_whole_and_no_temporary_file(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(atomic, "IN_FLIGHT", 4)
    notes = {f"n{n}.md": f"note {n}\n" for n in range(10)}
    vault = write_vault(tmp_path / "v", notes)
    jobs = _jobs(vault, notes)
    real_replace = os.replace
    renamed = []

    def replace(source, target):
        if len(renamed) == 5:  # the second batch's second rename
            raise KeyboardInterrupt
        real_replace(source, target)
        renamed.append(target)

    before = _open_descriptors()
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_files(jobs)
    monkeypatch.undo()
    for n, rel in enumerate(notes):
        expected = f"fixed {rel}\n" if n < 5 else f"note {n}\n"
        assert (vault / rel).read_text() == expected
    assert not _left(vault)
    assert _open_descriptors() == before


def test_one_note_interrupted_while_synced_is_left_whole(tmp_path, monkeypatch):
    vault = write_vault(tmp_path / "v", {"a.md": "note\n"})
    ((path, data, read, _, root),) = _jobs(vault, ["a.md"])

    def fsync(fd):
        raise KeyboardInterrupt

    before = _open_descriptors()
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_file(path, data, read, path, root)
    monkeypatch.undo()
    assert (vault / "a.md").read_text() == "note\n"
    assert not _left(vault)
    assert _open_descriptors() == before
