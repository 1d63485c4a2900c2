"""Vault rules that read every note (FM017's URLs, ST120's article tails) leave nothing on the
notes they read (no composed YAML, no line starts), and find what they found when they kept
it; with the cache on they read a checked note's facts, and find the same again."""

from __future__ import annotations

import pytest
from test_incremental import FILES, key

from vaultkit import config as config_module
from vaultkit.linter import check_paths
from vaultkit.note import code_lines
from vaultkit.rules.frontmatter.duplicates import _read_urls, url_values
from vaultkit.rules.structure.boilerplate import _tail
from vaultkit.vault import parse_file


def _notes(root, files):
    return [parse_file(root / rel, rel, 1 << 20) for rel in sorted(files)]


def test_urls_are_read_without_keeping_the_yaml(tmp_path):
    from conftest import write_vault

    root = write_vault(tmp_path / "vault", FILES)
    config = config_module.Config()
    for fresh, kept in zip(_notes(root, FILES), _notes(root, FILES), strict=True):
        assert _read_urls(fresh, config) == url_values(kept, config), fresh.rel
        if fresh.frontmatter is not None:
            assert not fresh.frontmatter.composed  # dropped again
            assert fresh.frontmatter.fields.keys() == kept.frontmatter.fields.keys()
            assert _read_urls(fresh, config) == url_values(kept, config)
            assert fresh.frontmatter.composed  # composed before: kept


def test_tail_is_read_without_keeping_line_starts(tmp_path):
    from conftest import write_vault

    files = dict(FILES)
    files["01-博客/戊/代码.md"] = FILES["01-博客/甲/一.md"].replace(
        "someone@example.com", "```\ncode@example.com\n```\n\n尾行。\n\nend@example.com"
    )
    root = write_vault(tmp_path / "vault", files)
    for fresh, kept in zip(_notes(root, files), _notes(root, files), strict=True):
        kept.line_of(0), kept.code_lines  # built and kept, as note rules do
        assert _tail(fresh) == _tail(kept), fresh.rel
        assert not fresh.source.lines.built and "code_lines" not in vars(fresh)
        assert code_lines(fresh, fresh.line_of) == kept.code_lines


def test_checked_notes_read_through_their_facts_find_the_same(tmp_path, monkeypatch):
    from conftest import write_vault

    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    root = write_vault(tmp_path / "vault", FILES)
    select = ["FM017", "ST120"]
    plain = check_paths([root], select=select)
    cold = check_paths([root], select=select, use_cache=True)  # facts of every note
    assert {d.code for d in plain.result.diagnostics} == {"FM017", "ST120"}
    assert key(cold) == key(plain)
    assert key(check_paths([root], select=select, use_cache=True)) == key(plain)


def test_st120_keeps_of_each_tail_only_the_lines_that_may_be_hits(tmp_path):
    from conftest import write_vault

    from vaultkit.rules.structure.boilerplate import _scan

    body = "".join(f"第{n}段正文。\n\n" for n in range(30))
    body += "欢迎订阅我们的邮件列表。\n\n后记一。\n\n后记二。\n\nend@example.com"
    files = {"01-博客/甲/长.md": FILES["01-博客/甲/一.md"].replace("someone@example.com", body)}
    (note,) = _notes(write_vault(tmp_path / "vault", files), files)
    addresses, kept = _scan(note)
    assert addresses == ("end@example.com",)
    assert [(kind, last) for _number, _line, kind, last in kept] == [("call", False), (None, True)]
    assert [line for _n, line, _k, _l in kept][-1] == "end@example.com"  # of the last: addresses


def test_a_target_path_shares_its_links_string_unless_it_has_no_break_spaces():
    from vaultkit.note import Link
    from vaultkit.targets import parse_target

    plain = Link("wikilink", "00-元语/AI", "00-元语/AI", False, 0, 14)
    assert parse_target(plain).path is plain.target
    spaced = Link("wikilink", "a\u00a0b\u202fc#x", "a", False, 0, 14)
    assert parse_target(spaced).path == "a b c"
    markdown = Link("inline", "a\u00a0b.md", "t", False, 0, 14)
    assert parse_target(markdown).path == "a b.md"


def test_notes_from_workers_share_their_path_and_name_with_their_jobs(tmp_path, monkeypatch):
    from conftest import write_vault

    from vaultkit import analysis
    from vaultkit.selection import CLI_ORIGINS, Selection, Stage

    monkeypatch.setattr(analysis, "PARALLEL_MIN", 4)
    monkeypatch.setenv("VAULTKIT_WORKERS", "2")
    root = write_vault(tmp_path / "vault", FILES)
    jobs = [analysis.Job(root / rel, rel, True) for rel in sorted(FILES)]
    config = config_module.Config()
    selection = Selection(config, Stage(None, [], [], CLI_ORIGINS))
    context = analysis.Context(config, selection, [], keep_blobs=False)
    notes = analysis.analyse(jobs, context, None).notes
    assert [note.rel for note in notes] == sorted(FILES)
    assert all(n.path is j.path and n.rel is j.rel for n, j in zip(notes, jobs, strict=True))


