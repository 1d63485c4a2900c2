"""Bad input never crashes vaultkit, never hangs it, and never changes a file.

Unit tests of `source.read` / `source.decode` for every odd file, then the
real CLI over a vault that holds all of them at once.
"""

from __future__ import annotations

import json
import os
import random
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ARTICLE, run_cli
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import source
from vaultkit.diagnostics import Position
from vaultkit.source import LineIndex, ProblemKind, ReadProblem, SourceText

NOTE = "---\ntitle: 笔记\n---\n\n正文。\n"
GBK_NOTE = "---\ntitle: 中文笔记\n---\n\n这是一篇用GBK保存的笔记，讲人工智能。\n".encode("gbk")
MB = 1024 * 1024


def naive_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return Position(data.count(b"\n", 0, offset) + 1, column)


# decode: every byte string gets an answer ------------------------------------------------------


@given(st.binary(max_size=400))
def test_decode_never_raises(raw):
    result = source.decode(raw)
    assert isinstance(result, SourceText | ReadProblem)
    if isinstance(result, ReadProblem):
        assert result.position.line >= 1 and result.position.column >= 1


@given(st.text(alphabet=st.sampled_from("ab中文😀é\r\n\t "), max_size=300))
def test_positions_count_characters_on_every_line(text):
    data = text.encode("utf-8")
    index = LineIndex(data)
    for offset in range(len(data) + 1):
        assert index.position(offset) == naive_position(data, offset)


@given(st.text(alphabet=st.sampled_from("ab中文😀é\r\n\t "), max_size=40))
def test_a_span_has_the_positions_of_its_two_ends(text):
    data = text.encode("utf-8")
    index = LineIndex(data)
    for start in range(len(data) + 1):
        for end in range(start, len(data) + 1):  # on its line, on a later one, at a line start
            assert index.span(start, end) == (
                naive_position(data, start),
                naive_position(data, end),
            )


def test_a_span_on_a_long_line_counts_from_its_start():
    data = ("标题\n" + "中文字 abc 😀 " * 2_000 + "\n尾").encode("utf-8")
    index = LineIndex(data)
    start = data.index("😀".encode(), 9_000)
    for end in (start, start + 4, start + 5_000, len(data) - 4, len(data)):
        assert index.span(start, end) == (naive_position(data, start), naive_position(data, end))


def test_positions_on_a_one_megabyte_line_are_right_and_fast():
    data = ("标题\n" + "中文字 abc 😀 " * 80_000 + "\n尾").encode("utf-8")
    index = LineIndex(data)
    rng = random.Random(4)
    offsets = [rng.randrange(len(data) + 1) for _ in range(300)] + [len(data) - 1, len(data)]
    for offset in offsets:
        assert index.position(offset) == naive_position(data, offset)
    for offset in range(0, len(data), 50):  # 30,000 look-ups on one long line
        index.position(offset)


def test_crlf_and_bom_keep_positions():
    text = source.decode(b"\xef\xbb\xbfab\r\n\xe4\xb8\xadc\r\n")
    assert text.has_bom and (text.crlf_lines, text.lf_lines) == (2, 0)
    assert text.lines.position(text.data.index(b"c")) == Position(2, 2)


def test_gbk_needs_chinese_looking_text():
    assert source.looks_like_gbk(GBK_NOTE)
    assert source.looks_like_gbk("标题：人工智能\n".encode("gbk"))
    for junk in (
        b"\x8e\xae\xc6\xd5\xbb\x99\xd8\xf9\xb2\xfc",  # decodes as GB18030, rare extension chars
        b"\x0c\xdf\xe1f/\x0e\x1d\xce\x85",  # decodes, but control characters: binary
        b"\x88@\xbc\xd4\xf0\xc7\x86\xdf&",
        "Grüße aus München, naïve façade".encode("cp1252"),
        "ÀÉÎÕÜ".encode("latin-1"),
    ):
        assert not source.looks_like_gbk(junk), junk


def test_random_bytes_rarely_pass_as_gbk():
    rng = random.Random(7)
    samples = [
        bytes(rng.randrange(0x20, 0x100) for _ in range(rng.randrange(20, 200)))
        for _ in range(3000)
    ]
    assert sum(source.looks_like_gbk(sample) for sample in samples) <= 3


def test_a_gbk_problem_points_at_the_first_bad_byte():
    problem = source.decode(GBK_NOTE)
    assert problem.kind is ProblemKind.GBK
    assert problem.position == Position(2, 8)


