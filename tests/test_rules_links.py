"""Link rules LK001–LK009: a hit (exact line and column of the link), a miss and an edge each,
and the fixture vault `fixtures/links-vault/` against its expected output."""

from __future__ import annotations

import difflib
import os

import pytest
from conftest import REPO, check, run_cli, where

from vaultkit.rules import get, links

FIXTURE = REPO / "fixtures" / "links-vault"
EXPECTED = REPO / "fixtures" / "links-vault.expected.txt"
COMMAND = ("check", "fixtures/links-vault", "--select", "LK", "--output-format", "concise")

TOPICS = {"00-元语/AI.md": "AI\n", "00-元语/Agent.md": "Agent\n", "00-元语/LLM.md": "LLM\n"}


def messages(diagnostics, code):
    return [d.message for d in diagnostics if d.code == code]


# ------------------------------------------------------------------ the fixture vault


def test_fixture_vault_matches_the_expected_output():
    """`fixtures/links-vault.expected.txt` is the exact output of the command
    (regenerate with VAULTKIT_REGENERATE=1 and review the diff)."""
    done = run_cli(*COMMAND, "--no-color", cwd=REPO)
    assert done.stderr == ""
    assert done.returncode == 1
    if os.environ.get("VAULTKIT_REGENERATE") == "1":
        EXPECTED.write_bytes(done.stdout.encode("utf-8"))
    expected = EXPECTED.read_text(encoding="utf-8").splitlines()
    actual = done.stdout.splitlines()
    diff = "\n".join(difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))
    assert actual == expected, diff


def test_fixture_vault_clean_note_and_one_finding_per_faulty_line():
    found = check(FIXTURE, select=["LK"])
    assert {d.path for d in found} == {"01-博客/示例/链接错误.md"}
    lines = [d.start.line for d in found]
    assert len(lines) == len(set(lines)) == 16
    note = (FIXTURE / "01-博客/示例/链接错误.md").read_text(encoding="utf-8").splitlines()
    for diagnostic in found:  # every finding points at a `[[` or `[` or `![[` of its line
        text = note[diagnostic.start.line - 1][diagnostic.start.column - 1 :]
        assert text.startswith(("[[", "![[", "[")), (diagnostic.code, text)


# ------------------------------------------------------------------ LK001 broken-wikilink


def test_lk001_hit_suggests_the_closest_topic(make_vault):
    root = make_vault({**TOPICS, "01-博客/a.md": "正文\n\n- [[00-元语/Agnet]]\n"})
    found = check(root, select=["LK001"])
    assert where(found) == [("01-博客/a.md", 3, 3, "LK001")]
    assert "did you mean `[[00-元语/Agent]]`?" in found[0].message
    assert (found[0].end.line, found[0].end.column) == (3, 18)


def test_lk001_miss_every_form_that_resolves(make_vault):
    root = make_vault(
        {
            **TOPICS,
            "01-博客/b.md": "## 小节\n",
            "01-博客/a.md": (
                "[[00-元语/AI]] [[AI]] [[00-元语/AI.md]] [[AI|人工智能]] [[元语/AI]] "
                "[[b#小节]] [[#x]] ![[missing.png]]\n\n## x\n"
            ),
        }
    )
    assert check(root, select=["LK001"]) == []


def test_lk001_edge_cjk_column_crlf_and_extension_hint(make_vault):
    root = make_vault(
        {"files/报告.pdf": b"%PDF", "a.md": "第一行\r\n中文中文[[报告]] 和 [[不存在]]\r\n"}
    )
    found = check(root, select=["LK001"])
    assert where(found) == [("a.md", 2, 5, "LK001"), ("a.md", 2, 14, "LK001")]
    assert "need their extension: `[[报告.pdf]]`" in found[0].message
    assert "no file of the vault has a similar name" in found[1].message


def test_lk001_checks_non_image_embeds_but_not_image_embeds(make_vault):
    root = make_vault({"a.md": "![[scan.pdf]]\n![[photo.png]]\n[[diagram.png]]\n"})
    assert where(check(root, select=["LK001"])) == [
        ("a.md", 1, 1, "LK001"),
        ("a.md", 3, 1, "LK001"),
    ]


def test_lk001_ignores_links_in_comments_and_code(make_vault):
    root = make_vault({"a.md": "%% [[gone]] %%\n`[[gone]]`\n<!-- [[gone]] -->\n%%\n[[gone]]\n%%\n"})
    assert check(root, select=["LK001"]) == []


