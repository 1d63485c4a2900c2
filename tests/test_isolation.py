"""One note never aborts a run (issue 15, items 2 and 4).

A rule that raises on a note becomes a finding on that note (the rule, the
exception's type, "please report"), the other rules and notes are still
checked, and the exit code says an internal error happened. The notes that
used to crash a rule, the graph or `explain` are kept here as tests: values
nested hundreds deep, integers of thousands of digits, a thousand `亿`,
control characters and bytes that are not UTF-8 in names and titles.
"""

from __future__ import annotations

import json

import pytest
from conftest import ARTICLE, run_cli, write_vault

from vaultkit.claims.numbers import cn_value
from vaultkit.graph import export, load_vault
from vaultkit.linter import check_paths
from vaultkit.rules.frontmatter import fields

EXIT_ERROR = 2


def _article(**replace: str) -> str:
    text = ARTICLE
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_a_rule_that_raises_becomes_a_finding_on_its_note(tmp_path, monkeypatch):
    def boom(self, note, settings):
        if note.rel == "bad.md":
            raise KeyError("oops")
        return iter(())

    monkeypatch.setattr(fields.YamlTypeCoercion, "check", boom)
    vault = write_vault(tmp_path / "v", {"bad.md": ARTICLE, "good.md": ARTICLE + "\n# H1\n"})
    run = check_paths([vault])
    crash = [d for d in run.result.diagnostics if d.code == "FM012"]
    assert [(d.path, d.start.line, d.start.column) for d in crash] == [("bad.md", 1, 1)]
    assert "KeyError" in crash[0].message and "please report" in crash[0].message
    assert len(run.result.internal_errors) == 1
    assert any(d.path == "good.md" for d in run.result.diagnostics)  # the run went on


def test_the_cli_exits_with_an_internal_error_but_reports_everything(tmp_path, monkeypatch):
    vault = write_vault(tmp_path / "v", {"bad.md": ARTICLE})
    plugin = tmp_path / "sitecustomize.py"
    plugin.write_text(
        "from vaultkit.rules.frontmatter import fields\n"
        "def boom(self, note, settings):\n    raise ZeroDivisionError('x')\n"
        "fields.YamlTypeCoercion.check = boom\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    done = run_cli("check", vault, "--output-format", "json", "--no-cache")
    assert done.returncode == EXIT_ERROR
    found = json.loads(done.stdout)["diagnostics"]
    crash = [d for d in found if d["code"] == "FM012"]
    assert crash and "ZeroDivisionError" in crash[0]["message"]
    assert "internal error" in done.stderr


HOSTILE_NOTES = {
    "deep-flow": "---\ntitle: x\n作者: " + "[" * 900 + "]" * 900 + "\n---\n\n正文\n",
    "deep-map": "---\ntitle: x\n作者: " + "{a: " * 900 + "1" + "}" * 900 + "\n---\n\n正文\n",
    "deep-block": "---\ntitle: x\n作者:\n"
    + "".join(" " * i + "-\n" for i in range(1, 500))
    + "---\n\n正文\n",
    "long-integer": _article(**{'作者: "测试作者"': "作者: " + "9" * 5000}),
    "base-60": _article(**{'作者: "测试作者"': "作者: 1:" + ":".join(["59"] * 3000)}),
    "base-60-title": _article(**{'title: "一篇干净的文章"': "title: 1:" + ":".join(["59"] * 3000)}),
    "yi": _article(**{"这是一句话总结。": "规模达到一" + "亿" * 1000 + "元。"}),
    # found by fuzz/campaign.py: a day of 400 digits overflowed to infinity in SM103
    "huge-day": _article(
        **{"这是一句话总结。": "于 " + "9" * 400 + " 日发布，用户 " + "9" * 400 + " 万。"}
    ),
    "control-title": _article(**{"一篇干净的文章": "a\\x01b\\x1b]0;t\\x07\\x0b\\ufffe"}),
}


@pytest.mark.parametrize("name", HOSTILE_NOTES)
def test_hostile_notes_are_checked_fixed_and_graphed_without_internal_error(name, tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {"01-博客/a.md": HOSTILE_NOTES[name], "01-博客/b.md": ARTICLE + "\n[[a]]\n"},
    )
    done = run_cli("check", vault, "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero")
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    loaded = load_vault(vault)
    for output_format in ("graphml", "gexf", "json", "dot", "mermaid", "html"):
        assert export.render(loaded.view("notes"), output_format)


def test_a_thousand_yi_is_a_number_not_a_recursion():
    assert cn_value("一" + "亿" * 1000) == pytest.approx(1e11)
    assert cn_value("三万亿二千万") == 3e12 + 2e7
    assert cn_value("9" * 400) is None  # too large for a float: not a value to compare


def test_an_explain_argument_that_is_not_utf8_is_an_input_error(tmp_path):
    vault = write_vault(tmp_path / "v", {"a.md": ARTICLE})
    done = run_cli("explain", "[[\udcff\x1b]0;t\x07]]", vault, "--from", "a.md")
    assert done.returncode == EXIT_ERROR
    assert "not valid UTF-8" in done.stderr and "Traceback" not in done.stderr
    assert "\x1b" not in done.stderr


def test_a_note_that_breaks_the_graph_is_left_out_and_reported(tmp_path, monkeypatch):
    from vaultkit.graph import build

    real = build._note_attributes

    def boom(note, layout):
        if note.rel == "bad.md":
            raise KeyError("oops")
        return real(note, layout)

    monkeypatch.setattr(build, "_note_attributes", boom)
    vault = write_vault(tmp_path / "v", {"bad.md": ARTICLE, "good.md": ARTICLE + "\n[[bad]]\n"})
    graph = load_vault(vault).graph
    assert set(graph.nodes) >= {"bad.md", "good.md"}
    assert graph.has_edge("good.md", "bad.md")
    assert len(graph.failures) == 1 and "KeyError" in graph.failures[0]
    assert export.render(graph, "graphml")
