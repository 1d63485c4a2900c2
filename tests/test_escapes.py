"""Note text and file names never drive the terminal (issue 15, item 7).

A note whose heading holds `ESC [2K ESC [1A` (erase a line, move up) and
`ESC ] 0 ; … BEL` (set the window title), in a file whose name holds a newline
and a forged finding line: the text and concise reports show every such
character escaped (`\\x1b`, `\\x0a`), on a terminal and off it, and a JSON
report keeps them as JSON escapes.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest
from conftest import run_cli, write_vault

NAME = "n\nfake.md:1:1: ST999 forged.md"
NOTE = '---\ntitle: "a\\x1b]0;pwn\\x07"\n---\n\n# H1 \x1b[2K\x1b[1A\x1b]52;c;eA==\x07 evil\n'
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # vaultkit's own styling on a terminal


@pytest.fixture
def vault(tmp_path):
    return write_vault(tmp_path / "v", {NAME: NOTE})


@pytest.mark.parametrize("output_format", ["text", "concise", "github"])
def test_reports_show_control_characters_escaped(vault, output_format):
    done = run_cli("check", vault, "--no-cache", "--output-format", output_format)
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    findings = [line for line in done.stdout.splitlines() if "ST101" in line]
    assert len(findings) == 1  # the newline of the name forged no extra finding line
    if output_format != "github":
        assert findings[0].startswith("n\\x0afake.md:1:1: ST999 forged.md:5:1: ST101")
        assert "\\x1b[2K\\x1b[1A\\x1b]52;c;eA==\\x07" in findings[0]


def test_on_a_terminal_only_vaultkit_s_own_colours_are_escape_sequences(vault):
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "vaultkit", "check", str(vault), "--no-cache"],
        stdout=follower, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": ""},
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8")
    assert done.returncode == 1
    assert _COLOUR.search(shown)  # it was a terminal
    plain = _COLOUR.sub("", shown)
    assert "\x1b" not in plain and "\x07" not in plain
    assert "\\x1b[2K" in plain


def test_json_keeps_the_text_with_json_escapes(vault):
    done = run_cli("check", vault, "--no-cache", "--output-format", "json")
    assert "\x1b" not in done.stdout and "\\u001b[2K" in done.stdout
    found = json.loads(done.stdout)["diagnostics"]
    assert {d["path"] for d in found} == {NAME}
    assert any("\x1b[2K" in d["message"] for d in found)


def test_junit_stays_well_formed_xml(vault):
    from lxml import etree

    done = run_cli("check", vault, "--no-cache", "--output-format", "junit")
    root = etree.fromstring(done.stdout.encode(), etree.XMLParser(recover=False))
    assert root.findall(".//failure")