def test_windows_1252_gets_the_plain_message():
    problem = source.decode("“Smart quotes” – and a dash\n".encode("cp1252"))
    assert problem.kind is ProblemKind.NOT_UTF8
    assert problem.detail == "byte 0x93 at byte offset 0 is not valid UTF-8"


def test_a_file_cut_inside_a_character():
    problem = source.decode("完整的一行\n被截断".encode()[:-1])
    assert problem.kind is ProblemKind.NOT_UTF8
    assert "ends inside a UTF-8 character" in problem.detail
    assert problem.position == Position(2, 3)


def test_a_file_that_mixes_encodings_says_so():
    problem = source.decode("前面是UTF-8。\n".encode() + "后面是GBK。\n".encode("gbk"))
    assert problem.kind is ProblemKind.NOT_UTF8
    assert "mixes encodings" in problem.detail
    assert problem.position == Position(2, 1)


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("utf-16", "UTF-16 (little-endian, with a byte order mark)"),
        ("utf-16-be", "UTF-16 (big-endian, without a byte order mark)"),
        ("utf-32", "UTF-32 (little-endian, with a byte order mark)"),
    ],
)
def test_wide_unicode_is_named(encoding, words):
    raw = NOTE.encode(encoding)
    if encoding == "utf-16-be":
        raw = "---\ntitle: plain ascii\n---\n".encode(encoding)
    problem = source.decode(raw)
    assert (problem.kind, problem.detail) == (ProblemKind.UTF16, words)


def test_utf16_without_bom_holding_chinese_is_still_recognised():
    problem = source.decode("---\ntitle: 一个标题\n---\n\n正文一二三。\n".encode("utf-16-le"))
    assert problem.kind is ProblemKind.UTF16


def test_nul_bytes():
    binary = source.decode(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert binary.kind is ProblemKind.BINARY and "binary file" in binary.detail
    stray = source.decode(b"\xef\xbb\xbf\xe4\xb8\xad\n\xe6\x96\x87a\x00")
    assert stray.kind is ProblemKind.BINARY and "otherwise plain text" in stray.detail
    assert stray.position == Position(2, 3)


# read: the file's state -----------------------------------------------------------------------


def read_within(path: Path, seconds: float = 5.0, max_size: int = 10 * MB):
    """`source.read`, failing the test (not hanging it) if it blocks."""
    result: list = []
    worker = threading.Thread(target=lambda: result.append(source.read(path, max_size)))
    worker.daemon = True
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"reading {path} blocked"
    return result[0]


def test_read_a_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    problem = read_within(tmp_path / "pipe.md")
    assert problem.kind is ProblemKind.NOT_REGULAR
    assert "named pipe (FIFO)" in problem.detail


def test_read_a_folder_a_device_and_a_socket(tmp_path):
    (tmp_path / "dir.md").mkdir()
    assert "a folder" in read_within(tmp_path / "dir.md").detail
    assert "character device" in read_within(Path(os.devnull)).detail
    short = Path(f"/tmp/vk-{os.getpid()}.md")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(short))
        assert "socket" in read_within(short).detail
    finally:
        server.close()
        short.unlink(missing_ok=True)


def test_read_a_file_that_vanished(tmp_path):
    problem = source.read(tmp_path / "gone.md", MB)
    assert problem.kind is ProblemKind.UNREADABLE
    assert problem.detail == "the file disappeared while the vault was being read"


def test_read_links(tmp_path):
    (tmp_path / "broken.md").symlink_to("missing.md")
    (tmp_path / "loop.md").symlink_to("loop.md")
    (tmp_path / "real.md").write_bytes(NOTE.encode())
    (tmp_path / "fine.md").symlink_to("real.md")
    assert source.read(tmp_path / "broken.md", MB).kind is ProblemKind.BROKEN_SYMLINK
    assert source.read(tmp_path / "loop.md", MB).kind is ProblemKind.SYMLINK_LOOP
    assert source.read(tmp_path / "fine.md", MB).text == NOTE