def _note_rules(select: list[str]):
    """A per-note stage context with the note rules of `select` (the defaults when empty)."""
    from vaultkit import analysis
    from vaultkit.linter import enabled_rules
    from vaultkit.selection import CLI_ORIGINS, Selection, Stage

    config = config_module.Config()
    selection = Selection(config, Stage(None, select, [], CLI_ORIGINS))
    rules = [rule for rule in enabled_rules(selection, False) if hasattr(rule, "check")]
    return analysis.Context(config, selection, rules, keep_blobs=False)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_notes_checked_in_this_process_keep_no_more_than_pickled_ones(
    tmp_path, monkeypatch, processes
):
    """Whether a note was checked here or in a helper, the parent keeps it released: no
    decoded text, lines or composed YAML (`Note.release`). With two processes, each note is
    a task of its own and takes a while, so the helper surely checks some of them."""
    import time

    from conftest import write_vault

    from vaultkit import analysis

    monkeypatch.setattr(analysis, "PARALLEL_MIN", 4)
    monkeypatch.setattr(analysis, "_CHUNK", 1)
    monkeypatch.setenv("VAULTKIT_WORKERS", processes)
    analyse_one, unpack = analysis._analyse_one, analysis._unpack
    sent: list[int] = []

    def slowly(job, context):
        time.sleep(0.02)
        return analyse_one(job, context)

    monkeypatch.setattr(analysis, "_analyse_one", slowly)
    monkeypatch.setattr(analysis, "_unpack", lambda chunk: sent.append(len(chunk)) or unpack(chunk))
    root = write_vault(tmp_path / "vault", FILES)
    jobs = [analysis.Job(root / rel, rel, True) for rel in sorted(FILES)]
    out = analysis.analyse(jobs, _note_rules([]), None)
    assert out.findings and not out.errors  # the rules read the notes
    assert (sum(sent) > 0) == (processes == "2")  # notes came back from the helper
    assert sum(sent) < len(jobs)  # and the others were checked here
    for note in out.notes:
        assert not {"lines", "code_lines", "_not_prose"} & note.__dict__.keys()
        assert note.source._text is None and not note.source.lines.built
        assert not note.frontmatter.composed


def test_fm017_leaves_no_yaml_composed_on_the_notes_it_compares(tmp_path):
    from conftest import write_vault
    from test_incremental import article

    files = dict(FILES)
    files["vaultkit.toml"] = 'frontmatter.required = ["title", "原文链接"]\n'
    url = "https://example.com/series"  # two parts of a series: one URL, two articles
    first, second = ("".join(map(chr, range(start, start + 300))) for start in (0x4E00, 0x5E00))
    files["01-博客/戊/上.md"] = article(url, ["AI"], body=first)
    other = article(url, ["AI"], body=second)
    files["01-博客/戊/别的.md"] = other.replace("原文链接:", "source:")  # under an alias key
    root = write_vault(tmp_path / "vault", files)
    run = check_paths([root], select=["FM017"])
    assert {d.path for d in run.result.diagnostics} == {"01-博客/甲/一.md", "01-博客/乙/二.md"}
    assert not run.vault.by_rel["01-博客/戊/别的.md"].frontmatter.composed  # its role was read


def test_one_target_for_each_wikilink_written_in_many_notes(tmp_path):
    from conftest import write_vault

    from vaultkit.resolve import index_for

    run = check_paths([write_vault(tmp_path / "vault", FILES)], select=["LK001"])
    index = index_for(run.vault)
    targets = [
        r.target
        for rel in ("01-博客/甲/一.md", "01-博客/乙/二.md")
        for r in index.links_of(run.vault.by_rel[rel])
        if r.target.path == "00-元语/AI"
    ]
    assert len(targets) == 2 and targets[0] is targets[1]


def test_a_released_run_holds_no_note_and_still_shows_source_lines(tmp_path):
    from conftest import write_vault

    root = write_vault(tmp_path / "vault", FILES)
    run = check_paths([root])
    shown = {d.path: run.lines(d.path) for d in run.result.diagnostics}
    vault = run.vault
    topic = vault.by_rel["00-元语/AI.md"]
    run.release()
    assert vault.notes == [] and vault.by_rel == {} and vault.by_name == {}
    assert set(vars(vault)) == {f for f in vars(vault) if not f.startswith("_")}  # no caches
    assert vault.root == root and vault.config is not None and vault.attachments == []
    assert {path: run.lines(path) for path in shown} == shown  # read from the files
    assert topic.source is not None  # the notes themselves are untouched


def test_checking_a_note_leaves_no_reference_cycles():
    """The per-note stage pauses the cyclic collector (`analysis._no_gc`), so what a rule
    leaves in a reference cycle stays until the run ends: with every note rule on the
    example vault, nothing may. (SM103's frontmatter walk was a nested function calling
    itself: each note's frontmatter lines stayed, and the 33,000-note vault peaked at
    814 MiB, 777 MiB without them.)"""
    import gc

    from conftest import EXAMPLE_VAULT

    from vaultkit import analysis

    context = _note_rules(["ALL"])
    notes = [
        parse_file(path, path.relative_to(EXAMPLE_VAULT).as_posix(), context.config.max_file_size)
        for path in sorted(EXAMPLE_VAULT.rglob("*.md"))
    ]
    found = [analysis.check_note(note, context)[0] for note in notes]  # first use: warm
    assert sum(map(len, found)) > 50
    gc.collect()
    gc.disable()
    try:
        for note in notes:
            analysis.check_note(note, context)
        assert gc.collect() == 0
    finally:
        gc.enable()