# ------------------------------------------------------------------ LK002 broken-markdown-link


def test_lk002_hit(make_vault):
    root = make_vault(
        {"docs/Setup Guide.md": "", "a/n.md": "see [the guide](../docs/Setup%20Guid.md)\n"}
    )
    found = check(root, select=["LK002"])
    assert where(found) == [("a/n.md", 1, 5, "LK002")]
    assert "did you mean `../docs/Setup%20Guide.md`?" in found[0].message


def test_lk002_miss_relative_encoded_angle_reference_and_urls(make_vault):
    root = make_vault(
        {
            "docs/Setup Guide.md": "## First Steps\n",
            "a/n.md": (
                "[a](../docs/Setup%20Guide.md) [b](<../docs/Setup Guide.md#First Steps>) "
                "[c][ref] [d](https://example.com/x.md) [e](mailto:a@example.com) "
                "[f](Setup%20Guide.md) [g](#local)\n\n## local\n\n[ref]: /docs/Setup%20Guide.md\n"
            ),
        }
    )
    assert check(root, select=["LK"]) == []


def test_lk002_edge_crlf_and_wikilinks_are_not_its_business(make_vault):
    root = make_vault({"n.md": "行\r\n[[gone]]\r\n[中文](没有.md)\r\n"})
    assert where(check(root, select=["LK002"])) == [("n.md", 3, 1, "LK002")]


# ------------------------------------------------------------------ LK003 ambiguous-link


def test_lk003_hit_names_candidates_and_obsidians_choice(make_vault):
    root = make_vault({"甲/周报.md": "", "乙乙/周报.md": "", "丙/n.md": "读 [[周报|周报]]\n"})
    found = check(root, select=["LK003"])
    assert where(found) == [("丙/n.md", 1, 3, "LK003")]
    message = found[0].message
    assert "matches 2 files: `甲/周报.md`, `乙乙/周报.md`" in message
    assert "Obsidian opens `甲/周报.md` (the shortest path)" in message
    assert "`[[甲/周报|周报]]`" in message


def test_lk003_miss_when_exact_path_or_own_folder_decides(make_vault):
    root = make_vault(
        {
            "周报.md": "",
            "甲/周报.md": "",
            "乙/周报.md": "",
            "丙/n.md": "[[周报]]\n",
            "甲/n.md": "[[周报]]\n",
        }
    )
    assert check(root, select=["LK003"]) == []


def test_lk003_edge_markdown_link_relative_and_vault_paths_differ(make_vault):
    root = make_vault({"x.md": "", "a/x.md": "", "a/n.md": "[t](x.md) [u](./x.md) [v](/x.md)\n"})
    found = check(root, select=["LK003"])
    assert where(found) == [("a/n.md", 1, 1, "LK003")]
    assert (
        "write `./x.md` for the one beside this note or `/x.md` for the other" in found[0].message
    )


# ------------------------------------------------------------------ LK004 missing-heading


def test_lk004_hit_suggests_the_heading(make_vault):
    root = make_vault(
        {"FAQ.md": "## How large can it be?\n", "n.md": "x\n\n见 [[FAQ#How big can it be]]\n"}
    )
    found = check(root, select=["LK004"])
    assert where(found) == [("n.md", 3, 3, "LK004")]
    assert "did you mean `## How large can it be?`?" in found[0].message


def test_lk004_miss_obsidian_heading_matching(make_vault):
    root = make_vault(
        {
            "F.md": "## How large can it be?\n### `hasTag()`\n## 安装\n### 步骤一\n",
            "n.md": (
                "[[F#How large can it be]] [[F#hasTag]] [[F#安装#步骤一]] "
                "[[F#HOW LARGE CAN IT BE]] [t](F.md#How%20large%20can%20it%20be) [[#Local]]\n"
                "\n## Local\n"
            ),
        }
    )
    assert check(root, select=["LK004"]) == []