def test_read_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "locked.md"
    path.write_bytes(NOTE.encode())

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(source.os, "open", refuse)
    assert source.read(path, MB) == ReadProblem(ProblemKind.UNREADABLE, "Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_read_real_permissions(tmp_path):
    path = tmp_path / "locked.md"
    path.write_bytes(NOTE.encode())
    path.chmod(0)
    try:
        assert source.read(path, MB).kind is ProblemKind.UNREADABLE
    finally:
        path.chmod(0o644)


def test_read_size_limit(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes(b"x" * 100)
    assert isinstance(source.read(path, 100), SourceText)
    problem = source.read(path, 99)
    assert problem.kind is ProblemKind.TOO_LARGE
    assert problem.detail == "file is 100 bytes, over the limit of 99 bytes"
    assert source.read(path, -5).kind is ProblemKind.TOO_LARGE  # a bad limit is no crash


def test_read_a_file_that_grew_after_the_size_check(tmp_path, monkeypatch):
    path = tmp_path / "growing.md"
    path.write_bytes(b"x" * 5000)
    real_stat = os.stat

    def stale_stat(target, *args, **kwargs):
        info = real_stat(target, *args, **kwargs)
        if os.fspath(target) == os.fspath(path):
            fields = list(info)
            fields[stat.ST_SIZE] = 10  # what the size was a moment ago
            return os.stat_result(fields)
        return info

    monkeypatch.setattr(source.os, "stat", stale_stat)
    problem = source.read(path, 1000)
    assert problem.kind is ProblemKind.TOO_LARGE
    assert "5,000 bytes" in problem.detail


def test_read_capped_reads_one_byte_past_the_limit(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"y" * (3 * MB))
    fd = os.open(path, os.O_RDONLY)
    try:
        assert len(source.read_capped(fd, 100)) == 101
    finally:
        os.close(fd)


# The real CLI over a vault of bad files -------------------------------------------------------


def run_cli_within(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """`run_cli`, but a hang (a FIFO read, a symlink loop walked forever) fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "vaultkit", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "PYTHONUTF8": "1"},
    )


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root` (links not followed): mode, size, mtime, and content or target."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    content = handle.read()
            elif stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            else:
                content = None  # a folder or a FIFO: never opened
            state[path] = (info.st_mode, info.st_size, info.st_mtime_ns, content)
    return state


LONG_LINE = "长行" * 200_000 + " <!-- vaultkit-disable-next-line XX999 -->"
GOOD = ARTICLE.replace("## 正文\n\n", "## 正文\n\n# 不该有的标题\n\n")
GOOD_H1_LINE = GOOD.split("\n").index("# 不该有的标题") + 1
BAD_NAME = os.fsdecode(b"\xd6\xd0\xce\xc4.md")  # "中文" in GBK, as an unzip of a Windows archive
# path -> a rule code it must get
EXPECTED = {
    "good.md": "ST101",
    "gbk.md": "ST001",
    "latin1.md": "ST001",
    "utf16.md": "ST001",
    "\\xd6\\xd0\\xce\\xc4.md": "ST001",
    "binary.md": "ST002",
    "huge.md": "ST003",
    "fifo.md": "ST004",
    "broken.md": "ST005",
    "loop.md": "ST006",
    "archive/self": "ST006",
    "bom.md": "ST007",
    "mixed.md": "ST008",
    "long.md": "ST009",
    "outside.md": "ST010",
}


@pytest.fixture
def bad_vault(make_vault, tmp_path) -> Path:
    root = make_vault(
        {
            "good.md": GOOD,
            "gbk.md": GBK_NOTE,
            "latin1.md": "---\ntitle: Café\n---\n\nGrüße, naïve.\n".encode("latin-1"),
            "utf16.md": NOTE.encode("utf-16"),
            BAD_NAME: NOTE,
            "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "bom.md": b"\xef\xbb\xbf" + NOTE.encode(),
            "mixed.md": b"---\r\ntitle: x\r\n---\r\n\r\nbody\n",
            "long.md": LONG_LINE,
            "empty.md": b"",
            "only-bom.md": b"\xef\xbb\xbf",
            "cr-only.md": b"---\rtitle: x\r---\r\rbody\r",
            "open-frontmatter.md": "---\ntitle: 没有结束\n",
            "bad-yaml.md": "---\ntitle: [未闭合\n: :\n  - x\n---\n\n正文\n",
            "list-yaml.md": "---\n- a\n- b\n---\n",
            "weird.md": "[" * 20_000 + "\n" + "> " * 2000 + "x\n" + "`" * 5000 + "\n<div>\n",
            "dir.md/inner.md": NOTE,
            "archive/note.md": NOTE,
        }
    )
    with open(root / "huge.md", "wb") as handle:  # 10 MB + 1 byte, sparse
        handle.truncate(10 * MB + 1)
    os.mkfifo(root / "fifo.md")
    (root / "broken.md").symlink_to("nowhere/missing.md")
    (root / "loop.md").symlink_to("loop.md")
    (root / "archive" / "self").symlink_to("..")
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(NOTE, encoding="utf-8")
    (root / "outside.md").symlink_to(elsewhere)
    return root


def test_a_vault_of_bad_files_is_checked_to_the_end(bad_vault):
    before = snapshot(bad_vault.parent)
    done = run_cli_within("check", "--output-format", "json", bad_vault)
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    codes: dict[str, set[str]] = {}
    for d in report["diagnostics"]:
        codes.setdefault(d["path"], set()).add(d["code"])
    for path, code in EXPECTED.items():
        assert code in codes.get(path, set()), (path, codes.get(path))
    h1 = [d for d in report["diagnostics"] if d["path"] == "good.md" and d["code"] == "ST101"]
    assert [(d["line"], d["column"]) for d in h1] == [(GOOD_H1_LINE, 1)]
    long_line = [d for d in report["diagnostics"] if d["path"] == "long.md"]
    assert [(d["line"], d["column"]) for d in long_line if d["code"] == "ST009"] == [
        (1, LONG_LINE.index("XX999") + 1)
    ]
    assert "dir.md/inner.md" not in codes or "ST004" not in codes["dir.md/inner.md"]
    assert "dir.md" not in codes  # a folder named like a note is walked, not read
    cache = str(bad_vault / ".vaultkit_cache")
    vault_folder = (str(bad_vault), os.path.join(bad_vault, "."))
    after = {
        path: entry
        for path, entry in snapshot(bad_vault.parent).items()
        if not path.startswith(cache) and path not in vault_folder
    }
    # Nothing was written, touched or created but the cache folder (which changes the
    # vault folder's own time).
    assert after == {p: e for p, e in before.items() if p in after}
    assert after.keys() == {p for p in before if p not in vault_folder}
    again = run_cli_within("check", "--output-format", "json", bad_vault)
    assert json.loads(again.stdout)["diagnostics"] == report["diagnostics"]  # from the cache
    before = snapshot(bad_vault.parent)
    run_cli_within("check", "--no-cache", bad_vault)
    assert snapshot(bad_vault.parent) == before


@pytest.mark.parametrize("fmt", ["text", "concise", "sarif", "github"])
def test_every_output_format_survives_the_bad_vault(bad_vault, fmt):
    done = run_cli_within("check", "--output-format", fmt, bad_vault)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    shown = "%5Cxd6%5Cxd0%5Cxce%5Cxc4.md" if fmt == "sarif" else "\\xd6\\xd0\\xce\\xc4.md"
    assert "fifo.md" in done.stdout and shown in done.stdout  # SARIF writes paths as URIs


def test_checking_the_bad_files_one_by_one(bad_vault):
    done = run_cli_within("check", *(bad_vault / n for n in ("fifo.md", "loop.md", BAD_NAME)))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "fifo.md:1:1: ST004" in done.stdout
    assert "loop.md:1:1: ST006" in done.stdout
    assert "\\xd6\\xd0\\xce\\xc4.md:1:1: ST001" in done.stdout


def test_an_empty_vault_passes_with_a_warning(make_vault):
    root = make_vault({})
    done = run_cli("check", root)
    assert done.returncode == 0
    assert "warning: no Markdown files to check" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_path_that_does_not_exist_exits_2(tmp_path):
    done = run_cli("check", tmp_path / "nope")
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr and "Traceback" not in done.stderr


def test_a_vault_of_symlink_loops_finishes(make_vault):
    root = make_vault({"a/n.md": NOTE, "b/m.md": NOTE})
    (root / "a" / "to-b").symlink_to("../b")
    (root / "b" / "to-a").symlink_to("../a")
    (root / "a" / "root").symlink_to("..")
    (root / "a" / "far-up").symlink_to("../../..")
    (root / "x.md").symlink_to("y.md")
    (root / "y.md").symlink_to("x.md")
    done = run_cli_within("check", "--output-format", "json", root, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    loops = sorted(
        d["path"] for d in json.loads(done.stdout)["diagnostics"] if d["code"] == "ST006"
    )
    assert loops == ["a/far-up", "a/root", "a/to-b", "b/to-a", "x.md", "y.md"]
