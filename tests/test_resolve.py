"""The resolver (`vaultkit.resolve`) and the parse facts it needs from `vaultkit.note`."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from vaultkit import config, source
from vaultkit import note as note_module
from vaultkit import vault as vault_module
from vaultkit.resolve import LinkIndex, Status, index_for
from vaultkit.targets import heading_key, parse_target, strip_heading


def parse(text: str, rel: str = "n.md") -> note_module.Note:
    return note_module.parse(Path(rel), rel, source.decode(text.encode("utf-8")))


def load(root: Path) -> vault_module.Vault:
    return vault_module.load(root, config.Config())


def resolve_all(root: Path, rel: str) -> list:
    vault = load(root)
    return index_for(vault).links_of(vault.by_rel[rel])


def only(root: Path, rel: str):
    (resolution,) = resolve_all(root, rel)
    return resolution


# ------------------------------------------------------------------ parse facts (note.py)


def test_obsidian_comments_hide_links_headings_and_blocks():
    note = parse(
        "a %% [[inline]] %% b [[shown]]\n\n%%\n## Hidden\n[[block]] ^hid\n%%\n\n## Seen ^sid\n"
    )
    assert [link.target for link in note.links] == ["shown"]
    assert [heading.text for heading in note.headings] == ["Seen ^sid"]
    assert list(note.blocks) == ["sid"]
    assert [region.kind for region in note.code].count("comment") == 2
    assert {3, 4, 5, 6} <= note.code_lines and 1 not in note.code_lines


def test_an_unclosed_comment_runs_to_the_end_and_code_keeps_its_percent_signs():
    note = parse("`%%` [[one]]\n\n%% open\n\n[[two]]\n")
    assert [link.target for link in note.links] == ["one"]
    comment = next(region for region in note.code if region.kind == "comment")
    assert comment.closed is False and comment.end == len(note.data)


def test_links_in_code_math_and_html_are_not_links():
    note = parse("`[[a]]` $[[b]]$ <!-- [[c]] -->\n\n```\n[[d]]\n```\n\n    [[e]]\n")
    assert note.links == []


def test_table_escape_is_dropped_and_the_alias_kept():
    note = parse("| a |\n| --- |\n| [[Note#Head\\|alias]] |\n")
    (link,) = note.links
    assert (link.target, link.alias, link.text) == ("Note#Head", "alias", "alias")


def test_alias_and_image_size():
    note = parse("[[a|b]] ![[x.png|100]] [[plain]]\n")
    assert [(link.target, link.alias) for link in note.links] == [
        ("a", "b"),
        ("x.png", "100"),
        ("plain", None),
    ]


def test_a_wikilink_across_lines_is_not_a_link():
    assert parse("[[a\nb]]\n").links == []


def test_an_image_inside_a_link_keeps_both_in_order():
    note = parse("[![badge](b.png)](target.md)\n")
    assert [(link.target, link.embed) for link in note.links] == [
        ("target.md", False),
        ("b.png", True),
    ]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("para ^p1\n", ["p1"]),
        ("- item ^i1\n  - inner ^i2\n", ["i1", "i2"]),
        ("> quote ^q1\n", ["q1"]),
        ("## Head ^h1\n", ["h1"]),
        ("| a |\n| --- |\n| b |\n\n^tbl\n", ["tbl"]),
        ("![[x.png]]^Glued-1\n", ["glued-1"]),
        ("[[x]]^not\n", []),  # only an embed may carry a glued id
        ("[[x]] ^after-link\n", ["after-link"]),
        ("word^not\n", []),
        ("mid ^not\nend of paragraph\n", []),  # the id must end the block
        ("```\ncode ^not\n```\n", []),
        ("^中文\n", []),  # letters, digits and `-` only
        ("crlf ^c1\r\n\r\nnext\r\n", ["c1"]),
    ],
)
def test_block_ids(text, ids):
    assert list(parse(text).blocks) == ids


def test_block_id_offset_points_at_the_caret():
    note = parse("---\ntitle: x\n---\n中文段落 ^cjk\n")
    offset = note.blocks["cjk"]
    assert note.data[offset : offset + 4] == b"^cjk"
    assert note.position(offset).column == 6


# ------------------------------------------------------------------ targets and headings


def test_parse_target_splits_and_decodes():
    note = parse("[[ Folder/Note#H1#H2|al ]] [t](Some%20Note.md#A%20b) [u](<a b.md>)\n")
    wiki, markdown, angle = (parse_target(link) for link in note.links)
    assert (wiki.kind, wiki.path, wiki.headings, wiki.alias) == (
        "wikilink",
        "Folder/Note",
        ["H1", "H2"],
        "al ",
    )
    assert (markdown.kind, markdown.path, markdown.subpath) == ("markdown", "Some Note.md", "A b")
    assert angle.path == "a b.md"


@pytest.mark.parametrize(
    "text", ["<https://x.y>", "[a](https://x.y/a.md)", "[m](mailto:a@b.c)", "[o](obsidian://open)"]
)
def test_urls_are_not_vault_targets(text):
    assert parse_target(parse(text).links[0]) is None


def test_file_urls_and_drive_paths_are_vault_targets_that_lead_outside():
    note = parse("[f](file:///etc/hosts) [d](C:/Users/me/a.md)\n")
    assert all(parse_target(link) is not None for link in note.links)


def test_block_and_heading_parts():
    block = parse_target(parse("[[N#^abc]]").links[0])
    assert (block.block, block.headings) == ("abc", [])
    nested = parse_target(parse("[[N#A#^abc]]").links[0])
    assert (nested.block, nested.headings) == (None, ["A", "^abc"])


@pytest.mark.parametrize(
    ("heading", "link"),
    [
        ("How large can it be?", "How large can it be"),
        ("`hasTag()`", "hasTag"),
        ("See [[Other|alias]]", "See Other alias"),
        ("a:b", "a b"),
        ("Tabs\tand  spaces", "tabs and spaces"),
        ("结论：小模型", "结论：小模型"),  # full-width punctuation is kept
    ],
)
def test_heading_comparison_follows_obsidian(heading, link):
    assert heading_key(heading) == heading_key(link)


def test_heading_comparison_keeps_dashes_and_underscores():
    assert heading_key("my_var") != heading_key("myvar")
    assert heading_key("a-b") != heading_key("a b")
    assert strip_heading("  #a|b^c%d  ") == "a b c d"


# ------------------------------------------------------------------ file resolution


def test_the_resolution_order(make_vault):
    root = make_vault(
        {
            "Note.md": "root",
            "a/Note.md": "a",
            "b/Note.md": "b",
            "b/c/Deep.md": "deep",
            "a/src.md": "[[Note]] [[b/Note]] [[c/Deep]] [[Deep]] [[./Note]] [[Missing]]\n",
            "x/src.md": "[[b/Note]]\n",
        }
    )
    results = resolve_all(root, "a/src.md")
    assert [(r.status, r.rel, r.decided_by) for r in results] == [
        (Status.RESOLVED, "Note.md", "exact vault path"),
        (Status.RESOLVED, "b/Note.md", "exact vault path"),
        (Status.RESOLVED, "b/c/Deep.md", "the only file whose path ends that way"),
        (Status.RESOLVED, "b/c/Deep.md", "the only file of that name"),
        (Status.RESOLVED, "a/Note.md", "relative to the note's folder"),
        (Status.MISSING, None, "no file matches"),
    ]


def test_own_folder_then_shortest_path(make_vault):
    root = make_vault(
        {
            "a/x/Note.md": "",
            "bb/Note.md": "",
            "c/Note.md": "",
            "a/x/src.md": "[[Note]]\n",
            "d/src.md": "[[Note]]\n",
        }
    )
    own = only(root, "a/x/src.md")
    assert (own.status, own.rel, own.decided_by) == (
        Status.RESOLVED,
        "a/x/Note.md",
        "the one in or below the note's folder",
    )
    far = only(root, "d/src.md")
    assert (far.status, far.rel) == (Status.AMBIGUOUS, "c/Note.md")
    assert far.candidates == ("c/Note.md", "bb/Note.md", "a/x/Note.md")


def test_obsidian_quirks_of_the_look_up(make_vault):
    root = make_vault(
        {
            "00-元语/AI.md": "",
            "x.md": "",
            "sub/x.md": "",
            "tools/Node.js": b"script",
            "tools/Node.js.md": "",
            "a/src.md": "[[元语/AI]] [[/x]] [[/sub/x]] [[/nope/x]] [[Node.js]] [[./x]]\n",
        }
    )
    partial, rooted, rooted_sub, rooted_missing, dotted, relative = resolve_all(root, "a/src.md")
    assert partial.rel == "00-元语/AI.md"  # plain text suffix, not whole folder names
    assert (rooted.rel, rooted_sub.rel) == ("x.md", "sub/x.md")
    assert rooted_missing.status is Status.MISSING  # a rooted path never falls back to names
    assert dotted.rel == "tools/Node.js"  # a file of that very name wins over `Node.js.md`
    assert relative.status is Status.MISSING  # `./` looks only beside the note


def test_own_folder_means_the_folder_path_as_a_prefix(make_vault):
    root = make_vault({"ab/Note.md": "", "c/Note.md": "", "a/src.md": "[[Note]]\n"})
    found = only(root, "a/src.md")
    assert (found.status, found.rel) == (Status.RESOLVED, "ab/Note.md")  # "ab/…" starts with "a"


def test_attachment_folder_decides_between_images(make_vault):
    root = make_vault(
        {
            ".obsidian/app.json": '{"attachmentFolderPath": "附件"}',
            "附件/x.png": b"png",
            "other/x.png": b"png",
            "n/src.md": "![[x.png|120]]\n",
        }
    )
    image = only(root, "n/src.md")
    assert (image.rel, image.decided_by, image.target.alias) == (
        "附件/x.png",
        "the one in the attachment folder",
        "120",
    )


def test_attachment_folder_relative_to_the_note(make_vault):
    root = make_vault(
        {
            ".obsidian/app.json": '{"attachmentFolderPath": "./assets"}',
            "n/assets/x.png": b"png",
            "x.png.d/x.png": b"png",
            "n/src.md": "![[x.png]]\n",
        }
    )
    assert only(root, "n/src.md").rel == "n/assets/x.png"


def test_non_markdown_targets_need_their_extension(make_vault):
    root = make_vault({"paper.pdf": b"%PDF", "Node.js.md": "", "src.md": "[[paper]] [[Node.js]]\n"})
    missing, dotted = resolve_all(root, "src.md")
    assert missing.status is Status.MISSING
    assert dotted.rel == "Node.js.md"
    assert index_for(load(root)).with_extension("paper") == ["paper.pdf"]


def test_case_and_unicode_normalisation(make_vault):
    nfd = unicodedata.normalize("NFD", "Café")
    root = make_vault(
        {
            "00-元语/LLM.md": "",
            f"{nfd}.md": "",
            "src.md": "[[00-元语/llm]] [[00-元语/LLM]] [[Café]] [[No\u00a0Break]]\n",
            "No Break.md": "",
        }
    )
    lower, exact, cafe, nbsp = resolve_all(root, "src.md")
    assert (lower.rel, lower.case_mismatch) == ("00-元语/LLM.md", "00-元语/LLM")
    assert exact.case_mismatch is None
    assert cafe.status is Status.RESOLVED and cafe.case_mismatch is None
    assert nbsp.rel == "No Break.md"


def test_two_files_differing_only_in_case_pick_the_one_written(make_vault):
    root = make_vault({"a.md": "", "A.md": "", "src.md": "[[A]] [[a]]\n"})
    vault = load(root)
    if len({n.rel for n in vault.notes}) < 3:
        pytest.skip("the file system ignores case")
    upper, lower = index_for(vault).links_of(vault.by_rel["src.md"])
    assert (upper.rel, lower.rel) == ("A.md", "a.md")
    assert upper.case_mismatch is None and lower.case_mismatch is None


def test_markdown_links(make_vault):
    root = make_vault(
        {
            "docs/Setup Guide.md": "## First Steps\n",
            "Other.md": "",
            "a/b/src.md": (
                "[x](../../docs/Setup%20Guide.md#First%20Steps) [y](</docs/Setup Guide.md>) "
                "[z](Other.md) [w](../../../../etc/passwd) [v](file:///etc/hosts)\n"
            ),
        }
    )
    relative, rooted, by_name, out, local = resolve_all(root, "a/b/src.md")
    assert (relative.rel, relative.decided_by, relative.ok) == (
        "docs/Setup Guide.md",
        "relative to the note's folder",
        True,
    )
    assert (rooted.rel, rooted.decided_by) == ("docs/Setup Guide.md", "exact vault path")
    assert (by_name.rel, by_name.decided_by) == ("Other.md", "the only file of that name")
    assert (out.status, out.escaped) == (Status.OUTSIDE, "../../etc/passwd")
    assert (local.status, local.decided_by) == (Status.OUTSIDE, "a local file path")


def test_markdown_link_whose_relative_and_vault_paths_differ(make_vault):
    root = make_vault({"x.md": "", "a/x.md": "", "a/src.md": "[t](x.md) [u](./x.md)\n"})
    clash, explicit = resolve_all(root, "a/src.md")
    assert (clash.status, clash.rel, clash.candidates) == (
        Status.AMBIGUOUS,
        "x.md",
        ("x.md", "a/x.md"),
    )
    assert (explicit.status, explicit.rel) == (Status.RESOLVED, "a/x.md")


def test_wikilink_climbing_out_of_the_vault(make_vault):
    root = make_vault({"a/src.md": "[[../../elsewhere/Note]] [[../Top]]\n", "Top.md": ""})
    out, top = resolve_all(root, "a/src.md")
    assert (out.status, out.escaped) == (Status.OUTSIDE, "../elsewhere/Note")
    assert top.rel == "Top.md"


# ------------------------------------------------------------------ headings and blocks


FAQ = """\
# FAQ