def test_lk004_edge_same_note_table_escape_and_nested_order(make_vault):
    root = make_vault(
        {
            "F.md": "## 安装\n### 步骤一\n",
            "n.md": (
                "| a | b |\n| --- | --- |\n| x | [[F#Nope\\|别名]] |\n\n"
                "[[#Nowhere]] [[F#步骤一#安装]]\n"
            ),
        }
    )
    found = check(root, select=["LK004"])
    assert where(found) == [
        ("n.md", 3, 7, "LK004"),
        ("n.md", 5, 1, "LK004"),
        ("n.md", 5, 14, "LK004"),
    ]
    assert "its headings are `## 安装`, `### 步骤一`" in found[0].message
    assert "this note has no heading `Nowhere`; it has no headings at all" in found[1].message
    assert "no heading `安装` after `### 步骤一`" in found[2].message


def test_lk004_edge_many_broken_heading_links_spend_a_budget(make_vault, monkeypatch):
    """Suggestions compare a link with every heading; past the note's budget a finding
    lists the first headings and how many more, instead of comparing again."""
    from vaultkit import resolve

    monkeypatch.setattr(resolve, "NEAR_HEADINGS_BUDGET", 25)
    headings = "".join(f"## 标题{i}\n\n" for i in range(10))
    root = make_vault({"n.md": headings + "[[#标题1x]] [[#标题2x]] [[#标题3x]]\n"})
    found = check(root, select=["LK004"])
    assert where(found) == [("n.md", 21, 1, "LK004"), ("n.md", 21, 11, "LK004"),
                            ("n.md", 21, 21, "LK004")]  # fmt: skip
    assert "did you mean `## 标题1`" in found[0].message
    assert "did you mean `## 标题2`" in found[1].message
    listed = messages(found, "LK004")[2]
    assert "its headings are `## 标题0`, `## 标题1`" in listed
    assert listed.endswith(f"and {10 - links._MAX_LISTED} more")


# ------------------------------------------------------------------ LK005 missing-block-id


def test_lk005_hit_lists_existing_ids(make_vault):
    root = make_vault({"M.md": "决定 ^decision1\n", "n.md": "[[M#^decision-1]]\n"})
    found = check(root, select=["LK005"])
    assert where(found) == [("n.md", 1, 1, "LK005")]
    assert "has no block `^decision-1`; its block ids are `^decision1`" in found[0].message


def test_lk005_miss_every_kind_of_block_id(make_vault):
    root = make_vault(
        {
            "M.md": "para ^p1\n\n- item ^i1\n\n| a |\n| --- |\n| b |\n\n^t1\n\n![[x.png]]^img\n",
            "x.png": b"png",
            "n.md": "[[M#^p1]] [[M#^I1]] [[M#^t1]] [[M#^img]] [[#^own]]\n\ntext ^own\n",
        }
    )
    assert check(root, select=["LK005"]) == []


def test_lk005_edge_ids_in_comments_do_not_count(make_vault):
    root = make_vault({"M.md": "%% hidden ^gone %%\n", "n.md": "中文 [[M#^gone]]\n"})
    found = check(root, select=["LK005"])
    assert where(found) == [("n.md", 1, 4, "LK005")]
    assert "has no block ids: end the paragraph you mean with ` ^gone`" in found[0].message


# ------------------------------------------------------------------ LK006 link-case-mismatch


def test_lk006_hit_gives_the_real_case(make_vault):
    root = make_vault({**TOPICS, "a.md": "## 延伸\n\n- [[00-元语/llm#x|别名]]\n"})
    found = check(root, select=["LK006"])
    assert where(found) == [("a.md", 3, 3, "LK006")]
    assert "write `[[00-元语/LLM#x|别名]]`" in found[0].message
    assert found[0].severity.value == "warning"


def test_lk006_miss_exact_case_and_nfd_names(make_vault):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Café")
    root = make_vault({**TOPICS, f"{nfd}.md": "", "a.md": "[[00-元语/LLM]] [[Café]] [[LLM]]\n"})
    assert check(root, select=["LK006"]) == []


def test_lk006_edge_markdown_link_and_bare_name(make_vault):
    root = make_vault(
        {
            "docs/Setup Guide.md": "",
            "a/n.md": "[g](../docs/setup%20guide.md)\r\n[[setup guide]]\r\n",
        }
    )
    found = check(root, select=["LK006"])
    assert where(found) == [("a/n.md", 1, 1, "LK006"), ("a/n.md", 2, 1, "LK006")]
    assert "write `../docs/Setup%20Guide.md`" in found[0].message
    assert "write `[[Setup Guide]]`" in found[1].message


