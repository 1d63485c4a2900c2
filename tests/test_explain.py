"""`vaultkit explain LINK --from NOTE [VAULT]`: how one link resolves, and its exit code."""

from __future__ import annotations

from conftest import REPO, run_cli

from vaultkit.report.explain import collect, render

FIXTURE = REPO / "fixtures" / "links-vault"
BAD = "01-博客/示例/链接错误.md"
GOOD = "01-博客/甲/链接示例.md"


def explain(*args: str):
    return run_cli("explain", *args, cwd=FIXTURE)


def test_a_resolving_link_exits_0_and_shows_each_step():
    done = explain("[[FAQ#How large can it be|大小]]", "--from", GOOD)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "link:     [[FAQ#How large can it be|大小]]",
        f"from:     {GOOD}",
        "parsed:   a wikilink, alias `大小`; path `FAQ`",
        "subpath:  heading `How large can it be`",
    ]
    assert "  1. files named `FAQ.md`: `02-资源/工具/FAQ.md`" in lines
    assert "  2. heading `How large can it be` matches `## How large can it be?` (line 7)" in lines
    assert lines[-1] == "result:   resolves to `02-资源/工具/FAQ.md` (the only file of that name)"


def test_a_broken_link_exits_1_with_the_rules_message():
    done = explain("[[00-元语/Agnet]]", "--from", BAD)
    assert done.returncode == 1
    assert "result:   does not resolve: no file matches" in done.stdout
    assert "finding:  LK001 broken-wikilink:" in done.stdout
    assert "did you mean `[[00-元语/Agent]]`?" in done.stdout


def test_missing_heading_and_block_exit_1():
    heading = explain("[[FAQ#Nope]]", "--from", BAD)
    assert heading.returncode == 1
    assert "but not its heading `Nope`" in heading.stdout and "LK004" in heading.stdout
    block = explain("[[FAQ#^nope]]", "--from", BAD)
    assert block.returncode == 1 and "LK005 missing-block-id" in block.stdout


def test_same_note_block_and_own_folder():
    block = explain("[[#^local]]", "--from", GOOD)
    assert block.returncode == 0
    assert "no path: the link points into the note itself" in block.stdout
    assert "block `^local`: found on line 7" in block.stdout
    own = explain("[[周报]]", "--from", GOOD)
    assert own.returncode == 0
    assert "resolves to `01-博客/甲/周报.md` (the one in or below the note's folder)" in own.stdout


def test_an_ambiguous_link_resolves_but_says_so():
    done = explain("[[周报]]", "--from", BAD)
    assert done.returncode == 0
    assert "several candidates: Obsidian opens the first by shortest path" in done.stdout
    assert "LK003 ambiguous-link" in done.stdout


def test_markdown_links_case_and_outside():
    decoded = explain("[第一步](../../docs/Setup%20Guide.md#First%20Steps)", "--from", GOOD)
    assert decoded.returncode == 0
    assert "relative to the note's folder: `docs/Setup Guide.md` found" in decoded.stdout
    case = explain("[[00-元语/llm]]", "--from", BAD)
    assert case.returncode == 0 and "LK006 link-case-mismatch" in case.stdout
    outside = explain("[x](../../../../etc/passwd)", "--from", BAD)
    assert outside.returncode == 1
    assert "it leads to `../../etc/passwd`, outside the vault" in outside.stdout
    assert "LK007 link-outside-vault" in outside.stdout


def test_bare_text_is_a_wikilink_and_a_url_is_not_a_vault_link():
    bare = explain("00-元语/AI", "--from", GOOD)
    assert bare.returncode == 0 and "resolves to `00-元语/AI.md`" in bare.stdout
    url = explain("https://example.com/a.md", "--from", GOOD)
    assert url.returncode == 1
    assert "not a vault link: `https://example.com/a.md` is a URL" in url.stdout


def test_image_embeds_are_explained_but_left_to_the_images_rules():
    done = explain("![[chart.png|300]]", "--from", GOOD)
    assert done.returncode == 0
    assert "an embed wikilink, size `300`" in done.stdout
    assert "in the attachment folder `附件`: found `附件/chart.png`" in done.stdout
    assert "checked by the images rules" in done.stdout


def test_from_is_relative_to_the_vault_argument():
    done = run_cli("explain", "[[LLM]]", "--from", GOOD, "fixtures/links-vault", cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "resolves to `00-元语/LLM.md`" in done.stdout


def test_usage_errors_exit_2():
    missing = explain("[[AI]]", "--from", "nope.md")
    assert missing.returncode == 2 and "no such note: nope.md" in missing.stderr
    no_link = explain("[[]]", "--from", GOOD)
    assert no_link.returncode == 2 and "no link in" in no_link.stderr
    no_from = explain("[[AI]]")
    assert no_from.returncode == 2 and "--from" in no_from.stderr


def test_the_api_gives_the_resolution():
    found = collect("[[FAQ#安装#步骤一]]", FIXTURE / GOOD)
    assert found.resolves
    assert found.resolution.rel == "02-资源/工具/FAQ.md"
    assert found.resolution.heading.text == "步骤一"
    assert render(found).endswith("(the only file of that name)\n")