## How large can it be?

### `hasTag()`

## See [[Other|alias]]

## 安装

### 步骤一

## Other

### 步骤二

para ^Para-1

![[x.png]]^fig
"""


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("[[FAQ#How large can it be]]", None),
        ("[[FAQ#hasTag]]", None),
        ("[[FAQ#See Other alias]]", None),
        ("[[FAQ#FAQ#安装#步骤一]]", None),
        ("[[FAQ#安装#步骤二]]", None),  # each part deeper than the last, not necessarily a child
        ("[[FAQ#步骤一#安装]]", "heading"),
        ("[[FAQ#How big]]", "heading"),
        ("[[FAQ#^para-1]]", None),
        ("[[FAQ#^FIG]]", None),
        ("[[FAQ#^nope]]", "block"),
        ("[[FAQ#]]", None),
        ("[t](FAQ.md#How%20large%20can%20it%20be)", None),
        ("[t](FAQ.md#how-large-can-it-be)", "heading"),  # no GitHub slugs in Obsidian
    ],
)
def test_subpaths(make_vault, link, problem):
    root = make_vault({"FAQ.md": FAQ, "src.md": link + "\n", "x.png": b"png"})
    resolution = only(root, "src.md")
    assert resolution.reaches_file
    assert (resolution.subpath_problem.kind if resolution.subpath_problem else None) == problem


def test_heading_problem_names_what_is_close(make_vault):
    root = make_vault(
        {"FAQ.md": FAQ, "src.md": "[[FAQ#How large can it bee]] [[#Local]]\n## Lokal\n"}
    )
    far, local = resolve_all(root, "src.md")
    assert far.subpath_problem.suggestions == ("## How large can it be?",)
    assert local.rel == "src.md" and local.subpath_problem.suggestions == ("## Lokal",)


def test_a_subpath_on_an_attachment_is_not_checked(make_vault):
    root = make_vault({"paper.pdf": b"%PDF", "src.md": "![[paper.pdf#page=3]]\n"})
    assert only(root, "src.md").ok


def test_the_heading_reached_is_returned(make_vault):
    root = make_vault({"FAQ.md": FAQ, "src.md": "[[FAQ#安装#步骤一]]\n"})
    assert only(root, "src.md").heading.text == "步骤一"


# ------------------------------------------------------------------ the index


def test_index_is_built_once_per_vault_and_links_are_cached(make_vault):
    root = make_vault({"a.md": "[[b]]\n", "b.md": ""})
    vault = load(root)
    index = index_for(vault)
    assert index_for(vault) is index
    assert index.links_of(vault.by_rel["a.md"]) is index.links_of(vault.by_rel["a.md"])
    assert index_for(load(root)) is not index


def test_incoming_links(make_vault):
    root = make_vault({"a.md": "[[b]] [[b#x]] [[a]]\n", "b.md": "[[#y]]\n", "c.md": ""})
    index = index_for(load(root))
    assert [r.source for r in index.incoming("b.md")] == ["a.md", "a.md"]
    assert index.incoming("a.md") == [] and index.incoming("c.md") == []


def test_closest_names(make_vault):
    root = make_vault(
        {
            "00-元语/Agent.md": "",
            "00-元语/memory.md": "",
            "01-博客/作者/文章.md": "",
            **{f"01-博客/作者/另一篇文章 {i}.md": "" for i in range(300)},
        }
    )
    index = index_for(load(root))
    assert index.closest("00-元语/agents") == "00-元语/Agent.md"
    assert index.closest("00-元语/memo") == "00-元语/memory.md"
    assert index.closest("01-博客/作者/另一篇文章 12") == "01-博客/作者/另一篇文章 12.md"
    assert index.closest("01-博客/作者们/文章") == "01-博客/作者/文章.md"  # nearest folder
    assert index.closest("zzzzzz") is None


def test_resolving_twenty_thousand_links_is_dictionary_work(tmp_path):
    """3,000 notes, ~20,000 links: the index and every resolution in well under a second
    on a quiet machine (the bound is loose for busy CI)."""
    files = {f"00-元语/topic{i}.md": "" for i in range(100)}
    for i in range(2900):
        links = " ".join(f"[[00-元语/topic{(i + k) % 100}]]" for k in range(6))
        files[f"01-博客/a{i % 40}/note{i}.md"] = f"{links} [[note{(i + 1) % 2900}]]\n"
    root = tmp_path / "vault"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    vault = load(root)
    start = time.perf_counter()
    index = LinkIndex(vault)
    count = sum(len(index.links_of(note)) for note in vault.notes)
    elapsed = time.perf_counter() - start
    assert count == 2900 * 7
    assert all(r.ok for note in vault.notes for r in index.links_of(note))
    assert elapsed < 5, f"{count} links took {elapsed:.2f}s"
