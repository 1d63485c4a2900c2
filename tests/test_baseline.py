"""The baseline: `--write-baseline`, then only new findings; matching survives line shifts."""

from __future__ import annotations

import json

from conftest import run_cli

H1 = "---\ntitle: t\n---\n\n# 标题\n\n正文。\n"  # ST101 at 5:1
CLEAN = "---\ntitle: t\n---\n\n正文。\n"
BASELINE = ".vaultkit-baseline.json"


def codes(done) -> list[tuple[str, int, str]]:
    return [(d["path"], d["line"], d["code"]) for d in json.loads(done.stdout)["diagnostics"]]


def check(root, *args):
    return run_cli("check", root, "--output-format", "json", "--no-cache", *args)


def test_write_baseline_then_only_new_findings(make_vault):
    root = make_vault({"a.md": H1, "b.md": CLEAN})
    done = run_cli("check", root, "--write-baseline")
    assert done.returncode == 0, done.stderr
    assert "wrote 1 finding to" in done.stderr
    data = json.loads((root / BASELINE).read_text(encoding="utf-8"))
    [entry] = data["findings"]
    assert (entry["path"], entry["code"], len(entry["hash"])) == ("a.md", "ST101", 16)

    done = check(root)
    assert done.returncode == 0 and codes(done) == []
    assert "1 finding left out (in the baseline" in done.stderr

    (root / "b.md").write_text(H1, encoding="utf-8")  # a new fault in another note
    done = check(root)
    assert done.returncode == 1 and codes(done) == [("b.md", 5, "ST101")]


def test_matching_survives_lines_inserted_above_and_edits_elsewhere(make_vault):
    root = make_vault({"a.md": H1})
    run_cli("check", root, "--write-baseline")
    shifted = H1.replace("# 标题", "新的一段。\n\n另一段。\n\n# 标题")
    shifted = shifted.replace("正文。", "改过的正文。")
    (root / "a.md").write_text(shifted, encoding="utf-8")

    done = check(root)

    assert done.returncode == 0, done.stdout
    assert codes(done) == []


def test_duplicates_are_matched_by_count(make_vault):
    root = make_vault({"a.md": H1})
    run_cli("check", root, "--write-baseline", "--select", "ST101")
    twice = H1 + "\n# 标题\n\n更多。\n"  # a second identical line: one is new
    (root / "a.md").write_text(twice, encoding="utf-8")

    done = check(root, "--select", "ST101")

    assert codes(done) == [("a.md", 9, "ST101")]


def test_findings_that_disappeared_are_counted_and_rewriting_drops_them(make_vault):
    root = make_vault({"a.md": H1, "b.md": H1})
    run_cli("check", root, "--write-baseline")
    (root / "a.md").write_text(CLEAN, encoding="utf-8")

    done = check(root)
    assert done.returncode == 0
    assert "1 baseline entry no longer found" in done.stderr

    run_cli("check", root, "--write-baseline")
    paths = [e["path"] for e in json.loads((root / BASELINE).read_text("utf-8"))["findings"]]
    assert paths == ["b.md"]


def test_baseline_file_is_sorted_one_finding_per_line_and_stable(make_vault):
    root = make_vault({"z.md": H1, "a.md": H1 + "\n# 标题\n\n更多。\n", "m/b.md": H1})
    run_cli("check", root, "--write-baseline", "--select", "ST101")
    first = (root / BASELINE).read_bytes()
    run_cli("check", root, "--write-baseline", "--select", "ST101")
    assert (root / BASELINE).read_bytes() == first  # nothing changed: no byte changed

    lines = first.decode("utf-8").splitlines()
    entries = [json.loads(line.strip().rstrip(",")) for line in lines if '"path"' in line]
    assert [e["path"] for e in entries] == ["a.md", "m/b.md", "z.md"]
    assert entries[0]["count"] == 2 and "count" not in entries[1]


def test_a_partial_check_rewrites_only_its_own_notes(make_vault):
    root = make_vault({"a.md": H1, "b.md": H1})
    run_cli("check", root, "--write-baseline")
    (root / "a.md").write_text(CLEAN, encoding="utf-8")

    done = run_cli("check", root / "a.md", "--write-baseline")

    assert done.returncode == 0, done.stderr
    paths = [e["path"] for e in json.loads((root / BASELINE).read_text("utf-8"))["findings"]]
    assert paths == ["b.md"]  # b.md was not checked: its entry stays
    done = check(root / "a.md")
    assert "no longer found" not in done.stderr  # b.md's entry is out of scope


def test_config_key_and_option_name_the_file(make_vault):
    root = make_vault({"a.md": H1, "vaultkit.toml": 'baseline = "lint/known.json"\n'})
    (root / "lint").mkdir()
    done = run_cli("check", root, "--write-baseline")
    assert done.returncode == 0, done.stderr
    assert (root / "lint" / "known.json").is_file() and not (root / BASELINE).exists()
    assert codes(check(root)) == []
    assert codes(check(root, "--no-baseline")) == [("a.md", 5, "ST101")]

    other = root / "other.json"
    run_cli("check", root, f"--write-baseline={other}", "--select", "FM")
    assert codes(check(root, "--baseline", other)) == [("a.md", 5, "ST101")]


def test_a_bad_baseline_is_a_usage_error(make_vault):
    root = make_vault({"a.md": H1})
    (root / BASELINE).write_text("[1, 2]", encoding="utf-8")
    done = check(root)
    assert done.returncode == 2 and "not a vaultkit baseline" in done.stderr

    done = run_cli("check", root, "--baseline", root / "missing.json")
    assert done.returncode == 2 and "no such baseline file" in done.stderr

    done = run_cli("check", root, f"--write-baseline={root}")
    assert done.returncode == 2 and "is a folder" in done.stderr


def test_a_note_is_never_taken_for_the_baseline_file(make_vault):
    root = make_vault({"a.md": H1})
    done = run_cli("check", root, f"--write-baseline={root / 'a.md'}")
    assert done.returncode == 2 and "Markdown file" in done.stderr
    assert (root / "a.md").read_text(encoding="utf-8") == H1