# ------------------------------------------------------------------ LK007 link-outside-vault


def test_lk007_hit(make_vault):
    root = make_vault({"a/b/n.md": "密码在 [这里](../../../etc/passwd)\n"})
    found = check(root, select=["LK007"])
    assert where(found) == [("a/b/n.md", 1, 5, "LK007")]
    assert "leads out of the vault (to `../etc/passwd` from the vault root)" in found[0].message


def test_lk007_miss_paths_that_stay_inside(make_vault):
    root = make_vault(
        {"x.md": "", "a/b/n.md": "[x](../../x.md) [[../../x]] [y](https://example.com/../x)\n"}
    )
    assert check(root, select=["LK007"]) == []


def test_lk007_edge_wikilinks_file_urls_and_drive_paths(make_vault):
    root = make_vault(
        {"a/n.md": "[[../../other/Note]]\n[f](file:///home/me/a.md)\n[w](C:/Users/me/a.md)\n"}
    )
    found = check(root, select=["LK007"])
    assert where(found) == [
        ("a/n.md", 1, 1, "LK007"),
        ("a/n.md", 2, 1, "LK007"),
        ("a/n.md", 3, 1, "LK007"),
    ]
    assert "names the local file `file:///home/me/a.md`" in found[1].message


def test_outside_targets_are_never_read(make_vault, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("## Secret\n", encoding="utf-8")
    root = make_vault({"n.md": "[s](../secret.md#Secret) [[../secret#Secret]]\n"})
    found = check(root, select=["LK"])
    assert [d.code for d in found] == ["LK007", "LK007"]


# ------------------------------------------------------------------ LK008 orphan-note


def test_lk008_is_off_by_default(make_vault):
    root = make_vault({"a.md": "alone\n"})
    assert check(root) == [] or "LK008" not in {d.code for d in check(root)}
    assert get("LK008").default_enabled is False


def test_lk008_hit_miss_and_topic_notes(make_vault):
    root = make_vault(
        {
            **TOPICS,
            "01-博客/linked.md": "[[00-元语/AI]]\n",
            "01-博客/self.md": "[[self]] [[#x]]\n",
            "01-博客/hub.md": "[[linked]] ![[embedded]]\n",
            "01-博客/embedded.md": "",
        }
    )
    found = check(root, select=["LK008"])
    assert where(found) == [("01-博客/hub.md", 1, 1, "LK008"), ("01-博客/self.md", 1, 1, "LK008")]
    assert "no other note links to `01-博客/self.md`" in found[1].message


# ------------------------------------------------------------------ LK009 dead-end-note


def test_lk009_hit_miss_and_what_counts(make_vault):
    root = make_vault(
        {
            "x.png": b"png",
            "out.md": "[[broken]]\n",
            "url.md": "<https://example.com> [[#here]] ![[x.png]]\n\n## here\n",
            "pdf.md": "[[paper.pdf]]\n",
            "md.md": "[t](out.md)\n",
        }
    )
    found = check(root, select=["LK009"])
    assert where(found) == [("url.md", 1, 1, "LK009")]
    assert get("LK009").default_enabled is False


def test_dead_end_edge_crlf_note_without_links(make_vault):
    root = make_vault({"a.md": "---\r\ntitle: x\r\n---\r\n正文\r\n"})
    assert where(check(root, select=["LK009"])) == [("a.md", 1, 1, "LK009")]


# ------------------------------------------------------------------ the family


@pytest.mark.parametrize("code", [f"LK00{i}" for i in range(1, 10)])
def test_rules_are_registered_in_the_links_category(code):
    rule = get(code)
    assert rule is not None and rule.category == "links"


def test_a_partial_check_resolves_against_the_whole_vault(make_vault):
    root = make_vault(
        {"00-元语/AI.md": "", "01-博客/a.md": "[[AI]] [[gone]]\n", "01-博客/b.md": "[[gone]]\n"}
    )
    found = check(root / "01-博客" / "a.md", select=["LK"])
    assert where(found) == [("01-博客/a.md", 1, 8, "LK001")]


def test_inline_suppression_applies(make_vault):
    root = make_vault(
        {"a.md": "<!-- vaultkit-disable-next-line LK001 -->\n[[gone]]\n[[gone too]]\n"}
    )
    assert where(check(root, select=["LK001"])) == [("a.md", 3, 1, "LK001")]
