"""The file rules ST001–ST010: a hit with its exact position, a miss, and an edge for each.

Positions are 1-based lines and columns counted in characters; a BOM or CRLF
line endings never shift them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ARTICLE, check, where

from vaultkit import fix, source
from vaultkit.diagnostics import Position
from vaultkit.linter import check_paths
from vaultkit.source import ProblemKind

BOM = b"\xef\xbb\xbf"
NOTE = "---\ntitle: 笔记\n---\n\n正文。\n"
# ARTICLE with an H1 in the body: ST101 gives a known position to check CRLF and BOM against.
WITH_H1 = ARTICLE.replace("## 正文\n\n", "## 正文\n\n# 大标题\n\n")
H1_LINE = WITH_H1.split("\n").index("# 大标题") + 1


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def one(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, found
    return found[0]


# ST001 invalid-utf8 ---------------------------------------------------------------------------


def test_st001_points_at_the_bad_byte_counting_characters_before_it(make_vault):
    # line 3 is "中文ab" (8 bytes, 4 characters) and then the bad byte: column 5
    root = make_vault({"a.md": "第一行\nsecond\n".encode() + "中文ab".encode() + b"\xff rest\n"})
    d = one(check(root, select=["ST001"]), "ST001")
    assert (d.path, d.start, d.end) == ("a.md", Position(3, 5), Position(3, 5))
    assert "0xff" in d.message and "byte offset 25" in d.message
    assert "re-save it as UTF-8" in d.message


def test_st001_read_problem_position_is_in_characters_of_the_valid_prefix():
    problem = source.decode(b"one\ntwo\nab\xc3\xa9d\xfe\n")
    assert problem.kind is ProblemKind.NOT_UTF8
    assert problem.position == Position(3, 5)  # a, b, é, d, then the bad byte


def test_st001_misses_a_clean_note(make_vault):
    root = make_vault({"a.md": ARTICLE, "b.md": crlf(ARTICLE), "c.md": BOM + NOTE.encode()})
    assert where(check(root, select=["ST001"])) == []


def test_st001_gbk_text_gets_its_own_message(make_vault):
    root = make_vault(
        {"gbk.md": "---\ntitle: 中文笔记\n---\n\n这是用GBK保存的正文。\n".encode("gbk")}
    )
    d = one(check(root, select=["ST001"]), "ST001")
    assert d.start == Position(2, 8)  # after "title: "
    assert "GBK" in d.message and "iconv -f GB18030 -t UTF-8" in d.message


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_st001_latin1_and_windows_1252_get_the_plain_message(make_vault, encoding):
    text = "---\ntitle: Café\n---\n\nGrüße aus München, naïve façade.\n"
    root = make_vault({"latin.md": text.encode(encoding)})
    d = one(check(root, select=["ST001"]), "ST001")
    assert d.start == Position(2, 11)
    assert "GBK" not in d.message
    assert d.message.startswith("file is not valid UTF-8: byte 0xe9 at byte offset 14")


def test_st001_utf16_with_bom_is_named(make_vault):
    root = make_vault({"le.md": NOTE.encode("utf-16-le"), "bom.md": NOTE.encode("utf-16")})
    found = {d.path: d for d in check(root, select=["ST001", "ST002"])}
    assert found["bom.md"].code == "ST001"
    assert found["bom.md"].start == Position(1, 1)
    assert "UTF-16 (little-endian, with a byte order mark)" in found["bom.md"].message
    assert found["le.md"].code == "ST001"  # not "binary", though it is full of NUL bytes
    assert "UTF-16 (little-endian, without a byte order mark)" in found["le.md"].message


def test_st001_with_bom_the_position_ignores_the_bom_and_the_offset_counts_it():
    problem = source.decode(BOM + b"ab\nc\x80")
    assert problem.position == Position(2, 2)
    assert "0x80 at byte offset 7" in problem.detail


def test_st001_crlf_before_the_bad_byte(make_vault):
    root = make_vault({"a.md": b"one\r\ntwo\r\nxy\xff\r\n"})
    assert where(check(root, select=["ST001"])) == [("a.md", 3, 3, "ST001")]


def test_st001_a_name_that_is_not_utf8(make_vault):
    root = make_vault({"good.md": NOTE})
    (root / os.fsdecode(b"\xd6\xd0\xce\xc4.md")).write_bytes(NOTE.encode())
    d = one(check(root, select=["ST001"]), "ST001")
    assert d.path == "\\xd6\\xd0\\xce\\xc4.md"
    assert "name" in d.message and "rename it" in d.message


# ST002 binary-file ----------------------------------------------------------------------------


def test_st002_binary_file_at_its_first_nul(make_vault):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    root = make_vault({"scan.md": png})
    d = one(check(root, select=["ST002"]), "ST002")
    assert (d.path, d.start) == ("scan.md", Position(3, 1))  # after "\r\n" and "\x1a\n"
    assert "NUL byte at byte offset 8: this is a binary file" in d.message
    assert "real extension" in d.message


def test_st002_a_stray_nul_in_a_text_note_says_so(make_vault):
    root = make_vault({"a.md": b"---\ntitle: x\n---\n\nab\x00cd\n"})
    d = one(check(root, select=["ST002"]), "ST002")
    assert d.start == Position(5, 3)
    assert "otherwise plain text" in d.message and "binary file" not in d.message


def test_st002_misses_text(make_vault):
    root = make_vault({"a.md": ARTICLE, "b.md": "制表符\t和换页\f都是文本\n"})
    assert where(check(root, select=["ST002"])) == []


# ST003 file-too-large -------------------------------------------------------------------------


def test_st003_over_the_configured_limit(make_vault):
    root = make_vault(
        {"vaultkit.toml": "max-file-size = 100\n", "big.md": "x" * 101, "ok.md": "x" * 100}
    )
    d = one(check(root, select=["ST003"]), "ST003")
    assert (d.path, d.start) == ("big.md", Position(1, 1))
    assert "101 bytes, over the limit of 100 bytes" in d.message
    assert "max-file-size" in d.message


def test_st003_default_limit_is_ten_megabytes(make_vault):
    root = make_vault({"small.md": NOTE})
    with open(root / "huge.md", "wb") as handle:  # sparse: nothing is written but the size
        handle.truncate(10 * 1024 * 1024 + 1)
    with open(root / "limit.md", "wb") as handle:
        handle.write(b"x" * (10 * 1024 * 1024))
    assert where(check(root, select=["ST003", "ST002"])) == [("huge.md", 1, 1, "ST003")]


def test_st003_a_large_note_is_not_read_so_other_rules_skip_it(make_vault):
    root = make_vault({"vaultkit.toml": "max-file-size = 50\n", "big.md": WITH_H1})
    assert [d.code for d in check(root, select=["ST"])] == ["ST003"]


# ST004 unreadable-file ------------------------------------------------------------------------


def test_st004_permission_denied(make_vault, monkeypatch):
    root = make_vault({"locked.md": NOTE, "open.md": WITH_H1})
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(source.os, "open", refuse)
    found = check(root, select=["ST004", "ST101"])
    assert where(found) == [("locked.md", 1, 1, "ST004"), ("open.md", H1_LINE, 1, "ST101")]
    assert one(found, "ST004").message == "cannot read this file: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_st004_real_permissions(make_vault):
    root = make_vault({"locked.md": NOTE})
    (root / "locked.md").chmod(0)
    try:
        assert where(check(root, select=["ST004"])) == [("locked.md", 1, 1, "ST004")]
    finally:
        (root / "locked.md").chmod(0o644)


def test_st004_a_fifo_named_like_a_note_is_not_read(make_vault):
    root = make_vault({"good.md": NOTE})
    os.mkfifo(root / "pipe.md")  # reading it would block forever
    d = one(check(root, select=["ST004"]), "ST004")
    assert (d.path, d.start) == ("pipe.md", Position(1, 1))
    assert "named pipe (FIFO), not a regular file" in d.message


def test_st004_an_unlistable_folder(make_vault, monkeypatch):
    root = make_vault({"secret/a.md": NOTE, "b.md": NOTE})
    real_scandir = os.scandir

    def refuse(path="."):
        if os.fspath(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr("vaultkit.vault.os.scandir", refuse)
    d = one(check(root, select=["ST004"]), "ST004")
    assert d.path == "secret"
    assert "cannot list folder secret: Permission denied" in d.message


def test_st004_misses_readable_notes(make_vault):
    assert where(check(make_vault({"a.md": NOTE}), select=["ST004"])) == []


# ST005 broken-symlink -------------------------------------------------------------------------


def test_st005_broken_symlink(make_vault):
    root = make_vault({"good.md": NOTE})
    (root / "gone.md").symlink_to("old/moved.md")
    d = one(check(root, select=["ST005"]), "ST005")
    assert (d.path, d.start) == ("gone.md", Position(1, 1))
    assert "'old/moved.md'" in d.message and "point it at an existing note" in d.message


def test_st005_misses_a_link_to_an_existing_note(make_vault):
    root = make_vault({"real.md": WITH_H1})
    (root / "alias.md").symlink_to("real.md")
    found = check(root, select=["ST005", "ST010", "ST101"])
    assert where(found) == [("alias.md", H1_LINE, 1, "ST101"), ("real.md", H1_LINE, 1, "ST101")]


def test_st005_a_broken_link_to_a_non_note_is_not_this_rules_business(make_vault):
    root = make_vault({"good.md": NOTE})
    (root / "lost.png").symlink_to("nowhere.png")
    assert where(check(root, select=["ST005"])) == []


# ST006 symlink-loop ---------------------------------------------------------------------------


def test_st006_a_note_link_that_loops(make_vault):
    root = make_vault({"good.md": NOTE})
    (root / "a.md").symlink_to("b.md")
    (root / "b.md").symlink_to("a.md")
    assert where(check(root, select=["ST006"])) == [
        ("a.md", 1, 1, "ST006"),
        ("b.md", 1, 1, "ST006"),
    ]


def test_st006_a_folder_link_to_its_own_parent_is_reported_once(make_vault):
    root = make_vault({"archive/a.md": WITH_H1})
    (root / "archive" / "self").symlink_to("..")
    (root / "archive" / "here").symlink_to(".")
    found = check(root, select=["ST006", "ST101"])
    assert where(found) == [
        ("archive/a.md", H1_LINE, 1, "ST101"),
        ("archive/here", 1, 1, "ST006"),
        ("archive/self", 1, 1, "ST006"),
    ]
    assert all("contains the link itself" in d.message for d in found if d.code == "ST006")


def test_st006_a_folder_link_to_a_folder_already_walked_names_it(make_vault):
    # `a/alias` sorts before `b/real`: the real folder is still walked first
    root = make_vault({"b/real/n.md": WITH_H1})
    (root / "a").mkdir()
    (root / "a" / "alias").symlink_to("../b/real")
    found = check(root, select=["ST006", "ST101"])
    assert where(found) == [("a/alias", 1, 1, "ST006"), ("b/real/n.md", H1_LINE, 1, "ST101")]
    assert "folder `b/real`, which is already in the vault" in one(found, "ST006").message


def test_st006_misses_a_link_to_a_folder_not_otherwise_in_the_vault(make_vault):
    root = make_vault({".hidden/n.md": WITH_H1})
    (root / "shown").symlink_to(".hidden")
    assert where(check(root, select=["ST006", "ST101"])) == [("shown/n.md", H1_LINE, 1, "ST101")]


# ST007 byte-order-mark ------------------------------------------------------------------------


def test_st007_bom_at_the_start(make_vault):
    root = make_vault({"bom.md": BOM + NOTE.encode()})
    d = one(check(root, select=["ST007"]), "ST007")
    assert (d.path, d.start, d.end) == ("bom.md", Position(1, 1), Position(1, 1))


def test_st007_misses_a_note_without_bom_and_a_bom_sequence_later_on(make_vault):
    root = make_vault({"a.md": NOTE, "b.md": NOTE + "\ufeff在中间\n"})
    assert where(check(root, select=["ST007"])) == []


def test_st007_bom_shifts_no_other_position(make_vault):
    text = WITH_H1.replace("2024-05-06", "2024-5-6")
    root = make_vault({"01-博客/x/a.md": BOM + text.encode(), "01-博客/x/b.md": text})
    found = check(root, select=["ST007", "FM001", "FM009", "ST101"])
    for path in ("01-博客/x/a.md", "01-博客/x/b.md"):
        mine = [(d.code, d.start, d.end) for d in found if d.path == path and d.code != "ST007"]
        assert mine == [
            ("FM009", Position(3, 7), Position(3, 15)),
            ("ST101", Position(H1_LINE, 1), Position(H1_LINE, 6)),
        ]
    assert where(found, "ST007") == [("01-博客/x/a.md", 1, 1, "ST007")]


# ST008 mixed-line-endings ---------------------------------------------------------------------


def test_st008_reports_the_first_line_against_the_majority(make_vault):
    root = make_vault({"a.md": b"---\r\ntitle: x\r\n---\r\n\r\n\xe4\xb8\xad\xe6\x96\x87\n"})
    d = one(check(root, select=["ST008"]), "ST008")
    assert (d.start, d.end) == (Position(5, 3), Position(5, 4))  # after "中文"
    assert "ends in LF but the file mostly uses CRLF (4 CRLF, 1 LF lines)" in d.message


def test_st008_a_single_crlf_line_in_an_lf_note(make_vault):
    root = make_vault({"a.md": "---\ntitle: x\n---\n\n正文\r\n结尾\n"})
    d = one(check(root, select=["ST008"]), "ST008")
    assert d.start == Position(5, 3)
    assert "ends in CRLF but the file mostly uses LF" in d.message


def test_st008_misses_a_consistent_note(make_vault):
    root = make_vault({"lf.md": NOTE, "crlf.md": crlf(NOTE), "none.md": "一行没有换行"})
    assert where(check(root, select=["ST008"])) == []


# ST011 lone-carriage-return ------------------------------------------------------------------


def _fixed(root, select):
    run = check_paths([root], select=select)
    return {change.rel: change.after for change in fix.plan(run, select=select).applied}


def test_st011_reports_the_first_lone_cr_and_fixes_every_one(make_vault):
    data = "---\rtitle: x\r---\r\r中文\r结尾".encode()
    root = make_vault({"a.md": data})
    d = one(check(root, select=["ST011"]), "ST011")
    assert (d.start, d.end) == (Position(1, 4), Position(1, 5))  # the CR after `---`
    assert d.message.startswith("5 lines end in a lone CR (old Mac line ending)")
    assert d.message.endswith("end them with LF")
    after = _fixed(root, ["ST011"])["a.md"]
    assert after == "---\ntitle: x\n---\n\n中文\n结尾".encode()  # nothing else changed
    (root / "a.md").write_bytes(after)
    assert check(root, select=["ST011", "FM001"]) == []  # the frontmatter is seen now


def test_st011_misses_lf_crlf_and_cr_free_notes(make_vault):
    root = make_vault({"lf.md": NOTE, "crlf.md": crlf(NOTE), "none.md": "一行没有换行"})
    assert where(check(root, select=["ST011"])) == []


def test_st011_edge_one_lone_cr_in_a_crlf_note_becomes_crlf(make_vault):
    root = make_vault({"a.md": b"---\r\ntitle: x\r\n---\r\n\r\na\rb\r\n"})
    d = one(check(root, select=["ST011"]), "ST011")
    assert d.start == Position(5, 2)
    assert d.message.startswith("a line ends in a lone CR") and d.message.endswith("CRLF")
    after = _fixed(root, ["ST011"])["a.md"]
    assert after == b"---\r\ntitle: x\r\n---\r\n\r\na\r\nb\r\n"


def test_crlf_note_positions_from_other_rules_are_right(make_vault):
    text = WITH_H1.replace("2024-05-06", "2024-5-6")
    root = make_vault({"01-博客/x/a.md": crlf(text)})
    found = check(root, select=["FM009", "ST101", "ST008"])
    assert [(d.code, d.start, d.end) for d in found] == [
        ("FM009", Position(3, 7), Position(3, 15)),  # the value, without the `\r`
        ("ST101", Position(H1_LINE, 1), Position(H1_LINE, 6)),  # `# 大标题` is 5 characters
    ]


# ST009 unknown-suppression-code ---------------------------------------------------------------


def test_st009_unknown_code_in_a_comment(make_vault):
    text = NOTE + "\n前文 <!-- vaultkit-disable-next-line FM07 -->\n"
    root = make_vault({"a.md": text})
    d = one(check(root, select=["ST009"]), "ST009")
    column = len("前文 <!-- vaultkit-disable-next-line ") + 1
    assert (d.start, d.end) == (Position(7, column), Position(7, column + 4))
    assert "'FM07'" in d.message


def test_st009_misspelt_directive(make_vault):
    text = NOTE + "\n<!-- vaultkit-disable-nextline ST107 -->\n"
    d = one(check(make_vault({"a.md": text}), select=["ST009"]), "ST009")
    name = "vaultkit-disable-nextline"
    assert (d.start, d.end) == (Position(7, 6), Position(7, 6 + len(name)))
    assert f"`{name}` is not a vaultkit directive" in d.message
    assert "`vaultkit-disable-next-line`" in d.message


def test_st009_misses_known_codes_and_prefixes(make_vault):
    text = NOTE + "\n<!-- vaultkit-disable-next-line FM009 ST1 -->\n"
    assert where(check(make_vault({"a.md": text}), select=["ST009"])) == []


def test_st009_crlf_and_a_code_block_example(make_vault):
    text = NOTE + "\n```\n<!-- vaultkit-disable XX999 -->\n```\n<!-- vaultkit-disable QQ1 -->\n"
    d = one(check(make_vault({"a.md": crlf(text)}), select=["ST009"]), "ST009")
    column = len("<!-- vaultkit-disable ") + 1
    assert (d.start, d.end) == (Position(10, column), Position(10, column + 3))


# ST010 symlink-outside-vault ------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "far.md").write_text(WITH_H1, encoding="utf-8")
    (folder / "near.md").write_text(WITH_H1, encoding="utf-8")
    return folder


def test_st010_a_note_link_out_of_the_vault_is_read_and_reported(make_vault, outside):
    root = make_vault({"good.md": NOTE})
    (root / "far.md").symlink_to(outside / "far.md")
    found = check(root, select=["ST010", "ST101"])
    assert where(found) == [("far.md", 1, 1, "ST010"), ("far.md", H1_LINE, 1, "ST101")]
    assert str(outside / "far.md") in one(found, "ST010").message
    assert "never writes through it" in one(found, "ST010").message


def test_st010_a_folder_link_out_is_reported_once_not_per_note(make_vault, outside):
    root = make_vault({"good.md": NOTE})
    (root / "shared").symlink_to(outside)
    found = check(root, select=["ST010", "ST101"])
    assert where(found) == [
        ("shared", 1, 1, "ST010"),
        ("shared/far.md", H1_LINE, 1, "ST101"),
        ("shared/near.md", H1_LINE, 1, "ST101"),
    ]


def test_st010_misses_links_that_stay_inside(make_vault):
    root = make_vault({"notes/a.md": NOTE})
    (root / "b.md").symlink_to("notes/a.md")
    (root / "more").symlink_to("notes")
    assert where(check(root, select=["ST010"])) == []
